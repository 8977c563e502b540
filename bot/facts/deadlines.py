"""Find and normalise the deadline phrases of one Vietnamese sentence.

Four kinds (see `bot.facts.model.DeadlineKind`):

- absolute: "trước ngày 31/3/2026", "chậm nhất ngày 10 tháng 12 năm 2025", "trước 17 giờ ngày
  5/12/2025"; "hoàn thành trong tháng 12/2025" falls due on the month's last day and "trong quý
  IV/2025" on the quarter's. A date without a year ("trước ngày 20/11") is the next such day on or
  after the document's issue date.
- recurring: a day and month every year: "trước ngày 15 tháng 11 hằng năm", "30/6 của năm", or a
  year-less date in a clause that says "định kỳ hằng năm" / "định kỳ 6 tháng".
- periodic: "định kỳ 6 tháng", "hằng quý", "báo cáo hằng tháng"; with the day where the text names
  it ("trước ngày 20 hằng tháng" → day 20, 1 month; "trước ngày 20 của tháng cuối quý" → 3 months).
  A periodic phrase whose clause also gives the concrete day ("định kỳ hằng năm (trước ngày 15
  tháng 11)") yields only the dated deadline.
- relative: "trong thời hạn 10 ngày kể từ ngày ban hành", "sau 15 ngày kể từ ngày ký", "05 ngày
  làm việc"; resolved against the issue date when the anchor is the document's own issue or
  signing date (working days skip Saturdays and Sundays; public holidays are not known).

A date only counts when a deadline word leads to it ("trước", "chậm nhất", "hạn", "hoàn thành"…):
issue dates, citations ("Quyết định số 12/2025/QĐ-UBND ngày 5/1/2025"), events ("tổ chức vào
ngày …") and periods ("từ ngày … đến ngày …") carry none. Dates before the issue date are
conditions ("đất sử dụng ổn định trước ngày 15/10/1993"), not deadlines, and are dropped too.
"""
from __future__ import annotations

import calendar
import math
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, timedelta

from bot.facts.model import Deadline, DeadlineKind

__all__ = ["FoundDeadline", "find_deadlines", "locate_deadlines"]

_I = re.IGNORECASE

# Words that make a following date a deadline; the match must end right where the date starts.
_CUE = (r"(?:trước|chậm\s+nhất(?:\s+(?:là|vào|đến|trước|trong))*|muộn\s+nhất(?:\s+(?:là|vào))?"
        r"|hạn\s+(?:chót|cuối)(?:\s+là)?|(?:thời\s+)?hạn(?:\s+(?:hoàn\s+thành|nộp|gửi|báo\s+cáo|cuối))?\s*:"
        r"|thời\s+hạn(?:\s+(?:hoàn\s+thành|nộp|gửi|báo\s+cáo))?|thời\s+gian\s+hoàn\s+thành\s*:?"
        r"|hoàn\s+thành(?:\s+xong)?(?:\s+(?:trước|trong|vào))?|xong(?:\s+trước)?|không\s+quá)")
_TIME = r"(?:\d{1,2}\s*(?:giờ|h)\s*(?:\d{1,2}\s*(?:phút)?)?|\d{1,2}:\d{2})"
_CUE_BEFORE_DATE = re.compile(
    rf"{_CUE}[\s(*,]*(?:{_TIME}\s*,?\s*)?(?:(?:hết\s+)?ngày\s*)?$", _I)
_CUE_BEFORE_MONTH = re.compile(rf"{_CUE}[\s(*,]*(?:trong\s+)?$", _I)
_CUE_WINDOW = 60

# Dates: "31/3/2026", "31/03/2026", "20/11", "ngày 10 tháng 12 năm 2025", "ngày 15 tháng 11".
_NUM_DATE = re.compile(
    r"(?<![\d/.,-])(?P<d>\d{1,2})\s?[/.-]\s?(?P<m>\d{1,2})(?:\s?[/.-]\s?(?P<y>\d{4}))?(?![\d/]|[.-]\d)")
_WORD_DATE = re.compile(
    r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})(?:\s*(?:,\s*)?năm\s+(?P<y>\d{4}))?(?!\d)", _I)
