"""Thông báo: compose an announcement, choose who gets it, preview the recipient count, send.

Sending only plans the outbox rows through the same service as the chat's /thongbao
(`plan_broadcast`, audited with the official and channel "web"); the bot's delivery worker
sends them, and the page follows the delivery report live (htmx polling).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.core.messages import TELEGRAM, ZALO
from bot.db.broadcast_reports import BroadcastReport, BroadcastSummary
from bot.db.people import PeopleStore, Recipient
from bot.retrieval.listings import day
from bot.services.broadcasts import AudienceError, audience_recipients, describe_audience, plan_broadcast
from bot.services.obligations import tracked_obligations
from bot.web.app import render, today
from bot.web.auth import Admin, AdminChange, Viewer

router = APIRouter()
RECENT = 20           # broadcasts listed under the form
MAX_OBLIGATIONS = 50  # tasks offered for «units that have not reported»
POLL_SECONDS = 2      # how often an open delivery report asks for news
KIND_NAMES = {"announcement": "Thông báo", "reminder": "Nhắc hạn"}

Text = Annotated[str, Form()]
Audience = Annotated[str, Form()]


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Preview:
    text: str
    audience: str
    audience_name: str
    recipients: int
    zalo_split: int  # recipients on Zalo who get a long text in several parts


@router.get("/thong-bao", response_class=HTMLResponse)
def compose(request: Request, viewer: Admin) -> Response:
    return _compose_page(request, viewer)


@router.post("/thong-bao/xem-truoc", response_class=HTMLResponse)
def preview(request: Request, viewer: Admin, text: Text = "", audience: Audience = "all") -> Response:
    """What would be sent to whom; nothing is planned yet."""
    people = request.app.state.people
    text = _clean(text)
    try:
        recipients = _recipients(people, text, audience)
    except AudienceError as exc:
        return _compose_page(request, viewer, text=text, audience=audience, error=str(exc), status=400)
    zalo = sum(1 for r in recipients if r.channel == ZALO.name) if len(text) > ZALO.max_text else 0
    shown = Preview(text, audience, describe_audience(people, audience), len(recipients), zalo)
    return _compose_page(request, viewer, text=text, audience=audience, preview=shown)


@router.post("/thong-bao/gui")
def send(request: Request, viewer: AdminChange, text: Text = "", audience: Audience = "all") -> Response:
    """Plan one outbox row per recipient (the delivery worker sends them) and follow the report."""
    state = request.app.state
    text = _clean(text)
    try:
        _recipients(state.people, text, audience)
        broadcast_id, _ = plan_broadcast(state.outbox, state.people, text, audience,
                                         created_by=viewer.official_id, channel="web")
    except AudienceError as exc:
        return _compose_page(request, viewer, text=text, audience=audience, error=str(exc), status=400)
    return RedirectResponse(f"/thong-bao/{broadcast_id}", status_code=303)


@router.get("/thong-bao/{broadcast_id:int}", response_class=HTMLResponse)
def sent(request: Request, viewer: Admin, broadcast_id: int) -> Response:
    """One broadcast: its text, audience, sender, and the live delivery report."""
    found = _summary(request, broadcast_id)
    return render(request, viewer, "broadcast.html", broadcast=found, kinds=KIND_NAMES,
                  audience_name=describe_audience(request.app.state.people, found.audience),
                  **_report_context(request, broadcast_id))


@router.get("/thong-bao/{broadcast_id:int}/bao-cao", response_class=HTMLResponse)
def report(request: Request, viewer: Admin, broadcast_id: int) -> Response:
    """The delivery report alone: the fragment the open page polls until nothing is pending."""
    return render(request, viewer, "broadcast_report.html", **_report_context(request, broadcast_id))


# -- helpers ----------------------------------------------------------------------------------

def _clean(text: str) -> str:
    """The text as typed: browsers send a form's line breaks as CRLF."""
    return text.replace("\r\n", "\n").strip()


def _recipients(people: PeopleStore, text: str, audience: str) -> list[Recipient]:
    """Who would get the text; AudienceError (a sentence for the page) when it cannot be sent."""
    if not text:
        raise AudienceError("Nội dung thông báo đang trống.")
    if len(text) > TELEGRAM.max_text:
        raise AudienceError(f"Nội dung dài {len(text)} ký tự, quá giới hạn {TELEGRAM.max_text} ký tự "
                            "của một tin Telegram. Bạn rút gọn rồi xem trước lại.")
    kind, _, code = audience.partition(":")
    if kind == "unit":
        unit = people.unit(code)
        if unit is None or not unit.active:
            raise AudienceError(f"Không có đơn vị mã «{code}».")
    recipients = audience_recipients(people, audience)
    if not recipients:
        raise AudienceError(f"Không có cán bộ nào nhận ({describe_audience(people, audience)}). "
                            "Chọn đối tượng khác.")
    return recipients


def _compose_page(request: Request, viewer: Viewer, *, text: str = "", audience: str = "all",
                  preview: Preview | None = None, error: str | None = None, status: int = 200) -> Response:
    state = request.app.state
    recent = state.outbox.recent_broadcasts(RECENT)
    names = {b.audience: describe_audience(state.people, b.audience, 60) for b in recent}
    return render(request, viewer, "broadcasts.html", status=status, text=text, audience=audience,
                  preview=preview, error=error, units=_unit_options(state.people),
                  tasks=_task_options(request), recent=recent, audience_names=names, kinds=KIND_NAMES,
                  max_text=TELEGRAM.max_text)


def _unit_options(people: PeopleStore) -> list[Option]:
    return [Option(f"unit:{u.code}", f"{u.code} — {u.name}") for u in people.units() if u.active]


def _task_options(request: Request) -> list[Option]:
    """Upcoming deadlines nearest first, then those just missed, most recent first (as in the chat)."""
    state, now = request.app.state, today(request)
    tracked = tracked_obligations(state.register.store, now, state.settings.reports.past_days)
    ordered = [o for o in tracked if o.due >= now] + [o for o in reversed(tracked) if o.due < now]
    return [Option(f"missing:{o.key}:{o.due.isoformat()}",
                   f"{o.title(80)} — hạn {day(o.due)}" + (" (đã qua)" if o.due < now else ""))
            for o in ordered[:MAX_OBLIGATIONS]]


def _summary(request: Request, broadcast_id: int) -> BroadcastSummary:
    found = request.app.state.outbox.broadcast(broadcast_id)
    if found is None:
        raise HTTPException(404, "Không có thông báo này.")
    return found


def _report_context(request: Request, broadcast_id: int) -> dict[str, object]:
    found: BroadcastReport | None = request.app.state.outbox.broadcast_report(broadcast_id)
    if found is None:
        raise HTTPException(404, "Không có thông báo này.")
    return {"report": found, "done": found.pending == 0, "poll": POLL_SECONDS,
            "title": KIND_NAMES.get(found.kind, "Thông báo")}
