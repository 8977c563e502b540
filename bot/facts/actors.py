"""Who acts and what they do: the actor and the action of a sentence with a deadline.

The action is the clause's verb phrase around the deadline; the actor is the unit named at the
start of the sentence (before its colon or its first verb, after an opening time phrase or a
topic, or the unit asked to do it), of the enclosing item ("6. Sở Nội vụ: …") or by the nearest
heading that names a unit ("1. Bộ Khoa học và Công nghệ").
"""
from __future__ import annotations

import re

from bot.facts.deadlines import FoundDeadline
from bot.facts.paragraphs import Paragraph, list_marker, strip_marker
from bot.facts.tasks import SENTENCE_END, TASK_VERBS_LOWER, UPPER
from bot.facts.time_phrases import is_mention
from bot.facts.units import ORG_WORD, clean_unit, lead_and_coordinate, split_units, unit_field, unit_heading
from bot.ingestion.sections import SECTION_SEPARATOR

__all__ = ["TRAIL", "action_of", "actor_of", "heading_actor", "item_actor", "section_actor", "section_coordinate", "tidy_action"]

_I = re.IGNORECASE

_ORG_START = ORG_WORD
# (not an account of what a body did: «- Bộ đã giao: Cục Quản lý đất đai hướng dẫn …»)
_ACTOR_COLON = re.compile(rf"^(?:Đề\s+nghị\s+|Giao\s+)?(?P<actor>{_ORG_START}(?!\s+(?:đã|đang|vừa)\s)[^:;.]{{0,150}}?)"
                          r"\s*:\s*\S", _I)
# Verbs that start the obligation; the words before them (from an organisation word) are the actor.
# The verb is in lower case: "Sở Xây dựng" is a unit, not "Sở" + "xây dựng".
_VERBS = (r"gửi|nộp|báo\s+cáo|hoàn\s+thành|hoàn\s+thiện|tổng\s+hợp|xây\s+dựng|ban\s+hành|trình|tổ\s+chức"
          r"|triển\s+khai|rà\s+soát|cập\s+nhật|lập|thực\s+hiện|công\s+bố|kiểm\s+tra|đánh\s+giá|phê\s+duyệt"
          r"|chuyển|thông\s+báo|đề\s+xuất|tham\s+mưu|bàn\s+giao|chủ\s+trì|phối\s+hợp|chỉ\s+đạo|hướng\s+dẫn"
          r"|tiếp\s+nhận|cung\s+cấp|xác\s+định|giải\s+quyết|trả\s+lời|có\s+văn\s+bản|tập\s+trung|khẩn\s+trương"
          r"|ký|đăng\s+ký|lựa\s+chọn|thẩm\s+định|chi\s+trả|đôn\s+đốc|sơ\s+kết|tổng\s+kết|hỗ\s+trợ|bố\s+trí"
          r"|sửa\s+chữa|xử\s+lý|quyết\s+định|phân\s+bổ|số\s+hoá|số\s+hóa|đẩy\s+nhanh|theo\s+dõi")
# More verbs end an actor than start an action (those are frozen with the obligation keys).
# "tổ chức" may be part of the unit: "các cơ quan, tổ chức có liên quan", "Cơ quan, tổ chức, đơn vị
# cấp trên …"; "trình" after "công" is a work: "Các đơn vị quản lý vận hành công trình điện lực".
_ACTOR_END_VERBS = (_VERBS.replace(r"|tổ\s+chức", r"|(?<!,\s)tổ\s+chức(?!\s+(?:có\s+liên\s+quan|liên\s+quan|chính\s+trị|,|và))")
                    .replace(r"|lập", r"|(?<!công\s)lập").replace(r"|trình|", r"|(?<!công\s)trình|")
                    # a body named by its work: «Hội đồng thẩm định cấp chuyên ngành», «cơ quan tham mưu, quản lý …»
                    .replace(r"|thẩm\s+định", r"|(?<!hội\sđồng\s)(?<!cơ\squan\s)thẩm\s+định")
                    .replace(r"|tham\s+mưu", r"|(?<!cơ\squan\s)tham\s+mưu")
                    # «Ban Quản lý dự án đầu tư xây dựng tỉnh» is one unit's name
                    .replace(r"|xây\s+dựng", r"|(?<!đầu\stư\s)xây\s+dựng")
                    # «Văn phòng đăng ký đất đai» is one unit's name too
                    .replace(r"|ký|đăng\s+ký", r"|(?<!đăng\s)ký|(?<!văn\sphòng\s)đăng\s+ký")
                    # the one who assigns, before the one assigned: «Chủ tịch UBND tỉnh giao Sở Xây dựng chủ trì …»
                    # (and a body named in lower case: «Bộ trưởng … giao cơ quan tham mưu … thông báo …»)
                    + rf"|(?<!được\s)(?<!bàn\s)giao(?=\s+(?-i:[{UPPER}])|\s+các\s|\s+(?:cơ\s+quan|đơn\s+vị)\s)"
                    # consulting and publishing: «Cục Bảo tồn … lấy ý kiến các cơ quan …», «… đăng tải thông tin …»
                    r"|(?<!được\s)lấy\s+ý\s+kiến|đăng\s+tải"
                    + r"|xem\s+xét|tiến\s+hành|ra\s+quyết\s+định|có\s+ý\s+kiến|kiểm\s+tra|phản\s+hồi|xác\s+minh|giám\s+sát"
                    r"|công\s+nhận|thông\s+báo|yêu\s+cầu|đề\s+nghị|nghiên\s+cứu|ưu\s+tiên|bảo\s+đảm|đảm\s+bảo"
                    r"|thành\s+lập|làm\s+việc|đẩy\s+mạnh|căn\s+cứ|(?<!đơn\svị\s)(?<!cơ\squan\s)trực\s+tiếp|rút\s+kinh\s+nghiệm|huy\s+động|vận\s+động"
                    # procedure steps: «Sở Y tế trả cơ sở Phiếu …», «UBND cấp tỉnh cấp phép …» («cấp» of a
                    # level, «UBND cấp xã», stays in the name), «Sở Xây dựng phân công cán bộ …»
                    # («đơn vị trực tiếp quản lý» is a unit named by its relation, not a verb)
                    r"|trả|cấp\s+(?:phép|giấy|mới|lại|đổi|chứng|thẻ|mã|kinh\s+phí)|phân\s+công|thiết\s+lập|niêm\s+yết"
                    # taking in comments and answering them; acting as the focal point
                    r"|tiếp\s+thu|giải\s+trình|(?:làm|là)\s+đầu\s+mối|hoàn\s+chỉnh|giúp|phát\s+huy|họp"
                    # amending a list, folding one plan into another: «Bộ … sửa đổi, bổ sung Danh mục …»,
                    # «UBND các xã, phường lồng ghép việc chỉnh trang … vào kế hoạch …»
                    r"|sửa\s+đổi|bổ\s+sung|lồng\s+ghép")
