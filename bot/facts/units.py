"""Who: the units a task names, its lead and its coordinating units, and unit headings.

Lead and coordinating units follow the wording administrations use (DESIGN §9): «A chủ trì,
phối hợp với B, C» gives lead A and coordinating B, C; otherwise the actor leads. A list of
units is split where a named unit ends («Sở Y tế, Sở Tài chính và UBND các xã, phường»), while
a class of units keeps its commas («các sở, ban, ngành»).
"""
from __future__ import annotations

import functools
import re

from bot.facts.tasks import TASK_VERBS_LOWER, UPPER, line_opening
from bot.retrieval.vietnamese import fold

__all__ = ["ORG_WORD", "clean_unit", "lead_and_coordinate", "split_units", "unit_field", "unit_heading"]

_I = re.IGNORECASE

# Words a unit's name starts with ("Trường hợp" is no school, "Tổ chức" no team).
# "Các", "Mỗi", "Từng" only before a kind of unit: «Các sở, ngành», not «Các thông số», «Các nội dung».
_UNIT_NOUN = (r"(?:đồng\s+chí\s+)?(?:sở|bộ|ban|ngành|cơ\s+quan|đơn\s+vị|địa\s+phương|doanh\s+nghiệp|tập\s+đoàn|tổng\s+công\s+ty"
              r"|công\s+ty|tỉnh|thành\s+phố|huyện|quận|thị\s+xã|xã|phường|đặc\s+khu|phòng|trung\s+tâm|chi\s+cục|cục|vụ|viện"
              r"|trường(?!\s+hợp)|bệnh\s+viện|hội|đoàn\s+thể|tổ\s+chức|thành\s+viên|ngân\s+hàng|chủ\s+đầu\s+tư|nhà\s+thầu|lực\s+lượng"
              r"|ủy\s+ban|uỷ\s+ban|ubnd|hội\s+đồng|văn\s+phòng|thủ\s+trưởng|chủ\s+tịch|giám\s+đốc|bộ\s+trưởng|người\s+đứng\s+đầu"
              r"|lãnh\s+đạo|cấp|quỹ|đài|báo(?!\s+cáo)|hiệp\s+hội|công\s+an|cơ\s+sở|tổ|đội|ngành"
              # a province's tax office since 2025: «các Thuế tỉnh, thành phố»
              r"|thuế(?=\s+(?:tỉnh|thành\s+phố|cơ\s+sở)))\b")
ORG_WORD = (rf"(?:(?:Các|Mỗi|Từng)(?=\s+{_UNIT_NOUN})|UBND|Ủy\s+ban|Uỷ\s+ban|Sở|Bộ|Ban(?!\s+hành)|Văn\s+phòng|Công\s+an|Bộ\s+Chỉ\s+huy|Thành\s+viên"
            r"|Cơ\s+quan|Hội\s+đồng|Chủ\s+tịch|Thủ\s+trưởng|Giám\s+đốc|Tổng\s+Thanh\s+tra|Trung\s+tâm|Đài"
            r"|Báo(?!\s+cáo)|Kho\s+bạc"
            # not the verbs and nouns these words also start: «Phòng, chống dịch», «Quỹ đạo», «Đơn vị tính»
            r"|Thanh\s+tra|Chi\s+cục|Phòng(?!,?\s+(?:chống|ngừa|tránh|vệ)\b)|Liên\s+đoàn|Tỉnh\s+đoàn|Hội|Mặt\s+trận|Đảng\s+ủy|Đảng\s+uỷ"
            r"|Người\s+đứng\s+đầu|Tổ\s+công\s+tác|Tổ\s+giúp\s+việc|Cục|Tổng\s+cục|Viện|Trường|Bệnh\s+viện"
            r"|Quỹ(?!\s+đạo)|Ngân\s+hàng|Tập\s+đoàn|Tổng\s+công\s+ty|Doanh\s+nghiệp|Đơn\s+vị(?!\s+tính\b)|Địa\s+phương|Cục\s+Thuế"
            r"|Bảo\s+hiểm\s+xã\s+hội|Công\s+ty|Hiệp\s+hội|Đoàn\s+(?:kiểm\s+tra|công\s+tác|thanh\s+tra|TNCS)"
            r"|Tòa\s+án|Bộ\s+Tư\s+lệnh|Học\s+viện|Đại\s+học|Chi\s+nhánh|Thành\s+phố|Tỉnh|Thủ\s+tướng"
            r"|Phó\s+Thủ\s+tướng|Vụ(?!\s+việc)|Liên\s+hiệp|Lãnh\s+đạo|Chủ\s+đầu\s+tư|(?:Phó\s+)?Trưởng\s+(?:ban|đoàn)"
            # the Government, and since 2025 a province's tax office: «Thuế thành phố Hà Nội»
            r"|Chính\s+phủ|Thuế(?=\s+(?:tỉnh|thành\s+phố|cơ\s+sở))"
            # a public social protection facility, which takes a procedure's steps (not an applicant «cơ sở»)
            r"|Cơ\s+sở\s+(?:trợ\s+giúp|bảo\s+trợ)\s+xã\s+hội"
            r")\b(?!\s+hợp\b)")
