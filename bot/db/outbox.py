"""The delivery outbox: every message to every recipient is a row before anything is sent.

Planning the same message twice is a no-op (its `dedupe_key` is unique), so reminder planning
and broadcasts can be re-run after a crash without sending anything twice.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Update, and_, exists, func, or_, select, update
from sqlalchemy.orm import Session

from bot.db.broadcast_reports import BroadcastReports
from bot.db.models.base import UTCDateTime, utc_now
from bot.db.models.delivery import Broadcast, OutboxMessage
from bot.db.models.people import AuditEntry
from bot.db.outbox_rows import Claimed, NewMessage, Status, decode_buttons, encode_buttons

__all__ = ["Outbox"]

log = logging.getLogger(__name__)

_BATCH = 500  # rows per INSERT


class Outbox(BroadcastReports):
    """Messages planned, claimed by the delivery workers and their outcomes recorded; what the
    broadcasts' reports say comes from `BroadcastReports`."""

    def plan_broadcast(self, kind: str, text: str, audience: str,
                       messages: Callable[[int], Iterable[NewMessage]], *, created_by: int | None = None,
                       report_to: tuple[str, str] | None = None,
                       audit: Callable[[int], AuditEntry] | None = None) -> tuple[int, int]:
        """The broadcast, its messages (`messages(broadcast_id)`) and its audit entry
        (`audit(broadcast_id)`) in ONE transaction: no delivery run ever sees a broadcast without
        its rows (it would report «đã gửi 0»), a crash loses all or none, and a failed audit
        write sends nothing (the admin who tries again does not announce it twice).
        (broadcast id, rows added)."""
        row = Broadcast(kind=kind, text=text, audience=audience, created_by=created_by,
                        report_channel=report_to[0] if report_to else None,
                        report_chat_id=report_to[1] if report_to else None)
        with self._write() as session, session.begin():
            session.add(row)
            session.flush()
            added = self._enqueue(session, messages(row.id), row.id)
            if audit is not None:
                session.add(audit(row.id))
            return row.id, added

    def enqueue(self, messages: Iterable[NewMessage], broadcast_id: int | None = None) -> int:
        """Write the messages as pending rows; those already planned (same dedupe key) are
        skipped. Returns how many rows are new."""
        with self._write() as session, session.begin():
            return self._enqueue(session, messages, broadcast_id)

    def _enqueue(self, session: Session, messages: Iterable[NewMessage], broadcast_id: int | None) -> int:
        now = utc_now()
        rows = [{"dedupe_key": msg.dedupe_key[:160], "broadcast_id": broadcast_id,
                 "official_id": msg.official_id, "channel": msg.channel, "chat_id": msg.chat_id,
                 "is_group": msg.is_group, "text": msg.text, "buttons": encode_buttons(msg.buttons),
                 "status": Status.PENDING, "attempts": 0, "parts_sent": 0, "not_before": msg.not_before or now,
                 "created_at": now} for msg in messages]
        added = 0
        for start in range(0, len(rows), _BATCH):
            stmt = (self._insert(OutboxMessage).values(rows[start:start + _BATCH])
                    .on_conflict_do_nothing(index_elements=["dedupe_key"])
                    .returning(OutboxMessage.id))
            added += len(session.execute(stmt).all())
        return added

    def counts(self, broadcast_id: int | None = None) -> dict[str, int]:
        """Rows by status (of one broadcast, or all)."""
        stmt = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        if broadcast_id is not None:
            stmt = stmt.where(OutboxMessage.broadcast_id == broadcast_id)
        with self._read() as session:
            found = {status: int(n) for status, n in session.execute(stmt)}
        counts = {s: found.get(s, 0) for s in (Status.PENDING, Status.SENDING, Status.SENT, Status.FAILED)}
        return counts | ({Status.REROUTED: found[Status.REROUTED]} if found.get(Status.REROUTED) else {})

    # -- delivery ---------------------------------------------------------------------------

    def _due(self, channel: str, now: datetime, lease: timedelta) -> ColumnElement[bool]:
        """Rows of the channel a worker may take: pending and due, or claimed by a worker whose
        lease ran out (it died between claiming and recording the outcome)."""
        row = OutboxMessage
        return and_(row.channel == channel,
                    or_(and_(row.status == Status.PENDING, row.not_before <= now),
                        and_(row.status == Status.SENDING, row.claimed_at < now - lease)))

    def claim(self, worker_id: str, channel: str, limit: int = 1, now: datetime | None = None, *,
              lease: timedelta = timedelta(seconds=60), exclude_chats: Iterable[str] = (),
              sent: int | None = None, chat_interval: timedelta | None = None) -> list[Claimed]:
        """Take up to `limit` due rows, oldest first, and commit the claim before anything is
        sent. PostgreSQL: rows other workers hold are skipped (FOR UPDATE SKIP LOCKED); SQLite:
        the write lock (BEGIN IMMEDIATE) serialises claimers. Chats in `exclude_chats` (paused
        by the rate limits) are left for later. `sent` is a row just accepted by the messenger,
        marked sent in the same transaction (one commit per message instead of two). With
        `chat_interval`, the other pending rows of a claimed chat wait at least that long, so that
        no other worker writes to the chat within the interval."""
        now = now or utc_now()
        row = OutboxMessage
        where = self._due(channel, now, lease)
        excluded = list(exclude_chats)
        if excluded:
            where = and_(where, row.chat_id.not_in(excluded))
        pick = select(row.id).where(where).order_by(row.id).limit(limit)
        if self.engine.dialect.name == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        stmt = (update(row).where(row.id.in_(pick.scalar_subquery()))
                .values(status=Status.SENDING, claimed_by=worker_id[:64], claimed_at=now,
                        attempts=row.attempts + 1)
                .returning(row.id, row.broadcast_id, row.official_id, row.channel, row.chat_id,
                           row.is_group, row.text, row.buttons, row.attempts, row.parts_sent)
                .execution_options(synchronize_session=False))
        with self._write() as session, session.begin():
            if sent is not None:
                self._record(session, self._sent(sent, now, worker_id), sent, "sent")
            found = session.execute(stmt).all()
            if chat_interval and found:
                session.execute(self._hold_chats(channel, [r.chat_id for r in found], now + chat_interval,
                                                 skip_locked=self.engine.dialect.name == "postgresql"))
        return sorted((Claimed(r.id, r.broadcast_id, r.official_id, r.channel, r.chat_id, bool(r.is_group),
                               r.text, decode_buttons(r.buttons), int(r.attempts), int(r.parts_sent or 0))
                       for r in found), key=lambda c: c.id)

    @staticmethod
    def _hold_chats(channel: str, chat_ids: list[str], until: datetime, skip_locked: bool = False) -> Update:
        """Other pending rows of these chats wait until `until` (the per-chat limit across workers).
        `skip_locked` (PostgreSQL): rows another claim has locked are being claimed, not waited
        for; two claims of one chat waiting for each other's rows would deadlock."""
        row = OutboxMessage
        where = and_(row.channel == channel, row.chat_id.in_(chat_ids), row.status == Status.PENDING,
                     row.not_before < until)
        if skip_locked:
            where = row.id.in_(select(row.id).where(where).with_for_update(skip_locked=True).scalar_subquery())
        return update(row).where(where).values(not_before=until).execution_options(synchronize_session=False)

    def has_due(self, channel: str, now: datetime | None = None, *,
                lease: timedelta = timedelta(seconds=60)) -> bool:
        """Whether any row of the channel could be claimed now (ignoring rate limits)."""
        stmt = select(exists().where(self._due(channel, now or utc_now(), lease)))
        with self._read() as session:
            return bool(session.scalar(stmt))

    def seconds_until_due(self, channel: str, now: datetime | None = None, *,
                          lease: timedelta = timedelta(seconds=60)) -> float | None:
        """Seconds until some row of the channel can be claimed (≤ 0: one can now); None when
        nothing is pending or being sent."""
        now = now or utc_now()
        row = OutboxMessage
        pending = select(func.min(row.not_before, type_=UTCDateTime())).where(
            row.channel == channel, row.status == Status.PENDING)
        sending = select(func.min(row.claimed_at, type_=UTCDateTime())).where(
            row.channel == channel, row.status == Status.SENDING)
        with self._read() as session:
            first_due, first_claim = session.scalar(pending), session.scalar(sending)
        moments = [t for t in (first_due, first_claim + lease if first_claim else None) if t is not None]
        return min((t - now).total_seconds() for t in moments) if moments else None

    def unsettled(self, channel: str | None = None, broadcast_id: int | None = None) -> int:
        """Rows still pending or being sent (of one channel and/or broadcast)."""
        row = OutboxMessage
        stmt = select(func.count()).where(row.status.in_([Status.PENDING, Status.SENDING]))
        if channel is not None:
            stmt = stmt.where(row.channel == channel)
        if broadcast_id is not None:
            stmt = stmt.where(row.broadcast_id == broadcast_id)
        with self._read() as session:
            return int(session.scalar(stmt) or 0)

    def claimants(self, channel: str) -> list[str]:
        """Workers holding rows of the channel right now (status "sending")."""
        row = OutboxMessage
        stmt = select(row.claimed_by).where(row.channel == channel, row.status == Status.SENDING).distinct()
        with self._read() as session:
            return [w for w in session.scalars(stmt) if w]

    def recent_sends(self, channel: str, since: datetime) -> list[tuple[str, bool, datetime | None]]:
        """(chat, is a group, sent at) of the channel's rows sent since `since`, and of those
        being sent now (sent at None: the answer may be arriving): what a new delivery leader
        counts in its rate windows."""
        row = OutboxMessage
        sent = select(row.chat_id, row.is_group, row.sent_at).where(
            row.channel == channel, row.status == Status.SENT, row.sent_at >= since)
        sending = select(row.chat_id, row.is_group).where(row.channel == channel, row.status == Status.SENDING)
        with self._read() as session:
            found = [(chat, bool(group), at) for chat, group, at in session.execute(sent)]
            found += [(chat, bool(group), None) for chat, group in session.execute(sending)]
        return found

    def release_claims(self, channel: str, worker_ids: Iterable[str]) -> int:
        """Put back to pending the rows these (dead) workers held, without waiting out their
        lease; the attempt they made still counts. How many rows."""
        row = OutboxMessage
        stmt = (update(row).where(row.channel == channel, row.status == Status.SENDING,
                                  row.claimed_by.in_(list(worker_ids)))
                .values(status=Status.PENDING, claimed_by=None, claimed_at=None)
                .execution_options(synchronize_session=False))
        with self._write() as session, session.begin():
            return int(session.execute(stmt).rowcount or 0)

    def mark_sent(self, message_id: int, worker_id: str, now: datetime | None = None) -> bool:
        """The messenger accepted the message: it is never sent again. False when the worker no
        longer held the row (its lease ran out and another worker took it)."""
        with self._write() as session, session.begin():
            return self._record(session, self._sent(message_id, now or utc_now(), worker_id), message_id, "sent")

    @staticmethod
    def _owned(message_id: int, worker_id: str) -> Update:
        """An UPDATE of one row that matches only while this worker still holds its claim."""
        row = OutboxMessage
        return (update(row).where(row.id == message_id, row.status == Status.SENDING,
                                  row.claimed_by == worker_id[:64])
                .execution_options(synchronize_session=False))

    @classmethod
    def _sent(cls, message_id: int, now: datetime, worker_id: str) -> Update:
        return cls._owned(message_id, worker_id).values(status=Status.SENT, sent_at=now, error=None)

    @staticmethod
    def _record(session: Session, stmt: Update, message_id: int, outcome: str) -> bool:
        """Run an owned UPDATE; a row another worker took meanwhile is left as it is."""
        if session.execute(stmt).rowcount:
            return True
        log.warning("outbox: tin %s không còn thuộc worker này (hết hạn giữ); bỏ qua kết quả «%s»",
                    message_id, outcome)
        return False

    def mark_failed(self, message_id: int, reason: str, worker_id: str) -> bool:
        """Give up on the message; the reason is what the delivery report groups by (up to
        REASON_SEP; the messenger's own words may follow, for operators)."""
        return self._set(message_id, worker_id, "failed", status=Status.FAILED, error=reason[:500])

    def reroute(self, message_id: int, worker_id: str, channel: str, chat_id: str, reason: str) -> bool:
        """This row's account cannot receive: mark it rerouted (`reason` for the report) and queue
        the same message to `channel`/`chat_id`, the official's other account, in one
        transaction. False when the worker no longer held the row."""
        row = OutboxMessage
        with self._write() as session, session.begin():
            moved = self._owned(message_id, worker_id).values(status=Status.REROUTED, error=reason[:500])
            if not self._record(session, moved, message_id, "rerouted"):
                return False
            old = session.get_one(row, message_id)
            session.execute(self._insert(row).values(
                dedupe_key=f"{old.dedupe_key}>{channel}:{chat_id}"[:160], broadcast_id=old.broadcast_id,
                official_id=old.official_id, channel=channel, chat_id=chat_id, is_group=False, text=old.text,
                buttons=old.buttons, status=Status.PENDING, attempts=0, parts_sent=0, not_before=utc_now(),
                created_at=utc_now(), rerouted_from=old.id,
            ).on_conflict_do_nothing(index_elements=["dedupe_key"]))
        return True

    def move_chat(self, channel: str, old_chat_id: str, new_chat_id: str) -> int:
        """A chat got a new id (a Telegram group became a supergroup): rows not yet settled go to
        the new one. How many rows."""
        row = OutboxMessage
        stmt = (update(row).where(row.channel == channel, row.chat_id == old_chat_id,
                                  row.status.in_([Status.PENDING, Status.SENDING]))
                .values(chat_id=new_chat_id).execution_options(synchronize_session=False))
        with self._write() as session, session.begin():
            return int(session.execute(stmt).rowcount or 0)

    def parts_sent(self, message_id: int, parts: int, worker_id: str) -> bool:
        """The first `parts` parts of a split text were accepted: a retry resumes after them.
        The claim is kept."""
        return self._set(message_id, worker_id, "parts", parts_sent=parts)

    def retry_later(self, message_id: int, not_before: datetime, worker_id: str, count_attempt: bool = True,
                    reason: str | None = None) -> bool:
        """Put a claimed row back to pending until `not_before`; a rate-limit pause does not
        count as an attempt (the claim counted one, so it is given back)."""
        row = OutboxMessage
        values: dict[str, object] = {"status": Status.PENDING, "not_before": not_before,
                                     "claimed_by": None, "claimed_at": None}
        if not count_attempt:
            values["attempts"] = func.max(row.attempts - 1, 0) if self.engine.dialect.name == "sqlite" \
                else func.greatest(row.attempts - 1, 0)
        if reason is not None:
            values["error"] = reason[:500]
        return self._set(message_id, worker_id, "retry", **values)

    def _set(self, message_id: int, worker_id: str, outcome: str, **values: object) -> bool:
        """Update one row only while this worker holds it (a worker whose lease ran out must
        not undo what another worker recorded since)."""
        with self._write() as session, session.begin():
            return self._record(session, self._owned(message_id, worker_id).values(**values), message_id, outcome)