# Words that open a predicate and never a unit's name: modals and the adverbs of a directive
# («phải», «cần», «tiếp tục», «khẩn trương», «chủ động»), lower case.
# A clause of time or condition also ends the name: «Các cơ quan, đơn vị, địa phương khi sơ kết, … gửi hồ sơ».
_PREDICATE_START = r"(?:khi|nếu|phải|cần|đang|sẽ|có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm|khẩn\s+trương|chủ\s+động|tiếp\s+tục|nghiêm\s+túc|tích\s+cực|quyết\s+liệt)"
# Units a semicolon lists share the verb: «Sở Văn hoá, Thể thao và Du lịch; UBND các xã, phường niêm yết …».
_ACTOR_VERB = re.compile(
    rf"^(?:(?:Giao|Đề\s+nghị|Yêu\s+cầu)\s+)?(?:(?:các\s+)?đồng\s+chí\s+)?(?P<actor>{_ORG_START}(?:[^:;.()]|;\s*(?=(?-i:[{UPPER}])|các\s)(?={_ORG_START})){{0,250}}?)\s*,?\s+(?:(?:có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm"
    rf"|định\s+kỳ(?:\s+(?:hoặc|và)\s+đột\s+xuất)?|thường\s+xuyên|phải|cần|sẽ|khẩn\s+trương|chủ\s+động"
    rf"|tiếp\s+tục|nghiêm\s+túc|tích\s+cực|kịp\s+thời|quyết\s+liệt)\s+)*"
    # its verb, or its time first: «Thành viên Ban Chỉ đạo định kỳ 06 tháng (trước ngày …) báo cáo»,
    # or the duties it announces: «Tập đoàn Điện lực Việt Nam có trách nhiệm:»; or a word that
    # only a predicate starts with, whatever verb follows: «… tiếp tục bám sát tình hình …»
    # (not the verb of what a unit was assigned, part of its name: «Cơ quan được giao thẩm định …»)
    rf"(?:(?<!được\sgiao\s)(?<!giao\schủ\strì\s)(?=(?:{_ACTOR_END_VERBS})\b|định\s+kỳ\s+\d|(?:hằng|hàng)\s+(?:năm|quý|tháng|tuần|ngày)\b|(?:có|chịu)\s+trách\s+nhiệm\s*:)"
    rf"|(?<=\s)(?-i:{_PREDICATE_START})\s+)"
    rf"(?=(?-i:[^A-ZĐÂĂÊÔƠƯ]))", _I)
# A unit named by what it was assigned, up to its duty: «Ủy ban nhân dân cấp xã được giao vốn thực hiện
# dự án có trách nhiệm thông báo …».
_ASSIGNED = re.compile(rf"^(?P<actor>{_ORG_START}[^:;.()]{{0,80}}?\sđược\s+giao\s[^:;.(),]{{1,120}}?)\s+(?=(?-i:{_PREDICATE_START})\s)", _I)
# The members a class names after its colon, then their verb: «Các Bộ, cơ quan: Tài chính, Xây dựng, …,
# Tập đoàn Điện lực Việt Nam theo chức năng, nhiệm vụ được giao khẩn trương rà soát …».
_NAMES = re.compile(rf"\s*(?P<names>[{UPPER}][^:;.()]{{0,300}}?)\s+(?:theo\s+chức\s+năng[^;:.()]{{0,60}}?\s+)?"
                    rf"(?=(?-i:{_PREDICATE_START})\s|(?-i:{_ACTOR_END_VERBS})\b)")
# Words that open a sentence with a time, a ground or a link before its unit is named.
_OPENING = re.compile(r"^\W*(?:trong|chậm\s+nhất|sau|định\s+kỳ|hằng|hàng|trước|khi|căn\s+cứ|trên\s+cơ\s+sở|vì\s+vậy|trường\s+hợp"
                      r"|đối\s+với|do\s+đó|đồng\s+thời|ngoài\s+ra|theo\s+đó|nguồn|tháng|quý|năm|đến|để)\b", _I)
_OPENING_CHARS = 450
# A line that opens with its rhythm and then its verb of reporting: the units that follow receive it.
_PERIODIC_REPORT = re.compile(r"^\W*(?:định\s+kỳ|hằng|hàng)(?:\s+(?:hoặc|và|đột\s+xuất|hằng|hàng|mỗi|năm|quý|tháng|tuần"
                              r"|\d{1,2}|,))*\s+(?-i:báo\s+cáo|gửi|trình)\s", _I)
