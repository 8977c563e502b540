"""Units, officials and their roles, their messenger accounts, invite and link codes, and the
audit log."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, utc_now

__all__ = ["AuditEntry", "Identity", "InviteCode", "LinkRequest", "Official", "Unit"]


class Unit(Base):
    """A reporting unit (sở, phòng, xã…), known by its code."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    # What class addresses it («các sở, ban, ngành» → so, nganh; «UBND các xã, phường» →
    # ubnd_xa; khac), and other names a document may use for it, one per line.
    kind: Mapped[str | None] = mapped_column(String(16))
    aliases: Mapped[str] = mapped_column(Text, default="", server_default="")


class Official(Base):
    """A person using the bot; `role` is a `bot.people.Role` value. Admins may have no unit."""

    __tablename__ = "officials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    # Before revision 0006, False once they blocked the bot; now each account says so (Identity).
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class Identity(Base):
    """One messenger account of an official: the same person may be on Telegram and on Zalo."""

    __tablename__ = "identities"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[str] = mapped_column(String(64))  # the private chat the bot writes to
    linked_at: Mapped[datetime] = mapped_column(default=utc_now)
    last_seen_at: Mapped[datetime] = mapped_column(default=utc_now)
    # False once this account stopped receiving (blocked the bot, never started it, was deleted);
    # True again when it writes. The official's other accounts are not affected.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class InviteCode(Base):
    """A code that joins its holder to a unit with a role, until it expires or is revoked."""

    __tablename__ = "invite_codes"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    max_uses: Mapped[int | None] = mapped_column(Integer)  # None: any number of officials
    uses: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("officials.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class LinkRequest(Base):
    """A messenger account that typed a link code, waiting for the code's owner to confirm from
    an account already theirs: the code carries its owner's role, so a leaked one links nobody
    unconfirmed."""

    __tablename__ = "link_requests"

    code: Mapped[str] = mapped_column(ForeignKey("invite_codes.code", ondelete="CASCADE"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(Text, default="")
    requested_at: Mapped[datetime] = mapped_column(default=utc_now)


class AuditEntry(Base):
    """Every action of an admin (and every role change), who did it and when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    official_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(16))  # "telegram", "zalo", "cli"
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
