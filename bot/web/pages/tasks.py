"""Nhiệm vụ: the task register, per document, with what the secretariat decides about each task.

Every change calls `TaskRegister` (as the chat and the command line do) with the viewer as the
official and "web" as the channel, so it is audited. A change to one task answers an htmx request
with that task's row; without htmx (or for a whole document, or a new task) the browser is sent
back to the register it came from, with a notice.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.db.people import UnitInfo
from bot.db.tasks import STATUS_NAMES, TaskRecord, TaskStatus
from bot.facts.model import Deadline, DeadlineKind
from bot.core.clock import parse_day
from bot.services.tasks import TaskError, TaskRegister, by_document, document_token, due_text
from bot.web.app import render, today
from bot.web.auth import Admin, AdminChange, Viewer

router = APIRouter()
CHANNEL = "web"
HOME = "/nhiem-vu"
UNITS_SHOWN = 12  # unit codes listed in a row; the edit form has them all
_CODES = re.compile(r"[^\s,;]+")
# The register's messages point chat users at commands; here the pages say the same.
CHAT_HINTS = {"Xem danh sách: /donvi.": "Xem danh sách ở trang «Đơn vị & cán bộ».",
              "Xem danh sách: /vanban.": "Xem danh sách ở trang «Văn bản»."}

# Notices after a change, by the code the address carries after a redirect; {n} tasks, {m} messages.
NOTICES = {"theo-doi": "Đã đưa {n} nhiệm vụ vào theo dõi.",
           "bao-tin": "Đã đưa {n} nhiệm vụ vào theo dõi; {m} tin báo nhiệm vụ cho cán bộ các đơn vị được giao "
                      "đã được xếp gửi.",
           "da-theo-doi": "Không có nhiệm vụ nào cần đưa thêm vào theo dõi.",
           "loai": "Đã đánh dấu «không phải nhiệm vụ»; báo cáo đã gửi về việc này vẫn được giữ.",
           "don-vi": "Đã lưu đơn vị được giao.",
           "han": "Đã sửa hạn.",
           "them": "Đã thêm nhiệm vụ và đưa vào theo dõi."}


def said(exc: TaskError) -> str:
    """A TaskError's message as the web says it."""
    text = str(exc)
    for chat, web in CHAT_HINTS.items():
        text = text.replace(chat, web)
    return text


@dataclass(frozen=True)
class Filters:
    """What the register is narrowed to, as the address gives it (text, checked when used)."""

    unit: str = ""    # unit code
    status: str = ""  # a TaskStatus value
    start: str = ""   # due from (a date as typed)
    end: str = ""     # due until
    doc: str = ""     # document token

    @classmethod
    def of(cls, params: Mapping[str, str]) -> Filters:
        return cls(params.get("don-vi", "").strip(), params.get("trang-thai", "").strip(),
                   params.get("tu-ngay", "").strip(), params.get("den-ngay", "").strip(),
                   params.get("van-ban", "").strip())

    def query(self) -> str:
        pairs = {"don-vi": self.unit, "trang-thai": self.status, "tu-ngay": self.start,
                 "den-ngay": self.end, "van-ban": self.doc}
        return urlencode({k: v for k, v in pairs.items() if v})

    def address(self) -> str:
        query = self.query()
        return f"{HOME}?{query}" if query else HOME


@dataclass(frozen=True)
class Outcome:
    """What a change did: a notice for the person, and the task as it now is (if one)."""

    notice: str
    code: str = ""
    tasks: int = 0
    messages: int = 0
    task: TaskRecord | None = None
    error: bool = False

    @classmethod
    def done(cls, code: str, tasks: int = 0, messages: int = 0, task: TaskRecord | None = None) -> Outcome:
        if code == "bao-tin" and not messages:
            code = "theo-doi"
        return cls(NOTICES[code].format(n=tasks, m=messages), code, tasks, messages, task)

    def query(self) -> dict[str, str]:
        numbers = {"so": self.tasks, "tin": self.messages}
        return {"thong-bao": self.code} | {k: str(v) for k, v in numbers.items() if v}


# -- reading the register ------------------------------------------------------------------------

def task_due(deadline: Deadline, day: date) -> date | None:
    """The date a task falls due as the register shows it (the next one of a recurring task)."""
    if deadline.kind in (DeadlineKind.ABSOLUTE, DeadlineKind.RELATIVE):
        return deadline.due
    return deadline.next_due(day)


def _day_or_error(text: str, label: str) -> date | None:
    if not text:
        return None
    try:
        return parse_day(text)
    except ValueError:
        raise TaskError(f"Không đọc được ngày «{text}» ở ô «{label}».") from None


