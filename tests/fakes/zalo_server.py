"""A fake Zalo Bot Platform API on 127.0.0.1 (DESIGN §5, checked against public clients).

Wire format as the public docs and clients show it: `POST {base}{token}/{method}` with a JSON
body (GET and form bodies are accepted too); every answer is the envelope
`{"ok": true, "result": ...}` or `{"ok": false, "error_code": N, "description": "..."}` with
HTTP status N. getUpdates takes `timeout` (seconds, a string or a number, default 30), has no
offset and returns ONE update as `result` (not a list); an idle poll ends with HTTP 408
`{"ok": false, "error_code": 408, "description": "Request timeout"}`, which clients treat as
"poll again". Each update is handed out once, so a client never sees it twice unless the
platform redelivers (`send_text(..., times=2)` simulates that). Webhook posts carry the same
envelope as body and the secret in `X-Bot-Api-Secret-Token`. Ids are strings; `date` is in
milliseconds.

    async with FakeZalo() as zalo:                         # or the `zalo_fake` fixture
        await zalo.send_text("u1", "hạn nộp báo cáo?", display_name="Lan")
        [reply] = await zalo.wait_for_messages("u1", 1)
        zalo.inject_error("sendMessage", 429, "Quota exceeded")
"""
from __future__ import annotations

import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from tests.fakes import ApiError, FakeBotApi, Params, UploadedFile, post_json

MAX_TEXT = 2000
DEFAULT_POLL_SECONDS = 30.0
SECRET_HEADER = "X-Bot-Api-Secret-Token"
CHAT_ACTIONS = frozenset({"typing", "upload_photo"})
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


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


class FakeZalo(FakeBotApi):
    """A Zalo Bot Platform fake with a simulated user side; see the module docstring."""

    def __init__(self, token: str = "1459232241454765289:TEST-zalo-token", *,
                 account_name: str = "bot.test", poll_cap: float | None = None) -> None:
        super().__init__(token)
        self.bot_id = token.split(":")[0]
        self.account_name = account_name
        self.poll_cap = poll_cap  # caps a client's long-poll timeout, to keep tests short
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

    async def send_update(self, update: Params, times: int = 1) -> Params:
        """Queue an update for getUpdates, or push it to the webhook when one is set."""
        for _ in range(times):
            if self.webhook:
                headers = {SECRET_HEADER: self.webhook["secret_token"]}
                payload = {"ok": True, "result": update}
                await self._deliver(self.webhook["url"], update, payload, headers)
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

    def block_chat(self, chat_id: str, status: int = 403,
                   description: str = "User has blocked the bot or left the chat") -> None:
        """Every call for this chat fails from now on (the exact Zalo wording is unknown)."""
        self.inject_error(None, status, description, times=None, chat_id=chat_id)

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

    async def api_setWebhook(self, params: Params, files: dict[str, UploadedFile]) -> Params:
        url, secret = str(params.get("url") or ""), params.get("secret_token")
        if not _webhook_url_ok(url):
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
        if caption is not None and not 1 <= len(str(caption)) <= MAX_TEXT:
            raise ApiError(400, f"caption must be 1 to {MAX_TEXT} characters")
        return self._keep(chat_id, "photo", params, photo=photo, caption=caption)

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


def _webhook_url_ok(url: str) -> bool:
    """HTTPS as the platform requires; plain HTTP only to loopback, for tests."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    return parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
