"""Thông báo on the dashboard: preview with the recipient count, send (planned through the same
service as the chat, audited with the official and "web"), the live delivery report, and its
doors (CSRF, admins only); over the real core on SQLite and PostgreSQL."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from bot.db.models.delivery import Broadcast, OutboxMessage
from bot.db.models.people import AuditEntry
from bot.db.outbox import Outbox
from bot.db.web import WebStore
from bot.web.auth import COOKIE
from tests.conftest import WebWorld

TEXT = "Họp giao ban toàn tỉnh lúc 8 giờ sáng thứ Hai."


def preview(client, text: str, audience: str):  # type: ignore[no-untyped-def]
    return client.post("/thong-bao/xem-truoc", data={"text": text, "audience": audience})


def recipients_shown(page: str) -> int:
    found = re.search(r'<b class="count">(\d+)</b> cán bộ', page)
    assert found, "no recipient count on the preview"
    return int(found.group(1))


def missing_audience(page: str) -> str:
    """The «units that have not reported» choice of 09/CT-UBND's task (overdue, nobody reported)."""
    found = re.search(r'<option value="(missing:[0-9a-f]+:2025-12-31)"', page)
    assert found, "the overdue task is not offered"
    return found.group(1)


def send(web: WebWorld, client, audience: str = "all", text: str = TEXT):  # type: ignore[no-untyped-def]
    csrf = web.csrf(preview(client, text, audience).text)
    return client.post("/thong-bao/gui", data={"text": text, "audience": audience, "csrf": csrf},
                       follow_redirects=False)


def test_the_preview_counts_the_recipients_and_plans_nothing(web: WebWorld) -> None:
    client = web.signed_in(web.admin)
    page = client.get("/thong-bao")
    assert page.status_code == 200 and "Chưa gửi thông báo nào." in page.text
    assert 'value="unit:SNV"' in page.text and 'value="unit:SYT"' in page.text
    shown = preview(client, TEXT, "all")
    assert shown.status_code == 200 and recipients_shown(shown.text) == 3
    assert "tất cả cán bộ" in shown.text and TEXT in shown.text
    assert recipients_shown(preview(client, TEXT, "unit:SNV").text) == 1
    two_lines = preview(client, "Dòng một\r\nDòng hai  ", "unit:SNV")  # as a browser sends a textarea
    assert 'name="text" value="Dòng một\nDòng hai"' in two_lines.text
    # The units that owe the overdue task: SNV's reporter and STC's reader (the admin has no unit).
    missing = preview(client, TEXT, missing_audience(page.text))
    assert recipients_shown(missing.text) == 2 and "các đơn vị chưa báo cáo về" in missing.text
    assert Outbox(web.engine).counts() == {"pending": 0, "sending": 0, "sent": 0, "failed": 0}


def test_a_preview_that_cannot_be_sent_says_why(web: WebWorld) -> None:
    client = web.signed_in(web.admin)
    cases = {("  ", "all"): "Nội dung thông báo đang trống.",
             (TEXT, "unit:XYZ"): "Không có đơn vị mã «XYZ».",
             (TEXT, "unit:SYT"): "Không có cán bộ nào nhận (đơn vị SYT (Sở Y tế))",
             (TEXT, "ai-do"): "Không hiểu đối tượng nhận",
             ("x" * 4097, "all"): "quá giới hạn 4096 ký tự"}
    for (text, audience), reason in cases.items():
        response = preview(client, text, audience)
        assert response.status_code == 400 and reason in response.text, (audience, response.text)
        assert 'action="/thong-bao/gui"' not in response.text


def test_sending_plans_one_row_per_recipient_and_audits_it_on_the_web(web: WebWorld) -> None:
    client = web.signed_in(web.admin)
    response = send(web, client)
    assert response.status_code == 303
    broadcast_id = int(response.headers["location"].rsplit("/", 1)[1])
    outbox = Outbox(web.engine)
    assert outbox.counts(broadcast_id) == {"pending": 3, "sending": 0, "sent": 0, "failed": 0}
    with web.engine.connect() as connection:
        chats = set(connection.scalars(select(OutboxMessage.chat_id)
                                       .where(OutboxMessage.broadcast_id == broadcast_id)))
        broadcast = connection.execute(select(Broadcast).where(Broadcast.id == broadcast_id)).one()
        audit = connection.execute(select(AuditEntry.official_id, AuditEntry.channel, AuditEntry.detail)
                                   .where(AuditEntry.action == "broadcast")).all()
    assert chats == {"900", "11", "21"}
    assert (broadcast.text, broadcast.audience, broadcast.created_by) == (TEXT, "all", web.admin)
    assert broadcast.report_channel is None  # the page shows the report; no chat gets one
    assert audit == [(web.admin, "web", f"thông báo #{broadcast_id} tới all: 3 người")]
    page = client.get(response.headers["location"])
    assert page.status_code == 200 and TEXT in page.text and "Văn phòng" in page.text
    listed = client.get("/thong-bao").text
    assert f'href="/thong-bao/{broadcast_id}"' in listed and "đã gửi 0/3" in listed and "còn chờ 3" in listed


