"""Several processes sharing one database keep the messenger's limits together: one delivery
leader per messenger, replaced when it dies, that counts its predecessor's sends."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import Engine, select
from telegram import Bot

from bot.config import load_settings
from bot.db.engine import connect
from bot.db.leases import LeaseState, LeaseStore
from bot.db.models.delivery import OutboxMessage
from bot.db.outbox import Outbox
from bot.db.outbox_rows import NewMessage
from bot.delivery.claims import _dead_here, worker_id
from bot.delivery.leader import Leadership, lease_name
from bot.delivery.worker import DeliveryWorker
from bot.channels.telegram.sender import TelegramSender
from tests.conftest import ROOT, _postgres_schema_url
from tests.fakes.telegram_server import FakeTelegram, RateLimits

LEASE_S = 5  # the shortest lease the configuration allows


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL schema of its own (skipped without a server, a failure under CI=true)."""
    yield from _postgres_schema_url()


# -- three `python -m bot deliver` processes ----------------------------------------------------


@dataclass
class Run:
    """What the fake Bot API and the outbox saw of one run of delivery processes."""

    processes: int
    messages: int
    per_second: float
    wall_s: float = 0.0
    sending_s: float = 0.0  # first to last accepted send
    handover_s: float | None = None  # the kill to the next accepted send
    violations: list[str] = field(default_factory=list)
    throttled: int = 0  # the fake's 429s
    duplicates: list[tuple[int, str]] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    in_doubt: set[str] = field(default_factory=set)  # texts of rows claimed more than once
    sender_pids: set[int] = field(default_factory=set)  # processes that claimed the rows
    pids: list[int] = field(default_factory=list)
    killed_pid: int | None = None  # the leader stopped midway (killed, or frozen and later resumed)
    returncodes: list[int | None] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Messages per second while sending (the hand-over gap included)."""
        return (self.messages - 1) / self.sending_s if self.sending_s else 0.0

    def summary(self) -> str:
        handover = "—" if self.handover_s is None else f"{self.handover_s:.2f} s"
        return (f"{self.processes} tiến trình, {self.messages} tin: {self.rate:.1f} tin/s "
                f"(giới hạn {self.per_second:g}/s), toàn bộ {self.wall_s:.1f} s, chuyển giao {handover}, "
                f"429: {self.throttled}, trùng: {len(self.duplicates)}, mất: {len(self.lost)}")


def world(chats: int, per_chat: int, groups: int, per_group: int) -> list[NewMessage]:
    """`per_chat` messages to each private chat and `per_group` to each group, interleaved as
    a reminder run and a few broadcasts would queue them."""
    private = [NewMessage(f"w:p:{r}:{c}", "telegram", str(30_000 + c), f"Tin {r} tới {c}")
               for r in range(per_chat) for c in range(chats)]
    grouped = [NewMessage(f"w:g:{r}:{g}", "telegram", str(-40_000 - g), f"Nhóm {r} tới {g}", is_group=True)
               for r in range(per_group) for g in range(groups)]
    step = max(1, len(private) // max(1, len(grouped)))
    rows: list[NewMessage] = []
    for i, message in enumerate(private):
        rows.append(message)
        if i % step == step - 1 and grouped:
            rows.append(grouped.pop(0))
    return rows + grouped


async def _resume_after_successor(tg: FakeTelegram, engine: Engine, frozen: asyncio.subprocess.Process,
                                  timeout: float) -> None:
    """Let the frozen leader go on once another process holds the lease and has sent 100 more."""
    store = LeaseStore(engine)
    deadline = time.monotonic() + timeout
    while holder_pid((store.state(lease_name("telegram")) or LeaseState(None, 0)).holder) in (frozen.pid, None):
        if time.monotonic() > deadline:
            raise AssertionError("nobody took over from the frozen leader")
        await asyncio.sleep(0.1)
    sent = len(tg.send_times())
    await tg.wait_until(lambda: len(tg.send_times()) >= sent + 100, timeout, "100 sends by the successor")
    frozen.send_signal(signal.SIGCONT)


def holder_pid(holder: str | None) -> int | None:
    parts = (holder or "").split(":")
    return int(parts[3]) if len(parts) == 5 and parts[3].isdigit() else None


async def run_workers(database_url: str, store: Path, *, processes: int = 3, per_second: float = 30,
                      kill_after: int | None = None, stop_signal: int = signal.SIGKILL, chats: int = 900,
                      per_chat: int = 3, groups: int = 15, per_group: int = 20, in_flight: int | None = None,
                      timeout: float = 300.0) -> Run:
    """Queue the messages, start `processes` × `python -m bot deliver --until-empty` against a
    fake Bot API enforcing the same limits, stop the delivery leader after `kill_after` accepted
    sends with `stop_signal` (SIGSTOP: frozen, resumed once its successor has sent for a while),
    and wait for the processes to finish."""
    engine = connect(database_url)
    outbox = Outbox(engine)
    killed_at = 0.0
    rows = world(chats, per_chat, groups, per_group)
    assert outbox.enqueue(rows) == len(rows)
    limits = RateLimits(overall_per_second=int(per_second), per_chat_per_second=1, per_group_per_minute=20)
    run = Run(processes, len(rows), per_second)
    async with FakeTelegram(limits=limits) as tg:
        for c in range(chats):
            tg.register_chat(30_000 + c)
        for g in range(groups):
            tg.register_chat(-40_000 - g, "group")
        env = {**os.environ, "DATABASE_URL": database_url, "TELEGRAM_BOT_TOKEN": tg.token,
               "TELEGRAM_BASE_URL": tg.base_url, "PTB_TIMEDELTA": "true",
               "ASSISTANT__DELIVERY__TELEGRAM_PER_SECOND": str(per_second),
               "ASSISTANT__DELIVERY__LEASE_S": str(LEASE_S), "ASSISTANT__DELIVERY__POLL_S": "0.5",
               "ASSISTANT__PATHS__STORE": str(store)}
        env.pop("ZALO_BOT_TOKEN", None)
        if in_flight is not None:
            env["ASSISTANT__DELIVERY__IN_FLIGHT"] = str(in_flight)
        started = time.monotonic()
        procs = [await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "deliver", "--until-empty", cwd=ROOT, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE) for _ in range(processes)]
        run.pids = [p.pid for p in procs]
        errors = [asyncio.create_task(p.stderr.read()) for p in procs]  # type: ignore[union-attr]
        try:
            if kill_after is not None:
                await tg.wait_until(lambda: len(tg.send_times()) >= kill_after, timeout, f"{kill_after} sends")
                state = LeaseStore(engine).state(lease_name("telegram"))
                leader = next(p for p in procs if p.pid == holder_pid(state.holder if state else None))
                leader.send_signal(stop_signal)
                killed_at = time.monotonic()
                run.killed_pid = leader.pid
                if stop_signal == signal.SIGSTOP:
                    await _resume_after_successor(tg, engine, leader, timeout)
            await asyncio.wait_for(asyncio.gather(*(p.wait() for p in procs)), timeout)
        finally:
            for p in procs:
                if p.returncode is None:
                    p.kill()  # a stopped process too
                    await p.wait()
        run.wall_s = time.monotonic() - started
        run.returncodes = [p.returncode for p in procs]
        for p, err in zip(procs, errors):
            text = (await err).decode(errors="replace")
            if p.returncode != 0 and not (p.pid == run.killed_pid and stop_signal == signal.SIGKILL):
                raise AssertionError(f"deliver {p.pid} ended with {p.returncode}:\n{text[-3000:]}")
        accepted = [c for c in tg.calls_of("sendMessage") if c.ok]
        times = tg.send_times()
        run.sending_s = max(times) - min(times) if times else 0.0
        run.violations = tg.rate_report().violations(limits)
        run.throttled = len([c for c in tg.calls if c.status == 429])
        received = Counter((chat, sent.text or "") for chat, messages in tg.messages.items() for sent in messages)
        run.duplicates = sorted(key for key, n in received.items() if n > 1)
        texts = {text for _, text in received}
        run.lost = [r.text for r in rows if r.text not in texts]
    with engine.connect() as connection:
        rows_state = connection.execute(select(OutboxMessage.text, OutboxMessage.attempts,
                                               OutboxMessage.claimed_by)).all()
    run.in_doubt = {text for text, attempts, _ in rows_state if attempts > 1}
    run.sender_pids = {pid for _, _, by in rows_state if (pid := holder_pid(by)) is not None}
    if run.killed_pid is not None:
        # The successor's first send: a message the killed process had in flight may still
        # reach the server after the kill; the rows say who sent each message last.
        sent_by = {text: holder_pid(by) for text, _, by in rows_state}
        last = {str(c.params.get("text")): c.time for c in accepted}
        after = [t for text, t in last.items() if t > killed_at and sent_by.get(text) != run.killed_pid]
        run.handover_s = min(after) - killed_at if after else None
    run.counts = Outbox(engine).counts()
    engine.dispose()
    return run


async def test_three_deliver_processes_keep_the_limits_together_and_replace_a_killed_leader(
        postgres_url: str, tmp_path: Path) -> None:
    """3,000 messages (900 private chats × 3, 15 groups × 20) at Telegram's limits (30/s,
    1/s per chat, 20/min per group: three processes each keeping them alone drew hundreds of
    429s), three `deliver` processes on one PostgreSQL database, the sending one SIGKILLed
    after 1,000 sends: the fake's overall, per-chat and per-group checks stay clean (not one
    429), every message arrives, and once, except those the killed process had in flight
    (`delivery.in_flight`; it cannot have recorded whether they went through), and another
    process takes over within the lease."""
    in_flight = load_settings(environ={}).delivery.in_flight
    run = await run_workers(postgres_url, tmp_path / "store", processes=3, kill_after=1000)
    print("\n" + run.summary())
    assert run.violations == [] and run.throttled == 0
    assert run.lost == []
    assert run.counts == {"pending": 0, "sending": 0, "sent": 3000, "failed": 0}
    assert len(run.in_doubt) <= in_flight and {text for _, text in run.duplicates} <= run.in_doubt
    assert run.handover_s is not None and run.handover_s < LEASE_S
    # One process sent at a time: the killed leader, then one successor; the third only waited.
    assert run.killed_pid in run.sender_pids and len(run.sender_pids) == 2
    assert run.sender_pids < set(run.pids)


async def test_a_leader_with_several_messages_in_flight_keeps_every_limit(
        db_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """`in_flight` 4: four sending loops claim at once, often rows of one chat, and still no chat
    gets two messages within a second, the overall limit holds, and each message goes once."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    outbox = Outbox(db_engine)
    outbox.enqueue([NewMessage(f"f:{i}", "telegram", str(500 + i % 20), f"Tin {i}") for i in range(80)])
    settings = load_settings(environ={}, delivery__telegram_per_second=40, delivery__in_flight=4)
    limits = RateLimits(overall_per_second=40)
    async with FakeTelegram(limits=limits) as tg:
        for chat in range(500, 520):
            tg.register_chat(chat)
        bot = Bot(tg.token, base_url=tg.base_url)
        await bot.initialize()
        try:
            worker = DeliveryWorker(outbox, TelegramSender(bot), None, settings, None, worker_id("telegram"),
                                    lead=True)
            while outbox.unsettled():
                await worker.run_once()
            await worker.step_down()
        finally:
            await bot.shutdown()
        assert not [c for c in tg.calls if c.status == 429]
        assert tg.rate_report().violations(limits) == []
        received = Counter(m.text for messages in tg.messages.values() for m in messages)
    assert received == Counter(f"Tin {i}" for i in range(80))
    assert outbox.counts() == {"pending": 0, "sending": 0, "sent": 80, "failed": 0}


