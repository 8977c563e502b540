"""The task register in chat, for the secretariat: /nhiemvu to review and confirm a document's
tasks, /themnhiemvu to add one by hand, and the message each new document brings.

When a document's tasks are proposed, every admin gets one message («Văn bản mới …: 7 nhiệm vụ
có thời hạn — đề xuất giao …») with «Theo dõi tất cả» and «Xem từng nhiệm vụ». Per task an admin
tracks it, dismisses it («không phải nhiệm vụ»), changes its units or corrects its deadline (the
last two by typing, in a dialog kept in the database). Everything goes through
`bot.services.tasks.TaskRegister`, as the command line does.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.core.access import ButtonRule
from bot.core.callback import CallbackData, CallbackDataError
from bot.core.clock import VIETNAM, parse_day
from bot.core.messages import Button, Command, Incoming, Reply
from bot.db.dialogs import DialogState
from bot.db.outbox import Outbox
from bot.db.outbox_rows import NewMessage
from bot.db.people import Role
from bot.db.tasks import STATUS_NAMES, TaskRecord, TaskStatus
from bot.retrieval.listings import shorten
from bot.retrieval.vietnamese import fold, nfc
from bot.services.tasks import (DocumentTasks, TaskError, TaskRegister, by_document, count_text, document_token,
                                due_text)

if TYPE_CHECKING:
    from bot.core.assistant import Assistant
    from bot.db.people import Member, Recipient, UnitInfo

KIND = "tasks"
ADMINS = (Role.ADMIN.value,)
MAX_DOCUMENTS = 10  # documents offered as buttons by /nhiemvu
MAX_TASKS = 15      # tasks of a document offered as buttons
DIGEST_AFTER = 5    # more new documents at once than this: one digest message instead of one each
EXPIRED = "Lựa chọn này không còn hiệu lực. Gõ /nhiemvu để xem lại sổ theo dõi."
ASK_UNITS = ("Gõ mã đơn vị chủ trì, sau đó «phối hợp» và mã các đơn vị phối hợp nếu có, ví dụ: "
             "«SNV phối hợp STC, SYT». Gõ /huy để bỏ.")
ASK_DUE = "Gõ hạn mới, ví dụ «31/3/2026». Gõ /huy để bỏ."
ADD_USAGE = ("Thêm nhiệm vụ bằng tay: /themnhiemvu SỐ_HIỆU | nội dung | hạn | đơn vị chủ trì [phối hợp …], "
             "ví dụ: /themnhiemvu 0125/KH-UBND | Gửi báo cáo sơ kết | 30/6/2026 | SNV phối hợp STC")
_COORDINATE_WORD = re.compile(r"\bphoi\s*hop\b|\bvoi\b|\+")
_CODES = re.compile(r"[^\s,;]+")


@dataclass(frozen=True)
class DocAction(CallbackData, prefix="nv:doc"):
    """«Theo dõi tất cả» ("track") or «Xem từng nhiệm vụ» ("view") of a document (its token)."""

    action: str
    token: str


@dataclass(frozen=True)
class TaskAction(CallbackData, prefix="nv:task"):
    """On one task: "open", "track", "dismiss", "units", "due"."""

    action: str
    key: str


class TaskRegisterChat:
    """/nhiemvu and /themnhiemvu (admins, private chat), and the new-document message's buttons."""

    def __init__(self, core: "Assistant", register: TaskRegister, outbox: Outbox) -> None:
        self.core = core
        self.register = register
        self.outbox = outbox
        self.commands = {"nhiemvu": self._overview, "themnhiemvu": self._add}
        self.buttons = {"nv": self._button}
        self.dialogs = {KIND: self._continue}
        self.menu = [Command("nhiemvu", "Sổ theo dõi nhiệm vụ: xác nhận, giao đơn vị, sửa hạn; /nhiemvu kh 0125",
                             ADMINS, private_only=True),
                     Command("themnhiemvu", "Thêm nhiệm vụ bằng tay", ADMINS, private_only=True)]
        self.button_rules = [ButtonRule("nv", ADMINS, private_only=True)]

    # -- /nhiemvu ---------------------------------------------------------------------------------

    def _overview(self, msg: Incoming, member: "Member | None") -> list[Reply]:
        self.register.sync()
        if msg.text.strip():
            try:
                return self._document(msg, self.register.document(msg.text.strip()))
            except TaskError as exc:
                return self.core.texts(msg, str(exc))
        docs = self.register.documents()
        if not docs:
            return self.core.texts(msg, "Chưa có nhiệm vụ nào: các văn bản đã nạp không giao việc có thời hạn.")
        counts = Counter(t.status for d in docs for t in d.tasks)
        waiting = [d for d in docs if any(t.status is TaskStatus.PROPOSED for t in d.tasks)]
        head = (f"Sổ theo dõi nhiệm vụ: {counts[TaskStatus.TRACKED]} đang theo dõi, "
                f"{counts[TaskStatus.PROPOSED]} đề xuất chờ xác nhận, {counts[TaskStatus.DISMISSED]} đã loại.")
        if not waiting:
            return self.core.texts(msg, head + "\nKhông còn đề xuất nào chờ xác nhận. Xem một văn bản: /nhiemvu SỐ_HIỆU.")
        lines = [head, "Văn bản có đề xuất chờ xác nhận:"]
        rows = []
        for doc in waiting[:MAX_DOCUMENTS]:
            proposed = sum(t.status is TaskStatus.PROPOSED for t in doc.tasks)
            lines.append(f"• {_name(doc)}: {proposed} đề xuất")
            rows.append((Button(f"Xem {shorten(_name(doc), 40)}", DocAction("view", doc.token).pack()),))
        if len(waiting) > MAX_DOCUMENTS:
            lines.append(f"… và {len(waiting) - MAX_DOCUMENTS} văn bản khác: /nhiemvu SỐ_HIỆU.")
        return self.core.choices(msg, "\n".join(lines), tuple(rows))

    def _document(self, msg: Incoming, doc: DocumentTasks) -> list[Reply]:
        units = self.register.units()
        today = self.core.today()
        lines = [f"{_name(doc)}: {count_text(doc.tasks)}."]
        for i, task in enumerate(doc.tasks, 1):
            lines.append(f"{i}. {task_summary(task, units, today)}")
        rows: list[tuple[Button, ...]] = []
        if any(t.status is TaskStatus.PROPOSED for t in doc.tasks):
            rows.append((Button("✅ Theo dõi tất cả đề xuất", DocAction("track", doc.token).pack()),))
        rows += [(Button(f"{i}. {shorten(t.action, 40)}", TaskAction("open", t.key).pack()),)
                 for i, t in enumerate(doc.tasks[:MAX_TASKS], 1)]
        return self.core.choices(msg, "\n".join(lines), tuple(rows))

    # -- buttons ----------------------------------------------------------------------------------

    def _button(self, msg: Incoming, member: "Member | None", data: str) -> list[Reply]:
        by = member.official_id if member else None
        try:
            if DocAction.matches(data):
                step = DocAction.unpack(data)
                doc = self.register.document(step.token)
                if step.action == "track":
                    return self._track_document(msg, doc, by)
                return self._document(msg, doc)
            action = TaskAction.unpack(data)
            task = self.register.task(action.key)
        except (CallbackDataError, TaskError):
            return self.core.texts(msg, EXPIRED)
        if action.action == "track":
            self.register.track([task.key], by=by, channel=msg.channel.name)
            self.register.announce_tracking(self.outbox, [task.key], self.core.today())
            return self._task(msg, self.register.task(task.key), "Đã đưa vào theo dõi.")
        if action.action == "dismiss":
            return self._task(msg, self.register.dismiss(task.key, by=by, channel=msg.channel.name),
                              "Đã đánh dấu «không phải nhiệm vụ»; báo cáo đã gửi về việc này vẫn được giữ.")
        if action.action in ("units", "due"):
            self.core.save_dialog(msg, DialogState(KIND, action.action, {"key": task.key}))
            return self.core.texts(msg, ASK_UNITS if action.action == "units" else ASK_DUE)
        return self._task(msg, task)

    def _track_document(self, msg: Incoming, doc: DocumentTasks, by: int | None) -> list[Reply]:
        _, moved = self.register.track_document(doc.token, by=by, channel=msg.channel.name, everything=False)
        sent = self.register.announce_tracking(self.outbox, moved, self.core.today())
        told = f" Đã báo tới {sent} cán bộ của các đơn vị được giao." if sent else ""
        return self.core.texts(msg, f"Đã theo dõi {len(moved)} nhiệm vụ của {_name(doc)}.{told} "
                                    f"Xem lại: /nhiemvu {doc.doc_number or ''}".rstrip())

    def _task(self, msg: Incoming, task: TaskRecord, note: str = "") -> list[Reply]:
        units = self.register.units()
        lines = ([note] if note else []) + [
            f"Nhiệm vụ ({STATUS_NAMES[task.status]}): {task.action}",
            f"Hạn: {due_text(task.deadline, self.core.today())}" + (" — đã sửa bằng tay" if task.deadline_corrected else ""),
            f"Đơn vị: {units_text(task, units)}",
            f"Theo: {task.doc_number or task.source}" + (f", mục {task.section}" if task.section else "")]
        if task.quote:
            lines.append(f"«{shorten(task.quote, 400)}»")
        rows: list[tuple[Button, ...]] = []
        if task.status is not TaskStatus.TRACKED:
            rows.append((Button("✅ Theo dõi", TaskAction("track", task.key).pack()),))
        if task.status is not TaskStatus.DISMISSED:
            rows.append((Button("✖️ Không phải nhiệm vụ", TaskAction("dismiss", task.key).pack()),))
        rows.append((Button("👥 Đổi đơn vị", TaskAction("units", task.key).pack()),
                     Button("📅 Sửa hạn", TaskAction("due", task.key).pack())))
        return self.core.choices(msg, "\n".join(lines), tuple(rows))

    # -- typed steps --------------------------------------------------------------------------------

    def _continue(self, msg: Incoming, member: "Member | None", state: DialogState) -> list[Reply]:
        by = member.official_id if member else None
        key = str(state.data.get("key", ""))
        try:
            if state.step == "units":
                lead, coordinate = parse_units(msg.text)
                task = self.register.assign(key, lead, coordinate, by=by, channel=msg.channel.name)
            else:
                task = self.register.correct_deadline(key, _typed_day(msg.text), by=by, channel=msg.channel.name)
        except ValueError:
            return self.core.texts(msg, f"Không đọc được ngày «{msg.text.strip()}». {ASK_DUE}")
        except TaskError as exc:
            return self.core.texts(msg, f"{exc} {ASK_UNITS if state.step == 'units' else ASK_DUE}")
        self.core.end_dialog(msg)
        return self._task(msg, task, "Đã lưu.")

    # -- /themnhiemvu -------------------------------------------------------------------------------

    def _add(self, msg: Incoming, member: "Member | None") -> list[Reply]:
        parts = [p.strip() for p in msg.text.split("|")]
        if len(parts) != 4 or not all(parts):
            return self.core.texts(msg, ADD_USAGE)
        doc, action, typed_due, typed_units = parts
        try:
            lead, coordinate = parse_units(typed_units)
            task = self.register.add(doc, action, _typed_day(typed_due), lead, coordinate,
                                     by=member.official_id if member else None, channel=msg.channel.name)
        except ValueError:
            return self.core.texts(msg, f"Không đọc được hạn «{typed_due}». {ADD_USAGE}")
        except TaskError as exc:
            return self.core.texts(msg, str(exc))
        self.register.announce_tracking(self.outbox, [task.key], self.core.today())
        return self._task(msg, task, "Đã thêm và đưa vào theo dõi.")