_MONTH = re.compile(r"tháng\s+(?P<m>\d{1,2})\s*(?:/\s*|năm\s+)(?P<y>\d{4})(?!\d)", _I)
_QUARTER = re.compile(r"quý\s+(?P<q>IV|I{1,3}|[1-4])\s*(?:/\s*|năm\s+)(?P<y>\d{4})(?!\d)", _I)
# After a year-less date: it comes back every year.
_YEARLY_SUFFIX = re.compile(
    r"\s*\)?\s*,?\s*(?:(?:hằng|hàng|mỗi)\s+năm|(?:của\s+)?năm\s+(?:trước|sau|tiếp\s+theo|kế\s+hoạch"
    r"|báo\s+cáo)|của\s+năm\b)", _I)
# The first or last year of a plan's or programme's period: «trước ngày 31 tháng 12 của năm cuối kỳ kế
# hoạch» falls once in that year, which the text does not name.
_PLAN_YEAR_SUFFIX = re.compile(r"\s*,?\s*(?:của\s+)?năm\s+(?:cuối|đầu)\b", _I)
# A day with a monthly or quarterly period: "ngày 20 hằng tháng", "ngày 20 của tháng cuối quý".
_DAY_MONTHLY = re.compile(r"ngày\s+(?P<d>\d{1,2})\s+(?:của\s+)?(?:(?:hằng|hàng|mỗi)\s+tháng|tháng\s+(?:hằng|hàng))", _I)
_DAY_QUARTERLY = re.compile(
    r"ngày\s+(?P<d>\d{1,2})\s+(?:của\s+)?tháng\s+cuối\s+(?:của\s+)?(?:(?:mỗi|hằng|hàng)\s+)?quý", _I)
# A bare day, to be read with a monthly/quarterly phrase of the same clause: "trước ngày 25".
_BARE_DAY = re.compile(r"(?:trước|chậm\s+nhất(?:\s+(?:là|vào))?)\s+ngày\s+(?P<d>\d{1,2})(?![\d/.]|\s+tháng)", _I)

_UNIT = r"(?:(?P<n>\d{1,2})\s+tháng|(?P<unit>năm|quý|tháng|tuần))"
_UNIT_LIST = rf"{_UNIT}(?:\s*(?:,|và|hoặc)\s*(?:(?:hằng|hàng)\s+)?{_UNIT})*"
_PERIODIC = re.compile(
    rf"định\s+kỳ\s*(?:(?:hằng|hàng|mỗi)\s+)?(?P<units>{_UNIT_LIST.replace('?P<n>', '?:').replace('?P<unit>', '?:')})", _I)
_REPORT_PERIODIC = re.compile(
    r"(?:báo\s+cáo|gửi|tổng\s+hợp|cập\s+nhật|công\s+bố|sơ\s+kết)(?:\s+[^\s,;.:()]+){0,4}?\s+"
    r"(?P<units>(?:hằng|hàng)\s+(?:năm|quý|tháng|tuần))", _I)
_ONE_UNIT = re.compile(_UNIT, _I)

# The number may be spelt out after it: «Trong vòng 20 (hai mươi) ngày làm việc».
_SPELT = r"(?:\s*\([^()\d]{1,30}\))?"
# Where a comma is missing after the anchor, the unit that acts starts a new clause: «… kể từ ngày nhận được hồ
# sơ Sở Khoa học và Công nghệ kiểm tra …» (not a unit the anchor names: «… văn bản đề nghị của Bộ Văn hóa …»).
_UNIT_AFTER = (r"(?<!của)(?<!đến)(?<!cho)(?<!với)(?<!tại)(?<!từ)(?<!về)(?<!và)\s(?=(?-i:Sở|Ủy\s+ban|UBND|Bộ\s+(?!phận)|Phòng|Cục"
               r"|Chi\s+cục|Trung\s+tâm|Văn\s+phòng|Ban)\s)")
