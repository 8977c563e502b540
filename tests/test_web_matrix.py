"""The report matrix (/ma-tran), a unit's report history, the downloads, and a unit's own page
(/don-vi/{code}) with who may see it, on SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

from openpyxl import load_workbook
from sqlalchemy import select

from bot.db.models.people import AuditEntry
from bot.db.people import UnitSpec
from bot.db.report_status import Status
from bot.db.reports import NewReport, ReportStore
from bot.db.tasks import TaskRecord
from bot.services.exports import MATRIX_HEADERS, MATRIX_SHEET
from bot.web.pages.matrix import MAX_ROWS, MIN_ROWS, rows_per_page
from tests.conftest import WebWorld

HTMX = {"HX-Request": "true"}
# 09/CT-UBND falls due 31/12/2025 (passed on 15/01/2026), 0125/KH-UBND on 31/03/2026.
OLD, NEW = "09/CT-UBND", "0125/KH-UBND"


def tasks(web: WebWorld) -> dict[str, TaskRecord]:
    """Each document's task with a date (its undated duties stay proposed: `track_all`)."""
    return {t.doc_number or "": t for t in web.app.state.register.store.records() if t.deadline.due}


def report(web: WebWorld, code: str, task: TaskRecord, status: Status, percent: int | None, text: str,
           at: datetime, token: str, **extra: str) -> int:
    unit = web.core.people.unit(code)
    assert unit is not None and task.deadline.due is not None
    new = NewReport(unit.id, web.reporter, "telegram", task.action, status, task.key, task.doc_number,
                    task.deadline.due, percent, text, **extra)
    return ReportStore(web.engine).submit(new, token, now=at).number


def seed_states(web: WebWorld) -> dict[str, TaskRecord]:
    """Each of the four states, and a cell of a unit the task is not given to:
    OLD: SNV nothing (overdue), STC done after the due date (late), SYT not given it;
    NEW: SNV 40% then corrected to 50% (on track), STC done in time."""
    found = tasks(web)
    web.app.state.register.assign(found[OLD].key, ["SNV", "STC"], by=None, channel="cli")
    report(web, "STC", found[OLD], Status.DONE, 100, "Đã rà soát xong", datetime(2026, 1, 5, 3, tzinfo=UTC), "s1")
    first = report(web, "SNV", found[NEW], Status.IN_PROGRESS, 40, "Đã tổng hợp 4/10 phòng",
                   datetime(2026, 1, 10, 3, tzinfo=UTC), "n1")
    ReportStore(web.engine).correct(first, NewReport(0, web.reporter, "telegram", "", Status.IN_PROGRESS,
                                                     percent=50, text="Đã tổng hợp 5/10 phòng",
                                                     attachment_name="tong-hop.xlsx", attachment_ref="FILE-42"),
                                    "n2", now=datetime(2026, 1, 10, 5, tzinfo=UTC))
    report(web, "STC", found[NEW], Status.DONE, None, "Đã gửi hồ sơ", datetime(2026, 1, 12, 3, tzinfo=UTC), "t1")
    return found


def cells(page: str, code: str) -> list[tuple[str, str]]:
    """(class, text) of each cell in a unit's row of the matrix."""
    row = re.search(rf'<tr data-u="{code}">(.*?)</tr>', page, re.S)
    assert row, f"no row for {code}"
    return [(css, text) for css, text, _ in re.findall(r'<td>(?:<a class="cell ([a-z_]+)">([^<]*)</a>|()</td>)',
                                                       row.group(1))]


def test_the_matrix_colours_each_cell_by_state(web: WebWorld) -> None:
    seed_states(web)
    page = web.signed_in(web.admin).get("/ma-tran")
    assert page.status_code == 200
    # Columns by due date: OLD then NEW; rows by unit code.
    assert cells(page.text, "SNV") == [("overdue", ""), ("on_track", "50")]
    assert cells(page.text, "STC") == [("done_late", "100"), ("done_on_time", "✓")]
    assert cells(page.text, "SYT") == [("", ""), ("on_track", "")]
    assert "3 đơn vị × 2 nhiệm vụ" in page.text and "Trang 1/" not in page.text
    only_new = web.signed_in(web.admin).get("/ma-tran", params={"van-ban": NEW}).text
    assert cells(only_new, "SNV") == [("on_track", "50")] and "3 đơn vị × 1 nhiệm vụ" in only_new


def test_the_matrix_filters_by_unit_kind_and_sorts_the_most_overdue_first(web: WebWorld) -> None:
    seed_states(web)
    web.core.people.import_units([UnitSpec("SNV", "Sở Nội vụ", kind="so"), UnitSpec("SYT", "Sở Y tế", kind="so"),
                                  UnitSpec("STC", "Sở Tài chính", kind="nganh")])
    client = web.signed_in(web.admin)
    kind = client.get("/ma-tran", params={"loai": "so"}).text
    assert 'data-u="SNV"' in kind and 'data-u="SYT"' in kind and 'data-u="STC"' not in kind
    rows = re.findall(r'<tr data-u="(\w+)">', client.get("/ma-tran", params={"sap-xep": "qua-han"}).text)
    assert rows[0] == "SNV"  # its only overdue cell puts it first