_ORG_WORD = ORG_WORD
# A separator between two units of a list: a comma, semicolon or "và" before a unit word.
# Case-sensitive: units are capitalised ("Sở Y tế, Sở Tài chính"), classes are not ("các sở, ban,
# ngành" stays one), except a class that starts with "các".
_UNIT_SEPARATOR = re.compile(rf"\s*(?:[,;]|\s(?:và|với)\s)\s*(?={_ORG_WORD}|các\s)")
_LEAD = re.compile(r"(?:^|[\s,:])(?:Giao\s+)?(?P<lead>[^:;]*?)\s*,?\s+(?:là\s+cơ\s+quan\s+)?chủ\s+trì\b", _I)
_CHAIRS = re.compile(r"chủ\s+trì", _I)
_LEAD_AT_START = line_opening(r"(?:Giao\s+|Đề\s+nghị\s+)?chủ\s+trì\b")
# «phối hợp (chặt chẽ) với B», «chủ trì cùng B»
# A unit may carry an aside: «Văn phòng UBND tỉnh (Trung tâm Công báo - Tin học) và các cơ quan …».
_COORDINATE = re.compile(r"(?:phối\s+hợp(?:\s+chặt\s+chẽ)?(?:\s+(?:với|cùng(?:\s+với)?))?|(?<=chủ\s)trì,?\s+cùng(?:\s+với)?)\s+"
                         r"(?P<units>(?:(?!phối\s+hợp)[^;:()]|\([^;:()]{1,120}\))+)", _I)
_ASIDE = re.compile(r"\([^()]*\)")
# Where a list of coordinating units ends: a lower-case verb or purpose word (unit names are
# capitalised, so "Ban Chỉ đạo" does not end it) or a closing phrase.
_UNITS_END = re.compile(
    r"\s(?:(?:để|nhằm|tổ\s+chức|triển\s+khai|thực\s+hiện|xây\s+dựng|tham\s+mưu|hướng\s+dẫn|rà\s+soát|kiểm\s+tra"
    r"|hoàn\s+thành|báo\s+cáo|trình|tổng\s+hợp|đề\s+xuất|nghiên\s+cứu|theo\s+dõi|đôn\s+đốc|xử\s+lý|cập\s+nhật"
    r"|gửi|thiết\s+lập|lập|tiếp\s+tục|khẩn\s+trương|trước|chậm\s+nhất|trong|theo|tại|về|đảm\s+bảo|bảo\s+đảm|xem\s+xét"
    r"|tiến\s+hành|làm|hỗ\s+trợ|bố\s+trí|phân\s+bổ|giải\s+quyết|đánh\s+giá|chỉ\s+đạo|quản\s+lý|thẩm\s+định"
    r"|thống\s+nhất|ban\s+hành|xác\s+định|hoàn\s+thiện|tập\s+trung|căn\s+cứ)\b)")
