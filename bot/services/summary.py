"""The secretariat's view of progress reports: the summary built from the database, told as
text and drawn as a chart — what /tonghop, `python -m bot reports summary` (`reports_cli.py`)
and the dashboard show.

Each tracked task occurrence (key and due date) is matched against the units it is assigned to
(lead, and coordinating units unless `tasks.include_coordinating` is off): the latest report of
a unit is its status; a unit is late when its first report came after the due date (Vietnam
date), or when the deadline passed and it has still not reported «Hoàn thành»; a unit without a
report once the deadline passed is overdue. Each unit-task pair is also in one of the four states
administrations count (`bot.services.progress`). Reports on no tracked obligation (free titles)
are listed under «Khác». The export (`bot.services.exports`) lists every report, history and
corrections included, as XLSX or CSV (UTF-8 with BOM, so Excel shows Vietnamese).
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from bot.core.clock import VIETNAM
from bot.db import report_views as views
from bot.db.report_status import Status
from bot.db.report_views import CurrentReport, FreeReport, UnitRow
from bot.db.tasks import TaskStore
from bot.retrieval.listings import day, shorten
from bot.services.exports import is_late, status_label
from bot.services.obligations import tracked_obligations
from bot.services.progress import (CATEGORIES, NOT_REPORTED, ObligationProgress, ProgressSummary, TaskState,
                                   UnitState, task_state)

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bot.db.facts import FactStore

COLORS = ("#2e7d32", "#f9a825", "#ef6c00", "#bdbdbd")
_PROGRESS_ORDER = {Status.NOT_STARTED.value: 0, Status.IN_PROGRESS.value: 1, Status.DONE.value: 2}

# Text limits: up to DETAIL_OBLIGATIONS obligations are shown with their units listed, more in
# an overview with counts and the first units missing; the export has everything.
DETAIL_OBLIGATIONS = 5
DETAIL_UNITS = 15
OVERVIEW_OBLIGATIONS = 20
OVERVIEW_UNITS = 5
OTHER_REPORTS = 10
TITLE_CHARS = 110
CHART_BARS = 40
CAPTION_CHARS = 1000

CHAT_HINT = "Bảng đầy đủ (mọi báo cáo, cả lịch sử sửa): /xuatbaocao{arg}."
CLI_HINT = "Bảng đầy đủ: python -m bot reports export --out baocao.xlsx{arg}."
NO_UNITS = "Chưa có đơn vị nào được khai báo, nên chưa có gì để tổng hợp."
UNKNOWN_DOCUMENT = "Tôi chưa có văn bản «{typed}». Gõ /vanban để xem các văn bản đang có."
NO_REPORTS = "Chưa có báo cáo nào{scope} để xuất."

UNIT_LINES = 15  # units listed with their «đúng hạn x/y» line


# -- the summary --------------------------------------------------------------------------------

def _late(report: CurrentReport, due: date, passed: bool) -> bool:
    """Reported after the deadline, or still not done once it passed."""
    return is_late(report.first_submitted_at, due) or (passed and report.status != Status.DONE)


def build_summary(engine: "Engine", facts: "FactStore", today: date, past_days: int,
                  doc_numbers: Sequence[str] | None = None, *, include_coordinating: bool = True
                  ) -> ProgressSummary:
    """Every tracked task (of these documents, or all) against the units assigned to it, in a
    few statements whatever the number of units (none per unit or per task)."""
    tracked = tracked_obligations(TaskStore(engine), today, past_days, include_coordinating=include_coordinating)
    if doc_numbers is not None:
        tracked = [o for o in tracked if o.doc_number in doc_numbers]
    all_units = views.units(engine)
    by_id = {u.id: u for u in all_units}
    active = {u.id for u in all_units if u.active}
    current: dict[tuple[str, date], dict[int, CurrentReport]] = {}
    for report in views.current_reports(engine, ((o.key, o.due) for o in tracked)):
        current.setdefault((report.obligation_key, report.due_date), {})[report.unit_id] = report
    progress = []
    for o in tracked:
        reports = current.get((o.key, o.due), {})
        # The assigned units, and any other unit that reported on it all the same.
        shown = sorted({*(active & o.units), *reports}, key=lambda i: by_id[i].code)
        passed = o.due < today
        states = tuple(_unit_state(by_id[i], reports.get(i), o.due, today) for i in shown)
        progress.append(ObligationProgress(o, states, passed))
    # The set once, not once per unit: 500 units × 25,000 pairs cost seconds.
    with_tasks = {s.unit.id for p in progress for s in p.states}
    expected = [u for u in all_units if u.id in with_tasks] if tracked else [u for u in all_units if u.active]
    since = datetime.combine(today - timedelta(days=past_days), time(), VIETNAM)
    other = tuple((by_id[r.unit_id], r) for r in views.free_reports(engine, since, doc_numbers))
    numbers = tuple(doc_numbers) if doc_numbers is not None else None
    return ProgressSummary(today, numbers, tuple(expected), tuple(progress), other)


def _unit_state(unit: UnitRow, report: CurrentReport | None, due: date, today: date) -> UnitState:
    passed = due < today
    state = task_state(report.status if report else None, report.submitted_at if report else None, due, today)
    return UnitState(unit, report, report is not None and _late(report, due, passed),
                     report is None and passed, state)


def task_matrix(summary: ProgressSummary) -> list[list[object]]:
    """Every task occurrence against each of its units: the export's «Nhiệm vụ theo đơn vị»."""
    rows: list[list[object]] = []
    for progress in summary.obligations:
        o = progress.obligation
        for s in progress.states:
            role = "chủ trì" if s.unit.id in o.lead else "phối hợp" if s.unit.id in o.units else "không được giao"
            rows.append([o.doc_number or o.source, o.title(300), o.due, s.unit.code, s.unit.name, role,
                         s.state.value, s.category, s.report.percent if s.report else None])
    return rows


