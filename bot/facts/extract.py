"""Obligations with deadlines, and criteria lists, read from a cleaned directive body.

The body is walked line by line with the section path the chunker gives each line
(`bot.ingestion.chunking.section_lines`). Hard-wrapped remnants (a line that starts in lower case
after one that does not end a sentence) are joined back first. Then:

- every sentence with a deadline (`bot.facts.deadlines`) gives one obligation per deadline: the
  action is the clause's verb phrase around the deadline, the actor the unit named at the start
  of the sentence, of the enclosing item ("6. Sở Nội vụ: …") or by the nearest unit heading
  ("1. Bộ Khoa học và Công nghệ"); `bot.facts.tasks` says whether it is a task (and if not, why)
  and `bot.facts.units` splits its lead from its coordinating units;
- each row under a task table's header («Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian
  hoàn thành») is a task with lead, coordinating units and deadline taken from their columns;
- a heading or an announcing sentence about "tiêu chí", "tiêu chuẩn", "điều kiện" or "hình thức
  khen thưởng" followed by list items gives a criteria list with the items' texts.

Deterministic and regex-only: the whole 431-document corpus takes well under a second on top of
cleaning.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.facts.deadlines import FoundDeadline, locate_deadlines
from bot.facts.model import CriteriaList, DocumentFacts, ListKind, Obligation
from bot.facts.tasks import SENTENCE_END, TASK_VERBS_LOWER, classify, clause_span
from bot.facts.time_phrases import cell_deadline, loose_deadlines, undated_mention
from bot.facts.units import ORG_WORD, clean_unit, lead_and_coordinate, split_units, unit_heading
from bot.ingestion.chunking import SECTION_SEPARATOR, section_lines
from bot.ingestion.document import CleanDocument
from bot.retrieval.vietnamese import sentences as split_sentences

__all__ = ["DEFAULT_DELIVERY_MARGIN_DAYS", "extract_facts", "section_actor", "sentence_obligations"]

_I = re.IGNORECASE

# --- paragraphs with their sections --------------------------------------------------------

_ITEM_MARKER = re.compile(
    r"^(?:(?P<roman>[IVX]{1,4})\s*[.\-–)]|(?P<num>\d{1,3}(?:\.\d{1,2}){0,4})[.)]|(?P<letter>[a-zđ])[.)]"
    r"|(?P<dash>[-–—•+*]))\s*")
_ENDS_SENTENCE = re.compile(r"[.;:!?…][\"”’)*]*$")


@dataclass
class _Paragraph:
    section: str
    text: str


def _paragraphs(body: str) -> list[_Paragraph]:
    """Body lines with their sections, wrapped remnants joined back to the line they continue."""
    out: list[_Paragraph] = []
    for section, line in section_lines(body):
        continues = (out and out[-1].section == section and line[:1].islower()
                     and not _ITEM_MARKER.match(line) and not _ENDS_SENTENCE.search(out[-1].text))
        if continues:
            out[-1].text = f"{out[-1].text} {line}"
        else:
            out.append(_Paragraph(section, line))
    return out


def _marker(text: str) -> str | None:
    """The kind of list marker a line starts with: "roman", "num1", "num2", "letter", "-", "+"…"""
    match = _ITEM_MARKER.match(text)
    if not match:
        return None
    if match.group("num"):
        return f"num{match.group('num').count('.') + 1}"
    if match.group("dash"):
        return "-" if match.group("dash") in "-–—" else match.group("dash")
    return "roman" if match.group("roman") else "letter"


def _strip_marker(text: str) -> str:
    return _ITEM_MARKER.sub("", text, count=1).strip()


# --- actors and actions ---------------------------------------------------------------------

_ORG_START = ORG_WORD
_ACTOR_COLON = re.compile(rf"^(?:Đề\s+nghị\s+|Giao\s+)?(?P<actor>{_ORG_START}[^:;.]{{0,150}}?)\s*:\s*\S", _I)
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
                    + r"|xem\s+xét|tiến\s+hành|ra\s+quyết\s+định|có\s+ý\s+kiến|kiểm\s+tra|phản\s+hồi|xác\s+minh|giám\s+sát"
                    r"|công\s+nhận|thông\s+báo|yêu\s+cầu|đề\s+nghị|nghiên\s+cứu|ưu\s+tiên|bảo\s+đảm|đảm\s+bảo"
                    r"|thành\s+lập|làm\s+việc|đẩy\s+mạnh|căn\s+cứ|trực\s+tiếp|rút\s+kinh\s+nghiệm|huy\s+động|vận\s+động")
_ACTOR_VERB = re.compile(
    rf"^(?:(?:Giao|Đề\s+nghị|Yêu\s+cầu)\s+(?:đồng\s+chí\s+)?)?(?P<actor>{_ORG_START}[^:;.()]{{0,120}}?)\s*,?\s+(?:(?:có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm"
    rf"|định\s+kỳ|phải|cần|sẽ|khẩn\s+trương|chủ\s+động|tiếp\s+tục|nghiêm\s+túc|tích\s+cực|kịp\s+thời|quyết\s+liệt)\s+)*"
    # its verb, or its time first: «Thành viên Ban Chỉ đạo định kỳ 06 tháng (trước ngày …) báo cáo»,
    # or the duties it announces: «Tập đoàn Điện lực Việt Nam có trách nhiệm:»
    rf"(?=(?:{_ACTOR_END_VERBS})\b|định\s+kỳ\s+\d|(?:hằng|hàng)\s+(?:năm|quý|tháng|tuần|ngày)\b|(?:có|chịu)\s+trách\s+nhiệm\s*:)"
    rf"(?=(?-i:[^A-ZĐÂĂÊÔƠƯ]))", _I)
# Words that open a sentence with a time, a ground or a link before its unit is named.
_OPENING = re.compile(r"^\W*(?:trong|chậm\s+nhất|sau|định\s+kỳ|hằng|hàng|trước|khi|căn\s+cứ|trên\s+cơ\s+sở|vì\s+vậy|trường\s+hợp"
                      r"|do\s+đó|đồng\s+thời|ngoài\s+ra|theo\s+đó|nguồn|tháng|quý|năm|đến|để)\b", _I)
_OPENING_CHARS = 300
# Item markers the list markers leave: «(ii)», «(3)», «Bước 1:».
_LEAD_IN = re.compile(r"^(?:\(\s*(?:[ivx]{1,4}|\d{1,2}|[a-zđ])\s*\)|Bước\s+\d{1,2}\s*[:.])\s*", _I)
# An aside inside a unit's name: «(sau đây viết tắt là Ủy ban nhân dân cấp xã)», «(quy định tại Phụ
# lục I kèm theo Quyết định này)».
_ASIDE = re.compile(r"\s*\([^()]{0,160}\)")
# A topic that ends in a colon before the one who acts: «Về việc thỏa thuận …: UBND Thành phố …».
_TOPIC = re.compile(r"^Về\b[^:]{0,250}:\s*", _I)
# «yêu cầu», «đề nghị», «giao» in the text, or opening a later sentence.
_ASKS = re.compile(r"(?:^|(?<=[\s,;.]))(?:(?-i:giao|yêu\s+cầu|đề\s+nghị)|(?<=\.\s)(?:Giao|Yêu\s+cầu|Đề\s+nghị))\s+", _I)
_UNIT_WORD = re.compile(rf"(?<=\s)(?-i:{ORG_WORD})")
_AFTER_TIME = re.compile(r"(?:ngày|làm\s+việc|tháng|năm|quý|\))\s+$", _I)
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
_TRAIL = re.compile(r"[\s,;:.(*\-–]+$")
_PURPOSE = re.compile(r"\s+(?:để|nhằm)\s+.*$", _I)
MAX_ACTION_CHARS = 200
# Days a document takes to reach its readers, for "kể từ ngày nhận" (config: tasks.delivery_margin_days).
DEFAULT_DELIVERY_MARGIN_DAYS = 3


def _actor_of(text: str, openings: bool = True) -> str | None:
    """The unit a sentence or item names before its colon or its first verb, or right after an
    opening time phrase ("Trong thời hạn 10 ngày …, Sở Xây dựng có trách nhiệm …"), or after a
    topic that ends in a colon («Về việc …: Giao Bộ Nội vụ nghiên cứu …»); the unit asked to do
    it when the named one asks («UBND Thành phố yêu cầu các sở, ngành … triển khai»). Without
    openings, only a unit the text starts with."""
    text = _LEAD_IN.sub("", _strip_marker(text.lstrip("* ")).lstrip("* "), count=1).lstrip("* ")
    text = _ASIDE.sub("", text)
    match = _ACTOR_COLON.match(text)
    if match:
        return _TRAIL.sub("", match.group("actor")).strip() or None
    match = _ACTOR_VERB.match(text)
    if match:
        return _addressee(text[match.end():]) or _TRAIL.sub("", match.group("actor")).strip() or None
    if not openings:
        return None
    topic = _TOPIC.match(text)
    if topic:
        return _actor_of(text[topic.end():])
    asked = _addressee(text)
    if asked:
        return asked
    if _OPENING.match(text):
        # after a comma, a colon or «thì» («Trường hợp …, … thì cơ quan có thẩm quyền …»), or at a
        # capitalised unit word ("Trong thời hạn 05 ngày làm việc Ủy ban …")
        starts = sorted({m.end() for m in re.finditer(r"[,:]\s*|\sthì\s+", text[:_OPENING_CHARS])}
                        | {m.start() for m in _UNIT_WORD.finditer(text[:_OPENING_CHARS])
                           if _AFTER_TIME.search(text, 0, m.start())})
        for start in starts:
            match = _ACTOR_VERB.match(text[start:])
            # not the tail of a list the opening names ("… của các sở, ban, ngành, địa phương, …"),
            # nor a condition's subject running into its consequence ("… Thủ tướng thì cơ quan …")
            if match and not _LIST_TAIL.match(match.group("actor")) and " thì " not in match.group("actor"):
                return _TRAIL.sub("", match.group("actor")).strip() or None
    return None


def _addressee(text: str) -> str | None:
    """The unit after «yêu cầu», «đề nghị», «giao» that is then told what to do, when the asking
    is the sentence's own verb (in «tham mưu UBND tỉnh tổ chức …, yêu cầu cơ quan …» it is part
    of the task)."""
    starts = [0] + [m.end() for m in SENTENCE_END.finditer(text)]
    for asked in _ASKS.finditer(text[:_OPENING_CHARS]):
        head = text[max(i for i in starts if i <= asked.start()):asked.start()]
        if TASK_VERBS_LOWER.search(head):
            continue
        match = _ACTOR_VERB.match(text[asked.end():])
        if match and not _LIST_TAIL.match(match.group("actor")):
            return _TRAIL.sub("", match.group("actor")).strip() or None
    return None


def _clause_bounds(sentence: str, found: FoundDeadline) -> tuple[int, int]:
    """The clause (between semicolons, after a heading colon) around a deadline."""
    start = sentence.rfind(";", 0, found.start) + 1
    colon = sentence.rfind(":", start, found.start)
    if colon != -1 and not re.search(r"(?:thời\s+(?:hạn|gian)[^:]{0,20}|hạn)\s*$", sentence[start:colon], _I):
        start = colon + 1
    end = sentence.find(";", found.end)
    return start, len(sentence) if end == -1 else end


def _tidy_action(text: str) -> str:
    text = _strip_marker(text.lstrip(" ,;:()*").rstrip(" ,;:(*"))
    text = _LEAD_WORDS.sub("", text).strip()
    text = _TRAIL.sub("", text)
    if len(text) > MAX_ACTION_CHARS:
        cut = text[:MAX_ACTION_CHARS]
        text = cut[:cut.rfind(" ")].rstrip(" ,;") + "…"
    return text


def _action_of(sentence: str, found: FoundDeadline, others: list[FoundDeadline]) -> str:
    """The verb phrase of the obligation: the clause's words before the deadline, else after it."""
    start, end = _clause_bounds(sentence, found)
    # Another deadline of the same clause bounds this one's words.
    for other in others:
        if other is not found and start <= other.end <= found.start:
            start = other.end
        if other is not found and found.end <= other.start < end:
            end = other.start
    before = sentence[start:found.start]
    actor = _ACTION_ACTOR.match(_strip_marker(before.strip()))
    if actor:
        before = _strip_marker(before.strip())[actor.end():]
    before = _tidy_action(before)
    if len(before) < 6 or not _VERB_START.search(before):
        after = _PURPOSE.sub("", sentence[found.end:end])
        after_actor = _ACTION_ACTOR.match(after.strip(" ,()*"))
        after = after.strip(" ,()*")[after_actor.end():] if after_actor else after
        after = _tidy_action(after)
        before = after if len(after) >= 6 else before or after
    send = _DOC_NOUN_SEND.match(before)
    if send:  # "Hồ sơ … gửi về Sở Nội vụ" → "gửi hồ sơ … về Sở Nội vụ"
        before = f"{send.group('verb')} {send.group('obj')[0].lower()}{send.group('obj')[1:]} {send.group('rest')}"
    return before