def test_the_delivery_report_updates_until_nothing_is_pending(web: WebWorld) -> None:
    client = web.signed_in(web.admin)
    broadcast_id = int(send(web, client, "unit:SNV").headers["location"].rsplit("/", 1)[1])
    send(web, client, "all", "Thông báo thứ hai.")
    fragment = client.get(f"/thong-bao/{broadcast_id}/bao-cao", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert 'data-done="0"' in fragment.text and 'hx-trigger="every 2s"' in fragment.text
    assert "đã gửi 0, lỗi 0, còn chờ 1" in fragment.text and "Đang gửi…" in fragment.text
    outbox = Outbox(web.engine)
    rows = outbox.claim("w1", "telegram", limit=10)
    mine = [r for r in rows if r.broadcast_id == broadcast_id]
    others = [r for r in rows if r.broadcast_id != broadcast_id]
    assert len(mine) == 1 and len(others) == 3
    outbox.mark_failed(mine[0].id, "chặn bot — Forbidden: bot was blocked by the user", "w1")
    for row in others[:2]:
        outbox.mark_sent(row.id, "w1")
    done = client.get(f"/thong-bao/{broadcast_id}/bao-cao").text
    assert 'data-done="1"' in done and "hx-get" not in done and "Hoàn tất" in done
    assert "đã gửi 0, lỗi 1, còn chờ 0" in done and "<td>chặn bot</td><td>1</td>" in done
    second = client.get(f"/thong-bao/{broadcast_id + 1}/bao-cao").text
    assert "đã gửi 2, lỗi 0, còn chờ 1" in second and 'data-done="0"' in second
    listed = client.get("/thong-bao").text
    assert "đã gửi 2/3" in listed and "lỗi 1" in listed
    assert client.get("/thong-bao/9999").status_code == 404
    assert client.get("/thong-bao/9999/bao-cao").status_code == 404
    unknown = client.get("/thong-bao/abc")
    assert unknown.status_code == 404 and "Không có trang này." in unknown.text
    wrong_method = client.get("/thong-bao/gui")
    assert wrong_method.status_code == 405 and "không nhận yêu cầu kiểu này" in wrong_method.text


def test_sending_needs_the_csrf_token(web: WebWorld) -> None:
    client = web.signed_in(web.admin)
    refused = client.post("/thong-bao/gui", data={"text": TEXT, "audience": "all"})
    assert refused.status_code == 403 and "mã bảo vệ biểu mẫu" in refused.text
    wrong = client.post("/thong-bao/gui", data={"text": TEXT, "audience": "all", "csrf": "sai"})
    assert wrong.status_code == 403
    assert Outbox(web.engine).recent_broadcasts() == []


def test_only_admins_compose_or_send(web: WebWorld) -> None:
    for official in (web.reporter, web.reader):
        client = web.signed_in(official)
        session = WebStore(web.engine).session(client.cookies[COOKIE], timedelta(minutes=30))
        assert session is not None
        assert client.get("/thong-bao").status_code == 403
        assert preview(client, TEXT, "all").status_code == 403
        refused = client.post("/thong-bao/gui", data={"text": TEXT, "audience": "all", "csrf": session.csrf})
        assert refused.status_code == 403 and "chỉ dành cho văn phòng" in refused.text
    assert Outbox(web.engine).recent_broadcasts() == []
    admin = web.signed_in(web.admin)
    broadcast_id = int(send(web, admin).headers["location"].rsplit("/", 1)[1])
    reader = web.signed_in(web.reader)
    assert reader.get(f"/thong-bao/{broadcast_id}").status_code == 403
    assert reader.get(f"/thong-bao/{broadcast_id}/bao-cao").status_code == 403
