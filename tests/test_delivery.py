"""The delivery engine end to end: outbox rows sent through the fake messengers at their limits,
surviving a kill, shared by two workers, reported once."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import Engine, event, func, insert, select
from telegram import Bot

from bot.services.broadcasts import plan_broadcast
from bot.channels.telegram.adapter import build_application
from bot.channels.zalo.adapter import ZaloClient
from bot.config import load_settings
from bot.db.broadcast_reports import BroadcastReport
from bot.db.chats import ChatStore
from bot.db.engine import connect
from bot.db.models.base import utc_now
from bot.db.models.delivery import Broadcast, OutboxMessage
from bot.db.models.people import AuditEntry, Identity, Official, Unit
from bot.db.outbox import Outbox
from bot.db.outbox_rows import NewMessage
from bot.db.people import PeopleStore
from bot.channels.background import Background
from bot.channels.telegram.sender import TelegramSender
from bot.channels.zalo.sender import ZaloSender
from bot.delivery.claims import _dead_here, worker_id
from bot.delivery.errors import (ACCOUNT_GONE, BLOCKED, CHAT_NOT_FOUND, NEVER_STARTED, Blocked, ChatNotFound,
                                 PermanentError, failure_reason)
from bot.delivery.limiter import RateLimiter
from bot.delivery.worker import DeliveryWorker, report_text
from bot.core.messages import Button
from tests.conftest import ROOT
from tests.fakes.fixtures import running_ptb, telegram_fake  # noqa: F401
from tests.fakes.telegram_server import CANT_INITIATE, DEACTIVATED, FakeTelegram, RateLimits
from tests.fakes.zalo_server import FakeZalo

ADMIN_CHAT = 999


def seed_officials(engine: Engine, chats: list[tuple[str, str]]) -> dict[str, int]:
    """One active official per (channel, chat id), all in unit U1; chat id → official id."""
    with engine.begin() as connection:
        unit_id = connection.execute(insert(Unit).values(code="U1", name="Đơn vị 1")
                                     .returning(Unit.id)).scalar_one()
        ids = connection.execute(insert(Official).returning(Official.id, sort_by_parameter_order=True),
                                 [{"name": f"Cán bộ {chat}", "unit_id": unit_id, "role": "reporter",
                                   "active": True} for _, chat in chats]).scalars().all()
        connection.execute(insert(Identity), [{"channel": channel, "user_id": chat, "official_id": oid,
                                               "chat_id": chat} for (channel, chat), oid in zip(chats, ids)])
    return {chat: oid for (_, chat), oid in zip(chats, ids)}


def delivery_settings(**delivery: object):  # type: ignore[no-untyped-def]
    return load_settings(environ={}, **{f"delivery__{k}": v for k, v in delivery.items()})


def texts_by_chat(tg: FakeTelegram) -> Counter[int]:
    return Counter({chat: len(sent) for chat, sent in tg.messages.items()})


@pytest_asyncio.fixture
async def bot_for(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator:  # type: ignore[type-arg]
    """A factory of initialised PTB Bots pointed at a fake, shut down after the test."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    bots: list[Bot] = []

    async def make(fake: FakeTelegram) -> Bot:
        bot = Bot(fake.token, base_url=fake.base_url)
        await bot.initialize()
        bots.append(bot)
        return bot

    yield make
    for bot in bots:
        await bot.shutdown()


async def drain(worker: DeliveryWorker, outbox: Outbox, timeout: float = 60.0) -> None:
    """Run the worker until nothing is left to send (reports included)."""
    async def loop() -> None:
        while True:
            await worker.run_once()
            if not outbox.unsettled() and not outbox.unreported_finished_broadcasts():
                return
    await asyncio.wait_for(loop(), timeout)


# -- a large broadcast with faults ---------------------------------------------------------------