_RELATIVE = re.compile(
    r"(?P<cue>trong\s+(?:thời\s+hạn|vòng|thời\s+gian)(?:\s+(?:tối\s+đa|không\s+quá|chậm\s+nhất))?"
    r"|trong|chậm\s+nhất(?:\s+(?:là|sau))?|không\s+quá|tối\s+đa|sau)\s+"
    rf"(?P<n>\d{{1,3}}(?:,5)?){_SPELT}\s+ngày(?P<work>\s+làm\s+việc)?(?!(?:\s+làm\s+việc)?\s+trước\s)"
    r"(?:\s*,?\s*\(?\s*(?:kể\s+từ|tính\s+từ)\s+(?P<anchor>(?:ngày|khi|thời\s+điểm)[^,;.()]{0,70}?)"
    rf"(?=\s*(?:[,;.()]|$|\s(?:các|cơ\s+quan|phải|để|theo|thì|mà)\s)|{_UNIT_AFTER}))?", _I)
_OPEN_CUE = re.compile(r"^trong\s+(?:thời\s+hạn|vòng|thời\s+gian)", _I)
# A span of hours is always a time to act within: «trong 24-48 giờ sau khi nước rút», «trong vòng
# 24 giờ»; due within the days it covers.
_HOURS = re.compile(
    r"(?P<cue>trong(?:\s+(?:thời\s+hạn|vòng|thời\s+gian))?(?:\s+(?:tối\s+đa|không\s+quá|chậm\s+nhất))?"
    rf"|chậm\s+nhất(?:\s+là)?|không\s+quá|tối\s+đa)\s+(?:(?P<low>\d{{1,3}})\s*[-–]\s*)?(?P<n>\d{{1,3}}){_SPELT}\s+giờ(?!\s*\d)"
    r"(?:\s*,?\s*\(?\s*(?:kể\s+từ|tính\s+từ|sau)\s+(?P<anchor>(?:ngày|khi|thời\s+điểm)[^,;.()]{0,70}?)(?=\s*(?:[,;.()]|$)))?", _I)
# A lead time before an event: «Chậm nhất trước 05 ngày người nước ngoài dự kiến vào, ra Cảng …»,
# «gửi hồ sơ đến Sở Nội vụ trước 10 ngày (trừ khen thưởng đột xuất)»: N days before it.
_BEFORE_EVENT = re.compile(
    rf"(?P<cue>(?:(?:chậm|muộn)\s+nhất(?:\s+là)?\s+)?trước)\s+(?P<n>\d{{1,3}}){_SPELT}\s+ngày(?P<work>\s+làm\s+việc)?"
    r"(?:\s*,?\s*(?:so\s+với\s+|kể\s+từ\s+)?(?P<anchor>(?!trừ\b)[^\s,;.()\d][^,;.()]{0,70}?)(?=\s*(?:[,;.()]|$)))?", _I)
# The same lead time said the other way round: «Chậm nhất 90 ngày trước ngày hết thời hạn bổ nhiệm, …», «… chậm
# nhất là 10 ngày trước khi họp», «gửi … ít nhất 03 ngày làm việc trước thời hạn quy định».
_DAYS_BEFORE = re.compile(
    rf"(?P<cue>(?:(?:chậm|muộn)\s+nhất|ít\s+nhất|tối\s+thiểu)(?:\s+là)?)\s+(?P<n>\d{{1,3}}){_SPELT}\s+ngày"
    r"(?P<work>\s+làm\s+việc)?\s+trước\s+(?P<anchor>(?:khi|ngày|thời\s+hạn|thời\s+điểm|kỳ|phiên|cuộc)\b[^,;.()]{0,70}?)"
    r"(?=\s*(?:[,;.()]|$|\s(?:hoặc|thì|để|phải)\s))", _I)
# A time of the next working day: «… phải hoàn thành trước 10 giờ sáng ngày làm việc tiếp theo» (one working day on).
_NEXT_WORKING_DAY = re.compile(
    rf"(?P<cue>trước|chậm\s+nhất(?:\s+(?:là|vào|trước))?)\s+{_TIME}\s*(?:(?:sáng|chiều|trưa)\s+)?(?:của\s+)?"
    r"ngày\s+làm\s+việc\s+(?:tiếp\s+theo|kế\s+tiếp|liền\s+kề)", _I)
