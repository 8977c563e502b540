"""Delivery over the Zalo Bot Platform: numbered choices instead of buttons, errors as typed outcomes.

The outcomes follow the platform's error table («Bảng mã lỗi», bot.zaloplatforms.com/docs):
403 is Zalo's own internal error and 404 a request it could not route, so both are retried
later (the worker backs off more each time, up to `delivery.max_attempts`); 429 is «Quota
exceeded» with no `retry_after`, so this sender backs off exponentially, within a bound, for as
long as the quota keeps refusing. No error code means "the user blocked the bot", so nothing
here marks a recipient unreachable.
"""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from bot.core.messages import ZALO
from bot.core.replies import numbered
from bot.delivery.errors import Buttons, DeliveryError, PermanentError, RetryAfter, TransientError

if TYPE_CHECKING:
    from bot.db.chats import ChatStore

QUOTA_FIRST_WAIT_S = 1.0
QUOTA_MAX_WAIT_S = 600.0
TRANSIENT_CODES = (0, 403, 404, 408)


class QuotaBackoff:
    """Waits after «Quota exceeded»: doubling from `first_s` up to `max_s` while the refusals
    go on, back to `first_s` after a send goes through."""

    def __init__(self, first_s: float = QUOTA_FIRST_WAIT_S, max_s: float = QUOTA_MAX_WAIT_S) -> None:
        self.first_s = first_s
        self.max_s = max_s
        self.strikes = 0

    def refused(self) -> float:
        """Seconds to wait after one more refusal."""
        wait = min(self.first_s * 2 ** self.strikes, self.max_s)
        self.strikes += 1
        return wait

    def accepted(self) -> None:
        self.strikes = 0


class ZaloSender:
    """A `bot.channels.zalo.ZaloClient`; give it `retries=0` (the worker retries, and knows
    when a retry could send twice). Zalo has no buttons: they become numbered choices in the
    text, remembered for the chat so that a typed «1» works like a press."""

    channel = ZALO.name
    max_text = ZALO.max_text

    def __init__(self, client: Any, chats: ChatStore | None = None, quota: QuotaBackoff | None = None) -> None:
        self.client = client
        self.chats = chats
        self.quota = quota or QuotaBackoff()

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
            raise zalo_outcome(exc, self.quota) from None
        self.quota.accepted()


def zalo_outcome(exc: Any, quota: QuotaBackoff | None = None) -> DeliveryError:
    """A ZaloError as a delivery outcome, by the documented error codes."""
    description, code = str(exc.description), int(exc.code)
    if code == 429:
        wait = exc.retry_after or (quota or QuotaBackoff()).refused()
        return RetryAfter(wait, description)
    if code in TRANSIENT_CODES or code >= 500:
        return TransientError(description)
    return PermanentError(description)
