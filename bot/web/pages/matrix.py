"""Ma trận báo cáo: units (rows) × tracked tasks (columns), each cell coloured by the unit's state
on the task, empty where the task is not the unit's.

A click on a cell opens that unit's report history on that task in a side panel (`sheet.js` asks
`/don-vi/{code}/nhiem-vu/{key}` through htmx). Units come a page at a time, at most PAGE_CELLS
cells a page (80 units for 50 tasks), so that 500 units stay a light page; the download has
every unit of the filter.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from bot.db import report_views as views
from bot.db.people import UNIT_KINDS
from bot.db.report_views import UnitRow
from bot.db.report_status import Status
from bot.services.exports import MATRIX_HEADERS, XLSX_MIME, table_csv, xlsx_bytes
from bot.services.progress import ProgressSummary, TaskState, UnitState
from bot.services.summary import build_summary, task_matrix
from bot.web.app import render, today
from bot.web.auth import Admin

router = APIRouter()
PAGE_CELLS = 4000           # cells on one page of the matrix (with its CSS and JS: about 250 KB)
MIN_ROWS, MAX_ROWS = 20, 100  # units on one page, whatever the number of tasks
KIND_NAMES = {"so": "Sở", "nganh": "Ban, ngành", "ubnd_xa": "UBND xã, phường", "khac": "Khác"}
ORDERS = {"ma": "Theo mã đơn vị", "qua-han": "Nhiều quá hạn trước"}
STATE_CLASSES = {s: s.name.lower() for s in TaskState}
CSV_MIME = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class Choice:
    """What the matrix shows, as the address gives it."""

    doc: str = ""    # a document number, "" for every document
    kind: str = ""   # a unit kind, "" for every kind
    order: str = "ma"
    page: int = 1

    @classmethod
    def of(cls, params: Mapping[str, str]) -> Choice:
        page = params.get("trang", "1")
        order = params.get("sap-xep", "ma")
        kind = params.get("loai", "").strip()
        return cls(params.get("van-ban", "").strip(), kind if kind in UNIT_KINDS else "",
                   order if order in ORDERS else "ma", int(page) if page.isdigit() and int(page) > 0 else 1)

    def query(self, page: int | None = None) -> str:
        """This choice in an address, on another page if given (0: no page, as a download)."""
        page = self.page if page is None else page
        values = {"van-ban": self.doc, "loai": self.kind, "sap-xep": "" if self.order == "ma" else self.order,
                  "trang": str(page) if page > 1 else ""}
        return urlencode({k: v for k, v in values.items() if v})


@dataclass(frozen=True)
class Matrix:
    summary: ProgressSummary
    units: list[UnitRow]                        # every unit of the filter, in the chosen order
    cells: list[dict[int, UnitState]]           # per task: unit id -> its state
    counts: list[Counter[TaskState]]            # per task, over the units of the filter
    rows: list[tuple[UnitRow, list[tuple[str, str]]]]  # this page: unit, (css class, text) per task
    page: int
    pages: int
    per_page: int


def rows_per_page(tasks: int) -> int:
    return max(MIN_ROWS, min(MAX_ROWS, PAGE_CELLS // max(1, tasks)))


def cell(state: UnitState | None) -> tuple[str, str]:
    """A cell's class and text: the latest percentage, ✓ for done without one, nothing else."""
    if state is None:
        return "", ""
    report = state.report
    text = "" if report is None else f"{report.percent}" if report.percent is not None \
        else "✓" if report.status == Status.DONE else "·"
    return STATE_CLASSES[state.state], text


def summary_for(request: Request, doc: str) -> ProgressSummary:
    state = request.app.state
    return build_summary(state.engine, state.facts, today(request), state.settings.reports.past_days,
                         [doc] if doc else None, include_coordinating=state.settings.tasks.include_coordinating)


def filtered_units(request: Request, summary: ProgressSummary, kind: str) -> list[UnitRow]:
    if not kind:
        return list(summary.units)
    kinds = {u.id: u.kind for u in request.app.state.people.units()}
    return [u for u in summary.units if kinds.get(u.id) == kind]


def build_matrix(request: Request, choice: Choice) -> Matrix:
    summary = summary_for(request, choice.doc)
    units = filtered_units(request, summary, choice.kind)
    cells = [{s.unit.id: s for s in p.states} for p in summary.obligations]
    shown = {u.id for u in units}
    counts = [Counter(s.state for i, s in by_unit.items() if i in shown) for by_unit in cells]
    if choice.order == "qua-han":
        overdue = Counter(i for by_unit in cells for i, s in by_unit.items() if s.state is TaskState.OVERDUE)
        units = sorted(units, key=lambda u: (-overdue[u.id], u.code))
    per_page = rows_per_page(len(cells))
    pages = max(1, -(-len(units) // per_page))
    page = min(choice.page, pages)
    rows = [(u, [cell(by_unit.get(u.id)) for by_unit in cells])
            for u in units[(page - 1) * per_page:page * per_page]]
    return Matrix(summary, units, cells, counts, rows, page, pages, per_page)


def _documents(request: Request) -> list[str]:
    """Document numbers the filter offers: those with tasks in the register."""
    return sorted({d.doc_number for d in request.app.state.facts.documents() if d.doc_number and d.obligation_count})


@router.get("/ma-tran", response_class=HTMLResponse)
def matrix_page(request: Request, viewer: Admin) -> Response:
    choice = Choice.of(request.query_params)
    matrix = build_matrix(request, choice)
    return render(request, viewer, "matrix.html", choice=choice, matrix=matrix, documents=_documents(request),
                  kinds=KIND_NAMES, orders=ORDERS, states=list(TaskState), classes=STATE_CLASSES,
                  day=today(request))


@router.get("/ma-tran/tai-ve")
def download(request: Request, viewer: Admin) -> Response:
    """The matrix as shown (every page): CSV of unit × task rows; XLSX with the reports of those
    units and documents, history included, and the same table as its second sheet."""
    fmt = request.query_params.get("fmt", "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise HTTPException(400, "Chỉ tải về được dạng xlsx hoặc csv.")
    choice = Choice.of(request.query_params)
    summary = summary_for(request, choice.doc)
    codes = {u.code for u in filtered_units(request, summary, choice.kind)}
    rows = [row for row in task_matrix(summary) if row[3] in codes]
    if fmt == "csv":
        content, mime = table_csv(MATRIX_HEADERS, rows), CSV_MIME
    else:
        reports = (r for r in views.export_rows(request.app.state.engine, [choice.doc] if choice.doc else None)
                   if r.unit_code in codes)
        content, mime = xlsx_bytes(reports, rows), XLSX_MIME
    request.app.state.people.audit(viewer.official_id, "web", "export",
                                   f"tải ma trận báo cáo ({fmt}): {choice.doc or 'mọi văn bản'}"
                                   + (f", {KIND_NAMES[choice.kind]}" if choice.kind else "") + f", {len(rows)} dòng")
    name = file_name(today(request), choice, fmt)
    return Response(content, media_type=mime, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def file_name(day: date, choice: Choice, fmt: str) -> str:
    scope = "".join(f"-{part}" for part in (choice.doc.replace("/", "-"), choice.kind) if part)
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in scope)
    return f"ma-tran{safe}-{day:%Y%m%d}.{fmt}"