# Item markers the list markers leave: «(ii)», «(3)», «Bước 1:», a footnote's «[2]».
_LEAD_IN = re.compile(r"^(?:\(\s*(?:[ivx]{1,4}|\d{1,2}|[a-zđ])\s*\)|\[\d{1,3}\]|Bước\s+\d{1,2}\s*[:.])\s*", _I)
# An aside inside a unit's name: «(sau đây viết tắt là Ủy ban nhân dân cấp xã)», «(quy định tại Phụ
# lục I kèm theo Quyết định này)».
_ASIDE = re.compile(r",?\s*\([^()]{0,160}\)")  # with the comma before it: «các xã, phường, (sau đây …) tổ chức …»
# A topic that ends in a colon before the one who acts: «Về việc thỏa thuận …: UBND Thành phố …».
_TOPIC = re.compile(r"^Về\b[^:]{0,250}:\s*", _I)
# A line about a unit, what it does after the colon: «Đối với các sở, ban, ngành: …», «Đối với ngành Giáo dục …:».
_CONCERNS = re.compile(rf"^Đối\s+với\s+(?P<unit>(?:{ORG_WORD}|ngành\s)[^:;.()]{{0,100}}?)\s*:\s*", _I)
# A step's or an item's short title before the one who acts: «Lập phương án giá: Cơ quan được giao …».
# (not the addressees of a letter, «Kính gửi: …», who are no actor of what follows on the line)
_LABEL = re.compile(rf"^(?!Kính\s+gửi)[^:;.()]{{1,60}}:\s*(?=(?-i:{ORG_WORD}))", _I)
# «yêu cầu», «đề nghị», «giao» in the text, or opening a later sentence.
_ASKS = re.compile(r"(?:^|(?<=[\s,;.]))(?:(?-i:giao|yêu\s+cầu|đề\s+nghị)|(?<=\.\s)(?:Giao|Yêu\s+cầu|Đề\s+nghị))\s+", _I)
# A unit named in capitals, or a class of units in lower case right after the time: «Định kỳ 06
# tháng các cơ quan có liên quan báo cáo …».
_UNIT_WORD = re.compile(rf"(?<=\s)(?:(?-i:{ORG_WORD})|(?=(?-i:các|mỗi|từng)\s){ORG_WORD})", _I)
# Not the anchor of a period: «kể từ ngày Sở Y tế có văn bản …, cơ sở phải nộp …».
_AFTER_TIME = re.compile(r"(?:(?<!từ\s)ngày|làm\s+việc|tháng|năm|quý|\))\s+$", _I)
_HAS_DUTY = re.compile(rf"(?-i:{ORG_WORD})[^,:;.()]{{0,80}}?\s(?:có|chịu)\s+trách\s+nhiệm\b", _I)
_COORDINATING = re.compile(r"phối\s+hợp(?:\s+chặt\s+chẽ)?(?:\s+với)?\s+[^;:.]*,\s*$", _I)
_LIST_TAIL = re.compile(r"(?:ban|ngành|địa\s+phương|xã|phường|đặc\s+khu|đoàn\s+thể|tổ\s+chức|đơn\s+vị)\b")
# The words an action starts after are frozen as they were before tasks: the action is part of
# an obligation's key (`bot.obligations.obligation_key`), which reports and mutes hang on.
_ACTION_ORG_START = (r"(?:Các|Mỗi|UBND|Ủy\s+ban|Uỷ\s+ban|Sở|Bộ|Ban|Văn\s+phòng|Công\s+an|Bộ\s+Chỉ\s+huy|Thành\s+viên"
                     r"|Cơ\s+quan|Hội\s+đồng|Chủ\s+tịch|Thủ\s+trưởng|Giám\s+đốc|Trung\s+tâm|Đài|Báo|Kho\s+bạc"
                     r"|Thanh\s+tra|Chi\s+cục|Phòng|Liên\s+đoàn|Tỉnh\s+đoàn|Hội|Mặt\s+trận|Đảng\s+ủy|Đảng\s+uỷ"
                     r"|Người\s+đứng\s+đầu|Tổ\s+công\s+tác|Tổ\s+giúp\s+việc|Cục|Tổng\s+cục|Viện|Trường|Bệnh\s+viện"
                     r"|Quỹ|Ngân\s+hàng|Tập\s+đoàn|Tổng\s+công\s+ty|Doanh\s+nghiệp|Đơn\s+vị|Địa\s+phương|Cục\s+Thuế)\b(?!\s+hợp\b)")  # "Trường hợp" is no school
_ACTION_ACTOR = re.compile(
    rf"^(?P<actor>{_ACTION_ORG_START}[^:;.()]{{0,120}}?)\s*,?\s+(?:(?:có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm"
    rf"|định\s+kỳ|phải|cần|khẩn\s+trương|chủ\s+động|tiếp\s+tục)\s+)*(?={_VERBS})", _I)
_VERB_START = re.compile(rf"(?<!\w)(?:{_VERBS})(?!\w)", _I)
_DOC_NOUN_SEND = re.compile(
    r"^(?P<obj>(?:hồ\s+sơ|báo\s+cáo|văn\s+bản|danh\s+sách|kế\s+hoạch|đề\s+xuất|kết\s+quả|ý\s+kiến)\b[^,;]*?)"
    r"(?:,[^;]*?)?\s+(?P<verb>gửi|nộp|chuyển)\s+(?P<rest>.+)$", _I)
_LEAD_WORDS = re.compile(
    r"^(?:(?:đề\s+nghị|yêu\s+cầu|giao|định\s+kỳ|có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm|phải|và|đồng\s+thời"
    r"|thời\s+gian\s+(?:hoàn\s+thành|thực\s+hiện)\s*:?|thời\s+hạn(?:\s+hoàn\s+thành)?\s*:?)\s*,?\s*)+", _I)
TRAIL = re.compile(r"[\s,;:.(*\-–]+$")
_PURPOSE = re.compile(r"\s+(?:để|nhằm)\s+.*$", _I)
MAX_ACTION_CHARS = 200


