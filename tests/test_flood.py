"""A flood of questions does not hold up commands: the Telegram adapter takes every update in at
once, runs commands on threads of their own, and the database lets commands write first.

The figures are bench/flood.py's; these tests check the order of things, with stand-in cores
that hold the flood's messages until the test lets them go.
"""
from __future__ import annotations

import asyncio
import threading
import time
from datetime import timedelta
from pathlib import Path

from bot.channels.telegram.adapter import build_application
from bot.channels.turns import Lanes
from bot.core.assistant import COMMANDS
from bot.core.messages import Command, Incoming, Reply
from bot.db import engine as db
from bot.db.counters import Counters
from tests.fakes.fixtures import running_ptb, telegram_fake  # noqa: F401

ADMIN = 1
MINUTE = timedelta(minutes=1)


class Held:
    """A core that answers commands at once and holds every other message until released."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.holding = 0
        self._lock = threading.Lock()

    def handle(self, msg: Incoming) -> list[Reply]:
        if msg.command:
            return [Reply(f"/{msg.command}: xong")]
        with self._lock:
            self.holding += 1
        assert self.release.wait(60)
        return [Reply("trả lời")]

    def menu(self) -> list[Command]:
        return COMMANDS

    def seen(self, channel: str, update_key: str) -> bool:
        return False


async def until(condition, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_a_command_is_answered_behind_one_senders_backlog_of_hundreds(telegram_fake) -> None:
    """PTB runs at most 256 updates at once by default: one person's 300 queued messages, each
    waiting for its chat's turn, would hold everyone else's updates back."""
    core = Held()
    async with running_ptb(build_application(core, telegram_fake.token, telegram_fake.base_url)):
        try:
            for i in range(300):
                await telegram_fake.send_text(500, f"câu hỏi {i}")
            await until(lambda: core.holding == 1 and not telegram_fake.pending_updates)
            await telegram_fake.send_text(ADMIN, "/tonghop")
            [done] = await telegram_fake.wait_for_messages(ADMIN, 1, timeout=10)
            unanswered = telegram_fake.messages_to(500)
        finally:
            core.release.set()
        await telegram_fake.wait_for_messages(500, 300, timeout=60)

    assert done.text == "/tonghop: xong" and unanswered == []  # the first of the 300 is still held


async def test_a_command_is_answered_while_every_thread_for_messages_is_taken(telegram_fake) -> None:
    """Forty people ask at once and every answer takes long: more than any default thread pool
    holds (at most 32), but commands have threads of their own."""
    core = Held()
    async with running_ptb(build_application(core, telegram_fake.token, telegram_fake.base_url,
                                             lanes=Lanes(messages=6, commands=2))):
        try:
            for chat in range(600, 640):
                await telegram_fake.send_text(chat, "hạn nộp báo cáo là khi nào?")
            await until(lambda: core.holding == 6)
            await telegram_fake.send_text(ADMIN, "/tonghop")
            [done] = await telegram_fake.wait_for_messages(ADMIN, 1, timeout=10)
            unanswered = sum(len(telegram_fake.messages_to(chat)) for chat in range(600, 640))
        finally:
            core.release.set()
        await telegram_fake.wait_for_messages(639, 1, timeout=30)

    assert done.text == "/tonghop: xong" and unanswered == 0


async def test_commands_lane_writes_first_and_messages_lane_does_not() -> None:
    lanes = Lanes(messages=1, commands=1)
    try:
        assert await lanes.run(True, db._FIRST.get) is True
        assert await lanes.run(False, db._FIRST.get) is False
    finally:
        lanes.shutdown()


def test_a_waiting_command_writes_before_waiting_messages() -> None:
    turns = db.WriteTurns()
    order: list[str] = []
    assert turns.take(False, 1)  # someone is writing

    def writer(name: str, first: bool) -> threading.Thread:
        def write() -> None:
            assert turns.take(first, 10)
            order.append(name)
            turns.give_back()
        thread = threading.Thread(target=write)
        thread.start()
        return thread

    waiting = [writer(f"tin {i}", False) for i in range(3)]
    time.sleep(0.2)  # the messages queue first…
    command = writer("lệnh", True)
    time.sleep(0.2)
    turns.give_back()
    for thread in [*waiting, command]:
        thread.join(10)

    assert order[0] == "lệnh" and sorted(order[1:]) == ["tin 0", "tin 1", "tin 2"]


def test_the_database_lets_a_waiting_command_write_before_waiting_messages(tmp_path: Path) -> None:
    """Over a real SQLite file: while one transaction writes, a message's count and then a
    command's wait; the command's goes next (SQLite's own busy wait serves whoever polls first)."""
    engine = db.connect(f"sqlite:///{tmp_path / 'flood.db'}")
    counters = Counters(engine)
    order: list[str] = []

    def count(key: str, first: bool) -> threading.Thread:
        def hit() -> None:
            if first:
                with db.writes_first():
                    counters.hit(key, MINUTE)
            else:
                counters.hit(key, MINUTE)
            order.append(key)
        thread = threading.Thread(target=hit)
        thread.start()
        return thread

    try:
        with db.writer(engine).begin():  # a write in progress
            message = count("tin", False)
            time.sleep(0.2)
            command = count("lệnh", True)
            time.sleep(0.2)
            assert order == []
        message.join(10)
        command.join(10)
    finally:
        engine.dispose()

    assert order == ["lệnh", "tin"]