_LABELLED_LEAD = re.compile(r"(?:cơ\s+quan|đơn\s+vị)\s+chủ\s+trì\s*:\s*(?P<units>[^.;]+)", _I)
_LABELLED_COORDINATE = re.compile(r"(?:cơ\s+quan|đơn\s+vị)\s+phối\s+hợp\s*:\s*(?P<units>[^.;]+)", _I)
# A line that is one field of a task's description: «+ Cơ quan chủ trì: Bộ Công an.», «+ Cơ quan phối hợp: …».
_FIELD = re.compile(r"^(?:cơ\s+quan|đơn\s+vị)\s+(?P<role>chủ\s+trì|phối\s+hợp|thực\s+hiện)(?:\s+thực\s+hiện)?\s*:"
                    r"\s*(?P<units>[^.;]+)", _I)
# Words after a unit's name that describe its role, not the unit: "Sở Tài chính - Cơ quan thường
# trực", "Sở Khoa học và Công nghệ là cơ quan đầu mối", "…, trong đó trọng tâm là …"; but «Các
# cơ quan theo thẩm quyền» (the competent ones) is a class only by its qualifier.
_ROLE_TAIL = re.compile(
    r"\s+theo\s+(?:chức\s+năng|(?<!cơ\squan\stheo\s)thẩm\s+quyền|quy\s+định|phạm\s+vi)\b.*$|,\s*trong\s+phạm\s+vi\b.*$|\s+[-–]\s+(?:cơ\s+quan|thường\s+trực|trưởng|phó|ủy\s+viên|thành\s+viên)\b.*$|\s+là\s+(?:cơ\s+quan|đơn\s+vị|đầu\s+mối)\b.*$"
    r"|,\s*trong\s+đó\b.*$|\s+trong\s+(?:việc|quản\s+lý|công\s+tác|thực\s+hiện|triển\s+khai)\b.*$|\s*\(.*$|\s+(?:có|chịu)\s+trách\s+nhiệm\b.*$|\s+có\s+(?:các\s+)?nhiệm\s+vụ\b.*$|\s+t[uù]y\s+thuộc\b.*$|\s+(?-i:chỉ\s+đạo|(?<!được\s)giao|yêu\s+cầu|đề\s+nghị)\s+.*$"
    r"|\s+(?:trước|chậm\s+nhất|trong|vào)\s+(?:ngày|tháng|năm|quý)\b.*$"
    # a verb written with a capital after the unit: «Chủ tịch Ủy ban nhân dân xã/phường Quyết định hỗ trợ …»
    r"|(?<=\S)\s+(?-i:Quyết\s+định|Phê\s+duyệt|Ban\s+hành|Thực\s+hiện|Báo\s+cáo)(?!\s+(?:số|này)\b)(?:\s+(?-i:[a-zđà-ỹ]).*)?$", _I)
_ORG_START = re.compile(rf"^{_ORG_WORD}|^các\s|^UBND\b", _I)
# (and at its end a footnote's mark, «Bộ Nội vụ[6]», or a word the name's sentence went on with: «… Bộ Tài chính
# đã», «Chủ đầu tư và các», «Hội đồng nhân dân tỉnh có»)
_TRIM = re.compile(r"^[\s,;:.\-–(]+|(?:[\s,;:.\-–)]+|\[\d{1,3}\]|(?<!nếu)\s(?:đã|có|và|các|hoặc|nếu))+$")
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
            pieces = _UNIT_SEPARATOR.split(part) if _SPECIFIC_UNIT.match(part.strip()) else _close_classes(part)
            out.extend(_trim(glued) for piece in pieces for glued in _unglue(piece))
    return tuple(part for part in out if part)