# --- obligations --------------------------------------------------------------------------

def _item_actor(paragraphs: list[_Paragraph], index: int) -> str | None:
    """The actor of the enclosing item: "6. Sở Nội vụ: …" opens the section the line sits in,
    and so does a heading that only names a unit ("3. Sở Y tế", "b) UBND các xã, phường")."""
    section = paragraphs[index].section
    for j in range(index, -1, -1):
        para = paragraphs[j]
        if para.section != section:
            if not section.startswith(para.section):
                continue
            section = para.section
        if _marker(para.text) and j != index:
            actor = _ACTOR_COLON.match(_strip_marker(para.text))
            if actor:
                return _TRAIL.sub("", actor.group("actor")).strip()
            heading = unit_heading(para.text)
            if heading:
                return heading
        if SECTION_SEPARATOR not in section and _marker(para.text) == "roman":
            break
    return None


def section_actor(section: str) -> str | None:
    """The unit named by the nearest heading of a section path
    ("IV. Tổ chức thực hiện > 1. Bộ Khoa học và Công nghệ" → "Bộ Khoa học và Công nghệ")."""
    for heading in reversed(section.split(SECTION_SEPARATOR)):
        unit = unit_heading(heading) or _actor_of(heading)
        if unit:
            return clean_unit(unit)
    return None


