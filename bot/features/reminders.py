"""The chat commands around reminders: /tatnhacnho, /batnhacnho and the 🔕 button for officials;
/lichnhac for admins. The planning itself is `bot.services.reminder_plan`; the reminders as
chat messages are `bot.features.reminder_plan`."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from bot.core.access import OFFICIALS, ButtonRule
from bot.core.callback import CallbackDataError
from bot.core.clock import VIETNAM
from bot.core.messages import Button, Command, Incoming, Reply
from bot.core.numbers import whole_number
from bot.db.people import Role
from bot.features.reminder_plan import Mute, Unmute
from bot.retrieval.listings import day, document_name
from bot.retrieval.vietnamese import fold
from bot.services.obligations import TrackedObligation, find
from bot.services.reminder_plan import ALL, ReminderPlan

if TYPE_CHECKING:
    from bot.core.assistant import Assistant, DialogHandler
    from bot.db.people import Member

MAX_CHOICES = 15  # obligations offered as buttons at once
SCHEDULE_LINES = 20
ALL_WORDS = {"tat ca", "tatca", "all", "*", "het", "tat ca nhiem vu"}
EXPIRED = "Lựa chọn này không còn hiệu lực."
SCHEDULE_USAGE = "Gõ /lichnhac để xem lịch, /lichnhac tamdung để tạm dừng, /lichnhac tieptuc để chạy lại."


class ReminderCommands:
    """/tatnhacnho, /batnhacnho and the 🔕 button for officials; /lichnhac for admins."""

    def __init__(self, core: "Assistant", plan: ReminderPlan) -> None:
        assert core.people is not None, "reminders need the people store"
        self.core = core
        self.planner = plan
        self.store = plan.store
        self.commands = {"tatnhacnho": self._mute_command, "batnhacnho": self._unmute_command,
                         "lichnhac": self._schedule_command}
        self.buttons = {"nn": self._button}
        self.dialogs: dict[str, "DialogHandler"] = {}
        # Personal (one's mutes) or global (the pause switch): never in a group.
        self.menu = [Command("tatnhacnho", "Tắt nhắc việc: /tatnhacnho hoặc /tatnhacnho tất cả", OFFICIALS,
                             private_only=True),
                     Command("batnhacnho", "Bật lại nhắc việc đã tắt", OFFICIALS, private_only=True),
                     Command("lichnhac", "Lịch nhắc việc; /lichnhac tamdung hoặc tieptuc", (Role.ADMIN.value,),
                             private_only=True)]
        self.button_rules = [ButtonRule("nn", OFFICIALS, private_only=True)]

    # -- muting ---------------------------------------------------------------------------------

    def _mute_choices(self, member: "Member") -> list[TrackedObligation]:
        unit_id = member.unit.id if member.unit else None
        return self.planner.open_obligations(self.core.today(), unit_id)[:MAX_CHOICES]

    def _mute_command(self, msg: Incoming, member: "Member | None") -> list[Reply]:
        assert member is not None  # the core lets only officials through
        arg = fold(msg.text.strip())
        options = self._mute_choices(member)
        if arg in ALL_WORDS:
            return self._mute(msg, member, ALL)
        index = whole_number(arg)
        if index is not None and 1 <= index <= len(options) + 1:
            return self._mute(msg, member, ALL if index == len(options) + 1 else options[index - 1].key)
        if arg:
            return self.core.texts(msg, f"Không có lựa chọn «{msg.text.strip()}». Gõ /tatnhacnho để xem "
                                        "danh sách, hoặc /tatnhacnho tất cả.")
        muted = self.store.mutes(member.official_id).get(member.official_id, set())
        if ALL in muted:
            return self.core.texts(msg, "Bạn đang tắt mọi nhắc việc. Gõ /batnhacnho tất cả để bật lại.")
        rows = tuple((Button(_choice_label(o) + (" (đã tắt)" if o.key in muted else ""), Mute(o.key).pack()),)
                     for o in options)
        text = ("Chọn việc bạn không muốn được nhắc nữa, hoặc «Tất cả»:" if options else
                "Đơn vị của bạn không còn việc nào đang được nhắc. Bạn vẫn có thể tắt mọi nhắc việc:")
        return self.core.choices(msg, text, rows + ((Button("🔕 Tất cả", Mute(ALL).pack()),),))

    def _mute(self, msg: Incoming, member: "Member", key: str) -> list[Reply]:
        self.store.mute(member.official_id, key)
        if key == ALL:
            return self._done(msg, "Đã tắt mọi nhắc việc. Gõ /batnhacnho tất cả để bật lại.", "Đã tắt mọi nhắc việc")
        title = self._title(key)
        return self._done(msg, f"Đã tắt nhắc việc «{title}». Gõ /batnhacnho để bật lại.", "Đã tắt nhắc việc này")

    def _unmute_command(self, msg: Incoming, member: "Member | None") -> list[Reply]:
        assert member is not None  # the core lets only officials through
        arg = fold(msg.text.strip())
        muted = sorted(self.store.mutes(member.official_id).get(member.official_id, set()),
                       key=lambda k: (k != ALL, k))
        if not muted:
            return self.core.texts(msg, "Bạn đang nhận mọi nhắc việc; không có nhắc việc nào bị tắt.")
        if arg in ALL_WORDS:
            return self._unmute(msg, member, None)
        index = whole_number(arg)
        if index is not None and 1 <= index <= len(muted) + 1:
            return self._unmute(msg, member, None if index == len(muted) + 1 else muted[index - 1])
        if arg:
            return self.core.texts(msg, f"Không có lựa chọn «{msg.text.strip()}». Gõ /batnhacnho để xem "
                                        "danh sách, hoặc /batnhacnho tất cả.")
        rows = tuple((Button(self._mute_label(k), Unmute(k).pack()),) for k in muted)
        return self.core.choices(msg, "Chọn nhắc việc muốn bật lại:",
                                 rows + ((Button("🔔 Bật lại tất cả", Unmute().pack()),),))

    def _unmute(self, msg: Incoming, member: "Member", key: str | None) -> list[Reply]:
        self.store.unmute(member.official_id, key)
        if key is None:
            return self._done(msg, "Đã bật lại mọi nhắc việc.", "Đã bật lại nhắc việc")
        if key == ALL:
            text = "Đã bật lại nhắc việc (trừ những việc bạn tắt riêng; gõ /batnhacnho để xem)."
        else:
            text = f"Đã bật lại nhắc việc «{self._title(key)}»."
            if ALL in self.store.mutes(member.official_id).get(member.official_id, set()):
                text += " Lưu ý: bạn vẫn đang tắt mọi nhắc việc; gõ /batnhacnho tất cả để bật lại."
        return self._done(msg, text, "Đã bật lại nhắc việc")

    def _button(self, msg: Incoming, member: "Member | None", data: str) -> list[Reply]:
        assert member is not None  # the core lets only officials through
        try:
            if Mute.matches(data) and (mute := Mute.unpack(data)).key:
                return self._mute(msg, member, mute.key)
            if Unmute.matches(data):
                return self._unmute(msg, member, Unmute.unpack(data).key or None)
        except CallbackDataError:
            pass
        return self._done(msg, EXPIRED, EXPIRED)

    def _title(self, key: str) -> str:
        found = find(self.planner.obligations(self.core.today()), key)
        return found.title() if found else "việc này"

    def _mute_label(self, key: str) -> str:
        if key == ALL:
            return "Mọi nhắc việc"
        found = find(self.planner.obligations(self.core.today()), key)
        return _choice_label(found) if found else f"Việc không còn theo dõi ({key[:6]})"

    def _done(self, msg: Incoming, text: str, notice: str) -> list[Reply]:
        """The outcome as text, and as the button's short acknowledgement where there is one."""
        replies = self.core.texts(msg, text)
        if msg.button and msg.channel.buttons:
            replies[0] = replace(replies[0], notice=notice)
        return replies

    # -- the schedule (admins) -------------------------------------------------------------------

    def _schedule_command(self, msg: Incoming, member: "Member | None") -> list[Reply]:
        assert member is not None  # the core lets only admins through
        arg = fold(msg.text).replace(" ", "")
        if arg in ("tamdung", "dung", "pause"):
            return self._set_paused(msg, member, True)
        if arg in ("tieptuc", "chay", "resume"):
            return self._set_paused(msg, member, False)
        if arg:
            return self.core.texts(msg, SCHEDULE_USAGE)
        return self.core.texts(msg, self.schedule_text())

    def _set_paused(self, msg: Incoming, member: "Member", paused: bool) -> list[Reply]:
        if self.store.paused() == paused:
            return self.core.texts(msg, "Nhắc việc đang tạm dừng rồi." if paused else "Nhắc việc đang chạy rồi.")
        self.store.set_paused(paused)
        assert self.core.people is not None
        self.core.people.audit(member.official_id, msg.channel.name, "reminders",
                               "tạm dừng nhắc việc" if paused else "chạy lại nhắc việc")
        if paused:
            return self.core.texts(msg, "Đã tạm dừng nhắc việc: không tin nhắc mới nào được xếp gửi cho đến "
                                        "khi gõ /lichnhac tieptuc. Tin đã xếp hàng trước đó vẫn được gửi.")
        return self.core.texts(msg, "Đã chạy lại nhắc việc. Lời nhắc lỡ trong lúc tạm dừng được gửi nếu "
                                    "chưa quá 24 giờ và chưa đến lời nhắc kế tiếp.")

    def schedule_text(self) -> str:
        config = self.planner.config
        if not config.enabled:
            state = "Nhắc việc đang TẮT trong cấu hình (reminders.enabled)."
        elif self.store.paused():
            state = "Nhắc việc đang TẠM DỪNG. Gõ /lichnhac tieptuc để chạy lại."
        else:
            state = "Nhắc việc đang chạy. Gõ /lichnhac tamdung để tạm dừng."
        lines = [state, rules_text(config.offsets_days, config.hour, config.overdue_days)]
        entries = self.planner.schedule(self.core.now())
        if not entries:
            lines.append("Không có thời hạn nào sắp tới để nhắc.")
            return "\n".join(lines)
        lines.append("Lời nhắc kế tiếp của từng việc:")
        docs = {d.source: d for d in self.core.facts.documents()}
        for i, e in enumerate(entries[:SCHEDULE_LINES], 1):
            o = e.occurrence.obligation
            doc = docs.get(o.source)
            when = e.slot.at.astimezone(VIETNAM)
            kind = "báo quá hạn" if e.slot.offset is None else (
                "đúng ngày hạn" if e.slot.offset == 0 else f"trước {e.slot.offset} ngày")
            lines.append(f"{i}. {o.title(90)} — hạn {day(e.occurrence.due)} ({document_name(doc) if doc else o.source}); "
                         f"nhắc {when:%H:%M} {day(when.date())} ({kind}); "
                         f"{e.open_units}/{e.units} đơn vị chưa hoàn thành")
        if len(entries) > SCHEDULE_LINES:
            lines.append(f"… và {len(entries) - SCHEDULE_LINES} việc khác.")
        return "\n".join(lines)


def rules_text(offsets: list[int], hour: int, overdue_days: int) -> str:
    """"Nhắc lúc 08:00 (giờ Việt Nam), trước hạn 7, 3, 1 ngày và đúng ngày hạn; …"."""
    before = sorted({o for o in offsets if o > 0}, reverse=True)
    parts = [f"trước hạn {', '.join(map(str, before))} ngày"] if before else []
    if 0 in offsets:
        parts.append("đúng ngày hạn")
    text = f"Nhắc lúc {hour:02d}:00 (giờ Việt Nam), {' và '.join(parts) or 'không nhắc trước hạn'}"
    return text + (f"; báo quá hạn sau {overdue_days} ngày." if overdue_days else "; không báo quá hạn.")


def _choice_label(o: TrackedObligation) -> str:
    return f"{o.title(48)} — hạn {day(o.due)}"
