"""Task tables: «STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành».

Each row below such a header is a task with its lead, coordinating units and deadline taken from
their columns; a row seen without its header is read by its cells' shapes.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.facts.actors import TRAIL, action_of, actor_of, tidy_action
from bot.facts.deadlines import FoundDeadline, locate_deadlines
from bot.facts.model import Deadline, DeadlineKind, NotTask, Obligation
from bot.facts.paragraphs import Paragraph
from bot.facts.tasks import TASK_VERBS_LOWER, opinion_step, rule_party
from bot.facts.time_phrases import cell_deadline, cell_duration, loose_deadlines
from bot.facts.units import ORG_WORD, lead_and_coordinate, split_units

__all__ = ["TABLE_CELL", "TABLE_GAP", "TaskTable", "guess_columns", "joined_row", "responsibility", "row_obligations",
           "status_below", "step_actor", "task_table"]

_I = re.IGNORECASE

TABLE_CELL = " | "
TABLE_GAP = 2  # a group title ("I.", "NÂNG CAO NHẬN THỨC") may sit between rows on its own lines
# «Cơ quan chủ trì»; a step table's «Trách nhiệm thực hiện», «Đơn vị/ người thực hiện» (not a catalogue's
# «Cơ quan thực hiện», the authority that settles a procedure).
_LEAD_COLUMN = re.compile(r"chủ\s+trì|^(?:trách\s+nhiệm|đơn\s+vị(?:\s*/\s*người)?|cơ\s+quan,\s*bộ\s+phận,\s*người)"
                          r"\s+thực\s+hiện$", _I)
_COORDINATE_COLUMN = re.compile(r"phối\s+hợp", _I)
_TIME_COLUMN = re.compile(r"thời\s+(?:gian|hạn|điểm)|tiến\s+độ|hoàn\s+thành", _I)
_TASK_COLUMN = re.compile(r"nhiệm\s+vụ|nội\s+dung|công\s+việc|hoạt\s+động|giải\s+pháp|đề\s+án|dự\s+án"
                          r"|trình\s+tự", _I)
# The columns of a progress table that say how far each task is («Tiến độ», «Tình trạng») and what was done
# («Kết quả thực hiện»).
_PROGRESS_COLUMN = re.compile(r"^(?:tiến\s+độ|tình\s+trạng|trạng\s+thái)(?:\s+thực\s+hiện)?$", _I)
_RESULT_COLUMN = re.compile(r"^kết\s+quả(?:\s+thực\s+hiện)?$", _I)
# What was done, where it says the task is done: «Có 34/34 địa phương hoàn thành …», «… đạt tỷ lệ 100%».
_DONE_RESULT = re.compile(r"\b(\d+)/\1\b|\b100\s*%|đã\s+hoàn\s+thành", _I)
# A column that only numbers the rows or steps («STT», «Thứ tự công việc», «Bước thực hiện»): never the task.
_ORDINAL_COLUMN = re.compile(r"^(?:s?tt|số\s+(?:tt|thứ\s+tự)|thứ\s+tự|các\s+bước|bước)\b", _I)


@dataclass(frozen=True)
class TaskTable:
    lead: int
    coordinate: int | None
    time: int
    task: int | None
    width: int | None = None  # the header's cells: a row with fewer lost its first ones to merged cells
    progress: int | None = None  # a progress table's column of states («Tiến độ»: «Chưa hoàn thành», …)
    result: int | None = None  # and its column of what was done («Kết quả thực hiện»)

    def of_row(self, cells: list[str]) -> TaskTable | None:
        """The columns of a row: a row shorter than the header that does not open with its number lost its
        first cells to the step above («Chuyên viên thụ lý | Tham mưu, dự thảo … | 01 ngày» under the merged
        number and title of «B2»), and is aligned to its right."""
        shift = len(cells) - self.width if self.width and len(cells) < self.width else 0
        if not shift or _ROW_MARKER.match(cells[0]):
            return self
        lead, time = self.lead + shift, self.time + shift
        if min(lead, time) < 0:
            return None
        moved = [None if i is None or i + shift < 0 else i + shift for i in (self.coordinate, self.task)]
        # the step's title went with its merged cells: the work is the cell after the doer's
        task = moved[1] if moved[1] is not None else lead + 1 if lead + 1 < time else None
        return TaskTable(lead, moved[0], time, task)


def task_table(text: str) -> TaskTable | None:
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
    ordinals = tuple(i for i, cell in enumerate(cells) if _ORDINAL_COLUMN.match(cell))
    after = range(time + 1, len(cells))
    progress = next((i for i in after if _PROGRESS_COLUMN.match(cells[i])), None)
    result = next((i for i in after if _RESULT_COLUMN.match(cells[i]) and i != progress), None)
    return TaskTable(lead, coordinate, time, column(_TASK_COLUMN, (lead, coordinate, time, *ordinals)), len(cells),
                     progress, result)


# A unit's name, or its acronym alone ("EVN", "NHNN").
_UNIT_CELL = re.compile(rf"^(?:{ORG_WORD}|các\s|UBND\b|Thành\s+phố|Tỉnh|(?-i:[A-ZĐ]{{2,6}})(?:\s*[,;]\s*(?-i:[A-ZĐ]{{2,6}}))*$)", _I)
_UNIT_CELL_CHARS = 150
_DOC_REF = re.compile(r"\bsố\s+\S*\d|\d[-/](?-i:[A-ZĐ])", _I)
_TIME_CELL = re.compile(r"\d{4}|quý|tháng|thường\s+xuyên|hằng|hàng|định\s+kỳ", _I)


# Who does a step of a procedure: a unit or a role in it («Lãnh đạo UBND cấp xã», «Chuyên viên phòng …»,
# «Văn thư UBND cấp xã», «Bộ phận tiếp nhận hồ sơ …», «Trưởng Bộ phận TN&TKQ»).
_STAFF = (r"Chuyên\s+viên|Công\s+chức|Viên\s+chức|Văn\s+thư|Cán\s+bộ|Kế\s+toán|Lãnh\s+đạo|Thủ\s+trưởng|Trưởng"
          r"|Phó\s+[Tt]rưởng")
_ROLE_CELL = re.compile(rf"^(?:{ORG_WORD}|{_STAFF}|Bộ\s+phận"
                        r"|Tổ\s+(?:thư\s+ký|giúp\s+việc|công\s+tác|chuyên\s+gia))")
_STAFF_ROLE = re.compile(rf"^(?:{_STAFF})\s+\S")
_STEP_CELL = re.compile(r"^\**\s*Bước\s+\d{1,2}\W*$", _I)
_TOTAL_ROW = re.compile(r"^\W*(?:tổng\s+(?:thời\s+gian|cộng|số)|cộng)\b", _I)
_ROW_MARKER = re.compile(r"^\W{0,2}(?:(?:Bước\s+|B)\d{1,2}|\d{1,3}(?:\.\d{1,2})*|[IVX]{1,4})\W{0,2}$", _I)


def _step_columns(cells: list[str]) -> TaskTable | None:
    """A step of a procedure's table: «Bước 2 | Lãnh đạo Phòng … | Nhận hồ sơ, phân công … | 04 giờ làm việc»,
    its role leading, its last cell a duration; or «Bước 3 | work with its time limit | Cơ sở trợ giúp xã hội.»,
    the unit that takes the step in its last cell."""
    if len(cells) >= 3 and _STEP_CELL.match(cells[0]) and not cell_duration(cells[-1]):
        last = cells[-1].strip(" *.")
        if _names_doer(last) and "," not in last and not locate_deadlines(last, None):
            return TaskTable(len(cells) - 1, None, 1, 1)
    # the duration may be followed by the step's result («… | 07 ngày | Văn bản trả lời …»)
    time = next((i for i in range(len(cells) - 1, 0, -1) if cell_duration(cells[i])), None)
    if time is None:
        return None
    roles = [i for i, cell in enumerate(cells[:time]) if (_ROLE_CELL.match(cell.strip(" *-")) or rule_party(cell.strip(" *-")))
             and not _STEP_CELL.match(cell)]
    if not roles:
        return None
    # the cell that only names the role, before the work its doer's name opens («Văn thư Sở lấy số văn bản …
    # | Văn thư Sở | 0,25 ngày»)
    lead = next((i for i in roles if not _WORK_VERB.search(cells[i])), roles[0])
    task = lead + 1 if lead + 1 < time else lead
    return TaskTable(lead, None, time, task)


# A step table the cleaned text writes line by line: under «Thứ tự công việc | Nội dung công việc | Trách nhiệm
# thực hiện | Thời gian thực hiện» a step is «Bước 1», then the lines of its work, then the line of who does
# it («Bộ phận tiếp nhận và trả kết quả Sở Y tế tại TTPVHCC tỉnh; TTPVHCC các xã, phường.»), then its time.
_STEP_HEADER = re.compile(r"(?:đơn\s+vị|trách\s+nhiệm|bộ\s+phận|cơ\s+quan|người)\s+thực\s+hiện", _I)
_STEP_LINES = 8  # lines a step's work may take
_HEADER_LINES = 120  # lines back to the table's header, past the earlier steps
_ROLE_LINE_CHARS = 160
_ROLE_NAME = re.compile(r"^[-–+*\s]*(?P<name>[^;|]+?)\s*(?:[;.|]|$)")
# A line of the step's work that starts with a unit: «Sở Tài chính trình UBND tỉnh xem xét, quyết định …»,
# «Văn thư Sở lấy số văn bản, đóng dấu …» (a role's name has no such verb: «Bộ phận tiếp nhận và trả kết quả …»).
_WORK_VERBS = (r"trình|phân\s+công|phê\s+duyệt|xem\s+xét|ký|nghiên\s+cứu|thẩm\s+định|lấy\s+số"
               r"|chuyển|kiểm\s+tra|lập|gửi|ban\s+hành|quyết\s+định|duyệt|số\s+hoá|số\s+hóa")
_WORK_VERB = re.compile(rf"(?<!được\s)(?<!được\sgiao\s)\b(?:{_WORK_VERBS})\b")
# A role of the staff, in few words, right before the work it does (not a role named by its remit: «Chuyên viên
# phụ trách thẩm định hồ sơ», «Chuyên viên được phân công»).
_STAFF_AT_WORK = re.compile(rf"^(?P<role>(?:{_STAFF})(?:\s+[^\s,;]+){{0,5}}?)(?<!\sđược)(?<!phụ\strách)"
                            rf"\s+(?=(?:{_WORK_VERBS})\b)")


# The other way such a table is written: under «TT | Bộ phận | Nội dung công việc | Thời gian» a step opens
# with its number and its unit («2 | Cơ quan có chức năng quản lý đất đai cấp xã»), then the lines of its
# work, then its time alone («5,5 ngày»).
_UNIT_COLUMN = re.compile(r"^(?:bộ\s+phận|đơn\s+vị|cơ\s+quan|trách\s+nhiệm|người)\b[^|]{0,40}$", _I)
_STEP_OPENER = re.compile(r"^\W{0,2}\d{1,2}\W{0,2}\s*\|\s*(?P<unit>[^|]+?)\s*$")


def _names_doer(text: str) -> bool:
    """Whether a cell or line only names who does a step: a unit or a role, short, with no verb of
    the work («Văn thư Sở», not «Văn thư Sở lấy số văn bản …»)."""
    return bool(text) and len(text) <= _ROLE_LINE_CHARS and bool(_ROLE_CELL.match(text)) and not _WORK_VERB.search(text)


def _header_above(paragraphs: list[Paragraph], at: int, is_header: Callable[[str], bool]) -> bool:
    """Whether a line of the same section within _HEADER_LINES above `at` is the table's header."""
    section = paragraphs[at].section
    return any(paragraphs[k].section == section and is_header(paragraphs[k].text)
               for k in range(at - 1, max(-1, at - 1 - _HEADER_LINES), -1))