# -- the message a new document brings --------------------------------------------------------------

class TaskAnnouncer:
    """Beside the bot: brings the register up to the ingested documents and tells every admin
    what they propose — one message per document, or one digest when many came at once (a first
    ingestion) — and, with `tasks.auto_track`, the assigned units what they must do. Tasks
    proposed by another process (the dashboard's upload, `tasks`) are told of here too."""

    def __init__(self, register: TaskRegister, outbox: Outbox) -> None:
        self.register = register
        self.outbox = outbox
        self.auto_track = register.auto_track

    def tick(self, now: datetime) -> int:
        self.register.sync()
        new = by_document(self.register.store.records(announced=False))
        if not new:
            return 0
        admins = self.register.people.recipients(roles=(Role.ADMIN,))
        messages = (self._per_document(new, admins) if len(new) <= DIGEST_AFTER else self._digest(new, admins))
        added = self.outbox.enqueue(messages)
        keys = [t.key for d in new for t in d.tasks]
        tracked = [t.key for d in new for t in d.tasks if t.status is TaskStatus.TRACKED]
        added += self.register.announce_tracking(self.outbox, tracked, now.astimezone(VIETNAM).date())
        self.register.store.mark_announced(keys)
        return added

    def _per_document(self, new: list[DocumentTasks], admins: "list[Recipient]") -> list[NewMessage]:
        units = self.register.units()
        return [NewMessage(f"newdoc:{doc.token}:{a.official_id}", a.channel, a.chat_id,
                           new_document_text(doc, units, self.auto_track), _doc_buttons(doc, self.auto_track),
                           official_id=a.official_id) for doc in new for a in admins]

    def _digest(self, new: list[DocumentTasks], admins: "list[Recipient]") -> list[NewMessage]:
        text = digest_text(new, self.auto_track)
        batch = document_token("\n".join(sorted(d.token for d in new)))
        return [NewMessage(f"newdocs:{batch}:{a.official_id}", a.channel, a.chat_id, text, official_id=a.official_id)
                for a in admins]


