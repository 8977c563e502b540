"""Một đơn vị: its tracked tasks in the four states and the reports it sent, history included.

Admins see every unit; a reporter or reader only their own (where they land after signing in).
`/don-vi/{code}/nhiem-vu/{key}` is one unit's history on one task: a fragment for htmx (the
matrix and this page open it in a side panel), a page of its own otherwise.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from starlette.convertors import Convertor, register_url_convertor

from bot.db import report_views as views
from bot.db.people import UnitInfo
from bot.db.report_views import CurrentReport, HistoryRow
from bot.db.report_status import STATUS_LABELS, Status
from bot.services.obligations import TrackedObligation, tracked_obligations
from bot.services.progress import TaskState, task_state
from bot.web.app import render, today
from bot.web.auth import Signed, Viewer, can_see_unit

router = APIRouter()
HISTORY_ROWS = 100  # reports listed on a unit's page, newest first
NOT_YOURS = "Bạn chỉ xem được trang của đơn vị mình."
STATE_CLASSES = {s: s.name.lower() for s in TaskState}


class UnitCode(Convertor[str]):
    """A unit code as stored (upper case): «/don-vi/SNV» is a unit, «/don-vi/nhap» is not."""

    regex = "[A-Z0-9][A-Z0-9_.-]*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("unit", UnitCode())


@dataclass(frozen=True)
class UnitTask:
    """One tracked task of a unit at its current occurrence, and where the unit stands."""

    obligation: TrackedObligation
    report: CurrentReport | None
    state: TaskState
    lead: bool

    @property
    def css(self) -> str:
        return STATE_CLASSES[self.state]


def status_name(status: str) -> str:
    try:
        return STATUS_LABELS[Status(status)]
    except ValueError:
        return status


def unit_tasks(request: Request, unit_id: int) -> list[UnitTask]:
    """The unit's tracked tasks with a date, nearest first, each with its latest report (two
    statements whatever the number of tasks)."""
    state = request.app.state
    day = today(request)
    tracked = tracked_obligations(state.register.store, day, state.settings.reports.past_days, unit_id=unit_id,
                                  include_coordinating=state.settings.tasks.include_coordinating)
    latest = {(r.obligation_key, r.due_date): r
              for r in views.current_reports(state.engine, ((o.key, o.due) for o in tracked), unit_id=unit_id)}
    out = []
    for o in tracked:
        report = latest.get((o.key, o.due))
        out.append(UnitTask(o, report, task_state(report.status if report else None,
                                                  report.submitted_at if report else None, o.due, day),
                            unit_id in o.lead))
    return out


def visible_unit(request: Request, viewer: Viewer, code: str) -> UnitInfo:
    """The unit of this code if the viewer may see it: 403 for another unit, 404 for none."""
    if not viewer.is_admin and (viewer.unit is None or viewer.unit.code != code):
        raise HTTPException(403, NOT_YOURS)
    unit = request.app.state.people.unit(code)
    if unit is None:
        raise HTTPException(404, f"Không có đơn vị mã «{code}».")
    if not can_see_unit(viewer, unit.id):
        raise HTTPException(403, NOT_YOURS)
    return unit


def corrected_by(rows: list[HistoryRow]) -> dict[int, int]:
    """Report number -> the number of the report correcting it, among these rows."""
    return {r.corrects_id: r.report_id for r in rows if r.corrects_id is not None}


@router.get("/don-vi/{code:unit}", response_class=HTMLResponse)
def unit_page(request: Request, viewer: Signed, code: str) -> Response:
    unit = visible_unit(request, viewer, code)
    engine = request.app.state.engine
    tasks = unit_tasks(request, unit.id)
    history = views.unit_history(engine, unit.id, limit=HISTORY_ROWS)
    counts = Counter(t.state for t in tasks)
    return render(request, viewer, "unit.html", unit=unit, tasks=tasks, counts=counts, states=list(TaskState),
                  classes=STATE_CLASSES, history=history, corrected=corrected_by(history),
                  reports=views.count_unit_reports(engine, unit.id), status_name=status_name,
                  day=today(request))


@router.get("/don-vi/{code:unit}/nhiem-vu/{key}", response_class=HTMLResponse)
def unit_task_history(request: Request, viewer: Signed, code: str, key: str) -> Response:
    """Every report of the unit on this task (every occurrence, corrections included)."""
    unit = visible_unit(request, viewer, code)
    task = request.app.state.register.store.get(key)
    history = views.unit_history(request.app.state.engine, unit.id, obligation_key=key)
    if task is None and not history:
        raise HTTPException(404, "Không có nhiệm vụ này.")
    current = next((t for t in unit_tasks(request, unit.id) if t.obligation.key == key), None)
    title = task.action if task else history[0].title
    doc = (task.doc_number or task.source) if task else (history[0].doc_number or "")
    fragment = bool(request.headers.get("hx-request"))
    return render(request, viewer, "unit_history.html" if fragment else "unit_task.html", unit=unit,
                  title=title[:1].upper() + title[1:], doc=doc, current=current, history=history,
                  corrected=corrected_by(history), status_name=status_name, fragment=fragment)

