"""Progress reports in the database: submitted once, never overwritten.

A submission carries a token made when the report was started; the same token again (a double
tap on «Gửi», a messenger redelivering the update, a second worker) returns the row written the
first time. A correction is a new row that points at the report it corrects, so the history of
every obligation stays readable.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import Engine, Select, select, update
from sqlalchemy.orm import Session

from bot.db.engine import Repository
from bot.db.models.base import utc_now
from bot.db.models.reports import Report
from bot.db.report_status import Status



@dataclass(frozen=True)
class NewReport:
    """What an official reports; the unit and the author come from their membership."""

    unit_id: int
    official_id: int
    channel: str
    title: str
    status: Status
    obligation_key: str | None = None  # None for a free-titled report («Khác»)
    doc_number: str | None = None
    due_date: date | None = None
    percent: int | None = None
    text: str = ""
    attachment_name: str | None = None
    attachment_ref: str | None = None
    attachment_mime: str | None = None


@dataclass(frozen=True)
class StoredReport:
    id: int  # the report's number, shown to the official
    unit_id: int
    official_id: int
    channel: str
    obligation_key: str | None
    title: str
    doc_number: str | None
    due_date: date | None
    status: Status
    percent: int | None
    text: str
    attachment_name: str | None
    attachment_ref: str | None
    attachment_mime: str | None
    corrects_id: int | None
    submitted_at: datetime
    submission_token: str


@dataclass(frozen=True)
class Receipt:
    """The acknowledgement of a submission; `created` is False for a repeated token."""

    number: int
    submitted_at: datetime
    created: bool
    corrects_id: int | None = None


@dataclass(frozen=True)
class PendingAttachment:
    """A committed report's attachment not yet copied to the server."""

    report_id: int
    ref: str            # the messenger's reference: a Telegram file id, a Zalo image link
    name: str
    mime: str | None


class CorrectionProblem(StrEnum):
    NOT_FOUND = "not_found"
    NOT_AUTHOR = "not_author"    # only the official who sent a report may correct it
    TOO_LATE = "too_late"        # past settings.reports.correction_minutes
    SUPERSEDED = "superseded"    # a later report on the same obligation exists


