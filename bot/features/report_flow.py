"""/baocao: a unit's progress report in a few taps, on every channel.

Steps: the obligation (open ones of the unit, nearest deadline first, or «Khác» with a typed
title) → status → percentage (only while in progress) → a short text → an optional file → a
summary to confirm. The dialog lives in the `dialogs` table, so a restart or another worker
continues it; the unit always comes from the sender's membership, never from what they type.
«Gửi» carries the dialog's submission token, so a double tap or a redelivered press is one
report. A report may be corrected by its author within `reports.correction_minutes` (a new
row pointing at the old one): from the receipt's button, /suabaocao, or /baocao on the same
obligation.
"""
from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.core.assistant import EXPIRED
from bot.db.people import Member, Role
from bot.db.reports import CorrectionError, CorrectionProblem, NewReport, Receipt, ReportStore, StoredReport
from bot.core.clock import clock_and_day
from bot.core.access import ButtonRule, refusal
from bot.core.numbers import whole_number
from bot.core.callback import CallbackDataError
from bot.core.messages import Button, Command, Incoming, Reply
from bot.services.obligations import TrackedObligation, find, tracked_obligations
from bot.db.report_status import STATUS_LABELS, Status
from bot.features.report_texts import (ASK_FILE, ASK_PERCENT, ASK_STATUS, ASK_TEXT, ASK_TITLE, BAD_PERCENT, CANCELLED,
                                       CHOOSE_ABOVE, FILE_BAD_TYPE, FILE_EXPECTED, FILE_TOO_BIG, FIX_HINT,
                                       FIX_REFUSED, NOTHING_TO_FIX, NOT_TRACKED, NO_UNIT, RECEIVED, RECEIVED_FIX,
                                       ROLE_CHANGED, SESSION_OVER, TEXT_EMPTY, TEXT_NOT_FILE, TEXT_TOO_LONG,
                                       TITLE_EMPTY, TITLE_TOO_LONG, UNIT_CLOSED)
from bot.features.report_parts import (TITLE_MAX, ReportStep, StartReport, Step, _occurrence, accepted_type, at_step,
                                       clip, is_skip, number_text, obligation_data, obligation_label, printable,
                                       safe_file_name, status_text, typed_status, updated)
from bot.retrieval.vietnamese import nfc

if TYPE_CHECKING:
    from bot.core.assistant import Assistant
    from bot.config import Settings
    from bot.db.dialogs import DialogState

KIND = "report"
PAGE_SIZE = 8

# Which button actions each step accepts; an old button pressed later does nothing.
STEP_ACTIONS = {Step.OBLIGATION: {"o", "more", "other"}, Step.REPEAT: {"new"}, Step.STATUS: {"s"}, Step.PERCENT: {"p"},
                Step.ATTACHMENT: {"a"}, Step.CONFIRM: {"c"}}