# A class of units keeps its commas («các sở, ban, ngành, UBND các xã» may be one class) until a
# qualifier closes it: «các sở, cơ quan liên quan», «các sở, ban, ngành của tỉnh», «các đơn vị thuộc Bộ
# Quốc phòng» — then the next unit after a comma is another one.
_CLASS_COMMA = re.compile(rf",\s*(?=(?:{_ORG_WORD})|các\s)")
_QUALIFIER = re.compile(r"\s(?:(?:có\s+)?liên\s+quan|khác|(?:trực\s+)?thuộc|của|trên\s+địa\s+bàn)\b"
                        r"(?P<object>[^,]*)$", _I)


def _close_classes(part: str) -> list[str]:
    """A class split where a qualifier has closed it. After «thuộc» or «của» a unit's name, another
    name may still be the qualifier's («các cơ quan thuộc Bộ Xây dựng, Bộ Quốc phòng»): only «các …»
    starts a unit there."""
    pieces: list[str] = []
    start = 0
    for comma in _CLASS_COMMA.finditer(part):
        qualified = _QUALIFIER.search(part, start, comma.start())
        if qualified is None:
            continue
        named = re.search(rf"[{UPPER}]", qualified.group("object"))
        if named and not part.startswith("các", comma.end()):
            continue
        pieces.append(part[start:comma.start()])
        start = comma.end()
    return pieces + [part[start:]]


def _trim(unit: str) -> str:
    """Punctuation around a unit's name, keeping the end of its aside («… (Trung tâm Công báo)»)."""
    trimmed = _TRIM.sub("", unit)
    balanced = unit.count("(") == unit.count(")")
    return trimmed + ")" if balanced and trimmed.count("(") > trimmed.count(")") else trimmed


# Two departments or ministries a table cell runs together: «Sở Khoa học và Công nghệ Sở Công Thương».
_GLUED = re.compile(r"\s+(?=(?:Sở|Bộ)\s+[A-ZĐ])")
_DEPARTMENT = re.compile(r"^\s*(?:Sở|Bộ)\s+[A-ZĐ]")


def _unglue(piece: str) -> list[str]:
    return _GLUED.split(piece) if _DEPARTMENT.match(piece) else [piece]


def unit_field(line: str) -> tuple[bool, str] | None:
    """A field line that names who leads or who takes part («Cơ quan chủ trì: Bộ Công an.»): whether
    it names the lead, and the units it names."""
    match = _FIELD.match(line.strip(" *"))
    if match is None or not (units := clean_unit(match.group("units"))):
        return None
    return not match.group("role").lower().startswith("phối"), units


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
        # an aside's words do not end the list
        end = _UNITS_END.search(_ASIDE.sub(lambda aside: "(" + "_" * (len(aside.group()) - 2) + ")", units))
        units = units[:end.start()] if end else units
        named = [unit for unit in split_units(units) if _ORG_START.match(unit)]
        members = None if end else _MEMBERS.match(text, match.end())
        if named and members and _COUNTED_CLASS.search(named[-1]):
            named[-1] = f"{named[-1]}: {members.group('names')}"
        found.update((unit, None) for unit in named)
    return tuple(found)


# The members a class of units names after a colon: «phối hợp với Ủy ban nhân dân 04 xã: Gia Thuận,
# Tân Điền, Gò Công Đông thành lập …», each member a capitalised name.
_NAME = rf"[{UPPER}]\w*(?:\s+[{UPPER}]\w*)*"
_MEMBERS = re.compile(rf":\s*(?P<names>{_NAME}(?:\s*(?:,|\svà\s)\s*{_NAME})+)")
_COUNTED_CLASS = re.compile(r"(?:\bcác|\d{1,3})\s+\w+$", _I)


