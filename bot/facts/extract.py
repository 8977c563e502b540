"""Obligations with deadlines, and criteria lists, read from a cleaned directive body.

The body is read as paragraphs with their section paths (`bot.facts.paragraphs`: the section
of each line, hard-wrapped remnants joined back). Then:

- every sentence with a deadline (`bot.facts.deadlines`) gives one obligation per deadline: the
  action is the clause's verb phrase around the deadline, the actor the unit named at the start
  of the sentence, of the enclosing item ("6. Sở Nội vụ: …") or by the nearest unit heading
  ("1. Bộ Khoa học và Công nghệ") (`bot.facts.actors`); `bot.facts.tasks` says whether it is a
  task (and if not, why) and `bot.facts.units` splits its lead from its coordinating units;
- a sentence with only a looser time phrase («hằng năm», «định kỳ», «trong năm 2025», a cited text's
  date) gives one obligation only when it reads as a task that names who does it: an assignment with
  no time of its own stays in the register undated;
- each row under a task table's header («Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian
  hoàn thành») is a task with lead, coordinating units and deadline taken from their columns
  (`bot.facts.task_tables`);
- a heading or an announcing sentence about "tiêu chí", "tiêu chuẩn", "điều kiện" or "hình thức
  khen thưởng" followed by list items gives a criteria list with the items' texts
  (`bot.facts.criteria`).

Deterministic and regex-only: the whole 431-document corpus takes well under a second on top of
cleaning.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from bot.facts.actors import (action_of, actor_of, heading_actor, item_actor, item_coordinate, item_work,
                              section_actor, section_coordinate, states_only_time)
from bot.facts.criteria import criteria_lists
from bot.facts.deadlines import FoundDeadline, locate_deadlines
from bot.facts.model import DocumentFacts, Obligation
from bot.facts.paragraphs import Paragraph, body_paragraphs
from bot.facts.task_tables import (TABLE_CELL, TABLE_GAP, TaskTable, guess_columns, joined_row, responsibility,
                                   row_obligations, status_below, step_actor, task_table)
from bot.facts.tasks import classify, clause_span, programme_item
from bot.facts.time_phrases import cell_duration, loose_deadlines, undated_mention
from bot.facts.units import lead_and_coordinate
from bot.ingestion.document import CleanDocument
from bot.ingestion.sections import SECTION_SEPARATOR
from bot.retrieval.vietnamese import sentences as split_sentences

__all__ = ["DEFAULT_DELIVERY_MARGIN_DAYS", "context_actor", "document_unit", "extract_facts", "has_time_phrase",
           "sentence_obligations", "subject_actor"]

# Days a document takes to reach its readers, for "kể từ ngày nhận" (config: tasks.delivery_margin_days).
DEFAULT_DELIVERY_MARGIN_DAYS = 3


def sentence_obligations(sentence: str, issued: date | None, section: str = "",
                         actor: str | None = None, delivery_margin_days: int | None = None,
                         loose: bool = False, table: TaskTable | None = None,
                         fallback: str | None = None, helpers: tuple[str, ...] = ()) -> list[Obligation]:
    """One obligation per deadline the sentence states, each marked task or not; the actor is
    the one it names, else the one given (from its paragraph or enclosing item), else the unit
    of the nearest heading of its section.

    With loose, a sentence without a deadline but with a looser time phrase ("vào ngày …",
    "trong năm 2025", "hằng năm", "định kỳ") gives one obligation when it reads as a task. A
    table row ("… | … | …") is read by the table's columns, or by its cells' shapes. The fallback
    is the unit the whole document gives a line that nothing nearer gives one (`subject_actor`); the
    helpers, the coordinating units its item names (`item_coordinate`), help the given actor only."""
    found = locate_deadlines(sentence, issued, delivery_margin_days)
    if not found and not loose:
        return []
    if TABLE_CELL in sentence and table is None:
        table = guess_columns(sentence)
    if table is not None:
        return row_obligations(table, Paragraph(section, sentence), issued, delivery_margin_days, loose)
    own = actor_of(sentence)
    helpers = () if own else helpers
    actor = _in_full(own, actor) or actor or section_actor(section) or fallback
    if not found:  # a looser time phrase only counts in a task
        found = loose_deadlines(sentence, issued) or undated_mention(sentence)
        tasks = [_obligation(sentence, item, found, section, actor, helpers, loose=True) for item in found]
        out = [task for task in tasks if _loose_task(task, sentence, section)][:1]
    else:
        out = [_obligation(sentence, item, found, section, actor, helpers) for item in found]
    chairs = responsibility(sentence) if TABLE_CELL in sentence else None
    if chairs:  # a row read as a sentence: its cell that says who chairs it gives the lead
        out = [replace(o, lead=chairs[0], coordinate=chairs[1] or o.coordinate) if o.is_task else o for o in out]
    return out


def _loose_task(obligation: Obligation, sentence: str, section: str) -> bool:
    """Whether a line with only a looser time is kept: a task that names who acts, or an action item of a
    programme's tasks, for the secretariat to assign (`programme_item`)."""
    return obligation.is_task and bool(obligation.lead or programme_item(sentence, section))


