"""/baocao: a unit's progress report in a few taps, on every channel.

Steps: the obligation (open ones of the unit, nearest deadline first, or «Khác» with a typed
title) → status → percentage (only while in progress) → a short text → an optional file → a
summary to confirm. The dialog lives in the `dialogs` table (the typed `ReportDraft`), so a
restart or another worker continues it; the unit always comes from the sender's membership,
never from what they type. «Gửi» carries the dialog's submission token, so a double tap or a
redelivered press is one report. A report may be corrected by its author within
`reports.correction_minutes` (a new row pointing at the old one): from the receipt's button,
/suabaocao, or /baocao on the same obligation.

This module routes each message and button and chooses the obligation; `report_form.py` fills
in the rest and sends it.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.core.access import ButtonRule, refusal
from bot.core.callback import CallbackDataError
from bot.core.clock import clock_and_day
from bot.core.messages import Button, Command, Incoming, Reply
from bot.core.numbers import whole_number
from bot.db.people import Member, Role
from bot.db.report_status import Status
from bot.db.reports import CorrectionProblem, Receipt, ReportStore, StoredReport
from bot.features.report_draft import KIND, ReportDraft
from bot.features.report_form import ReportForm
from bot.features.report_parts import (TITLE_MAX, ReportStep, StartReport, Step, _occurrence, clip, obligation_label,
                                       printable, status_text, typed_status)
from bot.features.report_texts import (ASK_TITLE, CHOOSE_ABOVE, FIX_REFUSED, NOTHING_TO_FIX, NOT_TRACKED, NO_UNIT,
                                       ROLE_CHANGED, SESSION_OVER, TITLE_EMPTY, TITLE_TOO_LONG, UNIT_CLOSED)
from bot.retrieval.vietnamese import nfc
from bot.services.obligations import TrackedObligation, find, tracked_obligations

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.core.assistant import Assistant
    from bot.db.dialogs import DialogState

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
        self.form = ReportForm(core, settings.reports, store)
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

    def _same_reporter(self, member: Member | None, draft: ReportDraft) -> bool:
        """The dialog's author still reports for the unit it started with."""
        return (member is not None and member.unit is not None and member.role is not Role.READER
                and member.official_id == draft.official and member.unit.id == draft.unit)

    # -- entry points ---------------------------------------------------------------------------

    def _report_command(self, msg: Incoming, member: Member | None) -> list[Reply]:
        refusal = self._refusal(msg, member)
        if refusal:
            return self.core.texts(msg, refusal)
        assert member is not None
        return self._show_obligations(msg, member, self._new_draft(member))

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
            return self.core.texts(msg, NOTHING_TO_FIX.format(window=self.form.window()))
        if len(mine) == 1:
            return self._start_fix(msg, member, mine[0].id)
        self.form.save(msg, Step.FIX_PICK, self._new_draft(member))
        rows = tuple((Button(_fix_label(r), ReportStep("fix", str(r.id)).pack()),) for r in mine[:PAGE_SIZE])
        return self.core.choices(msg, "Chọn báo cáo cần sửa:", rows)

    def _button(self, msg: Incoming, member: Member | None, data: str) -> list[Reply]:
        try:
            step = ReportStep.unpack(data)
        except CallbackDataError:
            return self.form.stale(msg)
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
        draft = ReportDraft.of(state) if state is not None and state.kind == KIND else None
        if state is None or draft is None or (
                action == "c" and arg.startswith("send:") and arg != f"send:{draft.token}"):
            return self._without_dialog(msg, member, action, arg)
        if not self._same_reporter(member, draft):
            self.core.end_dialog(msg)
            return self.core.texts(msg, ROLE_CHANGED)
        if action not in STEP_ACTIONS.get(Step(state.step), set()):
            return self.form.stale(msg)
        return self._on_action(msg, member, draft, action, arg)

    def _without_dialog(self, msg: Incoming, member: Member, action: str, arg: str) -> list[Reply]:
        """A button of a finished dialog: «Gửi» again answers with the same receipt."""
        if action == "c" and arg.startswith("send:"):
            done = self.store.by_token(arg.removeprefix("send:"))
            if done is not None and done.official_id == member.official_id:
                return self.form.receipt(msg, Receipt(done.id, done.submitted_at, False, done.corrects_id))
        if action == "o" and arg:
            return self._pick(msg, member, self._new_draft(member), arg)
        return self.core.texts(msg, SESSION_OVER)

    def _dialog(self, msg: Incoming, member: Member | None, state: "DialogState") -> list[Reply]:
        """A typed message (or a file) in the middle of the dialog."""
        draft = ReportDraft.of(state)
        if not self._same_reporter(member, draft):
            self.core.end_dialog(msg)
            return self.core.texts(msg, self._refusal(msg, member) or ROLE_CHANGED)
        assert member is not None
        step, text = Step(state.step), nfc(msg.text).strip()
        if step is Step.TITLE:
            return self._on_title(msg, draft, text)
        if step is Step.PERCENT:
            return self.form.on_percent_text(msg, draft, text)
        if step is Step.TEXT:
            return self.form.on_text(msg, draft, text)
        if step is Step.ATTACHMENT:
            return self.form.on_attachment(msg, member, draft, text)
        if step is Step.STATUS:
            status = typed_status(text)
            if status is not None:
                return self.form.on_status(msg, draft, status)
        return self._prompt(msg, member, step, draft, CHOOSE_ABOVE)

    def _on_action(self, msg: Incoming, member: Member, draft: ReportDraft, action: str,
                   arg: str) -> list[Reply]:
        if action == "more":
            return self._show_obligations(msg, member, replace(draft, page=draft.page + 1))
        if action == "other":
            self.form.save(msg, Step.TITLE, draft)
            return self.core.texts(msg, ASK_TITLE.format(limit=TITLE_MAX))
        if action == "o":
            return self._pick(msg, member, draft, arg)
        if action == "new":
            return self.form.to_status(msg, replace(draft, corrects=None))
        if action == "s" and arg in {s.value for s in Status}:
            return self.form.on_status(msg, draft, Status(arg))
        if action == "p":
            return self.form.on_percent_text(msg, draft, "bỏ qua" if arg == "skip" else arg)
        if action == "a" and arg == "skip":
            return self.form.to_confirm(msg, member, replace(draft, file=None))
        if action == "c":
            return self.form.on_confirm(msg, draft, arg)
        return self.form.stale(msg)

    def _prompt(self, msg: Incoming, member: Member, step: Step, draft: ReportDraft, note: str) -> list[Reply]:
        """The current step asked again (after something the step cannot use)."""
        if step is Step.OBLIGATION:
            return self.core.texts(msg, note) + self._show_obligations(msg, member, draft)
        if step is Step.STATUS:
            return self.form.to_status(msg, draft, note)
        if step is Step.CONFIRM:
            return self.form.show_summary(msg, member, draft, note)
        if step is Step.FIX_PICK:
            return self._fix_command(msg, member)
        if step is Step.REPEAT:
            return self._pick(msg, member, draft, draft.key or "")
        return self.core.texts(msg, note)

    # -- which obligation -----------------------------------------------------------------------

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

    def _show_obligations(self, msg: Incoming, member: Member, draft: ReportDraft) -> list[Reply]:
        assert member.unit is not None
        open_ = self._open_obligations(member)
        page = draft.page if draft.page * PAGE_SIZE < len(open_) else 0
        self.form.save(msg, Step.OBLIGATION, replace(draft, page=page))
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

    def _pick(self, msg: Incoming, member: Member, draft: ReportDraft, key: str) -> list[Reply]:
        """An obligation chosen: offer to correct the official's own recent report on it first."""
        assert member.unit is not None
        chosen = find(self._tracked(member), key)
        if chosen is None:
            return self.core.texts(msg, NOT_TRACKED)
        draft = draft.about(chosen)
        previous = self.store.last_for(member.unit.id, key=chosen.key, due=chosen.due)
        if (previous is not None and previous.official_id == member.official_id
                and self.store.correction_problem(previous.id, member.official_id, self.core.now()) is None):
            self.form.save(msg, Step.REPEAT, draft)
            text = (f"Bạn đã báo cáo việc này lúc {clock_and_day(previous.submitted_at)} (báo cáo số {previous.id}: "
                    f"{status_text(previous.status, previous.percent)}). Sửa báo cáo đó hay gửi báo cáo mới?")
            rows = ((Button("Sửa báo cáo trước", ReportStep("fix", str(previous.id)).pack()),),
                    (Button("Gửi báo cáo mới", ReportStep("new").pack()),))
            return self.core.choices(msg, text, rows)
        return self.form.to_status(msg, draft)

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
        return self.form.to_status(msg, self._new_draft(member).about(chosen))

    def _start_fix(self, msg: Incoming, member: Member, report_id: int) -> list[Reply]:
        """Correct an earlier report: the same obligation, everything else asked again."""
        assert member.unit is not None
        previous = self.store.get(report_id)
        if previous is None or previous.unit_id != member.unit.id:
            # Another unit's report is not even acknowledged to exist.
            return self.core.texts(msg, FIX_REFUSED[CorrectionProblem.NOT_FOUND].format(number=report_id))
        problem = self.store.correction_problem(report_id, member.official_id, self.core.now())
        if problem is not None:
            return self.core.texts(msg, FIX_REFUSED[problem].format(number=report_id, window=self.form.window()))
        draft = replace(self._new_draft(member), key=previous.obligation_key, title=previous.title,
                        doc=previous.doc_number, due=previous.due_date, corrects=previous.id)
        intro = (f"Sửa báo cáo số {previous.id} (gửi lúc {clock_and_day(previous.submitted_at)}): "
                 f"{status_text(previous.status, previous.percent)}"
                 + (f"; «{clip(previous.text, 200)}»" if previous.text else "") + ".")
        return self.form.to_status(msg, draft, intro)

    def _on_title(self, msg: Incoming, draft: ReportDraft, text: str) -> list[Reply]:
        title = " ".join(printable(text).split())
        if not title:
            return self.core.texts(msg, TITLE_EMPTY)
        if len(title) > TITLE_MAX:
            return self.core.texts(msg, TITLE_TOO_LONG.format(length=len(title), limit=TITLE_MAX))
        return self.form.to_status(msg, replace(draft, key=None, title=title, doc=None, due=None))

    def _new_draft(self, member: Member) -> ReportDraft:
        assert member.unit is not None
        return ReportDraft.start(member.unit.id, member.official_id)


def _fix_label(report: StoredReport) -> str:
    return f"Số {report.id} · {clip(report.title, 50)} · {clock_and_day(report.submitted_at)}"