def summary_text(summary: ProgressSummary, hint: str = CHAT_HINT.format(arg="")) -> str:
    """Counts first, then each obligation; long lists cut with the export suggested."""
    if not summary.units:
        return NO_UNITS
    scope = f" — {', '.join(summary.doc_numbers)}" if summary.doc_numbers else ""
    head = (f"Tổng hợp báo cáo ngày {day(summary.today)}{scope}: {len(summary.obligations)} nội dung "
            f"có thời hạn, {len(summary.units)} đơn vị.")
    if not summary.obligations and not summary.other:
        return f"{head}\nKhông có nội dung nào có thời hạn trong khoảng đang theo dõi.\n\n{hint}"
    blocks = [head]
    if summary.obligations:
        blocks.append(_totals_text(summary))
        blocks.append(_per_unit_text(summary))
    detailed = len(summary.obligations) <= DETAIL_OBLIGATIONS
    shown = summary.obligations if detailed else summary.obligations[:OVERVIEW_OBLIGATIONS]
    for i, progress in enumerate(shown, 1):
        blocks.append(_obligation_text(i, progress, detailed))
    if len(summary.obligations) > len(shown):
        blocks.append(f"… còn {len(summary.obligations) - len(shown)} nội dung có thời hạn xa hơn. "
                      "Gõ /tonghop kèm số hiệu văn bản để xem riêng từng văn bản.")
    if summary.other:
        blocks.append(_other_text(summary.other))
    blocks.append(hint)
    return "\n\n".join(blocks)


def _states_text(states: dict[TaskState, int]) -> str:
    return "; ".join(f"{state.value.lower()} {states[state]}" for state in TaskState)


def _per_unit_text(summary: ProgressSummary) -> str:
    """A line per unit: «SNV: đúng hạn 3/5; quá hạn 1», most overdue first."""
    rows = summary.per_unit()
    lines = ["Theo đơn vị (nhiệm vụ hoàn thành đúng hạn / được giao):"]
    for unit, states in rows[:UNIT_LINES]:
        assigned = sum(states.values())
        extra = [f"quá hạn chưa hoàn thành {states[TaskState.OVERDUE]}"] if states[TaskState.OVERDUE] else []
        extra += [f"hoàn thành quá hạn {states[TaskState.DONE_LATE]}"] if states[TaskState.DONE_LATE] else []
        lines.append(f"• {unit.code}: đúng hạn {states[TaskState.DONE_ON_TIME]}/{assigned}"
                     + (f" ({', '.join(extra)})" if extra else ""))
    if len(rows) > UNIT_LINES:
        lines.append(f"… và {len(rows) - UNIT_LINES} đơn vị khác.")
    return "\n".join(lines)


