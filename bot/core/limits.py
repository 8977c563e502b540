"""How much one person may ask of the bot, and how many questions it answers at once.

Per person and minute: every message and button press, commands, and (stricter) questions,
counted in the database so that every worker of a bot applies the same limits. Beyond a limit
the first refusal of the minute says how long to wait; later ones in that minute cost one
counter update and no reply. Questions (search, three writes, maybe a paid model call) also
take one of a fixed number of slots per process; with none free the asker is told the bot is
busy at once, so a flood of questions never queues up in front of everyone else.
"""
from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.db.counters import window_left

if TYPE_CHECKING:
    from bot.db.counters import Counters

MINUTE = timedelta(minutes=1)


class Kind(StrEnum):
    MESSAGE = "msg"    # anything addressed to the bot: text, command, button press
    COMMAND = "cmd"
    QUESTION = "ask"
    BUSY = "busy"      # questions turned away because every slot was taken (said once a minute)


@dataclass(frozen=True)
class Limited:
    """A refusal: the seconds until the person's minute is over, and whether this is the first
    refusal of that minute (the one worth a reply)."""

    seconds: int
    first: bool


class RateLimit:
    """Per-person limits per minute, shared by every worker through the database.

    Once a person is over a limit this worker remembers it until their minute is over: a count
    only grows within its minute, so the rest of a flood is turned away without touching the
    database (and without being counted: the person is refused either way)."""

    MAX_REMEMBERED = 10_000

    def __init__(self, counters: "Counters", *, messages: int = 30, commands: int = 20, questions: int = 6) -> None:
        self.counters = counters
        self.per_minute = {Kind.MESSAGE: messages, Kind.COMMAND: commands, Kind.QUESTION: questions, Kind.BUSY: 0}
        self._over: dict[tuple[str, Kind], datetime] = {}  # (who, kind) -> end of their minute
        self._lock = threading.Lock()

    def check(self, who: str, kind: Kind, now: datetime) -> Limited | None:
        """Count this one; None while within the limit, else the refusal."""
        seconds = max(1, math.ceil(window_left(now, MINUTE).total_seconds()))
        if self._over.get((who, kind), now) > now:
            return Limited(seconds, first=False)
        hits = self.counters.hit(f"{kind.value}:{who}", MINUTE, now)
        limit = self.per_minute[kind]
        if hits <= limit:
            return None
        self._remember(who, kind, now + window_left(now, MINUTE))
        return Limited(seconds, hits == limit + 1)

    def _remember(self, who: str, kind: Kind, until: datetime) -> None:
        with self._lock:
            if len(self._over) >= self.MAX_REMEMBERED:
                now = until - MINUTE
                self._over = {key: end for key, end in self._over.items() if end > now}
            self._over[(who, kind)] = until


class Slots:
    """At most `size` questions answered at once in this process; taking a slot never waits."""

    def __init__(self, size: int) -> None:
        self._free = threading.BoundedSemaphore(size)

    @contextmanager
    def taken(self) -> Iterator[bool]:
        """Yields whether a slot was free (and holds it until the block ends)."""
        got = self._free.acquire(blocking=False)
        try:
            yield got
        finally:
            if got:
                self._free.release()