def section_coordinate(section: str) -> tuple[str, ...]:
    """Coordinating units named by the nearest heading ("b) Phối hợp với các sở, ngành")."""
    heading = section.rsplit(SECTION_SEPARATOR, 1)[-1]
    return lead_and_coordinate(heading, None)[1] if re.search(r"phối\s+hợp", heading, _I) else ()


def sentence_obligations(sentence: str, issued: date | None, section: str = "",
                         actor: str | None = None, delivery_margin_days: int | None = None,
                         loose: bool = False, table: _TaskTable | None = None) -> list[Obligation]:
    """One obligation per deadline the sentence states, each marked task or not; the actor is
    the one it names, else the one given (from its paragraph or enclosing item), else the unit
    of the nearest heading of its section.

    With loose, a sentence without a deadline but with a looser time phrase ("vào ngày …",
    "trong năm 2025", "hằng năm", "định kỳ") gives one obligation when it reads as a task. A
    table row ("… | … | …") is read by the table's columns, or by its cells' shapes."""
    found = locate_deadlines(sentence, issued, delivery_margin_days)
    if not found and not loose:
        return []
    if _TABLE_CELL in sentence and table is None:
        table = _guess_columns(sentence)
    if table is not None:
        return _row_obligations(table, _Paragraph(section, sentence), issued, delivery_margin_days)
    actor = _actor_of(sentence) or actor or section_actor(section)
    if not found:  # a looser time phrase only counts in a task
        found = loose_deadlines(sentence, issued) or undated_mention(sentence)
        tasks = [_obligation(sentence, item, found, section, actor, loose=True) for item in found]
        return [task for task in tasks if task.is_task][:1]
    return [_obligation(sentence, item, found, section, actor) for item in found]