_SHORT_REFERENCE_WORDS = 3


# An item a line numbers inline: «Khẩn trương … chiến lược dữ liệu: (1) Thanh tra Chính phủ ban hành …; (2) …».
_NUMBERED_ITEM = re.compile(r"(?:^|[:;,.]\s*)\(\d{1,2}\)\s+")


def _numbered_item(sentence: str, start: int, end: int) -> str | None:
    """The inline-numbered item that holds sentence[start:end], without its number; None outside one."""
    opened = max((m.end() for m in _NUMBERED_ITEM.finditer(sentence, 0, start)), default=None)
    if opened is None:
        return None
    after = _NUMBERED_ITEM.search(sentence, end)
    return sentence[opened:after.start() if after else len(sentence)]


def _in_full(own: str | None, context: str | None) -> str | None:
    """The unit a sentence names, in full when it names it short: «Hội đồng họp định kỳ …» under
    «Hội đồng Thi đua - Khen thưởng tỉnh» is that council."""
    if own and context and len(own.split()) <= _SHORT_REFERENCE_WORDS \
            and context.casefold().startswith(own.casefold() + " "):
        return context
    return own


def _obligation(sentence: str, item: FoundDeadline, found: list[FoundDeadline], section: str,
                actor: str | None, helpers: tuple[str, ...] = (), loose: bool = False) -> Obligation:
    start, end = clause_span(sentence, item.start, item.end)
    clause = sentence[start:end]  # the whole clause, heading colon included: "Sở Y tế: Chủ trì, …"
    # «…: (1) Thanh tra Chính phủ ban hành trước ngày …; (2) Bộ Công an chủ trì, phối hợp …»: each item its own
    scope = _numbered_item(sentence, item.start, item.end) or sentence
    if scope is not sentence and (own := actor_of(scope)):
        actor, helpers = own, ()
    # A later clause or sentence that names its own unit: "…; Sở Tài chính báo cáo trước ngày …";
    # after a semicolon only right at its start ("…; căn cứ kết quả, xem xét … người đứng đầu …").
    if start:
        own = actor_of(clause, openings=sentence[start - 1] != ";")
        # not the last of the units a semicolon lists: «Sở Văn hoá …; UBND các xã, phường niêm yết …»
        if own and not (actor and actor.endswith(own)):
            actor, helpers = own, ()
    if actor is None and item.start and sentence[item.start].isupper():
        # a capitalised deadline inside the line starts its own sentence after a step's title:
        # «Bước 4: Trả kết quả (0,5 ngày làm việc) Trong thời hạn 0,5 ngày làm việc, Sở Xây dựng trả …»
        actor = actor_of(sentence[item.start:])
    if actor is None and item.deadline.anchor and sentence[item.end:].lstrip(" ,")[:1].isupper():
        # the unit after the time and its anchor: «Trong thời hạn 03 ngày làm việc, kể từ ngày nhận được hồ sơ
        # Sở Khoa học và Công nghệ kiểm tra …»
        actor = actor_of(sentence[item.end:].lstrip(" ,"))
    reason = classify(sentence, item, actor, loose, section)
    lead: str | None = None
    coordinate: tuple[str, ...] = ()
    if reason is None:
        lead, coordinate = lead_and_coordinate(clause, actor)
        if not coordinate:  # "A chủ trì, phối hợp với B …; định kỳ báo cáo …": B still helps
            coordinate = lead_and_coordinate(scope, actor)[1] or helpers or section_coordinate(section)
    return Obligation(action=action_of(sentence, item, found), deadline=item.deadline,
                      quote=sentence, section=section, actor=actor, is_task=reason is None,
                      not_task=reason, lead=lead, coordinate=coordinate)


