"""Is a dated sentence a task, and whose: the rules that split tasks from other dated sentences.

A task assigns someone to do something by a date (send, report, complete, organise, review …).
Other dated sentences are legal conditions («… đóng bảo hiểm trước ngày 01/01/1995»), effective
or validity dates, the document's own date, past events, periods during which something applies,
budget lines, rules («Thời điểm đánh giá … trước ngày 15/12 hằng năm») and the issuer's own
timetable («Thời gian kiểm tra: …»). Regex-only, on the clause around the deadline.

A line is read by its own verb («Phó Thủ tướng đã chủ trì …» tells the past; «đã» after a task
verb only qualifies its object: «rà soát các chỉ tiêu đã được giao»), by its opening words
(preamble grounds, a cited document, a reference to where a rule is, commendation) and by its
section (targets and purposes, a regulation's general provisions, an assessment), before the
words around its date.

Lead and coordinating units follow the wording administrations use (DESIGN §9): «A chủ trì,
phối hợp với B, C» gives lead A and coordinating B, C; otherwise the actor leads.
"""
from __future__ import annotations

import calendar
import functools
import re
import unicodedata
from dataclasses import replace
from datetime import date

from bot.facts.deadlines import FoundDeadline
from bot.facts.model import Deadline, DeadlineKind, NotTask
from bot.ingestion.chunking import SECTION_SEPARATOR

__all__ = ["ORG_WORD", "SENTENCE_END", "TASK_VERBS_LOWER", "cell_deadline", "classify", "clause_span", "clean_unit", "lead_and_coordinate", "loose_deadlines", "split_units", "undated_mention", "unit_heading"]

_I = re.IGNORECASE

# --- is it a task ---------------------------------------------------------------------------

# Checked on the clause before the deadline (and the whole sentence where noted), in this order.
_EFFECTIVE = re.compile(
    r"hiệu\s+lực|được\s+áp\s+dụng|áp\s+dụng\s+(?:từ|kể\s+từ|đối\s+với)|thay\s+thế|bãi\s+bỏ|có\s+giá\s+trị"
    r"|hết\s+hạn|được\s+thực\s+hiện\s+đến|tiếp\s+tục\s+(?:được\s+)?(?:áp\s+dụng|thực\s+hiện\s+theo)", _I)
_LEGAL_CONDITION = re.compile(
    r"(?:^|[\s(,])(?:trường\s+hợp|nếu(?!\s+có\b)|sau\s+khi|khi\s+xảy\s+ra|đối\s+tượng\s+áp\s+dụng|người\s+(?:lao\s+động|tham\s+gia|có)|được\s+(?:hưởng|tính|xét|công\s+nhận"
    r"|miễn|giảm|cấp|coi\s+là)|đủ\s+điều\s+kiện|có\s+thời\s+gian|đóng\s+bảo\s+hiểm|thời\s+gian\s+đóng"
    r"|không\s+được)\b", _I)
# "… đã được cấp Giấy chứng nhận trước ngày …": a state reached before the date, a condition.
_DONE_CONDITION = re.compile(r"(?<!\w)đã\s+(?:được|có|đóng|tham\s+gia|hoàn\s+thành|thực\s+hiện|nộp|đăng\s+ký|ký)\b", _I)
_PAST = re.compile(r"(?:^|\s)(?:vừa\s+qua|năm\s+qua|trước\s+đây)\s", _I)
_DA = re.compile(r"(?<!\w)đã(?!\w)", _I)
_PERIOD = re.compile(r"(?:^|\s)từ\s+(?:ngày\s+)?\d{1,2}[/.]\d{1,2}[^;]{0,30}?(?:đến|tới)\s+(?:hết\s+)?(?:ngày\s+)?\d", _I)
_BUDGET = re.compile(r"^\W*(?:Điều\s+\d+\W*)?(?:[a-zđ\d]{1,3}[.)]\s*)?(?:kinh\s+phí|dự\s+toán|ngân\s+sách"
                     r"|nguồn\s+(?:vốn|kinh\s+phí)|mức\s+(?:trích|chi)\b|\d+(?:[,.]\d+)?\s*(?:lần|%|đồng|triệu|tỷ)\s)", _I)
_RULE_SUBJECT = re.compile(
    r"^\W*(?:[a-zđ\d]{1,3}[.)]\s*)?(?:thời\s+điểm|mốc\s+thời\s+gian|kỳ\s+(?:báo\s+cáo|đánh\s+giá|xét)"
    r"|số\s+liệu\s+(?:báo\s+cáo\s+)?(?:tính|được\s+tính|lấy)|thời\s+gian\s+(?:chốt|tính|lấy)\s+số\s+liệu)", _I)
# The issuer's own timetable: "Thời gian kiểm tra…", "Thời gian tổ chức: …", "Lịch kiểm tra".
_SCHEDULE = re.compile(
    r"^\W*(?:[a-zđ\d]{1,3}[.)]\s*)?(?:thời\s+gian|lịch|dự\s+kiến)\s+(?:tổ\s+chức|kiểm\s+tra|đánh\s+giá|khảo\s+sát"
    r"|giám\s+sát|diễn\s+ra|khai\s+mạc|thi|chấm|xét|họp|làm\s+việc)", _I)