# A comma-separated time or ground inside the words before «chủ trì»: «…, trong 05 ngày làm việc,».
_OPENING_SEGMENT = re.compile(r",\s*(?:trong|sau|trước|chậm\s+nhất|kể\s+từ|tính\s+từ|căn\s+cứ|trên\s+cơ\s+sở|định\s+kỳ"
                              r"|hằng|hàng)\b[^,]*,", _I)


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
    # A time or a ground between two units ends the first one's part: «Trên cơ sở Quyết định … của Ủy
    # ban nhân dân xã, trong 05 ngày làm việc, Sở Khoa học và Công nghệ chủ trì …» is the department's.
    cuts = [m.end() for m in _OPENING_SEGMENT.finditer(lead)]
    if cuts:
        after = [m.start() for m in re.finditer(rf"(?<!\w){_ORG_WORD}", lead[cuts[-1]:], _I) if m.group()[:1].isupper()]
        if not after:
            return None
        lead = lead[cuts[-1] + after[0]:]
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

_HEADING_MARKER = re.compile(r"^(?:(?:Điều|Khoản|Mục|Phụ\s+lục)\s+(?:\d{1,3}|[IVX]{1,4})|[IVX]{1,4}|\d{1,3}(?:\.\d{1,2}){0,4}|[a-zđ])"
                             r"\s*[.)\-–:]\s*", _I)
# "Trách nhiệm của Sở Tài chính", "Sở Tài chính có trách nhiệm:" name the unit too.
# A regulation's title names it as well: «QUY ĐỊNH CHỨC NĂNG, NHIỆM VỤ, QUYỀN HẠN VÀ CƠ CẤU TỔ CHỨC
# CỦA SỞ TƯ PHÁP».
_RESPONSIBILITY = re.compile(
    rf"^(?:trách\s+nhiệm|nhiệm\s+vụ)(?:\s+(?:và\s+quyền\s+hạn|thực\s+hiện)|,\s*quyền\s+hạn)?(?:\s+(?:của|giao)\s*|\s+(?=(?-i:{ORG_WORD})|các\s+{_UNIT_NOUN}))"
    r"|^(?:quy\s+định\s+)?chức\s+năng,\s*nhiệm\s+vụ(?:,\s*|\s+và\s+)quyền\s+hạn(?:\s+và\s+cơ\s+cấu\s+tổ\s+chức)?\s+của\s+"
    r"|\s+(?:có|chịu)\s+trách\s+nhiệm\b.*$"  # the title may be cut short: "… có trách nhiệm tổ…"
    r"|\s+có\s+(?:các\s+)?nhiệm\s+vụ\b.*$", _I)  # «3. Ban Kiểm soát có các nhiệm vụ và quyền hạn sau:»
# «1. Thủ trưởng các sở, ban, ngành tỉnh; Chủ tịch UBND các xã, phường»: units a heading lists.
# (a heading that addresses them, «1. Giao người đứng đầu các cơ quan …; Chủ tịch …», may list many)
_UNIT_HEADING = re.compile(rf"^(?:(?:Đề\s+nghị|Giao)\s+(?P<addressed>{_ORG_WORD}[^:.]{{0,250}}?)|(?P<unit>{_ORG_WORD}[^:.]{{0,150}}?))\s*[:.]?$", _I)
# «Điều 5. Nội dung Sở Dân tộc và Tôn giáo có trách nhiệm chủ trì»: the duties listed under it are
# led by that unit (not «… có trách nhiệm phối hợp», whose unit only helps).
_LEADS_DUTIES = re.compile(rf"^(?:các\s+)?(?:nội\s+dung|nhiệm\s+vụ|công\s+việc)\s+(?P<unit>{_ORG_WORD}[^:.]{{0,120}}?)"
                           r"\s+(?:có\s+trách\s+nhiệm\s+|được\s+giao\s+)?chủ\s+trì(?:\s+thực\s+hiện)?\s*[:.]?$", _I)