def digest_text(new: Sequence[DocumentTasks], tracked: bool) -> str:
    """«📄 161 văn bản mới: 904 nhiệm vụ có thời hạn đề xuất, 211 đã xác định đơn vị chủ trì …»."""
    tasks = [t for d in new for t in d.tasks]
    assigned = sum(1 for t in tasks if t.lead)
    verb = "đã tự động theo dõi" if tracked else "đề xuất"
    busiest = sorted(new, key=lambda d: -len(d.tasks))[:5]
    lines = [f"📄 {len(new)} văn bản mới: {count_text(tasks)} {verb}, {assigned} đã xác định "
             f"đơn vị chủ trì, {len(tasks) - assigned} chưa.",
             "Nhiều nhiệm vụ nhất: " + "; ".join(f"{_name(d)} ({len(d.tasks)})" for d in busiest) + "."]
    lines.append("Xem và giao việc: /nhiemvu" if tracked else
                 "Xem, xác nhận và giao việc: /nhiemvu (chỉ nhiệm vụ được theo dõi mới được nhắc hạn và tổng hợp).")
    return "\n".join(lines)


def _doc_buttons(doc: DocumentTasks, tracked: bool) -> tuple[tuple[Button, ...], ...]:
    view = (Button("Xem từng nhiệm vụ", DocAction("view", doc.token).pack()),)
    return (view,) if tracked else ((Button("✅ Theo dõi tất cả", DocAction("track", doc.token).pack()),), view)