def select_tasks(register: TaskRegister, records: list[TaskRecord], filters: Filters, day: date
                 ) -> list[TaskRecord]:
    """The tasks the filters leave; TaskError (in Vietnamese) for a filter that cannot be read."""
    unit_id = register.unit_ids([filters.unit])[0] if filters.unit else None
    status = TaskStatus(filters.status) if filters.status in set(TaskStatus) else None
    start, end = _day_or_error(filters.start, "từ ngày"), _day_or_error(filters.end, "đến ngày")
    dated = start is not None or end is not None
    return [r for r in records
            if (status is None or r.status is status) and (unit_id is None or unit_id in r.units)
            and (not filters.doc or document_token(r.source) == filters.doc)
            and (not dated or _within(task_due(r.deadline, day), start, end))]


def _within(due: date | None, start: date | None, end: date | None) -> bool:
    return due is not None and (start is None or due >= start) and (end is None or due <= end)


def unit_codes(ids: tuple[int, ...], units: Mapping[int, UnitInfo]) -> list[str]:
    return [units[u].code for u in ids if u in units]


def typed_codes(text: str) -> list[str]:
    """«SNV, STC; SYT» → ["SNV", "STC", "SYT"]."""
    return _CODES.findall(text)


def _register(request: Request) -> TaskRegister:
    return request.app.state.register


def _number(params: Mapping[str, str], name: str) -> int:
    text = params.get(name, "")
    return int(text) if text.isdigit() else 0


def row_context(task: TaskRecord, units: Mapping[int, UnitInfo], day: date) -> dict[str, object]:
    """What the row of one task shows."""
    return {"task": task, "due": due_text(task.deadline, day),
            "due_iso": (task_due(task.deadline, day) or day).isoformat(),
            "lead": unit_codes(task.lead, units), "coordinate": unit_codes(task.coordinate, units),
            "status_names": STATUS_NAMES, "shown": UNITS_SHOWN}


def _one_row(request: Request, task: TaskRecord) -> dict[str, object]:
    return row_context(task, _register(request).units(), today(request))


# -- pages ---------------------------------------------------------------------------------------

@router.get("/nhiem-vu", response_class=HTMLResponse)
def register_page(request: Request, viewer: Admin) -> Response:
    params = request.query_params
    code = params.get("thong-bao", "")
    notice = Outcome.done(code, _number(params, "so"), _number(params, "tin")) if code in NOTICES else None
    return _register_page(request, viewer, Filters.of(params), notice)


def _register_page(request: Request, viewer: Viewer, filters: Filters, notice: Outcome | None,
                   form: Mapping[str, str] | None = None, status: int = 200) -> Response:
    register = _register(request)
    day = today(request)
    everything = register.store.records()  # one read; the filters are applied here
    try:
        records = select_tasks(register, everything, filters, day)
    except TaskError as exc:
        records, notice = [], Outcome(said(exc), error=True)
    units = register.units()
    documents = request.app.state.facts.documents()
    proposed = Counter(r.source for r in everything if r.status is TaskStatus.PROPOSED)
    rows = [(doc, [row_context(t, units, day) for t in doc.tasks]) for doc in by_document(records)]
    return render(request, viewer, "tasks.html", status=status, filters=filters, notice=notice, rows=rows,
                  counts=Counter(r.status for r in records), total=len(records), proposed=proposed,
                  titles={d.source: d.title for d in documents}, documents=documents,
                  registered=by_document(everything), active_units=[u for u in units.values() if u.active],
                  statuses=STATUS_NAMES, form=form or {}, back=filters.address())


@router.get("/nhiem-vu/{key}", response_class=HTMLResponse)
def task_page(request: Request, viewer: Admin, key: str) -> Response:
    """One task with its forms open: the row itself for htmx («Sửa», «Đóng»), else a page."""
    task = _task_or_404(request, key)
    editing = request.query_params.get("sua", "1") != "0"
    return _task_answer(request, viewer, Outcome("", task=task), editing=editing,
                        back=_back(request.query_params.get("quay-lai", "")))


def _task_or_404(request: Request, key: str) -> TaskRecord:
    found = _register(request).store.get(key)
    if found is None:
        raise HTTPException(404, f"Không có nhiệm vụ mã «{key}».")
    return found


def _task_answer(request: Request, viewer: Viewer, outcome: Outcome, *, editing: bool, back: str,
                 form: Mapping[str, str] | None = None, status: int = 200) -> Response:
    assert outcome.task is not None
    context = {"r": _one_row(request, outcome.task), "notice": outcome if outcome.notice else None,
               "editing": editing, "back": back, "form": form or {}}
    if request.headers.get("hx-request"):
        return render(request, viewer, "task_row.html", **context)
    return render(request, viewer, "task.html", status=status, **context)


# -- changes -------------------------------------------------------------------------------------

def _back(typed: str) -> str:
    """Where to return after a change: the register with its filters, nothing else."""
    return typed if typed == HOME or typed.startswith(HOME + "?") else HOME


async def _form(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items()}


def _after(request: Request, viewer: Viewer, key: str, change: Callable[[TaskRecord, dict[str, str]], Outcome],
           form: dict[str, str]) -> Response:
    """Run a change on one task and answer: its row (htmx), or back to the register."""
    task = _task_or_404(request, key)
    back = _back(form.get("quay-lai", ""))
    try:
        outcome = change(task, form)
    except TaskError as exc:
        outcome = Outcome(said(exc), task=task, error=True)
        return _task_answer(request, viewer, outcome, editing=True, back=back, form=form,
                            status=200 if request.headers.get("hx-request") else 400)
    if request.headers.get("hx-request"):
        return _task_answer(request, viewer, outcome, editing=False, back=back)
    return _redirect(back, outcome)


