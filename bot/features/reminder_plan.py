"""The planned reminders as chat messages: what each says, its buttons, and the outbox row.

Which reminders are due, for whom and when is `bot.services.reminder_plan.ReminderPlan`
(chat-free); `ReminderPlanner` is that plan writing each due reminder to the outbox with its
text and its buttons («📝 Báo cáo ngay» for reporters, «🔕 Tắt nhắc việc này» for everyone).
Each row's dedupe key is the plan's, so a tick run twice, on several workers or after a restart
sends nothing twice.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from bot.core.callback import CallbackData
from bot.core.clock import VIETNAM
from bot.core.messages import Button
from bot.db.outbox import Outbox
from bot.db.outbox_rows import NewMessage
from bot.db.report_status import STATUS_LABELS, Status
from bot.features.report_parts import StartReport
from bot.retrieval.listings import day, document_name, rhythm
from bot.services.obligations import TrackedObligation
from bot.services.reminder_plan import DueReminder, Occurrence, ReminderPlan, Slot, aware

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.db.facts import DocumentRef, FactStore
    from bot.db.people import PeopleStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mute(CallbackData, prefix="nn:mute"):
    """🔕: no more reminders of this obligation ("*": of any)."""

    key: str


@dataclass(frozen=True)
class Unmute(CallbackData, prefix="nn:unmute"):
    """🔔: reminders of this obligation again ("": every mute lifted)."""

    key: str = ""


class ReminderPlanner(ReminderPlan):
    """The reminder plan, enqueued as chat messages: one per official and reminder due."""

    def __init__(self, engine: Engine, facts: "FactStore", people: "PeopleStore", outbox: Outbox,
                 settings: "Settings", *, grace: timedelta | None = None) -> None:
        super().__init__(engine, facts, people, settings, grace=grace)
        self.outbox = outbox

    def tick(self, now: datetime) -> int:
        """Enqueue the reminders due at `now` that are not planned yet; how many are new."""
        if not self.running():
            return 0
        now = aware(now)
        due = self.due(now)
        if not due:
            return 0
        today = now.astimezone(VIETNAM).date()
        added = self.outbox.enqueue([reminder_message(r, today) for r in due])
        if added:
            log.info("reminders: %d new messages for %d deadlines", added,
                     len({(r.occurrence.key, r.occurrence.due, r.slot.label) for r in due}))
        return added


def reminder_message(reminder: DueReminder, today: date) -> NewMessage:
    """The outbox row of one reminder. Where there are no buttons (Zalo) the delivery engine
    turns them into numbered choices; readers cannot report: they get only the mute button."""
    occurrence, recipient = reminder.occurrence, reminder.recipient
    text = reminder_text(occurrence, reminder.slot, reminder.doc, reminder.status, today)
    # The date tells the report flow which deadline (a missed recurring one has rolled on).
    report = (((Button("📝 Báo cáo ngay", StartReport(occurrence.key, occurrence.due).pack()),),)
              if reminder.can_report else ())
    buttons = (*report, (Button("🔕 Tắt nhắc việc này", Mute(occurrence.key).pack()),))
    return NewMessage(reminder.dedupe_key, recipient.channel, recipient.chat_id, text, buttons,
                      official_id=recipient.official_id)


def days_phrase(due: date, today: date) -> str:
    left = (due - today).days
    if left > 0:
        return f"còn {left} ngày"
    return "hôm nay là hạn cuối" if left == 0 else f"đã quá hạn {-left} ngày"


def source_name(obligation: TrackedObligation, doc: "DocumentRef | None") -> str:
    """"Kế hoạch 0125/KH-UBND, mục V > 2" — the document and the section the duty is in."""
    name = document_name(doc) if doc else (obligation.doc_number or obligation.source)
    return name + (f", mục {obligation.section}" if obligation.section else "")


def reminder_text(occurrence: Occurrence, slot: Slot, doc: "DocumentRef | None", status: Status | None,
                  today: date) -> str:
    """The reminder an official reads: what, by when, from which document, where they stand."""
    o, due = occurrence.obligation, occurrence.due
    phrase = days_phrase(due, today)
    if slot.offset is None or due < today:
        head = f"⚠️ Quá hạn: {o.title(300)}"
    else:
        head = f"⏰ Nhắc việc: {o.title(300)}"
    repeat = rhythm(o.deadline)
    lines = [head,
             f"Hạn: {day(due)} — {phrase}" + (f" (nhắc lại {repeat})" if repeat else ""),
             f"Theo: {source_name(o, doc)} («{o.deadline.text}»)"]
    if status is None:
        lines.append("Đơn vị của bạn chưa gửi báo cáo về việc này.")
    else:
        lines.append(f"Báo cáo gần nhất của đơn vị: {STATUS_LABELS[status]}.")
    return "\n".join(lines)
