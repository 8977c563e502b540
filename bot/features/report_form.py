"""The /baocao form once the obligation is chosen: status → percentage (only while in progress)
→ a short text → an optional file → the summary to confirm → the report written, and its
receipt. `bot.features.report_flow` routes each message and button here."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from bot.core.assistant import EXPIRED
from bot.core.clock import clock_and_day
from bot.core.messages import Button, Incoming, Reply
from bot.core.numbers import whole_number
from bot.db.people import Member
from bot.db.report_status import STATUS_LABELS, Status
from bot.db.reports import CorrectionError, Receipt, ReportStore
from bot.features.report_draft import AttachedFile, ReportDraft
from bot.features.report_parts import (ReportStep, Step, clip, is_skip, number_text, printable, safe_file_name,
                                       status_text)
from bot.features.report_texts import (ASK_FILE, ASK_PERCENT, ASK_STATUS, ASK_TEXT, BAD_PERCENT, CANCELLED,
                                       FILE_BAD_TYPE, FILE_EXPECTED, FILE_TOO_BIG, FIX_HINT, FIX_REFUSED, RECEIVED,
                                       RECEIVED_FIX, TEXT_EMPTY, TEXT_NOT_FILE, TEXT_TOO_LONG)
from bot.services.attachments import accepted_type

if TYPE_CHECKING:
    from bot.config import Reports
    from bot.core.assistant import Assistant


class ReportForm:
    """Filling in the report and sending it; each step saves the draft with the step it is at."""

    def __init__(self, core: "Assistant", limits: "Reports", store: ReportStore) -> None:
        self.core = core
        self.limits = limits
        self.store = store

    def save(self, msg: Incoming, step: Step, draft: ReportDraft) -> None:
        self.core.save_dialog(msg, draft.at(step))

    # -- status and percentage ------------------------------------------------------------------

    def to_status(self, msg: Incoming, draft: ReportDraft, intro: str = "") -> list[Reply]:
        self.save(msg, Step.STATUS, draft)
        rows = ((Button(STATUS_LABELS[Status.NOT_STARTED], ReportStep("s", Status.NOT_STARTED.value).pack()),
                 Button(STATUS_LABELS[Status.IN_PROGRESS], ReportStep("s", Status.IN_PROGRESS.value).pack()),
                 Button(STATUS_LABELS[Status.DONE], ReportStep("s", Status.DONE.value).pack())),)
        text = "\n".join(p for p in (intro, self.obligation_text(draft), ASK_STATUS) if p)
        return self.core.choices(msg, text, rows)

    def on_status(self, msg: Incoming, draft: ReportDraft, status: Status) -> list[Reply]:
        if status is Status.IN_PROGRESS:
            self.save(msg, Step.PERCENT, replace(draft, status=status, percent=None))
            return self.ask_percent(msg)
        percent = 100 if status is Status.DONE else None
        return self.to_text(msg, replace(draft, status=status, percent=percent))

    def ask_percent(self, msg: Incoming, problem: str = "") -> list[Reply]:
        text = problem or ASK_PERCENT
        if not msg.channel.buttons:
            # Typed digits here are a percentage, not a numbered choice.
            return self.core.texts(msg, text)
        rows = (tuple(Button(f"{p}%", ReportStep("p", str(p)).pack()) for p in (25, 50, 75))
                + (Button("Bỏ qua", ReportStep("p", "skip").pack()),),)
        return self.core.choices(msg, text, rows)

    def on_percent_text(self, msg: Incoming, draft: ReportDraft, text: str) -> list[Reply]:
        if is_skip(text):
            return self.to_text(msg, replace(draft, percent=None))
        number = whole_number(text.rstrip("%"), max_digits=3)
        if number is None or number > 100:
            return self.ask_percent(msg, BAD_PERCENT.format(typed=clip(text, 40)))
        return self.to_text(msg, replace(draft, percent=number))

    # -- text and file --------------------------------------------------------------------------

    def to_text(self, msg: Incoming, draft: ReportDraft) -> list[Reply]:
        self.save(msg, Step.TEXT, draft)
        return self.core.texts(msg, ASK_TEXT.format(limit=self.limits.max_text_chars))

    def on_text(self, msg: Incoming, draft: ReportDraft, text: str) -> list[Reply]:
        text = printable(text, keep_newlines=True).strip()
        if not text:
            return self.core.texts(msg, TEXT_NOT_FILE if msg.attachment else TEXT_EMPTY)
        if len(text) > self.limits.max_text_chars:
            return self.core.texts(msg, TEXT_TOO_LONG.format(length=len(text), limit=self.limits.max_text_chars))
        self.save(msg, Step.ATTACHMENT, replace(draft, text=text))
        return self.ask_file(msg)

    def ask_file(self, msg: Incoming, problem: str = "") -> list[Reply]:
        text = problem or ASK_FILE.format(types=self.types(), mb=number_text(self.limits.max_file_mb))
        return self.core.choices(msg, text, ((Button("Bỏ qua", ReportStep("a", "skip").pack()),),))

    def on_attachment(self, msg: Incoming, member: Member, draft: ReportDraft, text: str) -> list[Reply]:
        if msg.attachment is None:
            if is_skip(text):
                return self.to_confirm(msg, member, replace(draft, file=None))
            return self.ask_file(msg, FILE_EXPECTED)
        file = msg.attachment
        name = safe_file_name(file)
        limit = self.limits.max_file_mb * 1024 * 1024
        if file.size > limit:
            return self.ask_file(msg, FILE_TOO_BIG.format(name=name, size=number_text(file.size / 1024 / 1024),
                                                          mb=number_text(self.limits.max_file_mb)))
        if not accepted_type(name, file.mime_type, self.limits.file_types):
            return self.ask_file(msg, FILE_BAD_TYPE.format(name=name, types=self.types()))
        # Only the bare type is kept (parameters dropped), within its column's 128 characters.
        mime = (file.mime_type or "").split(";")[0].strip().lower()[:128]
        return self.to_confirm(msg, member, replace(draft, file=AttachedFile(name, file.file_id, mime or None)))

    # -- confirm and send -----------------------------------------------------------------------

    def to_confirm(self, msg: Incoming, member: Member, draft: ReportDraft) -> list[Reply]:
        self.save(msg, Step.CONFIRM, draft)
        return self.show_summary(msg, member, draft)

    def show_summary(self, msg: Incoming, member: Member, draft: ReportDraft, note: str = "") -> list[Reply]:
        assert member.unit is not None and draft.status is not None
        lines = [note] if note else []
        lines.append(f"Sửa báo cáo số {draft.corrects} — xem lại trước khi gửi:" if draft.corrects
                     else "Xem lại báo cáo trước khi gửi:")
        lines.append(f"Đơn vị: {member.unit.name}")
        lines.append(self.obligation_text(draft))
        lines.append(f"Tình trạng: {status_text(draft.status, draft.percent)}")
        lines.append(f"Nội dung: {draft.text}")
        lines.append(f"Tệp đính kèm: {draft.file.name}" if draft.file else "Tệp đính kèm: không có")
        rows = ((Button("Gửi", ReportStep("c", f"send:{draft.token}").pack()),
                 Button("Sửa lại", ReportStep("c", "edit").pack()), Button("Hủy", ReportStep("c", "cancel").pack())),)
        return self.core.choices(msg, "\n".join(lines), rows)

    def on_confirm(self, msg: Incoming, draft: ReportDraft, arg: str) -> list[Reply]:
        if arg == "edit":
            return self.to_status(msg, draft)
        if arg == "cancel":
            self.core.end_dialog(msg)
            return self.core.texts(msg, CANCELLED)
        if arg != f"send:{draft.token}":
            return self.stale(msg)
        return self.submit(msg, draft)

    def submit(self, msg: Incoming, draft: ReportDraft) -> list[Reply]:
        """Write the report (for the unit and author the flow checked); acknowledged only once
        committed."""
        report = draft.report(msg.channel.name)
        try:
            if draft.corrects:
                receipt = self.store.correct(draft.corrects, report, draft.token, self.core.now())
            else:
                receipt = self.store.submit(report, draft.token, self.core.now())
        except CorrectionError as error:
            self.core.end_dialog(msg)
            return self.core.texts(msg, FIX_REFUSED[error.problem].format(number=draft.corrects, window=self.window()))
        self.core.end_dialog(msg)
        return self.receipt(msg, receipt)

    def receipt(self, msg: Incoming, receipt: Receipt) -> list[Reply]:
        at = clock_and_day(receipt.submitted_at)
        text = (RECEIVED_FIX.format(number=receipt.number, at=at, previous=receipt.corrects_id)
                if receipt.corrects_id else RECEIVED.format(number=receipt.number, at=at))
        if self.limits.correction_minutes <= 0:
            return self.core.texts(msg, text)
        if msg.channel.buttons:
            fix = ReportStep("fix", str(receipt.number)).pack()
            return self.core.choices(msg, text, ((Button("Sửa báo cáo này", fix),),))
        return self.core.texts(msg, f"{text}\n{FIX_HINT.format(window=self.window())}")

    # -- shared bits ----------------------------------------------------------------------------

    def stale(self, msg: Incoming) -> list[Reply]:
        return [Reply(notice=EXPIRED)] if msg.channel.buttons else self.core.texts(msg, EXPIRED)

    def obligation_text(self, draft: ReportDraft) -> str:
        lines = [f"Việc: {draft.title}"]
        if draft.doc:
            lines.append(f"Văn bản: {draft.doc}")
        if draft.due:
            late = " (quá hạn)" if draft.due < self.core.today() else ""
            lines.append(f"Hạn: {draft.due:%d/%m/%Y}{late}")
        return "\n".join(lines)

    def window(self) -> str:
        minutes = self.limits.correction_minutes
        return f"{minutes // 60} giờ" if minutes % 60 == 0 and minutes >= 60 else f"{minutes} phút"

    def types(self) -> str:
        return ", ".join(t.lstrip(".").upper() for t in self.limits.file_types)