def _unit_step_header(text: str) -> bool:
    """Whether a line is the header of a step table with a column of units and one of times
    («TT | Cơ quan, bộ phận, người thực hiện | Nội dung công việc | Thời gian»)."""
    cells = [cell.strip() for cell in text.split("|")]
    return len(cells) >= 3 and any(_UNIT_COLUMN.match(c) for c in cells) and any(_TIME_COLUMN.search(c) for c in cells)


def _opened_step_unit(paragraphs: list[Paragraph], index: int) -> str | None:
    """The unit of the step a line of work belongs to when the step opens with «N | unit»: the
    whole cell, a list of units as it stands («Sở Nông nghiệp và Môi trường; Phòng QL Đất đai»);
    None when the line is no step's work of such a table."""
    section = paragraphs[index].section
    for j in range(index - 1, max(-1, index - 1 - _STEP_LINES), -1):
        text = paragraphs[j].text.strip()
        if paragraphs[j].section != section or cell_duration(text):
            return None  # out of the table, or past the time that closes the step before
        opener = _STEP_OPENER.match(text)
        if opener:
            unit = opener.group("unit").strip(" *.")
            return unit if _names_doer(unit) and _header_above(paragraphs, j, _unit_step_header) else None
        if TABLE_CELL in text:
            return None  # a whole row: the line is not in a step written line by line
    return None