def test_the_matrix_comes_a_page_of_units_at_a_time(web: WebWorld) -> None:
    assert rows_per_page(50) == 80 and rows_per_page(500) == MIN_ROWS and rows_per_page(2) == MAX_ROWS
    web.core.people.import_units((f"DV{i:03d}", f"Đơn vị {i}") for i in range(120))
    key = tasks(web)[NEW].key
    web.app.state.register.assign(key, [u.code for u in web.core.people.units()], by=None, channel="cli")
    client = web.signed_in(web.admin)
    first = client.get("/ma-tran").text
    assert "123 đơn vị × 2 nhiệm vụ" in first and "Trang 1/2: mỗi trang 100 đơn vị" in first
    assert first.count("<tr data-u=") == 100 and "trang=2" in first
    second = client.get("/ma-tran", params={"trang": "2"}).text
    assert second.count("<tr data-u=") == 23 and 'data-u="SYT"' in second
    rows = list(csv.reader(io.StringIO(client.get("/ma-tran/tai-ve", params={"fmt": "csv"}).content
                                       .decode("utf-8-sig"))))
    assert len({r[3] for r in rows[1:]}) == 123  # the download has every page


def test_a_click_opens_the_unit_s_history_on_the_task(web: WebWorld) -> None:
    found = seed_states(web)
    client = web.signed_in(web.admin)
    page = client.get("/ma-tran").text
    assert f'data-k="{found[NEW].key}"' in page and "/static/sheet.js" in page and 'id="lich-su"' in page
    fragment = client.get(f"/don-vi/SNV/nhiem-vu/{found[NEW].key}", headers=HTMX)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    text = fragment.text
    assert "Lịch sử báo cáo — SNV" in text and "Đang thực hiện trong hạn" in text and "Hạn 31/03/2026" in text
    assert text.index("Đã tổng hợp 5/10 phòng") < text.index("Đã tổng hợp 4/10 phòng")  # newest first
    assert "50%" in text and "40%" in text and "12:00 10/01/2026" in text  # Vietnam time
    assert "tong-hop.xlsx" in text and "FILE-42" in text
    assert re.search(r"Sửa báo cáo số \d+", text) and re.search(r"Đã được sửa bằng báo cáo số \d+", text)
    empty = client.get(f"/don-vi/SYT/nhiem-vu/{found[OLD].key}", headers=HTMX).text
    assert "chưa gửi báo cáo nào" in empty and "không được giao" in empty
    whole = client.get(f"/don-vi/SNV/nhiem-vu/{found[NEW].key}")
    assert "<html" in whole.text and "Đã tổng hợp 5/10 phòng" in whole.text
    assert client.get("/don-vi/SNV/nhiem-vu/khongco").status_code == 404


def test_downloads_are_what_the_matrix_shows(web: WebWorld) -> None:
    seed_states(web)
    client = web.signed_in(web.admin)
    got = client.get("/ma-tran/tai-ve", params={"fmt": "csv", "van-ban": NEW})
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert 'filename="ma-tran-0125-KH-UBND-20260115.csv"' in got.headers["content-disposition"]
    assert got.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == MATRIX_HEADERS
    assert {(r[0], r[3], r[6]) for r in rows[1:]} == {
        (NEW, "SNV", "Đang thực hiện trong hạn"), (NEW, "STC", "Hoàn thành đúng hạn"),
        (NEW, "SYT", "Đang thực hiện trong hạn")}
    book = load_workbook(io.BytesIO(client.get("/ma-tran/tai-ve", params={"fmt": "xlsx"}).content))
    assert book.sheetnames == ["Báo cáo", MATRIX_SHEET]
    assert book["Báo cáo"].max_row == 1 + 4 and book[MATRIX_SHEET].max_row == 1 + 5  # SYT has no OLD
    assert client.get("/ma-tran/tai-ve", params={"fmt": "pdf"}).status_code == 400
    with web.engine.connect() as connection:
        exports = list(connection.execute(select(AuditEntry.official_id, AuditEntry.channel)
                                          .where(AuditEntry.action == "export")))
    assert exports == [(web.admin, "web")] * 2


def test_a_unit_s_page_is_for_its_own_people_and_the_secretariat(web: WebWorld) -> None:
    found = seed_states(web)
    reporter = web.signed_in(web.reporter)
    own = reporter.get("/don-vi/SNV")
    assert own.status_code == 200
    text = own.text
    assert "Sở Nội vụ" in text and found[OLD].action[:40] in text and "Quá hạn chưa hoàn thành" in text
    assert "Đã tổng hợp 5/10 phòng" in text and "2 báo cáo đã gửi" in text
    assert f"/don-vi/SNV/nhiem-vu/{found[NEW].key}" in text
    assert reporter.get(f"/don-vi/SNV/nhiem-vu/{found[NEW].key}", headers=HTMX).status_code == 200
    other = reporter.get("/don-vi/STC")
    assert other.status_code == 403 and "chỉ xem được trang của đơn vị mình" in other.text
    assert reporter.get(f"/don-vi/STC/nhiem-vu/{found[NEW].key}", headers=HTMX).status_code == 403
    assert reporter.get("/don-vi/XYZ").status_code == 403  # no hint whether another unit exists
    assert reporter.get("/ma-tran").status_code == 403 and reporter.get("/ma-tran/tai-ve").status_code == 403
    reader = web.signed_in(web.reader)
    assert reader.get("/don-vi/STC").status_code == 200 and reader.get("/don-vi/SNV").status_code == 403
    admin = web.signed_in(web.admin)
    assert admin.get("/don-vi/STC").status_code == 200 and admin.get("/don-vi/SYT").status_code == 200
    missing = admin.get("/don-vi/XYZ")
    assert missing.status_code == 404 and "Không có đơn vị mã «XYZ»" in missing.text
    assert web.client(web.app).get("/don-vi/SNV").status_code == 401