def _obligation(sentence: str, item: FoundDeadline, found: list[FoundDeadline], section: str,
                actor: str | None, loose: bool = False) -> Obligation:
    start, end = clause_span(sentence, item.start, item.end)
    clause = sentence[start:end]  # the whole clause, heading colon included: "Sở Y tế: Chủ trì, …"
    # A later clause or sentence that names its own unit: "…; Sở Tài chính báo cáo trước ngày …";
    # after a semicolon only right at its start ("…; căn cứ kết quả, xem xét … người đứng đầu …").
    if start:
        actor = _actor_of(clause, openings=sentence[start - 1] != ";") or actor
    reason = classify(sentence, item, actor, loose, section)
    lead: str | None = None
    coordinate: tuple[str, ...] = ()
    if reason is None:
        lead, coordinate = lead_and_coordinate(clause, actor)
        if not coordinate:  # "A chủ trì, phối hợp với B …; định kỳ báo cáo …": B still helps
            coordinate = lead_and_coordinate(sentence, actor)[1] or section_coordinate(section)
    return Obligation(action=_action_of(sentence, item, found), deadline=item.deadline,
                      quote=sentence, section=section, actor=actor, is_task=reason is None,
                      not_task=reason, lead=lead, coordinate=coordinate)


def _obligations(paragraphs: list[_Paragraph], issued: date | None,
                 delivery_margin_days: int | None) -> list[Obligation]:
    out: list[Obligation] = []
    table: _TaskTable | None = None
    outside = 0  # lines without cells since the last row: a table ends after a few
    for index, para in enumerate(paragraphs):
        header = _task_table(para.text)
        outside = 0 if _TABLE_CELL in para.text else outside + 1
        if header:
            table = header
            continue
        if outside > _TABLE_GAP:
            table = None
        if table is not None and _TABLE_CELL in para.text:
            out.extend(_row_obligations(table, para, issued, delivery_margin_days))
            continue
        for number, sentence in enumerate(split_sentences(para.text)):
            strict = bool(locate_deadlines(sentence, issued, delivery_margin_days))
            if not strict and not _dated_phrase(sentence, issued):
                continue
            actor = (_actor_of(para.text) if number else None) or _item_actor(paragraphs, index)
            found = sentence_obligations(sentence, issued, para.section, actor, delivery_margin_days,
                                         loose=True)
            if not strict:
                # Stored from a looser time phrase only with a date and someone to do it:
                # "Bộ Xây dựng … khởi công dự án vào ngày 19 tháng 12 năm 2025."
                found = [o for o in found if o.lead and o.deadline.due]
            out.extend(found)
    return out


