"""Reminder mutes, the shared pause switch, and the latest report status per unit for reminders."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import delete, select

from bot.db.engine import Repository
from bot.db.models.base import utc_now
from bot.db.models.delivery import Flag, ReminderMute
from bot.db.report_views import current_reports
from bot.db.report_status import Status

PAUSE_FLAG = "reminders_paused"


class ReminderStore(Repository):
    """Mutes and the shared pause switch, and the latest report status of each unit."""


    def paused(self) -> bool:
        with self._read() as session:
            flag = session.get(Flag, PAUSE_FLAG)
            return flag is not None and flag.value == "1"

    def set_paused(self, paused: bool) -> None:
        values = {"value": "1" if paused else "0", "updated_at": utc_now()}
        stmt = self._insert(Flag).values(name=PAUSE_FLAG, **values)
        stmt = stmt.on_conflict_do_update(index_elements=["name"], set_=values)
        with self._write() as session, session.begin():
            session.execute(stmt)

    def mutes(self, official_id: int | None = None) -> dict[int, set[str]]:
        """Official -> muted obligation keys ("*" = all), of one official or of everyone."""
        stmt = select(ReminderMute.official_id, ReminderMute.obligation_key)
        if official_id is not None:
            stmt = stmt.where(ReminderMute.official_id == official_id)
        found: dict[int, set[str]] = {}
        with self._read() as session:
            for who, key in session.execute(stmt):
                found.setdefault(who, set()).add(key)
        return found

    def mute(self, official_id: int, key: str) -> bool:
        """Stop reminders of this obligation (or "*": all); False when already muted."""
        stmt = (self._insert(ReminderMute).values(official_id=official_id, obligation_key=key,
                                                  muted_at=utc_now())
                .on_conflict_do_nothing(index_elements=["official_id", "obligation_key"]))
        with self._write() as session, session.begin():
            return bool(session.execute(stmt).rowcount)

    def unmute(self, official_id: int, key: str | None = None) -> int:
        """Lift one mute (None: every mute of the official); how many were lifted."""
        stmt = delete(ReminderMute).where(ReminderMute.official_id == official_id)
        if key is not None:
            stmt = stmt.where(ReminderMute.obligation_key == key)
        with self._write() as session, session.begin():
            return int(session.execute(stmt).rowcount or 0)

    def statuses(self, occurrences: Iterable[tuple[str, date]]) -> dict[tuple[str, date], dict[int, Status]]:
        """(key, due) -> unit -> status of the unit's latest report (corrections win); the
        summary's query, so reminders and /tonghop agree on who is done."""
        found: dict[tuple[str, date], dict[int, Status]] = {pair: {} for pair in set(occurrences)}
        for report in current_reports(self.engine, found):
            found[(report.obligation_key, report.due_date)][report.unit_id] = Status(report.status)
        return found