def step_actor(paragraphs: list[Paragraph], index: int) -> str | None:
    """Who does the step a line of work belongs to, in a step table written line by line: the
    line after the work that names a unit or a role, up to its first «;» (the places named after it
    are other desks of the same step), or the unit the step's opening line names
    (`_opened_step_unit`); None outside such a table."""
    opened = _opened_step_unit(paragraphs, index)
    if opened:
        return opened
    section = paragraphs[index].section
    marker = next((j for j in range(index - 1, max(-1, index - 1 - _STEP_LINES), -1)
                   if paragraphs[j].section != section or _STEP_CELL.match(paragraphs[j].text)
                   or TABLE_CELL in paragraphs[j].text), None)
    if marker is None or not _STEP_CELL.match(paragraphs[marker].text) or paragraphs[marker].section != section:
        return None
    if not _header_above(paragraphs, marker, lambda text: TABLE_CELL in text and bool(_STEP_HEADER.search(text))):
        return None
    for para in paragraphs[index + 1:index + 1 + _STEP_LINES]:
        if para.section != section or _STEP_CELL.match(para.text.split("|")[0]):
            return None
        match = _ROLE_NAME.match(para.text)
        name = match.group("name").strip(" *") if match else ""
        if _names_doer(name):
            return name
    return None