class ReportFlow:
    """The report dialog, plugged into the core as a Feature."""

    def __init__(self, core: "Assistant", settings: "Settings", store: ReportStore) -> None:
        self.core = core
        self.limits = settings.reports
        self.include_coordinating = settings.tasks.include_coordinating
        self.store = store
        self.commands = {"baocao": self._report_command, "suabaocao": self._fix_command}
        self.buttons = {"rp": self._button}
        self.dialogs = {KIND: self._dialog}
        roles = (Role.REPORTER.value, Role.ADMIN.value)
        self.menu = [Command("baocao", "Gửi báo cáo tiến độ của đơn vị", roles, private_only=True),
                     Command("suabaocao", "Sửa báo cáo vừa gửi", roles, private_only=True)]
        self.button_rules = [ButtonRule("rp", roles, private_only=True)]

    # -- who may report -------------------------------------------------------------------------

    def _refusal(self, msg: Incoming, member: Member | None) -> str | None:
        """Why this sender may not report here, or None (a reporter, or an admin with a unit).
        The core checked role and chat before the handler; a dialog checks them again, since a
        role may change between two steps."""
        refused = refusal(self.menu[0], msg, member)
        if refused or member is None:
            return refused
        if member.unit is None:
            return NO_UNIT
        if not member.unit.active:
            return UNIT_CLOSED.format(unit=member.unit.name)
        return None

    def _same_reporter(self, member: Member | None, state: "DialogState") -> bool:
        """The dialog's author still reports for the unit it started with."""
        return (member is not None and member.unit is not None and member.role is not Role.READER
                and member.official_id == state.data.get("official") and member.unit.id == state.data.get("unit"))

    # -- entry points ---------------------------------------------------------------------------

    def _report_command(self, msg: Incoming, member: Member | None) -> list[Reply]:
        refusal = self._refusal(msg, member)
        if refusal:
            return self.core.texts(msg, refusal)
        assert member is not None
        state = self._new_state(member, Step.OBLIGATION)
        return self._show_obligations(msg, member, state)

    def _fix_command(self, msg: Incoming, member: Member | None) -> list[Reply]:
        refusal = self._refusal(msg, member)
        if refusal:
            return self.core.texts(msg, refusal)
        assert member is not None and member.unit is not None
        number = whole_number(msg.text.strip().lstrip("#"))
        if number is not None:
            return self._start_fix(msg, member, number)
        mine = [r for r in self.store.correctable(member.official_id, self.core.now())
                if r.unit_id == member.unit.id]
        if not mine:
            return self.core.texts(msg, NOTHING_TO_FIX.format(window=self._window()))
        if len(mine) == 1:
            return self._start_fix(msg, member, mine[0].id)
        state = self._new_state(member, Step.FIX_PICK)
        self.core.save_dialog(msg, state)
        rows = tuple((Button(self._fix_label(r), ReportStep("fix", str(r.id)).pack()),) for r in mine[:PAGE_SIZE])
        return self.core.choices(msg, "Chọn báo cáo cần sửa:", rows)

    def _button(self, msg: Incoming, member: Member | None, data: str) -> list[Reply]:
        try:
            step = ReportStep.unpack(data)
        except CallbackDataError:
            return self._stale(msg)
        action, arg = step.action, step.arg
        refusal = self._refusal(msg, member)
        if refusal:
            return self.core.texts(msg, refusal)
        assert member is not None
        if StartReport.matches(data):
            return self._start_at_status(msg, member, data)
        report_id = whole_number(arg) if action == "fix" else None
        if report_id is not None:  # from a receipt, a list or a question
            return self._start_fix(msg, member, report_id)
        state = self.core.dialog(msg)
        if state is None or state.kind != KIND or (
                action == "c" and arg.startswith("send:") and arg != f"send:{state.data.get('token')}"):
            return self._without_dialog(msg, member, action, arg)
        if not self._same_reporter(member, state):
            self.core.end_dialog(msg)
            return self.core.texts(msg, ROLE_CHANGED)
        if action not in STEP_ACTIONS.get(Step(state.step), set()):
            return self._stale(msg)
        return self._on_action(msg, member, state, action, arg)

    def _without_dialog(self, msg: Incoming, member: Member, action: str, arg: str) -> list[Reply]:
        """A button of a finished dialog: «Gửi» again answers with the same receipt."""
        if action == "c" and arg.startswith("send:"):
            done = self.store.by_token(arg.removeprefix("send:"))
            if done is not None and done.official_id == member.official_id:
                return self._receipt(msg, Receipt(done.id, done.submitted_at, False, done.corrects_id))
        if action == "o" and arg:
            return self._pick(msg, member, self._new_state(member, Step.OBLIGATION), arg)
        return self.core.texts(msg, SESSION_OVER)

    def _dialog(self, msg: Incoming, member: Member | None, state: "DialogState") -> list[Reply]:
        """A typed message (or a file) in the middle of the dialog."""
        if not self._same_reporter(member, state):
            self.core.end_dialog(msg)
            return self.core.texts(msg, self._refusal(msg, member) or ROLE_CHANGED)
        assert member is not None
        step, text = Step(state.step), nfc(msg.text).strip()
        if step is Step.TITLE:
            return self._on_title(msg, member, state, text)
        if step is Step.PERCENT:
            return self._on_percent_text(msg, member, state, text)
        if step is Step.TEXT:
            return self._on_text(msg, member, state, text)
        if step is Step.ATTACHMENT:
            return self._on_attachment(msg, member, state, text)
        if step is Step.STATUS:
            status = typed_status(text)
            if status is not None:
                return self._on_status(msg, member, state, status)
        return self._prompt(msg, member, state, CHOOSE_ABOVE)

    # -- steps ----------------------------------------------------------------------------------

    def _on_action(self, msg: Incoming, member: Member, state: "DialogState", action: str,
                   arg: str) -> list[Reply]:
        if action == "more":
            return self._show_obligations(msg, member, updated(state, page=int(state.data.get("page", 0)) + 1))
        if action == "other":
            self.core.save_dialog(msg, at_step(state, Step.TITLE))
            return self.core.texts(msg, ASK_TITLE.format(limit=TITLE_MAX))
        if action == "o":
            return self._pick(msg, member, state, arg)
        if action == "new":
            return self._to_status(msg, member, updated(state, corrects=None))
        if action == "s" and arg in {s.value for s in Status}:
            return self._on_status(msg, member, state, Status(arg))
        if action == "p":
            return self._on_percent_text(msg, member, state, "bỏ qua" if arg == "skip" else arg)
        if action == "a" and arg == "skip":
            return self._to_confirm(msg, member, updated(state, file=None))
        if action == "c":
            return self._on_confirm(msg, member, state, arg)
        return self._stale(msg)

    def _open_obligations(self, member: Member) -> list[TrackedObligation]:
        """What the unit still has to report on: tracked tasks assigned to it, not reported
        done for their current due date, nearest deadline first."""
        assert member.unit is not None
        tracked = self._tracked(member)
        done = {pair for pair, status in self.store.statuses(member.unit.id, [o.key for o in tracked]).items()
                if status is Status.DONE}
        return [o for o in tracked if (o.key, o.due) not in done]

    def _tracked(self, member: Member) -> list[TrackedObligation]:
        """The tracked tasks the member's unit is assigned to."""
        assert member.unit is not None and self.core.tasks is not None
        return tracked_obligations(self.core.tasks, self.core.today(), self.limits.past_days,
                                   unit_id=member.unit.id, include_coordinating=self.include_coordinating)

    def _show_obligations(self, msg: Incoming, member: Member, state: "DialogState") -> list[Reply]:
        assert member.unit is not None
        open_ = self._open_obligations(member)
        page = int(state.data.get("page", 0))
        if page * PAGE_SIZE >= len(open_):
            page = 0
        state = updated(state, page=page)
        self.core.save_dialog(msg, state)
        shown = open_[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
        today = self.core.today()
        rows = [(Button(obligation_label(o, today), ReportStep("o", o.key).pack()),) for o in shown]
        if (page + 1) * PAGE_SIZE < len(open_):
            rows.append((Button(f"Xem thêm ({len(open_) - (page + 1) * PAGE_SIZE} việc)", ReportStep("more").pack()),))
        rows.append((Button("Khác (việc không có trong danh sách)", ReportStep("other").pack()),))
        if not open_:
            head = (f"Đơn vị {member.unit.name} không còn việc có hạn nào chờ báo cáo. "
                    "Bạn vẫn có thể báo cáo một việc khác:")
        else:
            first = page * PAGE_SIZE + 1
            head = (f"Báo cáo của {member.unit.name}. Chọn việc cần báo cáo (hạn gần nhất trước; "
                    f"việc {first}–{first + len(shown) - 1} trên {len(open_)}):")
        return self.core.choices(msg, head, tuple(rows))

    def _pick(self, msg: Incoming, member: Member, state: "DialogState", key: str) -> list[Reply]:
        """An obligation chosen: offer to correct the official's own recent report on it first."""
        assert member.unit is not None
        chosen = find(self._tracked(member), key)
        if chosen is None:
            return self.core.texts(msg, NOT_TRACKED)
        state = updated(state, **obligation_data(chosen))
        previous = self.store.last_for(member.unit.id, key=chosen.key, due=chosen.due)
        if (previous is not None and previous.official_id == member.official_id
                and self.store.correction_problem(previous.id, member.official_id, self.core.now()) is None):
            self.core.save_dialog(msg, at_step(state, Step.REPEAT))
            text = (f"Bạn đã báo cáo việc này lúc {clock_and_day(previous.submitted_at)} (báo cáo số {previous.id}: "
                    f"{status_text(previous.status, previous.percent)}). Sửa báo cáo đó hay gửi báo cáo mới?")
            rows = ((Button("Sửa báo cáo trước", ReportStep("fix", str(previous.id)).pack()),),
                    (Button("Gửi báo cáo mới", ReportStep("new").pack()),))
            return self.core.choices(msg, text, rows)
        return self._to_status(msg, member, state)

    def _start_at_status(self, msg: Incoming, member: Member, data: str) -> list[Reply]:
        """A reminder's «Báo cáo ngay» (`StartReport`): straight to the status of that
        obligation, on the deadline the reminder was about when it is still reportable."""
        try:
            start = StartReport.unpack(data)
        except CallbackDataError:
            return self.core.texts(msg, NOT_TRACKED)
        day = f"{start.due:%Y%m%d}" if start.due else ""
        today = self.core.today()
        chosen = find(self._tracked(member), start.key)
        if chosen is None:
            return self.core.texts(msg, NOT_TRACKED)
        due = _occurrence(chosen, day, today - timedelta(days=self.limits.past_days))
        if due is not None:
            chosen = replace(chosen, due=due)
        return self._to_status(msg, member, updated(self._new_state(member, Step.STATUS), **obligation_data(chosen)))

    def _start_fix(self, msg: Incoming, member: Member, report_id: int) -> list[Reply]:
        """Correct an earlier report: the same obligation, everything else asked again."""
        assert member.unit is not None
        previous = self.store.get(report_id)
        if previous is None or previous.unit_id != member.unit.id:
            # Another unit's report is not even acknowledged to exist.
            return self.core.texts(msg, FIX_REFUSED[CorrectionProblem.NOT_FOUND].format(number=report_id))
        problem = self.store.correction_problem(report_id, member.official_id, self.core.now())
        if problem is not None:
            return self.core.texts(msg, FIX_REFUSED[problem].format(number=report_id, window=self._window()))
        state = updated(self._new_state(member, Step.STATUS), key=previous.obligation_key, title=previous.title,
                      doc=previous.doc_number, due=previous.due_date.isoformat() if previous.due_date else None,
                      corrects=previous.id)
        intro = (f"Sửa báo cáo số {previous.id} (gửi lúc {clock_and_day(previous.submitted_at)}): "
                 f"{status_text(previous.status, previous.percent)}"
                 + (f"; «{clip(previous.text, 200)}»" if previous.text else "") + ".")
        return self._to_status(msg, member, state, intro)

    def _to_status(self, msg: Incoming, member: Member, state: "DialogState", intro: str = "") -> list[Reply]:
        state = at_step(state, Step.STATUS)
        self.core.save_dialog(msg, state)
        rows = ((Button(STATUS_LABELS[Status.NOT_STARTED], ReportStep("s", Status.NOT_STARTED.value).pack()),
                 Button(STATUS_LABELS[Status.IN_PROGRESS], ReportStep("s", Status.IN_PROGRESS.value).pack()),
                 Button(STATUS_LABELS[Status.DONE], ReportStep("s", Status.DONE.value).pack())),)
        text = "\n".join(p for p in (intro, self._obligation_text(state), ASK_STATUS) if p)
        return self.core.choices(msg, text, rows)

    def _on_status(self, msg: Incoming, member: Member, state: "DialogState", status: Status) -> list[Reply]:
        if status is Status.IN_PROGRESS:
            state = at_step(updated(state, status=status.value, percent=None), Step.PERCENT)
            self.core.save_dialog(msg, state)
            return self._ask_percent(msg)
        percent = 100 if status is Status.DONE else None
        return self._to_text(msg, updated(state, status=status.value, percent=percent))

    def _ask_percent(self, msg: Incoming, problem: str = "") -> list[Reply]:
        text = problem or ASK_PERCENT
        if not msg.channel.buttons:
            # Typed digits here are a percentage, not a numbered choice.
            return self.core.texts(msg, text)
        rows = (tuple(Button(f"{p}%", ReportStep("p", str(p)).pack()) for p in (25, 50, 75))
                + (Button("Bỏ qua", ReportStep("p", "skip").pack()),),)
        return self.core.choices(msg, text, rows)

    def _on_percent_text(self, msg: Incoming, member: Member, state: "DialogState", text: str) -> list[Reply]:
        if is_skip(text):
            return self._to_text(msg, updated(state, percent=None))
        number = whole_number(text.rstrip("%"), max_digits=3)
        if number is None or number > 100:
            return self._ask_percent(msg, BAD_PERCENT.format(typed=clip(text, 40)))
        return self._to_text(msg, updated(state, percent=number))

    def _to_text(self, msg: Incoming, state: "DialogState") -> list[Reply]:
        self.core.save_dialog(msg, at_step(state, Step.TEXT))
        return self.core.texts(msg, ASK_TEXT.format(limit=self.limits.max_text_chars))

    def _on_title(self, msg: Incoming, member: Member, state: "DialogState", text: str) -> list[Reply]:
        title = " ".join(printable(text).split())
        if not title:
            return self.core.texts(msg, TITLE_EMPTY)
        if len(title) > TITLE_MAX:
            return self.core.texts(msg, TITLE_TOO_LONG.format(length=len(title), limit=TITLE_MAX))
        return self._to_status(msg, member, updated(state, key=None, title=title, doc=None, due=None))

    def _on_text(self, msg: Incoming, member: Member, state: "DialogState", text: str) -> list[Reply]:
        text = printable(text, keep_newlines=True).strip()
        if not text:
            return self.core.texts(msg, TEXT_NOT_FILE if msg.attachment else TEXT_EMPTY)
        if len(text) > self.limits.max_text_chars:
            return self.core.texts(msg, TEXT_TOO_LONG.format(length=len(text), limit=self.limits.max_text_chars))
        state = at_step(updated(state, text=text), Step.ATTACHMENT)
        self.core.save_dialog(msg, state)
        return self._ask_file(msg)

    def _ask_file(self, msg: Incoming, problem: str = "") -> list[Reply]:
        text = problem or ASK_FILE.format(types=self._types(), mb=number_text(self.limits.max_file_mb))
        return self.core.choices(msg, text, ((Button("Bỏ qua", ReportStep("a", "skip").pack()),),))

    def _on_attachment(self, msg: Incoming, member: Member, state: "DialogState", text: str) -> list[Reply]:
        if msg.attachment is None:
            if is_skip(text):
                return self._to_confirm(msg, member, updated(state, file=None))
            return self._ask_file(msg, FILE_EXPECTED)
        file = msg.attachment
        name = safe_file_name(file)
        limit = self.limits.max_file_mb * 1024 * 1024
        if file.size > limit:
            return self._ask_file(msg, FILE_TOO_BIG.format(name=name, size=number_text(file.size / 1024 / 1024),
                                                           mb=number_text(self.limits.max_file_mb)))
        if not accepted_type(name, file.mime_type, self.limits.file_types):
            return self._ask_file(msg, FILE_BAD_TYPE.format(name=name, types=self._types()))
        # Only the bare type is kept (parameters dropped), within its column's 128 characters.
        mime = (file.mime_type or "").split(";")[0].strip().lower()[:128]
        stored = {"name": name, "ref": file.file_id, "mime": mime or None}
        return self._to_confirm(msg, member, updated(state, file=stored))

    def _to_confirm(self, msg: Incoming, member: Member, state: "DialogState") -> list[Reply]:
        state = at_step(state, Step.CONFIRM)
        self.core.save_dialog(msg, state)
        return self._show_summary(msg, member, state)

    def _show_summary(self, msg: Incoming, member: Member, state: "DialogState", note: str = "") -> list[Reply]:
        assert member.unit is not None
        d = state.data
        lines = [note] if note else []
        lines.append(f"Sửa báo cáo số {d['corrects']} — xem lại trước khi gửi:" if d.get("corrects")
                     else "Xem lại báo cáo trước khi gửi:")
        lines.append(f"Đơn vị: {member.unit.name}")
        lines.append(self._obligation_text(state))
        lines.append(f"Tình trạng: {status_text(Status(d['status']), d.get('percent'))}")
        lines.append(f"Nội dung: {d.get('text', '')}")
        lines.append(f"Tệp đính kèm: {d['file']['name']}" if d.get("file") else "Tệp đính kèm: không có")
        rows = ((Button("Gửi", ReportStep("c", f"send:{d['token']}").pack()),
                 Button("Sửa lại", ReportStep("c", "edit").pack()), Button("Hủy", ReportStep("c", "cancel").pack())),)
        return self.core.choices(msg, "\n".join(lines), rows)

    def _on_confirm(self, msg: Incoming, member: Member, state: "DialogState", arg: str) -> list[Reply]:
        if arg == "edit":
            return self._to_status(msg, member, state)
        if arg == "cancel":
            self.core.end_dialog(msg)
            return self.core.texts(msg, CANCELLED)
        if arg != f"send:{state.data['token']}":
            return self._stale(msg)
        return self._submit(msg, member, state)

    def _submit(self, msg: Incoming, member: Member, state: "DialogState") -> list[Reply]:
        """Write the report; acknowledged only once committed."""
        assert member.unit is not None
        d = state.data
        file = d.get("file") or {}
        report = NewReport(unit_id=member.unit.id, official_id=member.official_id, channel=msg.channel.name,
                           title=d["title"], status=Status(d["status"]), obligation_key=d.get("key"),
                           doc_number=d.get("doc"), due_date=date.fromisoformat(d["due"]) if d.get("due") else None,
                           percent=d.get("percent"), text=d.get("text", ""), attachment_name=file.get("name"),
                           attachment_ref=file.get("ref"), attachment_mime=file.get("mime"))
        try:
            if d.get("corrects"):
                receipt = self.store.correct(int(d["corrects"]), report, d["token"], self.core.now())
            else:
                receipt = self.store.submit(report, d["token"], self.core.now())
        except CorrectionError as error:
            self.core.end_dialog(msg)
            return self.core.texts(msg, FIX_REFUSED[error.problem].format(number=d["corrects"], window=self._window()))
        self.core.end_dialog(msg)
        return self._receipt(msg, receipt)

    def _receipt(self, msg: Incoming, receipt: Receipt) -> list[Reply]:
        at = clock_and_day(receipt.submitted_at)
        text = (RECEIVED_FIX.format(number=receipt.number, at=at, previous=receipt.corrects_id)
                if receipt.corrects_id else RECEIVED.format(number=receipt.number, at=at))
        if self.limits.correction_minutes <= 0:
            return self.core.texts(msg, text)
        if msg.channel.buttons:
            fix = ReportStep("fix", str(receipt.number)).pack()
            return self.core.choices(msg, text, ((Button("Sửa báo cáo này", fix),),))
        return self.core.texts(msg, f"{text}\n{FIX_HINT.format(window=self._window())}")

    # -- shared bits ----------------------------------------------------------------------------

    def _prompt(self, msg: Incoming, member: Member, state: "DialogState", note: str) -> list[Reply]:
        """The current step asked again (after something the step cannot use)."""
        step = Step(state.step)
        if step is Step.OBLIGATION:
            return self.core.texts(msg, note) + self._show_obligations(msg, member, state)
        if step is Step.STATUS:
            return self._to_status(msg, member, state, note)
        if step is Step.CONFIRM:
            return self._show_summary(msg, member, state, note)
        if step is Step.FIX_PICK:
            return self._fix_command(msg, member)
        if step is Step.REPEAT:
            return self._pick(msg, member, at_step(state, Step.OBLIGATION), state.data.get("key") or "")
        return self.core.texts(msg, note)

    def _stale(self, msg: Incoming) -> list[Reply]:
        return [Reply(notice=EXPIRED)] if msg.channel.buttons else self.core.texts(msg, EXPIRED)

    def _new_state(self, member: Member, step: Step) -> "DialogState":
        from bot.db.dialogs import DialogState

        assert member.unit is not None
        # The token makes every retry of this dialog's «Gửi» the same report.
        return DialogState(KIND, step.value, {"token": secrets.token_hex(16), "unit": member.unit.id,
                                              "official": member.official_id, "page": 0})

    def _obligation_text(self, state: "DialogState") -> str:
        d = state.data
        lines = [f"Việc: {d.get('title', '')}"]
        if d.get("doc"):
            lines.append(f"Văn bản: {d['doc']}")
        if d.get("due"):
            due = date.fromisoformat(d["due"])
            late = " (quá hạn)" if due < self.core.today() else ""
            lines.append(f"Hạn: {due:%d/%m/%Y}{late}")
        return "\n".join(lines)

    def _window(self) -> str:
        minutes = self.limits.correction_minutes
        return f"{minutes // 60} giờ" if minutes % 60 == 0 and minutes >= 60 else f"{minutes} phút"

    def _types(self) -> str:
        return ", ".join(t.lstrip(".").upper() for t in self.limits.file_types)

    def _fix_label(self, report: StoredReport) -> str:
        return f"Số {report.id} · {clip(report.title, 50)} · {clock_and_day(report.submitted_at)}"
