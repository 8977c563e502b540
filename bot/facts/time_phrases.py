"""Time phrases a task may carry besides deadlines.

"vào ngày 19/12/2025", "trong năm 2025", "trong tháng 11 năm 2025", "hằng năm", "định kỳ", "đúng thời hạn": not
deadline cues (`bot.facts.deadlines` leaves them, they also date events and background), but a
task sentence that carries one has its date or period there. Also a date merely mentioned (a
cited document's) and a table cell that holds only a year.
"""
from __future__ import annotations

import calendar
import math
import re
import unicodedata
from dataclasses import replace
from datetime import date

from bot.facts.deadlines import FoundDeadline
from bot.facts.model import Deadline, DeadlineKind

__all__ = ["cell_deadline", "cell_duration", "is_mention", "loose_deadlines", "undated_mention"]

_I = re.IGNORECASE

_WORD_OR_NUM_DATE = (r"(?:ngày\s+)?(?P<d>\d{1,2})(?:\s*[/.-]\s*|\s+tháng\s+)(?P<m>\d{1,2})"
                     r"(?:\s*[/.-]\s*|\s*,?\s*năm\s+)(?P<y>20\d\d)")
_ON_DATE = re.compile(rf"(?:vào|trong|đến\s+hết|đến)\s+(?:ngày\s+)?{_WORD_OR_NUM_DATE}(?!\d)", _I)
_IN_PERIOD = re.compile(
    r"(?:trong|vào|đến\s+hết|hết|cuối|xong\s+trong)\s+(?:năm\s+(?P<y>20\d\d)"
    r"|tháng\s+(?P<m>\d{1,2})(?:\s*/\s*|\s+năm\s+)(?P<ym>20\d\d)"
    r"|quý\s+(?P<q>IV|I{1,3}|[1-4])(?:\s*/\s*|\s+năm\s+)(?P<yq>20\d\d))(?!\d)", _I)
# «Năm 2025 và các năm tiếp theo»: work that starts in a year and goes on, due by that year's end; not a yearly
# duty with a day to remind of.
_FROM_YEAR_ON = re.compile(r"(?<!\w)năm\s+(?P<y>20\d\d)\s+và\s+các\s+năm\s+(?:tiếp\s+theo|sau)", _I)
# "2026", "Năm 2026", a span of years "2026 - 2030", "Năm 2025-2030" (due at the end of its last year).
# «đúng thời hạn», «đúng hạn»: a duty's time is the one its rules set, with no date of its own.
_ON_TIME = re.compile(r"(?<!\w)đúng\s+(?:thời\s+)?hạn(?!\w)", _I)
_YEAR_CELL = re.compile(r"^(?:năm\s+|giai\s+đoạn\s+)?(?:20\d\d\s*[-–]\s*)?(?P<y>20\d\d)$", _I)
# Most specific first: "định kỳ hàng quý" is quarterly, a bare "định kỳ" has no known period.
# (not a kind of leave: «nghỉ phép hằng năm» is annual leave, no duty's period)
_EVERY = (re.compile(r"(?<!phép\s)(?:hằng|hàng|mỗi)\s+(?P<unit>năm|quý|tháng|tuần|ngày)"
                     r"|(?:của|trong)\s+(?P<unit2>năm)\s+(?:liền\s+kề|tiếp\s+theo|sau|kế\s+hoạch)", _I),
          # not a date: "ngày 06 tháng 11 năm 2025"
          # nor the start of a range or an age: «trẻ từ 06 tháng đến 36 tháng tuổi»
          re.compile(r"(?<!\d)(?<!ngày\s)(?<!từ\s)(?P<six>6|06)\s+tháng(?!\s+\d|\s+tuổi)", _I), re.compile(r"định\s+kỳ", _I))
# A daily routine («báo cáo hằng ngày») is kept without a period: it has no date to remind of.
_EVERY_PERIOD = {"năm": (12, None), "quý": (3, None), "tháng": (1, None), "tuần": (None, 7), "ngày": (None, None)}
_QUARTER_END = {"I": 3, "II": 6, "III": 9, "IV": 12, "1": 3, "2": 6, "3": 9, "4": 12}


