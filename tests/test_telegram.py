"""The real PTB Application over HTTP against the fake Bot API server, with the real core."""
from __future__ import annotations

import pytest

from bot.channels.telegram import APOLOGY, build_application
from tests.fakes.fixtures import free_port, running_ptb, telegram_fake  # noqa: F401
from tests.fakes.telegram_server import make_chat, make_message, make_update, make_user, post_webhook_update

QUESTION = "hạn nộp hồ sơ khen thưởng theo kế hoạch 0125 là khi nào?"


class Counting:
    """The core, counting the messages that reach it; can be told to fail once."""

    def __init__(self, assistant) -> None:  # type: ignore[no-untyped-def]
        self.assistant, self.calls, self.fail_next = assistant, 0, False

    def handle(self, msg):  # type: ignore[no-untyped-def]
        self.calls += 1
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("core failure")
        return self.assistant.handle(msg)


@pytest.fixture
def core(assistant) -> Counting:  # type: ignore[no-untyped-def]
    return Counting(assistant)


def app_for(fake, core):  # type: ignore[no-untyped-def]
    return build_application(core, fake.token, fake.base_url, rate_limit_retries=2)


async def test_start_question_accents_and_feedback(telegram_fake, core) -> None:
    application = app_for(telegram_fake, core)
    async with running_ptb(application):
        await application.post_init(application)  # run_polling() does this at start
        await telegram_fake.send_text(11, "/start")
        [hello] = await telegram_fake.wait_for_messages(11, 1)
        await telegram_fake.send_text(11, QUESTION)
        answer = (await telegram_fake.wait_for_messages(11, 2))[1]
        await telegram_fake.send_text(11, "han nop ho so khen thuong theo ke hoach 0125 la khi nao")
        unaccented = (await telegram_fake.wait_for_messages(11, 3))[2]
        down = answer.buttons[1]["callback_data"]
        query = await telegram_fake.press_button(11, answer.message_id, down)
        ack = await telegram_fake.wait_for_callback_answer(query["callback_query"]["id"])

    assert hello.text.startswith("Xin chào! Tôi là Trợ lý Chỉ thị.")
    assert answer.text.split("\n")[0].endswith("trước ngày 31/3/2026.")
    assert "— Kế hoạch 0125/KH-UBND" in answer.text
    assert [b["text"] for b in answer.buttons] == ["👍 Hữu ích", "👎 Chưa đúng"]
    assert unaccented.text.split("\n")[0] == answer.text.split("\n")[0]
    assert ack.get("text", "").startswith("Cảm ơn bạn!")
    assert telegram_fake.calls_of("sendChatAction")  # typing while answering
    menu = telegram_fake.calls_of("setMyCommands")[0].params["commands"]
    assert [c["command"] for c in menu] == ["start", "help", "hoi", "hanchot", "tieuchi", "vanban"]


async def test_long_replies_are_split_within_4096(telegram_fake, core) -> None:
    async with running_ptb(app_for(telegram_fake, core)):
        await telegram_fake.send_text(12, "/tieuchi kh 0125")
        await telegram_fake.wait_until(lambda: len(telegram_fake.messages_to(12)) >= 1, 5, "replies")
        await telegram_fake.wait_until(lambda: not [c for c in telegram_fake.calls if c.status is None
                                                   and c.method == "sendMessage"], 5, "sends done")
    sends = telegram_fake.calls_of("sendMessage")
    assert sends and all(c.status == 200 for c in sends)
    assert all(len(m.text) <= 4096 for m in telegram_fake.messages_to(12))


async def test_groups_answer_mentions_and_commands_only(telegram_fake, core) -> None:
    telegram_fake.register_chat(-100, "group")
    async with running_ptb(app_for(telegram_fake, core)):
        await telegram_fake.send_text(-100, "chiều nay họp mấy giờ?", chat_type="group")
        await telegram_fake.send_text(-100, f"@{telegram_fake.username} kh 0125 gửi hồ sơ về đâu",
                                      chat_type="group")
        first = (await telegram_fake.wait_for_messages(-100, 1))[0]
        await telegram_fake.send_text(-100, f"/hoi@{telegram_fake.username} kh 0125 gửi hồ sơ về đâu",
                                      chat_type="group")
        second = (await telegram_fake.wait_for_messages(-100, 2))[1]
    assert first.text.startswith("Nơi gửi: Sở Nội vụ") and second.text.startswith("Nơi gửi: Sở Nội vụ")
    assert len(telegram_fake.messages_to(-100)) == 2  # the chatter got nothing


async def test_429_is_retried_and_a_core_error_is_survived(telegram_fake, core) -> None:
    telegram_fake.inject_retry_after("sendMessage", retry_after=0.2)
    async with running_ptb(app_for(telegram_fake, core)):
        await telegram_fake.send_text(13, "/help")
        [help_reply] = await telegram_fake.wait_for_messages(13, 1, timeout=5)
        core.fail_next = True
        await telegram_fake.send_text(13, QUESTION)
        apology = (await telegram_fake.wait_for_messages(13, 2))[1]
        await telegram_fake.send_text(13, "/vanban")
        documents = (await telegram_fake.wait_for_messages(13, 3))[2]
    assert help_reply.text.startswith("Các lệnh:")
    assert [c.status for c in telegram_fake.calls_of("sendMessage")][:2] == [429, 200]
    assert apology.text == APOLOGY
    assert documents.text.startswith("Tôi đang có 6 văn bản")


async def test_webhook_serves_the_right_secret_only(telegram_fake, core) -> None:
    port = free_port()
    async with running_ptb(app_for(telegram_fake, core), webhook_port=port, webhook_secret="bi-mat-123"):
        await telegram_fake.send_text(14, "/help")
        await telegram_fake.wait_for_messages(14, 1)
        calls = core.calls
        forged = make_update(9999, message=make_message(1, make_chat(14), user=make_user(14), text="/help"))
        missing, _ = await post_webhook_update(f"http://127.0.0.1:{port}/tg", forged)
        wrong, _ = await post_webhook_update(f"http://127.0.0.1:{port}/tg", forged, secret_token="sai")
    assert (missing, wrong) == (403, 403)
    assert core.calls == calls  # nothing reached the core
