"""Reminders, broadcasts and delivery: the outbox, reminder mutes, rate counters, shared switches
and the leases of sending processes.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, utc_now

__all__ = ["Broadcast", "Flag", "Lease", "OutboxMessage", "RateCounter", "ReminderMute"]


class Broadcast(Base):
    """An announcement (or a reminder run) and its audience; its messages are outbox rows."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "announcement", "reminder"
    text: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(Text)    # "all", "unit:SNV", "missing:<obligation key>"
    created_by: Mapped[int | None] = mapped_column(ForeignKey("officials.id", ondelete="SET NULL"))
    # Where the delivery report goes when every message is settled.
    report_channel: Mapped[str | None] = mapped_column(String(16))
    report_chat_id: Mapped[str | None] = mapped_column(String(64))
    reported_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class OutboxMessage(Base):
    """One message to one recipient, written before it is sent and marked sent only after the
    messenger accepted it. `dedupe_key` makes planning the same message twice a no-op."""

    __tablename__ = "outbox"
    # Workers claim the oldest due pending rows; a claim holds back the rest of its chat.
    __table_args__ = (Index("ix_outbox_due", "status", "not_before"), Index("ix_outbox_chat", "channel", "chat_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"), index=True)
    official_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    is_group: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str] = mapped_column(Text)
    buttons: Mapped[str] = mapped_column(Text, default="")  # JSON rows of [label, data]
    status: Mapped[str] = mapped_column(String(8), default="pending")  # pending/sending/sent/failed/rerouted
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Parts of a split text already accepted: a retry resumes after them.
    parts_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    not_before: Mapped[datetime] = mapped_column(default=utc_now)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    # The row this one replaces: the same message to the official's other account, after the
    # first one could not receive it (the replaced row's status is "rerouted").
    rerouted_from: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))


class ReminderMute(Base):
    """An official who asked for no more reminders, for one obligation or ("*") for all."""

    __tablename__ = "reminder_mutes"

    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id", ondelete="CASCADE"), primary_key=True)
    obligation_key: Mapped[str] = mapped_column(String(32), primary_key=True)
    muted_at: Mapped[datetime] = mapped_column(default=utc_now)


class RateCounter(Base):
    """Hits of one key (a person's messages, failed registrations…) within one fixed time
    window, in the database so that every worker counts against the same limits."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(primary_key=True, index=True)
    hits: Mapped[int] = mapped_column(Integer, default=0)


class Flag(Base):
    """Small switches shared by every worker, e.g. reminders paused by an admin."""

    __tablename__ = "flags"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class Lease(Base):
    """A role only one process may play at a time (sending one messenger's outbox), and its
    holder's heartbeat: `beat` grows at every renewal, so that others can tell, by their own
    clocks, that the holder stopped renewing (`bot.delivery.leader`)."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(64))  # a worker id; None: given up
    beat: Mapped[int] = mapped_column(Integer, default=0)
    renewed_at: Mapped[datetime] = mapped_column(default=utc_now)  # for operators only
