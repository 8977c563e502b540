"""The shapes of extracted facts: obligations with deadlines, and criteria lists."""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class DeadlineKind(StrEnum):
    ABSOLUTE = "absolute"    # "trước ngày 31/3/2026"
    RECURRING = "recurring"  # "trước ngày 15 tháng 11 hằng năm"
    PERIODIC = "periodic"    # "định kỳ 6 tháng", "hằng quý", "hằng tháng"
    RELATIVE = "relative"    # "trong thời hạn 10 ngày kể từ ngày ban hành"


@dataclass(frozen=True)
class Deadline:
    """A deadline as stated, and normalised as far as the text allows."""

    kind: DeadlineKind
    text: str                         # the words of the text, e.g. "trước ngày 31/3/2026"
    due: date | None = None           # ABSOLUTE; RELATIVE once resolved against its anchor
    day: int | None = None            # RECURRING (and PERIODIC when the text names the day)
    month: int | None = None          # RECURRING
    period_months: int | None = None  # PERIODIC: 1 monthly, 3 quarterly, 6, 12 yearly; RECURRING: 3 or 6 for
                                      # the day of a quarterly or six-monthly report («06 tháng (trước ngày 20/6)»)
    period_days: int | None = None    # PERIODIC: 7 weekly
    offset_days: int | None = None    # RELATIVE: "10 ngày"
    anchor: str | None = None         # RELATIVE: "ngày ban hành", "ngày ký", "khi kết thúc đợt"...
    estimated: bool = False           # RELATIVE from "ngày nhận": due = issue date + delivery margin + N

    @property
    def recurrence(self) -> str | None:
        """"yearly", "semiannual", "quarterly", "monthly", "weekly", or None for a one-off (or an
        unusual period such as every 2 months)."""
        if self.kind is DeadlineKind.RECURRING:
            return _RECURRENCE_BY_MONTHS.get(self.period_months or 12, "yearly")
        if self.kind is DeadlineKind.PERIODIC:
            if self.period_days == 7:
                return "weekly"
            return _RECURRENCE_BY_MONTHS.get(self.period_months or 0)
        return None

    def next_due(self, today: date) -> date | None:
        """The next concrete date on or after today, where the text makes one knowable.

        A periodic deadline with a day falls at the end of each period (quarterly: months
        3, 6, 9, 12; six-monthly: 6 and 12); without a day there is no date to give.
        """
        if self.kind in (DeadlineKind.ABSOLUTE, DeadlineKind.RELATIVE):
            return self.due if self.due and self.due >= today else None
        if self.kind is DeadlineKind.RECURRING and self.day and self.month:
            this_year = _on_day(today.year, self.month, self.day)
            return this_year if this_year >= today else _on_day(today.year + 1, self.month, self.day)
        if self.kind is DeadlineKind.PERIODIC and self.day and self.period_months:
            year, month = today.year, today.month
            for _ in range(13):
                if month % self.period_months == 0 or self.period_months == 1:
                    due = _on_day(year, month, self.day)
                    if due >= today:
                        return due
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return None


_RECURRENCE_BY_MONTHS = {1: "monthly", 3: "quarterly", 6: "semiannual", 12: "yearly"}


def _on_day(year: int, month: int, day: int) -> date:
    """The day in that month, clamped to its last day (29/2 in a common year is 28/2)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


class NotTask(StrEnum):
    """Why a dated sentence assigns nobody anything."""

    LEGAL_CONDITION = "legal_condition"  # "… đóng bảo hiểm trước ngày 01/01/1995"
    EFFECTIVE_DATE = "effective_date"    # "có hiệu lực kể từ ngày …", "áp dụng từ …"
    DOCUMENT_DATE = "document_date"      # the document's own issue or signing date
    PAST_EVENT = "past_event"            # "đã tổ chức …", "năm 2024 …"
    PERIOD_APPLIES = "period_applies"    # "từ ngày … đến ngày …", "trong thời gian …"
    BUDGET = "budget"                    # "Kinh phí … hằng năm"
    RULE = "rule"                        # "Thời điểm đánh giá … trước ngày 15/12 hằng năm"
    SCHEDULE = "schedule"                # the issuer's own timetable: "Thời gian kiểm tra: …"
    BACKGROUND = "background"            # citations, forecasts, targets: "Căn cứ Luật … ngày …"


@dataclass(frozen=True)
class Obligation:
    """A dated sentence read as a task (or not), with its source.

    `actor` is the unit the sentence, its item or the nearest unit heading names; `lead` and
    `coordinate` split it the way «A chủ trì, phối hợp với B, C» does (lead A, coordinating B, C).
    """

    action: str          # "gửi báo cáo kết quả về Sở Nội vụ"
    deadline: Deadline
    quote: str           # the sentence it was read from, as in the text
    section: str = ""    # section path, e.g. "V. Tổ chức thực hiện > 2."
    actor: str | None = None  # "UBND các xã, phường" when the text says who
    is_task: bool = True
    not_task: NotTask | None = None  # the reason, when is_task is False
    lead: str | None = None
    coordinate: tuple[str, ...] = ()

    @property
    def recurrence(self) -> str | None:
        return self.deadline.recurrence


class ListKind(StrEnum):
    CRITERIA = "tiêu chí"
    STANDARDS = "tiêu chuẩn"
    CONDITIONS = "điều kiện"
    REWARDS = "hình thức khen thưởng"


@dataclass(frozen=True)
class CriteriaList:
    """A list of criteria, standards, conditions or reward forms, as the text gives it."""

    kind: ListKind
    heading: str                    # the line that introduces the list
    items: tuple[str, ...]
    section: str = ""


@dataclass(frozen=True)
class DocumentFacts:
    obligations: tuple[Obligation, ...] = field(default_factory=tuple)
    lists: tuple[CriteriaList, ...] = field(default_factory=tuple)
