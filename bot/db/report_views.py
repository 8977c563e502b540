"""Read-only SQL over reports, units and officials for the secretariat's summaries and exports.

A report refers to one occurrence of an obligation (its key and due date). Reports are never
overwritten: the newest row (highest id) of a unit on an occurrence is its current status, and
older rows are history. Every query here is one statement for all units and obligations.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import aliased

from bot.db.models.people import Official, Unit
from bot.db.models.reports import Report

STREAM_ROWS = 2000  # rows fetched at a time by an export


@dataclass(frozen=True)
class UnitRow:
    id: int
    code: str
    name: str
    active: bool


@dataclass(frozen=True)
class CurrentReport:
    """A unit's latest report on one obligation occurrence, with what its history adds."""

    report_id: int
    unit_id: int
    obligation_key: str
    due_date: date
    status: str
    percent: int | None
    first_submitted_at: datetime  # of the first report on this occurrence (lateness is judged by it)
    reports: int                  # rows on this occurrence, corrections included
    submitted_at: datetime        # of this latest report (a task is done when it says so)


@dataclass(frozen=True)
class FreeReport:
    """A report with a free title (no tracked obligation), not superseded by a correction."""

    report_id: int
    unit_id: int
    title: str
    doc_number: str | None
    due_date: date | None
    status: str
    percent: int | None
    submitted_at: datetime


@dataclass(frozen=True)
class ExportRow:
    """One report as the export lists it, history and corrections included."""

    report_id: int
    unit_code: str
    unit_name: str
    official_id: int
    official_name: str
    title: str
    doc_number: str | None
    due_date: date | None
    status: str
    percent: int | None
    text: str
    attachment_name: str | None
    submitted_at: datetime
    corrects_id: int | None
    channel: str = ""
    attachment_ref: str | None = None   # the messenger's reference
    attachment_file: str | None = None  # the copy under <store>/attachments/


def units(engine: Engine) -> list[UnitRow]:
    """Every unit by code; inactive ones too (their reports still count where they exist)."""
    stmt = select(Unit.id, Unit.code, Unit.name, Unit.active).order_by(Unit.code)
    with engine.connect() as connection:
        return [UnitRow(*row) for row in connection.execute(stmt)]


def current_reports(engine: Engine, occurrences: Iterable[tuple[str, date]],
                    unit_id: int | None = None) -> list[CurrentReport]:
    """The latest report of every unit (or of one) on each (obligation key, due date), in one
    statement.

    Keys and due dates are filtered separately: a row-value IN becomes a long OR on PostgreSQL,
    whose misjudged size sends the grouping to disk; the rare key and date paired by the two
    lists but not asked for are dropped here.
    """
    wanted = set(occurrences)
    if not wanted:
        return []
    r = Report
    latest = (select(func.max(r.id).label("id"), func.min(r.submitted_at).label("first_at"),
                     func.count().label("n"))
              .where(r.obligation_key.in_(sorted({k for k, _ in wanted})),
                     r.due_date.in_(sorted({d for _, d in wanted})),
                     *([r.unit_id == unit_id] if unit_id is not None else []))
              .group_by(r.unit_id, r.obligation_key, r.due_date)
              .subquery("latest"))
    stmt = (select(r.id, r.unit_id, r.obligation_key, r.due_date, r.status, r.percent, latest.c.first_at,
                   latest.c.n, r.submitted_at)
            .join(latest, latest.c.id == r.id))
    with engine.connect() as connection:
        rows = [CurrentReport(*row) for row in connection.execute(stmt)]
    return [row for row in rows if (row.obligation_key, row.due_date) in wanted]


def reported_units(engine: Engine, obligation_key: str, due: date) -> set[int]:
    """Units that sent any report on this occurrence of the task."""
    stmt = select(Report.unit_id).where(Report.obligation_key == obligation_key,
                                        Report.due_date == due).distinct()
    with engine.connect() as connection:
        return set(connection.scalars(stmt))


def free_reports(engine: Engine, since: datetime, doc_numbers: Sequence[str] | None = None) -> list[FreeReport]:
    """Free-titled reports submitted since then that no later report corrects, newest first."""
    r, later = Report, aliased(Report)
    # Uncorrelated, so it runs once (no index on corrects_id); a correction is never older than
    # the report it corrects.
    corrected = select(later.corrects_id).where(later.corrects_id.is_not(None), later.submitted_at >= since)
    stmt = (select(r.id, r.unit_id, r.title, r.doc_number, r.due_date, r.status, r.percent, r.submitted_at)
            .where(r.obligation_key.is_(None), r.submitted_at >= since, r.id.not_in(corrected))
            .order_by(r.id.desc()))
    if doc_numbers is not None:
        stmt = stmt.where(r.doc_number.in_(list(doc_numbers)))
    with engine.connect() as connection:
        return [FreeReport(*row) for row in connection.execute(stmt)]


def export_rows(engine: Engine, doc_numbers: Sequence[str] | None = None) -> Iterator[ExportRow]:
    """Every report (of these documents, or all) by unit, due date and submission, streamed."""
    r, u, o = Report, Unit, Official
    stmt = (select(r.id, u.code, u.name, o.id, o.name, r.title, r.doc_number, r.due_date, r.status,
                   r.percent, r.text, r.attachment_name, r.submitted_at, r.corrects_id, r.channel,
                   r.attachment_ref, r.attachment_file)
            .join(u, u.id == r.unit_id).join(o, o.id == r.official_id)
            .order_by(u.code, r.due_date.asc().nulls_last(), r.title, r.id))
    if doc_numbers is not None:
        stmt = stmt.where(r.doc_number.in_(list(doc_numbers)))
    with engine.connect() as connection:
        for row in connection.execution_options(yield_per=STREAM_ROWS).execute(stmt):
            yield ExportRow(*row)



@dataclass(frozen=True)
class HistoryRow:
    """One report of a unit as its history shows it: what was said, by whom, when, and the
    report it corrects."""

    report_id: int
    obligation_key: str | None
    title: str
    doc_number: str | None
    due_date: date | None
    status: str
    percent: int | None
    text: str
    attachment_name: str | None
    attachment_ref: str | None
    official_id: int
    official_name: str
    channel: str
    submitted_at: datetime
    corrects_id: int | None


def unit_history(engine: Engine, unit_id: int, obligation_key: str | None = None,
                 limit: int | None = None) -> list[HistoryRow]:
    """A unit's reports (on one obligation, or all), corrections included, newest first."""
    r, o = Report, Official
    stmt = (select(r.id, r.obligation_key, r.title, r.doc_number, r.due_date, r.status, r.percent, r.text,
                   r.attachment_name, r.attachment_ref, o.id, o.name, r.channel, r.submitted_at, r.corrects_id)
            .join(o, o.id == r.official_id).where(r.unit_id == unit_id).order_by(r.id.desc()).limit(limit))
    if obligation_key is not None:
        stmt = stmt.where(r.obligation_key == obligation_key)
    with engine.connect() as connection:
        return [HistoryRow(*row) for row in connection.execute(stmt)]


def count_unit_reports(engine: Engine, unit_id: int) -> int:
    stmt = select(func.count()).select_from(Report).where(Report.unit_id == unit_id)
    with engine.connect() as connection:
        return int(connection.scalar(stmt) or 0)
