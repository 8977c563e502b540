"""Where broadcasts stand: sent, failed by reason, moved to another account, still pending; the
latest broadcasts for a list; and each finished broadcast's report, queued once.

The read side of the outbox (`bot.db.outbox.Outbox` answers these too).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, exists, func, select, update
from sqlalchemy.orm import aliased

from bot.db.engine import Repository
from bot.db.models.base import utc_now
from bot.db.models.delivery import Broadcast, OutboxMessage
from bot.db.models.people import Official
from bot.db.outbox_rows import REASON_SEP, NewMessage, Status, encode_buttons

__all__ = ["BroadcastReport", "BroadcastReports", "BroadcastSummary"]


@dataclass(frozen=True)
class BroadcastReport:
    """Where a broadcast's messages stand: sent, failed by reason, still pending."""

    broadcast_id: int
    kind: str
    sent: int
    failed: dict[str, int]  # reason → rows
    pending: int  # pending or being sent
    report_channel: str | None = None
    report_chat_id: str | None = None
    # Messages moved to the recipient's other account: (from channel, reason, to channel) → rows.
    rerouted: dict[tuple[str, str, str], int] = field(default_factory=dict)

    @property
    def failed_total(self) -> int:
        return sum(self.failed.values())

    @property
    def total(self) -> int:
        return self.sent + self.failed_total + self.pending


@dataclass(frozen=True)
class BroadcastSummary:
    """A broadcast as a list shows it: what, to whom, by whom, and where its messages stand."""

    id: int
    kind: str
    text: str
    audience: str
    created_by: int | None
    creator: str | None  # the official's name
    created_at: datetime
    sent: int
    failed: int
    pending: int  # pending or being sent

    @property
    def total(self) -> int:
        return self.sent + self.failed + self.pending


class BroadcastReports(Repository):
    """Reports of the broadcasts whose messages are outbox rows."""

    def broadcast_report(self, broadcast_id: int) -> BroadcastReport | None:
        """Sent, failed by reason and pending rows of one broadcast; None if there is none."""
        row = OutboxMessage
        stmt = (select(row.status, row.error, func.count()).where(row.broadcast_id == broadcast_id)
                .group_by(row.status, row.error))
        with self._read() as session:
            broadcast = session.get(Broadcast, broadcast_id)
            if broadcast is None:
                return None
            groups = session.execute(stmt).all()
        sent = sum(n for status, _, n in groups if status == Status.SENT)
        pending = sum(n for status, _, n in groups if status in (Status.PENDING, Status.SENDING))
        failed: dict[str, int] = {}
        for status, error, n in groups:
            if status == Status.FAILED:
                reason = (error or "").split(REASON_SEP, 1)[0].strip() or "lỗi không rõ"
                failed[reason] = failed.get(reason, 0) + int(n)
        return BroadcastReport(broadcast_id, broadcast.kind, int(sent), dict(sorted(
            failed.items(), key=lambda item: (-item[1], item[0]))), int(pending),
            broadcast.report_channel, broadcast.report_chat_id, self._rerouted(broadcast_id))

    def _rerouted(self, broadcast_id: int) -> dict[tuple[str, str, str], int]:
        """Rows of the broadcast moved to another account: (from, reason, to) → how many."""
        old, new = aliased(OutboxMessage), aliased(OutboxMessage)
        stmt = (select(old.channel, old.error, new.channel, func.count())
                .join(new, new.rerouted_from == old.id)
                .where(old.broadcast_id == broadcast_id, old.status == Status.REROUTED)
                .group_by(old.channel, old.error, new.channel))
        found: dict[tuple[str, str, str], int] = {}
        with self._read() as session:
            for source, error, target, n in session.execute(stmt):
                key = (source, (error or "").split(REASON_SEP, 1)[0].strip(), target)
                found[key] = found.get(key, 0) + int(n)
        return found

    def recent_broadcasts(self, limit: int = 20, kind: str | None = None) -> list[BroadcastSummary]:
        """The latest broadcasts (of one kind, or all), newest first, with their messages counted."""
        return self._summaries(None if kind is None else Broadcast.kind == kind, limit)

    def broadcast(self, broadcast_id: int) -> BroadcastSummary | None:
        found = self._summaries(Broadcast.id == broadcast_id, 1)
        return found[0] if found else None

    def _summaries(self, where: ColumnElement[bool] | None, limit: int) -> list[BroadcastSummary]:
        row, broadcast = OutboxMessage, Broadcast
        latest = (select(broadcast, Official.name).outerjoin(Official, Official.id == broadcast.created_by)
                  .order_by(broadcast.id.desc()).limit(limit))
        if where is not None:
            latest = latest.where(where)
        with self._read() as session:
            found = session.execute(latest).all()
            ids = [b.id for b, _ in found]
            counts: dict[tuple[int, str], int] = {
                (b, status): int(n) for b, status, n in session.execute(
                    select(row.broadcast_id, row.status, func.count()).where(row.broadcast_id.in_(ids))
                    .group_by(row.broadcast_id, row.status))} if ids else {}
        return [BroadcastSummary(b.id, b.kind, b.text, b.audience, b.created_by, name, b.created_at,
                                 counts.get((b.id, Status.SENT), 0), counts.get((b.id, Status.FAILED), 0),
                                 counts.get((b.id, Status.PENDING), 0) + counts.get((b.id, Status.SENDING), 0))
                for b, name in found]

    def unreported_finished_broadcasts(self) -> list[int]:
        """Broadcasts not yet reported whose every message is sent or failed."""
        row, broadcast = OutboxMessage, Broadcast
        unsettled = exists().where(row.broadcast_id == broadcast.id,
                                   row.status.in_([Status.PENDING, Status.SENDING]))
        stmt = (select(broadcast.id).where(broadcast.reported_at.is_(None), ~unsettled)
                .order_by(broadcast.id))
        with self._read() as session:
            return list(session.scalars(stmt))

    def settle_report(self, broadcast_id: int, report: NewMessage | None) -> bool:
        """Mark the broadcast reported and queue its report, in one transaction; False when
        another worker already did (the report goes out once)."""
        stmt = (update(Broadcast).where(Broadcast.id == broadcast_id, Broadcast.reported_at.is_(None))
                .values(reported_at=utc_now()).execution_options(synchronize_session=False))
        with self._write() as session, session.begin():
            if not session.execute(stmt).rowcount:
                return False
            if report is not None:
                now = utc_now()
                session.execute(self._insert(OutboxMessage).values(
                    dedupe_key=report.dedupe_key[:160], broadcast_id=None, official_id=report.official_id,
                    channel=report.channel, chat_id=report.chat_id, is_group=report.is_group,
                    text=report.text, buttons=encode_buttons(report.buttons), status=Status.PENDING,
                    attempts=0, not_before=report.not_before or now, created_at=now,
                ).on_conflict_do_nothing(index_elements=["dedupe_key"]))
        return True
