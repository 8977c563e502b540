"""Questions answered in a process of their own: the answers and the follow-up context cross the
pipe, a death or a stuck answer costs the questions in flight the apology and the process is
replaced, and over the real Telegram adapter an admin's command is answered while a question
works in the other process.

The child builds its answerer with a factory of `tests.fakes.answerers`: the real answerer over
the shipped knowledge (fake embedding), or a stand-in that works, fails or dies on command.
"""
from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import build_core
from bot.channels.telegram.adapter import APOLOGY, build_application
from bot.config import Settings, load_settings
from bot.core.assistant import BUSY
from bot.core.messages import TELEGRAM, ChatKind, Incoming, Sender
from bot.retrieval.answer_process import AnswerFailed, AnswerProcess, AnswerUnavailable
from bot.retrieval.answers import Conversation
from bot.services.summary import NO_UNITS  # the admin's /tonghop in a world without units
from tests.conftest import build_assistant
from tests.fakes.answerers import broken, knowledge_answerer, on_command
from tests.fakes.fixtures import running_ptb, telegram_fake  # noqa: F401

ADMIN = 1


def world_settings(base: Path, **overrides: object) -> Settings:
    """The settings `build_assistant(base, **overrides)` builds its core with."""
    return load_settings(environ={}, paths__store=base / "store", paths__knowledge=base / "knowledge",
                         access__messages_per_minute=10_000, access__questions_per_minute=10_000, **overrides)


@pytest.fixture
def answers(tmp_path: Path) -> Iterator[AnswerProcess]:
    process = AnswerProcess(world_settings(tmp_path), on_command, threads=2, timeout_s=120).start()
    yield process
    process.close()


def asked_in_thread(process: AnswerProcess, text: str) -> tuple[threading.Thread, list[object]]:
    """Ask in a thread of its own; the list gets the answer or the exception."""
    outcome: list[object] = []

    def ask() -> None:
        try:
            outcome.append(process.ask(text))
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            outcome.append(exc)

    thread = threading.Thread(target=ask)
    thread.start()
    return thread, outcome


def wait_for(path: Path, timeout: float = 60) -> None:
    """Until the stand-in has begun its work (it leaves `path`)."""
    for _ in range(int(timeout * 20)):
        if path.exists():
            return
        threading.Event().wait(0.05)
    raise AssertionError(f"{path.name} never appeared")


# -- the process itself -----------------------------------------------------------------------------


def test_answers_come_from_the_other_process_with_the_conversation(answers: AnswerProcess) -> None:
    conversation = Conversation()
    first = answers.ask("xin chào", conversation)
    second = answers.ask("còn gì nữa", conversation)

    assert first.text == f"Trả lời từ tiến trình {answers.pid}: xin chào" and answers.pid != os.getpid()
    assert second.text.endswith(": còn gì nữa")
    # The caller's conversation holds what the child left in it, question after question.
    assert conversation.sources == ("xin chào", "còn gì nữa")


def test_an_error_reaches_the_asker_and_the_process_keeps_answering(answers: AnswerProcess) -> None:
    pid = answers.pid
    with pytest.raises(AnswerFailed, match="ValueError: hỏng"):
        answers.ask("lỗi đây")
    assert answers.ask("tiếp").text == f"Trả lời từ tiến trình {pid}: tiếp"


def test_a_death_fails_the_questions_in_flight_and_a_new_process_answers(answers: AnswerProcess,
                                                                         tmp_path: Path) -> None:
    first = answers.pid
    held, outcome = asked_in_thread(answers, "chờ nhé")
    wait_for(tmp_path / "store" / "working")

    with pytest.raises(AnswerUnavailable):
        answers.ask("sập")
    held.join(60)

    assert not held.is_alive() and isinstance(outcome[0], AnswerUnavailable)  # not left hanging
    after = answers.ask("còn đó không")
    assert answers.restarts == 1 and answers.pid not in (None, first)
    assert after.text == f"Trả lời từ tiến trình {answers.pid}: còn đó không"


def test_an_overdue_answer_gives_up_and_replaces_the_stuck_process(tmp_path: Path) -> None:
    process = AnswerProcess(world_settings(tmp_path), on_command, threads=1, timeout_s=3).start()
    try:
        stuck = process.pid
        with pytest.raises(AnswerUnavailable, match="no answer within 3 s"):
            process.ask("chờ mãi")
        process.timeout_s = 120  # the new process may take long to start on a busy machine
        assert process.ask("xin chào").text == f"Trả lời từ tiến trình {process.pid}: xin chào"
        assert process.pid != stuck
    finally:
        process.close()


