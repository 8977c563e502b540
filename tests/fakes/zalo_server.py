"""A fake Zalo Bot Platform API on 127.0.0.1, checked against the platform's documentation
(bot.zaloplatforms.com/docs: getUpdates, setWebhook, sendMessage, sendPhoto, «Bảng mã lỗi»)
and public clients.

Wire format: `POST {base}{token}/{method}` with a JSON body (GET and form bodies are accepted
too); every answer is the envelope `{"ok": true, "result": ...}` or `{"ok": false,
"error_code": N, "description": "..."}` with HTTP status N. getUpdates takes `timeout` (seconds,
a string or a number, default 30), has no offset and returns ONE update as `result` (not a
list). An idle poll ends both ways seen in practice, in turn: HTTP 408 with the error envelope,
and HTTP 200 carrying `{"ok": false, "error_code": 408, ...}` (`idle_polls` chooses). Each
update is handed out once, so a client never sees it twice unless the platform redelivers
(`send_text(..., times=2)` simulates that). Texts and captions hold 1 to 2000 characters.

Webhooks must be HTTPS, as setWebhook documents. A test's bot listens on plain HTTP at
127.0.0.1, so the fake reaches public addresses through `tunnel(public, local)`, the way ngrok
would: webhook posts (the envelope as body, the secret in `X-Bot-Api-Secret-Token`) and the
photos sendPhoto must fetch go through it. sendPhoto takes an HTTPS link that Zalo downloads;
the fake downloads it through a tunnel and keeps the bytes (`ZaloSent.fetched`); a link it
cannot download is refused (400; the real wording is not published). Error codes follow the
documented table: 401 bad token, 403 the platform's internal error, 404 not found, 408 idle
poll, 429 quota exceeded; nothing is documented for a user who blocked the bot.
Ids are strings; `date` is in milliseconds.

    async with FakeZalo() as zalo:                         # or the `zalo_fake` fixture
        await zalo.send_text("u1", "hạn nộp báo cáo?", display_name="Lan")
        [reply] = await zalo.wait_for_messages("u1", 1)
        zalo.inject_error("sendMessage", 429, "Quota exceeded")
"""
from __future__ import annotations

import itertools
import secrets
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from tests.fakes import ApiError, FakeBotApi, Params, UploadedFile, post_json

MAX_TEXT = 2000
DEFAULT_POLL_SECONDS = 30.0
SECRET_HEADER = "X-Bot-Api-Secret-Token"
CHAT_ACTIONS = frozenset({"typing", "upload_photo"})
IDLE_HTTP, IDLE_BODY = "http", "body"  # an idle poll as HTTP 408, or as HTTP 200 with ok:false
MAX_PHOTO_BYTES = 10 * 1024 * 1024     # what the fake downloads of one photo at most


def now_ms() -> int:
    return int(time.time() * 1000)


def new_id() -> str:
    """Zalo ids look like 20 hex characters."""
    return secrets.token_hex(10)


def make_zalo_message(chat_id: str, text: str, *, user_id: str | None = None,
                      display_name: str = "Người dùng", chat_type: str = "PRIVATE",
                      message_id: str | None = None, date: int | None = None) -> Params:
    """A received text message; in a private chat the sender id is the chat id."""
    return {
        "message_id": message_id or new_id(),
        "from": {"id": user_id or chat_id, "display_name": display_name, "is_bot": False},
        "chat": {"id": chat_id, "chat_type": chat_type},
        "date": date or now_ms(),
        "text": text,
    }


def make_zalo_update(message: Params, event_name: str = "message.text.received") -> Params:
    return {"event_name": event_name, "message": message}


async def post_webhook_update(url: str, update: Params, secret_token: str | None = None,
                              envelope: bool = True) -> tuple[int, str]:
    """POST an update to a bot's webhook as Zalo does (wrapped in the ok/result envelope)."""
    headers = {SECRET_HEADER: secret_token} if secret_token is not None else {}
    payload = {"ok": True, "result": update} if envelope else update
    return await post_json(url, payload, headers)


@dataclass
class ZaloSent:
    """A message the bot sent (text, photo or sticker)."""

    chat_id: str
    message_id: str
    date: int
    kind: str
    text: str | None = None
    photo: str | None = None
    caption: str | None = None
    sticker: str | None = None
    params: Params = field(default_factory=dict)
    fetched: bytes | None = None  # what the fake downloaded from a photo link


