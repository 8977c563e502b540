"""Per-person limits on every message, command and question, shared by workers through the
database, and the bound on questions answered at once."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import build_core
from bot.config import load_settings
from bot.core.assistant import Assistant
from bot.core.limits import Slots
from bot.core.messages import TELEGRAM, ZALO, Channel, ChatKind, Incoming, Sender
from bot.db.counters import Counters
from bot.db.engine import connect
from tests.conftest import build_assistant

START = datetime(2026, 1, 15, 2, 0, tzinfo=UTC)
QUESTION = "kh 0125 gửi hồ sơ về đâu"
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


class Clock:
    def __init__(self) -> None:
        self.at = START

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_core(tmp_path: Path, database_url: str, clock: Clock) -> Iterator:  # type: ignore[type-arg]
    built: list[Assistant] = []

    def make(**limits: int) -> Assistant:
        built.append(build_assistant(tmp_path, database_url=database_url, now=clock,
                                     **{f"access__{k}": v for k, v in limits.items()}))
        return built[-1]

    yield make
    for core in built:
        core.people.engine.dispose()


def said(core: Assistant, text: str = "", user: str = "101", channel: Channel = TELEGRAM,
         button: str | None = None, kind: ChatKind = ChatKind.PRIVATE) -> str:
    command = None
    if text.startswith("/"):
        command, _, text = text[1:].partition(" ")
    chat = user if kind is ChatKind.PRIVATE else "-100"
    replies = core.handle(Incoming(channel, chat, Sender(user), kind, text=text, command=command, button=button,
                                   mentioned=kind is ChatKind.GROUP))
    return "\n".join(r.text or r.notice for r in replies)


@SQLITE_ONLY
def test_every_message_and_press_counts_per_person(make_core, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    core = make_core(messages_per_minute=4)
    assert said(core, QUESTION, channel=ZALO).startswith("Nơi gửi")
    assert said(core, "2", channel=ZALO).startswith("Cảm ơn bạn!")  # a numbered choice is a message too
    assert said(core, "/help", channel=ZALO).startswith("Các lệnh:")
    assert said(core, "xin chào", channel=ZALO)
    clock.at += timedelta(seconds=15)
    assert said(core, "/help", channel=ZALO) == "Bạn gửi tin nhanh quá. Vui lòng đợi 45 giây rồi thử lại."
    assert said(core, QUESTION, channel=ZALO) == ""  # said once; a flood then costs no reply
    assert said(core, "/help", user="202", channel=ZALO).startswith("Các lệnh:")  # per person
    # Once over the limit, the rest of the flood is turned away without another database write.
    counted = Counters(core.people.engine).hits("msg:zalo:101", timedelta(minutes=1), clock.at)
    for _ in range(5):
        assert said(core, QUESTION, channel=ZALO) == ""
    assert Counters(core.people.engine).hits("msg:zalo:101", timedelta(minutes=1), clock.at) == counted
    clock.at += timedelta(seconds=45)
    assert said(core, "/help", channel=ZALO).startswith("Các lệnh:")


@SQLITE_ONLY
def test_button_presses_count_and_are_always_acknowledged(make_core) -> None:  # type: ignore[no-untyped-def]
    core = make_core(messages_per_minute=3)
    for _ in range(3):
        assert said(core, button="fb:1:999999") == "Lựa chọn này không còn hiệu lực."
    wait = "Bạn gửi tin nhanh quá. Vui lòng đợi 60 giây rồi thử lại."
    assert said(core, button="fb:1:999999") == wait and said(core, button="fb:1:999999") == wait
    for _ in range(10):  # group chatter that does not address the bot is not counted
        core.handle(Incoming(TELEGRAM, "-100", Sender("202"), ChatKind.GROUP, text="ai nấu cơm?"))
    assert said(core, "/help", user="202").startswith("Các lệnh:")


@SQLITE_ONLY
def test_questions_have_a_stricter_cap_than_commands(make_core) -> None:  # type: ignore[no-untyped-def]
    core = make_core(questions_per_minute=2)
    for _ in range(2):
        assert said(core, QUESTION).startswith("Nơi gửi")
    assert said(core, f"/hoi {QUESTION}") == ("Bạn hỏi nhanh quá: mỗi phút tôi trả lời tối đa 2 câu hỏi của một "
                                              "người. Vui lòng đợi 60 giây rồi hỏi tiếp.")
    assert said(core, QUESTION) == ""
    assert said(core, "/hanchot 90").startswith("Các thời hạn")  # commands still answered
    assert said(core, QUESTION, user="202").startswith("Nơi gửi")


def test_the_limits_hold_across_workers(make_core, database_url: str, clock: Clock, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = make_core(questions_per_minute=3)
    settings = load_settings(environ={}, paths__store=tmp_path / "store", paths__knowledge=tmp_path / "knowledge",
                             database__url=database_url, access__questions_per_minute=3)
    engine = connect(database_url)
    try:
        second = build_core(settings, engine, first.answerer, now=clock)  # another worker, same database
        assert said(first, QUESTION).startswith("Nơi gửi")
        assert said(second, QUESTION).startswith("Nơi gửi")
        assert said(first, QUESTION).startswith("Nơi gửi")
        assert said(second, QUESTION).startswith("Bạn hỏi nhanh quá")
    finally:
        engine.dispose()


@SQLITE_ONLY
def test_a_busy_bot_says_so_at_once_and_commands_still_work(make_core) -> None:  # type: ignore[no-untyped-def]
    core = make_core(concurrent_questions=1)
    entered, release = threading.Event(), threading.Event()
    real_ask = core.answerer.ask

    def slow_ask(*args, **kwargs):  # type: ignore[no-untyped-def]
        entered.set()
        assert release.wait(10)
        return real_ask(*args, **kwargs)

    core.answerer.ask = slow_ask  # type: ignore[method-assign]
    answers: list[str] = []
    asker = threading.Thread(target=lambda: answers.append(said(core, QUESTION, user="301")))
    asker.start()
    try:
        assert entered.wait(10)
        assert said(core, QUESTION, user="302") == ("Xin lỗi, tôi đang bận trả lời nhiều câu hỏi cùng lúc. Bạn vui "
                                                    "lòng hỏi lại sau ít phút; các lệnh (/baocao, /hanchot…) vẫn "
                                                    "dùng được ngay.")
        assert said(core, QUESTION, user="302") == ""  # «đang bận» is said once a minute
        assert said(core, "/vanban", user="303").startswith("Tôi đang có")
    finally:
        release.set()
        asker.join(10)
    assert answers[0].startswith("Nơi gửi")
    core.answerer.ask = real_ask  # type: ignore[method-assign]
    assert said(core, QUESTION, user="302").startswith("Nơi gửi")  # the slot is free again


def test_slots_never_wait() -> None:
    slots = Slots(2)
    with slots.taken() as a, slots.taken() as b, slots.taken() as c:
        assert (a, b, c) == (True, True, False)
    with slots.taken() as again:
        assert again
