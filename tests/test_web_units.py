"""Đơn vị & cán bộ on the dashboard: the units file imported with its bad rows named by line,
invite codes created (with the QR code of the bot's link, which registers through /start) and
revoked, roles changed; every change audited with channel "web" (both databases)."""
from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.core.messages import TELEGRAM, ChatKind, Incoming, Sender
from bot.db.models.people import AuditEntry
from bot.db.people import Role
from bot.db.web import WebStore
from tests.conftest import WebWorld

UNITS_CSV = """code,name,kind,aliases
SNV,Sở Nội vụ,so,Sở NV
SKHCN,Sở Khoa học và Công nghệ,so,Sở KH&CN
,Thiếu mã,so,
XA-TANPHU,UBND xã Tân Phú,ubnd_xa,
SKHCN,Trùng mã,so,
STP,Sở Tư pháp,truong_hoc,
"""
BOT = "TroLyChiThiBot"


def _audit(web: WebWorld, action: str) -> list[tuple[int | None, str, str]]:
    with web.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(  # type: ignore[misc]
            select(AuditEntry.official_id, AuditEntry.channel, AuditEntry.detail)
            .where(AuditEntry.action == action).order_by(AuditEntry.id))]


def _csrf_of(web: WebWorld, client: TestClient) -> str:
    """The session's CSRF token, for officials whose pages this branch does not serve."""
    session = WebStore(web.engine).session(client.cookies["ttct_session"], timedelta(hours=1))
    assert session is not None
    return session.csrf


def _admin(web: WebWorld) -> tuple[TestClient, str]:
    client = web.signed_in(web.admin)
    page = client.get("/don-vi")
    assert page.status_code == 200
    return client, web.csrf(page.text)


def test_the_units_file_is_imported_and_its_bad_rows_named_by_line(web: WebWorld) -> None:
    client, csrf = _admin(web)
    page = client.get("/don-vi").text
    assert "Đơn vị và cán bộ (3 đơn vị)" in page and "#2 Cán bộ SNV" in page and "#3 Cán bộ STC" in page
    imported = client.post("/don-vi/nhap", data={"csrf": csrf},
                           files={"tep": ("don-vi.csv", UNITS_CSV.encode(), "text/csv")})
    text = imported.text
    assert imported.status_code == 200
    assert "Đã nạp tệp «don-vi.csv»: thêm 2, cập nhật 1," in " ".join(text.split())
    assert "Dòng 4: thiếu mã đơn vị" in text and "Dòng 6: mã SKHCN trùng với dòng 3" in text
    assert "Dòng 7: loại đơn vị «truong_hoc» không hợp lệ" in text
    assert "Đơn vị và cán bộ (5 đơn vị)" in text and "XA-TANPHU</b></a> — UBND xã Tân Phú" in text
    assert "Tên khác: Sở KH&amp;CN" in text and "UBND xã, phường" in text
    assert {u.code for u in web.core.people.units()} == {"SNV", "STC", "SYT", "SKHCN", "XA-TANPHU"}
    assert _audit(web, "import") == [
        (web.admin, "web", "don-vi.csv: thêm 2, cập nhật 1, không đổi 0 đơn vị, 3 dòng lỗi")]

    for name, data, reason in [("don-vi.xlsx", b"PK", "chỉ nhận tệp .csv, .txt, .yaml, .yml"),
                               ("don-vi.csv", "tên,ghi chú\nA,B\n".encode(), "thiếu tiêu đề cột"),
                               ("don-vi.yaml", b"- [unclosed", "không phải YAML hợp lệ")]:
        refused = client.post("/don-vi/nhap", data={"csrf": csrf}, files={"tep": (name, data, "text/plain")})
        assert refused.status_code == 400 and f"Không nạp được tệp «{name}»" in refused.text, name
        assert reason in refused.text, name
    assert len(_audit(web, "import")) == 1