class FakeZalo(FakeBotApi):
    """A Zalo Bot Platform fake with a simulated user side; see the module docstring."""

    def __init__(self, token: str = "1459232241454765289:TEST-zalo-token", *,
                 account_name: str = "bot.test", poll_cap: float | None = None,
                 idle_polls: Iterable[str] = (IDLE_HTTP, IDLE_BODY)) -> None:
        super().__init__(token)
        self.bot_id = token.split(":")[0]
        self.account_name = account_name
        self.poll_cap = poll_cap  # caps a client's long-poll timeout, to keep tests short
        self._idle_styles = itertools.cycle(tuple(idle_polls))
        self.tunnels: dict[str, str] = {}
        self.webhook: Params | None = None
        self.messages: dict[str, list[ZaloSent]] = {}
        self.chat_actions: list[Params] = []
        self._queue: deque[Params] = deque()
        self._webhook_updated_at = now_ms()

    # -- user side ------------------------------------------------------------------------

    async def send_text(self, chat_id: str, text: str, *, display_name: str = "Người dùng",
                        user_id: str | None = None, chat_type: str = "PRIVATE",
                        times: int = 1) -> Params:
        """A user writes; `times=2` delivers the very same update twice (a redelivery)."""
        message = make_zalo_message(chat_id, text, user_id=user_id, display_name=display_name,
                                    chat_type=chat_type)
        return await self.send_update(make_zalo_update(message), times=times)

    async def send_image(self, chat_id: str, url: str, caption: str = "", *,
                         display_name: str = "Người dùng", user_id: str | None = None) -> Params:
        """A user sends a photo; Zalo hands the bot a link to it (`photo`)."""
        message = make_zalo_message(chat_id, "", user_id=user_id, display_name=display_name)
        del message["text"]
        message.update(photo=url, caption=caption)
        return await self.send_update(make_zalo_update(message, "message.image.received"))

    async def send_update(self, update: Params, times: int = 1) -> Params:
        """Queue an update for getUpdates, or push it to the webhook when one is set."""
        for _ in range(times):
            if self.webhook:
                headers = {SECRET_HEADER: self.webhook["secret_token"]}
                payload = {"ok": True, "result": update}
                await self._deliver(self.reach(self.webhook["url"]), update, payload, headers)
            else:
                self._queue.append(update)
                self._notify()
        return update

    @property
    def pending_updates(self) -> list[Params]:
        return list(self._queue)

    # -- bot side -------------------------------------------------------------------------

    def messages_to(self, chat_id: str) -> list[ZaloSent]:
        return list(self.messages.get(chat_id, []))

    async def wait_for_messages(self, chat_id: str, count: int = 1,
                                timeout: float = 3.0) -> list[ZaloSent]:
        """Await until the bot has sent `count` messages to the chat; returns all of them."""
        await self.wait_until(lambda: len(self.messages.get(chat_id, [])) >= count, timeout,
                              f"{count} bot message(s) in chat {chat_id}")
        return self.messages_to(chat_id)

    async def wait_until_polling(self, timeout: float = 3.0) -> None:
        await self.wait_for_calls("getUpdates", 1, timeout, completed=False)

    def fail_chat(self, chat_id: str, status: int, description: str) -> None:
        """Every call for this chat fails from now on. Zalo documents no "user blocked the bot"
        error, so a test says which documented code it means."""
        self.inject_error(None, status, description, times=None, chat_id=chat_id)

    # -- the public side -------------------------------------------------------------------

    def tunnel(self, public: str, local: str) -> None:
        """Reach `public` (e.g. https://bot.example.vn) at `local` (http://127.0.0.1:PORT)."""
        self.tunnels[public.rstrip("/")] = local.rstrip("/")

    def reach(self, url: str) -> str:
        """The local address behind a public URL, or the URL itself when no tunnel covers it."""
        for public, local in self.tunnels.items():
            if url == public or url.startswith(public + "/"):
                return local + url[len(public):]
        return url

    def _tunnelled(self, url: str) -> bool:
        return self.reach(url) != url

    def send_times(self, chat_id: str | None = None) -> list[float]:
        """Monotonic times of successful sends, for one chat or all."""
        return [c.time for c in self.calls
                if c.method.lower() in ("sendmessage", "sendphoto", "sendsticker") and c.ok
                and (chat_id is None or str(c.params.get("chat_id")) == chat_id)]

    # -- API methods ------------------------------------------------------------------------

    async def api_getMe(self, params: Params, files: dict[str, UploadedFile]) -> Params:
        return {"id": self.bot_id, "account_name": self.account_name,
                "account_type": "BASIC", "can_join_groups": True}

    async def api_getUpdates(self, params: Params, files: dict[str, UploadedFile]) -> Params:
        if self.webhook:
            raise ApiError(400, "Webhook is set: use deleteWebhook before getUpdates")
        timeout = _seconds(params.get("timeout"), DEFAULT_POLL_SECONDS)
        if self.poll_cap is not None:
            timeout = min(timeout, self.poll_cap)
        await self._wait_for(lambda: bool(self._queue), timeout)
        if not self._queue:
            raise ApiError(408, "Request timeout")
        return self._queue.popleft()

    def _envelope_error(self, error: ApiError) -> web.Response:
        if error.status == 408 and next(self._idle_styles) == IDLE_BODY:
            return web.json_response({"ok": False, "error_code": 408, "description": error.description})
        return super()._envelope_error(error)

    async def api_setWebhook(self, params: Params, files: dict[str, UploadedFile]) -> Params:
        url, secret = str(params.get("url") or ""), params.get("secret_token")
        if not _https(url):
            raise ApiError(400, "url must be an HTTPS URL")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            raise ApiError(400, "secret_token must be 8 to 256 characters")
        self.webhook = {"url": url, "secret_token": secret}
        self._webhook_updated_at = now_ms()
        self._notify()  # an idle poll in flight sees the change on its next call
        return {"url": url, "updated_at": self._webhook_updated_at}

    async def api_deleteWebhook(self, params: Params, files: dict[str, UploadedFile]) -> Params:
        self.webhook = None
        self._webhook_updated_at = now_ms()
        return {"url": "", "updated_at": self._webhook_updated_at}

    async def api_getWebhookInfo(self, params: Params,
                                 files: dict[str, UploadedFile]) -> Params:
        return {"url": (self.webhook or {}).get("url", ""),
                "updated_at": self._webhook_updated_at}

    async def api_sendMessage(self, params: Params, files: dict[str, UploadedFile]) -> Params:
        chat_id = _chat_id(params)
        text = params.get("text")
        if not isinstance(text, str) or not 1 <= len(text) <= MAX_TEXT:
            raise ApiError(400, f"text must be 1 to {MAX_TEXT} characters")
        return self._keep(chat_id, "text", params, text=text)

    async def api_sendPhoto(self, params: Params, files: dict[str, UploadedFile]) -> Params:
        chat_id = _chat_id(params)
        photo, caption = params.get("photo"), params.get("caption")
        if not isinstance(photo, str) or not photo:
            raise ApiError(400, "photo is required")
        if not _https(photo):
            raise ApiError(400, "photo must be an HTTPS link")
        if caption is not None and not 1 <= len(str(caption)) <= MAX_TEXT:
            raise ApiError(400, f"caption must be 1 to {MAX_TEXT} characters")
        fetched = await self._download(photo) if self._tunnelled(photo) else None
        return self._keep(chat_id, "photo", params, photo=photo, caption=caption, fetched=fetched)

    async def _download(self, url: str) -> bytes:
        """The image behind a photo link, as Zalo would fetch it; 400 when it cannot."""
        timeout = aiohttp.ClientTimeout(total=5)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.get(self.reach(url)) as response:
                    data = await response.content.read(MAX_PHOTO_BYTES + 1)
                    kind = response.content_type
                    ok = response.status == 200
        except aiohttp.ClientError:
            ok, data, kind = False, b"", ""
        if not ok or not kind.startswith("image/") or not data or len(data) > MAX_PHOTO_BYTES:
            raise ApiError(400, "photo could not be downloaded")
        return data

    async def api_sendSticker(self, params: Params, files: dict[str, UploadedFile]) -> Params:
        chat_id = _chat_id(params)
        if not params.get("sticker"):
            raise ApiError(400, "sticker is required")
        return self._keep(chat_id, "sticker", params, sticker=str(params["sticker"]))

    async def api_sendChatAction(self, params: Params,
                                 files: dict[str, UploadedFile]) -> None:
        chat_id = _chat_id(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise ApiError(400, "action must be typing or upload_photo")
        self.chat_actions.append({"chat_id": chat_id, "action": params["action"]})
        return None

    def _keep(self, chat_id: str, kind: str, params: Params, **content: Any) -> Params:
        sent = ZaloSent(chat_id, new_id(), now_ms(), kind, params=params, **content)
        self.messages.setdefault(chat_id, []).append(sent)
        self._notify()
        return {"message_id": sent.message_id, "date": sent.date}

    def _envelope_ok(self, result: Any) -> web.Response:
        # sendChatAction answers a bare {"ok": true}, as in the public docs.
        if result is None:
            return web.json_response({"ok": True})
        return super()._envelope_ok(result)


def _chat_id(params: Params) -> str:
    chat_id = params.get("chat_id")
    if chat_id in (None, ""):
        raise ApiError(400, "chat_id is required")
    return str(chat_id)


def _seconds(value: Any, default: float) -> float:
    try:
        return float(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        raise ApiError(400, "timeout must be a number of seconds") from None


def _https(url: str) -> bool:
    """An HTTPS URL with a host, as setWebhook and sendPhoto take."""
    parts = urlsplit(url)
    return parts.scheme == "https" and bool(parts.hostname)