def _dated_phrase(sentence: str, issued: date | None) -> bool:
    """A looser time phrase with a date: "vào ngày 19/12/2025", "trong năm 2025"."""
    if _TABLE_CELL in sentence:
        return _guess_columns(sentence) is not None
    return _YEAR.search(sentence) is not None and any(f.deadline.due for f in loose_deadlines(sentence, issued))


_YEAR = re.compile(r"20\d\d")


# --- task tables ----------------------------------------------------------------------------
# «STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành»: each row below
# such a header is a task with its lead, coordinating units and deadline in their columns.

_TABLE_CELL = " | "
_TABLE_GAP = 2  # a group title ("I.", "NÂNG CAO NHẬN THỨC") may sit between rows on its own lines
_LEAD_COLUMN = re.compile(r"chủ\s+trì", _I)
_COORDINATE_COLUMN = re.compile(r"phối\s+hợp", _I)
_TIME_COLUMN = re.compile(r"thời\s+(?:gian|hạn|điểm)|tiến\s+độ|hoàn\s+thành", _I)
_TASK_COLUMN = re.compile(r"nhiệm\s+vụ|nội\s+dung|công\s+việc|hoạt\s+động|giải\s+pháp|đề\s+án|dự\s+án", _I)


@dataclass(frozen=True)
class _TaskTable:
    lead: int
    coordinate: int | None
    time: int
    task: int | None


def _task_table(text: str) -> _TaskTable | None:
    """The columns of a task table's header row, or None when the line is no such header."""
    cells = [cell.strip() for cell in text.split("|")]
    if len(cells) < 3 or any(len(cell) > 60 for cell in cells):
        return None

    def column(regex: re.Pattern[str], skip: tuple[int | None, ...] = ()) -> int | None:
        return next((i for i, cell in enumerate(cells) if regex.search(cell) and i not in skip), None)

    lead = column(_LEAD_COLUMN)
    coordinate = column(_COORDINATE_COLUMN, (lead,))
    time = column(_TIME_COLUMN, (lead, coordinate))
    if lead is None or time is None:
        return None
    return _TaskTable(lead, coordinate, time, column(_TASK_COLUMN, (lead, coordinate, time)))


# A unit's name, or its acronym alone ("EVN", "NHNN").
_UNIT_CELL = re.compile(rf"^(?:{ORG_WORD}|các\s|UBND\b|Thành\s+phố|Tỉnh|(?-i:[A-ZĐ]{{2,6}})(?:\s*[,;]\s*(?-i:[A-ZĐ]{{2,6}}))*$)", _I)
_UNIT_CELL_CHARS = 150
_DOC_REF = re.compile(r"\bsố\s+\S*\d|\d[-/](?-i:[A-ZĐ])", _I)
_TIME_CELL = re.compile(r"\d{4}|quý|tháng|thường\s+xuyên|hằng|hàng|định\s+kỳ", _I)


