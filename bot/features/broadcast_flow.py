"""/thongbao: an admin writes an announcement, picks who gets it, previews, confirms.

The dialog lives in the database (kind "broadcast", its step one of `Step`), so any worker
continues it. Confirming only plans the outbox rows (`bot.services.broadcasts.plan_broadcast`);
the delivery engine sends them and reports back to the admin's chat.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.services.broadcasts import AudienceError, audience_recipients, plan_broadcast
from bot.db.dialogs import DialogState
from bot.db.outbox import Outbox
from bot.db.people import Role
from bot.retrieval.listings import day
from bot.core.access import ButtonRule, refusal
from bot.core.callback import CallbackData, CallbackDataError
from bot.core.messages import TELEGRAM, ZALO, Button, Command, Incoming, Reply
from bot.services.obligations import find, tracked_obligations

if TYPE_CHECKING:
    from bot.core.assistant import Assistant
    from bot.config import Settings
    from bot.db.people import Member
    from bot.services.obligations import TrackedObligation

KIND = "broadcast"
MAX_UNITS = 30        # units offered as buttons; beyond that the code is typed
MAX_OBLIGATIONS = 15  # obligations offered as buttons
EXPIRED = "Lựa chọn này không còn hiệu lực. Gõ /thongbao để soạn thông báo mới."
ASK_TEXT = (f"Soạn thông báo: gửi nội dung trong một tin (tối đa {TELEGRAM.max_text} ký tự; trên Zalo mỗi "
            f"tin tối đa {ZALO.max_text} ký tự, tin dài hơn sẽ tới người nhận thành nhiều phần). "
            "Gõ /huy để bỏ.")
ASK_AUDIENCE = "Gửi thông báo cho ai?"


class Step(StrEnum):
    """Where the dialog is; the value is what the dialog row stores."""

    TEXT = "text"              # waiting for the announcement's text
    AUDIENCE = "audience"      # who gets it?
    UNIT = "unit"              # which unit (typed code or a button)
    OBLIGATION = "obligation"  # the units that have not reported on which task
    CONFIRM = "confirm"        # the preview, «Gửi» or «Hủy»


@dataclass(frozen=True)
class BroadcastStep(CallbackData, prefix="tb"):
    """A choice in the /thongbao dialog: the audience, a unit, an obligation, send or cancel."""

    action: str
    arg: str = ""


AUDIENCES = ((Button("Tất cả cán bộ", BroadcastStep("aud", "all").pack()),),
             (Button("Một đơn vị", BroadcastStep("aud", "unit").pack()),),
             (Button("Đơn vị chưa báo cáo về một nhiệm vụ", BroadcastStep("aud", "missing").pack()),))
CONFIRM = ((Button("✅ Gửi", BroadcastStep("send").pack()), Button("✖️ Hủy", BroadcastStep("cancel").pack())),)


class BroadcastFlow:
    """The /thongbao dialog (admins only)."""

    def __init__(self, core: "Assistant", settings: "Settings", outbox: Outbox) -> None:
        assert core.people is not None, "broadcasts need the people store"
        self.core = core
        self.people = core.people
        self.outbox = outbox
        self.past_days = settings.reports.past_days
        self.commands = {"thongbao": self._start}
        self.buttons = {"tb": self._button}
        self.dialogs = {KIND: self._continue}
        self.menu = [Command("thongbao", "Gửi thông báo tới cán bộ, một đơn vị hoặc đơn vị chưa báo cáo",
                             (Role.ADMIN.value,), private_only=True)]
        self.button_rules = [ButtonRule("tb", (Role.ADMIN.value,), private_only=True)]

    # -- entry points ---------------------------------------------------------------------------

    def _start(self, msg: Incoming, member: "Member | None") -> list[Reply]:
        if msg.text.strip():  # "/thongbao <nội dung>" skips the first question
            return self._take_text(msg, msg.text)
        self.core.save_dialog(msg, _state(Step.TEXT))
        return self.core.texts(msg, ASK_TEXT)

    def _continue(self, msg: Incoming, member: "Member | None", state: DialogState) -> list[Reply]:
        """A typed message while the dialog waits: the text, a unit code, or a nudge."""
        refused = refusal(self.menu[0], msg, member)  # a role taken away mid-dialog
        if refused:
            self.core.end_dialog(msg)
            return self.core.texts(msg, refused)
        step = _step(state)
        if step is Step.TEXT:
            return self._take_text(msg, msg.text)
        if step is Step.UNIT:
            return self._take_unit(msg, state, msg.text)
        if step is Step.CONFIRM:
            return self._preview(msg, state, state.data["audience"])
        return self.core.choices(msg, "Bạn chọn một trong các lựa chọn dưới đây (hoặc gõ /huy để bỏ).",
                                 self._rows_for(state))

    def _button(self, msg: Incoming, member: "Member | None", data: str) -> list[Reply]:
        state = self.core.dialog(msg)
        if state is None or state.kind != KIND or "text" not in state.data:
            return self._notice(msg, EXPIRED)
        try:
            step = BroadcastStep.unpack(data)
        except CallbackDataError:
            return self._notice(msg, EXPIRED)
        action, arg = step.action, step.arg
        if action == "aud":
            return self._choose_audience(msg, state, arg)
        if action == "unit" and arg and ":" not in arg:
            return self._take_unit(msg, state, arg)
        if action == "ob" and arg.count(":") == 1:
            return self._preview(msg, state, f"missing:{arg}")
        if action == "send" and _step(state) is Step.CONFIRM:
            return self._send(msg, member, state)
        if action == "cancel":
            self.core.end_dialog(msg)
            return self.core.texts(msg, "Đã hủy thông báo, không gửi gì.")
        return self._notice(msg, EXPIRED)

    # -- steps ----------------------------------------------------------------------------------

    def _take_text(self, msg: Incoming, typed: str) -> list[Reply]:
        text = typed.strip()
        if not text:
            self.core.save_dialog(msg, _state(Step.TEXT))
            return self.core.texts(msg, ASK_TEXT)
        if len(text) > TELEGRAM.max_text:
            self.core.save_dialog(msg, _state(Step.TEXT))
            return self.core.texts(msg, f"Nội dung dài {len(text)} ký tự, quá giới hạn {TELEGRAM.max_text} ký tự "
                                        "của một tin Telegram. Bạn rút gọn rồi gửi lại (gõ /huy để bỏ).")
        self.core.save_dialog(msg, _state(Step.AUDIENCE, text))
        return self.core.choices(msg, ASK_AUDIENCE, AUDIENCES)

    def _choose_audience(self, msg: Incoming, state: DialogState, choice: str) -> list[Reply]:
        if choice == "all":
            return self._preview(msg, state, "all")
        if choice == "unit":
            state = _state(Step.UNIT, state.data["text"])
            self.core.save_dialog(msg, state)
            units = [u for u in self.people.units() if u.active]
            if not units:
                self.core.save_dialog(msg, _state(Step.AUDIENCE, state.data["text"]))
                return self.core.choices(msg, "Chưa có đơn vị nào. Chọn đối tượng khác:", AUDIENCES)
            return self.core.choices(msg, "Gõ mã đơn vị, hoặc chọn một đơn vị:", self._rows_for(state))
        if choice == "missing":
            state = _state(Step.OBLIGATION, state.data["text"])
            if not self._obligations():
                return self.core.choices(msg, "Không có nhiệm vụ nào đang theo dõi. Chọn đối tượng khác:",
                                         AUDIENCES)
            self.core.save_dialog(msg, state)
            return self.core.choices(msg, "Gửi cho các đơn vị chưa báo cáo về nhiệm vụ nào?", self._rows_for(state))
        self.core.save_dialog(msg, _state(Step.AUDIENCE, state.data["text"]))
        return self.core.choices(msg, ASK_AUDIENCE, AUDIENCES)

    def _take_unit(self, msg: Incoming, state: DialogState, code: str) -> list[Reply]:
        unit = self.people.unit(code) if code.strip() else None
        if unit is None or not unit.active:
            return self.core.choices(msg, f"Không có đơn vị mã «{code.strip()}». Gõ lại mã, hoặc chọn:",
                                     self._rows_for(state))
        return self._preview(msg, state, f"unit:{unit.code}")

    def _preview(self, msg: Incoming, state: DialogState, audience: str) -> list[Reply]:
        text = state.data["text"]
        try:
            recipients = audience_recipients(self.people, audience)
        except AudienceError as exc:
            self.core.save_dialog(msg, _state(Step.AUDIENCE, text))
            return self.core.choices(msg, f"{exc} Chọn đối tượng khác:", AUDIENCES)
        if not recipients:
            self.core.save_dialog(msg, _state(Step.AUDIENCE, text))
            return self.core.choices(msg, f"Không có cán bộ nào nhận ({self._audience_name(audience)}). "
                                          "Chọn đối tượng khác:", AUDIENCES)
        self.core.save_dialog(msg, _state(Step.CONFIRM, text, audience))
        lines = ["Xem trước thông báo:", "", text, "",
                 f"Gửi tới: {self._audience_name(audience)} — {len(recipients)} cán bộ."]
        zalo = sum(1 for r in recipients if r.channel == ZALO.name)
        if zalo and len(text) > ZALO.max_text:
            lines.append(f"{zalo} người nhận qua Zalo sẽ nhận thành nhiều phần (Zalo tối đa {ZALO.max_text} ký tự/tin).")
        lines.append("Bấm «Gửi» để gửi, «Hủy» để bỏ.")
        return self.core.choices(msg, "\n".join(lines), CONFIRM)

    def _send(self, msg: Incoming, member: "Member", state: DialogState) -> list[Reply]:
        # Ending the dialog first makes a double tap (or a second worker) send nothing twice.
        if not self.core.end_dialog(msg):
            return self._notice(msg, EXPIRED)
        try:
            _, count = plan_broadcast(self.outbox, self.people, state.data["text"], state.data["audience"],
                                      created_by=member.official_id, report_to=(msg.channel.name, msg.chat_id))
        except AudienceError as exc:
            return self.core.texts(msg, f"{exc} Thông báo chưa được gửi; gõ /thongbao để soạn lại.")
        return self.core.texts(msg, f"Đã xếp {count} tin vào hàng gửi; báo cáo kết quả sẽ gửi cho bạn khi xong.")

    # -- helpers --------------------------------------------------------------------------------

    def _rows_for(self, state: DialogState) -> tuple[tuple[Button, ...], ...]:
        """The choices of the step the dialog is at."""
        step = _step(state)
        if step is Step.UNIT:
            units = [u for u in self.people.units() if u.active][:MAX_UNITS]
            return tuple((Button(f"{u.code} — {u.name}"[:60], BroadcastStep("unit", u.code).pack()),) for u in units)
        if step is Step.OBLIGATION:
            today = self.core.today()
            return tuple((Button(f"{o.title(48)} — hạn {day(o.due)}" + (" (đã qua)" if o.due < today else ""),
                                 BroadcastStep("ob", f"{o.key}:{o.due.isoformat()}").pack()),)
                         for o in self._obligations())
        if step is Step.CONFIRM:
            return CONFIRM
        return AUDIENCES

    def _tracked(self) -> "list[TrackedObligation]":
        assert self.core.tasks is not None
        return tracked_obligations(self.core.tasks, self.core.today(), self.past_days)

    def _obligations(self) -> "list[TrackedObligation]":
        """Upcoming deadlines nearest first, then those just missed, most recent first."""
        today = self.core.today()
        tracked = self._tracked()
        upcoming = [o for o in tracked if o.due >= today]
        missed = [o for o in reversed(tracked) if o.due < today]
        return (upcoming + missed)[:MAX_OBLIGATIONS]

    def _audience_name(self, audience: str) -> str:
        kind, _, rest = audience.partition(":")
        if kind == "unit":
            unit = self.people.unit(rest)
            return f"đơn vị {rest}" + (f" ({unit.name})" if unit else "")
        if kind == "missing":
            key, _, due = rest.partition(":")
            found = find(self._tracked(), key)
            title = f"«{found.title(90)}»" if found else "nhiệm vụ đã chọn"
            return f"các đơn vị chưa báo cáo về {title} (hạn {day(date.fromisoformat(due))})"
        return "tất cả cán bộ"

    def _notice(self, msg: Incoming, text: str) -> list[Reply]:
        return [Reply(notice=text)] if msg.channel.buttons else self.core.texts(msg, text)


def _state(step: Step, text: str | None = None, audience: str | None = None) -> DialogState:
    """The dialog row at this step, with the text and audience chosen so far."""
    data = {"text": text, "audience": audience}
    return DialogState(KIND, step.value, {k: v for k, v in data.items() if v is not None})


def _step(state: DialogState) -> Step | None:
    """The step a dialog row is at (None for a step this version does not know)."""
    try:
        return Step(state.step)
    except ValueError:
        return None