_DOCUMENT_DATE = re.compile(r"(?:ban\s+hành|ký)\s+(?:ngày|kèm\s+theo)", _I)
# The header's place and date ("Hà Nội, ngày 29 tháng 11 năm 2025"), "(Kèm theo Quyết định số …)".
_HEADER_DATE = re.compile(r"^\W*(?:[A-ZĐÀ-Ỹ][\w]*\s*){1,4},\s*ngày\s+[\d.…]*\s*tháng|^\W*\(?\s*(?:ban\s+hành\s+)?kèm\s+theo|^\W*(?:Điều\s+\d+\W*)?ban\s+hành\s+kèm\s+theo", _I)
# Citations, forecasts, targets, preambles: no one is told to do anything by the date.
_BACKGROUND = re.compile(
    r"^\W*(?:căn\s+cứ\s+(?:luật|bộ\s+luật|hiến|nghị|quyết|thông\s+tư|chỉ\s+thị|công\s+văn|văn\s+bản|kết\s+luận"
    r"|ý\s+kiến|tờ\s+trình|kế\s+hoạch\s+số)|xét\s+(?:tờ\s+trình|đề\s+nghị|văn\s+bản)|thực\s+hiện\s+(?:quyết\s+định|chỉ\s+thị|công\s+văn|kế\s+hoạch|nghị|thông\s+báo|kết\s+luận)"
    r"\s+số|theo\s+dự\s+báo|dự\s+báo|phấn\s+đấu|với\s+sự|tại\s+phiên\s+họp|trên\s+cơ\s+sở\s+ý\s+kiến|đây\s+là)"
    r"|chúng\s+ta\s+có|(?:^|\s)đạt\s+(?:\d|khoảng|trên|tối\s+thiểu)", _I)
# Individuals are bound by rules («Người được giao quản lý hộp thư … phải …», «Cán bộ, công chức
# …»); what is encouraged is no assignment («khuyến khích kiểm tra hộp thư hằng ngày»).
_PERSON_SUBJECT = re.compile(r"^\W*(?:[a-zđ\d]{1,3}[.)]\s*)?(?:người(?!\s+đứng\s+đầu)|cán\s+bộ|công\s+chức|viên\s+chức|cá\s+nhân)\b", _I)
_ENCOURAGED = re.compile(r"(?<!\w)khuyến\s+khích(?!\w)", _I)
_PASSIVE_RULE = re.compile(r"phải\s+được|tính\s+từ\s+ngày|được\s+thực\s+hiện\s+(?:định\s+kỳ|theo)"
                          r"|được\s+(?:gửi|xác\s+định|quy\s+đổi)\b", _I)
# What a line is by its opening words, whatever its dates (checked when it names no one):
# a footnote, the preamble's grounds («Theo đề nghị của Giám đốc Sở …», «Xét báo cáo …»,
# «Để tiếp tục thực hiện Chỉ thị số …»), a cited document on a line of its own («b) Quyết định
# số 27/2023/QĐ-UBND ngày …»), a reply letter's opening («Bộ … nhận được văn bản số …»),
# commendation («Ghi nhận, đánh giá cao …», «Thay mặt …, biểu dương …»), a voters' petition quoted in a
# reply («Câu số 18. Cử tri kiến nghị …»).
_DOC_NAME = (r"(?:luật|bộ\s+luật|nghị\s+định|nghị\s+quyết|quyết\s+định|thông\s+tư|chỉ\s+thị|công\s+văn"
             r"|hướng\s+dẫn|thông\s+báo|kế\s+hoạch|văn\s+bản|công\s+điện|tờ\s+trình|kết\s+luận)")
_CITATION_LINE = re.compile(rf"^\W*(?:\[\d+\]|(?:[a-zđ\d]{{1,3}}[.)]\s*)?{_DOC_NAME}(?:\s+số)?\s+[\w/.-]*\d[\w/.-]*\s+(?:ngày|của))", _I)
_GROUNDS = re.compile(
    rf"^\W*(?:\[\d+\]|(?:[a-zđ\d]{{1,3}}[.)]\s*)?(?:theo\s+đề\s+nghị\s+của|xét\s+báo\s+cáo"
    rf"|(?:để\s+)?(?:tiếp\s+tục\s+)?(?:triển\s+khai\s+)?thực\s+hiện\s+(?:nghiêm\s+)?{_DOC_NAME}\s+số"
    rf"|(?:thay\s+mặt\s+[^,;]{{0,60}},\s*)?(?:ghi\s+nhận|đánh\s+giá\s+cao|biểu\s+dương|hoan\s+nghênh|cảm\s+ơn|chúc\s+mừng)"
    rf"|[^,;:]{{0,100}}?\s(?<!ngày\s)(?<!khi\s)nhận\s+được\s+(?:kiến\s+nghị|văn\s+bản|công\s+văn|đề\s+nghị|báo\s+cáo|tờ\s+trình)"
    rf"|(?:câu\s+(?:số\s+)?\d+\W+)?cử\s+tri\s+(?:[^,;:]{{0,40}}?\s)?kiến\s+nghị))", _I)