_DUTIES_ANNOUNCED = re.compile(r"\s+(?:thực\s+hiện|gồm)\s+(?:các\s+)?(?:chức\s+năng|nhiệm\s+vụ|quyền\s+hạn)\b.*$", _I)
# «Nhiệm vụ giao Sở Y tế», «Các nhiệm vụ giao Tổng Giám đốc Tập đoàn Điện lực Việt Nam (EVN) chỉ đạo»: the
# unit is the one the duties are given to («giao» would otherwise end its name as a verb of its own).
_ASSIGNED_DUTIES = re.compile(rf"^(?:các\s+)?(?:nhiệm\s+vụ|công\s+việc|nội\s+dung)\s+(?:được\s+)?giao\s+(?:cho\s+)?"
                              rf"(?=(?-i:{ORG_WORD}|Tổng\s+Giám\s+đốc|các\s+{_UNIT_NOUN}))", _I)
_ASSIGNED_VERB = re.compile(r"\s+(?:chỉ\s+đạo|chủ\s+trì|thực\s+hiện|triển\s+khai)(?:\s+thực\s+hiện)?\s*[:.]?$|\s*[:.]$", _I)
_NOT_A_UNIT = re.compile(r"\b(?:chủ\s+trì|phối\s+hợp|thực\s+hiện|trách\s+nhiệm|nhiệm\s+vụ)\b", _I)


@functools.lru_cache(maxsize=4096)  # headings are asked about again for every line under them
def unit_heading(line: str) -> str | None:
    """The unit a heading names: «3. Sở Y tế:», «b) Ủy ban nhân dân các xã, phường»."""
    text = _HEADING_MARKER.sub("", line.strip(" *"), count=1).strip()
    leads = _LEADS_DUTIES.match(text)
    if leads:
        return clean_unit(leads.group("unit"))
    assigned = _ASSIGNED_DUTIES.match(text)
    if assigned:  # «Nhiệm vụ giao Sở Y tế», «Nhiệm vụ giao Bộ trưởng Bộ Công an chỉ đạo»
        return clean_unit(_ASSIGNED_VERB.sub("", text[assigned.end():]))
    text = _ROLE_TAIL.sub("", text).strip()
    named = _RESPONSIBILITY.search(text)
    text = _RESPONSIBILITY.sub("", text).strip()
    if named and named.start() == 0:  # "Trách nhiệm của đối tượng thực hiện kiểm kê:"
        unit = text.rstrip(" :")
        # a unit's name ends where its duties are announced: «Nhiệm vụ, quyền hạn Trung tâm Bảo tồn … thực
        # hiện nhiệm vụ, quyền hạn theo quy định …»
        return clean_unit(_DUTIES_ANNOUNCED.sub("", unit))
    match = _UNIT_HEADING.match(text)
    if match is None or _NOT_A_UNIT.search(text) or not (named or text[:1].isupper()):
        return None
    return clean_unit(match.group("unit") or match.group("addressed"))


# Abbreviations administrations use, expanded before comparing (on folded text).
_ABBREVIATIONS = ((r"\bubnd\b", "uy ban nhan dan"), (r"\bhdnd\b", "hoi dong nhan dan"),
                  (r"\btp\b\.?", "thanh pho"), (r"\bmttq\b", "mat tran to quoc"),
                  (r"\bkbnn\b", "kho bac nha nuoc"), (r"\bbhxh\b", "bao hiem xa hoi"))
_ABBREVIATION_RES = tuple((re.compile(p), r) for p, r in _ABBREVIATIONS)


def normalise(text: str) -> str:
    """Folded, abbreviations expanded, punctuation as spaces: «UBND TP. Huế» → "uy ban nhan
    dan thanh pho hue"."""
    folded = fold(text)
    for pattern, replacement in _ABBREVIATION_RES:
        folded = pattern.sub(replacement, folded)
    return " ".join(re.sub(r"[^\w,]+", " ", folded).replace(",", " , ").split()).replace(" ,", ",")
