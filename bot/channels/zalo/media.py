"""Images the bot sends on Zalo, served from the bot's own public address.

sendPhoto takes `photo`, a link that Zalo downloads (bot.zaloplatforms.com/docs, «sendPhoto»:
«Đường dẫn hình ảnh sẽ được gửi»); nothing documents `data:` URLs, and the Bot API has no upload.
In webhook mode the bot already has a public HTTPS address, so an image (the /tonghop chart)
is published under it at an unguessable path that expires; without one (polling) there is no
link to give, and the adapter sends a pointer to the export instead.
"""
from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

MEDIA_TTL_S = 3600.0  # Zalo downloads at once; an hour covers its retries and a slow client
MAX_ITEMS = 64        # images kept at once; the oldest go first
EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg"}
MEDIA_SEGMENT = "media"


@dataclass(frozen=True)
class _Item:
    content: bytes
    mime: str
    expires_at: float


class MediaHost:
    """Published images by unguessable name, each until `ttl_s` has passed."""

    def __init__(self, public_base: str, ttl_s: float = MEDIA_TTL_S, *,
                 clock: Callable[[], float] = time.monotonic, max_items: int = MAX_ITEMS) -> None:
        self.public_base = public_base.rstrip("/")
        self.ttl_s = ttl_s
        self.clock = clock
        self.max_items = max_items
        self._items: dict[str, _Item] = {}

    def publish(self, content: bytes, mime: str) -> str:
        """The public link of a new copy of the image."""
        self._forget_expired()
        while len(self._items) >= self.max_items:
            del self._items[next(iter(self._items))]
        name = secrets.token_urlsafe(32) + EXTENSIONS.get(mime, "")
        self._items[name] = _Item(content, mime, self.clock() + self.ttl_s)
        return f"{self.public_base}/{name}"

    def get(self, name: str) -> _Item | None:
        self._forget_expired()
        return self._items.get(name)

    def _forget_expired(self) -> None:
        now = self.clock()
        for name in [n for n, item in self._items.items() if item.expires_at <= now]:
            del self._items[name]

    async def serve(self, request: web.Request) -> web.Response:
        """GET <public base>/<name>: the image, or 404 once it expired (or never was)."""
        item = self.get(request.match_info["name"])
        if item is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=item.content, content_type=item.mime,
                            headers={"Cache-Control": "no-store"})


def media_base(webhook_url: str) -> str:
    """Where images live: under the webhook's own path, which the reverse proxy already forwards
    to the bot (https://bot.example.vn/zalo → https://bot.example.vn/zalo/media)."""
    return f"{webhook_url.rstrip('/')}/{MEDIA_SEGMENT}"