# -- the lease itself, on a clock the test moves -------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.at = 1000.0

    def __call__(self) -> float:
        return self.at


def test_the_lease_passes_only_after_a_whole_lease_without_a_beat(db_engine: Engine) -> None:
    """The leader stops sending before anyone may take over; a follower takes over only after
    it has seen the same beat for the whole lease by its own clock; the old leader then finds
    out at its next renewal. Two contenders for the same lease: one wins."""
    store, clock = LeaseStore(db_engine), Clock()
    a = Leadership(store, "delivery:telegram", "telegram:a", 60, 2, clock=clock)
    b = Leadership(store, "delivery:telegram", "telegram:b", 60, 2, clock=clock)
    assert a.step() and a.held()  # nobody held it
    assert not b.step()
    clock.at += 20
    assert a.step()  # a beat
    assert not b.step()  # b measures again from this beat
    clock.at += 44.9  # a's renewals fail from now on (say, its database connection is cut)
    assert a.held()
    clock.at += 0.2
    assert not a.held()  # 3/4 of the lease without a renewal: a starts no send
    assert not b.step()  # but b saw the beat only 45.1 s ago
    clock.at += 14.8
    assert not b.step()
    clock.at += 0.2
    assert b.step() and b.held()  # 60 s without a beat
    assert (a.terms, b.terms) == (1, 1)
    assert not a.step() and not a.held()  # a's renewal fails: b holds it
    state = store.state("delivery:telegram")
    assert state is not None and state.holder == "telegram:b"
    assert store.take("delivery:telegram", "telegram:c", state)  # two contenders saw the same beat
    assert not store.take("delivery:telegram", "telegram:d", state)