def _counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {counts[name]}" for name in CATEGORIES[:3])


def _totals_text(summary: ProgressSummary) -> str:
    counts, late, overdue = summary.totals()
    expected = sum(counts.values())
    reported = expected - counts[NOT_REPORTED]
    late_text = f"; trễ hạn {late}" if late else ""
    overdue_text = f", trong đó quá hạn {overdue}" if overdue else ""
    return (f"Tổng cộng: đã báo cáo {reported}/{expected} lượt ({_counts_text(counts)}{late_text}). "
            f"Chưa báo cáo {counts[NOT_REPORTED]}{overdue_text}.\n"
            f"Tình trạng nhiệm vụ: {_states_text(summary.states())}.")


def _obligation_text(index: int, progress: ObligationProgress, detailed: bool) -> str:
    o = progress.obligation
    counts, reported, missing = progress.counts(), progress.reported, progress.missing
    late = sum(s.late for s in reported)
    where = o.doc_number or o.source
    when = f"hạn {day(o.due)}" + (" (đã qua)" if progress.passed else "")
    detail = f" ({_counts_text(counts)}" + (f"; trễ hạn {late}" if late else "") + ")" if reported else ""
    lines = [f"{index}. {o.title(TITLE_CHARS)} — {when}. {where}",
             f"Đã báo cáo {len(reported)}/{len(progress.states)}{detail}. Chưa báo cáo {len(missing)}"
             + (" — quá hạn." if progress.passed and missing else ".")]
    if detailed:
        if reported:
            lines.append("Đã báo cáo:")
            lines += _cut([f"• {_unit_name(s.unit)}: {_state_text(s)}" for s in _least_done_first(reported)],
                          DETAIL_UNITS)
        if missing:
            lines.append("Chưa báo cáo:")
            lines += _cut([f"• {_unit_name(s.unit)}" + (": quá hạn" if s.overdue else "") for s in missing],
                          DETAIL_UNITS)
    elif missing:
        codes = [s.unit.code for s in missing]
        more = f" … và {len(codes) - OVERVIEW_UNITS} đơn vị khác" if len(codes) > OVERVIEW_UNITS else ""
        lines.append(f"Chưa báo cáo{' (quá hạn)' if progress.passed else ''}: "
                     f"{', '.join(codes[:OVERVIEW_UNITS])}{more}.")
    return "\n".join(lines)


def _other_text(other: Sequence[tuple[UnitRow, FreeReport]]) -> str:
    lines = [f"Khác (báo cáo không gắn nội dung có thời hạn): {len(other)} báo cáo."]
    for unit, report in other[:OTHER_REPORTS]:
        percent = f" {report.percent}%" if report.percent is not None else ""
        sent = report.submitted_at.astimezone(VIETNAM)
        lines.append(f"• {unit.code}: {shorten(report.title, 80)} — {status_label(report.status)}{percent}, "
                     f"gửi {day(sent.date())}")
    if len(other) > OTHER_REPORTS:
        lines.append(f"… và {len(other) - OTHER_REPORTS} báo cáo khác.")
    return "\n".join(lines)


def _least_done_first(states: list[UnitState]) -> list[UnitState]:
    def rank(state: UnitState) -> tuple[int, int, str]:
        assert state.report is not None
        return (_PROGRESS_ORDER.get(state.report.status, -1), state.report.percent or 0, state.unit.code)
    return sorted(states, key=rank)


def _state_text(state: UnitState) -> str:
    assert state.report is not None
    percent = f" {state.report.percent}%" if state.report.percent is not None else ""
    return f"{status_label(state.report.status)}{percent}" + (" — trễ hạn" if state.late else "")


def _unit_name(unit: UnitRow) -> str:
    return f"{unit.code} — {unit.name}"


def _cut(lines: list[str], limit: int) -> list[str]:
    if len(lines) <= limit:
        return lines
    return lines[:limit] + [f"… và {len(lines) - limit} đơn vị khác."]


