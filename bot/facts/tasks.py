"""Is a dated sentence a task, and whose: the rules that split tasks from other dated sentences.

A task assigns someone to do something by a date (send, report, complete, organise, review …).
Other dated sentences are legal conditions («… đóng bảo hiểm trước ngày 01/01/1995»), effective
or validity dates, the document's own date, past events, periods during which something applies,
budget lines, rules («Thời điểm đánh giá … trước ngày 15/12 hằng năm») and the issuer's own
timetable («Thời gian kiểm tra: …»). Regex-only, on the clause around the deadline.

Lead and coordinating units follow the wording administrations use (DESIGN §9): «A chủ trì,
phối hợp với B, C» gives lead A and coordinating B, C; otherwise the actor leads.
"""
from __future__ import annotations

import re

from bot.facts.deadlines import FoundDeadline
from bot.facts.model import NotTask

__all__ = ["ORG_WORD", "classify", "lead_and_coordinate", "split_units", "unit_heading"]

_I = re.IGNORECASE

# --- is it a task ---------------------------------------------------------------------------

# Checked on the clause before the deadline (and the whole sentence where noted), in this order.
_EFFECTIVE = re.compile(
    r"hiệu\s+lực|được\s+áp\s+dụng|áp\s+dụng\s+(?:từ|kể\s+từ|đối\s+với)|thay\s+thế|bãi\s+bỏ|có\s+giá\s+trị"
    r"|hết\s+hạn|được\s+thực\s+hiện\s+đến|tiếp\s+tục\s+(?:được\s+)?(?:áp\s+dụng|thực\s+hiện\s+theo)", _I)
_LEGAL_CONDITION = re.compile(
    r"(?:^|[\s(,])(?:trường\s+hợp|nếu|người\s+(?:lao\s+động|tham\s+gia|có)|được\s+(?:hưởng|tính|xét|công\s+nhận"
    r"|miễn|giảm|cấp|coi\s+là)|đủ\s+điều\s+kiện|có\s+thời\s+gian|đóng\s+bảo\s+hiểm|thời\s+gian\s+đóng"
    r"|không\s+được|đã\s+(?:được|có|đóng|tham\s+gia|hoàn\s+thành|thực\s+hiện|nộp|đăng\s+ký|ký))\b", _I)
_PAST = re.compile(r"(?:^|\s)(?:đã|vừa\s+qua|năm\s+qua|trước\s+đây)\s", _I)
_PERIOD = re.compile(r"(?:^|\s)từ\s+(?:ngày\s+)?\d{1,2}[/.]\d{1,2}[^;]{0,30}?(?:đến|tới)\s+(?:hết\s+)?(?:ngày\s+)?\d", _I)
_BUDGET = re.compile(r"^\W*(?:[a-zđ\d]{1,3}[.)]\s*)?(?:kinh\s+phí|dự\s+toán|ngân\s+sách|nguồn\s+(?:vốn|kinh\s+phí))\b", _I)
_RULE_SUBJECT = re.compile(
    r"^\W*(?:[a-zđ\d]{1,3}[.)]\s*)?(?:thời\s+điểm|mốc\s+thời\s+gian|kỳ\s+(?:báo\s+cáo|đánh\s+giá|xét)"
    r"|số\s+liệu\s+(?:báo\s+cáo\s+)?(?:tính|được\s+tính|lấy)|thời\s+gian\s+(?:chốt|tính|lấy)\s+số\s+liệu)", _I)
# The issuer's own timetable: "Thời gian kiểm tra…", "Thời gian tổ chức: …", "Lịch kiểm tra".
_SCHEDULE = re.compile(
    r"^\W*(?:[a-zđ\d]{1,3}[.)]\s*)?(?:thời\s+gian|lịch|dự\s+kiến)\s+(?:tổ\s+chức|kiểm\s+tra|đánh\s+giá|khảo\s+sát"
    r"|giám\s+sát|diễn\s+ra|khai\s+mạc|thi|chấm|xét|họp|làm\s+việc)", _I)