def _obligations(paragraphs: list[Paragraph], issued: date | None,
                 delivery_margin_days: int | None, subject: str | None = None) -> list[Obligation]:
    out: list[Obligation] = []
    table: TaskTable | None = None
    recent: tuple[str, TaskTable] | None = None  # the last header and the part of the text it stands in
    outside = 0  # lines without cells since the last row: a table ends after a few
    first = [0] * len(paragraphs)  # where each paragraph's obligations start in out
    for index, para in enumerate(paragraphs):
        first[index] = len(out)
        header = task_table(para.text)
        outside = 0 if TABLE_CELL in para.text else outside + 1
        if header:
            table, recent = header, (_part(para.section), header)
            continue
        if outside > TABLE_GAP:
            table = None
        if TABLE_CELL in para.text or cell_duration(para.text):  # (a step's time alone closes its lines)
            earlier = recent[1] if recent and recent[0] == _part(para.section) else None
            rows = _table_row(table, paragraphs, index, issued, delivery_margin_days, earlier)
            if rows:
                del out[first[rows[0]]:]  # the row's earlier lines were read alone: its reading replaces theirs
                out.extend(rows[1])
                continue
            # a row whose cells give no task may still state one in its text («1 | 1.1. Trước ngày 31 tháng 7
            # của năm xét tặng, Cục Quản lý Y, Dược cổ truyền có văn bản thông báo …»): read as sentences below
        for number, sentence in enumerate(_row_or_sentences(para.text)):
            strict = bool(locate_deadlines(sentence, issued, delivery_margin_days))
            if not strict and not has_time_phrase(sentence, issued):
                continue
            actor = context_actor(paragraphs, index, number)
            found = sentence_obligations(sentence, issued, para.section, actor, delivery_margin_days,
                                         loose=True, fallback=subject_actor(subject, para.section),
                                         helpers=context_helpers(paragraphs, index, number))
            if not strict:  # (a table row read by its cells' shapes may be no task, or name no one)
                found = [o for o in found if _loose_task(o, sentence, para.section)]
            # a line that only states the time («Thời hạn chậm nhất 05 ngày …») is the time of the work above it
            out.extend(replace(o, action=item_work(paragraphs, index) or o.action)
                       if states_only_time(o.quote, o.deadline.text) else o for o in found)
    return out


def _part(section: str) -> str:
    """The top part of the text a section path is in («PHỤ LỤC II. KẾT QUẢ …» of «PHỤ LỤC II. … > 3.»)."""
    return section.split(SECTION_SEPARATOR, 1)[0]


def _table_row(table: TaskTable | None, paragraphs: list[Paragraph], index: int, issued: date | None,
               delivery_margin_days: int | None, earlier: TaskTable | None = None) -> tuple[int, list[Obligation]] | None:
    """The obligations of the row at `index` under a task table's header, by the header's columns; or,
    when the line closes a row written over several lines (`joined_row`), of the whole row, by the header's
    columns or its cells' shapes, with the index of the line the row starts at. Rows past a long cell's lines
    («14 | … | Bộ Công an | 31/10/2025», then its report over six lines) are still the table's where their
    cells' shapes match the `earlier` header of the same part of the text: its progress column counts."""
    para = paragraphs[index]
    # a row whose status stands on a line below it («Chưa hoàn thành») is read with that status as its last cell
    status = status_below(paragraphs, index) if TABLE_CELL in para.text else None
    closing = f"{TABLE_CELL}{status}" if status else ""
    if table is not None:
        rows = row_obligations(table, Paragraph(para.section, para.text + closing), issued, delivery_margin_days)
        if rows:
            return index, rows
    joined = joined_row(paragraphs, index)
    if joined is None and (status or earlier and _same_shape(guess_columns(para.text), earlier)):
        joined = index, para.text
    if joined is None:
        return None
    start, text = joined[0], joined[1] + closing
    guessed = guess_columns(text) if table is None else None
    columns = table or (earlier if _same_shape(guessed, earlier) else guessed)
    rows = row_obligations(columns, Paragraph(para.section, text), issued, delivery_margin_days) if columns else []
    return (start, rows) if rows else None


