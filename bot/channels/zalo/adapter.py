"""Zalo Bot Platform channel: a thin httpx adapter over the messenger-independent core.

Zalo speaks a Telegram-like API (`POST {base}{token}/{method}`, JSON in, `{"ok", "result"}` out)
but getUpdates hands out ONE update per call with no offset, an idle poll ends with code 408,
texts are limited to 2000 characters and there are no inline buttons (the core numbers the
choices in the text instead). Updates arrive by long polling or by webhook, never both
(bot.zaloplatforms.com/docs, «getUpdates»: it does not work while a webhook is set).

Polling never removes a webhook on its own: one test run with the production token would
silently cut the production bot off. An existing webhook stops the start with a clear message,
unless `--drop-webhook` (or `zalo.drop_webhook`) says to delete it, which is logged loudly.

This module only translates: an update becomes an `Incoming`, the core's `Reply` objects become
sendMessage/sendPhoto calls. Every rule (groups, commands, splitting, choices) lives in the core.
"""
from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from aiohttp import web

from bot.channels.turns import ChatQueue, Lanes
from bot.channels.zalo.client import (POLL_TIMEOUT, ZaloClient, ZaloConfigError, ZaloError,  # noqa: F401
                                      _transient)
from bot.channels.zalo.media import MEDIA_SEGMENT, MediaHost, media_base
from bot.channels.zalo.updates import to_incoming, unwrap, update_key
from bot.core.messages import ZALO, ChatKind, Incoming, OutgoingFile, Reply
from bot.core.replies import APOLOGY

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.channels.background import Background

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"
SECRET_MIN, SECRET_MAX = 8, 256
IMAGE_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
FILE_NOT_SENT = ("Tệp «{name}» không gửi được qua Zalo. Bạn vui lòng xem trên Telegram "
                 "hoặc liên hệ quản trị viên.")
IMAGE_NOT_SENT = ("Ảnh «{name}» chưa gửi được qua Zalo: Zalo chỉ nhận ảnh qua một đường dẫn công khai, mà bot "
                  "hiện chưa có địa chỉ công khai. Số liệu đầy đủ: lệnh /xuatbaocao trên Telegram, hoặc trên "
                  "máy chủ: python -m bot reports export --out baocao.xlsx")

MISSING_TOKEN = ("Thiếu ZALO_BOT_TOKEN: hãy đặt biến môi trường ZALO_BOT_TOKEN bằng token "
                 "do Zalo Bot Creator cấp.")
BAD_SECRET = ("Chế độ webhook cần ZALO_WEBHOOK_SECRET dài từ 8 đến 256 ký tự (Zalo gửi lại nó trong "
              "header X-Bot-Api-Secret-Token để bot nhận biết yêu cầu thật).")
BAD_TOKEN = "ZALO_BOT_TOKEN không hợp lệ: Zalo từ chối ({error})."
NOT_FOUND = ("Zalo Bot API trả lỗi 404 cho {method} tại {base}: địa chỉ API không đúng. Địa chỉ được công bố là "
             "https://bot-api.zaloplatforms.com/bot — kiểm tra hoặc bỏ ZALO_BASE_URL.")
PLATFORM_ERROR = "Zalo báo lỗi nội bộ ({error}). Bạn thử chạy lại sau ít phút."
WEBHOOK_IN_USE = ("Bot này đang nhận tin qua webhook {url}. Chạy bằng polling sẽ xoá webhook đó và bot đang "
                  "chạy thật sẽ không nhận được tin nữa. Nếu đúng là muốn vậy, chạy lại với --drop-webhook "
                  "(hoặc đặt zalo.drop_webhook: true).")
WEBHOOK_REFUSED = "Zalo không nhận webhook {url} ({error}). URL phải là HTTPS và truy cập được từ Internet."
UNREACHABLE = "Không kết nối được Zalo Bot API ({error}). Kiểm tra mạng hoặc ZALO_BASE_URL."
EMPTY_STORE = ("Kho văn bản đang trống. Hãy nạp văn bản trước: "
               "python ingest.py --knowledge knowledge --store data/store")