class CorrectionError(Exception):
    def __init__(self, problem: CorrectionProblem, report: StoredReport | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.report = report


class TokenReused(Exception):
    """A submission token already used by another official (never happens with random tokens)."""


class ReportStore(Repository):
    """Reads and writes the reports table of a migrated database (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine, correction_minutes: int = 1440) -> None:
        super().__init__(engine)
        self.correction_window = timedelta(minutes=correction_minutes)

    # -- writing --------------------------------------------------------------------------------

    def submit(self, report: NewReport, token: str, now: datetime | None = None) -> Receipt:
        """Write the report and return its number once committed; the same token again returns
        the row already written instead of a second one."""
        with self._write() as session, session.begin():
            return self._insert_once(session, report, token, now or utc_now(), None)

    def correct(self, previous_id: int, report: NewReport, token: str,
                now: datetime | None = None) -> Receipt:
        """A new row correcting `previous_id`. Only its author, within the correction window,
        and only while it is the latest report on its obligation; raises CorrectionError."""
        now = now or utc_now()
        with self._write() as session, session.begin():
            existing = self._by_token(session, token)
            if existing is not None:
                return self._repeat(existing, report)
            # Locking the corrected row makes two simultaneous corrections of it take turns:
            # the second then finds the first one's row and is refused as superseded.
            previous = session.get(Report, previous_id, with_for_update=True)
            self._check_correction(session, previous, report.official_id, now)
            assert previous is not None
            # A correction restates the same obligation occurrence; only what was said changes.
            report = replace(report, unit_id=previous.unit_id, obligation_key=previous.obligation_key,
                             title=previous.title, doc_number=previous.doc_number,
                             due_date=previous.due_date)
            return self._insert_once(session, report, token, now, previous.id)

    def correction_problem(self, report_id: int, official_id: int,
                           now: datetime | None = None) -> CorrectionProblem | None:
        """Why this official may not correct this report now, or None when they may."""
        with self._read() as session:
            try:
                self._check_correction(session, session.get(Report, report_id), official_id,
                                       now or utc_now())
            except CorrectionError as error:
                return error.problem
            return None

    def _insert_once(self, session: Session, report: NewReport, token: str, now: datetime,
                     corrects_id: int | None) -> Receipt:
        values = _row_values(report) | {"corrects_id": corrects_id, "submitted_at": now,
                                        "submission_token": token}
        stmt = (self._insert(Report).values(**values)
                .on_conflict_do_nothing(index_elements=["submission_token"])
                .returning(Report.id, Report.submitted_at))
        row = session.execute(stmt).first()
        if row is not None:
            return Receipt(row.id, row.submitted_at, True, corrects_id)
        # Another transaction wrote this token first; PostgreSQL waited for it to commit, so
        # this statement (a new snapshot) sees its row.
        existing = self._by_token(session, token)
        assert existing is not None
        return self._repeat(existing, report)

    @staticmethod
    def _repeat(existing: Report, report: NewReport) -> Receipt:
        if existing.official_id != report.official_id:
            raise TokenReused(existing.submission_token)
        return Receipt(existing.id, existing.submitted_at, False, existing.corrects_id)

    def _check_correction(self, session: Session, previous: Report | None, official_id: int,
                          now: datetime) -> None:
        if previous is None:
            raise CorrectionError(CorrectionProblem.NOT_FOUND)
        stored = _stored(previous)
        if previous.official_id != official_id:
            raise CorrectionError(CorrectionProblem.NOT_AUTHOR, stored)
        if now - previous.submitted_at > self.correction_window:
            raise CorrectionError(CorrectionProblem.TOO_LATE, stored)
        latest = session.scalar(_same_obligation(previous).order_by(Report.id.desc()).limit(1))
        if latest is not None and latest.id != previous.id:
            raise CorrectionError(CorrectionProblem.SUPERSEDED, stored)

    # -- reading --------------------------------------------------------------------------------

    def get(self, report_id: int) -> StoredReport | None:
        with self._read() as session:
            row = session.get(Report, report_id)
            return _stored(row) if row else None

    def by_token(self, token: str) -> StoredReport | None:
        with self._read() as session:
            row = self._by_token(session, token)
            return _stored(row) if row else None

    def last_for(self, unit_id: int, *, key: str | None = None, title: str | None = None,
                 official_id: int | None = None, due: date | None = None) -> StoredReport | None:
        """The latest report of the unit on an obligation (by key, or by title for «Khác»),
        optionally only by this official or only for this due date."""
        stmt = select(Report).where(Report.unit_id == unit_id)
        stmt = stmt.where(Report.obligation_key == key) if key else stmt.where(
            Report.obligation_key.is_(None), Report.title == title)
        if official_id is not None:
            stmt = stmt.where(Report.official_id == official_id)
        if due is not None:
            stmt = stmt.where(Report.due_date == due)
        with self._read() as session:
            row = session.scalar(stmt.order_by(Report.id.desc()).limit(1))
            return _stored(row) if row else None

    def history(self, unit_id: int, obligation_key: str) -> list[StoredReport]:
        """Every report of the unit on the obligation, corrections included, oldest first."""
        stmt = (select(Report).where(Report.unit_id == unit_id,
                                     Report.obligation_key == obligation_key)
                .order_by(Report.id))
        with self._read() as session:
            return [_stored(r) for r in session.scalars(stmt)]

    def latest_status(self, unit_id: int, key: str, due: date) -> Status | None:
        """What the unit last reported on this occurrence of the obligation, if anything."""
        latest = self.last_for(unit_id, key=key, due=due)
        return latest.status if latest else None

    def statuses(self, unit_id: int, keys: Iterable[str]) -> dict[tuple[str, date | None], Status]:
        """The latest status of the unit per (obligation key, due date), for these keys."""
        keys = list(keys)
        if not keys:
            return {}
        stmt = (select(Report.obligation_key, Report.due_date, Report.status)
                .where(Report.unit_id == unit_id, Report.obligation_key.in_(keys))
                .order_by(Report.id))
        with self._read() as session:
            return {(key, due): Status(status) for key, due, status in session.execute(stmt)}

    def correctable(self, official_id: int, now: datetime | None = None) -> list[StoredReport]:
        """The official's reports still open to correction (within the window, and the latest on
        their obligation), newest first."""
        since = (now or utc_now()) - self.correction_window
        stmt = (select(Report).where(Report.official_id == official_id, Report.submitted_at >= since)
                .order_by(Report.id.desc()))
        with self._read() as session:
            mine = list(session.scalars(stmt))
            out: list[StoredReport] = []
            for row in mine:
                latest = session.scalar(_same_obligation(row).order_by(Report.id.desc()).limit(1))
                if latest is not None and latest.id == row.id:
                    out.append(_stored(row))
            return out

    # -- attachments kept on the server ------------------------------------------------------------

    def attachments_to_keep(self, channel: str, limit: int, max_tries: int) -> list[PendingAttachment]:
        """Attachments of this channel's reports without a local copy and with tries left, oldest first."""
        r = Report
        stmt = (select(r.id, r.attachment_ref, r.attachment_name, r.attachment_mime)
                .where(r.channel == channel, r.attachment_ref.is_not(None), r.attachment_file.is_(None),
                       r.attachment_tries < max_tries)
                .order_by(r.id).limit(limit))
        with self._read() as session:
            return [PendingAttachment(i, ref, name or "tep", mime) for i, ref, name, mime in session.execute(stmt)]

    def attachment_kept(self, report_id: int, file_name: str) -> None:
        """The local copy is `<store>/attachments/<file_name>`."""
        self._update(report_id, attachment_file=file_name, attachment_tries=Report.attachment_tries + 1)

    def attachment_missed(self, report_id: int) -> None:
        """One more download failed."""
        self._update(report_id, attachment_tries=Report.attachment_tries + 1)

    def _update(self, report_id: int, **values: object) -> None:
        stmt = update(Report).where(Report.id == report_id).values(**values)
        with self._write() as session, session.begin():
            session.execute(stmt.execution_options(synchronize_session=False))

    @staticmethod
    def _by_token(session: Session, token: str) -> Report | None:
        return session.scalar(select(Report).where(Report.submission_token == token))