def _same_shape(columns: TaskTable | None, header: TaskTable | None) -> bool:
    """Whether a row's columns read by its cells' shapes (`guess_columns`) are the header's lead and time columns."""
    return columns is not None and header is not None and (columns.lead, columns.time) == (header.lead, header.time)


def _row_or_sentences(text: str) -> list[str]:
    """A table row read whole when its cells read as a task's, though its cells hold several sentences
    («19 | Phối hợp với Bộ Công an … | Bộ Nội vụ | 31/10/2025 | Cục Người có công … đã dự thảo Kế hoạch. Đến
    nay … | Chưa hoàn thành»): split, its time would lose its unit and its progress; else the sentences."""
    if TABLE_CELL in text and guess_columns(text) is not None:
        return [text]
    out: list[str] = []
    for sentence in split_sentences(text):
        # an aside in brackets goes with the sentence before it: «- Rà soát, kiểm tra hồ sơ. (Trường hợp hồ sơ cần
        # bổ sung … phải có văn bản thông báo … trong thời gian tối đa 02 ngày)» is that step's own case
        if out and sentence.startswith("("):
            out[-1] = f"{out[-1]} {sentence}"
        else:
            out.append(sentence)
    return out


def context_actor(paragraphs: list[Paragraph], index: int, number: int = 0) -> str | None:
    """The unit the context gives a sentence that names none: for a later sentence of a
    paragraph, the unit its first sentence names; in a step table written line by line, the unit
    of its step (`bot.facts.task_tables.step_actor`); else the unit of the enclosing item
    (`bot.facts.actors.item_actor`); else the unit of the nearest heading that names one, read whole
    from the document (`bot.facts.actors.heading_actor`)."""
    return ((actor_of(paragraphs[index].text) if number else None) or _continued_actor(paragraphs, index)
            or step_actor(paragraphs, index) or item_actor(paragraphs, index) or heading_actor(paragraphs, index))


def context_helpers(paragraphs: list[Paragraph], index: int, number: int = 0) -> tuple[str, ...]:
    """The units the context names as helping a sentence: for a later sentence of a paragraph, those its
    earlier sentences name («7. Chủ trì, phối hợp với các sở, cơ quan liên quan … triển khai …. Định kỳ, đánh
    giá …, báo cáo Uỷ ban nhân dân tỉnh.»: the review is the same work's); else those its item's fields name
    (`bot.facts.actors.item_coordinate`). A sentence that names its own unit drops them (`sentence_obligations`)."""
    if number:
        earlier = " ".join(_row_or_sentences(paragraphs[index].text)[:number])
        helpers = lead_and_coordinate(earlier, None)[1]
        if helpers:
            return helpers
    elif _dates_or_continues(paragraphs, index):
        # «- Phối hợp với các cơ quan chuyên môn … hướng dẫn …» / «Thời gian hoàn thành: Tháng 12/2025.», and «- Chủ trì,
        # phối hợp với các cơ quan liên quan rà soát …;» / «hoàn thiện hồ sơ … chậm nhất 03 ngày …»: the line above's work
        helpers = lead_and_coordinate(paragraphs[index - 1].text, None)[1]
        if helpers:
            return helpers
    return item_coordinate(paragraphs, index)


# A line that only dates the task on the line above it.
_TIME_LINE = re.compile(r"^\W*thời\s+(?:gian|hạn)(?:\s+(?:hoàn\s+thành|thực\s+hiện))?\s*:", re.IGNORECASE)
_CONTINUES = (";", ",")


def _continues(paragraphs: list[Paragraph], index: int) -> bool:
    """Whether a line goes on, in lower case, from the line above it ending in «;» or «,» in the same section."""
    if index == 0:
        return False
    line, above = paragraphs[index], paragraphs[index - 1]
    return line.text[:1].islower() and above.section == line.section and above.text.rstrip(" *").endswith(_CONTINUES)


def _dates_or_continues(paragraphs: list[Paragraph], index: int) -> bool:
    """Whether a line is the time of the line above it in the same section, or its next clause."""
    dates = index > 0 and paragraphs[index - 1].section == paragraphs[index].section \
        and bool(_TIME_LINE.match(paragraphs[index].text))
    return dates or _continues(paragraphs, index)