def actor_of(text: str, openings: bool = True) -> str | None:
    """The unit a sentence or item names before its colon or its first verb, or right after an
    opening time phrase ("Trong thời hạn 10 ngày …, Sở Xây dựng có trách nhiệm …"), or after a
    topic that ends in a colon («Về việc …: Giao Bộ Nội vụ nghiên cứu …»); the unit asked to do
    it when the named one asks («UBND Thành phố yêu cầu các sở, ngành … triển khai»). Without
    openings, only a unit the text starts with."""
    # Bold and italic markers left by the source («**Điều 2. **Giao …», «… liên quan *tiếp tục …*»)
    # hide the words around them.
    text = _LEAD_IN.sub("", strip_marker(text.replace("*", "").lstrip(" ")).lstrip(" "), count=1).lstrip(" ")
    text = _ASIDE.sub("", text)
    match = _colon_actor(text)
    if match:
        actor = TRAIL.sub("", match.group("actor")).strip()
        names = _NAMES.match(text, match.end("actor") + text[match.end("actor"):].index(":") + 1)
        # only a class names its members, two or more («Các Bộ, cơ quan:», «Ủy ban nhân dân các thành
        # phố: Hà Nội, Cần Thơ»), and a member is no verb nor time («Sở Y tế: Hướng dẫn …», «UBND các
        # xã, phường: Định kỳ hằng quý báo cáo …» are the unit's task)
        pieces = re.split(r",|\s+và\s+", names.group("names")) if names else []
        if len(pieces) > 1 and re.search(r"(?:^|\s)các\s", actor, _I) \
                and not (_VERB_START.match(pieces[0]) or _OPENING.match(pieces[0])) \
                and all(piece.strip()[:1].isupper() for piece in pieces):
            return f"{actor}: {names.group('names').strip()}"
        return actor or None
    match = _subject(text)
    if match:
        return _acting(match, text[match.end():])
    if not openings:
        return None
    concerned = _CONCERNS.match(text)
    if concerned:
        # «Đối với ngành Giáo dục và Đào tạo: Căn cứ …, gửi hồ sơ …»: the unit the line is about acts,
        # unless what follows names its own
        return actor_of(text[concerned.end():]) or TRAIL.sub("", concerned.group("unit")).strip()
    topic = _TOPIC.match(text) or _LABEL.match(text)
    if topic:
        return actor_of(text[topic.end():])
    asked = _purpose_addressee(text) or _addressee(text)
    if asked:
        return asked
    if _PERIODIC_REPORT.match(text):
        # «Định kỳ hoặc đột xuất báo cáo Ủy ban nhân dân tỉnh, Bộ …, Ban …»: the units after the verb
        # are whom the report goes to; the line names no one who reports
        return None
    if _OPENING.match(text):
        # after a comma, a colon or «thì» («Trường hợp …, … thì cơ quan có thẩm quyền …»), or at a
        # capitalised unit word ("Trong thời hạn 05 ngày làm việc Ủy ban …")
        # or at a unit that «có trách nhiệm» («… kể từ ngày tiếp nhận đăng ký Công an cấp xã có trách nhiệm …»)
        # or at the start of the next sentence («… hộ gia đình. Ủy ban nhân dân cấp xã thực hiện …»)
        starts = sorted({m.end() for m in re.finditer(r"[,:]\s*|\sthì\s+", text[:_OPENING_CHARS])}
                        | {m.end() for m in SENTENCE_END.finditer(text[:_OPENING_CHARS])}
                        | {m.start() for m in _UNIT_WORD.finditer(text[:_OPENING_CHARS])
                           if _AFTER_TIME.search(text, 0, m.start()) or _HAS_DUTY.match(text, m.start())})
        for start in starts:
            match = _subject(text[start:])
            # not the tail of a list the opening names ("… của các sở, ban, ngành, địa phương, …"),
            # nor a condition's subject running into its consequence ("… Thủ tướng thì cơ quan …"),
            # nor a unit of a coordinating list («… và phối hợp với các sở, ban, ngành, Ủy ban nhân dân …»)
            if (match and not _LIST_TAIL.match(match.group("actor")) and " thì " not in match.group("actor")
                    and not _COORDINATING.search(text, 0, start)):
                # the one it asks, when it asks («…, Bộ trưởng … giao cơ quan tham mưu … thông báo …»)
                return _acting(match, text[start + match.end():])
    return None


def _acting(subject: re.Match[str], rest: str) -> str | None:
    """Who acts: the unit the subject asks in the rest of the text («Chủ tịch UBND tỉnh giao Sở Xây dựng
    chủ trì …»), else the subject itself."""
    return _addressee(rest) or TRAIL.sub("", subject.group("actor")).strip() or None


def _colon_actor(text: str) -> re.Match[str] | None:
    """The unit before a line's colon («6. Sở Nội vụ: …»), unless its verb comes before the colon,
    which then announces what it does: «Cơ quan quản lý nhà ở cấp tỉnh lập tờ trình gửi Ủy ban nhân
    dân cấp tỉnh … bao gồm các nội dung: …» (the unit is read up to its verb instead)."""
    match = _ACTOR_COLON.match(text)
    verb_first = _subject(text) if match else None
    return None if verb_first and verb_first.end("actor") < match.end("actor") else match


def _subject(text: str) -> re.Match[str] | None:
    """The unit a text starts with, up to its predicate."""
    return _ASSIGNED.match(text) or _ACTOR_VERB.match(text)


# A purpose opens the sentence and its main clause asks a unit, however long the purpose: «Để đảm bảo
# chất lượng, tiến độ …, phấn đấu hoàn thành … [2], yêu cầu Bộ Y tế, Ban Quản lý dự án … tiếp tục …».
_PURPOSE_ASKS = re.compile(r"^\W*Để\s[^;:]*?,\s*(?:yêu\s+cầu|đề\s+nghị|giao)\s+(?:đồng\s+chí\s+)?(?=(?-i:[" + UPPER + r"])|các\s)", _I)


def _purpose_addressee(text: str) -> str | None:
    """The unit the main clause after an opening purpose («Để …, yêu cầu …») asks to act."""
    asked = _PURPOSE_ASKS.match(text)
    match = _subject(text[asked.end():]) if asked else None
    if match is None or _LIST_TAIL.match(match.group("actor")):
        return None
    return TRAIL.sub("", match.group("actor")).strip() or None


