"""Every report, history included, as an Excel or CSV file (the secretariat's export); the
workbook also has a sheet of every tracked task against each unit assigned to it, in the four
states (the same table alone as CSV with `reports export --tasks`)."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from bot.core.clock import VIETNAM
from bot.db import report_views as views
from bot.db.report_views import ExportRow
from bot.retrieval.listings import day
from bot.db.report_status import STATUS_LABELS, Status
from bot.services.attachments import FOLDER as ATTACHMENTS_FOLDER

if TYPE_CHECKING:

    from sqlalchemy import Engine


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ("Số báo cáo", "Mã đơn vị", "Tên đơn vị", "Cán bộ", "Nội dung", "Số hiệu văn bản", "Hạn",
           "Trạng thái", "Tiến độ (%)", "Nội dung báo cáo", "Tệp đính kèm", "Thời gian gửi",
           "Đúng hạn/trễ hạn", "Ghi chú", "Nơi lưu tệp")
WIDTHS = (11, 12, 32, 26, 50, 18, 12, 17, 11, 60, 26, 17, 16, 22, 40)
DATE_FORMAT, DATETIME_FORMAT = "DD/MM/YYYY", "DD/MM/YYYY HH:MM"
_DATE_COLUMNS = {6: DATE_FORMAT, 11: DATETIME_FORMAT}  # due date, submitted (indexes in HEADERS)
_TEXT_COLUMNS = (2, 3, 4, 9, 10, 14)  # unit and official names, title, report text, attachment name and place
MATRIX_SHEET = "Nhiệm vụ theo đơn vị"
MATRIX_HEADERS = ("Số hiệu văn bản", "Nhiệm vụ", "Hạn", "Mã đơn vị", "Tên đơn vị", "Vai trò", "Tình trạng",
                  "Báo cáo gần nhất", "Tiến độ (%)")
MATRIX_WIDTHS = (18, 60, 12, 12, 32, 11, 26, 18, 11)
_MATRIX_DATE, _MATRIX_TEXT = 2, (1, 4)  # due date; task and unit names
# A cell starting with one of these is a formula to a spreadsheet: CSV cells get a leading "'".
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")



def status_label(status: str) -> str:
    try:
        return STATUS_LABELS[Status(status)]
    except ValueError:
        return status


def is_late(submitted_at: datetime, due: date | None) -> bool:
    """Submitted after the due date, as dated in Vietnam."""
    return due is not None and submitted_at.astimezone(VIETNAM).date() > due


# -- the export ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportStats:
    reports: int
    units: int


def export_cells(row: ExportRow) -> list[Any]:
    """One report as a table row: dates as dates, the Vietnam time of submission without zone."""
    sent = row.submitted_at.astimezone(VIETNAM).replace(tzinfo=None)
    on_time = "" if row.due_date is None else (
        "trễ hạn" if is_late(row.submitted_at, row.due_date) else "đúng hạn")
    return [row.report_id, row.unit_code, row.unit_name, f"#{row.official_id} {row.official_name}".strip(),
            row.title, row.doc_number or "", row.due_date, status_label(row.status), row.percent,
            row.text, row.attachment_name or "", sent, on_time,
            f"sửa báo cáo số {row.corrects_id}" if row.corrects_id else "", attachment_place(row)]


def attachment_place(row: ExportRow) -> str:
    """Where the attachment is: its copy on the server when there is one, else the messenger's
    own reference (a Telegram file id, a Zalo link that may have expired)."""
    if row.attachment_file:
        return f"{ATTACHMENTS_FOLDER}/{row.attachment_file}"
    if row.attachment_ref:
        return f"{row.channel}: {row.attachment_ref}"
    return ""


def export_bytes(engine: "Engine", fmt: str, doc_numbers: Sequence[str] | None = None,
                 matrix: Sequence[list[Any]] = ()) -> tuple[bytes, ExportStats]:
    """Every report (of these documents, or all) as an XLSX or CSV file; the workbook also gets
    the task matrix (rows of `MATRIX_HEADERS`) as its second sheet."""
    units: set[str] = set()
    count = 0

    def counted() -> Iterable[ExportRow]:
        nonlocal count
        for row in views.export_rows(engine, doc_numbers):
            count += 1
            units.add(row.unit_code)
            yield row

    if fmt == "xlsx":
        content = xlsx_bytes(counted(), matrix)
    elif fmt == "csv":
        content = csv_bytes(counted())
    else:
        raise ValueError(f"unknown export format: {fmt}")
    return content, ExportStats(count, len(units))


def xlsx_bytes(rows: Iterable[ExportRow], matrix: Sequence[list[Any]] = ()) -> bytes:
    """A streamed workbook: bold frozen header, set widths, real dates shown dd/mm/yyyy."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    _sheet(book, "Báo cáo", HEADERS, WIDTHS, (export_cells(row) for row in rows), _TEXT_COLUMNS, _DATE_COLUMNS)
    if matrix:
        _sheet(book, MATRIX_SHEET, MATRIX_HEADERS, MATRIX_WIDTHS, (list(r) for r in matrix), _MATRIX_TEXT,
               {_MATRIX_DATE: DATE_FORMAT})
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(book: Any, title: str, headers: Sequence[str], widths: Sequence[int], rows: Iterable[list[Any]],
           text_columns: Sequence[int], date_columns: dict[int, str]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    for i, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in headers:
        cell = WriteOnlyCell(sheet, name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for values in rows:
        for i in text_columns:  # people's own words: no control characters, never a formula
            text = ILLEGAL_CHARACTERS_RE.sub("", values[i])
            values[i] = text
            if text.startswith("="):
                values[i] = WriteOnlyCell(sheet, text)
                values[i].data_type = "s"
        for i, number_format in date_columns.items():
            if values[i] is not None:
                values[i] = WriteOnlyCell(sheet, values[i])
                values[i].number_format = number_format
        sheet.append(values)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"


def csv_bytes(rows: Iterable[ExportRow]) -> bytes:
    """UTF-8 with a BOM; dates as dd/mm/yyyy text; formula-like text defused with a "'"."""
    return table_csv(HEADERS, (export_cells(row) for row in rows))


def table_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return day(value)
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export_name(today: date, doc_numbers: Sequence[str] | None, fmt: str = "xlsx") -> str:
    scope = "-" + "-".join(n.replace("/", "-") for n in doc_numbers) if doc_numbers else ""
    return f"baocao{scope}-{today:%Y%m%d}.{fmt}"
