"""Tables of the application database, as SQLAlchemy 2 typed declarative models.

Every constraint is named by the convention below, so that Alembic migrations refer to the same
names on SQLite and PostgreSQL. Later features (users, units, reports, conversation state, the
message outbox) add their models here, on the same `Base`.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend.

    PostgreSQL stores timestamptz; SQLite has no time zones, so values are stored as UTC and
    read back with UTC attached. Naive datetimes are refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware value (UTC)")
        value = value.astimezone(UTC)
        # SQLite's string storage would keep the offset; store plain UTC so text order is time order.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {datetime: UTCDateTime, date: Date}


class Document(Base):
    """One ingested file, keyed by its path relative to the knowledge folder."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(1024), unique=True)
    doc_number: Mapped[str | None] = mapped_column(String(64), index=True)
    doc_type: Mapped[str | None] = mapped_column(String(64))
    issuer: Mapped[str | None] = mapped_column(Text)
    issued_date: Mapped[date | None]
    title: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    # Children are deleted by the database (ON DELETE CASCADE); passive_deletes keeps the ORM
    # from loading them just to delete them.
    obligations: Mapped[list[Obligation]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Obligation.position")
    criteria_lists: Mapped[list[CriteriaList]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True,
        order_by="CriteriaList.position")


class Obligation(Base):
    """Something to do by a deadline; the deadline columns mirror `bot.facts.model.Deadline`."""

    __tablename__ = "obligations"
    __table_args__ = (UniqueConstraint("document_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # order within the document
    action: Mapped[str] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(Text)
    quote: Mapped[str] = mapped_column(Text)
    section: Mapped[str] = mapped_column(Text)
    deadline_kind: Mapped[str] = mapped_column(String(16))  # DeadlineKind value
    deadline_text: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date | None]
    day: Mapped[int | None] = mapped_column(Integer)
    month: Mapped[int | None] = mapped_column(Integer)
    period_months: Mapped[int | None] = mapped_column(Integer)
    period_days: Mapped[int | None] = mapped_column(Integer)
    offset_days: Mapped[int | None] = mapped_column(Integer)
    anchor: Mapped[str | None] = mapped_column(Text)
    due_estimated: Mapped[bool] = mapped_column(Boolean, server_default=false())  # "kể từ ngày nhận"
    # Task or not (`bot.facts.model.NotTask` value when not), lead and coordinating units
    # (one per line), recurrence ("yearly", "quarterly"…): see `bot.facts.tasks`.
    is_task: Mapped[bool] = mapped_column(Boolean, server_default=true())
    not_task: Mapped[str | None] = mapped_column(String(24))
    lead: Mapped[str | None] = mapped_column(Text)
    coordinate: Mapped[str] = mapped_column(Text, server_default="")
    recurrence: Mapped[str | None] = mapped_column(String(16))

    document: Mapped[Document] = relationship(back_populates="obligations")


class CriteriaList(Base):
    """A list of criteria, standards, conditions or reward forms; its items in `CriteriaItem`."""

    __tablename__ = "criteria_lists"
    __table_args__ = (UniqueConstraint("document_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))  # ListKind value
    heading: Mapped[str] = mapped_column(Text)
    section: Mapped[str] = mapped_column(Text)

    document: Mapped[Document] = relationship(back_populates="criteria_lists")
    items: Mapped[list[CriteriaItem]] = relationship(
        back_populates="criteria_list", cascade="all, delete-orphan", passive_deletes=True,
        order_by="CriteriaItem.position")


class CriteriaItem(Base):
    """One item of a list, in the text's order."""

    __tablename__ = "criteria_items"

    list_id: Mapped[int] = mapped_column(
        ForeignKey("criteria_lists.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)

    criteria_list: Mapped[CriteriaList] = relationship(back_populates="items")


# -- conversations with the bot -----------------------------------------------------------------

class ConversationState(Base):
    """What a follow-up question in a chat may lean on (the last answer's documents), and the
    numbered choices offered where the channel has no buttons."""

    __tablename__ = "conversations"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sources: Mapped[str] = mapped_column(Text, default="")   # files, one per line
    intent: Mapped[str | None] = mapped_column(String(16))
    choices: Mapped[str] = mapped_column(Text, default="")   # button data, one per line, numbered from 1
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class AskedQuestion(Base):
    """Every question asked, whether the documents answered it, and its feedback."""

    __tablename__ = "asked_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(Text)
    found: Mapped[bool] = mapped_column(Boolean)
    answer: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)


class Feedback(Base):
    """👍 or 👎 of one user on one answer; pressing again changes the vote."""

    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("question_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("asked_questions.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))
    useful: Mapped[bool] = mapped_column(Boolean)
    given_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class SeenUpdate(Base):
    """Updates already handled, so a messenger's repeated delivery is answered once."""

    __tablename__ = "seen_updates"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    update_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)


# -- units, officials, roles --------------------------------------------------------------------

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


# -- progress reports ---------------------------------------------------------------------------

class Report(Base):
    """One progress report, never overwritten: a correction is a new row pointing at the old.

    The obligation is kept by its stable key (see `bot.obligations.obligation_key`) and copied
    (title, document, due date), so a report keeps its meaning when documents are re-ingested.
    A free-titled report ("khác") has no key.
    """

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id", ondelete="RESTRICT"))
    channel: Mapped[str] = mapped_column(String(16))
    obligation_key: Mapped[str | None] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(Text)
    doc_number: Mapped[str | None] = mapped_column(String(64), index=True)
    due_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16))  # `bot.reports.Status` value
    percent: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    attachment_name: Mapped[str | None] = mapped_column(String(255))
    attachment_ref: Mapped[str | None] = mapped_column(Text)  # channel file id or stored file name
    attachment_mime: Mapped[str | None] = mapped_column(String(128))
    # The local copy under <store>/attachments/ (messenger links may expire) and the download
    # attempts so far; the messenger's reference stays in attachment_ref.
    attachment_file: Mapped[str | None] = mapped_column(String(255))
    attachment_tries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="RESTRICT"))
    submitted_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
    # A retried submission (double tap, redelivered update) carries the same token: one row.
    submission_token: Mapped[str] = mapped_column(String(64), unique=True)