T = TypeVar("T")


class Core(Protocol):
    """What the adapter needs of `bot.assistant.Assistant`."""

    def seen(self, channel: str, update_key: str) -> bool: ...

    def handle(self, msg: Incoming) -> list[Reply]: ...


# -- replies ----------------------------------------------------------------------------------

async def send_reply(client: ZaloClient, chat_id: str, reply: Reply, media: MediaHost | None = None) -> None:
    """Text as messages; a PNG/JPEG file as a photo (a link `media` publishes), any other file as
    its caption. Buttons are already numbered in the text by the core, and notices are
    Telegram's callback answers."""
    for part in _parts(reply.text):
        await client.send_message(chat_id, part)
    if reply.file is not None:
        await _send_file(client, chat_id, reply.file, reply.text, media)


async def _send_file(client: ZaloClient, chat_id: str, file: OutgoingFile, text: str,
                     media: MediaHost | None) -> None:
    mime = _image_type(file)
    if mime and media is not None:
        await client.send_photo(chat_id, media.publish(file.content, mime), file.caption or None)
        return
    if mime:  # no public address to link to: say where the figures are instead
        await client.send_message(chat_id, IMAGE_NOT_SENT.format(name=file.caption or file.name))
        return
    caption = file.caption.strip()
    if caption and caption != text.strip():
        for part in _parts(caption):
            await client.send_message(chat_id, part)
    elif not caption and not text.strip():
        await client.send_message(chat_id, FILE_NOT_SENT.format(name=file.name))


def _image_type(file: OutgoingFile) -> str | None:
    """image/png or image/jpeg judged by the bytes themselves, None for anything else."""
    for signature, mime in IMAGE_SIGNATURES.items():
        if file.content.startswith(signature):
            return mime
    return None


def _parts(text: str) -> list[str]:
    """The core already splits to 2000 characters; this only guards the platform's limit."""
    limit = ZALO.max_text
    return [text[i:i + limit] for i in range(0, len(text), limit)] if text.strip() else []


# -- processing updates -----------------------------------------------------------------------