# A row the cleaned text writes over several lines: its number alone («8.», or «4 | its task's first words»),
# the lines of its task, then its last cells on a line of their own («Nghị quyết số 71/NQ-CP | Bộ Tài chính |
# 30/09/2025»).
_ROW_NUMBER = re.compile(r"^\W{0,2}\d{1,3}\.?\W{0,2}$")


def joined_row(paragraphs: list[Paragraph], index: int) -> tuple[int, str] | None:
    """Where a row written over several lines starts and its text joined back, cell bars between its number,
    its task and the cells the line at `index` closes it with (or a step's number, its doer, its work and its
    time); None when the line closes no such row."""
    section = paragraphs[index].section
    opening = paragraphs[index].text.split(TABLE_CELL)[0]
    if _ROW_NUMBER.match(opening) or _STEP_CELL.match(opening):
        return None  # a row of its own
    lines: list[str] = []
    for j in range(index - 1, max(-1, index - 1 - _STEP_LINES), -1):
        text = paragraphs[j].text.strip()
        if paragraphs[j].section != section:
            return None
        cells = text.split(TABLE_CELL)
        if _ROW_NUMBER.match(cells[0]) and len(cells) <= 2:
            # (not «2 | Sở Nông nghiệp và Môi trường», a step that opens with its unit, written line by line)
            task = " ".join([*cells[1:], *reversed(lines)]).strip()
            opened = task and not (len(cells) == 2 and _names_doer(cells[1].strip(" *.")))
            return (j, f"{cells[0].strip()}{TABLE_CELL}{task}{TABLE_CELL}{paragraphs[index].text}") if opened else None
        if _STEP_CELL.match(cells[0]) and len(cells) == 2 and _names_doer(cells[1].strip(" *.")):
            # «Bước 3 | Chuyên viên phòng …», the lines of its work, then its time («112 giờ», «04 giờ | Toàn trình»)
            work = " ".join(reversed(lines)).strip()
            row = TABLE_CELL.join((cells[0].strip(), cells[1].strip(), work, paragraphs[index].text))
            return (j, row) if work else None
        if TABLE_CELL in text or cell_duration(text):
            return None  # a whole row above (or the time that closed one): the line is no row's end
        lines.append(text)
    return None


def guess_columns(row: str) -> TaskTable | None:
    """The columns of a row seen without its header: the first long cell is the task, the unit
    cells after it lead and coordinate, the first short cell with a year or period is the time;
    or a procedure's step, its role then its work then its duration."""
    cells = [cell.strip() for cell in row.split("|")]
    step = _step_columns(cells)
    if step is not None:
        return step
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
    return TaskTable(units[0], units[1] if len(units) > 1 and units[1] < time else None, time, task)


# A cell that says who does what: «Sở KH&CN chủ trì hướng dẫn, tổng hợp; Các sở, ngành, UBND cấp xã thực
# hiện công bố …» — the unit that chairs leads the row, the units of its other clauses take part.
_RESPONSIBILITY_CELL = re.compile(rf"^(?P<lead>(?:{ORG_WORD}|(?-i:[A-ZĐ]{{2,6}})\b)[^|;:.]{{0,100}}?)"
                                  r"\s+chủ\s+trì\b(?P<rest>[^|]*)$")