def _same_obligation(report: Report) -> Select[tuple[Report]]:
    """Reports of the same unit on the same obligation occurrence as `report`."""
    stmt = select(Report).where(Report.unit_id == report.unit_id)
    if report.obligation_key:
        stmt = stmt.where(Report.obligation_key == report.obligation_key)
    else:
        stmt = stmt.where(Report.obligation_key.is_(None), Report.title == report.title)
    due = Report.due_date.is_(None) if report.due_date is None else Report.due_date == report.due_date
    return stmt.where(due)


def _row_values(report: NewReport) -> dict[str, object]:
    return {"unit_id": report.unit_id, "official_id": report.official_id, "channel": report.channel,
            "obligation_key": report.obligation_key, "title": report.title,
            "doc_number": report.doc_number, "due_date": report.due_date,
            "status": Status(report.status).value, "percent": report.percent, "text": report.text,
            "attachment_name": report.attachment_name, "attachment_ref": report.attachment_ref,
            "attachment_mime": report.attachment_mime}


def _stored(row: Report) -> StoredReport:
    return StoredReport(row.id, row.unit_id, row.official_id, row.channel, row.obligation_key,
                        row.title, row.doc_number, row.due_date, Status(row.status), row.percent,
                        row.text, row.attachment_name, row.attachment_ref, row.attachment_mime,
                        row.corrects_id, row.submitted_at, row.submission_token)