_OWN_DATE_ANCHOR = re.compile(
    r"^ngày\s+(?:(?:ký|ban\s+hành)(?:\s+(?:ban\s+hành|và\s+ban\s+hành))?"
    r"(?:\s+(?:kế\s+hoạch|quyết\s+định|chỉ\s+thị|công\s+văn|văn\s+bản|thông\s+báo|công\s+điện|hướng\s+dẫn)\s+này)?"
    r"|(?:kế\s+hoạch|quyết\s+định|chỉ\s+thị|công\s+văn|văn\s+bản|công\s+điện)\s+này\s+(?:được\s+)?(?:ký|ban\s+hành))$", _I)
# "kể từ ngày nhận được kế hoạch / văn bản này": the reader's receipt of this very document.
_RECEIPT_ANCHOR = re.compile(
    r"^ngày\s+nhận(?:\s+được)?(?:\s+(?:kế\s+hoạch|quyết\s+định|chỉ\s+thị|công\s+văn|văn\s+bản|công\s+điện"
    r"|thông\s+báo|hướng\s+dẫn)(?:\s+này)?)?$", _I)
_EFFECT = re.compile(r"(?:có\s+hiệu\s+lực|hiệu\s+lực\s+thi\s+hành)[^;.]{0,30}$", _I)
# "đã được phê duyệt trước ngày …": a condition on the past, not a task.
_PAST_CONDITION = re.compile(r"\bđã\b[^;:,]{0,40}$", _I)

# Cheap test that every deadline phrase passes: skips most sentences of a document fast.
_GATE = re.compile(r"(?:ngày|tháng)\s+\d|quý\s+[IV\d]|\d\s*(?:\([^()\d]{1,30}\)\s*)?(?:/|ngày|giờ)|định\s+kỳ|(?:hằng|hàng)\s+(?:năm|quý|tháng|tuần)", _I)

# "định kỳ" without a period still makes a year-less date come back every year.
_ROUTINE = re.compile(r"định\s+kỳ", _I)

_ROMAN_QUARTER = {"I": 1, "II": 2, "III": 3, "IV": 4}


@dataclass(frozen=True)
class FoundDeadline:
    """A deadline and where its words sit in the (NFC) sentence."""

    start: int
    end: int
    deadline: Deadline


# --- public API ----------------------------------------------------------------------------

def find_deadlines(sentence: str, issued: date | None = None,
                   delivery_margin_days: int | None = None) -> list[Deadline]:
    """The deadlines a sentence states, in text order."""
    return [found.deadline for found in locate_deadlines(sentence, issued, delivery_margin_days)]


def locate_deadlines(sentence: str, issued: date | None = None,
                     delivery_margin_days: int | None = None) -> list[FoundDeadline]:
    """The deadlines of a sentence with their spans; spans refer to the NFC form of the sentence.

    With a delivery margin, "N ngày kể từ ngày nhận …" is estimated as issue date + margin + N
    (the day the document reaches its readers is not in the text); without one it stays undated.
    """
    text = unicodedata.normalize("NFC", sentence)
    if not _GATE.search(text):
        return []  # most sentences: no date word next to a number, no period word
    found: list[FoundDeadline] = []
    for start, end in _clauses(text):
        found.extend(_clause_deadlines(text, start, end, issued, delivery_margin_days))
    return sorted(found, key=lambda f: f.start)


# --- clauses -------------------------------------------------------------------------------