def responsibility(row: str) -> tuple[str, tuple[str, ...]] | None:
    """The lead and the other units of a row's cell that says who chairs it, if one does (not the
    row's first cell, its number, nor its task: a task may open «Bộ Tài chính chủ trì, phối hợp …»)."""
    cells = [cell.strip(" *") for cell in row.split("|")]
    task = _task_cell(cells)
    return next((chairs for i, cell in enumerate(cells) if i and i != task and (chairs := _chairs(cell))), None)


def _chairs(cell: str) -> tuple[str, tuple[str, ...]] | None:
    match = _RESPONSIBILITY_CELL.match(cell.strip(" *"))
    if match is None or len(cell) >= _UNIT_CELL_CHARS:
        return None
    others = [actor_of(clause, openings=False) for clause in match.group("rest").split(";")[1:]]
    coordinate = lead_and_coordinate(match.group("rest"), None)[1] or tuple(
        unit for part in others if part for unit in split_units(part))
    return TRAIL.sub("", match.group("lead")).strip(), coordinate


def _task_cell(cells: list[str]) -> int:
    return next((i for i, cell in enumerate(cells) if len(cell) >= _UNIT_CELL_CHARS
                 or (len(cell) > 25 and not _UNIT_CELL.match(cell))), 0)


# A section that lists tasks past their deadline: «Các nhiệm vụ … quá hạn chưa hoàn thành», «Tổng
# hợp các nhiệm vụ chậm muộn».
_OVERDUE_SECTION = re.compile(r"quá\s+hạn|chậm\s+(?:muộn|tiến\s+độ)|chưa\s+hoàn\s+thành", _I)


# A progress column's word for a task not done yet: «Chưa hoàn thành», «Đang thực hiện».
_UNFINISHED = re.compile(r"^(?:chưa\s+hoàn\s+thành|đang\s+(?:thực\s+hiện|triển\s+khai|hoàn\s+thành))\b", _I)


# A progress table's status the cleaned text sets on a line of its own, under the row and its report lines.
_STATUS_LINE = re.compile(r"^(?:đã|chưa|đang)\s+(?:hoàn\s+thành|thực\s+hiện|triển\s+khai)(?:\s+(?:quá|đúng)\s+hạn)?$", _I)


def status_below(paragraphs: list[Paragraph], index: int) -> str | None:
    """The status of the row at `index` when it stands alone on a line before the next row («Chưa hoàn
    thành» under «31 | Phối hợp với Bộ Ngoại giao … | Bộ Tư pháp | 31/10/2025» and its report's lines)."""
    for para in paragraphs[index + 1:index + 1 + _STEP_LINES]:
        if TABLE_CELL in para.text:
            return None
        if _STATUS_LINE.match(para.text.strip(" *.")):
            return para.text.strip(" *.")
    return None


def _overdue(when: str, section: str, status: str | None) -> list[FoundDeadline]:
    """The passed deadline of a row in a list of overdue tasks, of a row whose progress column says it is
    not done yet, or of a progress table's row whose progress the text does not give (None: the table tracks
    it, and only «Đã hoàn thành» closes it); elsewhere a passed date in a table is a past timetable, as in a
    sentence."""
    unfinished = status is None or bool(_UNFINISHED.match(status.strip(" *.")))
    if not (_OVERDUE_SECTION.search(section) or unfinished):
        return []
    return locate_deadlines(f"Thời hạn: {when}", None) or cell_deadline(when, None)


def _progress(table: TaskTable, cells: list[str]) -> str | None:
    """What a row's progress column says; where the header has one the row does not reach (the cleaned text
    lost it), what its result column says of it, None when that does not say it is done; "" where the table
    has none (the row's last cell is read instead)."""
    if table.progress is None:
        return cells[-1] if len(cells) > table.time + 1 else ""
    if len(cells) > table.progress:
        return cells[table.progress]
    # (a state set on the line below the row is its last cell: `status_below`; else what was done may say)
    last = cells[-1].strip(" *.")
    if len(cells) > table.time + 1 and _STATUS_LINE.match(last):
        return last
    done = table.result is not None and len(cells) > table.result and _DONE_RESULT.search(cells[table.result])
    return "Đã hoàn thành" if done else None