async def test_broadcast_to_2000_with_429s_and_failures(  # type: ignore[no-untyped-def]
        db_engine: Engine, database_url: str, bot_for) -> None:
    """SQLite: one worker, 2,000 recipients. PostgreSQL: two workers (own connections, one
    process-wide limiter) share the outbox; 1,000 recipients keep the test short (every commit
    waits for the disk there). No message goes out twice."""
    limits = RateLimits(overall_per_second=200, per_chat_per_second=1, per_group_per_minute=20)
    postgres = db_engine.dialect.name == "postgresql"
    total = 1000 if postgres else 2000
    chats = [str(10_000 + i) for i in range(total)]
    blocked, unknown = set(chats[::40]), set(chats[5::40])  # 50 + 50: 5 % fail
    people = PeopleStore(db_engine)
    official_of = seed_officials(db_engine, [("telegram", c) for c in chats])
    outbox = Outbox(db_engine)
    async with FakeTelegram(limits=limits) as tg:
        for chat in chats:
            if chat not in unknown:
                tg.register_chat(int(chat))
        tg.register_chat(ADMIN_CHAT)
        for chat in blocked:
            tg.block_chat(int(chat))
        throttled = chats[100::400]
        for chat in throttled:
            tg.inject_retry_after("sendMessage", retry_after=0.2, chat_id=int(chat))
        broadcast_id, planned = plan_broadcast(outbox, people, "Họp giao ban lúc 8 giờ.", "all",
                                               report_to=("telegram", str(ADMIN_CHAT)))
        assert planned == total
        sender, limiter = TelegramSender(await bot_for(tg)), RateLimiter(200, 1.0, 20)
        engines = [db_engine] + ([connect(database_url)] if postgres else [])
        workers = [DeliveryWorker(Outbox(e), sender, limiter, delivery_settings(), PeopleStore(e), f"w{i}")
                   for i, e in enumerate(engines)]
        await asyncio.gather(*(drain(w, w.outbox) for w in workers))

        received = texts_by_chat(tg)
        delivered = [c for c in chats if c not in blocked and c not in unknown]
        assert all(received[int(c)] == 1 for c in delivered)
        assert not any(received[int(c)] for c in blocked | unknown)
        assert tg.rate_report().violations(limits) == []
        # The only 429s are the injected ones: the engine never hit the server's limits.
        assert len([c for c in tg.calls_of("sendMessage") if c.status == 429]) == len(throttled)
        [report] = tg.messages_to(ADMIN_CHAT)
        failed = len(blocked) + len(unknown)
        assert failed == total // 20  # 5 %
        assert report.text == (f"Thông báo #{broadcast_id}: đã gửi {total - failed}, lỗi {failed} "
                               f"(chặn bot: {len(blocked)}, không tìm thấy chat: {len(unknown)}), còn chờ 0")
    assert outbox.counts(broadcast_id) == {"pending": 0, "sending": 0, "sent": total - failed, "failed": failed}
    active = {o.official_id: o.active for o in people.officials()}
    assert not any(active[official_of[c]] for c in blocked)
    assert all(active[official_of[c]] for c in unknown)
    assert not outbox.unreported_finished_broadcasts()  # reported once, never again
    with db_engine.connect() as connection:
        by_worker = Counter(connection.scalars(select(OutboxMessage.claimed_by)
                                               .where(OutboxMessage.broadcast_id == broadcast_id)))
    assert min(by_worker[w.worker_id] for w in workers) > total // 10  # each worker did its share
    for engine in engines[1:]:
        engine.dispose()


async def test_real_telegram_limits_hold_for_repeated_chats_and_groups(  # type: ignore[no-untyped-def]
        tmp_path: Path, bot_for) -> None:
    """30/s overall, 1/s per chat: 70 messages, several per chat, one group, buttons kept."""
    engine = connect(f"sqlite:///{tmp_path / 'a.db'}")
    outbox = Outbox(engine)
    rows = [NewMessage(f"m:{i}", "telegram", str(100 + i % 40), f"Tin {i}") for i in range(66)]
    rows += [NewMessage(f"g:{i}", "telegram", "-500", f"Nhóm {i}", is_group=True) for i in range(3)]
    rows.append(NewMessage("b:1", "telegram", "100", "Báo cáo tiến độ?",
                           buttons=((Button("Hoàn thành", "rp:start:k1"),),)))
    outbox.enqueue(rows)
    async with FakeTelegram(limits=RateLimits()) as tg:
        for chat in range(100, 140):
            tg.register_chat(chat)
        tg.register_chat(-500, "group")
        worker = DeliveryWorker(outbox, TelegramSender(await bot_for(tg)), None, delivery_settings(), None)
        started = asyncio.get_running_loop().time()
        await drain(worker, outbox)
        elapsed = asyncio.get_running_loop().time() - started
        assert sum(texts_by_chat(tg).values()) == 70
        assert not [c for c in tg.calls if c.status == 429]
        assert tg.rate_report().violations() == []
        assert [m.text for m in tg.messages_to(100)] == ["Tin 0", "Tin 40", "Báo cáo tiến độ?"]
        assert tg.messages_to(100)[-1].buttons == [{"text": "Hoàn thành", "callback_data": "rp:start:k1"}]
        # 70 messages at 30/s, but chat 100 gets three one second apart: at least two seconds.
        assert 2.0 <= elapsed < 6.0
    engine.dispose()


def test_rate_limiter_keeps_group_and_overall_windows() -> None:
    """With a fake clock: never more than 20 per minute in a group, nor N in any second."""
    clock = [0.0]
    limiter = RateLimiter(5, 1.0, 20, clock=lambda: clock[0])
    starts: list[float] = []
    for _ in range(25):
        clock[0] += max(limiter.overall_wait(), limiter.chat_wait("-1", True), 0.0)
        slot = asyncio.run(limiter.acquire("-1", True))
        starts.append(clock[0])
        clock[0] += 0.01  # the messenger answers
        limiter.release(slot)
    assert all(b - a >= 1.0 for a, b in zip(starts, starts[1:]))  # one per second per chat
    assert starts[20] - starts[0] >= 60.0  # the 21st waits for the minute to pass
    overall = RateLimiter(5, 0.0, clock=lambda: clock[0])
    times: list[float] = []
    for i in range(12):
        clock[0] += max(overall.overall_wait(), 0.0)
        slot = asyncio.run(overall.acquire(str(i)))
        times.append(clock[0])
        clock[0] += 0.001
        overall.release(slot)
    assert all(times[i + 5] - times[i] >= 1.0 for i in range(len(times) - 5))


# -- a crash and a restart -----------------------------------------------------------------------


