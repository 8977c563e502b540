"""Tổng quan: the four states of every tracked task and unit, what is overdue, who is behind."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.services.progress import TaskState
from bot.services.summary import build_summary
from bot.web.app import render, today
from bot.web.auth import Signed

router = APIRouter()
OVERDUE_ROWS = 50
BEHIND_UNITS = 10


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, viewer: Signed) -> Response:
    if not viewer.is_admin:  # a unit's reader or reporter sees their own unit's page
        if viewer.unit is None:
            return render(request, viewer, "error.html", status=403,
                          message="Tài khoản của bạn chưa thuộc đơn vị nào.")
        return RedirectResponse(f"/don-vi/{viewer.unit.code}", status_code=303)
    state = request.app.state
    summary = build_summary(state.engine, state.facts, today(request), state.settings.reports.past_days,
                            include_coordinating=state.settings.tasks.include_coordinating)
    counts = summary.states()
    total = sum(counts.values())
    overdue = [(p.obligation, s.unit) for p in summary.obligations for s in p.states if s.state is TaskState.OVERDUE]
    behind = [(unit, states) for unit, states in summary.per_unit() if states[TaskState.OVERDUE]][:BEHIND_UNITS]
    return render(request, viewer, "overview.html", counts=counts, total=total, states=list(TaskState),
                  overdue=overdue[:OVERDUE_ROWS], overdue_total=len(overdue), behind=behind,
                  tasks=len(summary.obligations), today=summary.today)