def _guess_columns(row: str) -> _TaskTable | None:
    """The columns of a row seen without its header: the first long cell is the task, the unit
    cells after it lead and coordinate, the first short cell with a year or period is the time."""
    cells = [cell.strip() for cell in row.split("|")]
    # A long cell is the task even when it opens with a unit: «Các ngân hàng triển khai giải pháp …».
    task = next((i for i, cell in enumerate(cells)
                 if len(cell) >= _UNIT_CELL_CHARS or (len(cell) > 25 and not _UNIT_CELL.match(cell))), None)
    if task is None:
        return None
    units = [i for i in range(task + 1, len(cells)) if _UNIT_CELL.match(cells[i]) and len(cells[i]) < _UNIT_CELL_CHARS]
    if not units:
        return None
    # The time after the units, else after the task; a cited document («Thông báo số 35-TB/TGV
    # ngày 11/7/2025», the task's source) is no time.
    times = [i for i in range(task + 1, len(cells)) if i not in units and len(cells[i]) < 60
             and _TIME_CELL.search(cells[i]) and not _DOC_REF.search(cells[i])]
    time = next((i for i in times if i > units[0]), times[0] if times else None)
    if time is None:
        return None
    return _TaskTable(units[0], units[1] if len(units) > 1 and units[1] < time else None, time, task)


# A section that lists tasks past their deadline: «Các nhiệm vụ … quá hạn chưa hoàn thành», «Tổng
# hợp các nhiệm vụ chậm muộn».
_OVERDUE_SECTION = re.compile(r"quá\s+hạn|chậm\s+(?:muộn|tiến\s+độ)|chưa\s+hoàn\s+thành", _I)


def _overdue(when: str, section: str) -> list[FoundDeadline]:
    """The passed deadline of a row in a list of overdue tasks (elsewhere a passed date in a
    table is a past timetable, as in a sentence)."""
    if not _OVERDUE_SECTION.search(section):
        return []
    return locate_deadlines(f"Thời hạn: {when}", None) or cell_deadline(when, None)


def _row_obligations(table: _TaskTable, para: _Paragraph, issued: date | None,
                     delivery_margin_days: int | None) -> list[Obligation]:
    cells = [cell.strip() for cell in para.text.split("|")]
    if len(cells) <= table.time:
        return []
    when = cells[table.time]
    # Deadlines the row's words state (as before tables were read) keep their action and key.
    stated = locate_deadlines(para.text, issued, delivery_margin_days)
    found = (stated or locate_deadlines(when, issued, delivery_margin_days)
             or locate_deadlines(f"Thời hạn: {when}", issued, delivery_margin_days)
             or cell_deadline(when, issued) or loose_deadlines(when, issued) or _overdue(when, para.section))
    lead = _TRAIL.sub("", cells[table.lead]).strip() or None
    coordinate = split_units(cells[table.coordinate]) if table.coordinate is not None else ()
    if not coordinate and table.task is not None:  # «Chủ trì, phối hợp với Bộ Công an …» in the task
        coordinate = lead_and_coordinate(cells[table.task], None)[1]
    action = _tidy_action(cells[table.task]) if table.task is not None else _tidy_action(para.text)
    return [Obligation(action=_action_of(para.text, item, stated) if stated else action, deadline=item.deadline,
                       quote=para.text, section=para.section, actor=lead, lead=lead,
                       coordinate=coordinate) for item in found]


# --- criteria lists -------------------------------------------------------------------------

_LIST_WORDS = (
    (ListKind.REWARDS, re.compile(r"hình\s+thức\s+khen\s+thưởng", _I)),
    (ListKind.CRITERIA, re.compile(r"tiêu\s+chí", _I)),
    (ListKind.STANDARDS, re.compile(r"tiêu\s+chuẩn", _I)),
    (ListKind.CONDITIONS, re.compile(r"điều\s+kiện", _I)),
)
MAX_HEADING_CHARS = 120


def _list_kind(text: str) -> ListKind | None:
    hits = [(m.start(), kind) for kind, regex in _LIST_WORDS for m in [regex.search(text)] if m]
    return min(hits)[1] if hits else None


def _is_list_heading(para: _Paragraph) -> bool:
    """A short numbered heading ("2. Hình thức khen thưởng", "III. TIÊU CHÍ THI ĐUA")."""
    text = para.text
    return bool(_marker(text)) and _marker(text) not in ("-", "+", "•", "*") \
        and len(text) <= MAX_HEADING_CHARS and not text.rstrip().endswith((".", ";")) \
        and ":" not in text.rstrip(": ")