def _continued_actor(paragraphs: list[Paragraph], index: int) -> str | None:
    """A line that goes on, in lower case, from a line of the same item ending in a semicolon is
    that line's next clause, and its unit is the one that line names: «1. Sở Nông nghiệp và Môi
    trường làm đầu mối, tham mưu …;» / «hằng năm tổng hợp kết quả …, báo cáo … trước ngày …»."""
    for j in range(index, 0, -1):
        if not _continues(paragraphs, j):
            return None
        actor = actor_of(paragraphs[j - 1].text)
        if actor:
            return actor
    return None


# A document about one unit, by its title: the charter of its duties («QUY ĐỊNH CHỨC NĂNG, NHIỆM VỤ,
# QUYỀN HẠN VÀ CƠ CẤU TỔ CHỨC CỦA SỞ NỘI VỤ»), or the conclusions of a working session with it («KẾT
# LUẬN CỦA PHÓ THỦ TƯỚNG … TẠI BUỔI LÀM VIỆC VỚI LÃNH ĐẠO TỈNH ĐẮK LẮK»).
_SUBJECT_TITLE = re.compile(
    r"(?:CHỨC\s+NĂNG,\s+NHIỆM\s+VỤ,\s+QUYỀN\s+HẠN[^\n]*?\sCỦA|LÀM\s+VIỆC\s+VỚI(?:\s+(?:LÃNH\s+ĐẠO|THƯỜNG\s+TRỰC))?)"
    r"\s+(?P<unit>[^\n]{3,80}?)(?:\s+VÀ\s+(?:QUYẾT|NGHỊ|THÔNG)\s[^\n]*)?$", re.MULTILINE)
_TITLE_LINES = 6
# A section of tasks: «Điều 2. Nhiệm vụ và quyền hạn», «II. MỘT SỐ NHIỆM VỤ, GIẢI PHÁP TRONG THỜI GIAN TỚI».
_TASKS_HEADING = re.compile(r"nhiệm\s+vụ", re.IGNORECASE)


def document_unit(body: str) -> str | None:
    """The unit a document is about, by its title (written as the text writes it: «SỞ NỘI VỤ» is
    «Sở Nội vụ» where the text names it in running words); None if the text never does."""
    lines = body.split("\n")
    head = "\n".join(lines[:_TITLE_LINES])
    match = _SUBJECT_TITLE.search(head)
    if match is None:
        return None
    words = re.compile(r"\s+".join(map(re.escape, match.group("unit").split())), re.IGNORECASE)
    for line in lines[head.count("\n", 0, match.end()) + 1:]:
        if line.isupper():
            continue
        found = words.search(line)
        if found and not found.group(0).isupper():
            return found.group(0)
    return None


def subject_actor(unit: str | None, section: str) -> str | None:
    """The document's own unit leads the tasks of a section of tasks that nothing nearer assigns:
    the items of «Điều 2. Nhiệm vụ và quyền hạn» in a unit's charter are its duties."""
    return unit if unit and _TASKS_HEADING.search(section) else None


def has_time_phrase(sentence: str, issued: date | None) -> bool:
    """A looser time phrase: a date («vào ngày 19/12/2025», «trong năm 2025»), a period («hằng năm», «định
    kỳ») or a date merely mentioned (a cited text's), which may still come with an assignment; a table row
    whose cells read as a task's."""
    if TABLE_CELL in sentence:
        return guess_columns(sentence) is not None
    return bool(loose_deadlines(sentence, issued) or undated_mention(sentence))


def extract_facts(document: CleanDocument,
                  delivery_margin_days: int = DEFAULT_DELIVERY_MARGIN_DAYS) -> DocumentFacts:
    """Obligations (one per deadline, each a task or not) and criteria lists of a cleaned
    document; "kể từ ngày nhận" deadlines are estimated with the delivery margin."""
    paragraphs = body_paragraphs(document.body)
    obligations = _obligations(paragraphs, document.meta.issued_date, delivery_margin_days,
                               document_unit(document.body))
    return DocumentFacts(obligations=tuple(obligations),
                         lists=tuple(criteria_lists(paragraphs)))