def _addressee(text: str) -> str | None:
    """The unit after «yêu cầu», «đề nghị», «giao» that is then told what to do, when the asking
    is the sentence's own verb (in «tham mưu UBND tỉnh tổ chức …, yêu cầu cơ quan …» it is part
    of the task)."""
    starts = [0] + [m.end() for m in SENTENCE_END.finditer(text)]
    for asked in _ASKS.finditer(text[:_OPENING_CHARS]):
        head = text[max(i for i in starts if i <= asked.start()):asked.start()]
        if TASK_VERBS_LOWER.search(head):
            continue
        match = _subject(text[asked.end():])
        if match and not _LIST_TAIL.match(match.group("actor")):
            return TRAIL.sub("", match.group("actor")).strip() or None
    return None


def _clause_bounds(sentence: str, found: FoundDeadline) -> tuple[int, int]:
    """The clause (between semicolons, after a heading colon) around a deadline."""
    start = sentence.rfind(";", 0, found.start) + 1
    colon = sentence.rfind(":", start, found.start)
    if colon != -1 and not re.search(r"(?:thời\s+(?:hạn|gian)[^:]{0,20}|hạn)\s*$", sentence[start:colon], _I):
        start = colon + 1
    end = sentence.find(";", found.end)
    return start, len(sentence) if end == -1 else end


# A row's number cell before its words: «5 | Thực hiện …», «B9 | Tổng hợp …», «Bước 1 | Lập biên bản …».
_NUMBER_CELL = re.compile(r"^\W{0,2}(?:\d{1,3}|B\d{1,2}|Bước\s+\d{1,2})\W{0,2}\s*\|\s*", _I)


def tidy_action(text: str) -> str:
    text = strip_marker(_NUMBER_CELL.sub("", text.lstrip(" ,;:()*")).rstrip(" ,;:(*"))
    text = _LEAD_WORDS.sub("", text).strip()
    text = TRAIL.sub("", text)
    if len(text) > MAX_ACTION_CHARS:
        cut = text[:MAX_ACTION_CHARS]
        text = cut[:cut.rfind(" ")].rstrip(" ,;") + "…"
    return text


# «… theo Hướng dẫn 7886/HD-BNV ngày»: the date's own word, left when the action stops at a cited date.
_CITED_TAIL = re.compile(r"\s+ngày\s*$", _I)


def action_of(sentence: str, found: FoundDeadline, others: list[FoundDeadline]) -> str:
    """The verb phrase of the obligation: the clause's words before the deadline, else after it."""
    start, end = _clause_bounds(sentence, found)
    # Another deadline of the same clause bounds this one's words.
    for other in others:
        if other is not found and start <= other.end <= found.start:
            start = other.end
        if other is not found and found.end <= other.start < end:
            end = other.start
    before = sentence[start:found.start]
    if is_mention(found):  # a cited text's date: the words stop before the citation it dates
        before = _CITED_TAIL.sub("", before[:before.rfind("(")] if before.rfind("(") > before.rfind(")") else before)
    actor = _ACTION_ACTOR.match(strip_marker(before.strip()))
    if actor:
        before = strip_marker(before.strip())[actor.end():]
    before = tidy_action(before)
    if len(before) < 6 or not _VERB_START.search(before):
        after = _PURPOSE.sub("", sentence[found.end:end])
        after_actor = _ACTION_ACTOR.match(after.strip(" ,()*"))
        after = after.strip(" ,()*")[after_actor.end():] if after_actor else after
        after = tidy_action(after)
        before = after if len(after) >= 6 else before or after
    if len(before) < 6 and start:  # «X khẩn trương hướng dẫn, rà soát …; hoàn thành trước ngày …»: the clauses before
        earlier = strip_marker(sentence[:start].strip(" ;,"))
        actor = _ACTION_ACTOR.match(earlier)
        before = tidy_action(earlier[actor.end():] if actor else earlier) or before
    send = _DOC_NOUN_SEND.match(before)
    if send:  # "Hồ sơ … gửi về Sở Nội vụ" → "gửi hồ sơ … về Sở Nội vụ"
        before = f"{send.group('verb')} {send.group('obj')[0].lower()}{send.group('obj')[1:]} {send.group('rest')}"
    return before


# A field of an item that says no work: who leads or helps, when, what it yields, what it costs.
_NO_WORK_FIELD = re.compile(r"^(?:(?:cơ\s+quan|đơn\s+vị)(?:\s+\w+){0,3}|thời\s+(?:gian|hạn|điểm)|tiến\s+độ|hoàn\s+thành"
                            r"|sản\s+phẩm|kết\s+quả|kinh\s+phí|nguồn\s+kinh\s+phí)[^:]{0,40}:", _I)
# The field that does: «- Nội dung thực hiện: Tổ chức phổ biến …».
_WORK_FIELD = re.compile(r"^(?:nội\s+dung|nhiệm\s+vụ|công\s+việc)(?:\s+(?:thực\s+hiện|công\s+việc|cụ\s+thể))?"
                         r"\s*:\s*", _I)
_WORK_LINES = 6  # lines back to an item's work, past its fields
_MIN_WORK_CHARS = 6
# A line that is a field of time: «Thời hạn hoàn thành: …», «Thời gian thực hiện: …», «Hoàn thành trước ngày …».
_TIME_FIELD = re.compile(r"^\s*(?:thời\s+(?:gian|hạn)(?:\s+(?:thực\s+hiện|hoàn\s+thành))*|hoàn\s+thành(?:\s+xong)?)"
                         r"\s*:?", _I)


