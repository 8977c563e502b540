"""Who is looking: the session cookie, the roles each page needs, and CSRF on every change.

A page asks for `Viewer` (anyone signed in), `Admin` (the secretariat) or checks a unit with
`can_see_unit`. A form or an htmx request that changes something must carry the session's CSRF
token (hidden field `csrf`, or header `X-CSRF-Token` that the page sets on every htmx request).
"""
from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from bot.db.people import Role, UnitInfo
from bot.db.web import WebSession

COOKIE = "ttct_session"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"


class SignInRequired(Exception):
    """No live session: the sign-in page is shown instead."""


@dataclass(frozen=True)
class Viewer:
    official_id: int
    name: str
    role: Role
    unit: UnitInfo | None
    session: WebSession

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def csrf(self) -> str:
        return self.session.csrf


def current_viewer(request: Request) -> Viewer:
    """The signed-in official, or SignInRequired (an inactive official is signed out)."""
    state = request.app.state
    token = request.cookies.get(COOKIE)
    session = state.web.session(token, timedelta(minutes=state.settings.web.idle_minutes)) if token else None
    official = state.people.official(session.official_id) if session else None
    if session is None or official is None or not official.active:
        raise SignInRequired()
    return Viewer(official.official_id, official.name, official.role, official.unit, session)


def admin_viewer(viewer: Annotated[Viewer, Depends(current_viewer)]) -> Viewer:
    if not viewer.is_admin:
        raise HTTPException(403, "Trang này chỉ dành cho văn phòng (quản trị).")
    return viewer


async def _form_closed(request: Request) -> AsyncIterator[None]:
    """Closes the form read for its token when the request ends, refused or not: an uploaded
    file's temporary file is not left open."""
    try:
        yield
    finally:
        await request.close()


async def checked_viewer(request: Request, viewer: Annotated[Viewer, Depends(current_viewer)],
                         _closes: Annotated[None, Depends(_form_closed)] = None) -> Viewer:
    """The viewer of a request that changes something, its CSRF token checked."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        sent = str((await request.form()).get(CSRF_FIELD, ""))
    if not sent or not hmac.compare_digest(sent, viewer.csrf):
        raise HTTPException(403, "Phiên làm việc không hợp lệ (thiếu mã bảo vệ biểu mẫu). Tải lại trang rồi thử lại.")
    return viewer


async def checked_admin(viewer: Annotated[Viewer, Depends(checked_viewer)]) -> Viewer:
    return admin_viewer(viewer)


def can_see_unit(viewer: Viewer, unit_id: int) -> bool:
    """Admins see every unit; anyone else only their own."""
    return viewer.is_admin or (viewer.unit is not None and viewer.unit.id == unit_id)


Signed = Annotated[Viewer, Depends(current_viewer)]
Admin = Annotated[Viewer, Depends(admin_viewer)]
ChangeBy = Annotated[Viewer, Depends(checked_viewer)]
AdminChange = Annotated[Viewer, Depends(checked_admin)]
