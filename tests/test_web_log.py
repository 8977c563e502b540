"""Câu hỏi chưa trả lời and Nhật ký on the dashboard: the gaps and the answers voted 👎, most
frequent first; the audit log filtered by action, channel, official and Vietnam days, newest
first, a page at a time; admins only. Over the real core on SQLite and PostgreSQL."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert

from bot.db.chats import ChatStore
from bot.db.audit import AuditFilter
from bot.db.models.people import AuditEntry
from tests.conftest import WebWorld

# 15/01/2026 in Vietnam is 14/01 17:00 UTC to 15/01 17:00 UTC.
DAY_START = datetime(2026, 1, 14, 17, 0, tzinfo=UTC)


def rows_of(page: str) -> list[str]:
    """The detail column of the audit table, top to bottom."""
    return re.findall(r'<td class="detail">([^<]*)</td>', page)


def seed_log(web: WebWorld) -> None:
    """A clean log: six entries of the admin and the reporter on three channels, at known times."""
    entries = [(DAY_START - timedelta(minutes=1), web.admin, "telegram", "summary", "tổng hợp trước ngày"),
               (DAY_START, web.admin, "web", "broadcast", "thông báo đầu ngày"),
               (DAY_START + timedelta(hours=3), web.reporter, "telegram", "register", "đăng ký SNV"),
               (DAY_START + timedelta(hours=23, minutes=59), web.admin, "web", "task_track", "theo dõi cuối ngày"),
               (DAY_START + timedelta(days=1), None, "cli", "import", "nhập đơn vị hôm sau"),
               (DAY_START + timedelta(days=2), web.admin, "zalo", "export", "xuất báo cáo")]
    with web.engine.begin() as connection:
        connection.execute(delete(AuditEntry))
        connection.execute(insert(AuditEntry), [{"at": at, "official_id": who, "channel": channel,
                                                 "action": action, "detail": detail}
                                                  for at, who, channel, action, detail in entries])


def test_the_gaps_and_the_unhelpful_answers_most_frequent_first(web: WebWorld) -> None:
    client = web.signed_in(web.admin)
    empty = client.get("/cau-hoi")
    assert empty.status_code == 200
    assert "Chưa có câu hỏi nào bị bỏ ngỏ." in empty.text and "Chưa có câu trả lời nào bị đánh giá 👎." in empty.text
    chats = ChatStore(web.engine)
    chats.log_question("telegram", "11", "11", "giá vàng hôm nay", False, "Không tìm thấy.")
    for _ in range(3):
        chats.log_question("telegram", "11", "11", "Lịch nghỉ Tết?", False, "Không tìm thấy.")
    for user, answer in (("11", "Câu trả lời cũ."), ("21", "Báo cáo gửi trước ngày 15.")):
        asked = chats.log_question("telegram", user, user, "Hạn báo cáo quý?", True, answer)
        chats.feedback(asked, user, False, channel="telegram")
    liked = chats.log_question("telegram", "21", "21", "Ai chủ trì?", True, "Sở Nội vụ.")
    chats.feedback(liked, "21", True, channel="telegram")
    page = client.get("/cau-hoi").text
    gaps = page.split("Câu trả lời bị đánh giá")[0]
    assert gaps.index("Lịch nghỉ Tết?") < gaps.index("Hạn báo cáo quý?") < gaps.index("giá vàng hôm nay")
    assert "Ai chủ trì?" not in page
    unhelpful = page.split("Câu trả lời bị đánh giá")[1]
    assert "Hạn báo cáo quý?" in unhelpful and "Báo cáo gửi trước ngày 15." in unhelpful
    assert "Câu trả lời cũ." not in unhelpful  # the latest answer voted 👎 is shown
    [found] = chats.unhelpful_answers()
    assert (found.question, found.votes, found.answer) == ("Hạn báo cáo quý?", 2, "Báo cáo gửi trước ngày 15.")


def test_the_log_newest_first_with_names_and_labels(web: WebWorld) -> None:
    seed_log(web)
    page = web.signed_in(web.admin).get("/nhat-ky")
    assert page.status_code == 200
    # The sign-in of this very client came last.
    assert rows_of(page.text) == ["đăng nhập trang quản trị: Văn phòng", "xuất báo cáo", "nhập đơn vị hôm sau",
                                  "theo dõi cuối ngày", "đăng ký SNV", "thông báo đầu ngày", "tổng hợp trước ngày"]
    assert "7 mục, mới nhất trước." in page.text
    assert "Cán bộ SNV" in page.text and "Gửi thông báo" in page.text and "Trang quản trị" in page.text
    assert '<option value="telegram">Telegram</option>' in page.text
    assert f'<option value="{web.reporter}">Cán bộ SNV</option>' in page.text


def test_the_log_filters_by_action_channel_official_and_day(web: WebWorld) -> None:
    seed_log(web)
    client = web.signed_in(web.admin)

    def shown(query: str) -> list[str]:
        response = client.get(f"/nhat-ky?{query}")
        assert response.status_code == 200, response.text
        return rows_of(response.text)

    assert shown("hanh_dong=broadcast") == ["thông báo đầu ngày"]
    assert shown("kenh=telegram") == ["đăng ký SNV", "tổng hợp trước ngày"]
    assert shown(f"can_bo={web.reporter}") == ["đăng ký SNV"]
    # Days are Vietnam days: from 00:00 to 23:59 of 15/01/2026 (ICT).
    assert shown("tu_ngay=2026-01-15&den_ngay=2026-01-15") == ["theo dõi cuối ngày", "đăng ký SNV",
                                                                "thông báo đầu ngày"]
    assert shown("tu_ngay=15/01/2026&den_ngay=15/01/2026&kenh=web") == ["theo dõi cuối ngày", "thông báo đầu ngày"]
    assert shown("den_ngay=2026-01-14") == ["tổng hợp trước ngày"]
    assert shown(f"can_bo={web.admin}&kenh=web&hanh_dong=task_track") == ["theo dõi cuối ngày"]
    narrowed = client.get("/nhat-ky?hanh_dong=export").text
    assert "1 mục khớp bộ lọc" in narrowed and 'href="/nhat-ky">Bỏ lọc' in narrowed
    assert '<option value="export" selected>' in narrowed
    nothing = client.get("/nhat-ky?hanh_dong=grant").text
    assert "Không có mục nào khớp bộ lọc." in nothing


def test_a_filter_that_cannot_be_read_says_so(web: WebWorld) -> None:
    seed_log(web)
    client = web.signed_in(web.admin)
    page = client.get("/nhat-ky?tu_ngay=hom-qua&can_bo=abc&trang=x")
    assert page.status_code == 200
    assert "«Từ ngày» không đúng dạng ngày: hom-qua." in page.text and "Mã cán bộ «abc» không hợp lệ." in page.text
    assert len(rows_of(page.text)) == 7  # the unreadable filters are left out
    backwards = client.get("/nhat-ky?tu_ngay=2026-01-16&den_ngay=2026-01-15").text
    assert "«Từ ngày» sau «Đến ngày»" in backwards and rows_of(backwards) == []


def test_the_log_is_paged(web: WebWorld) -> None:
    with web.engine.begin() as connection:
        connection.execute(delete(AuditEntry))
        connection.execute(insert(AuditEntry), [
            {"at": DAY_START + timedelta(minutes=i), "official_id": web.admin, "channel": "web",
             "action": "broadcast", "detail": f"mục {i:03d}"} for i in range(120)])
    client = web.signed_in(web.admin)
    first = client.get("/nhat-ky?hanh_dong=broadcast").text
    assert rows_of(first)[:2] == ["mục 119", "mục 118"] and len(rows_of(first)) == 50
    assert "trang 1/3" in first and 'href="/nhat-ky?hanh_dong=broadcast&amp;trang=2" rel="next"' in first
    assert 'rel="prev"' not in first
    last = client.get("/nhat-ky?hanh_dong=broadcast&trang=3").text
    assert rows_of(last)[-1] == "mục 000" and len(rows_of(last)) == 20
    assert 'href="/nhat-ky?hanh_dong=broadcast&amp;trang=2" rel="prev"' in last and 'rel="next"' not in last
    rows, total = web.core.people.audit_entries(AuditFilter(action="broadcast"), offset=100, limit=50)
    assert total == 120 and [r.detail for r in rows][:1] == ["mục 019"] and rows[0].official_name == "Văn phòng"


def test_units_cannot_read_the_questions_or_the_log(web: WebWorld) -> None:
    for official in (web.reporter, web.reader):
        client = web.signed_in(official)
        for path in ("/cau-hoi", "/nhat-ky", "/nhat-ky?hanh_dong=broadcast"):
            response = client.get(path)
            assert response.status_code == 403 and "chỉ dành cho văn phòng" in response.text, path