async def run_deliver(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "deliver", "--until-empty", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def test_killed_sender_resumes_without_double_sending(database_url: str, tmp_path: Path) -> None:
    engine = connect(database_url)
    chats = [str(20_000 + i) for i in range(150)]
    seed_officials(engine, [("telegram", c) for c in chats])
    broadcast_id, _ = plan_broadcast(Outbox(engine), PeopleStore(engine), "Thông báo khẩn.", "all")
    async with FakeTelegram(limits=RateLimits(overall_per_second=100)) as tg:
        for chat in chats:
            tg.register_chat(int(chat))
        env = {**os.environ, "DATABASE_URL": database_url, "TELEGRAM_BOT_TOKEN": tg.token,
               "TELEGRAM_BASE_URL": tg.base_url, "ASSISTANT__DELIVERY__TELEGRAM_PER_SECOND": "100",
               "ASSISTANT__DELIVERY__LEASE_S": "5", "ASSISTANT__PATHS__STORE": str(tmp_path / "store")}
        env.pop("ZALO_BOT_TOKEN", None)
        first = await run_deliver(env)
        # Kill it the moment a send arrives: that message is in flight.
        await tg.wait_until(lambda: len(tg.calls_of("sendMessage")) >= 60, 20, "60 sends")
        first.send_signal(signal.SIGKILL)
        await first.wait()
        killed_at = len(tg.calls_of("sendMessage"))
        assert killed_at < len(chats)
        second = await run_deliver(env)
        out, err = await asyncio.wait_for(second.communicate(), 40)
        assert second.returncode == 0, err.decode()
        received = texts_by_chat(tg)
        assert set(received) == {int(c) for c in chats}  # nobody lost
        assert sum(received.values()) - len(chats) <= 1  # at most the one in flight, twice
        assert tg.rate_report().violations(RateLimits(overall_per_second=100)) == []
    assert Outbox(engine).counts(broadcast_id)["sent"] == len(chats)
    engine.dispose()


# -- Zalo ----------------------------------------------------------------------------------------


async def test_zalo_numbers_buttons_and_remembers_the_choices(db_engine: Engine) -> None:
    official_of = seed_officials(db_engine, [("zalo", "z1"), ("zalo", "z2"), ("zalo", "z3")])
    outbox, chats, people = Outbox(db_engine), ChatStore(db_engine), PeopleStore(db_engine)
    outbox.enqueue([
        NewMessage("r:1", "zalo", "z1", "Sắp đến hạn báo cáo quý.",
                   buttons=((Button("Báo cáo ngay", "rp:start:k1"), Button("Nhắc sau", "nn:later:k1")),)),
        NewMessage("r:2", "zalo", "z2", "Xin chào."),
        NewMessage("r:3", "zalo", "z3", "Xin chào."),
    ])
    async with FakeZalo() as zalo, ZaloClient(zalo.token, zalo.base_url, retries=0) as client:
        zalo.fail_chat("z3", 400, "Bad request")
        zalo.inject_error("sendMessage", 429, "Too Many Requests", chat_id="z2",
                          parameters={"retry_after": 0.2})
        worker = DeliveryWorker(outbox, ZaloSender(client, chats), None, delivery_settings(), people)
        await drain(worker, outbox)
        [first] = zalo.messages_to("z1")
        assert first.text == ("Sắp đến hạn báo cáo quý.\n\n1. Báo cáo ngay\n2. Nhắc sau\n"
                              "Trả lời bằng số thứ tự của lựa chọn.")
        assert [s.text for s in zalo.messages_to("z2")] == ["Xin chào."]
        assert zalo.messages_to("z3") == []
    assert chats.state("zalo", "z1").choices == ("rp:start:k1", "nn:later:k1")
    assert outbox.counts() == {"pending": 0, "sending": 0, "sent": 2, "failed": 1}
    assert {o.official_id: o.active for o in people.officials()}[official_of["z3"]] is True


def row_state(engine: Engine, chat_id: str) -> tuple[str, int, str | None]:
    with engine.connect() as connection:
        status, attempts, error = connection.execute(
            select(OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.error)
            .where(OutboxMessage.chat_id == chat_id)).one()
    return status, attempts, error


async def test_zalo_403_and_404_are_retried_with_growing_waits_and_nobody_is_deactivated(db_engine: Engine) -> None:
    """Zalo documents 403 as its internal error and 404 as a request it could not route; no code
    says "blocked". Both are retried later, each wait longer than the last, and give up after
    `max_attempts` without marking anyone unreachable."""
    official_of = seed_officials(db_engine, [("zalo", "z403"), ("zalo", "z404")])
    outbox, people = Outbox(db_engine), PeopleStore(db_engine)
    outbox.enqueue([NewMessage("a", "zalo", "z403", "Một."), NewMessage("b", "zalo", "z404", "Hai.")])
    clock = [utc_now()]
    async with FakeZalo() as zalo, ZaloClient(zalo.token, zalo.base_url, retries=0) as client:
        zalo.fail_chat("z403", 403, "Internal server error")
        zalo.fail_chat("z404", 404, "Not found")
        worker = DeliveryWorker(outbox, ZaloSender(client), RateLimiter(10, 0.0), delivery_settings(max_attempts=4),
                                people, backoff_s=10, max_backoff_s=25, now=lambda: clock[0])
        waits: list[float] = []
        while outbox.unsettled():
            await worker.run_once()
            due = outbox.seconds_until_due("zalo", clock[0])
            if due is not None and due > 0:
                waits.append(round(due))
                clock[0] += timedelta(seconds=due)
        assert len([c for c in zalo.calls_of("sendMessage") if c.params["chat_id"] == "z403"]) == 4
    assert waits == [10, 20, 25]  # doubling, capped
    for chat in ("z403", "z404"):
        status, attempts, error = row_state(db_engine, chat)
        assert (status, attempts) == ("failed", 4)
        assert (error or "").startswith("lỗi tạm thời sau 4 lần thử")
    active = {o.official_id: o.active for o in people.officials()}
    assert active[official_of["z403"]] and active[official_of["z404"]]


class _QuotaClient:
    """A Zalo client whose sendMessage answers «Quota exceeded» (no retry_after) `refusals` times."""

    def __init__(self, refusals: int) -> None:
        self.refusals = refusals
        self.sent: list[str] = []

    async def send_message(self, chat_id: str, text: str) -> None:
        from bot.channels.zalo.client import ZaloError

        if self.refusals:
            self.refusals -= 1
            raise ZaloError("sendMessage", "Quota exceeded", 429)
        self.sent.append(text)


async def test_zalo_quota_refusals_back_off_exponentially_within_a_bound() -> None:
    from bot.channels.zalo.sender import QuotaBackoff
    from bot.delivery.errors import RetryAfter

    sender = ZaloSender(_QuotaClient(refusals=8), quota=QuotaBackoff(first_s=1, max_s=60))
    waits = []
    for _ in range(8):
        with pytest.raises(RetryAfter) as refused:
            await sender.send("z1", "Xin chào.", ())
        waits.append(refused.value.seconds)
    await sender.send("z1", "Xin chào.", ())
    sender.client.refusals = 1
    with pytest.raises(RetryAfter) as again:
        await sender.send("z1", "Lần nữa.", ())

    assert waits == [1, 2, 4, 8, 16, 32, 60, 60]
    assert again.value.seconds == 1  # a send went through in between: start over


# -- command line --------------------------------------------------------------------------------


async def test_cli_broadcast_sends_reports_and_leaves_tokenless_channels_pending(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    engine = connect(url)
    seed_officials(engine, [("telegram", "41"), ("telegram", "42"), ("zalo", "z9")])
    text = tmp_path / "tb.txt"
    text.write_text("Đề nghị các đơn vị nộp báo cáo trước thứ Sáu.", encoding="utf-8")
    async with FakeTelegram() as tg:
        tg.register_chat(41)
        env = {**os.environ, "DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": tg.token,
               "TELEGRAM_BASE_URL": tg.base_url, "ASSISTANT__PATHS__STORE": str(tmp_path / "store")}
        env.pop("ZALO_BOT_TOKEN", None)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "broadcast", "--text", str(text), "--to", "U1", cwd=ROOT, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(process.communicate(), 30)
        assert process.returncode == 0, err.decode()
        printed = out.decode()
        assert [s.text for s in tg.messages_to(41)] == ["Đề nghị các đơn vị nộp báo cáo trước thứ Sáu."]
    assert "Đã lập thông báo #1 cho 3 người nhận." in printed
    assert "Kênh zalo chưa có ZALO_BOT_TOKEN: 1 tin" in printed
    assert "Thông báo #1: đã gửi 1, lỗi 1 (không tìm thấy chat: 1), còn chờ 1" in printed
    engine.dispose()


def test_report_text_lists_reasons() -> None:
    report = BroadcastReport(7, "announcement", 120, {BLOCKED: 3, CHAT_NOT_FOUND: 1}, 2)
    assert report_text(report) == ("Thông báo #7: đã gửi 120, lỗi 4 (chặn bot: 3, không tìm thấy chat: 1), "
                                   "còn chờ 2")


# -- running beside the bots ---------------------------------------------------------------------


class _Planner:
    """Stands in for bot.reminders.ReminderPlanner: each tick plans one reminder, once."""

    def __init__(self, outbox: Outbox, channel: str, chat_id: str) -> None:
        self.outbox, self.channel, self.chat_id = outbox, channel, chat_id
        self.ticks = 0

    def tick(self, now) -> int:  # type: ignore[no-untyped-def]
        self.ticks += 1
        reminder = NewMessage("rem:k1", self.channel, self.chat_id, "Còn 3 ngày đến hạn báo cáo.")
        return self.outbox.enqueue([reminder])


class _Core:
    def handle(self, msg):  # type: ignore[no-untyped-def]
        return []

    def menu(self):  # type: ignore[no-untyped-def]
        return []

    def seen(self, channel, update_key):  # type: ignore[no-untyped-def]
        return False


async def test_telegram_bot_delivers_and_plans_reminders_on_its_job_queue(db_engine: Engine,
                                                                           telegram_fake: FakeTelegram) -> None:
    outbox = Outbox(db_engine)
    outbox.enqueue([NewMessage("bc:1", "telegram", "61", "Thông báo họp."),
                    NewMessage("z:1", "zalo", "z1", "Kênh khác: không gửi ở đây.")])
    telegram_fake.register_chat(61)
    telegram_fake.register_chat(62)
    planner = _Planner(outbox, "telegram", "62")
    settings = delivery_settings(poll_s=0.2)
    background = Background(outbox, PeopleStore(db_engine), ChatStore(db_engine), settings, planner)
    application = build_application(_Core(), telegram_fake.token, telegram_fake.base_url, background=background)
    async with running_ptb(application):
        await telegram_fake.wait_for_messages(61, 1, timeout=5)
        [reminder] = await telegram_fake.wait_for_messages(62, 1, timeout=5)
    assert reminder.text == "Còn 3 ngày đến hạn báo cáo."
    assert outbox.counts() == {"pending": 1, "sending": 0, "sent": 2, "failed": 0}  # Zalo's row waits
    assert planner.ticks >= 1


async def test_zalo_bot_delivers_beside_polling(db_engine: Engine) -> None:
    outbox = Outbox(db_engine)
    outbox.enqueue([NewMessage("bc:1", "zalo", "z7", "Thông báo họp.")])
    background = Background(outbox, PeopleStore(db_engine), ChatStore(db_engine), delivery_settings(poll_s=0.2))
    stop = asyncio.Event()
    async with FakeZalo() as zalo:
        task = asyncio.create_task(background.run_zalo(zalo.token, stop, zalo.base_url))
        [sent] = await zalo.wait_for_messages("z7", 1, timeout=5)
        stop.set()
        await asyncio.wait_for(task, 5)
    assert sent.text == "Thông báo họp."
    assert outbox.counts()["sent"] == 1


async def test_transient_failures_are_retried_then_reported_as_failed(tmp_path: Path, bot_for) -> None:  # type: ignore[no-untyped-def]
    engine = connect(f"sqlite:///{tmp_path / 'a.db'}")
    outbox = Outbox(engine)
    outbox.enqueue([NewMessage("a", "telegram", "71", "Một."), NewMessage("b", "telegram", "72", "Hai.")])
    async with FakeTelegram() as tg:
        tg.register_chat(71)
        tg.register_chat(72)
        tg.inject_error("sendMessage", 502, "Bad Gateway", chat_id=71, times=2)  # then it recovers
        tg.inject_error("sendMessage", 502, "Bad Gateway", chat_id=72, times=None)  # never does
        worker = DeliveryWorker(outbox, TelegramSender(await bot_for(tg)), None, delivery_settings(max_attempts=3),
                                None, backoff_s=0.05)
        await drain(worker, outbox, timeout=20)
        assert [s.text for s in tg.messages_to(71)] == ["Một."]
        assert len([c for c in tg.calls_of("sendMessage") if str(c.params.get("chat_id")) == "72"]) == 3
    with engine.connect() as connection:
        status, error = connection.execute(select(OutboxMessage.status, OutboxMessage.error)
                                           .where(OutboxMessage.chat_id == "72")).one()
    assert (status, error) == ("failed", "lỗi tạm thời sau 3 lần thử — Bad Gateway")
    engine.dispose()


# -- review fixes: one transaction, owned outcomes, resumable parts, per-chat hold ----------------


def test_broadcast_and_its_rows_are_written_together(db_engine: Engine,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash while queueing leaves no broadcast behind (it would be reported «đã gửi 0»)."""
    seed_officials(db_engine, [("telegram", "31"), ("zalo", "z31")])
    outbox, people = Outbox(db_engine), PeopleStore(db_engine)

    def crash(*args: object) -> int:
        raise RuntimeError("crash while queueing")

    monkeypatch.setattr(Outbox, "_enqueue", crash)
    with pytest.raises(RuntimeError):
        plan_broadcast(outbox, people, "Họp.", "all")
    monkeypatch.undo()
    with db_engine.connect() as connection:
        assert connection.scalar(select(Broadcast.id)) is None
    assert outbox.unreported_finished_broadcasts() == []
    broadcast_id, planned = plan_broadcast(outbox, people, "Họp.", "all")
    assert planned == 2 and outbox.counts(broadcast_id)["pending"] == 2
    with db_engine.connect() as connection:
        keys = set(connection.scalars(select(OutboxMessage.dedupe_key)))
    assert keys == {f"bc:{broadcast_id}:{o.official_id}" for o in people.officials()}
    # A broadcast from the command line is audited too.
    [(_, who, channel, action, detail)] = people.audit_log()
    assert (who, channel, action) == (None, "cli", "broadcast")
    assert detail == f"thông báo #{broadcast_id} tới all: 2 người"


def test_a_worker_whose_lease_ran_out_cannot_overwrite_the_new_claim(db_engine: Engine) -> None:
    outbox = Outbox(db_engine)
    outbox.enqueue([NewMessage("a", "telegram", "1", "Một.")])
    start = utc_now()
    [first] = outbox.claim("w1", "telegram", now=start, lease=timedelta(seconds=5))
    [second] = outbox.claim("w2", "telegram", now=start + timedelta(seconds=6), lease=timedelta(seconds=5))
    assert first.id == second.id
    assert not outbox.mark_failed(first.id, "chặn bot", "w1")
    assert not outbox.retry_later(first.id, start, "w1")
    assert not outbox.parts_sent(first.id, 1, "w1")
    assert not outbox.mark_sent(first.id, "w1")
    assert outbox.claimants("telegram") == ["w2"]  # still w2's, untouched
    assert outbox.claim("w1", "telegram", now=start + timedelta(seconds=7), sent=first.id,
                        lease=timedelta(seconds=5)) == []
    assert outbox.counts()["sending"] == 1
    assert outbox.mark_sent(second.id, "w2")
    assert outbox.counts()["sent"] == 1


def test_a_claim_holds_back_the_rest_of_its_chat_for_other_workers(db_engine: Engine) -> None:
    outbox = Outbox(db_engine)
    outbox.enqueue([NewMessage("a1", "zalo", "z1", "Một."), NewMessage("a2", "zalo", "z1", "Hai."),
                    NewMessage("b1", "zalo", "z2", "Ba.")])
    now = utc_now()
    [first] = outbox.claim("w1", "zalo", now=now, chat_interval=timedelta(seconds=1))
    assert first.chat_id == "z1"
    # Another worker at once: not the same chat, even though its row is due and the oldest.
    [other] = outbox.claim("w2", "zalo", now=now + timedelta(milliseconds=10), chat_interval=timedelta(seconds=1))
    assert other.chat_id == "z2"
    assert outbox.claim("w2", "zalo", now=now + timedelta(milliseconds=900)) == []
    [later] = outbox.claim("w2", "zalo", now=now + timedelta(seconds=1.01))
    assert (later.chat_id, later.text) == ("z1", "Hai.")


class _InjectAfterFirst:
    """A sender that makes the fake answer 429 to the second call it forwards."""

    def __init__(self, inner: ZaloSender, fake: FakeZalo, chat_id: str) -> None:
        self.inner, self.fake, self.chat_id = inner, fake, chat_id
        self.channel, self.max_text = inner.channel, inner.max_text
        self.calls = 0

    async def send(self, chat_id: str, text: str, buttons) -> None:  # type: ignore[no-untyped-def]
        self.calls += 1
        await self.inner.send(chat_id, text, buttons)
        if self.calls == 1:
            self.fake.inject_error("sendMessage", 429, "Too Many Requests", chat_id=self.chat_id,
                                   parameters={"retry_after": 0.2})


async def test_a_long_message_resumes_at_the_part_that_failed(db_engine: Engine) -> None:
    """A 4,096-character announcement on Zalo goes out in three parts; a 429 on the second
    does not send the first again."""
    text = "\n".join(f"Dòng {i:04d}: nội dung thông báo dài của văn phòng." for i in range(100))[:4096]
    outbox = Outbox(db_engine)
    outbox.enqueue([NewMessage("long", "zalo", "z5", text)])
    async with FakeZalo() as zalo, ZaloClient(zalo.token, zalo.base_url, retries=0) as client:
        sender = _InjectAfterFirst(ZaloSender(client), zalo, "z5")
        worker = DeliveryWorker(outbox, sender, RateLimiter(10, 0.0), delivery_settings(), None)
        await drain(worker, outbox, timeout=20)
        parts = [s.text for s in zalo.messages_to("z5")]
        assert len([c for c in zalo.calls_of("sendMessage") if c.status == 429]) == 1
    assert len(parts) == 3 and len(set(parts)) == 3  # each part once
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")
    assert outbox.counts() == {"pending": 0, "sending": 0, "sent": 1, "failed": 0}


async def test_a_429_inside_the_application_is_handled_by_the_worker(db_engine: Engine,
                                                                     telegram_fake: FakeTelegram) -> None:
    """The job queue's sender has no retrying rate limiter: a 429 puts the row back to pending
    at once (no claim held while waiting), and the message goes out exactly once."""
    outbox = Outbox(db_engine)
    outbox.enqueue([NewMessage("bc:1", "telegram", "61", "Thông báo họp.")])
    telegram_fake.register_chat(61)
    telegram_fake.inject_retry_after("sendMessage", retry_after=1.5, chat_id=61)
    background = Background(outbox, None, None, delivery_settings(poll_s=0.2))
    application = build_application(_Core(), telegram_fake.token, telegram_fake.base_url, background=background)

    def row() -> tuple[str, str | None]:
        with db_engine.connect() as connection:
            status, error = connection.execute(select(OutboxMessage.status, OutboxMessage.error)).one()
            return status, error

    async with running_ptb(application):
        await telegram_fake.wait_until(lambda: any(c.status == 429 for c in telegram_fake.calls), 5, "a 429")
        await telegram_fake.wait_until(lambda: row()[0] == "pending", 1.0, "the row back to pending")
        assert "retry in" in (row()[1] or "").lower()
        [sent] = await telegram_fake.wait_for_messages(61, 1, timeout=5)
        await telegram_fake.wait_until(lambda: row()[0] == "sent", 2, "the row sent")
    assert sent.text == "Thông báo họp."
    assert len(telegram_fake.messages_to(61)) == 1
    assert len(telegram_fake.calls_of("sendMessage")) == 2  # the 429 and the one that went through


# -- Telegram's other refusals, and one person on two messengers ---------------------------------


async def test_telegram_403_variants_are_blocks_with_their_own_reasons(
        db_engine: Engine, bot_for) -> None:  # type: ignore[no-untyped-def]
    assert failure_reason(Blocked("Forbidden: bot can't initiate conversation with a user")) == NEVER_STARTED
    official_of = seed_officials(db_engine, [("telegram", "81"), ("telegram", "82"), ("telegram", "83")])
    outbox, people = Outbox(db_engine), PeopleStore(db_engine)
    async with FakeTelegram() as tg:
        for chat in (81, 82, 83, ADMIN_CHAT):
            tg.register_chat(chat)
        tg.block_chat(81, *CANT_INITIATE)
        tg.block_chat(82, *DEACTIVATED)
        broadcast_id, _ = plan_broadcast(outbox, people, "Họp giao ban.", "all",
                                         report_to=("telegram", str(ADMIN_CHAT)))
        worker = DeliveryWorker(outbox, TelegramSender(await bot_for(tg)), None, delivery_settings(), people)
        await drain(worker, outbox)
        [report] = tg.messages_to(ADMIN_CHAT)
    assert report.text == (f"Thông báo #{broadcast_id}: đã gửi 1, lỗi 2 ({NEVER_STARTED}: 1, {ACCOUNT_GONE}: 1), "
                           "còn chờ 0")
    assert [r.official_id for r in people.recipients()] == [official_of["83"]]  # like a block


async def test_a_group_upgraded_to_a_supergroup_gets_its_message_once_at_the_new_id(
        db_engine: Engine, bot_for) -> None:  # type: ignore[no-untyped-def]
    outbox = Outbox(db_engine)
    outbox.enqueue([NewMessage("g:1", "telegram", "-33", "Họp lúc 8 giờ.", is_group=True),
                    NewMessage("g:2", "telegram", "-33", "Mang theo báo cáo.", is_group=True)])
    async with FakeTelegram() as tg:
        tg.register_chat(-33, "group")
        tg.migrate_chat(-33, -1000033)
        worker = DeliveryWorker(outbox, TelegramSender(await bot_for(tg)), RateLimiter(30, 0.0, 20),
                                delivery_settings(), PeopleStore(db_engine))
        await drain(worker, outbox)
        old = [c for c in tg.calls_of("sendMessage") if c.params["chat_id"] == -33]
        assert [m.text for m in tg.messages_to(-1000033)] == ["Họp lúc 8 giờ.", "Mang theo báo cáo."]
    assert [c.status for c in old] == [400]  # the second row already knew the new id
    assert outbox.counts() == {"pending": 0, "sending": 0, "sent": 2, "failed": 0}
    with db_engine.connect() as connection:
        assert set(connection.scalars(select(OutboxMessage.chat_id))) == {"-1000033"}


def link_account(engine: Engine, official_id: int, channel: str, chat_id: str, seen_minutes_ago: int) -> None:
    """Another messenger account of the same official, last used some minutes ago."""
    with engine.begin() as connection:
        connection.execute(insert(Identity).values(
            channel=channel, user_id=chat_id, official_id=official_id, chat_id=chat_id,
            last_seen_at=utc_now() - timedelta(minutes=seen_minutes_ago)))


async def test_blocking_on_one_messenger_leaves_the_other_account_receiving(
        db_engine: Engine, bot_for) -> None:  # type: ignore[no-untyped-def]
    """Lan blocked the bot on Telegram, her most recent account: the announcement goes to her
    Zalo account instead, the report says so, and later messages go to Zalo straight away.
    Writing on Telegram again makes that account receive again."""
    official_of = seed_officials(db_engine, [("telegram", "91"), ("telegram", "92")])
    lan = official_of["91"]
    link_account(db_engine, lan, "zalo", "z91", seen_minutes_ago=60)
    outbox, people = Outbox(db_engine), PeopleStore(db_engine)
    async with FakeTelegram() as tg, FakeZalo() as zalo, \
            ZaloClient(zalo.token, zalo.base_url, retries=0) as client:
        for chat in (91, 92, ADMIN_CHAT):
            tg.register_chat(chat)
        tg.block_chat(91)
        senders = {"telegram": TelegramSender(await bot_for(tg)), "zalo": ZaloSender(client)}
        worker = DeliveryWorker(outbox, senders, None, delivery_settings(), people)
        first, _ = plan_broadcast(outbox, people, "Họp giao ban.", "all", report_to=("telegram", str(ADMIN_CHAT)))
        await drain(worker, outbox)
        second, _ = plan_broadcast(outbox, people, "Nộp báo cáo quý.", "all")
        await drain(worker, outbox)
        assert [s.text for s in zalo.messages_to("z91")] == ["Họp giao ban.", "Nộp báo cáo quý."]
        assert len([c for c in tg.calls_of("sendMessage") if c.params["chat_id"] == 91]) == 1
        [report] = tg.messages_to(ADMIN_CHAT)
    assert report.text == (f"Thông báo #{first}: đã gửi 2, lỗi 0, còn chờ 0; "
                           "gửi qua tài khoản khác 1 (chặn bot trên Telegram → Zalo: 1)")
    info = next(o for o in people.officials() if o.official_id == lan)
    assert info.active and info.unreachable == ("telegram:91",)
    assert outbox.counts(first) == {"pending": 0, "sending": 0, "sent": 2, "failed": 0, "rerouted": 1}
    people.member("telegram", "91", "91")  # she writes to the bot on Telegram again
    assert {(r.channel, r.chat_id) for r in people.recipients([people.officials()[0].unit.id])} == {
        ("telegram", "91"), ("telegram", "92")}


async def test_without_another_account_a_block_fails_the_row_and_silences_only_that_account(
        db_engine: Engine, bot_for) -> None:  # type: ignore[no-untyped-def]
    official_of = seed_officials(db_engine, [("telegram", "95")])
    outbox, people = Outbox(db_engine), PeopleStore(db_engine)
    outbox.enqueue([NewMessage("a", "telegram", "95", "Họp.", official_id=official_of["95"])])
    async with FakeTelegram() as tg:
        tg.register_chat(95)
        tg.block_chat(95)
        worker = DeliveryWorker(outbox, TelegramSender(await bot_for(tg)), None, delivery_settings(), people)
        await drain(worker, outbox)
    assert outbox.counts() == {"pending": 0, "sending": 0, "sent": 0, "failed": 1}
    assert people.recipients() == []


def test_console_accounts_are_not_recipients(db_engine: Engine) -> None:
    officials = seed_officials(db_engine, [("console", "c1"), ("telegram", "t1")])
    people = PeopleStore(db_engine)
    assert [(r.channel, r.chat_id) for r in people.recipients()] == [("telegram", "t1")]
    broadcast_id, planned = plan_broadcast(Outbox(db_engine), people, "Họp.", "all")
    assert planned == 1 and officials["t1"] in {r.official_id for r in people.recipients()}


def test_failure_reasons_are_vietnamese_and_the_raw_words_kept(db_engine: Engine) -> None:
    assert failure_reason(Blocked("Forbidden: bot was blocked by the user")) == "chặn bot"
    assert failure_reason(Blocked("Forbidden: user is deactivated")) == "tài khoản đã bị xoá"
    assert failure_reason(Blocked("Forbidden: bot was kicked from the group chat")) == "bot không còn trong nhóm"
    assert failure_reason(ChatNotFound("Bad Request: chat not found")) == "không tìm thấy chat"
    assert failure_reason(PermanentError("Bad Request: message is too long")) == "tin bị từ chối: tin quá dài"
    assert failure_reason(PermanentError("Bad Request: can't parse entities")) == \
        "tin bị từ chối: định dạng tin không hợp lệ"
    assert failure_reason(PermanentError("Something odd")) == "tin bị từ chối: lý do khác"
    outbox = Outbox(db_engine)
    broadcast_id, _ = outbox.plan_broadcast("announcement", "Họp.", "all", lambda b: [
        NewMessage(f"bc:{b}:{i}", "telegram", str(i), "Họp.") for i in range(3)])
    for i, raw in enumerate(["Forbidden: bot was blocked by the user", "Forbidden: bot was blocked by the user",
                             "Bad Request: message is too long"]):
        [row] = outbox.claim("w", "telegram")
        outbox.mark_failed(row.id, f"{failure_reason(Blocked(raw) if i < 2 else PermanentError(raw))} — {raw}", "w")
    report = outbox.broadcast_report(broadcast_id)
    assert report is not None
    assert report_text(report) == (f"Thông báo #{broadcast_id}: đã gửi 0, lỗi 3 (chặn bot: 2, "
                                   "tin bị từ chối: tin quá dài: 1), còn chờ 0")
    with db_engine.connect() as connection:
        errors = set(connection.scalars(select(OutboxMessage.error)))
    assert "chặn bot — Forbidden: bot was blocked by the user" in errors  # for operators


def test_worker_ids_are_short_and_only_dead_processes_of_our_namespace_are_released() -> None:
    ours = worker_id("telegram")
    channel, host, namespace, pid, run = ours.split(":")
    assert len(ours) < 64 and int(pid) == os.getpid()
    assert len(host) <= 20 and len(run) == 8  # never cut at 64 characters, unique per start
    assert not _dead_here(ours, "telegram")  # ourselves
    assert _dead_here(f"telegram:{host}:{namespace}:{os.getpid()}:00000000", "telegram")  # had our pid before
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    gone = int(child.stdout)
    assert _dead_here(f"telegram:{host}:{namespace}:{gone}:00000000", "telegram")
    assert not _dead_here(f"telegram:{host}:ffffffff:{gone}:00000000", "telegram")  # another container
    assert not _dead_here(f"telegram:{host}:{gone}", "telegram")  # an old-style id: the lease decides
    assert not _dead_here(f"zalo:{host}:{namespace}:{gone}:00000000", "telegram")


@contextmanager
def failing_insert(engine: Engine, table: str) -> Iterator[None]:
    """Every INSERT into `table` fails while the block runs (as a full disk or a dropped
    connection would make it fail)."""
    def refuse(_conn, _cursor, statement: str, *_args: object) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()} "):
            raise RuntimeError(f"cannot write {table}")

    event.listen(engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", refuse)


def _broadcast_rows(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as connection:
        return tuple(connection.scalar(select(func.count()).select_from(table))  # type: ignore[return-value]
                     for table in (Broadcast, OutboxMessage, AuditEntry))


@pytest.mark.parametrize("table", ["audit_log", "outbox"])
def test_a_broadcast_its_messages_and_its_audit_entry_are_one_transaction(db_engine: Engine,
                                                                         table: str) -> None:
    """If the audit row cannot be written nothing is planned (an admin who sends again must not
    announce twice), and a broadcast whose messages fail leaves no audit entry either."""
    seed_officials(db_engine, [("telegram", "t1"), ("telegram", "t2")])
    people = PeopleStore(db_engine)
    with failing_insert(db_engine, table), pytest.raises(RuntimeError, match=f"cannot write {table}"):
        plan_broadcast(Outbox(db_engine), people, "Họp giao ban.", "all", created_by=None,
                       report_to=("telegram", str(ADMIN_CHAT)))
    assert _broadcast_rows(db_engine) == (0, 0, 0)
    broadcast_id, planned = plan_broadcast(Outbox(db_engine), people, "Họp giao ban.", "all",
                                           report_to=("telegram", str(ADMIN_CHAT)))
    assert planned == 2 and _broadcast_rows(db_engine) == (1, 2, 1)
    assert people.audit_log()[0][2:] == ("telegram", "broadcast", f"thông báo #{broadcast_id} tới all: 2 người")