# -- the chart ----------------------------------------------------------------------------------

def chart_png(summary: ProgressSummary) -> bytes | None:
    """Stacked bars of the four categories: by obligation, or by unit when documents were chosen."""
    if not summary.obligations:
        return None
    return _stacked_bars(*(_by_unit(summary) if summary.doc_numbers else _by_obligation(summary)))


def _shares(counts: Sequence[int]) -> list[float]:
    total = sum(counts) or 1
    return [100 * n / total for n in counts]


def _by_obligation(summary: ProgressSummary) -> tuple[list[str], list[list[float]], str, str]:
    shown = summary.obligations[:CHART_BARS]
    labels = [f"{day(p.obligation.due)} · {shorten(p.obligation.title(), 45)}" for p in shown]
    shares = [_shares([p.counts()[c] for c in CATEGORIES]) for p in shown]
    total = len(summary.obligations)
    more = f" ({len(shown)}/{total} nội dung hạn sớm nhất)" if len(shown) < total else ""
    return labels, shares, f"Tiến độ báo cáo theo nội dung, ngày {day(summary.today)}{more}", "Tỷ lệ đơn vị (%)"


def _by_unit(summary: ProgressSummary) -> tuple[list[str], list[list[float]], str, str]:
    per_unit: dict[int, tuple[UnitRow, list[int]]] = {}
    for progress in summary.obligations:
        for state in progress.states:
            counts = per_unit.setdefault(state.unit.id, (state.unit, [0] * len(CATEGORIES)))[1]
            if state.category in CATEGORIES:
                counts[CATEGORIES.index(state.category)] += 1
    rows = sorted(per_unit.values(), key=lambda r: (*r[1][:3], r[0].code))  # least progress first
    shown = rows[:CHART_BARS]
    labels = [f"{u.code} · {shorten(u.name, 35)}" for u, _ in shown]
    shares = [_shares(counts) for _, counts in shown]
    docs = ", ".join(summary.doc_numbers or ())
    more = f"; {len(shown)}/{len(rows)} đơn vị hoàn thành ít nhất" if len(shown) < len(rows) else ""
    title = (f"Tiến độ theo đơn vị — {docs} ({len(summary.obligations)} nội dung{more}), "
             f"ngày {day(summary.today)}")
    return labels, shares, title, "Tỷ lệ nội dung của đơn vị (%)"


def _stacked_bars(labels: list[str], shares: list[list[float]], title: str, axis: str) -> bytes:
    """A PNG drawn off-screen (Agg); DejaVu Sans, matplotlib's default, has the Vietnamese glyphs."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 1.8 + 0.34 * len(labels)), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    rows = list(range(len(labels)))
    left = [0.0] * len(labels)
    for i, (name, color) in enumerate(zip(CATEGORIES, COLORS)):
        widths = [row[i] for row in shares]
        ax.barh(rows, widths, left=left, color=color, label=name, height=0.7)
        left = [a + b for a, b in zip(left, widths)]
    ax.set_yticks(rows, labels, fontsize=8)
    ax.set_ylim(len(labels) - 0.5, -0.5)  # first label on top, no empty margin
    ax.set_xlim(0, 100)
    ax.set_xlabel(axis)
    ax.set_title(title, fontsize=10, loc="left")
    fig.legend(loc="outside lower center", ncols=len(CATEGORIES), frameon=False, fontsize=9)
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def chart_caption(summary: ProgressSummary) -> str:
    counts, _, overdue = summary.totals()
    expected = sum(counts.values())
    scope = f" ({', '.join(summary.doc_numbers)})" if summary.doc_numbers else ""
    text = (f"Tiến độ báo cáo ngày {day(summary.today)}{scope}: đã báo cáo "
            f"{expected - counts[NOT_REPORTED]}/{expected} lượt, {CATEGORIES[0].lower()} {counts[CATEGORIES[0]]}, "
            f"quá hạn chưa báo cáo {overdue}.")
    return text[:CAPTION_CHARS]


def scope_text(numbers: Sequence[str] | None) -> str:
    return f"theo {', '.join(numbers)}" if numbers else "mọi văn bản"