# A row's time that is no date: the task goes on («Thường xuyên», «Nhiệm vụ thường xuyên»).
_ONGOING = re.compile(r"^(?:nhiệm\s+vụ\s+|công\s+việc\s+)?thường\s+xuyên"
                      r"(?:\s*[,;]?\s*(?:liên\s+tục|hằng\s+năm|hàng\s+năm))?$", _I)


def _ongoing(when: str) -> list[FoundDeadline]:
    cell = when.strip(" *.")
    return [FoundDeadline(0, len(when), Deadline(DeadlineKind.ABSOLUTE, cell))] if _ONGOING.match(cell) else []


# A dash that opens the step's work after the doer's name (not one inside a name: «Phòng Văn hóa - Xã hội»).
_DASHED_WORK = re.compile(rf"\s+[-–+]\s+(?=(?:{TASK_VERBS_LOWER.pattern}))", _I)


def _cell_unit(cell: str) -> str | None:
    """The unit a lead cell names; a cell that goes on with the step's work names it first
    («Sở Nội vụ tiếp nhận hồ sơ, thẩm định và trình UBND tỉnh …»)."""
    name = TRAIL.sub("", cell).strip().lstrip("-–* ")
    name = _DASHED_WORK.split(name, maxsplit=1)[0]  # «Văn phòng ĐKĐĐ - Cập nhật, chỉnh lý …»: its work's dashes
    unit = actor_of(name, openings=False) if _WORK_VERB.search(name) else None
    # a unit has a name of its own; «Bộ phận» before «tiếp nhận hồ sơ và trả kết quả» is a role's first words;
    # a role of the staff is a doer too («Lãnh đạo phòng xem xét, thẩm định, trình …»)
    named = unit and (any(ch.isupper() for ch in unit[1:]) or _STAFF_ROLE.match(unit))
    if not named and (staff := _STAFF_AT_WORK.match(name)):  # «Công chức kiểm tra, thẩm định hồ sơ; …»
        return staff.group("role")
    return unit if named else name or None


def row_obligations(table: TaskTable, para: Paragraph, issued: date | None,
                    delivery_margin_days: int | None, loose: bool = False) -> list[Obligation]:
    """The row's task with its columns' lead, coordinating units and deadline; with loose, also a
    row whose time is an ongoing one («Thường xuyên»), which has no date (stored tasks need one)."""
    cells = [cell.strip() for cell in para.text.split("|")]
    aligned = table.of_row(cells)
    if aligned is None or len(cells) <= aligned.time or _TOTAL_ROW.match(cells[0]):
        return []  # (a row of totals, «Tổng thời gian giải quyết TTHC | 10 ngày làm việc», is no one's step)
    table = aligned
    when = cells[table.time]
    # Deadlines the row's words state (as before tables were read) keep their action and key.
    stated = locate_deadlines(para.text, issued, delivery_margin_days)
    found = (stated or cell_duration(when)  # before dates: «1/2 ngày» is half a day, not the 1st of February
             or locate_deadlines(when, issued, delivery_margin_days)
             or locate_deadlines(f"Thời hạn: {when}", issued, delivery_margin_days)
             or cell_deadline(when, issued) or loose_deadlines(when, issued)
             or _overdue(when, para.section, _progress(table, cells))
             or (_ongoing(when) if loose else []))
    lead = _cell_unit(cells[table.lead])
    coordinate = split_units(cells[table.coordinate]) if table.coordinate is not None else ()
    chairs = _chairs(cells[table.lead])
    if chairs:  # «Sở Y tế chủ trì; các sở, ngành phối hợp» in the lead column
        lead, coordinate = chairs[0], coordinate or chairs[1]
    if not coordinate and table.task is not None:  # «Chủ trì, phối hợp với Bộ Công an …» in the task
        coordinate = lead_and_coordinate(cells[table.task], None)[1]
    action = tidy_action(cells[table.task]) if table.task is not None else tidy_action(para.text)
    # an applicant's, a role's or a consulted body's step
    rule = bool(lead) and (rule_party(lead) or table.task is not None and opinion_step(cells[table.task]))
    return [Obligation(action=action_of(para.text, item, stated) if stated else action, deadline=item.deadline,
                       quote=para.text, section=para.section, actor=lead, lead=None if rule else lead,
                       coordinate=() if rule else coordinate, is_task=not rule,
                       not_task=NotTask.RULE if rule else None) for item in found]