_DOCUMENT_DATE = re.compile(r"(?:ban\s+hành|ký)\s+(?:ngày|kèm\s+theo)", _I)
# Words that give a clause someone to do something.
_TASK_VERBS = re.compile(
    r"(?<!\w)(?:gửi|nộp|báo\s+cáo|hoàn\s+thành|hoàn\s+thiện|tổng\s+hợp|xây\s+dựng|ban\s+hành|trình|tổ\s+chức"
    r"|triển\s+khai|rà\s+soát|cập\s+nhật|lập|thực\s+hiện|công\s+bố|kiểm\s+tra|đánh\s+giá|phê\s+duyệt|chuyển"
    r"|thông\s+báo|đề\s+xuất|tham\s+mưu|bàn\s+giao|chủ\s+trì|phối\s+hợp|chỉ\s+đạo|hướng\s+dẫn|tiếp\s+nhận"
    r"|cung\s+cấp|giải\s+quyết|trả\s+lời|có\s+văn\s+bản|khẩn\s+trương|đăng\s+ký|lựa\s+chọn|thẩm\s+định"
    r"|chi\s+trả|đôn\s+đốc|sơ\s+kết|tổng\s+kết|bố\s+trí|xử\s+lý|phân\s+bổ|số\s+hó?a|đẩy\s+nhanh|theo\s+dõi"
    r"|nghiên\s+cứu|kiện\s+toàn|rà\s+soát|khắc\s+phục|đầu\s+tư|nâng\s+cấp|thẩm\s+tra|ký\s+kết|giao|tuyên\s+truyền"
    r"|phổ\s+biến|quán\s+triệt|đưa\s+vào|vận\s+hành|kết\s+nối|tích\s+hợp|chấm\s+dứt|dừng|thu\s+hồi|sắp\s+xếp"
    r"|bảo\s+đảm|đảm\s+bảo|phấn\s+đấu|thống\s+kê|điều\s+tra|tập\s+huấn|đào\s+tạo|bồi\s+dưỡng|thanh\s+toán"
    r"|quyết\s+toán|giải\s+ngân|nhập|khai\s+báo|chốt|xác\s+nhận|cấp|đề\s+nghị|yêu\s+cầu|nghiệm\s+thu)(?!\w)", _I)


def classify(sentence: str, found: FoundDeadline, actor: str | None = None) -> NotTask | None:
    """None when the clause around the deadline assigns a task; otherwise why it does not."""
    start = sentence.rfind(";", 0, found.start) + 1
    before = sentence[start:found.start]
    clause_end = sentence.find(";", found.end)
    clause = sentence[start:len(sentence) if clause_end == -1 else clause_end]
    if _EFFECTIVE.search(before):
        return NotTask.EFFECTIVE_DATE
    if _DOCUMENT_DATE.search(before[-30:]):
        return NotTask.DOCUMENT_DATE
    if _BUDGET.match(clause):
        return NotTask.BUDGET
    if _SCHEDULE.match(clause):
        return NotTask.SCHEDULE
    if _RULE_SUBJECT.match(clause):
        return NotTask.RULE
    if _LEGAL_CONDITION.search(before):
        return NotTask.LEGAL_CONDITION
    if _PAST.search(before):
        return NotTask.PAST_EVENT
    if _PERIOD.search(clause) and not _TASK_VERBS.search(before):
        return NotTask.PERIOD_APPLIES
    if actor is None and not _TASK_VERBS.search(clause):
        return NotTask.RULE
    return None


# --- who ------------------------------------------------------------------------------------

# Words a unit's name starts with ("Trường hợp" is no school, "Tổ chức" no team).
ORG_WORD = (r"(?:Các|Mỗi|UBND|Ủy\s+ban|Uỷ\s+ban|Sở|Bộ|Ban|Văn\s+phòng|Công\s+an|Bộ\s+Chỉ\s+huy|Thành\s+viên"
            r"|Cơ\s+quan|Hội\s+đồng|Chủ\s+tịch|Thủ\s+trưởng|Giám\s+đốc|Trung\s+tâm|Đài|Báo(?!\s+cáo)|Kho\s+bạc"
            r"|Thanh\s+tra|Chi\s+cục|Phòng|Liên\s+đoàn|Tỉnh\s+đoàn|Hội|Mặt\s+trận|Đảng\s+ủy|Đảng\s+uỷ"
            r"|Người\s+đứng\s+đầu|Tổ\s+công\s+tác|Tổ\s+giúp\s+việc|Cục|Tổng\s+cục|Viện|Trường|Bệnh\s+viện"
            r"|Quỹ|Ngân\s+hàng|Tập\s+đoàn|Tổng\s+công\s+ty|Doanh\s+nghiệp|Đơn\s+vị|Địa\s+phương|Cục\s+Thuế"
            r"|Bảo\s+hiểm\s+xã\s+hội|Công\s+ty|Hiệp\s+hội|Đoàn\s+(?:kiểm\s+tra|công\s+tác|thanh\s+tra|TNCS)"
            r"|Tòa\s+án|Bộ\s+Tư\s+lệnh|Học\s+viện|Đại\s+học|Chi\s+nhánh)\b(?!\s+hợp\b)")