def test_an_invite_is_created_with_its_qr_code_registers_through_the_link_and_is_revoked(web: WebWorld) -> None:
    client, csrf = _admin(web)
    without_bot = client.post("/don-vi/ma-moi", data={"csrf": csrf, "unit": "SYT", "role": "reporter", "days": "7"})
    page = without_bot.text
    code = re.search(r"Đã tạo mã mời ([A-Z0-9]{8}) cho Sở Y tế \(SYT\), vai trò báo cáo của đơn vị\.", page)
    assert code, page
    assert "«/dangky " + code[1] + "»" in page and "<svg" not in page and "telegram.username" in page

    web.app.state.settings = web.settings.model_copy(
        update={"telegram": web.settings.telegram.model_copy(update={"username": BOT})})
    created = client.post("/don-vi/ma-moi", data={"csrf": csrf, "unit": "SYT", "role": "reader", "days": "3",
                                                  "uses": "2"}, follow_redirects=False)
    assert created.status_code == 303
    page = client.get(created.headers["location"]).text
    new = re.search(r"Đã tạo mã mời ([A-Z0-9]{8}) cho Sở Y tế \(SYT\), vai trò chỉ xem\.", page)
    assert new, page
    link = f"https://t.me/{BOT}?start={new[1]}"
    row = page[page.index(f'id="ma-{new[1]}"'):]
    row = row[:row.index("</tr>")]
    assert "<details open>" in row and "<svg" in row and f'href="{link}"' in row and "<td>2</td>" in row
    assert "Mã QR đăng ký bằng mã" in row

    # The QR code's link opens the bot with /start <code>, which registers into the unit.
    reply = web.core.handle(Incoming(TELEGRAM, "31", Sender("31", "Chị Ba"), ChatKind.PRIVATE,
                                     text=new[1], command="start"))
    assert "Đăng ký thành công" in reply[0].text and "Sở Y tế (SYT)" in reply[0].text
    member = web.core.people.member("telegram", "31")
    assert member is not None and member.role is Role.READER and member.unit is not None
    assert "<td>1</td>" in client.get("/don-vi").text.split(f'id="ma-{new[1]}"')[1].split("</tr>")[0]

    assert client.post("/don-vi/thu-hoi", data={"code": new[1]}).status_code == 403
    revoked = client.post("/don-vi/thu-hoi", data={"csrf": csrf, "code": new[1]}, follow_redirects=False)
    assert revoked.status_code == 303
    page = client.get(revoked.headers["location"]).text
    assert f"Đã thu hồi mã {new[1]}" in page and f'id="ma-{new[1]}"' not in page and "đã thu hồi" in page
    again = client.post("/don-vi/thu-hoi", data={"csrf": csrf, "code": new[1]})
    assert again.status_code == 400 and "đã được thu hồi từ trước" in again.text

    for fields, reason in [({"unit": "KHONGCO", "role": "reporter"}, "Hãy chọn một đơn vị đang hoạt động"),
                           ({"unit": "SYT", "role": "admin"}, "chỉ cấp vai trò báo cáo hoặc chỉ xem"),
                           ({"unit": "SYT", "role": "reporter", "days": "0"}, "Số ngày hiệu lực phải từ 1 đến 365"),
                           ({"unit": "SYT", "role": "reporter", "uses": "-1"}, "Số lượt đăng ký phải từ 1"),
                           ({"unit": "SYT", "role": "reporter", "uses": "²"}, "Số lượt đăng ký phải từ 1")]:
        refused = client.post("/don-vi/ma-moi", data={"csrf": csrf, **fields})
        assert refused.status_code == 400 and reason in refused.text, fields
    # Without a number of uses a code registers one official, as /taoma and `units invite` do.
    assert client.post("/don-vi/ma-moi", data={"csrf": csrf, "unit": "SYT", "role": "reader"},
                       follow_redirects=False).status_code == 303
    assert web.core.people.invites("SYT")[0].max_uses == 1  # the newest first
    invites = [d for _, _, d in _audit(web, "invite") if "SYT" in d]
    assert len(invites) == 3 and {(o, c) for o, c, d in _audit(web, "invite") if "SYT" in d} == {(web.admin, "web")}
    assert _audit(web, "revoke") == [(web.admin, "web", f"thu hồi mã {new[1]}")]


def test_roles_change_as_in_chat_and_are_audited(web: WebWorld) -> None:
    client, csrf = _admin(web)
    changed = client.post("/don-vi/quyen", data={"csrf": csrf, "official": str(web.reader), "role": "reporter"},
                          follow_redirects=False)
    assert changed.status_code == 303
    page = client.get(changed.headers["location"]).text
    assert f"Cán bộ #{web.reader} Cán bộ STC nay có vai trò báo cáo của đơn vị." in page
    assert web.core.people.official(web.reader).role is Role.REPORTER  # type: ignore[union-attr]
    assert _audit(web, "grant") == [(web.admin, "web", f"cán bộ #{web.reader}: reader → reporter")]

    # The admin named in the config keeps the role; unknown officials and roles are refused.
    for fields, reason in [({"official": str(web.admin), "role": "reader"}, "quản trị theo cấu hình"),
                           ({"official": "999", "role": "reader"}, "Không có cán bộ #999"),
                           ({"official": str(web.reader), "role": "chua"}, "Vai trò không hợp lệ"),
                           ({"official": str(web.reader), "role": "reporter"}, "đã có vai trò báo cáo")]:
        refused = client.post("/don-vi/quyen", data={"csrf": csrf, **fields})
        assert refused.status_code == 400 and reason in refused.text, fields
    assert client.post("/don-vi/quyen", data={"official": str(web.reader), "role": "admin"}).status_code == 403
    assert len(_audit(web, "grant")) == 1


def test_units_and_officials_are_the_secretariats(web: WebWorld) -> None:
    for official in (web.reader, web.reporter):
        client = web.signed_in(official)
        csrf = _csrf_of(web, client)
        assert client.get("/don-vi").status_code == 403
        assert client.post("/don-vi/ma-moi", data={"csrf": csrf, "unit": "STC", "role": "reporter"}).status_code == 403
        assert client.post("/don-vi/quyen", data={"csrf": csrf, "official": str(official),
                                                  "role": "admin"}).status_code == 403
        assert client.post("/don-vi/nhap", data={"csrf": csrf},
                           files={"tep": ("a.csv", UNITS_CSV.encode(), "text/csv")}).status_code == 403
    assert web.core.people.official(web.reporter).role is Role.REPORTER  # type: ignore[union-attr]
    assert len(web.core.people.units()) == 3 and _audit(web, "grant") == []
