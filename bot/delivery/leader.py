"""One delivery leader per messenger among every process sharing the database.

The messengers' limits (30 messages/s, 1/s per chat, 20/min per group for Telegram) are limits
of the bot, not of a process: two processes each keeping them would send twice as much. So only
one process sends a channel's outbox at a time; the others serve updates and enqueue, and take
over when the leader stops.

Why a lease row rather than the alternatives:

- A PostgreSQL advisory lock is released when the holder's connection dies, but the holder is not
  told at once: a leader whose connection was cut (a restarted server, a network hiccup) goes on
  sending until its next query fails, while another process already took the lock, and for a
  while both send. It exists only on PostgreSQL, and connection poolers in transaction mode break
  session locks.
- A token bucket in the database would cost a locked row update per message (and per chat and
  group), serialise every sender on that row, and compare the clocks of several machines; the
  per-process limiter (`limiter.py`), which counts windows from the messenger's answers, would
  have to be rebuilt in SQL.
- The lease is one row per channel (`bot.db.leases`): the leader increments its `beat` every
  third of `delivery.lease_s`. It knows, by its own monotonic clock, when its last renewal
  started, and starts no send once three quarters of the lease have passed since. Another process
  takes the lease only after it has seen the same beat for a whole `lease_s` by *its* clock, so by
  then the leader has stopped for a quarter of the lease; the take is a compare-and-set on the
  beat, so two contenders never both win. It compares no wall clocks, works the same on
  SQLite and PostgreSQL, and a leader that is alive but stuck (not only a dead one) is replaced.

Hand-over: a leader that stops cleanly gives the lease up and another process takes it at its
next look (every `poll_s`, at most a fifth of the lease). A holder that was a process of this
machine and is gone (killed) is replaced at the next look too, as `claims` does for rows; any other
holder after `lease_s` without a beat. The new leader first sends back its dead predecessor's rows,
counts the predecessor's sends of the last minute in its own per-chat and per-group windows (from
the outbox's `sent_at`, written by the predecessor's wall clock: machines sharing a database keep
their clocks synchronised), and waits one overall window, so no limit is exceeded across the
change.

What no lease can prevent: a process frozen for longer than the lease right between its last
check and the send (a suspended VM) sends that one message late.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.db.leases import LeaseState, LeaseStore
from bot.delivery.claims import _dead_here

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bot.config import Delivery

log = logging.getLogger(__name__)

RENEW_SHARE = 1 / 3  # the leader renews after this share of the lease
SEND_SHARE = 3 / 4  # and starts no send once this share has passed without a renewal
LOOK_SHARE = 1 / 5  # the others look at least this often (and every poll_s)


class Leadership:
    """Whether this process may send one channel's outbox now (`held`), kept by `ensure`."""

    def __init__(self, store: LeaseStore, name: str, holder: str, lease_s: float, look_every_s: float, *,
                 is_dead: Callable[[str], bool] = lambda holder: False,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.name = name
        self.holder = holder
        self.lease_s = lease_s
        self.look_every_s = min(look_every_s, lease_s * LOOK_SHARE)
        self.is_dead = is_dead
        self.clock = clock
        self.terms = 0  # how many times this process became the leader
        self._until: float | None = None  # no send starts after this (None: not the leader)
        self._renewed = 0.0  # when the last successful take or renewal started
        self._seen: LeaseState | None = None  # another holder's lease as last seen, and when
        self._seen_at = 0.0
        self._next = 0.0  # when `ensure` touches the database again
        self._lock = asyncio.Lock()

    def held(self) -> bool:
        """Whether a send may start now (no database access)."""
        return self._until is not None and self.clock() < self._until

    def step(self) -> bool:
        """Renew the lease (the leader) or look whether it may be taken (the others), once."""
        started = self.clock()
        if self._until is not None:
            if self.store.renew(self.name, self.holder):
                self._lead(started)
                return self.held()
            self._until = None
            log.warning("delivery: %s — tiến trình khác đã nhận việc gửi tin", self.name)
        state = self.store.state(self.name)
        looked = self.clock()
        if state is not None and state.holder is not None and not self.is_dead(state.holder):
            if state != self._seen:
                self._seen, self._seen_at = state, looked  # a beat: measure again from now
                return False
            if looked - self._seen_at < self.lease_s:
                return False
        if self.store.take(self.name, self.holder, state):
            self._lead(started)
            self.terms += 1
            log.info("delivery: tiến trình này gửi tin (%s, trước đó: %s)", self.name,
                     state.holder if state else "chưa ai")
        self._seen = None
        return self.held()

    def _lead(self, started: float) -> None:
        self._renewed = started
        self._until = started + self.lease_s * SEND_SHARE

    async def ensure(self) -> bool:
        """`step` when it is due (a renewal every third of the lease, a look every
        `look_every_s`), then `held`. A database error leaves the lease to run out by itself."""
        if self.clock() >= self._next:
            async with self._lock:
                if self.clock() >= self._next:
                    try:
                        await asyncio.to_thread(self.step)
                    except Exception:
                        log.exception("delivery: không gia hạn/kiểm tra được quyền gửi tin (%s)", self.name)
                    self._next = (self._renewed + self.lease_s * RENEW_SHARE if self.held()
                                  else self.clock() + self.look_every_s)
        return self.held()

    async def keep(self, stop: asyncio.Event) -> None:
        """Renew or look whenever due, until `stop` (so a long pause never costs the lease)."""
        while not stop.is_set():
            await self.ensure()
            try:
                await asyncio.wait_for(stop.wait(), max(self._next - self.clock(), 0.05))
            except TimeoutError:
                pass

    async def release(self) -> None:
        """Stop sending and give the lease up, so another process takes it at its next look."""
        if self._until is None:
            return
        self._until = None
        try:
            await asyncio.to_thread(self.store.release, self.name, self.holder)
        except Exception:  # it runs out by itself
            log.exception("delivery: không trả được quyền gửi tin (%s)", self.name)


def lease_name(channel: str) -> str:
    return f"delivery:{channel}"


def leadership(engine: Engine, channel: str, config: Delivery, holder: str) -> Leadership:
    """The lease on sending `channel`'s outbox, for the worker `holder` (a `claims.worker_id`)."""
    return Leadership(LeaseStore(engine), lease_name(channel), holder, config.lease_s, config.poll_s,
                      is_dead=lambda other: _dead_here(other, channel))