_ORG_WORD = ORG_WORD
# A separator between two units of a list: a comma, semicolon or "và" before a unit word.
# Case-sensitive: units are capitalised ("Sở Y tế, Sở Tài chính"), classes are not ("các sở, ban,
# ngành" stays one), except a class that starts with "các".
_UNIT_SEPARATOR = re.compile(rf"\s*(?:[,;]|\s(?:và|với)\s)\s*(?={_ORG_WORD}|các\s)")
_LEAD = re.compile(r"(?:^|[\s,:])(?:Giao\s+)?(?P<lead>[^:;]*?)\s*,?\s+(?:là\s+cơ\s+quan\s+)?chủ\s+trì\b", _I)
_LEAD_AT_START = re.compile(r"^\W*(?:[a-zđ\d]{1,3}[.)]\s*)?(?:Giao\s+|Đề\s+nghị\s+)?chủ\s+trì\b", _I)
_COORDINATE = re.compile(r"phối\s+hợp(?:\s+chặt\s+chẽ)?(?:\s+với)?\s+(?P<units>[^;:()]+)", _I)
# Where a list of coordinating units ends: a lower-case verb or purpose word (unit names are
# capitalised, so "Ban Chỉ đạo" does not end it) or a closing phrase.
_UNITS_END = re.compile(
    r"\s(?:(?:để|nhằm|tổ\s+chức|triển\s+khai|thực\s+hiện|xây\s+dựng|tham\s+mưu|hướng\s+dẫn|rà\s+soát|kiểm\s+tra"
    r"|hoàn\s+thành|báo\s+cáo|trình|tổng\s+hợp|đề\s+xuất|nghiên\s+cứu|theo\s+dõi|đôn\s+đốc|xử\s+lý|cập\s+nhật"
    r"|gửi|lập|tiếp\s+tục|khẩn\s+trương|trước|chậm\s+nhất|trong|theo|tại|về|đảm\s+bảo|bảo\s+đảm)\b)")
_ORG_START = re.compile(rf"^{_ORG_WORD}|^các\s|^UBND\b", _I)
_TRIM = re.compile(r"^[\s,;:.\-–(]+|[\s,;:.\-–)]+$")
_LEAD_PREFIX = re.compile(r"^(?:(?:giao|đề\s+nghị|yêu\s+cầu|trong\s+đó)\s*,?\s+)+", _I)


def split_units(text: str) -> tuple[str, ...]:
    """"Sở Y tế, Sở Tài chính và UBND các xã, phường" → the three units (commas inside a unit
    name such as "các xã, phường" stay)."""
    parts = (_TRIM.sub("", part) for part in _UNIT_SEPARATOR.split(text))
    return tuple(part for part in parts if part)


def _coordinates(text: str) -> tuple[str, ...]:
    match = _COORDINATE.search(text)
    if match is None:
        return ()
    units = match.group("units")
    end = _UNITS_END.search(units)
    units = units[:end.start()] if end else units
    return tuple(unit for unit in split_units(units) if _ORG_START.match(unit))


def _named_lead(text: str) -> str | None:
    """The unit right before "chủ trì" ("Giao Sở Nội vụ chủ trì, …"), if it is one."""
    match = _LEAD.search(text)
    if match is None:
        return None
    words = _LEAD_PREFIX.sub("", _TRIM.sub("", match.group("lead")))
    # The nearest unit phrase before "chủ trì": the last one a unit word starts.
    starts = [m.start() for m in re.finditer(rf"(?<!\w){_ORG_WORD}", words, _I)
              if m.group()[:1].isupper()]
    if not starts:
        return None
    return _TRIM.sub("", words[starts[0]:]) or None


def lead_and_coordinate(clause: str, actor: str | None) -> tuple[str | None, tuple[str, ...]]:
    """The lead and coordinating units of a task clause; the actor leads unless a unit is
    named before "chủ trì"."""
    lead = None if _LEAD_AT_START.match(clause) else _named_lead(clause)
    return lead or actor, _coordinates(clause)


# --- unit headings --------------------------------------------------------------------------

_HEADING_MARKER = re.compile(r"^(?:(?:Điều|Khoản|Mục)\s+\d{1,3}|[IVX]{1,4}|\d{1,3}(?:\.\d{1,2}){0,4}|[a-zđ])"
                             r"\s*[.)\-–:]\s*", _I)
# "Trách nhiệm của Sở Tài chính", "Sở Tài chính có trách nhiệm:" name the unit too.
_RESPONSIBILITY = re.compile(
    r"^(?:trách\s+nhiệm|nhiệm\s+vụ)(?:\s+(?:và\s+quyền\s+hạn|thực\s+hiện))?\s+(?:của|giao)\s+"
    r"|\s+(?:có|chịu)\s+trách\s+nhiệm(?:\s+(?:thực\s+hiện|chủ\s+trì))?(?:\s+(?:các\s+)?(?:nhiệm\s+vụ|nội\s+dung)"
    r"(?:\s+sau)?(?:\s+đây)?)?\s*:?$", _I)
_UNIT_HEADING = re.compile(rf"^(?:Đề\s+nghị\s+|Giao\s+)?(?P<unit>{_ORG_WORD}[^:;.]{{0,150}}?)\s*[:.]?$", _I)
_NOT_A_UNIT = re.compile(r"\b(?:chủ\s+trì|phối\s+hợp|thực\s+hiện|trách\s+nhiệm|nhiệm\s+vụ)\b", _I)


def unit_heading(line: str) -> str | None:
    """The unit a heading names: «3. Sở Y tế:», «b) Ủy ban nhân dân các xã, phường»."""
    text = _RESPONSIBILITY.sub("", _HEADING_MARKER.sub("", line.strip(), count=1)).strip()
    match = _UNIT_HEADING.match(text)
    if match is None or _NOT_A_UNIT.search(text) or not text[:1].isupper():
        return None
    return _TRIM.sub("", match.group("unit")) or None