def loose_deadlines(sentence: str, issued: date | None) -> list[FoundDeadline]:
    """Dates and periods of a sentence that are no deadline by their words alone; the first of
    each kind found. Past dates (before the issue date) are left out."""
    text = unicodedata.normalize("NFC", sentence)
    out: list[FoundDeadline] = []
    for match in list(_ON_DATE.finditer(text)) + list(_IN_PERIOD.finditer(text)) + list(_FROM_YEAR_ON.finditer(text)):
        due = _period_end(match)
        if due and (issued is None or due >= issued):
            out.append(_loose(text, match, Deadline(DeadlineKind.ABSOLUTE, "", due=due)))
            break
    on_time = _ON_TIME.search(text)
    if on_time and not out:
        out.append(_loose(text, on_time, Deadline(DeadlineKind.ABSOLUTE, "")))
    specific = [m for m in (regex.search(text) for regex in _EVERY[:-1]) if m]
    bare = _EVERY[-1].search(text)
    every = min(specific, key=lambda m: m.start()) if specific else bare
    if bare and every is not bare and bare.start() < every.start() and ";" in text[bare.end():every.start()]:
        # «Định kỳ hoặc đột xuất báo cáo …; đồng thời xây dựng kế hoạch … của năm tiếp theo»: the period of
        # another clause is not the recurrence of the «định kỳ» duty
        every = bare
    if every:
        groups = every.groupdict()
        unit = (groups.get("unit") or groups.get("unit2") or "").lower()
        months, days = _EVERY_PERIOD.get(unit, (6 if groups.get("six") else None, None))
        out.append(_loose(text, every, Deadline(DeadlineKind.PERIODIC, "", period_months=months,
                                                 period_days=days)))
    return sorted(out, key=lambda f: f.start)


_ANY_DATE = re.compile(r"\b\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*20\d\d\b|ngày\s+\d{1,2}\s+tháng|tháng\s+\d{1,2}(?:\s*/\s*|\s+năm\s+)20\d\d"
                       r"|năm\s+20\d\d", _I)


def is_mention(found: FoundDeadline) -> bool:
    """A date mentioned, not a deadline (see `undated_mention`)."""
    return not found.deadline.text and found.deadline.kind is DeadlineKind.ABSOLUTE and found.deadline.due is None


def undated_mention(sentence: str) -> list[FoundDeadline]:
    """A date the sentence mentions without making it a deadline (a cited document's date, a
    past one): the sentence may still be a task, without a due date."""
    text = unicodedata.normalize("NFC", sentence)
    match = _ANY_DATE.search(text)
    if match is None:
        return []
    return [FoundDeadline(match.start(), match.end(), Deadline(DeadlineKind.ABSOLUTE, ""))]


# A step's duration in a procedure's table: «04 giờ làm việc», «0,5 ngày», «1/2 ngày», «112 giờ» (a
# procedure's hours are working hours, eight to a day).
_DURATION_CELL = re.compile(r"^(?P<n>\d{1,3}(?:,\d{1,2})?)(?:/(?P<d>[248]))?\s*(?P<unit>giờ|ngày)(?P<work>\s+làm\s+việc)?$", _I)
WORKING_HOURS = 8


def cell_duration(cell: str) -> list[FoundDeadline]:
    """A table cell that holds only a step's duration: due that many (working) days after the step starts."""
    match = _DURATION_CELL.match(cell.strip(" *."))
    if match is None:
        return []
    number = float(match.group("n").replace(",", ".")) / int(match.group("d") or 1)
    days = math.ceil(number / WORKING_HOURS if match.group("unit").lower() == "giờ" else number)
    return [FoundDeadline(0, len(cell), Deadline(DeadlineKind.RELATIVE, cell.strip(" *."), offset_days=days))]


def cell_deadline(cell: str, issued: date | None) -> list[FoundDeadline]:
    """A table cell that holds only a year ("2025", "Năm 2026") or a span of years ("2026 - 2030")
    falls due at the end of its (last) year."""
    match = _YEAR_CELL.match(cell.strip(" *."))
    if match is None:
        return []
    due = date(int(match.group("y")), 12, 31)
    return [] if issued and due < issued else [FoundDeadline(0, len(cell), Deadline(
        DeadlineKind.ABSOLUTE, cell.strip(" *."), due=due))]


def _period_end(match: re.Match[str]) -> date | None:
    groups = match.groupdict()
    try:
        if groups.get("d"):
            return date(int(groups["y"]), int(groups["m"]), int(groups["d"]))
        if groups.get("m"):
            month = int(groups["m"])
            return date(int(groups["ym"]), month, calendar.monthrange(int(groups["ym"]), month)[1])
        if groups.get("q"):
            month = _QUARTER_END[groups["q"].upper()]
            return date(int(groups["yq"]), month, calendar.monthrange(int(groups["yq"]), month)[1])
        return date(int(groups["y"]), 12, 31)
    except ValueError:
        return None


def _loose(text: str, match: re.Match[str], deadline: Deadline) -> FoundDeadline:
    return FoundDeadline(match.start(), match.end(), replace(deadline, text=match.group().strip()))
