"""The register page (/nhiem-vu): filters, every change through TaskRegister and audited with
"web" as channel, CSRF and the admin role, on SQLite and PostgreSQL."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from bot.db.models.delivery import OutboxMessage
from bot.db.models.people import AuditEntry
from bot.db.tasks import TaskRecord, TaskStatus
from bot.services.tasks import document_token
from tests.conftest import WebWorld

HTMX = {"HX-Request": "true"}


def tasks_by_doc(web: WebWorld) -> dict[str, TaskRecord]:
    """Each document's task with a date (its undated duties stay proposed: `track_all`)."""
    return {t.doc_number or t.source: t for t in web.app.state.register.store.records() if t.deadline.due}


def audited(web: WebWorld, action: str) -> list[tuple[int | None, str, str]]:
    with web.engine.connect() as connection:
        rows = connection.execute(select(AuditEntry.official_id, AuditEntry.channel, AuditEntry.detail)
                                  .where(AuditEntry.action == action))
        return [tuple(row) for row in rows]


def unit_id(web: WebWorld, code: str) -> int:
    return web.core.people.unit(code).id


def test_the_register_lists_each_document_s_tasks_and_filters_them(web: WebWorld) -> None:
    client = web.signed_in(web.admin)
    page = client.get("/nhiem-vu")
    assert page.status_code == 200
    text = page.text
    assert "09/CT-UBND" in text and "0125/KH-UBND" in text and "31/03/2026" in text
    assert "Chủ trì: SNV, STC, SYT" in text and "đang theo dõi" in text and "Trích văn bản" in text
    assert "Thêm nhiệm vụ bằng tay" in text
    tasks = tasks_by_doc(web)
    # Due window: 0125/KH-UBND falls due 31/03/2026, 09/CT-UBND on 31/12/2025.
    window = client.get("/nhiem-vu", params={"tu-ngay": "2026-01-01", "den-ngay": "2026-03-31"}).text
    assert f't-{tasks["0125/KH-UBND"].key}' in window and f't-{tasks["09/CT-UBND"].key}' not in window
    typed = client.get("/nhiem-vu", params={"den-ngay": "31/12/2025"}).text
    assert f't-{tasks["09/CT-UBND"].key}' in typed and f't-{tasks["0125/KH-UBND"].key}' not in typed
    # Unit and status: a task given to SNV alone is not STC's; nothing is dismissed yet.
    web.app.state.register.assign(tasks["09/CT-UBND"].key, ["SNV"], by=None, channel="cli")
    stc = client.get("/nhiem-vu", params={"don-vi": "STC"}).text
    assert f't-{tasks["0125/KH-UBND"].key}' in stc and f't-{tasks["09/CT-UBND"].key}' not in stc
    assert "Không có nhiệm vụ nào khớp bộ lọc" in client.get("/nhiem-vu", params={"trang-thai": "dismissed"}).text
    one_doc = client.get("/nhiem-vu", params={"van-ban": document_token(tasks["09/CT-UBND"].source)}).text
    assert f't-{tasks["09/CT-UBND"].key}' in one_doc and f't-{tasks["0125/KH-UBND"].key}' not in one_doc
    # Filters that cannot be read say so, in Vietnamese, instead of failing.
    assert "Không đọc được ngày «hôm qua»" in client.get("/nhiem-vu", params={"tu-ngay": "hôm qua"}).text
    unknown = client.get("/nhiem-vu", params={"don-vi": "XYZ"})
    assert unknown.status_code == 200 and "Không có đơn vị mã XYZ" in unknown.text