async def test_a_lease_given_up_or_held_by_a_dead_process_is_taken_at_once(db_engine: Engine) -> None:
    store, clock = LeaseStore(db_engine), Clock()
    a = Leadership(store, "delivery:zalo", "zalo:a", 60, 2, clock=clock)
    b = Leadership(store, "delivery:zalo", "zalo:b", 60, 2, clock=clock)
    assert a.step() and not b.step()
    await a.release()
    assert not a.held() and b.step()  # at b's next look, not after the lease
    # A holder that was a process of this machine, now gone.
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    host, namespace = worker_id("zalo").split(":")[1:3]
    gone = f"zalo:{host}:{namespace}:{int(child.stdout)}:00000000"
    state = store.state("delivery:zalo")
    assert store.take("delivery:zalo", gone, state)
    c = Leadership(store, "delivery:zalo", worker_id("zalo"), 60, 2, clock=clock,
                   is_dead=lambda holder: _dead_here(holder, "zalo"))
    assert c.step()
    assert store.state("delivery:zalo") == LeaseState(worker_id("zalo"), state.beat + 2)  # type: ignore[union-attr]


# -- a new leader counts what its predecessor sent -----------------------------------------------


@pytest_asyncio.fixture
async def fake_and_bot(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[FakeTelegram, Bot]]:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    async with FakeTelegram(limits=RateLimits(per_group_per_minute=2)) as tg:
        bot = Bot(tg.token, base_url=tg.base_url)
        await bot.initialize()
        try:
            yield tg, bot
        finally:
            await bot.shutdown()