def _redirect(back: str, outcome: Outcome) -> Response:
    joiner = "&" if "?" in back else "?"
    return RedirectResponse(f"{back}{joiner}{urlencode(outcome.query())}", status_code=303)


def _track(request: Request, viewer: Viewer) -> Callable[[TaskRecord, dict[str, str]], Outcome]:
    def change(task: TaskRecord, form: dict[str, str]) -> Outcome:
        register = _register(request)
        moved = register.track([task.key], by=viewer.official_id, channel=CHANNEL)
        if not moved:
            return Outcome.done("da-theo-doi", task=task)
        sent = register.announce_tracking(request.app.state.outbox, moved, today(request))
        return Outcome.done("bao-tin", 1, sent, replace(task, status=TaskStatus.TRACKED))
    return change


def _dismiss(request: Request, viewer: Viewer) -> Callable[[TaskRecord, dict[str, str]], Outcome]:
    def change(task: TaskRecord, form: dict[str, str]) -> Outcome:
        done = _register(request).dismiss(task.key, by=viewer.official_id, channel=CHANNEL)
        return Outcome.done("loai", task=done)
    return change


def _assign(request: Request, viewer: Viewer) -> Callable[[TaskRecord, dict[str, str]], Outcome]:
    def change(task: TaskRecord, form: dict[str, str]) -> Outcome:
        done = _register(request).assign(task.key, typed_codes(form.get("chu-tri", "")),
                                         typed_codes(form.get("phoi-hop", "")), by=viewer.official_id,
                                         channel=CHANNEL)
        return Outcome.done("don-vi", task=done)
    return change


def _deadline(request: Request, viewer: Viewer) -> Callable[[TaskRecord, dict[str, str]], Outcome]:
    def change(task: TaskRecord, form: dict[str, str]) -> Outcome:
        due = _day_or_error(form.get("han", "").strip(), "hạn mới")
        if due is None:
            raise TaskError("Hãy chọn ngày hạn mới.")
        done = _register(request).correct_deadline(task.key, due, by=viewer.official_id, channel=CHANNEL)
        return Outcome.done("han", task=done)
    return change


@router.post("/nhiem-vu/{key}/theo-doi")
async def track_task(request: Request, viewer: AdminChange, key: str) -> Response:
    return _after(request, viewer, key, _track(request, viewer), await _form(request))


@router.post("/nhiem-vu/{key}/loai")
async def dismiss_task(request: Request, viewer: AdminChange, key: str) -> Response:
    return _after(request, viewer, key, _dismiss(request, viewer), await _form(request))


@router.post("/nhiem-vu/{key}/don-vi")
async def assign_task(request: Request, viewer: AdminChange, key: str) -> Response:
    return _after(request, viewer, key, _assign(request, viewer), await _form(request))


@router.post("/nhiem-vu/{key}/han")
async def correct_deadline(request: Request, viewer: AdminChange, key: str) -> Response:
    return _after(request, viewer, key, _deadline(request, viewer), await _form(request))


@router.post("/nhiem-vu/van-ban/{token}/theo-doi")
async def track_document(request: Request, viewer: AdminChange, token: str) -> Response:
    """«Theo dõi tất cả»: every proposed task of a document (those dismissed stay dismissed)."""
    form = await _form(request)
    back = _back(form.get("quay-lai", ""))
    register = _register(request)
    try:
        _, moved = register.track_document(token, by=viewer.official_id, channel=CHANNEL, everything=False)
    except TaskError as exc:
        raise HTTPException(404, said(exc)) from None
    sent = register.announce_tracking(request.app.state.outbox, moved, today(request))
    return _redirect(back, Outcome.done("bao-tin" if moved else "da-theo-doi", len(moved), sent))


@router.post("/nhiem-vu/them")
async def add_task(request: Request, viewer: AdminChange) -> Response:
    """A task written by hand, on a document of the store, tracked at once."""
    form = await _form(request)
    register = _register(request)
    try:
        due = _day_or_error(form.get("han", "").strip(), "hạn")
        if due is None:
            raise TaskError("Hãy chọn hạn của nhiệm vụ.")
        task = register.add(form.get("van-ban", ""), form.get("noi-dung", ""), due,
                            typed_codes(form.get("chu-tri", "")), typed_codes(form.get("phoi-hop", "")),
                            by=viewer.official_id, channel=CHANNEL)
    except TaskError as exc:
        return _register_page(request, viewer, Filters.of(request.query_params), Outcome(said(exc), error=True),
                              form=form, status=400)
    register.announce_tracking(request.app.state.outbox, [task.key], today(request))
    return _redirect(Filters(doc=document_token(task.source)).address(), Outcome.done("them"))