# A rule by its opening: a reference to where the rule is («Thực hiện theo quy định tại Hướng dẫn
# số …», «Theo quy định tại Thông tư …, … cần có …»), a text's scope («Quyết định này quy định …»).
_RULE_OPENING = re.compile(
    rf"^\W*(?:[a-zđ\d]{{1,3}}[.)]\s*)?(?:[^:;]{{0,80}}?(?::\W*|\s(?=(?-i:Thực|Được)\s)))?(?:(?:được\s+)?thực\s+hiện\s+theo\s+(?:quy\s+định|hướng\s+dẫn)"
    rf"|theo\s+quy\s+định\s+(?:tại|của)|{_DOC_NAME}\s+này\s+quy\s+định)", _I)
# «Kể từ ngày 01 tháng 01 năm 2031: …»: from when a rule applies, no one's deadline.
_FROM_DATE = re.compile(r"^\W*(?:[a-zđ\d]{1,3}[.)]\s*)?(?:kể\s+)?từ\s+ngày\s+\d{1,2}(?:\s+tháng\s+|\s*/\s*)\d{1,2}"
                        r"(?:\s*,?\s*năm\s+|\s*/\s*)\d{4}\s*[:,]", _I)
# The general public is bound by rules, not assigned tasks: «Trách nhiệm của các tổ chức, cá nhân».
_PUBLIC = re.compile(r"^(?:các\s+)?(?:cơ\s+quan,\s*)?tổ\s+chức(?:,\s*|\s+và\s+)(?:hộ\s+gia\s+đình,?\s*(?:và\s+)?)?cá\s+nhân"
                     r"|^(?:các\s+)?(?:người\s+dân|hộ\s+gia\s+đình|cá\s+nhân)\b", _I)
# Sections whose lines are no assignments: targets and purposes («I. MỤC ĐÍCH, YÊU CẦU», «II. MỤC
# TIÊU»), a regulation's general provisions («Điều 1. Phạm vi điều chỉnh», «Điều 2. Nguyên tắc,
# hình thức phối hợp»; not the whole of «Chương I QUY ĐỊNH CHUNG», which may assign duties).
_HEADING_START = r"^\W*(?:(?:Chương|Mục|Phần|Điều)\s+[\dIVXLC]+\W*|[IVX]{1,4}\W+|\d{1,3}(?:\.\d{1,2}){0,3}\W+|[a-zđ]\)\s*)?"
_TARGET_HEADING = re.compile(rf"{_HEADING_START}mục\s+(?:tiêu|đích)\b", _I)
# An assessment («I. ĐÁNH GIÁ CHUNG», «Kết quả đạt được», «Tình hình thực hiện»; not a procedure's
# «Kết quả thực hiện», its outcome) reports what was done; only a line that names who is to act
# there is a task («Trong thời gian tới, Tỉnh tổ chức …»).
_ASSESSMENT_HEADING = re.compile(rf"{_HEADING_START}(?:đánh\s+giá\s+(?:chung|tình\s+hình|kết\s+quả)|kết\s+quả\s+đạt\s+được"
                                 rf"|tình\s+hình\s+(?:thực\s+hiện|triển\s+khai))\b", _I)
_GENERAL_HEADING = re.compile(
    rf"{_HEADING_START}(?:phạm\s+vi|đối\s+tượng|nguyên\s+tắc|(?:các\s+)?hình\s+thức"
    rf"|phương\s+thức|giải\s+thích\s+từ\s+ngữ)\b", _I)
_PERIOD_WORDS = re.compile(
    r"(?:^|[\s:*])từ\s+(?:nay|năm\s+20\d\d|ngày\s+\d|tháng\s+\d|quý\s+[IV\d]|\d)[^;]{0,60}?(?:đến|tới)\s+(?:hết\s+)?(?:ngày|tháng|quý|năm|\d)", _I)
_PERIOD_LABEL = re.compile(r"thời\s+gian\s+(?:thực\s+hiện|triển\s+khai|áp\s+dụng)", _I)
_DEADLINE_LABEL = re.compile(r"thời\s+hạn(?:\s+hoàn\s+thành)?\s*:", _I)
# Words that give a clause someone to do something.
_TASK_VERBS = re.compile(
    r"(?<!\w)(?:gửi|nộp|báo\s+cáo|hoàn\s+thành|hoàn\s+thiện|tổng\s+hợp|xây\s+dựng|ban\s+hành|(?<![cC]hương\s)(?<![qQ]uy\s)(?<![cC]ông\s)trình|tổ\s+chức"
    r"|triển\s+khai|rà\s+soát|cập\s+nhật|lập|thực\s+hiện|công\s+bố|kiểm\s+tra|đánh\s+giá|phê\s+duyệt|chuyển"
    r"|thông\s+báo|đề\s+xuất|tham\s+mưu|bàn\s+giao|chủ\s+trì|phối\s+hợp|chỉ\s+đạo|hướng\s+dẫn|tiếp\s+nhận"
    r"|cung\s+cấp|giải\s+quyết|trả\s+lời|có\s+văn\s+bản|khẩn\s+trương|đăng\s+ký|lựa\s+chọn|thẩm\s+định"
    r"|chi\s+trả|đôn\s+đốc|sơ\s+kết|tổng\s+kết|bố\s+trí|xử\s+lý|phân\s+bổ|số\s+hó?a|đẩy\s+nhanh|theo\s+dõi"
    r"|nghiên\s+cứu|kiện\s+toàn|rà\s+soát|khắc\s+phục|đầu\s+tư|nâng\s+cấp|thẩm\s+tra|ký\s+kết|giao|tuyên\s+truyền"
    r"|phổ\s+biến|quán\s+triệt|đưa\s+vào|vận\s+hành|kết\s+nối|tích\s+hợp|chấm\s+dứt|dừng|thu\s+hồi|sắp\s+xếp"
    r"|bảo\s+đảm|đảm\s+bảo|phấn\s+đấu|thống\s+kê|điều\s+tra|tập\s+huấn|đào\s+tạo|bồi\s+dưỡng|thanh\s+toán"
    r"|quyết\s+toán|giải\s+ngân|nhập|khai\s+báo|chốt|xác\s+nhận|cấp|đề\s+nghị|yêu\s+cầu|nghiệm\s+thu)(?!\w)", _I)