def item_work(paragraphs: list[Paragraph], index: int) -> str:
    """The work a line that only states a time belongs to («Thời hạn chậm nhất 05 ngày làm việc …», «- Thời gian
    thực hiện: Hằng năm.»): the nearest line above in its item that says what to do, past the item's fields of
    units and times; its «Nội dung:» field's words; or the words after the unit of a line that opens with one
    («1. Sở Tài chính chủ trì, phối hợp với … Rà soát, xây dựng quy trình …»). "" when none is found."""
    section = paragraphs[index].section
    for j in range(index - 1, max(-1, index - 1 - _WORK_LINES), -1):
        para = paragraphs[j]
        if para.section != section and not section.startswith(para.section + SECTION_SEPARATOR):
            return ""
        line = strip_marker(para.text.strip(" *"))
        if not line or _NO_WORK_FIELD.match(line) or line.endswith(":"):  # (a lead-in: its lines are the work)
            continue
        field = _WORK_FIELD.match(line)
        actor = _ACTION_ACTOR.match(line)
        work = tidy_action(line[field.end():] if field else line[actor.end():] if actor else line)
        if len(work) >= _MIN_WORK_CHARS and not unit_heading(para.text):  # (not a heading that only names a unit)
            return work
        if para.section != section:
            return ""  # the item's heading names no work: none to borrow from further up
    return ""


def states_only_time(quote: str, deadline: str) -> bool:
    """Whether a line says nothing but a time: «Thời hạn hoàn thành: Trước ngày 30/11/2025.», «- Thời gian thực
    hiện: Từ tháng 11/2025 đến khi kết thúc Tổng kiểm kê.» (no verb of work once its time and label are gone)."""
    head = strip_marker(quote.strip(" -*"))
    if not _TIME_FIELD.match(head):
        return False  # a line that opens with its unit, its work or a clause of time says more than its time
    rest = tidy_action(_TIME_FIELD.sub("", head.replace(deadline, " ") if deadline else head))
    return len(rest) < _MIN_WORK_CHARS or not _VERB_START.search(rest)


def item_actor(paragraphs: list[Paragraph], index: int) -> str | None:
    """The actor of the enclosing item: "6. Sở Nội vụ: …" opens the section the line sits in,
    and so does a heading that only names a unit ("3. Sở Y tế", "b) UBND các xã, phường"); for a
    dash item, the unit its parent item starts with (`parent_item_actor`)."""
    return _enclosing_actor(paragraphs, index) or parent_item_actor(paragraphs, index)


# An item numbered in brackets, which opens no section: «(1) Bộ Y tế chỉ đạo …», «(ii) …».
_BRACKET_ITEM = re.compile(r"^\W{0,3}\(\s*(?:\d{1,2}|[ivx]{1,4}|[a-zđ])\s*\)", _I)


def parent_item_actor(paragraphs: list[Paragraph], index: int) -> str | None:
    """The unit a dash item's parent starts with: the dashes under «(1) Bộ Y tế chỉ đạo Ban Quản lý
    dự án …;» («- Chủ trì, phối hợp với Bộ Tài chính … hoàn thiện hồ sơ …») are Bộ Y tế's. The parent
    is the nearest line above in the same section that is an item of another kind; an unmarked
    paragraph is none (a dash list may follow a narrative)."""
    marker = list_marker(paragraphs[index].text)
    parent = _parent_line(paragraphs, index, marker) if marker in ("-", "+") else None
    if parent is None:
        return None
    para = paragraphs[parent]
    kind = list_marker(para.text)
    # a parent ranks above the dash: a numbered, lettered or bracketed item (a «+» sits under a «-»)
    if kind in _BULLETS and not (marker == "+" and kind == "-") or (
            kind is None and not _BRACKET_ITEM.match(para.text)):
        return None
    unit = actor_of(para.text, openings=False)
    # a label's generic head is no unit: «b) Cơ quan thực hiện:», «d) Cơ quan, đơn vị chủ trì kế hoạch …»
    if not unit or _GENERIC_HEAD.match(unit):
        return None
    return clean_unit(unit)


def _parent_line(paragraphs: list[Paragraph], index: int, marker: str | None) -> int | None:
    """The index of a list item's parent: the nearest line above it, in its section, not of its marker."""
    section = paragraphs[index].section
    for j in range(index - 1, -1, -1):
        if paragraphs[j].section != section:
            return None
        if list_marker(paragraphs[j].text) != marker:
            return j
    return None


# An item that announces the duties of the public, which no unit word starts: «1. Tổ chức, cá nhân quản lý
# khu vực công cộng có trách nhiệm sau:», «2. Hộ gia đình, cá nhân:».
_PUBLIC_DUTIES = re.compile(r"^(?P<actor>(?:các\s+)?(?:(?:cơ\s+quan|tổ\s+chức|hộ\s+gia\s+đình)(?:,\s*|\s+và\s+))+cá\s+nhân\b"
                            r"[^:;.]{0,100}?)\s*(?:(?:có|chịu)\s+trách\s+nhiệm\b[^:;.]{0,20})?:", _I)
_BULLETS = ("-", "+", "•", "*", "–", "—")
_GENERIC_HEAD = re.compile(r"^(?:cơ\s+quan|đơn\s+vị|tổ\s+chức)(?:\s*,\s*(?:cơ\s+quan|đơn\s+vị|tổ\s+chức))*$", _I)


# A level of a procedure with its unit in brackets: «- Cấp xã (Ủy ban nhân dân cấp xã):», «- Cấp Trung ương (Bộ Dân
# tộc và Tôn giáo): …» — the steps below are that unit's.
_LEVEL_UNIT = re.compile(rf"^Cấp\s+(?:xã|huyện|tỉnh|[Tt]rung\s+ương)\s*\((?P<unit>(?:{ORG_WORD})[^()]{{2,80}})\)\s*:", _I)


def _unit_field(line: str) -> tuple[bool, str] | None:
    """`unit_field`, the unit named up to its verb: «Cơ quan thực hiện: Bộ Công an tiến hành rà soát …»,
    «Cơ quan thực hiện: Sở Nội vụ chủ trì tham mưu …; Sở Tư pháp … phối hợp» (the unit that chairs leads)."""
    field = unit_field(line)
    verb = _subject(field[1]) if field else None
    return (field[0], TRAIL.sub("", verb.group("actor")).strip() or field[1]) if field and verb else field


