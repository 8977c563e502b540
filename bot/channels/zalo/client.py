"""The Zalo Bot Platform's HTTP API: one method per call, errors as `ZaloError`, the token never logged.

Documented at bot.zaloplatforms.com/docs (mirrored in public clients): every call is
`https://bot-api.zaloplatforms.com/bot<TOKEN>/<method>` («Định dạng URL»); the error table
(«Bảng mã lỗi») lists 400 bad request, 401 bad or expired token, 403 *internal server error*,
404 not found, 408 request timeout and 429 *quota exceeded*, without any `retry_after`.
"""
from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

import httpx

from bot.core.messages import ZALO

log = logging.getLogger(__name__)

# The documented host; the older bot-api.zapps.me was seen answering 404 to getUpdates.
DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com/bot"
POLL_TIMEOUT = 30.0      # seconds Zalo holds an idle getUpdates open
REQUEST_TIMEOUT = 15.0   # any other call


class ZaloError(Exception):
    """A Zalo API call failed: the platform's description and code (0 for network failures)."""

    def __init__(self, method: str, description: str, code: int = 0,
                 retry_after: float | None = None) -> None:
        super().__init__(f"{method}: {description}" + (f" (mã {code})" if code else ""))
        self.method = method
        self.description = description
        self.code = code
        self.retry_after = retry_after  # seconds Zalo asks to wait, when it says so


class ZaloConfigError(Exception):
    """The Zalo channel cannot start as configured; the message is for the operator."""


class ZaloClient:
    """The Bot API over one httpx.AsyncClient; retries transient failures with bounded backoff.

    The request URL contains the token, so nothing here logs a URL: method names only, and the
    `httpx`/`httpcore` loggers (which print URLs) are held at WARNING.
    """

    def __init__(self, token: str, base_url: str | None = None, *, retries: int = 3,
                 backoff: float = 0.5, max_backoff: float = 10.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        for name in ("httpx", "httpcore"):
            logging.getLogger(name).setLevel(logging.WARNING)
        self._token = token
        self._base = (base_url or os.environ.get("ZALO_BASE_URL") or DEFAULT_BASE_URL)
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._http = httpx.AsyncClient(timeout=REQUEST_TIMEOUT, transport=transport)

    @property
    def base_url(self) -> str:
        """The API base without the token (safe to show)."""
        return self._base

    async def __aenter__(self) -> ZaloClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- methods ---------------------------------------------------------------------------

    async def get_me(self) -> dict[str, Any]:
        return await self.call("getMe")

    async def get_updates(self, timeout: float = POLL_TIMEOUT) -> dict[str, Any] | None:
        """One update, or None when the long poll ended idle: code 408, whether as HTTP 408 or as
        HTTP 200 with `ok: false` (public clients have seen both)."""
        try:
            # The HTTP timeout outlives the poll, so an idle poll ends with Zalo's 408.
            return await self.call("getUpdates", {"timeout": f"{timeout:g}"},
                                   http_timeout=timeout + 10)
        except ZaloError as error:
            if error.code == 408:
                return None
            raise

    async def send_message(self, chat_id: str, text: str) -> dict[str, Any]:
        return await self.call("sendMessage", {"chat_id": chat_id, "text": text})

    async def send_photo(self, chat_id: str, photo: str, caption: str | None = None) -> dict[str, Any]:
        params = {"chat_id": chat_id, "photo": photo}
        if caption:
            params["caption"] = caption[:ZALO.max_text]
        return await self.call("sendPhoto", params)

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def set_webhook(self, url: str, secret_token: str) -> dict[str, Any]:
        return await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> dict[str, Any]:
        return await self.call("deleteWebhook")

    async def get_webhook_info(self) -> dict[str, Any]:
        """`{"url", "updated_at"}`; an empty url means no webhook is set."""
        return await self.call("getWebhookInfo") or {}

    async def download(self, url: str, max_bytes: int) -> tuple[bytes, str]:
        """The file behind a link Zalo handed out (a user's image), at most `max_bytes`, and the
        content type its server declared. Raises AttachmentError."""
        from urllib.parse import urlsplit

        from bot.services.attachments import AttachmentError

        if urlsplit(url).scheme not in ("http", "https"):
            raise AttachmentError("không phải đường dẫn web")
        try:
            async with self._http.stream("GET", url, follow_redirects=True) as response:
                if response.status_code != 200:
                    raise AttachmentError(f"máy chủ trả mã {response.status_code} (đường dẫn có thể đã hết hạn)")
                content = bytearray()
                async for chunk in response.aiter_bytes():
                    content += chunk
                    if len(content) > max_bytes:
                        raise AttachmentError(f"lớn hơn {max_bytes} byte")
                return bytes(content), response.headers.get("content-type", "")
        except httpx.HTTPError as error:
            raise AttachmentError(type(error).__name__) from None

    # -- transport --------------------------------------------------------------------------

    async def call(self, method: str, params: dict[str, Any] | None = None, *,
                   http_timeout: float | None = None) -> Any:
        """The method's `result`; network failures, 429 and 5xx are retried, then raised."""
        attempt = 0
        while True:
            try:
                return await self._once(method, params or {}, http_timeout)
            except ZaloError as error:
                if not _transient(error) or attempt >= self.retries:
                    raise
                delay = min(error.retry_after or self.backoff * 2 ** attempt, self.max_backoff)
                log.warning("zalo %s thất bại (%s), thử lại sau %.1f s", method, error.description, delay)
                attempt += 1
                await asyncio.sleep(delay)

    async def _once(self, method: str, params: dict[str, Any], http_timeout: float | None) -> Any:
        url = f"{self._base}{self._token}/{method}"
        timeout = httpx.Timeout(http_timeout) if http_timeout else httpx.USE_CLIENT_DEFAULT
        try:
            response = await self._http.post(url, json=params, timeout=timeout)
        except httpx.HTTPError as error:
            # `from None`: the chained error may quote the URL, hence the token.
            raise ZaloError(method, self._scrub(f"{type(error).__name__}: {error}")) from None
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        if response.status_code == 200 and body.get("ok", False):
            return body.get("result")
        code = int(body.get("error_code") or response.status_code)
        description = str(body.get("description") or response.reason_phrase or "lỗi không rõ")
        parameters = body.get("parameters") if isinstance(body.get("parameters"), dict) else {}
        retry_after = parameters.get("retry_after")
        raise ZaloError(method, self._scrub(description), code,
                        float(retry_after) if isinstance(retry_after, (int, float)) else None)

    def _scrub(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text


def _transient(error: ZaloError) -> bool:
    """Worth another try: no answer at all, the quota (429), or the platform's own failure,
    which Zalo documents as 403 («Internal server error») besides any 5xx."""
    return error.code in (0, 403, 429) or error.code >= 500
