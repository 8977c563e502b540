"""One chat's updates one at a time, in arrival order, for the messenger adapters (both run
updates concurrently): replies to one person never overtake each other, and one person's flood
holds at most one worker while other chats go on; commands on threads of their own (`Lanes`)."""
from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
from collections.abc import AsyncIterator, Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from bot.db.engine import writes_first

T = TypeVar("T")


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


class Lanes:
    """The threads the core runs on, in two lanes: commands and button presses in one, everything
    else (questions, a dialog's typed answers) in the other. A flood of questions fills only its
    own lane — its threads mostly wait for the answer process — so an admin's /tonghop neither
    queues behind it for a thread, nor for the database (commands write first), nor shares the
    interpreter with more than a few of its threads."""

    def __init__(self, messages: int = 6, commands: int = 4) -> None:
        self._messages = ThreadPoolExecutor(messages, thread_name_prefix="core-messages")
        self._commands = ThreadPoolExecutor(commands, thread_name_prefix="core-commands")

    async def run(self, command: bool, call: Callable[..., T], *args: Any) -> T:
        """`call(*args)` on a thread of the commands' lane (`command`, whose database writes go
        first too) or the messages'."""
        lane = self._commands if command else self._messages
        context = contextvars.copy_context()  # as asyncio.to_thread does
        work = functools.partial(_first, call, *args) if command else functools.partial(call, *args)
        return await asyncio.get_running_loop().run_in_executor(lane, context.run, work)

    def shutdown(self) -> None:
        self._messages.shutdown(wait=False, cancel_futures=True)
        self._commands.shutdown(wait=False, cancel_futures=True)


def _first(call: Callable[..., T], *args: Any) -> T:
    with writes_first():
        return call(*args)
