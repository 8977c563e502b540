"""Văn bản on the dashboard: uploads ingested in the background with their tasks proposed, bad
files refused with their reason and nothing lost, removal, and only the secretariat changing
anything (FastAPI's TestClient over the real core, both databases)."""
from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.db.models.delivery import OutboxMessage
from bot.db.models.people import AuditEntry
from bot.db.tasks import TaskStatus
from bot.db.web import WebStore
from bot.services.tasks import TaskRegister
from bot.web.library import Library, safe_name
from tests.conftest import WebWorld
from tests.plans import PLAN_HEAD as PLAN

STORED_AS = "ke-hoach-77-chuyen-doi-so.txt"
SEED = "chi-thi-17-ct-btttt-2018.txt"
WAIT_S = 60


def _library(web: WebWorld) -> Library:
    return web.app.state.library


def _upload(client: TestClient, csrf: str, name: str, data: bytes):  # type: ignore[no-untyped-def]
    return client.post("/van-ban/tai-len", data={"csrf": csrf}, files={"tep": (name, data, "application/octet-stream")},
                       follow_redirects=False)


def _finished(client: TestClient, page: str) -> str:
    """The newest upload's status fragment once it is done or failed, polled as the page does."""
    job = re.search(r'id="nap-([0-9a-f]+)"', page)
    assert job, "no upload listed on the page"
    deadline = time.monotonic() + WAIT_S
    while True:
        fragment = client.get(f"/van-ban/nap/{job[1]}")
        assert fragment.status_code == 200
        if "every 1s" not in fragment.text:
            assert fragment.headers["HX-Trigger"] == "van-ban-doi"  # the table reloads itself
            return fragment.text
        assert time.monotonic() < deadline, fragment.text
        time.sleep(0.1)


def _audit(web: WebWorld, action: str) -> list[tuple[int | None, str, str]]:
    with web.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(  # type: ignore[misc]
            select(AuditEntry.official_id, AuditEntry.channel, AuditEntry.detail)
            .where(AuditEntry.action == action))]


def _csrf_of(web: WebWorld, client: TestClient) -> str:
    """The session's CSRF token, for officials whose pages this branch does not serve."""
    session = WebStore(web.engine).session(client.cookies["ttct_session"], timedelta(hours=1))
    assert session is not None
    return session.csrf


def test_file_names_are_stored_safely() -> None:
    assert safe_name("Kế hoạch 12/KH-UBND (bản cuối).DOCX") == "kh-ubnd-ban-cuoi.docx"
    assert safe_name("C:\\Users\\An\\Đề án.pdf") == "de-an.pdf"
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name(".htaccess") == "van-ban.htaccess"
    assert safe_name("Quyết định.") == "quyet-dinh"


def test_a_good_text_is_ingested_in_the_background_and_its_tasks_proposed(web: WebWorld) -> None:
    client = web.signed_in(web.admin)
    page = client.get("/van-ban")
    assert page.status_code == 200 and "Văn bản trong kho (6)" in page.text and "77/KH-UBND" not in page.text
    response = _upload(client, web.csrf(page.text), "Kế hoạch 77 chuyển đổi số.txt", PLAN.encode())
    assert response.status_code == 303 and response.headers["location"] == "/van-ban"
    listed = client.get("/van-ban").text
    assert "Kế hoạch 77 chuyển đổi số.txt" in listed and f"lưu là {STORED_AS}" in listed
    done = _finished(client, listed)
    assert "xong" in done and "2 nhiệm vụ tìm thấy" in done
    assert (web.settings.paths.knowledge / STORED_AS).read_text(encoding="utf-8") == PLAN
    table = client.get("/van-ban/bang").text
    assert "Văn bản trong kho (7)" in table and "77/KH-UBND" in table and "2 đề xuất" in table
    tasks = TaskRegister(web.engine, web.settings).store.records(sources=[STORED_AS])
    assert len(tasks) == 2 and {t.status for t in tasks} == {TaskStatus.PROPOSED}
    assert _library(web).chunk_counts()[STORED_AS] >= 1
    chunks = _library(web).chunk_counts()[STORED_AS]
    assert f"<td>{chunks}</td>" in table
    assert _audit(web, "document_upload") == [(web.admin, "web", f"{STORED_AS}: {chunks} đoạn, 2 nhiệm vụ")]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_with_auto_track_the_units_hear_of_an_uploaded_documents_tasks(web: WebWorld) -> None:
    web.app.state.register.auto_track = True
    client = web.signed_in(web.admin)
    _upload(client, web.csrf(client.get("/van-ban").text), "ke-hoach-77.txt", PLAN.encode())
    assert "2 nhiệm vụ tìm thấy" in _finished(client, client.get("/van-ban").text)
    tasks = TaskRegister(web.engine, web.settings).store.records(sources=["ke-hoach-77.txt"])
    assert {t.status for t in tasks} == {TaskStatus.TRACKED}
    with web.engine.connect() as connection:
        told = connection.execute(select(OutboxMessage.official_id, OutboxMessage.text)
                                  .where(OutboxMessage.dedupe_key.like("trk:%"))).all()
    # Sở Nội vụ leads the first task with Sở Tài chính: their officials are told (Sở Y tế has none).
    assert sorted(official for official, _ in told) == [web.reporter, web.reader]
    assert "77/KH-UBND bắt đầu được theo dõi" in told[0][1]