def _announces(para: _Paragraph) -> bool:
    """A sentence that ends by announcing a list: "… đạt các tiêu chuẩn sau:"."""
    return para.text.rstrip().endswith(":") and _list_kind(para.text[-80:]) is not None


def _in_subtree(section: str, root: str) -> bool:
    return section == root or section.startswith(root + SECTION_SEPARATOR)


def _heading_items(paragraphs: list[_Paragraph], index: int) -> list[tuple[int, list[str]]]:
    """The items of a heading's subtree that share the first item's marker, each with the texts
    of the deeper-marked lines under it (its sub-items)."""
    root = paragraphs[index].section
    item_marker = None
    items: list[tuple[int, list[str]]] = []
    for j in range(index + 1, len(paragraphs)):
        para = paragraphs[j]
        if not _in_subtree(para.section, root):
            break
        marker = _marker(para.text)
        if item_marker is None and marker:
            item_marker = marker
        if marker and marker == item_marker:
            items.append((j, []))
        elif marker and items:
            items[-1][1].append(_item_text(para.text))
    return items


def _heading_lists(paragraphs: list[_Paragraph], index: int, kind: ListKind) -> list[CriteriaList]:
    """One list of the heading's items; or, when every item is a short group title with its own
    sub-items ("a) Đối với cá nhân" + dashes), one list per group."""
    para = paragraphs[index]
    items = _heading_items(paragraphs, index)
    groups = [(j, subs) for j, subs in items if subs and len(paragraphs[j].text) <= MAX_HEADING_CHARS]
    if items and len(groups) == len(items):
        return [CriteriaList(kind, paragraphs[j].text, tuple(subs), paragraphs[j].section)
                for j, subs in groups]
    texts = [_item_text(paragraphs[j].text) for j, _ in items]
    return [CriteriaList(kind, para.text, tuple(texts), para.section)] if len(texts) >= 2 else []


def _announced_items(paragraphs: list[_Paragraph], index: int) -> list[str]:
    """Consecutive marked lines after an announcing sentence, deeper sub-items skipped."""
    own = _marker(paragraphs[index].text)
    root = paragraphs[index].section
    item_marker, items = None, []
    for para in paragraphs[index + 1:]:
        marker = _marker(para.text)
        if marker is None or marker == own or not _in_subtree(para.section, root) \
                or (item_marker is None and marker in ("roman", "num1")):
            break
        item_marker = item_marker or marker
        if marker == item_marker:
            items.append(_item_text(para.text))
    return items


def _item_text(text: str) -> str:
    return _strip_marker(text).rstrip(" ;,.")


def _criteria_lists(paragraphs: list[_Paragraph]) -> list[CriteriaList]:
    out: list[CriteriaList] = []
    for index, para in enumerate(paragraphs):
        kind = _list_kind(para.text)
        if kind is None:
            continue
        if _is_list_heading(para):
            if not _has_list_child(paragraphs, index):
                # "III. HÌNH THỨC VÀ TIÊU CHUẨN KHEN THƯỞNG": its sub-headings are the lists
                out.extend(_heading_lists(paragraphs, index, kind))
        elif _announces(para):
            items = _announced_items(paragraphs, index)
            if items:
                out.append(CriteriaList(kind, para.text, tuple(items), para.section))
    return out


def _has_list_child(paragraphs: list[_Paragraph], index: int) -> bool:
    root = paragraphs[index].section
    for para in paragraphs[index + 1:]:
        if not _in_subtree(para.section, root):
            break
        if para.section.count(SECTION_SEPARATOR) == root.count(SECTION_SEPARATOR) + 1 \
                and _is_list_heading(para) and _list_kind(para.text):
            return True
    return False


# --- public API ----------------------------------------------------------------------------

def extract_facts(document: CleanDocument,
                  delivery_margin_days: int = DEFAULT_DELIVERY_MARGIN_DAYS) -> DocumentFacts:
    """Obligations (one per deadline, each a task or not) and criteria lists of a cleaned
    document; "kể từ ngày nhận" deadlines are estimated with the delivery margin."""
    paragraphs = _paragraphs(document.body)
    obligations = _obligations(paragraphs, document.meta.issued_date, delivery_margin_days)
    return DocumentFacts(obligations=tuple(obligations),
                         lists=tuple(_criteria_lists(paragraphs)))