class Dialog(Base):
    """A multi-step conversation in progress (a report being filled, a broadcast being written),
    kept here so that a restart or another worker continues it."""

    __tablename__ = "dialogs"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))   # "report", "broadcast"
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    # The numbered choices this dialog offered last (button data, one per line): kept apart from
    # the chat's, so that a reminder or an answer arriving meanwhile never takes them over.
    choices: Mapped[str] = mapped_column(Text, default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


# -- the task register ---------------------------------------------------------------------------

class Task(Base):
    """A task the secretariat tracks (or was proposed, or dismissed), keyed like reports
    (`bot.services.obligations.obligation_key`) so that re-ingestion keeps its decisions.

    The row holds its own copy of what it says (action, quote, deadline as JSON), refreshed from
    each new extraction unless the deadline was corrected by hand; a task added by hand has no
    extraction behind it.
    """

    __tablename__ = "tasks"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    source: Mapped[str] = mapped_column(String(1024), index=True)
    doc_number: Mapped[str | None] = mapped_column(String(64), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)  # order within the document
    action: Mapped[str] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(Text)
    quote: Mapped[str] = mapped_column(Text, default="")
    section: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[str] = mapped_column(Text)  # JSON of `bot.facts.model.Deadline`
    status: Mapped[str] = mapped_column(String(12), index=True)  # proposed, tracked, dismissed
    manual: Mapped[bool] = mapped_column(Boolean, default=False)            # added by hand
    deadline_corrected: Mapped[bool] = mapped_column(Boolean, default=False)
    units_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)   # set by a person
    announced: Mapped[bool] = mapped_column(Boolean, default=False)         # admins were told of it
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("officials.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class TaskUnit(Base):
    """A unit a task is assigned to: its lead (chủ trì) or a coordinating unit (phối hợp)."""

    __tablename__ = "task_units"

    task_key: Mapped[str] = mapped_column(ForeignKey("tasks.key", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)
    role: Mapped[str] = mapped_column(String(12))  # "lead", "coordinate"


# -- the web dashboard ---------------------------------------------------------------------------

class WebLink(Base):
    """A one-time sign-in link: only the hash of its token is kept."""

    __tablename__ = "web_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class WebSession(Base):
    """A signed-in browser: the cookie holds a token whose hash is the key; revocable."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    last_seen_at: Mapped[datetime] = mapped_column(default=utc_now)
    ended_at: Mapped[datetime | None]


# -- reminders, broadcasts, delivery -------------------------------------------------------------

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