def test_tracking_and_dismissing_change_the_register_and_are_audited(web: WebWorld) -> None:
    client = web.signed_in(web.admin)
    csrf = web.csrf(client.get("/nhiem-vu").text)
    key = tasks_by_doc(web)["0125/KH-UBND"].key
    # Dismiss through htmx: the row comes back alone, with its new status.
    row = client.post(f"/nhiem-vu/{key}/loai", data={"csrf": csrf, "quay-lai": "/nhiem-vu"}, headers=HTMX)
    assert row.status_code == 200 and row.text.lstrip().startswith("<tr") and "<html" not in row.text
    assert "pill dismissed" in row.text and "báo cáo đã gửi về việc này vẫn được giữ" in row.text
    assert "✅ Theo dõi lại" in row.text
    assert web.app.state.register.task(key).status is TaskStatus.DISMISSED
    assert audited(web, "task_dismiss")[-1][:2] == (web.admin, "web")
    # Track it again without htmx: back to the register it came from, with a notice.
    back = client.post(f"/nhiem-vu/{key}/theo-doi", data={"csrf": csrf, "quay-lai": "/nhiem-vu?trang-thai=tracked"},
                       follow_redirects=False)
    assert back.status_code == 303 and back.headers["location"].startswith("/nhiem-vu?trang-thai=tracked&thong-bao=")
    assert "Đã đưa 1 nhiệm vụ vào theo dõi" in client.get(back.headers["location"]).text
    assert web.app.state.register.task(key).status is TaskStatus.TRACKED
    assert audited(web, "task_track")[-1] == (web.admin, "web", key)
    # The units of the tracked task hear of it, as from the chat (SNV's reporter, STC's reader).
    with web.engine.connect() as connection:
        told = set(connection.scalars(select(OutboxMessage.official_id)
                                      .where(OutboxMessage.dedupe_key.like("trk:%"))))
    assert told == {web.reporter, web.reader}


def test_a_document_s_proposals_are_tracked_at_once(web: WebWorld) -> None:
    client = web.signed_in(web.admin)
    task = tasks_by_doc(web)["0125/KH-UBND"]
    web.app.state.register.store.set_status([task.key], TaskStatus.PROPOSED, by=None)
    page = client.get("/nhiem-vu").text
    # this one and the plan's undated duty (its report to the election committee), proposed since ingestion
    assert "Xác nhận tất cả (2 đề xuất)" in _card(page, "0125/KH-UBND") and "✅ Xác nhận</button>" in page
    token = document_token(task.source)
    response = client.post(f"/nhiem-vu/van-ban/{token}/theo-doi",
                           data={"csrf": web.csrf(page), "quay-lai": "/nhiem-vu"}, follow_redirects=False)
    assert response.status_code == 303
    assert {t.status for t in web.app.state.register.store.records() if t.source == task.source} == {
        TaskStatus.TRACKED}
    assert audited(web, "task_track")[-1][:2] == (web.admin, "web")
    after = client.get(response.headers["location"]).text
    assert "Xác nhận tất cả" not in _card(after, "0125/KH-UBND") and "Xác nhận tất cả" in after  # others still wait


def _card(page: str, doc_number: str) -> str:
    """The register page's card of one document."""
    card = re.search(rf"<h2>{re.escape(doc_number)}</h2>(.*?)</section>", page, re.S)
    assert card, f"no card for {doc_number}"
    return card.group(1)


def test_units_and_deadline_are_changed_from_the_row(web: WebWorld) -> None:
    client = web.signed_in(web.admin)
    csrf = web.csrf(client.get("/nhiem-vu").text)
    key = tasks_by_doc(web)["0125/KH-UBND"].key
    form = client.get(f"/nhiem-vu/{key}", headers=HTMX).text
    assert 'name="chu-tri" value="SNV, STC, SYT"' in form and 'name="han" value="2026-03-31"' in form
    row = client.post(f"/nhiem-vu/{key}/don-vi", data={"csrf": csrf, "chu-tri": "snv", "phoi-hop": "STC; SYT"},
                      headers=HTMX)
    assert "Đã lưu đơn vị được giao" in row.text and "Chủ trì: SNV" in row.text and "Phối hợp: STC, SYT" in row.text
    task = web.app.state.register.task(key)
    assert task.lead == (unit_id(web, "SNV"),) and set(task.coordinate) == {unit_id(web, "STC"), unit_id(web, "SYT")}
    assert audited(web, "task_assign")[-1][:2] == (web.admin, "web")
    # A code that is no unit: the form comes back with what was typed and the reason.
    wrong = client.post(f"/nhiem-vu/{key}/don-vi", data={"csrf": csrf, "chu-tri": "SNV, XYZ"}, headers=HTMX)
    assert "Không có đơn vị mã XYZ" in wrong.text and 'value="SNV, XYZ"' in wrong.text and "/donvi" not in wrong.text
    assert web.app.state.register.task(key).lead == (unit_id(web, "SNV"),) and len(audited(web, "task_assign")) == 1
    row = client.post(f"/nhiem-vu/{key}/han", data={"csrf": csrf, "han": "2026-04-15"}, headers=HTMX)
    assert "Đã sửa hạn" in row.text and "15/04/2026" in row.text and "đã sửa bằng tay" in row.text
    assert web.app.state.register.task(key).deadline.due == date(2026, 4, 15)
    assert audited(web, "task_deadline")[-1][:2] == (web.admin, "web")
    # Without htmx a bad date shows the task's page with the reason (400), nothing changed.
    bad = client.post(f"/nhiem-vu/{key}/han", data={"csrf": csrf, "han": "mai"})
    assert bad.status_code == 400 and "Không đọc được ngày «mai»" in bad.text and "<html" in bad.text
    assert web.app.state.register.task(key).deadline.due == date(2026, 4, 15)