async def test_a_new_leader_keeps_the_group_limit_its_predecessor_used_up(
        db_engine: Engine, fake_and_bot: tuple[FakeTelegram, Bot]) -> None:
    """Two messages a minute to a group: the first leader sends two and steps down; the next one
    sends the third only after the minute, and a process that does not lead sends nothing."""
    tg, bot = fake_and_bot
    tg.register_chat(-700, "group")
    outbox = Outbox(db_engine)
    outbox.enqueue([NewMessage(f"g:{i}", "telegram", "-700", f"Nhóm {i}", is_group=True) for i in range(3)])
    settings = load_settings(environ={}, delivery__telegram_group_per_minute=2)

    def worker(name: str) -> DeliveryWorker:
        return DeliveryWorker(Outbox(db_engine), TelegramSender(bot), None, settings, None, f"telegram:{name}",
                              lead=True)

    first, second, third = worker("a"), worker("b"), worker("c")
    assert (await first.run_once()).sent == 2  # the third waits for the minute
    assert not await third.lead()  # first holds the lease
    await first.step_down()
    assert await second.lead() and not await third.lead()
    assert (await third.run_once()).sent == 0
    assert (await second.run_once()).sent == 0  # the group's minute is not over
    assert [s.text for s in tg.messages_to(-700)] == ["Nhóm 0", "Nhóm 1"]
    assert not [c for c in tg.calls if c.status == 429]
    assert outbox.counts() == {"pending": 1, "sending": 0, "sent": 2, "failed": 0}