class Dispatcher:
    """Runs each update in its own task: one chat's updates in arrival order, chats in parallel,
    the core on `lanes` (commands on threads of their own). A failing update is logged and
    dropped. Polling pauses at `backlog` updates in progress: a flood's messages mostly wait for
    their chat's turn, a task each, and must not keep other people's updates out."""

    def __init__(self, assistant: Core, client: ZaloClient, bot_name: str = "",
                 lanes: Lanes | None = None, backlog: int = 4096, media: MediaHost | None = None) -> None:
        self.assistant = assistant
        self.client = client
        self.bot_name = bot_name
        self.media = media
        self.backlog = backlog
        self.lanes = lanes or Lanes()
        self._tasks: set[asyncio.Task[None]] = set()
        self._turns = ChatQueue()  # FIFO per chat: replies to one person never overtake each other
        self._room = asyncio.Event()
        self._room.set()

    def submit(self, update: dict[str, Any]) -> None:
        """Start processing without waiting (a webhook must answer Zalo at once)."""
        task = asyncio.create_task(self.process(update))
        self._tasks.add(task)
        if len(self._tasks) >= self.backlog:
            self._room.clear()
        task.add_done_callback(self._finished)

    async def room(self) -> None:
        """Wait while the backlog is full, so polling does not outrun the core."""
        await self._room.wait()

    async def drain(self, timeout: float = 10.0) -> None:
        """Let updates in progress finish (their replies are owed), then cancel stragglers."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in pending:
            task.cancel()
        if pending:
            log.warning("zalo: hủy %d cập nhật chưa xử lý xong khi dừng", len(pending))
            await asyncio.wait(pending)

    async def process(self, update: dict[str, Any]) -> None:
        chat_id = "?"
        try:
            incoming = to_incoming(update, self.bot_name)
            if incoming is None:
                log.debug("zalo: bỏ qua sự kiện %s", update.get("event_name"))
                return
            chat_id = incoming.chat_id
            async with self._turns.turn(chat_id):
                await self._answer(update, incoming)
        except Exception:  # one bad update must never stop the others
            log.exception("zalo: lỗi khi xử lý cập nhật ở cuộc trò chuyện %s; bỏ qua", chat_id)

    async def _answer(self, update: dict[str, Any], incoming: Incoming) -> None:
        try:
            replies = await self._replies(update, incoming)
        except Exception:  # the database is down, a bug: say so, as the Telegram bot does
            if not (incoming.mentioned or incoming.command or incoming.chat_kind is ChatKind.PRIVATE):
                raise
            log.exception("zalo: lỗi khi xử lý tin ở %s; gửi lời xin lỗi", incoming.chat_id)
            replies = [Reply(APOLOGY)]
        for reply in replies:
            await send_reply(self.client, incoming.chat_id, reply, self.media)

    async def _replies(self, update: dict[str, Any], incoming: Incoming) -> list[Reply]:
        command = bool(incoming.command or incoming.button)
        if await self.lanes.run(command, self.assistant.seen, ZALO.name, update_key(update)):
            log.info("zalo: cập nhật lặp lại ở %s, đã trả lời trước đó", incoming.chat_id)
            return []
        # No "typing…" flash in a group for chatter that does not address the bot.
        typing = (asyncio.create_task(self._typing(incoming.chat_id))
                  if incoming.mentioned or incoming.command else None)
        try:
            return await self.lanes.run(command, self.assistant.handle, incoming)
        finally:
            if typing is not None:
                await typing

    async def _typing(self, chat_id: str) -> None:
        try:
            await self.client.send_chat_action(chat_id, "typing")
        except ZaloError as error:
            log.debug("zalo: typing thất bại: %s", error)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if len(self._tasks) < self.backlog:
            self._room.set()


# -- long polling -----------------------------------------------------------------------------

async def poll(assistant: Core, client: ZaloClient, stop: asyncio.Event, *, bot_name: str = "",
               poll_timeout: float = POLL_TIMEOUT, error_pause: float = 1.0,
               max_error_pause: float = 30.0, drop_webhook: bool = False, lanes: Lanes | None = None) -> None:
    """Long-poll until `stop` is set. A webhook in place stops the start (ZaloConfigError) unless
    `drop_webhook`; a 404 before any poll went through ends it (the API address is wrong); any
    later failure pauses with growing backoff and never ends the loop."""
    dispatcher = Dispatcher(assistant, client, bot_name, lanes)
    await _until(_take_over_updates(client, drop_webhook), stop)
    pause, polled = error_pause, False
    try:
        while not stop.is_set():
            await _until(dispatcher.room(), stop)
            try:
                update = await _until(client.get_updates(poll_timeout), stop)
            except ZaloError as error:
                if error.code == 404 and not polled:
                    raise
                log.error("zalo: getUpdates thất bại (%s); thử lại sau %.0f s", error, pause)
                await _until(asyncio.sleep(pause), stop)
                pause = min(pause * 2, max_error_pause)
                continue
            pause, polled = error_pause, True
            if update:
                dispatcher.submit(update)
    finally:
        await dispatcher.drain()


async def _take_over_updates(client: ZaloClient, drop_webhook: bool) -> None:
    """Polling and a webhook exclude each other: refuse to start over a webhook, or delete it
    when told to (loudly: the bot that served it receives nothing from now on)."""
    url = str((await client.get_webhook_info()).get("url") or "")
    if not url:
        return
    if not drop_webhook:
        log.error("zalo: webhook %s đang hoạt động; không xoá khi chưa có --drop-webhook", url)
        raise ZaloConfigError(WEBHOOK_IN_USE.format(url=url))
    log.warning("zalo: XOÁ WEBHOOK %s theo --drop-webhook để nhận tin bằng polling; "
                "bot nào đang nhận tin qua webhook đó sẽ không nhận được gì nữa", url)
    await client.delete_webhook()


async def _until(awaitable: Awaitable[T], stop: asyncio.Event) -> T | None:
    """The awaitable's result, or None as soon as `stop` is set (the awaitable is cancelled)."""
    work = asyncio.ensure_future(awaitable)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({work, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (work, stopped):
            if not task.done():
                task.cancel()
        await asyncio.gather(work, stopped, return_exceptions=True)
    if work.cancelled():
        return None
    return work.result()


# -- webhook ----------------------------------------------------------------------------------

DISPATCHER = web.AppKey("zalo_dispatcher", Dispatcher)


def secret_problem(secret: str | None) -> str | None:
    """Why this secret cannot protect a webhook, in Vietnamese; None when it can."""
    if not secret or not SECRET_MIN <= len(secret) <= SECRET_MAX:
        return BAD_SECRET
    return None


def make_webhook_app(assistant: Core, client: ZaloClient, secret_token: str, path: str = "/zalo",
                     *, bot_name: str = "", media: MediaHost | None = None,
                     lanes: Lanes | None = None) -> web.Application:
    """An aiohttp app taking Zalo's deliveries at `path`: 403 without the right secret header,
    otherwise 200 at once while the update is processed in the background. With `media`, the
    images it publishes are served under `path`/media/ for Zalo to download."""
    problem = secret_problem(secret_token)
    if problem:
        raise ZaloConfigError(problem)
    expected = secret_token.encode()
    app = web.Application()
    app[DISPATCHER] = Dispatcher(assistant, client, bot_name, lanes, media=media)

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            log.warning("zalo: webhook từ chối một yêu cầu sai secret")
            return web.json_response({"ok": False, "description": "Forbidden"}, status=403)
        try:
            update = unwrap(await request.json())
        except ValueError:
            update = None
        if update is None:
            return web.json_response({"ok": False, "description": "Bad Request"}, status=400)
        request.app[DISPATCHER].submit(update)
        return web.json_response({"ok": True})

    async def drain(app: web.Application) -> None:
        await app[DISPATCHER].drain()

    route = "/" + path.strip("/")
    app.router.add_post(route, receive)
    if media is not None:
        app.router.add_get(f"{route.rstrip('/')}/{MEDIA_SEGMENT}/{{name}}", media.serve)
    app.on_shutdown.append(drain)
    return app


async def run_webhook(assistant: Core, client: ZaloClient, stop: asyncio.Event, *, url: str,
                      secret_token: str, listen: str, port: int, bot_name: str = "",
                      lanes: Lanes | None = None) -> None:
    """Serve the webhook on listen:port (path taken from `url`) and register `url` with Zalo."""
    from urllib.parse import urlsplit

    app = make_webhook_app(assistant, client, secret_token, urlsplit(url).path or "/", bot_name=bot_name,
                           media=MediaHost(media_base(url)), lanes=lanes)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=5.0)
    await runner.setup()
    try:
        await web.TCPSite(runner, listen, port).start()
        await client.set_webhook(url, secret_token)
        log.info("zalo: nhận tin qua webhook, lắng nghe %s:%d", listen, port)
        await stop.wait()
    finally:
        await runner.cleanup()


# -- entry point ------------------------------------------------------------------------------

def bot_display_name(me: dict[str, Any]) -> str:
    """The name people type after "@": ZALO_BOT_NAME, else what getMe offers."""
    return (os.environ.get("ZALO_BOT_NAME") or str(me.get("display_name") or me.get("name")
                                                    or me.get("account_name") or ""))


async def serve(assistant: Core, client: ZaloClient, stop: asyncio.Event, *,
                webhook_url: str | None, secret_token: str | None, listen: str = "127.0.0.1",
                port: int = 8444, poll_timeout: float = POLL_TIMEOUT, drop_webhook: bool = False,
                lanes: Lanes | None = None) -> None:
    """Check the token with getMe, then run webhook mode if a URL is set, else long polling."""
    if webhook_url:
        problem = secret_problem(secret_token)
        if problem:
            raise ZaloConfigError(problem)
    me = await client.get_me() or {}
    name = bot_display_name(me)
    if webhook_url:
        await run_webhook(assistant, client, stop, url=webhook_url, secret_token=secret_token or "",
                          listen=listen, port=port, bot_name=name, lanes=lanes)
    else:
        log.info("zalo: nhận tin bằng long polling")
        await poll(assistant, client, stop, bot_name=name, poll_timeout=poll_timeout, drop_webhook=drop_webhook,
                   lanes=lanes)


def main(settings: "Settings") -> int:
    """`python -m bot zalo`: run until Ctrl+C or SIGTERM; 2 for a configuration problem."""
    token = os.environ.get("ZALO_BOT_TOKEN", "").strip()
    if not token:
        print(MISSING_TOKEN, file=sys.stderr)
        return 2
    config = settings.zalo
    secret = os.environ.get("ZALO_WEBHOOK_SECRET")
    if config.webhook_url and secret_problem(secret):
        print(BAD_SECRET, file=sys.stderr)
        return 2
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from bot import app

    with app.messenger(settings) as (assistant, background):
        if app.store_is_empty(assistant.answerer):
            print(EMPTY_STORE, file=sys.stderr)
            return 1
        run = _run(assistant, token, background=background,
                   webhook_url=config.webhook_url, secret_token=secret, listen=config.listen, port=config.port,
                   drop_webhook=config.drop_webhook, lanes=Lanes(messages=settings.access.concurrent_questions + 2))
        try:
            return asyncio.run(run)
        except KeyboardInterrupt:  # a second Ctrl+C, or no signal handlers on this platform
            return 0


async def _run(assistant: Core, token: str, *, background: "Background | None" = None,
               **options: Any) -> int:
    stop = asyncio.Event()
    _on_signals(stop.set)
    # The outbox (reminders, broadcasts) is delivered beside the bot, until it stops.
    delivery = asyncio.create_task(background.run_zalo(token, stop)) if background else None
    try:
        async with ZaloClient(token) as client:
            try:
                await serve(assistant, client, stop, **options)
            except ZaloConfigError as error:
                print(error, file=sys.stderr)
                return 2
            except ZaloError as error:
                print(_startup_failure(error, options.get("webhook_url"), client.base_url), file=sys.stderr)
                return 1
    finally:
        stop.set()
        if delivery is not None:
            for failure in await asyncio.gather(delivery, return_exceptions=True):
                if isinstance(failure, Exception):
                    log.error("zalo: gửi tin trong hàng đợi dừng vì lỗi: %r", failure)
    log.info("zalo: đã dừng")
    return 0


def _startup_failure(error: ZaloError, webhook_url: str | None, base_url: str) -> str:
    """One message for the operator, by the documented error codes."""
    if error.code == 401:
        return BAD_TOKEN.format(error=error.description)
    if error.code == 404:
        return NOT_FOUND.format(method=error.method, base=base_url)
    if error.method == "setWebhook" and error.code not in (0, 403):
        return WEBHOOK_REFUSED.format(url=webhook_url, error=error.description)
    if error.code == 403 or error.code >= 500:
        return PLATFORM_ERROR.format(error=error.description)
    return UNREACHABLE.format(error=error.description)


def _on_signals(callback: Callable[[], None]) -> None:
    """Ctrl+C and SIGTERM end the loop cleanly (where the platform allows signal handlers)."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, callback)