# Lower case only: a verb of the text, not a word of a unit's name ("Ban Chỉ đạo", "Sở Xây dựng").
TASK_VERBS_LOWER = re.compile(_TASK_VERBS.pattern)
# A verb a few words after "theo", "của", "việc" is a noun: "theo tổng hợp báo cáo của Bộ …",
# "trong việc cung cấp dịch vụ".
_NOUN_BEFORE = re.compile(r"(?:^|\s)(?:theo|của|việc)\s+(?:\S+\s+){0,2}$", _I)
_TASK_START = re.compile(rf"^\W*(?:[a-zđ\d]{{1,3}}[.)]\s*)?(?:{_TASK_VERBS.pattern})", _I)


# --- time phrases a task may carry besides deadlines -----------------------------------------
# "vào ngày 19/12/2025", "trong năm 2025", "trong tháng 11 năm 2025", "hằng năm", "định kỳ": not
# deadline cues (`bot.facts.deadlines` leaves them, they also date events and background), but a
# task sentence that carries one has its date or period there.

_WORD_OR_NUM_DATE = (r"(?:ngày\s+)?(?P<d>\d{1,2})(?:\s*[/.-]\s*|\s+tháng\s+)(?P<m>\d{1,2})"
                     r"(?:\s*[/.-]\s*|\s*,?\s*năm\s+)(?P<y>20\d\d)")
_ON_DATE = re.compile(rf"(?:vào|trong|đến\s+hết|đến)\s+(?:ngày\s+)?{_WORD_OR_NUM_DATE}(?!\d)", _I)
_IN_PERIOD = re.compile(
    r"(?:trong|vào|đến\s+hết|hết|cuối|xong\s+trong)\s+(?:năm\s+(?P<y>20\d\d)"
    r"|tháng\s+(?P<m>\d{1,2})(?:\s*/\s*|\s+năm\s+)(?P<ym>20\d\d)"
    r"|quý\s+(?P<q>IV|I{1,3}|[1-4])(?:\s*/\s*|\s+năm\s+)(?P<yq>20\d\d))(?!\d)", _I)
# "2026", "Năm 2026", a span of years "2026 - 2030", "Năm 2025-2030" (due at the end of its last year).
_YEAR_CELL = re.compile(r"^(?:năm\s+|giai\s+đoạn\s+)?(?:20\d\d\s*[-–]\s*)?(?P<y>20\d\d)$", _I)
# Most specific first: "định kỳ hàng quý" is quarterly, a bare "định kỳ" has no known period.
_EVERY = (re.compile(r"(?:hằng|hàng|mỗi)\s+(?P<unit>năm|quý|tháng|tuần|ngày)"
                     r"|(?:của|trong|và\s+các)\s+(?P<unit2>năm)\s+(?:liền\s+kề|tiếp\s+theo|sau|kế\s+hoạch)", _I),
          # not a date: "ngày 06 tháng 11 năm 2025"
          re.compile(r"(?<!\d)(?<!ngày\s)(?P<six>6|06)\s+tháng(?!\s+\d)", _I), re.compile(r"định\s+kỳ", _I))
# A daily routine («báo cáo hằng ngày») is kept without a period: it has no date to remind of.
_EVERY_PERIOD = {"năm": (12, None), "quý": (3, None), "tháng": (1, None), "tuần": (None, 7), "ngày": (None, None)}
_QUARTER_END = {"I": 3, "II": 6, "III": 9, "IV": 12, "1": 3, "2": 6, "3": 9, "4": 12}


def loose_deadlines(sentence: str, issued: date | None) -> list[FoundDeadline]:
    """Dates and periods of a sentence that are no deadline by their words alone; the first of
    each kind found. Past dates (before the issue date) are left out."""
    text = unicodedata.normalize("NFC", sentence)
    out: list[FoundDeadline] = []
    for match in list(_ON_DATE.finditer(text)) + list(_IN_PERIOD.finditer(text)):
        due = _period_end(match)
        if due and (issued is None or due >= issued):
            out.append(_loose(text, match, Deadline(DeadlineKind.ABSOLUTE, "", due=due)))
            break
    specific = [m for m in (regex.search(text) for regex in _EVERY[:-1]) if m]
    every = min(specific, key=lambda m: m.start()) if specific else _EVERY[-1].search(text)
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