def new_document_text(doc: DocumentTasks, units: dict[int, "UnitInfo"], tracked: bool) -> str:
    """«Văn bản mới 0125/KH-UBND: 7 nhiệm vụ có thời hạn — đề xuất giao: SNV 3, STC 2; chưa rõ
    đơn vị 2.»"""
    per_unit = Counter(units[u].code for t in doc.tasks for u in t.lead if u in units)
    unassigned = sum(1 for t in doc.tasks if not t.lead)
    given = ", ".join(f"{code} {n}" for code, n in per_unit.most_common(8))
    more = "…" if len(per_unit) > 8 else ""
    verb = "đã tự động theo dõi, giao chủ trì" if tracked else "đề xuất giao chủ trì"
    text = f"📄 Văn bản mới {_name(doc)}: {count_text(doc.tasks)}"
    text += f" — {verb}: {given}{more}" if given else ""
    text += f"; chưa xác định được đơn vị {unassigned}" if unassigned else ""
    return text + "." + ("" if tracked else " Nhiệm vụ chỉ được nhắc hạn và tổng hợp sau khi theo dõi.")


def task_summary(task: TaskRecord, units: dict[int, "UnitInfo"], today: date) -> str:
    return (f"{shorten(task.action, 120)} — hạn {due_text(task.deadline, today)} — {units_text(task, units)} "
            f"[{STATUS_NAMES[task.status]}]")


def units_text(task: TaskRecord, units: dict[int, "UnitInfo"]) -> str:
    lead = ", ".join(units[u].code for u in task.lead if u in units)
    coordinate = ", ".join(units[u].code for u in task.coordinate if u in units)
    if not lead:
        return f"chưa giao (văn bản ghi: {task.actor})" if task.actor else "chưa giao"
    return f"chủ trì {lead}" + (f"; phối hợp {coordinate}" if coordinate else "")


def parse_units(text: str) -> tuple[list[str], list[str]]:
    """«SNV phối hợp STC, SYT» → (["SNV"], ["STC", "SYT"]); diacritics and case ignored."""
    text = nfc(text)
    folded = fold(text)  # as long as the NFC text, so positions carry over
    match = _COORDINATE_WORD.search(folded)
    lead, rest = (text[:match.start()], text[match.end():]) if match else (text, "")
    return _CODES.findall(lead), _CODES.findall(rest)


def _typed_day(text: str) -> date:
    return parse_day(text.strip().removeprefix("ngày").strip())


def _name(doc: DocumentTasks) -> str:
    return doc.doc_number or doc.source
