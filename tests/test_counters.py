"""Counters shared through the database, on SQLite and PostgreSQL."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot.db.counters import Counters, window_left, window_start

T0 = datetime(2026, 3, 1, 1, 0, 30, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def test_hits_are_counted_per_key_and_window_without_losing_any(db_engine: Engine) -> None:
    counters = Counters(db_engine)
    with ThreadPoolExecutor(8) as pool:
        counts = sorted(pool.map(lambda _: counters.hit("msg:telegram:1", MINUTE, T0), range(24)))
    assert counts == list(range(1, 25))  # two workers never see the same count
    assert counters.hits("msg:telegram:1", MINUTE, T0 + timedelta(seconds=29)) == 24
    assert counters.hits("msg:telegram:2", MINUTE, T0) == 0
    assert counters.hit("msg:telegram:1", MINUTE, T0 + timedelta(seconds=30)) == 1  # the next minute


def test_old_windows_are_pruned(db_engine: Engine) -> None:
    counters = Counters(db_engine)
    counters.hit("a", MINUTE, T0)
    counters.hit("b", timedelta(hours=1), T0)
    assert counters.prune(T0 + timedelta(hours=2)) == 0
    counters.hit("c", MINUTE, T0 + timedelta(days=1, minutes=2))  # a new window clears the stale ones
    assert counters.hits("a", MINUTE, T0) == 0 and counters.hits("b", timedelta(hours=1), T0) == 0
    assert counters.prune(T0 + timedelta(days=3)) == 1


def test_windows_are_aligned() -> None:
    assert window_start(T0, MINUTE) == T0.replace(second=0)
    assert window_left(T0, timedelta(hours=1)) == timedelta(minutes=59, seconds=30)
    with pytest.raises(ValueError):
        window_start(T0, timedelta(days=2))
