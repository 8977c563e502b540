"""Delivery over the Zalo Bot Platform: numbered choices instead of buttons, errors as typed outcomes."""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from bot.core.messages import ZALO
from bot.core.replies import numbered
from bot.delivery.errors import (Blocked, Buttons, ChatNotFound, DeliveryError, PermanentError, RetryAfter,
                                 TransientError)

if TYPE_CHECKING:
    from bot.db.chats import ChatStore


class ZaloSender:
    """A `bot.channels.zalo.ZaloClient`; give it `retries=0` (the worker retries, and knows
    when a retry could send twice). Zalo has no buttons: they become numbered choices in the
    text, remembered for the chat so that a typed «1» works like a press."""

    channel = ZALO.name
    max_text = ZALO.max_text

    def __init__(self, client: Any, chats: ChatStore | None = None) -> None:
        self.client = client
        self.chats = chats

    async def send(self, chat_id: str, text: str, buttons: Buttons) -> None:
        from bot.channels.zalo.client import ZaloError

        if buttons:
            text = numbered(text, buttons)
            if self.chats is not None:
                choices = tuple(b.data for row in buttons for b in row)
                await asyncio.to_thread(self.chats.remember, self.channel, chat_id, choices=choices)
        try:
            await self.client.send_message(chat_id, text)
        except ZaloError as exc:
            raise zalo_outcome(exc) from None


def zalo_outcome(exc: Any) -> DeliveryError:
    """A ZaloError as a delivery outcome (the platform's exact wordings are not published)."""
    description, code = str(exc.description), int(exc.code)
    lowered = description.lower()
    if code == 429:
        return RetryAfter(exc.retry_after or 1.0, description)
    if code == 0 or code >= 500 or code == 408:
        return TransientError(description)
    if code == 403 or "block" in lowered:
        return Blocked(description)
    if "not found" in lowered or "không tồn tại" in lowered:
        return ChatNotFound(description)
    return PermanentError(description)