def test_a_task_is_added_by_hand(web: WebWorld) -> None:
    client = web.signed_in(web.admin)
    csrf = web.csrf(client.get("/nhiem-vu").text)
    form = {"csrf": csrf, "van-ban": "0125/KH-UBND", "noi-dung": "Gửi báo cáo sơ kết phong trào",
            "han": "2026-06-30", "chu-tri": "SNV", "phoi-hop": "STC"}
    response = client.post("/nhiem-vu/them", data=form, follow_redirects=False)
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "Đã thêm nhiệm vụ và đưa vào theo dõi" in page and "Gửi báo cáo sơ kết phong trào" in page
    [added] = [t for t in web.app.state.register.store.records() if t.manual]
    assert added.status is TaskStatus.TRACKED and added.deadline.due == date(2026, 6, 30)
    assert added.lead == (unit_id(web, "SNV"),) and added.coordinate == (unit_id(web, "STC"),)
    assert audited(web, "task_add")[-1][:2] == (web.admin, "web")
    again = client.post("/nhiem-vu/them", data=form)
    assert again.status_code == 400 and "đã có trong sổ theo dõi" in again.text
    unknown = client.post("/nhiem-vu/them", data=form | {"van-ban": "99/KH-XYZ", "noi-dung": "Việc khác"})
    assert unknown.status_code == 400 and "Không có văn bản «99/KH-XYZ»" in unknown.text
    assert "Việc khác" in unknown.text  # what was typed is kept
    assert len(audited(web, "task_add")) == 1


def test_changes_need_the_csrf_token_and_the_admin_role(web: WebWorld) -> None:
    admin = web.signed_in(web.admin)
    key = tasks_by_doc(web)["0125/KH-UBND"].key
    for path, data in ((f"/nhiem-vu/{key}/loai", {}), (f"/nhiem-vu/{key}/han", {"han": "2026-05-01"}),
                       ("/nhiem-vu/them", {"van-ban": "0125/KH-UBND", "noi-dung": "x", "han": "2026-05-01",
                                           "chu-tri": "SNV"})):
        refused = admin.post(path, data=data | {"csrf": "sai"})
        assert refused.status_code == 403 and "mã bảo vệ biểu mẫu" in refused.text, path
        assert admin.post(path, data=data, headers=HTMX).status_code == 403, path
    task = web.app.state.register.task(key)
    assert task.status is TaskStatus.TRACKED and task.deadline.due == date(2026, 3, 31)
    reporter = web.signed_in(web.reporter)
    own = web.csrf(reporter.get("/don-vi/SNV").text)
    assert reporter.get("/nhiem-vu").status_code == 403
    assert reporter.get(f"/nhiem-vu/{key}").status_code == 403
    refused = reporter.post(f"/nhiem-vu/{key}/loai", data={"csrf": own})
    assert refused.status_code == 403 and "chỉ dành cho văn phòng" in refused.text
    assert web.app.state.register.task(key).status is TaskStatus.TRACKED
    assert not audited(web, "task_dismiss") and not audited(web, "task_deadline")
