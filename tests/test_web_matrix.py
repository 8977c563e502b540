"""The report matrix (/ma-tran), a unit's report history, the downloads, and a unit's own page
(/don-vi/{code}) with who may see it, on SQLite and PostgreSQL."""
from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.db.report_status import Status
from bot.db.reports import NewReport, ReportStore
from bot.db.tasks import TaskRecord
from tests.conftest import WebWorld

HTMX = {"HX-Request": "true"}
# 09/CT-UBND falls due 31/12/2025 (passed on 15/01/2026), 0125/KH-UBND on 31/03/2026.
OLD, NEW = "09/CT-UBND", "0125/KH-UBND"


def tasks(web: WebWorld) -> dict[str, TaskRecord]:
    return {t.doc_number or "": t for t in web.app.state.register.store.records()}


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


def test_a_unit_s_history_on_a_task(web: WebWorld) -> None:
    found = seed_states(web)
    client = web.signed_in(web.admin)
    fragment = client.get(f"/don-vi/SNV/nhiem-vu/{found[NEW].key}", headers=HTMX)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    text = fragment.text
    assert "SNV — Sở Nội vụ" in text and "Đang thực hiện trong hạn" in text and "Hạn 31/03/2026" in text
    assert text.index("Đã tổng hợp 5/10 phòng") < text.index("Đã tổng hợp 4/10 phòng")  # newest first
    assert "50%" in text and "40%" in text and "12:00 10/01/2026" in text  # Vietnam time
    assert "tong-hop.xlsx" in text and "FILE-42" in text
    assert re.search(r"Sửa báo cáo số \d+", text) and re.search(r"Đã được sửa bằng báo cáo số \d+", text)
    empty = client.get(f"/don-vi/SYT/nhiem-vu/{found[OLD].key}", headers=HTMX).text
    assert "chưa gửi báo cáo nào" in empty and "không được giao" in empty
    whole = client.get(f"/don-vi/SNV/nhiem-vu/{found[NEW].key}")
    assert "<html" in whole.text and "Đã tổng hợp 5/10 phòng" in whole.text
    assert client.get("/don-vi/SNV/nhiem-vu/khongco").status_code == 404


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
    reader = web.signed_in(web.reader)
    assert reader.get("/don-vi/STC").status_code == 200 and reader.get("/don-vi/SNV").status_code == 403
    admin = web.signed_in(web.admin)
    assert admin.get("/don-vi/STC").status_code == 200 and admin.get("/don-vi/SYT").status_code == 200
    missing = admin.get("/don-vi/XYZ")
    assert missing.status_code == 404 and "Không có đơn vị mã «XYZ»" in missing.text
    assert web.client(web.app).get("/don-vi/SNV").status_code == 401
