"""The messengers' rate limits, kept here instead of waiting to be told off (see `bot.delivery`)."""
from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.core.messages import ZALO

if TYPE_CHECKING:
    from bot.config import Delivery

SLOT_MARGIN_S = 0.005  # added to every window: clocks and schedulers are never exact
# A row is claimed while the next grid slot is near (the database work overlaps the wait);
# across a longer pause it is not, so that no claim outlives its lease unsent.
LONG_WAIT_S = 0.25


# -- rate limits ------------------------------------------------------------------------------


@dataclass
class Slot:
    """A reservation to send one message to one chat; give it back with `release`."""

    chat_id: str
    is_group: bool


@dataclass
class _Chat:
    is_group: bool = False
    in_flight: bool = False
    ready_at: float = 0.0  # monotonic time from which the next send may start
    group_sends: deque[float] = field(default_factory=deque)


class RateLimiter:
    """One channel's limits, shared by the workers of a process.

    Overall: at most `capacity` sends start in any window, counted from the *answers* of earlier
    sends, and starts are spread on a 1/rate grid (a start made late by the database may be
    caught up). Per chat: the next send starts `chat_interval_s` after the previous one was
    answered. Per group: at most `group_per_minute` in any minute. `pause` holds one chat or
    everything (a 429)."""

    def __init__(self, per_second: float, chat_interval_s: float = 1.0, group_per_minute: int | None = None,
                 *, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_second = per_second
        self.capacity = max(1, int(per_second))
        self.window = self.capacity / per_second + SLOT_MARGIN_S
        self.spacing = 1.0 / per_second
        self.chat_interval = chat_interval_s + SLOT_MARGIN_S if chat_interval_s > 0 else 0.0
        self.group_per_minute = group_per_minute
        self.clock = clock
        self._answered: deque[float] = deque(maxlen=self.capacity)
        self._in_flight = 0
        self._next_start = 0.0  # the grid: when the next send may start
        self._paused_until = 0.0
        self._chats: dict[str, _Chat] = {}
        self._lock = asyncio.Lock()

    @classmethod
    def for_channel(cls, channel: str, config: Delivery) -> RateLimiter:
        """The configured limits of a channel (Zalo has no group limit of its own)."""
        if channel == ZALO.name:
            return cls(config.zalo_per_second, config.zalo_chat_interval_s)
        return cls(config.telegram_per_second, config.telegram_chat_interval_s, config.telegram_group_per_minute)

    # -- waiting ------------------------------------------------------------------------------

    def overall_wait(self, now: float | None = None) -> float:
        """Seconds before any send may start (a pause, the grid, the window)."""
        now = self.clock() if now is None else now
        wait = max(self._paused_until - now, self._next_start - now)
        recent = [t for t in self._answered if t > now - self.window]
        excess = self._in_flight + len(recent) - self.capacity + 1
        if excess > len(recent):  # every slot is in flight: check again shortly
            return max(wait, 0.01)
        if excess > 0:
            wait = max(wait, recent[excess - 1] + self.window - now)
        return wait

    def chat_wait(self, chat_id: str, is_group: bool, now: float | None = None) -> float:
        """Seconds before a send to this chat may start."""
        now = self.clock() if now is None else now
        chat = self._chats.get(chat_id)
        if chat is None:
            return 0.0
        if chat.in_flight:
            return 0.01
        wait = chat.ready_at - now
        if is_group and self.group_per_minute:
            minute = 60.0 + SLOT_MARGIN_S
            recent = [t for t in chat.group_sends if t > now - minute]
            if len(recent) >= self.group_per_minute:
                wait = max(wait, recent[len(recent) - self.group_per_minute] + minute - now)
        return wait

    def busy_chats(self, now: float | None = None) -> dict[str, float]:
        """Chats that may not be written to now, with the seconds until they may."""
        now = self.clock() if now is None else now
        busy: dict[str, float] = {}
        for chat_id, chat in list(self._chats.items()):
            while chat.group_sends and chat.group_sends[0] <= now - 60.0 - SLOT_MARGIN_S:
                chat.group_sends.popleft()
            wait = self.chat_wait(chat_id, chat.is_group, now)
            if wait > 0:
                busy[chat_id] = wait
            elif not chat.in_flight and not chat.group_sends:
                del self._chats[chat_id]  # nothing left to remember about it
        return busy

    async def wait_overall(self) -> None:
        """Until a send could start as far as the overall limit and pauses go."""
        while (wait := self.overall_wait()) > 0:
            await asyncio.sleep(wait)

    async def acquire(self, chat_id: str, is_group: bool = False) -> Slot:
        """Wait for every limit that applies, then reserve the send."""
        async with self._lock:
            while True:
                now = self.clock()
                wait = max(self.overall_wait(now), self.chat_wait(chat_id, is_group, now))
                if wait <= 0:
                    break
                await asyncio.sleep(wait)
            self._in_flight += 1
            # A late start may be caught up by up to two grid steps; the window still holds.
            self._next_start = max(self._next_start, now - 2 * self.spacing) + self.spacing
            chat = self._chats.setdefault(chat_id, _Chat())
            chat.in_flight, chat.is_group = True, is_group
        return Slot(chat_id, is_group)

    def release(self, slot: Slot) -> None:
        """The messenger answered (whatever it said): the windows count from now."""
        now = self.clock()
        self._in_flight -= 1
        self._answered.append(now)
        chat = self._chats.setdefault(slot.chat_id, _Chat())
        chat.in_flight = False
        chat.ready_at = max(chat.ready_at, now + self.chat_interval)
        if slot.is_group and self.group_per_minute:
            chat.group_sends.append(now)
            while chat.group_sends and chat.group_sends[0] <= now - 60.0 - SLOT_MARGIN_S:
                chat.group_sends.popleft()

    def cancel(self, slot: Slot) -> None:
        """Nothing was sent after all: give the slot back without counting a send."""
        self._in_flight -= 1
        chat = self._chats.get(slot.chat_id)
        if chat is not None:
            chat.in_flight = False

    def recall(self, sends: Iterable[tuple[str, bool, float]]) -> None:
        """Sends another process made (chat, is a group, seconds ago), counted in the per-chat
        and per-group windows as if they had been answered here."""
        now = self.clock()
        minute = 60.0 + SLOT_MARGIN_S
        for chat_id, is_group, ago in sends:
            answered = now - max(ago, 0.0)
            chat = self._chats.setdefault(chat_id, _Chat())
            chat.is_group = chat.is_group or is_group
            chat.ready_at = max(chat.ready_at, answered + self.chat_interval)
            if is_group and self.group_per_minute and answered > now - minute:
                chat.group_sends.append(answered)
        for chat in self._chats.values():
            chat.group_sends = deque(sorted(chat.group_sends))

    def pause(self, seconds: float, chat_id: str | None = None) -> None:
        """Hold one chat (or, without a chat, every send) for `seconds`."""
        until = self.clock() + seconds
        if chat_id is None:
            self._paused_until = max(self._paused_until, until)
        else:
            chat = self._chats.setdefault(chat_id, _Chat())
            chat.ready_at = max(chat.ready_at, until)