def test_a_bad_file_gets_its_reason_and_nothing_is_lost(web: WebWorld) -> None:
    client = web.signed_in(web.admin)
    csrf = web.csrf(client.get("/van-ban").text)
    chunks_before = _library(web).chunk_counts()
    seed_text = (web.settings.paths.knowledge / SEED).read_bytes()

    response = _upload(client, csrf, "bao-cao.pdf", b"%PDF-1.4\nnot really a pdf\n%%EOF")
    assert response.status_code == 303
    failed = _finished(client, client.get("/van-ban").text)
    assert "lỗi" in failed and "tệp PDF hỏng hoặc không đọc được" in failed
    assert not (web.settings.paths.knowledge / "bao-cao.pdf").exists()

    # A bad file under the name of a document already there: the old one is put back.
    _upload(client, csrf, SEED, b"\x00\x01\x02 binary \x00" * 50)
    failed = _finished(client, client.get("/van-ban").text)
    assert "tệp nhị phân, không phải văn bản" in failed
    assert (web.settings.paths.knowledge / SEED).read_bytes() == seed_text
    assert _library(web).chunk_counts() == chunks_before

    # Refused at the door: empty, wrong type, too big, none chosen.
    _library(web).max_mb = 1
    for name, data, reason in [("trong.txt", b"", "tệp rỗng"),
                               ("virus.exe", b"MZ", "định dạng .exe không được nhận; chỉ nhận .txt, .md"),
                               ("lon.txt", b"a" * (1024 * 1024 + 1), "tệp quá lớn (tối đa 1 MB)")]:
        refused = _upload(client, csrf, name, data)
        assert refused.status_code == 400 and f"Không nhận tệp «{name}»: {reason}" in refused.text, name
    assert "Chưa chọn tệp" in _upload(client, csrf, "", b"").text
    huge = _upload(client, csrf, "rat-lon.txt", b"a" * (3 * 1024 * 1024))
    assert huge.status_code == 413 and "tối đa 1 MB" in huge.text
    assert _library(web).chunk_counts() == chunks_before
    assert sorted(p.name for p in web.settings.paths.knowledge.iterdir()) == sorted(chunks_before)
    assert _audit(web, "document_upload") == []
    gone = client.get("/van-ban/nap/khongco")  # an upload the dashboard no longer knows: polling stops
    assert gone.status_code == 286 and "Không còn thông tin về lần tải lên này" in gone.text


def test_removing_a_document_takes_it_out_of_the_folder_the_store_and_the_register(web: WebWorld) -> None:
    client = web.signed_in(web.admin)
    page = client.get("/van-ban").text
    source = "chi-thi-09-ct-ubnd-2025.md"
    assert client.post("/van-ban/go", data={"source": source}).status_code == 403
    assert (web.settings.paths.knowledge / source).exists()

    removed = client.post("/van-ban/go", data={"csrf": web.csrf(page), "source": source}, follow_redirects=False)
    assert removed.status_code == 303 and removed.headers["location"] == "/van-ban?da-go=09/CT-UBND"
    after = client.get(removed.headers["location"]).text
    assert "Đã gỡ văn bản «09/CT-UBND»." in after and "Văn bản trong kho (5)" in after
    assert not (web.settings.paths.knowledge / source).exists()
    assert source not in _library(web).chunk_counts()
    assert source not in {d.source for d in web.app.state.facts.documents()}
    tasks = TaskRegister(web.engine, web.settings).store.records(sources=[source])
    assert tasks and {t.status for t in tasks} == {TaskStatus.DISMISSED}
    assert _audit(web, "document_remove") == [(web.admin, "web", f"gỡ văn bản 09/CT-UBND ({source})")]

    assert "Đã gỡ" not in client.get("/van-ban?da-go=0125/KH-UBND").text  # not removed: no notice

    again = client.post("/van-ban/go", data={"csrf": web.csrf(page), "source": source})
    assert again.status_code == 400 and "Không có văn bản này trong kho" in again.text
    outside = client.post("/van-ban/go", data={"csrf": web.csrf(page), "source": "../config.yaml"})
    assert outside.status_code == 400


def test_only_the_secretariat_sees_or_changes_documents(web: WebWorld) -> None:
    before = _library(web).chunk_counts()
    for official in (web.reader, web.reporter):
        client = web.signed_in(official)
        csrf = _csrf_of(web, client)
        assert client.get("/van-ban").status_code == 403
        assert client.get("/van-ban/bang").status_code == 403
        assert _upload(client, csrf, "x.txt", PLAN.encode()).status_code == 403
        assert client.post("/van-ban/go", data={"csrf": csrf, "source": SEED}).status_code == 403
    admin = web.signed_in(web.admin)
    assert _upload(admin, "sai", "x.txt", PLAN.encode()).status_code == 403
    assert _library(web).jobs() == [] and _library(web).chunk_counts() == before