def _clauses(text: str) -> list[tuple[int, int]]:
    """Spans between semicolons: a periodic phrase only governs the dates of its own clause."""
    spans, start = [], 0
    for match in re.finditer(r";", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def _clause_deadlines(text: str, start: int, end: int, issued: date | None,
                      delivery_margin_days: int | None = None) -> list[FoundDeadline]:
    periodic = _periodic_phrases(text, start, end)
    yearly = bool(periodic) or bool(_ROUTINE.search(text, start, end))
    dated = _periodic_days(text, start, end) + _dates(text, start, end, issued, yearly)
    dated = [_period_day(text, item, periodic) for item in dated]
    if any(f.deadline.kind in (DeadlineKind.RECURRING, DeadlineKind.PERIODIC) for f in dated):
        periodic = []  # the clause gives the concrete day; the bare period adds nothing
    elif periodic:
        periodic = _with_bare_day(text, start, end, periodic)
    taken = dated + periodic
    relative = [f for f in _relatives(text, start, end, issued, delivery_margin_days)
                if not _overlaps(f, taken)]
    return _dedupe(taken + relative)


def _overlaps(item: FoundDeadline, others: list[FoundDeadline]) -> bool:
    return any(item.start < o.end and o.start < item.end for o in others)


def _dedupe(found: list[FoundDeadline]) -> list[FoundDeadline]:
    out: list[FoundDeadline] = []
    for item in sorted(found, key=lambda f: (f.start, -(f.end - f.start))):
        same_span = any((o.start, o.end) == (item.start, item.end) for o in out)
        if same_span or not _overlaps(item, out):  # "định kỳ tháng, quý, năm": one span, 3 periods
            out.append(item)
    return out


def _cue_before(text: str, at: int, clause_start: int, regex: re.Pattern[str]) -> re.Match[str] | None:
    window = text[max(clause_start, at - _CUE_WINDOW):at]
    return regex.search(window)


def _span_text(text: str, start: int, end: int) -> str:
    return text[start:end].strip(" *()")


# --- dates ---------------------------------------------------------------------------------

def _valid(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def _next_on_or_after(day: int, month: int, issued: date) -> date | None:
    for year in (issued.year, issued.year + 1, issued.year + 2):
        if _valid(year, month, day) and date(year, month, day) >= issued:
            return date(year, month, day)
    return None


def _date_matches(text: str, start: int, end: int) -> list[re.Match[str]]:
    word = list(_WORD_DATE.finditer(text, start, end))
    taken = [(m.start(), m.end()) for m in word]
    nums = [m for m in _NUM_DATE.finditer(text, start, end)
            if not any(s <= m.start() < e for s, e in taken)]
    return word + nums


def _dates(text: str, start: int, end: int, issued: date | None, yearly: bool) -> list[FoundDeadline]:
    out: list[FoundDeadline] = []
    for match in _date_matches(text, start, end):
        found = _date_deadline(text, match, start, end, issued, yearly)
        if found:
            out.append(found)
    out.extend(_month_deadlines(text, start, end, issued))
    return out


def _date_deadline(text: str, match: re.Match[str], start: int, end: int, issued: date | None,
                   yearly: bool) -> FoundDeadline | None:
    cue = _cue_before(text, match.start(), start, _CUE_BEFORE_DATE)
    if cue is None or _PAST_CONDITION.search(text[start:match.start() - len(cue.group())]):
        return None
    day, month = int(match.group("d")), int(match.group("m"))
    cue_start = match.start() - len(cue.group())
    if match.group("y"):
        year = int(match.group("y"))
        if not _valid(year, month, day) or (issued and date(year, month, day) < issued):
            return None
        return _found(text, cue_start, match.end(), Deadline(
            DeadlineKind.ABSOLUTE, "", due=date(year, month, day), day=day, month=month))
    if not _valid(2024, month, day):  # 2024 is a leap year: 29/2 stays valid
        return None
    plan_year = _PLAN_YEAR_SUFFIX.match(text, match.end(), end)
    if plan_year:  # the day of a year the text does not name: no date to give, nor every year
        return _found(text, cue_start, plan_year.end(), Deadline(DeadlineKind.ABSOLUTE, "", day=day, month=month))
    suffix = _YEARLY_SUFFIX.match(text, match.end(), end)
    if suffix or yearly:
        stop = suffix.end() if suffix else match.end()
        return _found(text, cue_start, stop, Deadline(DeadlineKind.RECURRING, "", day=day, month=month))
    due = _next_on_or_after(day, month, issued) if issued else None
    return _found(text, cue_start, match.end(), Deadline(
        DeadlineKind.ABSOLUTE, "", due=due, day=day, month=month))


def _month_deadlines(text: str, start: int, end: int, issued: date | None) -> list[FoundDeadline]:
    """"hoàn thành trong tháng 12/2025" → 31/12/2025; "trong quý IV/2025" → 31/12/2025."""
    out: list[FoundDeadline] = []
    for match in list(_MONTH.finditer(text, start, end)) + list(_QUARTER.finditer(text, start, end)):
        cue = _cue_before(text, match.start(), start, _CUE_BEFORE_MONTH)
        if cue is None:
            continue
        year = int(match.group("y"))
        if "q" in match.groupdict():
            quarter = match.group("q").upper()
            month = 3 * (_ROMAN_QUARTER.get(quarter) or int(quarter))
        else:
            month = int(match.group("m"))
        if not 1 <= month <= 12:
            continue
        due = date(year, month, calendar.monthrange(year, month)[1])
        if issued and due < issued:
            continue
        out.append(_found(text, match.start() - len(cue.group()), match.end(),
                          Deadline(DeadlineKind.ABSOLUTE, "", due=due)))
    return out


def _found(text: str, start: int, end: int, deadline: Deadline) -> FoundDeadline:
    while start < end and text[start] in " (*,":
        start += 1
    return FoundDeadline(start, end, replace(deadline, text=_span_text(text, start, end)))


# --- periodic ------------------------------------------------------------------------------

def _periodic_days(text: str, start: int, end: int) -> list[FoundDeadline]:
    """A day of each month or of each quarter's last month, led by a deadline word."""
    out: list[FoundDeadline] = []
    for regex, months in ((_DAY_MONTHLY, 1), (_DAY_QUARTERLY, 3)):
        for match in regex.finditer(text, start, end):
            cue = _cue_before(text, match.start(), start, _CUE_BEFORE_DATE)
            day = int(match.group("d"))
            if cue is None or not 1 <= day <= 31:
                continue
            out.append(_found(text, match.start() - len(cue.group()), match.end(), Deadline(
                DeadlineKind.PERIODIC, "", day=day, period_months=months)))
    return out


def _periods(units: str) -> list[tuple[int | None, int | None]]:
    """(period_months, period_days) of each unit in "hằng tháng, quý, 6 tháng, năm"."""
    out: list[tuple[int | None, int | None]] = []
    for match in _ONE_UNIT.finditer(units):
        if match.group("n"):
            out.append((int(match.group("n")), None))
        else:
            unit = match.group("unit").lower()
            out.append((None, 7) if unit == "tuần" else ({"năm": 12, "quý": 3, "tháng": 1}[unit], None))
    return [p for p in out if p[0] is None or 1 <= p[0] <= 24]


def _periodic_phrases(text: str, start: int, end: int) -> list[FoundDeadline]:
    out: list[FoundDeadline] = []
    for regex in (_PERIODIC, _REPORT_PERIODIC):
        for match in regex.finditer(text, start, end):
            if any(f.start <= match.start("units") < f.end for f in out):
                continue
            span_start = match.start() if regex is _PERIODIC else match.start("units")
            for months, days in dict.fromkeys(_periods(match.group("units"))):
                out.append(_found(text, span_start, match.end(), Deadline(
                    DeadlineKind.PERIODIC, "", period_months=months, period_days=days)))
    return out


# The date a period's bracket gives: «định kỳ 06 tháng (trước ngày 20 tháng 6 hằng năm) và 01 năm (trước ngày 15
# tháng 11 hằng năm)» — the first date is the six-monthly report's day of each year (it still falls yearly on
# that day; the year's report has its own), so the deadline keeps its day and month and notes its period.
_BRACKET_OPEN = re.compile(r"\s*\(\s*(?:(?:gửi|nộp|báo\s+cáo)\s+)?", _I)


def _period_day(text: str, item: FoundDeadline, periodic: list[FoundDeadline]) -> FoundDeadline:
    """A yearly date in the bracket right after a shorter period («06 tháng (trước ngày 20 tháng 6 …)») is
    the day of that period's report: its deadline notes the period (`Deadline.recurrence`)."""
    if item.deadline.kind is not DeadlineKind.RECURRING:
        return item
    for phrase in periodic:
        months = phrase.deadline.period_months
        if months in (3, 6) and phrase.end <= item.start and _BRACKET_OPEN.fullmatch(text, phrase.end, item.start):
            return replace(item, deadline=replace(item.deadline, period_months=months))
    return item


def _with_bare_day(text: str, start: int, end: int, periodic: list[FoundDeadline]) -> list[FoundDeadline]:
    """"Định kỳ hằng tháng, trước ngày 25, …": the day belongs to the (single) period."""
    day = _BARE_DAY.search(text, start, end)
    months = {f.deadline.period_months for f in periodic}
    if day is None or len(periodic) != 1 or months - {1, 3}:
        return periodic
    only = periodic[0]
    deadline = replace(only.deadline, day=int(day.group("d")))
    return [FoundDeadline(min(only.start, day.start()), max(only.end, day.end()),
                          replace(deadline, text=_span_text(text, min(only.start, day.start()),
                                                            max(only.end, day.end()))))]


# --- relative ------------------------------------------------------------------------------

def _relatives(text: str, start: int, end: int, issued: date | None,
               delivery_margin_days: int | None = None) -> list[FoundDeadline]:
    out: list[FoundDeadline] = []
    for match in _RELATIVE.finditer(text, start, end):
        anchor = (match.group("anchor") or "").strip()
        if not anchor and not _OPEN_CUE.match(match.group("cue")) and not (
                match.group("work") and match.group("cue").lower() == "trong"):
            # "không quá 03 ngày làm việc" alone is a processing time, not a deadline; "trong 05 ngày
            # làm việc" is a time to act within (working days count no event's length)
            continue
        if _EFFECT.search(text[start:match.start()]):
            continue  # "có hiệu lực sau 10 ngày kể từ ngày ký"
        offset = math.ceil(float(match.group("n").replace(",", ".")))  # half a day is due within the day
        due, estimated = None, False
        if anchor and issued and _OWN_DATE_ANCHOR.match(anchor):
            due = _add_days(issued, offset, bool(match.group("work")))
        elif anchor and issued and delivery_margin_days is not None and _RECEIPT_ANCHOR.match(anchor):
            start_day = issued + timedelta(days=delivery_margin_days)
            due, estimated = _add_days(start_day, offset, bool(match.group("work"))), True
        out.append(_found(text, match.start(), match.end(), Deadline(
            DeadlineKind.RELATIVE, "", due=due, offset_days=offset, anchor=anchor or None,
            estimated=estimated)))
    for match in _HOURS.finditer(text, start, end):
        if _EFFECT.search(text[start:match.start()]) or _overlaps_span(match, out):
            continue
        anchor = (match.group("anchor") or "").strip()
        out.append(_found(text, match.start(), match.end(), Deadline(
            DeadlineKind.RELATIVE, "", offset_days=math.ceil(int(match.group("n")) / 24), anchor=anchor or None)))
    for match in _NEXT_WORKING_DAY.finditer(text, start, end):
        if _EFFECT.search(text[start:match.start()]) or _overlaps_span(match, out):
            continue
        out.append(_found(text, match.start(), match.end(), Deadline(DeadlineKind.RELATIVE, "", offset_days=1)))
    for match in [*_BEFORE_EVENT.finditer(text, start, end), *_DAYS_BEFORE.finditer(text, start, end)]:
        if _EFFECT.search(text[start:match.start()]) or _overlaps_span(match, out):
            continue
        anchor = (match.group("anchor") or "").strip()
        out.append(_found(text, match.start(), match.end(), Deadline(
            DeadlineKind.RELATIVE, "", offset_days=-int(match.group("n")), anchor=anchor or None)))
    return out


def _overlaps_span(match: re.Match[str], found: list[FoundDeadline]) -> bool:
    return any(match.start() < f.end and f.start < match.end() for f in found)


def _add_days(start: date, days: int, working: bool) -> date:
    """Calendar days, or working days skipping weekends (holidays are not known here)."""
    if not working:
        return start + timedelta(days=days)
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current
