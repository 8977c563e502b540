"""The dashboard's application: stores over one engine, templates, sign-in, and the pages.

`create_app(settings, engine)` builds it (tests use it with FastAPI's TestClient);
`serve(settings)` runs it with uvicorn on `web.listen:web.port`.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.config import Settings
from bot.core.clock import VIETNAM, clock_and_day
from bot.db.facts import FactStore
from bot.db.outbox import Outbox
from bot.db.people import PeopleStore
from bot.db.web import LinkError, LinkProblem, WebStore
from bot.retrieval.listings import day
from bot.services.tasks import TaskRegister
from bot.web.auth import COOKIE, ChangeBy, SignInRequired, Viewer
from bot.web.library import Encoder, Library, default_encoder

if TYPE_CHECKING:
    import uvicorn

HERE = Path(__file__).parent
# The pages, in the order of the menu: (path, title, admins only).
MENU = (("/", "Tổng quan", True), ("/nhiem-vu", "Nhiệm vụ", True), ("/ma-tran", "Ma trận báo cáo", True),
        ("/van-ban", "Văn bản", True), ("/don-vi", "Đơn vị & cán bộ", True), ("/thong-bao", "Thông báo", True),
        ("/cau-hoi", "Câu hỏi chưa trả lời", True), ("/nhat-ky", "Nhật ký", True))
LINK_REFUSED = {LinkProblem.UNKNOWN: "Liên kết đăng nhập không đúng.",
                LinkProblem.USED: "Liên kết này đã được dùng. Mỗi liên kết chỉ dùng được một lần.",
                LinkProblem.EXPIRED: "Liên kết đã hết hạn."}
# Starlette's English words for an address or a method no route has.
ROUTING_ERRORS = {(404, "Not Found"): "Không có trang này.",
                  (405, "Method Not Allowed"): "Trang này không nhận yêu cầu kiểu này."}
ASK_LINK = "Nhắn /web cho bot (trong cuộc trò chuyện riêng) để nhận liên kết đăng nhập mới."


def create_app(settings: Settings, engine: Engine, *, today: Callable[[], date] | None = None,
               encoder: Encoder | None = None) -> FastAPI:
    """The dashboard over a migrated database; `today` fixes the date and `encoder` the model
    uploads are embedded with (tests; by default the configured model, loaded at the first upload)."""
    app = FastAPI(title="Trợ lý Chỉ thị — văn phòng", docs_url=None, redoc_url=None, openapi_url=None)
    state = app.state
    state.settings, state.engine = settings, engine
    state.today = today or (lambda: datetime.now(VIETNAM).date())
    state.people = PeopleStore(engine, settings.access.admins)
    state.facts = FactStore(engine)
    state.web = WebStore(engine)
    state.outbox = Outbox(engine)
    state.register = TaskRegister(engine, settings, facts=state.facts, people=state.people)
    state.library = Library(settings, facts=state.facts, people=state.people, register=state.register,
                            outbox=state.outbox, encoder=encoder or default_encoder(settings), today=state.today)
    state.templates = templates()
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _sign_in_routes(app)
    from bot.web.pages import PAGES

    for router in PAGES:
        app.include_router(router)
    app.add_exception_handler(SignInRequired, _sign_in_page)
    # Starlette's own exception: an unknown address (404) or method (405) gets the page too.
    app.add_exception_handler(StarletteHTTPException, _error_page)
    return app


def templates() -> Jinja2Templates:
    found = Jinja2Templates(directory=HERE / "templates")
    found.env.filters.update(day=_day, clock=_clock)
    found.env.globals.update(menu=MENU)
    return found


def _day(value: date | None) -> str:
    return day(value) if value else "—"


def _clock(value: datetime | None) -> str:
    return clock_and_day(value) if value else "—"


def render(request: Request, viewer: Viewer | None, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page (or an htmx fragment) with who is looking and the CSRF token."""
    return request.app.state.templates.TemplateResponse(
        request, template, {"viewer": viewer, "csrf": viewer.csrf if viewer else "", "path": request.url.path,
                            **context}, status_code=status)


def _secure(request: Request) -> bool:
    return request.app.state.settings.web.address.startswith("https://") or request.url.scheme == "https"


def _sign_in_routes(app: FastAPI) -> None:
    @app.get("/dang-nhap", response_class=HTMLResponse)
    def sign_in(request: Request) -> HTMLResponse:
        return render(request, None, "sign_in.html", message=ASK_LINK)

    @app.get("/dang-nhap/{token}", response_class=HTMLResponse)
    def confirm(request: Request, token: str) -> HTMLResponse:
        # A button, not an automatic sign-in: messengers open links to preview them, which would
        # spend a one-time link before its owner does.
        return render(request, None, "sign_in.html", token=token)

    @app.post("/dang-nhap/{token}")
    def redeem(request: Request, token: str) -> Response:
        try:
            session = request.app.state.web.redeem(token)
        except LinkError as exc:
            return render(request, None, "sign_in.html", status=403, message=f"{LINK_REFUSED[exc.problem]} {ASK_LINK}")
        official = request.app.state.people.official(session.official_id)
        request.app.state.people.audit(session.official_id, "web", "web_sign_in",
                                       f"đăng nhập trang quản trị: {official.name if official else ''}")
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(COOKIE, session.token, httponly=True, samesite="lax", secure=_secure(request),
                            max_age=request.app.state.settings.web.idle_minutes * 60 * 24)
        return response

    @app.post("/dang-xuat")
    def sign_out(request: Request, viewer: ChangeBy) -> Response:
        request.app.state.web.end(viewer.session.token)
        response = RedirectResponse("/dang-nhap", status_code=303)
        response.delete_cookie(COOKIE)
        return response


async def _sign_in_page(request: Request, exc: Exception) -> Response:
    if request.headers.get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": "/dang-nhap"})
    return render(request, None, "sign_in.html", status=401, message=f"Bạn cần đăng nhập. {ASK_LINK}")


async def _error_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else "Không thực hiện được yêu cầu."
    detail = ROUTING_ERRORS.get((exc.status_code, detail), detail)
    return render(request, None, "error.html", status=exc.status_code, message=detail)


def today(request: Request) -> date:
    """The date the pages count deadlines from (Vietnam time)."""
    return request.app.state.today()


def serve(settings: Settings) -> int:
    """`python -m bot web`: the dashboard on web.listen:web.port until interrupted."""
    _server(settings).run()
    return 0


def serve_beside(settings: Settings) -> threading.Thread:
    """The dashboard in a daemon thread beside a bot (`python -m bot start` with web.enabled)."""
    thread = threading.Thread(target=_server(settings).run, name="web", daemon=True)
    thread.start()
    return thread


def _server(settings: Settings) -> "uvicorn.Server":
    import uvicorn

    from bot.db.engine import shared_engine

    app = create_app(settings, shared_engine(settings.database_url))
    print(f"Trang quản trị: {settings.web.address} (đăng nhập bằng liên kết từ lệnh /web của bot)", flush=True)
    return uvicorn.Server(uvicorn.Config(app, host=settings.web.listen, port=settings.web.port, log_level="warning"))