def classify(sentence: str, found: FoundDeadline, actor: str | None = None,
             loose: bool = False, section: str = "") -> NotTask | None:
    """None when the clause around the deadline assigns a task; otherwise why it does not.

    A loose time phrase (not led by a deadline word) may sit anywhere in its clause, so the
    words after it count as well as those before."""
    start, end = clause_span(sentence, found.start, found.end)
    if is_mention(found):  # a cited document's date anchors nothing: read from its sentence's start
        start = max([0] + [m.end() for m in SENTENCE_END.finditer(sentence) if m.end() <= found.start])
    clause = sentence[start:end]
    before = clause if loose else sentence[start:found.start]
    if _HEADER_DATE.search(sentence):
        return NotTask.DOCUMENT_DATE
    reason = _by_place(sentence, found, actor, section)
    if reason:
        return reason
    if _EFFECTIVE.search(before):
        return NotTask.EFFECTIVE_DATE
    if _DOCUMENT_DATE.search(before[-30:]):
        return NotTask.DOCUMENT_DATE
    if _BACKGROUND.search(sentence):
        return NotTask.BACKGROUND
    if _BUDGET.match(clause) or _BUDGET.match(sentence):  # a budget paragraph's later sentences too
        return NotTask.BUDGET
    if _SCHEDULE.match(clause):
        return NotTask.SCHEDULE
    if _RULE_SUBJECT.match(clause) or _ENCOURAGED.search(before) or (actor is None and _PASSIVE_RULE.search(clause)):
        return NotTask.RULE
    # A condition governs the clause unless a task verb comes first («thực hiện các chế độ đối
    # với người tham gia …» is about them, «Người tham gia … trước ngày …» is the condition).
    condition = _LEGAL_CONDITION.search(before)
    if condition and _ungoverned(before, condition.start()) and (
            actor is None or (condition.start() < _CONDITION_AT_START and not _named_after(clause, condition, actor))):
        return NotTask.LEGAL_CONDITION
    done = _DONE_CONDITION.search(before)
    if done and _ungoverned(before, done.start()):
        return NotTask.LEGAL_CONDITION
    if actor is None and _PERSON_SUBJECT.match(clause):
        return NotTask.RULE
    # "vừa qua" before the date makes it past, not after it ("… các đợt mưa lũ vừa qua" is what
    # a task is about); "đã" as the clause's own verb makes it past wherever the date sits.
    if _PAST.search(sentence[start:found.start]) or _past_predicate(clause if loose or actor is None else before):
        return NotTask.PAST_EVENT
    period = (_PERIOD.search(clause) or _PERIOD_WORDS.search(clause))
    verbs = _TASK_VERBS.search(_PERIOD_LABEL.sub("", clause[:period.start()])) if period else None
    if period and not verbs and not _DEADLINE_LABEL.search(clause):
        return NotTask.PERIOD_APPLIES
    if actor is None and not _TASK_VERBS.search(clause):
        return NotTask.RULE
    return None


# A sentence's end inside the text given (a paragraph may come whole): "… Kế hoạch này. Định kỳ",
# "… năm 2025. Đồng thời"; not "TP. Huế" (an abbreviation is upper case).
SENTENCE_END = re.compile(r"(?<=[a-zà-ỹđ\d]{2}[.!?])\s+(?=[A-ZĐÀ-Ỹ])")


