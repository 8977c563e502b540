"""Đơn vị & cán bộ: import the units file, the units with their officials and roles, and invite
codes with the QR code of the bot's link that registers into the unit.

Every change goes through the people store (audited there with channel "web"), as /taoma,
/thuhoima and /quyen do in chat. The one-unit page (/don-vi/<code>) is not here.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath
from urllib.parse import quote

import segno
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from bot.config import Settings
from bot.db.people import ROLE_NAMES, Invite, OfficialInfo, PeopleStore, Role
from bot.db.tasks import TaskStatus
from bot.core.numbers import whole_number
from bot.services.units import (DEFAULT_INVITE_USES, MAX_INVITE_DAYS, MAX_INVITE_USES, demotion_refusal,
                                invite_state, typed_code)
from bot.services.units_file import UnitsFileError, parse_units_file
from bot.web.app import render
from bot.web.auth import Admin, AdminChange, Viewer

router = APIRouter()
CHANNEL = "web"
FILE_FIELD = "tep"
UNITS_SUFFIXES = (".csv", ".txt", ".yaml", ".yml")
KIND_NAMES = {"so": "Sở", "ubnd_xa": "UBND xã, phường", "nganh": "Ngành", "khac": "Khác"}
INVITE_ROLES = (Role.REPORTER, Role.READER)
ENDED_SHOWN = 20  # revoked, expired or used-up codes listed under the live ones
LIVE = "còn hạn"


@dataclass(frozen=True)
class InviteRow:
    """An invite code as the page shows it."""

    invite: Invite
    state: str
    uses_left: str
    link: str | None  # the bot's deep link, when its Telegram username is known
    qr: Markup | None

    @property
    def live(self) -> bool:
        return self.state == LIVE


@dataclass(frozen=True)
class Imported:
    """What an import did, for the notice under the form."""

    file_name: str
    added: int
    updated: int
    unchanged: int
    problems: list[tuple[int, str]]
    unassigned: int


class Refused(Exception):
    """A form that cannot be carried out; the message is one Vietnamese line."""


def _people(request: Request) -> PeopleStore:
    return request.app.state.people


# -- the page ----------------------------------------------------------------------------------

@router.get("/don-vi", response_class=HTMLResponse)
def units(request: Request, viewer: Admin) -> Response:
    return _page(request, viewer, notice=_done_notice(request))


def _page(request: Request, viewer: Viewer, *, status: int = 200, notice: str | None = None,
          error: str | None = None, imported: Imported | None = None) -> Response:
    people, settings = _people(request), request.app.state.settings
    invites = _invite_rows(people.invites(), settings)
    live = [row for row in invites if row.live]
    members: dict[int | None, list[OfficialInfo]] = defaultdict(list)
    for official in people.officials():
        members[official.unit.id if official.unit else None].append(official)
    all_units = people.units()
    return render(request, viewer, "units.html", status=status, notice=notice, error=error, imported=imported,
                  units=all_units, members=members, kinds=KIND_NAMES, live=live,
                  ended=[row for row in invites if not row.live][:ENDED_SHOWN],
                  opened=request.query_params.get("ma-moi"), roles=list(Role), role_names=ROLE_NAMES,
                  invite_roles=INVITE_ROLES, invite_days=settings.access.invite_days, max_days=MAX_INVITE_DAYS,
                  active_units=[u for u in all_units if u.active], bot=settings.telegram.username)


def _done_notice(request: Request) -> str | None:
    """What the action before the redirect did, said from the database (never from the URL)."""
    query, people = request.query_params, _people(request)
    if "ma-moi" in query or "thu-hoi" in query:
        code = typed_code(query.get("ma-moi") or query.get("thu-hoi") or "")
        invite = next((i for i in people.invites() if i.code == code), None)
        if invite is None:
            return None
        if "thu-hoi" in query:
            return f"Đã thu hồi mã {code}: không ai đăng ký thêm bằng mã này được nữa; cán bộ đã đăng ký vẫn giữ."
        return f"Đã tạo mã mời {code} cho {invite.unit.name} ({invite.unit.code}), vai trò {ROLE_NAMES[Role(invite.role)]}."
    number = query.get("quyen", "")
    official = people.official(int(number)) if number.isdigit() else None
    if official is not None:
        return f"Cán bộ #{official.official_id} {official.name} nay có vai trò {ROLE_NAMES[official.role]}."
    return None


def _invite_rows(invites: list[Invite], settings: Settings) -> list[InviteRow]:
    now = datetime.now(UTC)
    rows = []
    for invite in invites:
        state = invite_state(invite.revoked, invite.expires_at, invite.uses, invite.max_uses, now)
        left = "không giới hạn" if invite.max_uses is None else str(max(invite.max_uses - invite.uses, 0))
        link = deep_link(settings.telegram.username, invite.code) if state == LIVE else None
        rows.append(InviteRow(invite, state, left, link, qr_svg(link, invite.code) if link else None))
    return rows


def deep_link(bot_username: str | None, code: str) -> str | None:
    """The Telegram link that opens the bot and registers with the code (/start <code>)."""
    return f"https://t.me/{bot_username}?start={code}" if bot_username else None


def qr_svg(link: str, code: str) -> Markup:
    """The link as an inline SVG QR code (a phone's camera opens it)."""
    svg = segno.make(link, error="m").svg_inline(scale=4, border=2, title=f"Mã QR đăng ký bằng mã {code}")
    return Markup(svg)


# -- importing the units file ---------------------------------------------------------------------

@router.post("/don-vi/nhap")
async def import_units(request: Request, viewer: AdminChange) -> Response:
    upload = (await request.form()).get(FILE_FIELD)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await run_in_threadpool(_page, request, viewer, status=400, error="Chưa chọn tệp danh sách đơn vị.")
    limit = request.app.state.settings.web.max_upload_mb * 1024 * 1024
    data = await upload.read(limit + 1)
    try:
        imported = await run_in_threadpool(_import, request, viewer, upload.filename, data, limit)
    except Refused as exc:
        return await run_in_threadpool(_page, request, viewer, status=400,
                                       error=f"Không nạp được tệp «{upload.filename}»: {exc}.")
    return await run_in_threadpool(_page, request, viewer, imported=imported)


def _import(request: Request, viewer: Viewer, file_name: str, data: bytes, limit: int) -> Imported:
    """Add or update the file's good rows, audited; the register's tasks matched to the units again."""
    suffix = PurePosixPath(file_name).suffix.lower()
    if suffix not in UNITS_SUFFIXES:
        raise Refused(f"chỉ nhận tệp {', '.join(UNITS_SUFFIXES)}")
    if len(data) > limit:
        raise Refused(f"tệp quá lớn (tối đa {limit // (1024 * 1024)} MB)")
    try:
        parsed = parse_units_file(file_name, data)
    except UnitsFileError as exc:
        raise Refused(str(exc)) from exc
    people = _people(request)
    added, updated = people.import_units(parsed.specs())
    unchanged = len(parsed.rows) - added - updated
    people.audit(viewer.official_id, CHANNEL, "import",
                 f"{file_name}: thêm {added}, cập nhật {updated}, không đổi {unchanged} đơn vị"
                 + (f", {len(parsed.problems)} dòng lỗi" if parsed.problems else ""))
    register = request.app.state.register
    register.sync()
    unassigned = sum(1 for r in register.store.records() if not r.lead and r.status is not TaskStatus.DISMISSED)
    return Imported(file_name, added, updated, unchanged, parsed.problems, unassigned)


# -- invite codes ---------------------------------------------------------------------------------

@router.post("/don-vi/ma-moi")
async def create_invite(request: Request, viewer: AdminChange) -> Response:
    form = await request.form()
    fields = {k: str(form.get(k, "")).strip() for k in ("unit", "role", "days", "uses")}
    try:
        code = await run_in_threadpool(_create_invite, request, viewer, fields)
    except Refused as exc:
        return await run_in_threadpool(_page, request, viewer, status=400, error=str(exc))
    return RedirectResponse(f"/don-vi?ma-moi={code}#ma-{code}", status_code=303)


def _create_invite(request: Request, viewer: Viewer, fields: dict[str, str]) -> str:
    unit = _people(request).unit(fields["unit"]) if fields["unit"] else None
    if unit is None or not unit.active:
        raise Refused("Hãy chọn một đơn vị đang hoạt động.")
    role = next((r for r in INVITE_ROLES if r.value == fields["role"]), None)
    if role is None:
        raise Refused("Mã mời chỉ cấp vai trò báo cáo hoặc chỉ xem; quyền quản trị đổi ở bảng cán bộ.")
    days = _number(fields["days"], request.app.state.settings.access.invite_days)
    if days is None or not 1 <= days <= MAX_INVITE_DAYS:
        raise Refused(f"Số ngày hiệu lực phải từ 1 đến {MAX_INVITE_DAYS}.")
    uses = _number(fields["uses"], DEFAULT_INVITE_USES)  # one official unless made for more
    if uses is None or not 1 <= uses <= MAX_INVITE_USES:
        raise Refused(f"Số lượt đăng ký phải từ 1 đến {MAX_INVITE_USES}.")
    invite = _people(request).create_invite(unit.code, role, days=days, max_uses=uses,
                                            by=viewer.official_id, channel=CHANNEL)
    return invite.code


def _number(text: str, default: int | None) -> int | None:
    return whole_number(text) if text else default


@router.post("/don-vi/thu-hoi")
async def revoke_invite(request: Request, viewer: AdminChange) -> Response:
    code = typed_code(str((await request.form()).get("code", "")))
    revoked = await run_in_threadpool(_people(request).revoke_invite, code, by=viewer.official_id, channel=CHANNEL)
    if not revoked:
        return await run_in_threadpool(_page, request, viewer, status=400,
                                       error=f"Không có mã mời «{code}», hoặc mã đã được thu hồi từ trước.")
    return RedirectResponse(f"/don-vi?thu-hoi={quote(code)}#ma-moi", status_code=303)


# -- roles ----------------------------------------------------------------------------------------

@router.post("/don-vi/quyen")
async def grant(request: Request, viewer: AdminChange) -> Response:
    form = await request.form()
    number, role_value = str(form.get("official", "")), str(form.get("role", ""))
    try:
        official_id = await run_in_threadpool(_grant, request, viewer, number, role_value)
    except Refused as exc:
        return await run_in_threadpool(_page, request, viewer, status=400, error=str(exc))
    return RedirectResponse(f"/don-vi?quyen={official_id}#can-bo-{official_id}", status_code=303)


def _grant(request: Request, viewer: Viewer, number: str, role_value: str) -> int:
    """Change an official's role as /quyen does: a config admin or the last admin keeps it."""
    people = _people(request)
    target = people.official(int(number)) if number.isdigit() else None
    if target is None:
        raise Refused(f"Không có cán bộ #{number}.")
    role = next((r for r in Role if r.value == role_value), None)
    if role is None:
        raise Refused("Vai trò không hợp lệ.")
    if target.role is role:
        raise Refused(f"Cán bộ #{target.official_id} {target.name} đã có vai trò {ROLE_NAMES[role]}.")
    if target.role is Role.ADMIN:
        refusal = demotion_refusal(people, target, viewer.official_id)
        if refusal:
            raise Refused(refusal)
    people.grant(target.official_id, role, by=viewer.official_id, channel=CHANNEL)
    return target.official_id
