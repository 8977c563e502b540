"""The dashboard's doors: one-time sign-in links, sessions, roles, CSRF, and the overview, over
the real core on SQLite and PostgreSQL (FastAPI's TestClient, no browser)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.db.models.base import utc_now
from bot.db.models.people import AuditEntry, Official
from bot.db.models.web import WebLink, WebSession
from bot.db.web import WebStore
from tests.conftest import WebWorld


def test_without_a_session_every_page_shows_the_sign_in_page(web: WebWorld) -> None:
    client = web.client(web.app)
    for path in ("/", "/nhiem-vu", "/ma-tran", "/van-ban", "/don-vi", "/thong-bao", "/cau-hoi", "/nhat-ky"):
        response = client.get(path)
        assert response.status_code == 401 and "Nhắn /web cho bot" in response.text, path
    assert client.get("/", headers={"HX-Request": "true"}).headers["HX-Redirect"] == "/dang-nhap"


def test_a_link_works_once_and_not_after_it_expires(web: WebWorld) -> None:
    store = WebStore(web.engine)
    token = store.create_link(web.admin, 10)
    client = web.client(web.app)
    # Opening the link (as a messenger's preview does) spends nothing; the button does.
    assert "Bấm nút dưới đây để đăng nhập" in client.get(f"/dang-nhap/{token}").text
    first = client.post(f"/dang-nhap/{token}", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/"
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax") and "Secure" not in cookie
    again = web.client(web.app).post(f"/dang-nhap/{token}")
    assert again.status_code == 403 and "đã được dùng" in again.text
    old = store.create_link(web.admin, 10, now=utc_now() - timedelta(minutes=11))
    expired = web.client(web.app).post(f"/dang-nhap/{old}")
    assert expired.status_code == 403 and "hết hạn" in expired.text
    assert web.client(web.app).post("/dang-nhap/khongco").status_code == 403
    with web.engine.connect() as connection:  # only the hash of a token is kept
        assert token not in set(connection.scalars(select(WebLink.token_hash)))


def test_sign_out_ends_the_session_and_needs_its_csrf_token(web: WebWorld) -> None:
    client = web.signed_in(web.admin)
    page = client.get("/")
    assert page.status_code == 200 and "Đăng xuất" in page.text
    assert client.post("/dang-xuat", data={"csrf": "sai"}).status_code == 403
    assert client.post("/dang-xuat", data={"csrf": web.csrf(page.text)}, follow_redirects=False).status_code == 303
    assert client.get("/").status_code == 401


def test_idle_sessions_end_and_an_inactive_official_is_signed_out(web: WebWorld) -> None:
    client = web.signed_in(web.reporter)
    assert client.get("/", follow_redirects=False).status_code == 303
    with web.engine.begin() as connection:
        connection.execute(WebSession.__table__.update().values(
            last_seen_at=utc_now() - timedelta(minutes=web.settings.web.idle_minutes + 1)))
    assert client.get("/").status_code == 401
    client = web.signed_in(web.reporter)
    with web.engine.begin() as connection:
        connection.execute(Official.__table__.update().where(Official.id == web.reporter).values(active=False))
    assert client.get("/").status_code == 401


def test_units_see_only_their_own_page(web: WebWorld) -> None:
    reporter = web.signed_in(web.reporter)
    assert reporter.get("/", follow_redirects=False).headers["location"] == "/don-vi/SNV"
    for path in ("/nhiem-vu", "/ma-tran", "/van-ban", "/thong-bao", "/cau-hoi", "/nhat-ky", "/don-vi"):
        response = reporter.get(path)
        assert response.status_code == 403 and "chỉ dành cho văn phòng" in response.text, path


def test_the_overview_counts_the_four_states(web: WebWorld) -> None:
    page = web.signed_in(web.admin).get("/")
    assert page.status_code == 200
    text = page.text
    # 09/CT-UBND (due 31/12/2025) is overdue for the three units; 0125/KH-UBND is on track.
    assert "Quá hạn chưa hoàn thành (3)" in text and "Đang thực hiện trong hạn" in text
    assert text.count('href="/don-vi/S') >= 3
    with web.engine.connect() as connection:
        assert "web_sign_in" in set(connection.scalars(select(AuditEntry.action)))