def clause_span(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The clause around sentence[start:end]: between semicolons and sentence ends."""
    ends = list(SENTENCE_END.finditer(sentence))
    left = max([sentence.rfind(";", 0, start) + 1] + [m.end() for m in ends if m.end() <= start])
    semicolon = sentence.find(";", end)
    stops = [m.start() for m in ends if m.start() >= end]
    stops += [semicolon if semicolon != -1 else len(sentence)]
    return left, min(stops)


def _by_place(sentence: str, found: FoundDeadline, actor: str | None, section: str) -> NotTask | None:
    """What the line is by its section, its opening words or its only date being a mention."""
    headings = section.split(SECTION_SEPARATOR) if section else []
    if any(_TARGET_HEADING.match(h) for h in headings):
        return NotTask.BACKGROUND
    if any(_GENERAL_HEADING.match(h) for h in headings) or (actor and _PUBLIC.match(actor)):
        return NotTask.RULE
    if actor is None and any(_ASSESSMENT_HEADING.match(h) for h in headings):
        return NotTask.PAST_EVENT
    if _FROM_DATE.match(sentence):
        return NotTask.PERIOD_APPLIES
    if _CITATION_LINE.match(sentence) or (actor is None and _GROUNDS.match(sentence)):
        return NotTask.BACKGROUND
    if actor is None and _RULE_OPENING.match(sentence):
        return NotTask.RULE
    # Its only dates are mentions (a cited document's): a line announcing a list is no task.
    if is_mention(found) and sentence.rstrip(" *").endswith(":"):
        return NotTask.BACKGROUND
    return None


def _ungoverned(clause: str, at: int) -> bool:
    """Whether the words at `at` are the clause's own predicate: no task verb comes before them
    ("Phó Thủ tướng đã chủ trì …"), where a task verb makes them a phrase about its object
    ("rà soát các chỉ tiêu đã được giao", "chuyển hồ sơ … Giấy chứng nhận đã cấp")."""
    head = clause[:at]
    verbs = (m for m in TASK_VERBS_LOWER.finditer(head) if not _NOUN_BEFORE.search(head, 0, m.start()))
    return next(verbs, None) is None and not _TASK_START.match(head + " ")


def _past_predicate(clause: str) -> bool:
    """"đã" as the clause's own verb: the sentence tells what was done."""
    return any(_ungoverned(clause, m.start()) for m in _DA.finditer(clause))


# A condition word this close to the clause's start governs it (a unit given by a heading does
# not change that); later it is a detail of the task.
_CONDITION_AT_START = 40


def _named_after(clause: str, condition: re.Match[str], actor: str) -> bool:
    """The clause itself names the unit after its condition: «Trường hợp cần thiết điều chỉnh danh
    mục …, Sở quản lý ngành có trách nhiệm tham mưu …» gives that unit a duty when it arises."""
    return actor.casefold() in clause[condition.end():].casefold()


# --- who ------------------------------------------------------------------------------------

# Words a unit's name starts with ("Trường hợp" is no school, "Tổ chức" no team).
# "Các", "Mỗi", "Từng" only before a kind of unit: «Các sở, ngành», not «Các thông số», «Các nội dung».
_UNIT_NOUN = (r"(?:đồng\s+chí\s+)?(?:sở|bộ|ban|ngành|cơ\s+quan|đơn\s+vị|địa\s+phương|doanh\s+nghiệp|tập\s+đoàn|tổng\s+công\s+ty"
              r"|công\s+ty|tỉnh|thành\s+phố|huyện|quận|thị\s+xã|xã|phường|đặc\s+khu|phòng|trung\s+tâm|chi\s+cục|cục|vụ|viện"
              r"|trường|bệnh\s+viện|hội|đoàn\s+thể|tổ\s+chức|thành\s+viên|ngân\s+hàng|chủ\s+đầu\s+tư|nhà\s+thầu|lực\s+lượng"
              r"|ủy\s+ban|uỷ\s+ban|ubnd|hội\s+đồng|văn\s+phòng|thủ\s+trưởng|chủ\s+tịch|giám\s+đốc|bộ\s+trưởng|người\s+đứng\s+đầu"
              r"|lãnh\s+đạo|cấp|quỹ|đài|báo(?!\s+cáo)|hiệp\s+hội|công\s+an|cơ\s+sở|tổ|đội|ngành)\b")
ORG_WORD = (rf"(?:(?:Các|Mỗi|Từng)(?=\s+{_UNIT_NOUN})|UBND|Ủy\s+ban|Uỷ\s+ban|Sở|Bộ|Ban(?!\s+hành)|Văn\s+phòng|Công\s+an|Bộ\s+Chỉ\s+huy|Thành\s+viên"
            r"|Cơ\s+quan|Hội\s+đồng|Chủ\s+tịch|Thủ\s+trưởng|Giám\s+đốc|Trung\s+tâm|Đài|Báo(?!\s+cáo)|Kho\s+bạc"
            r"|Thanh\s+tra|Chi\s+cục|Phòng|Liên\s+đoàn|Tỉnh\s+đoàn|Hội|Mặt\s+trận|Đảng\s+ủy|Đảng\s+uỷ"
            r"|Người\s+đứng\s+đầu|Tổ\s+công\s+tác|Tổ\s+giúp\s+việc|Cục|Tổng\s+cục|Viện|Trường|Bệnh\s+viện"
            r"|Quỹ|Ngân\s+hàng|Tập\s+đoàn|Tổng\s+công\s+ty|Doanh\s+nghiệp|Đơn\s+vị|Địa\s+phương|Cục\s+Thuế"
            r"|Bảo\s+hiểm\s+xã\s+hội|Công\s+ty|Hiệp\s+hội|Đoàn\s+(?:kiểm\s+tra|công\s+tác|thanh\s+tra|TNCS)"
            r"|Tòa\s+án|Bộ\s+Tư\s+lệnh|Học\s+viện|Đại\s+học|Chi\s+nhánh|Thành\s+phố|Tỉnh|Thủ\s+tướng"
            r"|Phó\s+Thủ\s+tướng|Vụ(?!\s+việc)|Liên\s+hiệp|Lãnh\s+đạo|Chủ\s+đầu\s+tư|(?:Phó\s+)?Trưởng\s+(?:ban|đoàn)"
            r")\b(?!\s+hợp\b)")
_ORG_WORD = ORG_WORD
# A separator between two units of a list: a comma, semicolon or "và" before a unit word.
# Case-sensitive: units are capitalised ("Sở Y tế, Sở Tài chính"), classes are not ("các sở, ban,
# ngành" stays one), except a class that starts with "các".
_UNIT_SEPARATOR = re.compile(rf"\s*(?:[,;]|\s(?:và|với)\s)\s*(?={_ORG_WORD}|các\s)")
_LEAD = re.compile(r"(?:^|[\s,:])(?:Giao\s+)?(?P<lead>[^:;]*?)\s*,?\s+(?:là\s+cơ\s+quan\s+)?chủ\s+trì\b", _I)
_CHAIRS = re.compile(r"chủ\s+trì", _I)
_LEAD_AT_START = re.compile(r"^\W*(?:[a-zđ\d]{1,3}[.)]\s*)?(?:Giao\s+|Đề\s+nghị\s+)?chủ\s+trì\b", _I)
# «phối hợp (chặt chẽ) với B», «chủ trì cùng B»
_COORDINATE = re.compile(r"(?:phối\s+hợp(?:\s+chặt\s+chẽ)?(?:\s+với)?|(?<=chủ\s)trì,?\s+cùng(?:\s+với)?)\s+(?P<units>(?:(?!phối\s+hợp)[^;:()])+)", _I)
# Where a list of coordinating units ends: a lower-case verb or purpose word (unit names are
# capitalised, so "Ban Chỉ đạo" does not end it) or a closing phrase.
_UNITS_END = re.compile(
    r"\s(?:(?:để|nhằm|tổ\s+chức|triển\s+khai|thực\s+hiện|xây\s+dựng|tham\s+mưu|hướng\s+dẫn|rà\s+soát|kiểm\s+tra"
    r"|hoàn\s+thành|báo\s+cáo|trình|tổng\s+hợp|đề\s+xuất|nghiên\s+cứu|theo\s+dõi|đôn\s+đốc|xử\s+lý|cập\s+nhật"
    r"|gửi|lập|tiếp\s+tục|khẩn\s+trương|trước|chậm\s+nhất|trong|theo|tại|về|đảm\s+bảo|bảo\s+đảm|xem\s+xét"
    r"|tiến\s+hành|làm|hỗ\s+trợ|bố\s+trí|phân\s+bổ|giải\s+quyết|đánh\s+giá|chỉ\s+đạo|quản\s+lý|thẩm\s+định"
    r"|thống\s+nhất|ban\s+hành|xác\s+định|hoàn\s+thiện|tập\s+trung)\b)")
_LABELLED_LEAD = re.compile(r"(?:cơ\s+quan|đơn\s+vị)\s+chủ\s+trì\s*:\s*(?P<units>[^.;]+)", _I)
_LABELLED_COORDINATE = re.compile(r"(?:cơ\s+quan|đơn\s+vị)\s+phối\s+hợp\s*:\s*(?P<units>[^.;]+)", _I)
# Words after a unit's name that describe its role, not the unit: "Sở Tài chính - Cơ quan thường
# trực", "Sở Khoa học và Công nghệ là cơ quan đầu mối", "…, trong đó trọng tâm là …".
_ROLE_TAIL = re.compile(
    r"\s+theo\s+(?:chức\s+năng|thẩm\s+quyền|quy\s+định|phạm\s+vi)\b.*$|,\s*trong\s+phạm\s+vi\b.*$|\s+[-–]\s+(?:cơ\s+quan|thường\s+trực|trưởng|phó|ủy\s+viên|thành\s+viên)\b.*$|\s+là\s+(?:cơ\s+quan|đơn\s+vị|đầu\s+mối)\b.*$"
    r"|,\s*trong\s+đó\b.*$|\s*\(.*$|\s+(?:có|chịu)\s+trách\s+nhiệm\b.*$|\s+(?-i:chỉ\s+đạo|giao|yêu\s+cầu|đề\s+nghị)\s+.*$"
    r"|\s+(?:trước|chậm\s+nhất|trong|vào)\s+(?:ngày|tháng|năm|quý)\b.*$", _I)
_ORG_START = re.compile(rf"^{_ORG_WORD}|^các\s|^UBND\b", _I)
_TRIM = re.compile(r"^[\s,;:.\-–(]+|[\s,;:.\-–)]+$")
_LEAD_PREFIX = re.compile(r"^(?:(?:giao|đề\s+nghị|yêu\s+cầu|trong\s+đó|đồng\s+chí)\s*,?\s+)+", _I)


_AND_UNIT = re.compile(rf"\s+và\s+(?={_ORG_WORD}|các\s|cơ\s+quan|đơn\s+vị)", _I)
_SPECIFIC_UNIT = re.compile(rf"^(?!Các\b|Mỗi\b|Từng\b){_ORG_WORD}")


def split_units(text: str) -> tuple[str, ...]:
    """"Sở Y tế, Sở Tài chính và UBND các xã, phường" → the three units. A class of units keeps
    its commas ("các sở, ban, ngành, UBND các xã, phường" is one); a named unit ends at a comma
    before the next named unit, "và" and ";" always separate."""
    out: list[str] = []
    for chunk in re.split(r"\s*;\s*", text):
        for part in _AND_UNIT.split(chunk):
            pieces = _UNIT_SEPARATOR.split(part) if _SPECIFIC_UNIT.match(part.strip()) else [part]
            out.extend(_TRIM.sub("", glued) for piece in pieces for glued in _unglue(piece))
    return tuple(part for part in out if part)


# Two departments or ministries a table cell runs together: «Sở Khoa học và Công nghệ Sở Công Thương».
_GLUED = re.compile(r"\s+(?=(?:Sở|Bộ)\s+[A-ZĐ])")
_DEPARTMENT = re.compile(r"^\s*(?:Sở|Bộ)\s+[A-ZĐ]")


def _unglue(piece: str) -> list[str]:
    return _GLUED.split(piece) if _DEPARTMENT.match(piece) else [piece]


def clean_unit(name: str | None) -> str | None:
    """A unit's name without its role or the addressing words before it."""
    if not name:
        return None
    name = _ROLE_TAIL.sub("", _LEAD_PREFIX.sub("", name.strip()))
    return _TRIM.sub("", name) or None


def _coordinates(text: str) -> tuple[str, ...]:
    labelled = _LABELLED_COORDINATE.search(text)
    if labelled:
        return split_units(labelled.group("units"))
    # Every «phối hợp với …» of the clause: «phối hợp với Bộ Công an thống nhất …; nghiên cứu, phối
    # hợp với Bộ Tư pháp, Văn phòng Chính phủ ban hành …» has three coordinating units.
    found: dict[str, None] = {}
    for match in _COORDINATE.finditer(text):
        units = match.group("units")
        end = _UNITS_END.search(units)
        units = units[:end.start()] if end else units
        found.update((unit, None) for unit in split_units(units) if _ORG_START.match(unit))
    return tuple(found)


def _named_lead(text: str) -> str | None:
    """The unit right before "chủ trì" ("Giao Sở Nội vụ chủ trì, …"), if it is one."""
    if not _CHAIRS.search(text):  # cheap test first: _LEAD backtracks over long sentences
        return None
    match = _LEAD.search(text)
    if match is None:
        return None
    words = _LEAD_PREFIX.sub("", _TRIM.sub("", match.group("lead")))
    # The nearest unit phrase before "chủ trì": the last one a unit word starts.
    starts = [m.start() for m in re.finditer(rf"(?<!\w){_ORG_WORD}", words, _I)
              if m.group()[:1].isupper()]
    if not starts:
        return None
    lead = words[starts[0]:]
    # A verb between the unit and "chủ trì" makes it someone else's: «Giao Bộ Y tế nghiên cứu …
    # lồng ghép vào các đề án Bộ chủ trì».
    if TASK_VERBS_LOWER.search(lead):
        return None
    return _TRIM.sub("", lead) or None


def lead_and_coordinate(clause: str, actor: str | None) -> tuple[str | None, tuple[str, ...]]:
    """The lead and coordinating units of a task clause; the actor leads unless a unit is
    named before "chủ trì"."""
    labelled = _LABELLED_LEAD.search(clause)
    if labelled:
        return clean_unit(labelled.group("units")), _coordinates(clause)
    lead = None if _LEAD_AT_START.match(clause) else _named_lead(clause)
    return clean_unit(lead or actor), _coordinates(clause)


# --- unit headings --------------------------------------------------------------------------

_HEADING_MARKER = re.compile(r"^(?:(?:Điều|Khoản|Mục)\s+\d{1,3}|[IVX]{1,4}|\d{1,3}(?:\.\d{1,2}){0,4}|[a-zđ])"
                             r"\s*[.)\-–:]\s*", _I)
# "Trách nhiệm của Sở Tài chính", "Sở Tài chính có trách nhiệm:" name the unit too.
_RESPONSIBILITY = re.compile(
    r"^(?:trách\s+nhiệm|nhiệm\s+vụ)(?:\s+(?:và\s+quyền\s+hạn|thực\s+hiện))?\s+(?:của|giao)\s+"
    r"|\s+(?:có|chịu)\s+trách\s+nhiệm\b.*$", _I)  # the title may be cut short: "… có trách nhiệm tổ…"
# «1. Thủ trưởng các sở, ban, ngành tỉnh; Chủ tịch UBND các xã, phường»: units a heading lists.
_UNIT_HEADING = re.compile(rf"^(?:Đề\s+nghị\s+|Giao\s+)?(?P<unit>{_ORG_WORD}[^:.]{{0,150}}?)\s*[:.]?$", _I)
_NOT_A_UNIT = re.compile(r"\b(?:chủ\s+trì|phối\s+hợp|thực\s+hiện|trách\s+nhiệm|nhiệm\s+vụ)\b", _I)


@functools.lru_cache(maxsize=4096)  # headings are asked about again for every line under them
def unit_heading(line: str) -> str | None:
    """The unit a heading names: «3. Sở Y tế:», «b) Ủy ban nhân dân các xã, phường»."""
    text = _ROLE_TAIL.sub("", _HEADING_MARKER.sub("", line.strip(" *"), count=1)).strip()
    named = _RESPONSIBILITY.search(text)
    text = _RESPONSIBILITY.sub("", text).strip()
    if named and named.start() == 0:  # "Trách nhiệm của đối tượng thực hiện kiểm kê:"
        return clean_unit(text.rstrip(" :"))
    match = _UNIT_HEADING.match(text)
    if match is None or _NOT_A_UNIT.search(text) or not (named or text[:1].isupper()):
        return None
    return clean_unit(match.group("unit"))
