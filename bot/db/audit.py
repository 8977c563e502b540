"""The audit log: who did what, through which channel — written by every admin action (in the
same transaction as the action, through `add_entry`), read by the dashboard's log page, pruned
after `retention.audit_days`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from bot.db.engine import Repository
from bot.db.models.people import AuditEntry, Official


@dataclass(frozen=True)
class AuditFilter:
    """Which audit entries to show: each given field narrows; `since` inclusive, `until` not."""

    action: str | None = None
    channel: str | None = None
    official_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        entry = AuditEntry
        found: list[ColumnElement[bool]] = []
        if self.action:
            found.append(entry.action == self.action)
        if self.channel:
            found.append(entry.channel == self.channel)
        if self.official_id is not None:
            found.append(entry.official_id == self.official_id)
        if self.since is not None:
            found.append(entry.at >= self.since)
        if self.until is not None:
            found.append(entry.at < self.until)
        return found


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    official_id: int | None
    official_name: str | None
    channel: str
    action: str
    detail: str


@dataclass(frozen=True)
class AuditChoices:
    actions: list[str]
    channels: list[str]
    officials: list[tuple[int, str]]  # (id, name) of those who appear in the log


def add_entry(session: Session, official_id: int | None, channel: str, action: str, detail: str) -> None:
    """An entry written in the caller's transaction (committed with the action it records)."""
    session.add(AuditEntry(official_id=official_id, channel=channel, action=action, detail=detail))


class AuditLog(Repository):
    """Writes, reads and prunes the audit log (the people store is one: see `PeopleStore`)."""

    def audit(self, official_id: int | None, channel: str, action: str, detail: str = "") -> None:
        with self._write() as session, session.begin():
            add_entry(session, official_id, channel, action, detail)

    def audit_log(self, limit: int = 100) -> list[tuple[datetime, int | None, str, str, str]]:
        stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        with self._read() as session:
            return [(a.at, a.official_id, a.channel, a.action, a.detail) for a in session.scalars(stmt)]

    def audit_entries(self, wanted: AuditFilter | None = None, *, offset: int = 0,
                      limit: int = 50) -> tuple[list[AuditRow], int]:
        """One page of the entries that match, newest first, with who made them; and how many
        entries match in all."""
        conditions = (wanted or AuditFilter()).conditions()
        entry = AuditEntry
        stmt = (select(entry.id, entry.at, entry.official_id, Official.name, entry.channel, entry.action,
                       entry.detail)
                .outerjoin(Official, Official.id == entry.official_id).where(*conditions)
                .order_by(entry.id.desc()).offset(offset).limit(limit))
        count = select(func.count()).select_from(entry).where(*conditions)
        with self._read() as session:
            rows = [AuditRow(*row) for row in session.execute(stmt)]
            return rows, int(session.scalar(count) or 0)

    def audit_choices(self) -> AuditChoices:
        """The actions, channels and officials the log holds, for its filters."""
        entry = AuditEntry
        officials = (select(Official.id, Official.name).where(
            Official.id.in_(select(entry.official_id).where(entry.official_id.is_not(None)).distinct()))
            .order_by(Official.name, Official.id))
        with self._read() as session:
            actions = list(session.scalars(select(entry.action).distinct().order_by(entry.action)))
            channels = list(session.scalars(select(entry.channel).distinct().order_by(entry.channel)))
            return AuditChoices(actions, channels, [(i, n) for i, n in session.execute(officials)])

    def prune_audit(self, before: datetime) -> int:
        """Delete audit entries written before this moment; how many."""
        with self._write() as session, session.begin():
            result = session.execute(delete(AuditEntry).where(AuditEntry.at < before))
            return int(result.rowcount or 0)