# An item that announces the lines below it as its contents: «… triển khai thực hiện những nội dung sau:».
_ANNOUNCES = re.compile(r"(?:những|các)\s+(?:nội\s+dung|nhiệm\s+vụ|công\s+việc|việc)\s+(?:sau|như\s+sau)\s*:\W*$", _I)
# An item that announces the work its unit chairs, listed below it: «a) Bộ Tài chính chủ trì, phối hợp với các
# bộ, cơ quan, địa phương:».
_CHAIRS_ITEMS = re.compile(rf"^(?P<actor>{_ORG_START}[^:;.]{{0,150}}?)\s+chủ\s+trì\b[^:;.]{{0,200}}:\s*$", _I)


def _enclosing_actor(paragraphs: list[Paragraph], index: int) -> str | None:
    section = paragraphs[index].section
    for j in range(index, -1, -1):
        para = paragraphs[j]
        if para.section != section:
            if not section.startswith(para.section):
                continue
            section = para.section
        if list_marker(para.text) and j != index:
            line = strip_marker(para.text)
            # the fields of a task's description: «+ Cơ quan chủ trì: Bộ Công an.» leads the «+ Thời hạn …»
            # below it, «+ Cơ quan phối hợp: …» does not
            field = _unit_field(line)
            if field:
                if field[0]:
                    return field[1]
                continue
            level = _LEVEL_UNIT.match(line)
            if level:
                return level["unit"].strip()
            actor = _colon_actor(line)
            if actor:
                return TRAIL.sub("", actor.group("actor")).strip()
            verb_first = _ACTOR_COLON.match(line) and _subject(line)
            if verb_first:
                return TRAIL.sub("", verb_first.group("actor")).strip()
            chairs = _CHAIRS_ITEMS.match(line)
            if chairs:
                return TRAIL.sub("", chairs.group("actor")).strip()
            # an item that announces the lines under it after its purpose: «5. Để nâng cao hiệu lực …, các Sở,
            # ngành, UBND cấp xã … triển khai thực hiện những nội dung sau:»
            announced = clean_unit(actor_of(line)) if _ANNOUNCES.search(line) else None
            if announced and len(announced.split()) > 1:
                return announced
            heading = unit_heading(para.text)
            if heading:
                return heading
            public = _PUBLIC_DUTIES.match(line)
            if public:  # their duties are rules (`bot.facts.tasks`), no unit's tasks
                return public.group("actor")
        if SECTION_SEPARATOR not in section and list_marker(para.text) == "roman":
            break
    return None


# A field whose unit chairs: «Cơ quan thực hiện: Sở Nội vụ chủ trì …; Sở Tư pháp và các sở, ban, ngành …
# chủ động tổ chức triển khai …» — the units of its later clauses help.
_CHAIRED = re.compile(r"\bchủ\s+trì\b", _I)


def _field_helpers(line: str) -> tuple[str, ...]:
    """The units a lead field's later clauses name before their verbs, where its unit chairs."""
    first, *rest = line.split(";")
    if not rest or not _CHAIRED.search(first):
        return ()
    clauses = (_subject(clause.strip()) for clause in rest)
    return tuple(unit for clause in clauses if clause for unit in split_units(TRAIL.sub("", clause["actor"])))


def item_coordinate(paragraphs: list[Paragraph], index: int) -> tuple[str, ...]:
    """The coordinating units the fields of a line's item name: «- Cơ quan phối hợp: Văn phòng Chính
    phủ, Bộ Tư pháp …» beside «- Thời hạn ban hành: trước ngày …»; «- Cơ quan thực hiện: Sở Nội vụ chủ
    trì …; Sở Tư pháp … phối hợp». The item is the run of lines with the same marker in the line's
    section, up to the field that names its lead above the line (which may name the helpers itself)
    and before the next one below."""
    marker = list_marker(paragraphs[index].text)
    if marker not in _BULLETS:
        return _enclosing_coordinate(paragraphs, index)
    section = paragraphs[index].section
    for step in (-1, 1):
        j = index + step
        while 0 <= j < len(paragraphs) and paragraphs[j].section == section \
                and list_marker(paragraphs[j].text) == marker:
            line = strip_marker(paragraphs[j].text)
            field = unit_field(line)
            if field and not field[0]:  # its raw list: an aside does not end it («… (Sở Nội vụ), Ủy ban …»)
                return lead_and_coordinate(line, None)[1] or split_units(field[1])
            if field:  # the item's lead: its own helpers, if it names them, and no further
                helpers = _field_helpers(line) if step < 0 else ()
                if helpers:
                    return helpers
                break
            j += step
    return _parent_coordinate(paragraphs, index, marker)


def _enclosing_coordinate(paragraphs: list[Paragraph], index: int) -> tuple[str, ...]:
    """The units the item a plain line sits in names as helping, where its unit chairs the work: the time line
    under «1. Sở Tư pháp chủ trì, phối hợp với Văn phòng UBND tỉnh và UBND các xã, phường:» («Thời hạn chậm nhất
    05 ngày làm việc kể từ ngày ban hành Quyết định.»)."""
    section = paragraphs[index].section
    for j in range(index - 1, -1, -1):
        para = paragraphs[j]
        if para.section != section and not section.startswith(para.section):
            continue
        if list_marker(para.text):
            return _chair_helpers(para.text)
    return ()


def _parent_coordinate(paragraphs: list[Paragraph], index: int, marker: str) -> tuple[str, ...]:
    """The units the item above a dash list names as helping, where its unit chairs the work listed: the
    dashes under «a) Bộ Tài chính chủ trì, phối hợp với các bộ, cơ quan, địa phương:»."""
    parent = _parent_line(paragraphs, index, marker)
    return _chair_helpers(paragraphs[parent].text) if parent is not None else ()