def test_close_stops_the_process_cleanly_and_later_questions_fail_at_once(tmp_path: Path) -> None:
    process = AnswerProcess(world_settings(tmp_path), on_command).start()
    child = process._process
    process.close()

    assert child is not None and child.exitcode == 0  # it left by itself, nobody had to kill it
    with pytest.raises(AnswerUnavailable):
        process.ask("xin chào")


def test_a_factory_that_fails_is_reported_at_start(tmp_path: Path) -> None:
    with pytest.raises(AnswerUnavailable, match="kho hỏng"):
        AnswerProcess(world_settings(tmp_path), broken).start()


def test_the_core_keeps_follow_ups_through_the_process(tmp_path: Path) -> None:
    core = build_assistant(tmp_path)
    process = AnswerProcess(world_settings(tmp_path), knowledge_answerer).start()
    try:
        remote = build_core(world_settings(tmp_path), core.chats.engine, process)

        def said(text: str) -> str:
            msg = Incoming(TELEGRAM, "41", Sender("41"), ChatKind.PRIVATE, text=text)
            return "\n".join(r.text for r in remote.handle(msg))

        said("hạn nộp hồ sơ khen thưởng theo kế hoạch 0125 là khi nào?")
        follow_up = said("còn tiêu chí thì sao?")
    finally:
        process.close()
        core.chats.engine.dispose()

    assert "Kế hoạch 0125/KH-UBND" in follow_up  # the plan of the question before


# -- over the real Telegram adapter -------------------------------------------------------------------


@pytest.fixture
def telegram_world(tmp_path: Path) -> Iterator[tuple[object, AnswerProcess]]:
    """The real core with every feature, one question at a time, answered by the stand-in."""
    overrides = {"access__admins": [f"telegram:{ADMIN}"], "access__concurrent_questions": 1}
    built = build_assistant(tmp_path, **overrides)
    settings = world_settings(tmp_path, **overrides)
    process = AnswerProcess(settings, on_command, threads=1, timeout_s=120).start()
    yield build_core(settings, built.chats.engine, process), process
    process.close()
    built.chats.engine.dispose()


async def test_an_admin_is_answered_while_a_question_works_in_the_answer_process(
        telegram_fake, telegram_world, tmp_path: Path) -> None:
    core, process = telegram_world
    store = tmp_path / "store"
    async with running_ptb(build_application(core, telegram_fake.token, telegram_fake.base_url)):
        await telegram_fake.send_text(21, "chờ một chút")  # keeps the answer process busy
        await asyncio.to_thread(wait_for, store / "working")
        await telegram_fake.send_text(22, "hạn nộp báo cáo là khi nào?")
        [busy] = await telegram_fake.wait_for_messages(22, 1)
        await telegram_fake.send_text(ADMIN, "/tonghop")
        [summary] = await telegram_fake.wait_for_messages(ADMIN, 1)
        unanswered = list(telegram_fake.messages_to(21))
        (store / "release").touch()
        [answer] = await telegram_fake.wait_for_messages(21, 1)

    assert busy.text == BUSY  # the bound on questions at once still holds
    assert summary.text == NO_UNITS and unanswered == []  # the admin did not wait for the question
    assert answer.text == f"Trả lời từ tiến trình {process.pid}: chờ một chút" and process.pid != os.getpid()


async def test_a_death_in_the_answer_process_gets_the_apology_and_the_next_answer(
        telegram_fake, telegram_world) -> None:
    core, process = telegram_world
    first = process.pid
    async with running_ptb(build_application(core, telegram_fake.token, telegram_fake.base_url)):
        await telegram_fake.send_text(31, "sập đi")
        [apology] = await telegram_fake.wait_for_messages(31, 1, timeout=60)
        await telegram_fake.send_text(31, "xin chào")
        [_, answer] = await telegram_fake.wait_for_messages(31, 2, timeout=120)

    assert apology.text == APOLOGY
    assert process.restarts == 1 and answer.text == f"Trả lời từ tiến trình {process.pid}: xin chào"
    assert process.pid != first
