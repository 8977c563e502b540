"""Nhật ký: every audited action, newest first, filtered by action, channel, official and dates
(Vietnam days), a page at a time."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.core.clock import VIETNAM, parse_day
from bot.db.audit import AuditFilter
from bot.web.app import render
from bot.web.auth import Admin

router = APIRouter()
PAGE_SIZE = 50
ACTION_NAMES = {
    "broadcast": "Gửi thông báo", "export": "Xuất báo cáo", "grant": "Đổi vai trò", "import": "Nhập đơn vị",
    "invite": "Tạo mã mời", "register": "Đăng ký", "reminders": "Nhắc hạn", "revoke": "Thu hồi mã mời",
    "summary": "Tổng hợp", "view": "Xem thông tin", "web_link": "Xin liên kết đăng nhập",
    "web_sign_in": "Đăng nhập trang quản trị", "task_add": "Thêm nhiệm vụ", "task_assign": "Giao đơn vị",
    "task_deadline": "Sửa hạn", "task_dismiss": "Loại nhiệm vụ", "task_gone": "Nhiệm vụ không còn",
    "task_propose": "Đề xuất nhiệm vụ", "task_track": "Xác nhận theo dõi",
}
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "web": "Trang quản trị", "cli": "Dòng lệnh",
                 "system": "Hệ thống", "console": "Bàn phím thử"}


@dataclass(frozen=True)
class Filters:
    """The filters as the form sends them (text, so that a wrong value is shown back as typed)."""

    action: str = ""
    channel: str = ""
    official: str = ""
    since: str = ""
    until: str = ""

    def query(self, page: int | None = None) -> str:
        """The query string of these filters (and a page), for links."""
        fields = {"hanh_dong": self.action, "kenh": self.channel, "can_bo": self.official,
                  "tu_ngay": self.since, "den_ngay": self.until}
        if page and page > 1:
            fields["trang"] = str(page)
        return urlencode({k: v for k, v in fields.items() if v})


@router.get("/nhat-ky", response_class=HTMLResponse)
def audit_log(request: Request, viewer: Admin, hanh_dong: str = "", kenh: str = "", can_bo: str = "",
              tu_ngay: str = "", den_ngay: str = "", trang: str = "1") -> Response:
    people = request.app.state.people
    typed = Filters(hanh_dong.strip(), kenh.strip(), can_bo.strip(), tu_ngay.strip(), den_ngay.strip())
    wanted, problems = _parse(typed)
    page = max(_number(trang) or 1, 1)
    rows, total = people.audit_entries(wanted, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return render(request, viewer, "audit.html", rows=rows, total=total, page=page, pages=pages,
                  filters=typed, problems=problems, choices=people.audit_choices(),
                  actions=ACTION_NAMES, channels=CHANNEL_NAMES, filtered=typed != Filters())


def _parse(typed: Filters) -> tuple[AuditFilter, list[str]]:
    """The query the filters ask for, and a sentence for each value that could not be read."""
    problems: list[str] = []
    official = _number(typed.official)
    if typed.official and official is None:
        problems.append(f"Mã cán bộ «{typed.official}» không hợp lệ.")
    since, until = _day(typed.since, "Từ ngày", problems), _day(typed.until, "Đến ngày", problems)
    if since and until and since > until:
        problems.append("«Từ ngày» sau «Đến ngày»: không có mục nào trong khoảng này.")
    return AuditFilter(action=typed.action or None, channel=typed.channel or None, official_id=official,
                       since=_start_of(since) if since else None,
                       until=_start_of(until + timedelta(days=1)) if until else None), problems


def _day(text: str, label: str, problems: list[str]) -> date | None:
    """A date as the date picker sends it (2026-01-15), or as typed where there is none (15/01/2026)."""
    if not text:
        return None
    try:
        return parse_day(text)
    except ValueError:
        problems.append(f"«{label}» không đúng dạng ngày: {text}.")
        return None


def _start_of(day: date) -> datetime:
    """Midnight of a Vietnam day."""
    return datetime.combine(day, time(0), VIETNAM)


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else None
