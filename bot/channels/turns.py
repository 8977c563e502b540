"""One chat's updates one at a time, in arrival order, for the messenger adapters (both run
updates concurrently): replies to one person never overtake each other, and one person's flood
holds at most one worker while other chats go on."""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Hashable


class ChatQueue:
    def __init__(self) -> None:
        # chat -> (its lock, how many updates hold or wait for it); dropped when none do.
        self._chats: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def turn(self, chat_id: Hashable) -> AsyncIterator[None]:
        lock, users = self._chats.get(chat_id, (asyncio.Lock(), 0))
        self._chats[chat_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._chats[chat_id]
            if users <= 1:
                del self._chats[chat_id]
            else:
                self._chats[chat_id] = (lock, users - 1)
