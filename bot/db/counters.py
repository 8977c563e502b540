"""Counters in fixed time windows, kept in the database so that every worker of a bot counts
against the same limits (messages per person, failed registrations per person and in all).

A hit is one INSERT … ON CONFLICT DO UPDATE that returns the new count, so two workers counting
the same key at the same moment never lose a hit.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from bot.db.engine import Repository
from bot.db.models.base import utc_now
from bot.db.models.delivery import RateCounter

MAX_WINDOW = timedelta(days=1)  # rows older than this are of no window any more
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def window_start(now: datetime, window: timedelta) -> datetime:
    """The start of the fixed window of this length that contains `now`."""
    if not timedelta(0) < window <= MAX_WINDOW:
        raise ValueError(f"a counter window must be positive and at most {MAX_WINDOW}: {window}")
    return now - (now - _EPOCH) % window


def window_left(now: datetime, window: timedelta) -> timedelta:
    """Time until the window containing `now` ends (when its count starts again from 0)."""
    return window_start(now, window) + window - now


class Counters(Repository):
    """Hits per key and fixed window (a minute, an hour), shared through the database."""

    def hit(self, key: str, window: timedelta, now: datetime | None = None) -> int:
        """Count one hit; the key's hits in the current window, this one included. The first
        hit of a window also clears whatever is older than any window."""
        now = now or utc_now()
        start = window_start(now, window)
        table = RateCounter.__table__
        stmt = (self._insert(RateCounter).values(key=key[:160], window_start=start, hits=1)
                .on_conflict_do_update(index_elements=["key", "window_start"],
                                       set_={"hits": table.c.hits + 1})
                .returning(RateCounter.hits))
        with self._write() as session, session.begin():
            hits = int(session.execute(stmt).scalar_one())
            if hits == 1:
                session.execute(delete(RateCounter).where(RateCounter.window_start < now - MAX_WINDOW))
        return hits

    def hits(self, key: str, window: timedelta, now: datetime | None = None) -> int:
        """The key's hits in the current window, without counting one."""
        start = window_start(now or utc_now(), window)
        with self._read() as session:
            found = session.scalar(select(RateCounter.hits).where(RateCounter.key == key[:160],
                                                                     RateCounter.window_start == start))
        return int(found or 0)

    def prune(self, now: datetime | None = None) -> int:
        """Delete the rows of windows long over; how many."""
        cutoff = (now or utc_now()) - MAX_WINDOW
        with self._write() as session, session.begin():
            return int(session.execute(delete(RateCounter).where(RateCounter.window_start < cutoff))
                       .rowcount or 0)