def _chair_helpers(item: str) -> tuple[str, ...]:
    """The units an item line names as helping where its unit chairs the work below it («a) Bộ Tài chính chủ
    trì, phối hợp với các bộ, cơ quan, địa phương:»), else none."""
    line = strip_marker(item)
    return lead_and_coordinate(line, None)[1] if _CHAIRS_ITEMS.match(line) else ()


def heading_actor(paragraphs: list[Paragraph], index: int) -> str | None:
    """The unit the heading lines above a line name, nearest first, read whole from the document:
    the section path cuts a long heading short («Điều 14. Trách nhiệm các phòng, ban, đơn vị thuộc
    UBND cấp…») and keeps only the number of a heading whose title stands on the next line («Điều
    19.» / «Trách nhiệm của Ủy ban nhân dân cấp xã», «1.» / «Sở Nông nghiệp và Môi trường»). A heading
    that is a whole item names the unit it starts with («1. Các cơ quan, đơn vị, địa phương xây dựng Kế
    hoạch …» over the lines of its item). Where a heading's line is not found, its label in the path is
    read as `section_actor` reads it."""
    section = paragraphs[index].section
    headings = section.split(SECTION_SEPARATOR) if section else []
    broken = _broken_article(paragraphs, index)
    for level in range(len(headings), 0, -1):
        prefix = SECTION_SEPARATOR.join(headings[:level])
        first = None
        for j in range(index, -1, -1):
            own = paragraphs[j].section
            if own == prefix:
                first = j
            elif not own.startswith(prefix + SECTION_SEPARATOR):
                break
        if broken is not None and (first is None or first < broken):
            unit = _heading_unit(paragraphs, broken, index)
            if unit:
                return _named_body(unit)
            broken = None
        unit = None
        if first is not None and first != index:
            unit = _heading_unit(paragraphs, first, index) or _lead_in_unit(paragraphs, first, index)
        unit = unit or unit_heading(headings[level - 1]) or actor_of(headings[level - 1])
        if unit:
            return _named_body(unit)
    return None


_NAMED_BODY = re.compile(rf"^(?:{ORG_WORD})", _I)  # «Các» only before a kind of unit


def _named_body(unit: str) -> str | None:
    """The unit a heading names if it is a named body; a party of a contract or a procedure («Trách
    nhiệm của Bên bán điện», «… của đối tượng thực hiện kiểm kê») is left to the section path."""
    return clean_unit(unit) if _NAMED_BODY.match(unit) else None


def _lead_in_unit(paragraphs: list[Paragraph], at: int, index: int) -> str | None:
    """The named body a heading's lead-in line opens with, before the items it introduces: under «Điều 2.» /
    «Nhiệm vụ, quyền hạn», «Trung tâm Bảo tồn … thực hiện nhiệm vụ, quyền hạn …, cụ thể như sau:» gives
    its items to that centre."""
    for j in range(at + 1, index):
        para = paragraphs[j]
        if para.section != paragraphs[at].section:
            return None
        if para.text.rstrip(" *").endswith(":"):
            unit = actor_of(para.text, openings=False)
            if unit and _NAMED_BODY.match(unit):
                return unit
    return None


# The cleaned text may leave «Điều» alone on a line, its number and title on the next («Điều» / «10.
# Trách nhiệm của các đơn vị điện lực»): the article then reads as an item of the one before, and its
# clauses as that article's.
_LONE_ARTICLE_WORD = re.compile(r"^\W*(?:Điều|ĐIỀU)\W*$")
_ARTICLE_LINE = re.compile(r"^\W*(?:Điều|ĐIỀU|Chương|CHƯƠNG)\s+[\dIVXLC]")


def _broken_article(paragraphs: list[Paragraph], index: int) -> int | None:
    """The line of the nearest article heading above that lost its word «Điều» to the line before
    (no whole article heading in between), or None."""
    for j in range(index - 1, 0, -1):
        text = paragraphs[j].text
        if _ARTICLE_LINE.match(text):
            return None
        if _LONE_ARTICLE_WORD.match(paragraphs[j - 1].text) and (list_marker(text) or "").startswith("num"):
            return j
    return None


# A heading line that is only its number: «1.», «Điều 19.», «II.» (its title is the next line).
_BARE_HEADING = re.compile(r"^\W*(?:(?:Điều|Khoản|Mục|Chương|Phần)\s+[\dIVXLC]+[a-zđ]?|[IVX]{1,4}|\d{1,3}(?:\.\d{1,2}){0,4}"
                           r"|[a-zđ])\s*[.):]?\W*$", _I)


def _heading_unit(paragraphs: list[Paragraph], at: int, index: int) -> str | None:
    """The unit a heading line names, its title taken from the next line when the line is only a number."""
    text = paragraphs[at].text
    if _BARE_HEADING.match(text.replace("*", "")):
        if at + 1 >= index or paragraphs[at + 1].section != paragraphs[at].section:
            return None
        text = paragraphs[at + 1].text
    line = strip_marker(text.replace("*", ""))
    field = _unit_field(line)
    if field:
        return field[1] if field[0] else None
    colon = _colon_actor(line)
    if colon:
        return TRAIL.sub("", colon.group("actor")).strip() or None
    return unit_heading(text) or actor_of(text, openings=False)


def section_actor(section: str) -> str | None:
    """The unit named by the nearest heading of a section path
    ("IV. Tổ chức thực hiện > 1. Bộ Khoa học và Công nghệ" → "Bộ Khoa học và Công nghệ")."""
    for heading in reversed(section.split(SECTION_SEPARATOR)):
        unit = unit_heading(heading) or actor_of(heading)
        if unit:
            return clean_unit(unit)
    return None


def section_coordinate(section: str) -> tuple[str, ...]:
    """Coordinating units named by the nearest heading ("b) Phối hợp với các sở, ngành")."""
    heading = section.rsplit(SECTION_SEPARATOR, 1)[-1]
    return lead_and_coordinate(heading, None)[1] if re.search(r"phối\s+hợp", heading, _I) else ()
