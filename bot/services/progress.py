"""Where units stand on their tasks: the four states administrations count, the report
categories, and the shape of a progress summary (`bot.services.summary` builds and tells it;
the dashboard's pages read it).

Each unit-task pair is in one of four states (hoàn thành đúng hạn, hoàn thành quá hạn, đang
thực hiện trong hạn, quá hạn chưa hoàn thành): done or not, on or after the due date as dated in
Vietnam, the deadline passed or not. A unit's latest report puts it in a category (Hoàn thành,
Đang thực hiện, Chưa thực hiện) or none yet (Chưa báo cáo).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.db.report_status import STATUS_LABELS, Status
from bot.db.report_views import CurrentReport, FreeReport, UnitRow
from bot.services.exports import is_late, status_label
from bot.services.obligations import TrackedObligation

NOT_REPORTED = "Chưa báo cáo"
CATEGORIES = (STATUS_LABELS[Status.DONE], STATUS_LABELS[Status.IN_PROGRESS],
              STATUS_LABELS[Status.NOT_STARTED], NOT_REPORTED)


class TaskState(StrEnum):
    """Where a unit stands on a task occurrence, as the Government Office counts it."""

    DONE_ON_TIME = "Hoàn thành đúng hạn"
    DONE_LATE = "Hoàn thành quá hạn"
    ON_TRACK = "Đang thực hiện trong hạn"
    OVERDUE = "Quá hạn chưa hoàn thành"


def task_state(status: str | None, reported_at: datetime | None, due: date, today: date) -> TaskState:
    """Done (on or after the due date, as dated in Vietnam) or not, the deadline passed or not."""
    if status == Status.DONE and reported_at is not None:
        return TaskState.DONE_LATE if is_late(reported_at, due) else TaskState.DONE_ON_TIME
    return TaskState.OVERDUE if due < today else TaskState.ON_TRACK


@dataclass(frozen=True)
class UnitState:
    """One unit on one obligation occurrence: its latest report, or none."""

    unit: UnitRow
    report: CurrentReport | None
    late: bool     # first report after the due date, or not done once it passed
    overdue: bool  # no report, and the deadline passed
    state: TaskState = TaskState.ON_TRACK

    @property
    def category(self) -> str:
        return status_label(self.report.status) if self.report else NOT_REPORTED


@dataclass(frozen=True)
class ObligationProgress:
    obligation: TrackedObligation
    states: tuple[UnitState, ...]  # by unit code
    passed: bool                   # the due date is before today

    @property
    def reported(self) -> list[UnitState]:
        return [s for s in self.states if s.report is not None]

    @property
    def missing(self) -> list[UnitState]:
        return [s for s in self.states if s.report is None]

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(CATEGORIES, 0)
        for state in self.states:
            out[state.category] = out.get(state.category, 0) + 1
        return out


@dataclass(frozen=True)
class ProgressSummary:
    today: date
    doc_numbers: tuple[str, ...] | None  # the documents asked for, None for all
    units: tuple[UnitRow, ...]           # active units: those expected to report
    obligations: tuple[ObligationProgress, ...]
    other: tuple[tuple[UnitRow, FreeReport], ...]  # «Khác», newest first

    def states(self) -> dict[TaskState, int]:
        """Unit-task pairs in each of the four states."""
        out = dict.fromkeys(TaskState, 0)
        for progress in self.obligations:
            for state in progress.states:
                out[state.state] += 1
        return out

    def per_unit(self) -> list[tuple[UnitRow, dict[TaskState, int]]]:
        """Each unit with tasks here and its pairs in each state, most overdue first."""
        found: dict[int, tuple[UnitRow, dict[TaskState, int]]] = {}
        for progress in self.obligations:
            for state in progress.states:
                found.setdefault(state.unit.id, (state.unit, dict.fromkeys(TaskState, 0)))[1][state.state] += 1
        return sorted(found.values(), key=lambda p: (-p[1][TaskState.OVERDUE], -p[1][TaskState.DONE_LATE],
                                                     p[0].code))

    def totals(self) -> tuple[dict[str, int], int, int]:
        """Counts per category over every obligation, late reports, overdue units."""
        counts = dict.fromkeys(CATEGORIES, 0)
        late = overdue = 0
        for progress in self.obligations:
            for name, n in progress.counts().items():
                counts[name] = counts.get(name, 0) + n
            late += sum(s.late for s in progress.states)
            overdue += sum(s.overdue for s in progress.states)
        return counts, late, overdue
