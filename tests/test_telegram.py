"""The Telegram channel: the real PTB Application over HTTP against the fake Bot API server.

The end-to-end tests run the real core over the shipped knowledge (fake embedding); stand-in
cores cover what the knowledge cannot produce on demand (very long answers, files, a slow core).
"""
from __future__ import annotations

import asyncio
import logging
import time
from types import SimpleNamespace

import pytest
from telegram import Bot, Update

from bot.core.assistant import COMMANDS
from bot.core.replies import split_text
from bot.channels.telegram import adapter as channel
from bot.channels.telegram.adapter import (APOLOGY, BAD_SECRET, MISSING_TOKEN, build_application, markup,
                                           to_incoming)
from bot.core.messages import TELEGRAM, Button, ChatKind, Command, Incoming, OutgoingFile, Reply, Sender
from tests.fakes.fixtures import free_port, running_ptb, telegram_fake  # noqa: F401
from tests.fakes.telegram_server import (FakeTelegram, make_chat, make_message, make_update,
                                         make_user, post_webhook_update)

QUESTION = "hạn nộp hồ sơ khen thưởng theo kế hoạch 0125 là khi nào?"
UNACCENTED = "han nop ho so khen thuong theo ke hoach 0125 la khi nao"


class Counting:
    """A core that counts the messages reaching it and can be told to fail once."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self.inner, self.calls, self.fail_next = inner, 0, False
        self.seen_messages: list[Incoming] = []

    def handle(self, msg: Incoming) -> list[Reply]:
        self.calls += 1
        self.seen_messages.append(msg)
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("core failure")
        return self.inner.handle(msg)

    def menu(self) -> list[Command]:
        return self.inner.menu()

    def seen(self, channel: str, update_key: str) -> bool:
        return self.inner.seen(channel, update_key)


class Scripted:
    """A stand-in core that answers every message with the same replies, optionally slowly."""

    def __init__(self, replies: list[Reply], delay: float = 0.0) -> None:
        self.replies, self.delay = replies, delay

    def handle(self, msg: Incoming) -> list[Reply]:
        time.sleep(self.delay)  # runs in a worker thread, as the real core does
        return self.replies

    def menu(self) -> list[Command]:
        return COMMANDS

    def seen(self, channel: str, update_key: str) -> bool:
        return False


@pytest.fixture
def core(assistant) -> Counting:  # type: ignore[no-untyped-def]
    return Counting(assistant)


def app_for(fake: FakeTelegram, core):  # type: ignore[no-untyped-def]
    return build_application(core, fake.token, fake.base_url, rate_limit_retries=2)


# -- end to end with the real core --------------------------------------------------------------


async def test_start_question_accents_feedback_menu_and_typing(telegram_fake, core) -> None:
    application = app_for(telegram_fake, core)
    async with running_ptb(application):
        await application.post_init(application)  # run_polling()/run_webhook() do this at start
        await telegram_fake.send_text(11, "/start")
        [hello] = await telegram_fake.wait_for_messages(11, 1)
        await telegram_fake.send_text(11, QUESTION)
        answer = (await telegram_fake.wait_for_messages(11, 2))[1]
        await telegram_fake.send_text(11, UNACCENTED)
        unaccented = (await telegram_fake.wait_for_messages(11, 3))[2]
        up = answer.buttons[0]["callback_data"]
        query = await telegram_fake.press_button(11, answer.message_id, up)
        ack = await telegram_fake.wait_for_callback_answer(query["callback_query"]["id"])
        thanks = (await telegram_fake.wait_for_messages(11, 4))[3]

    assert hello.text.startswith("Xin chào! Tôi là Trợ lý Chỉ thị.")
    assert answer.text.split("\n")[0].endswith("trước ngày 31/3/2026.")
    assert "— Kế hoạch 0125/KH-UBND" in answer.text
    assert [b["text"] for b in answer.buttons] == ["👍 Hữu ích", "👎 Chưa đúng"]
    assert unaccented.text.split("\n")[0] == answer.text.split("\n")[0]
    # The press is answered at once, before the core knows the outcome; the thanks follows.
    assert "text" not in ack and thanks.text == "Cảm ơn bạn! Góp ý đã được ghi nhận."
    assert len(telegram_fake.messages_to(11)) == 4
    actions = telegram_fake.calls_of("sendChatAction")
    assert actions and {c.params["action"] for c in actions} == {"typing"}
    menu = telegram_fake.calls_of("setMyCommands")[0].params["commands"]
    assert menu == [{"command": c.name, "description": c.description} for c in core.menu()]
    names = [c["command"] for c in menu]
    assert names[:7] == ["start", "help", "hoi", "hanchot", "tieuchi", "vanban", "huy"]
    assert "dangky" in names and "taoma" not in names  # features add theirs; admin commands stay out


async def test_groups_answer_mentions_replies_and_commands_only(telegram_fake, core) -> None:
    telegram_fake.register_chat(-100, "group")
    bot = telegram_fake.username
    async with running_ptb(app_for(telegram_fake, core)):
        await telegram_fake.send_text(-100, "/help@other_bot")
        await telegram_fake.send_text(-100, "chiều nay họp mấy giờ?")
        await telegram_fake.send_text(-100, f"@{bot} kh 0125 gửi hồ sơ về đâu")
        [mention] = await telegram_fake.wait_for_messages(-100, 1)
        await telegram_fake.send_text(-100, f"/hoi@{bot} kh 0125 gửi hồ sơ về đâu")
        command = (await telegram_fake.wait_for_messages(-100, 2))[1]
        await telegram_fake.send_text(-100, "/vanban", reply_to=command.message_id)
        await telegram_fake.send_text(-100, "còn hạn chót?", reply_to=command.message_id)
        await telegram_fake.wait_for_messages(-100, 4)

    assert mention.text.startswith("Nơi gửi: Sở Nội vụ")
    assert command.text.startswith("Nơi gửi: Sở Nội vụ")
    assert len(telegram_fake.messages_to(-100)) == 4  # the chatter got nothing
    # The command for another bot never reached the core; the chatter did, unmentioned.
    # Updates are handled concurrently, so messages sent back to back may reach it in any order.
    seen = core.seen_messages
    assert len(seen) == 5
    [chatter] = [m for m in seen if m.text == "chiều nay họp mấy giờ?"]
    assert (chatter.chat_kind, chatter.mentioned) == (ChatKind.GROUP, False)
    [mentioned] = [m for m in seen if m.command is None and m.text == "kh 0125 gửi hồ sơ về đâu"]
    assert mentioned.mentioned
    [hoi] = [m for m in seen if m.command == "hoi"]
    assert hoi.text == "kh 0125 gửi hồ sơ về đâu"
    [vanban] = [m for m in seen if m.command == "vanban"]
    [replied] = [m for m in seen if m.text == "còn hạn chót?"]
    assert replied.mentioned


async def test_a_429_is_retried_and_delivered(telegram_fake, core) -> None:
    telegram_fake.inject_retry_after("sendMessage", retry_after=0.2)
    async with running_ptb(app_for(telegram_fake, core)):
        await telegram_fake.send_text(13, "/help")
        [help_reply] = await telegram_fake.wait_for_messages(13, 1, timeout=5)

    assert help_reply.text.startswith("Các lệnh:")
    first, second = telegram_fake.calls_of("sendMessage")
    assert (first.status, second.status) == (429, 200)
    assert second.time - first.time >= 0.2


async def test_a_core_error_is_apologised_for_and_the_bot_keeps_answering(
        telegram_fake, core, caplog) -> None:
    async with running_ptb(app_for(telegram_fake, core)):
        core.fail_next = True
        await telegram_fake.send_text(14, QUESTION)
        [apology] = await telegram_fake.wait_for_messages(14, 1)
        await telegram_fake.send_text(14, "/vanban")
        documents = (await telegram_fake.wait_for_messages(14, 2))[1]

    assert apology.text == APOLOGY
    assert documents.text.startswith("Tôi đang có 6 văn bản")
    failures = [r for r in caplog.records if r.name == "bot.channels.telegram.adapter"
                and r.levelno == logging.ERROR]
    assert failures and "core failure" in failures[0].getMessage()
    assert all(telegram_fake.token not in r.getMessage() for r in caplog.records)


async def test_a_button_press_is_answered_even_when_the_core_fails(telegram_fake, core) -> None:
    async with running_ptb(app_for(telegram_fake, core)):
        await telegram_fake.send_text(15, QUESTION)
        [answer] = await telegram_fake.wait_for_messages(15, 1)
        core.fail_next = True
        query = await telegram_fake.press_button(15, answer.message_id, answer.buttons[1]["callback_data"])
        ack = await telegram_fake.wait_for_callback_answer(query["callback_query"]["id"])
        apology = (await telegram_fake.wait_for_messages(15, 2))[1]

    assert "text" not in ack  # stops the spinner, says nothing
    assert apology.text == APOLOGY


class Expiring(Scripted):
    """A core so slow that every button press has expired by the time it answers."""

    def __init__(self, fake: FakeTelegram, replies: list[Reply]) -> None:
        super().__init__(replies)
        self.fake = fake

    def handle(self, msg: Incoming) -> list[Reply]:
        self.fake.expire_callback_queries()
        return self.replies


async def test_a_button_press_is_answered_before_the_core_works(telegram_fake) -> None:
    telegram_fake.register_chat(24)
    core = Expiring(telegram_fake, [Reply(notice="Đã tắt nhắc việc này.")])
    async with Bot(telegram_fake.token, base_url=telegram_fake.base_url) as bot:
        prompt = await bot.send_message(24, "Nhắc hạn báo cáo quý.", reply_markup=markup(
            Reply("", buttons=((Button("🔕 Tắt nhắc việc này", "nn:off:k1"),),))))
    async with running_ptb(app_for(telegram_fake, core)):
        query = await telegram_fake.press_button(24, prompt.message_id, "nn:off:k1")
        ack = await telegram_fake.wait_for_callback_answer(query["callback_query"]["id"])
        [_, notice] = await telegram_fake.wait_for_messages(24, 2)

    assert ack == {"callback_query_id": query["callback_query"]["id"]}
    assert notice.text == "Đã tắt nhắc việc này."  # the answer went out first: the notice follows


async def test_a_press_too_old_to_answer_is_still_handled_quietly(caplog) -> None:
    async with FakeTelegram(callback_query_ttl=0) as fake:  # every press is already too old
        fake.register_chat(25)
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            prompt = await bot.send_message(25, "Chọn:", reply_markup=markup(
                Reply("", buttons=((Button("Hoàn thành", "rp:done"),),))))
        async with running_ptb(app_for(fake, Scripted([Reply("Đã ghi nhận: Hoàn thành.")]))):
            await fake.press_button(25, prompt.message_id, "rp:done")
            [_, reply] = await fake.wait_for_messages(25, 2)

    assert reply.text == "Đã ghi nhận: Hoàn thành."  # no apology: nothing failed for the user
    assert [c.status for c in fake.calls_of("answerCallbackQuery")] == [400]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("bot.")]


# -- rendering, with stand-in cores -------------------------------------------------------------


async def test_a_long_answer_arrives_as_several_messages_within_4096(telegram_fake, assistant) -> None:
    # The core splits; the longest real listings fit one message, so join them into a longer one.
    listings = [assistant.handle(Incoming(TELEGRAM, "0", Sender("0"), command="tieuchi", text=doc))[0].text
                for doc in ("kh 0125", "kh 982")]
    parts = split_text("\n\n".join(listings * 2), TELEGRAM.max_text)
    buttons = ((Button("👍 Hữu ích", "fb:1:1"), Button("👎 Chưa đúng", "fb:0:1")),)
    replies = [Reply(p) for p in parts[:-1]] + [Reply(parts[-1], buttons=buttons)]
    async with running_ptb(app_for(telegram_fake, Scripted(replies))):
        await telegram_fake.send_text(16, "/tieuchi kh 0125")
        sent = await telegram_fake.wait_for_messages(16, len(parts))

    assert len(parts) >= 3
    assert [m.text for m in sent] == parts
    assert all(len(m.text) <= 4096 for m in sent)
    assert all(c.status == 200 for c in telegram_fake.calls_of("sendMessage"))
    assert [m.buttons != [] for m in sent] == [False] * (len(parts) - 1) + [True]


async def test_a_file_reply_is_sent_as_a_document(telegram_fake) -> None:
    table = OutgoingFile("bao-cao.xlsx", b"PK\x03\x04xlsx", caption="Tổng hợp báo cáo")
    replies = [Reply(file=table), Reply("Đã gửi bảng tổng hợp.")]
    async with running_ptb(app_for(telegram_fake, Scripted(replies))):
        await telegram_fake.send_text(17, "/baocao")
        document, text = await telegram_fake.wait_for_messages(17, 2)

    assert (document.document.filename, document.document.data) == ("bao-cao.xlsx", b"PK\x03\x04xlsx")
    assert document.caption == "Tổng hợp báo cáo"
    assert text.text == "Đã gửi bảng tổng hợp."


async def test_files_are_kept_within_the_bot_api_limits(monkeypatch) -> None:
    """A caption over 1024 characters follows as a message; an image over the photo limit goes
    as a document; a file over the document limit is named instead of sent."""
    assert (channel.MAX_CAPTION, channel.MAX_PHOTO_BYTES, channel.MAX_DOCUMENT_BYTES) == (
        1024, 10 * 1024 * 1024, 50 * 1024 * 1024)
    monkeypatch.setattr(channel, "MAX_PHOTO_BYTES", 1000)
    monkeypatch.setattr(channel, "MAX_DOCUMENT_BYTES", 3000)
    caption = ("Tiến độ các đơn vị. " * 60).strip()  # 1199 characters
    replies = [Reply(file=OutgoingFile("tonghop.png", b"\x89PNG" + b"p" * 500, "image/png", caption)),
               Reply(file=OutgoingFile("lon.png", b"\x89PNG" + b"p" * 1500, "image/png", "Ảnh lớn")),
               Reply(file=OutgoingFile("bao-cao.xlsx", b"PK" + b"d" * 3500, caption="Bảng"))]
    async with FakeTelegram(max_photo_bytes=1000, max_document_bytes=3000) as fake:
        async with running_ptb(app_for(fake, Scripted(replies))):
            await fake.send_text(26, "/tonghop")
            photo, long_caption, document, too_big = await fake.wait_for_messages(26, 4)

    assert photo.photo is not None and photo.caption is None
    assert long_caption.text == caption
    assert document.document is not None and document.caption == "Ảnh lớn"
    assert too_big.text.startswith("Tệp «bao-cao.xlsx» (0 MB) lớn hơn mức 50 MB")
    assert all(c.status == 200 for c in fake.calls if c.method.startswith("send"))


async def test_typing_is_repeated_while_a_slow_core_works(telegram_fake, monkeypatch) -> None:
    monkeypatch.setattr(channel, "TYPING_EVERY", 0.1)
    async with running_ptb(app_for(telegram_fake, Scripted([Reply("Xong.")], delay=0.35))):
        await telegram_fake.send_text(18, "câu hỏi khó")
        [reply] = await telegram_fake.wait_for_messages(18, 1)
        typing_calls = len(telegram_fake.calls_of("sendChatAction"))
        await asyncio.sleep(0.2)  # two periods: the indicator must have stopped

    assert reply.text == "Xong."
    assert typing_calls >= 3
    assert len(telegram_fake.calls_of("sendChatAction")) == typing_calls
    assert telegram_fake.calls_of("sendChatAction")[0].time < telegram_fake.calls_of("sendMessage")[0].time


class Echo:
    """A core that answers each text with itself, the first ones slowest."""

    def handle(self, msg: Incoming) -> list[Reply]:
        time.sleep(0.05 * (6 - int(msg.text)))
        return [Reply(msg.text)]

    def menu(self) -> list[Command]:
        return COMMANDS

    def seen(self, channel: str, update_key: str) -> bool:
        return False


async def test_one_chat_is_answered_in_order_with_one_typing_indicator(telegram_fake) -> None:
    """A person's burst of messages is handled one at a time (replies never overtake each other,
    and a flood holds one worker thread), and shows «typing…» once, not once per message: the
    indicator spends the bot's shared send budget."""
    async with running_ptb(app_for(telegram_fake, Echo())):
        for n in range(1, 6):
            await telegram_fake.send_text(31, str(n))
        await telegram_fake.send_text(32, "5")
        replies = await telegram_fake.wait_for_messages(31, 5, timeout=10)

    assert [r.text for r in replies] == ["1", "2", "3", "4", "5"]
    assert len([c for c in telegram_fake.calls_of("sendChatAction") if c.params["chat_id"] in (31, "31")]) == 1
    assert [r.text for r in telegram_fake.messages_to(32)] == ["5"]  # another chat is not held up


# -- webhook ------------------------------------------------------------------------------------


async def test_webhook_serves_the_right_secret_only(telegram_fake, core) -> None:
    port = free_port()
    async with running_ptb(app_for(telegram_fake, core), webhook_port=port, webhook_secret="bi-mat-123"):
        await telegram_fake.send_text(19, "/help")
        [reply] = await telegram_fake.wait_for_messages(19, 1)
        calls = core.calls
        forged = make_update(9999, message=make_message(1, make_chat(19), user=make_user(19), text="/help"))
        missing, _ = await post_webhook_update(f"http://127.0.0.1:{port}/tg", forged)
        wrong, _ = await post_webhook_update(f"http://127.0.0.1:{port}/tg", forged, secret_token="sai")

    assert reply.text.startswith("Các lệnh:")
    assert telegram_fake.webhook_deliveries[0].status == 200
    assert (missing, wrong) == (403, 403)
    assert core.calls == calls == 1  # nothing forged reached the core
    assert len(telegram_fake.messages_to(19)) == 1


async def test_a_redelivered_update_is_answered_once(telegram_fake, core) -> None:
    """Telegram retries a webhook delivery it believes failed: the same update_id twice."""
    port = free_port()
    telegram_fake.register_chat(23)
    async with running_ptb(app_for(telegram_fake, core), webhook_port=port, webhook_secret="bi-mat-123"):
        update = make_update(7777, message=make_message(5, make_chat(23), user=make_user(23), text="/vanban"))
        first, _ = await post_webhook_update(f"http://127.0.0.1:{port}/tg", update, secret_token="bi-mat-123")
        await telegram_fake.wait_for_messages(23, 1)
        again, _ = await post_webhook_update(f"http://127.0.0.1:{port}/tg", update, secret_token="bi-mat-123")
        other = make_update(7778, message=make_message(6, make_chat(23), user=make_user(23), text="/help"))
        await post_webhook_update(f"http://127.0.0.1:{port}/tg", other, secret_token="bi-mat-123")
        replies = await telegram_fake.wait_for_messages(23, 2)

    assert (first, again) == (200, 200)  # acknowledged, so Telegram stops retrying
    assert replies[0].text.startswith("Tôi đang có") and replies[1].text.startswith("Các lệnh:")
    assert core.calls == 2 and len(telegram_fake.messages_to(23)) == 2


# -- pure translation and start-up checks -------------------------------------------------------


def update_of(text: str | None, chat_type: str = "group", **message_fields: object) -> Update:
    chat = make_chat(-5 if chat_type == "group" else 5, chat_type)
    message = make_message(7, chat, user=make_user(5, "Lan"), text=text)
    return Update.de_json(make_update(1, message={**message, **message_fields}), None)


def test_to_incoming_reads_commands_and_mentions_in_utf16_offsets() -> None:
    mention = to_incoming(update_of("😀 hạn nộp @Test_Bot báo cáo?"), "test_bot")
    command = to_incoming(update_of("/HanChot@test_bot\n60", "private"), "test_bot")
    other = to_incoming(update_of("/start@other_bot"), "test_bot")
    someone = to_incoming(update_of("@lan_anh ơi, họp chưa?"), "test_bot")

    assert mention is not None and (mention.mentioned, mention.text) == (True, "😀 hạn nộp báo cáo?")
    assert (mention.chat_id, mention.sender, mention.message_id) == ("-5", Sender("5", "Lan"), "7")
    assert command is not None and (command.command, command.text) == ("hanchot", "60")
    assert command.chat_kind is ChatKind.PRIVATE
    assert other is None
    assert someone is not None and not someone.mentioned and someone.command is None


def test_to_incoming_reads_a_captioned_document() -> None:
    document = {"file_id": "F1", "file_unique_id": "U1", "file_name": "bc.docx", "file_size": 10}
    update = update_of(None, caption="@test_bot xem giúp", caption_entities=[
        {"type": "mention", "offset": 0, "length": 9}], document=document)
    incoming = to_incoming(update, "test_bot")

    assert incoming is not None and incoming.mentioned and incoming.text == "xem giúp"
    assert incoming.attachment is not None and incoming.attachment.name == "bc.docx"


@pytest.mark.parametrize(("base", "files"), [
    ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot"),
    ("http://bothost:8081/bot/", "http://bothost:8081/file/bot"),
])
def test_file_url_sits_next_to_the_api_base(base: str, files: str) -> None:
    assert channel.file_url(base) == files


def test_webhook_needs_a_valid_secret_and_serves_the_public_path() -> None:
    assert channel.check_secret("bi-mat_123") == "bi-mat_123"
    for bad in (None, "", "có dấu", "x" * 257):
        with pytest.raises(channel.WebhookConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
            channel.check_secret(bad)
    assert channel.webhook_path("https://bot.example.gov.vn/telegram/hook") == "telegram/hook"


def test_main_refuses_to_start_without_a_token_or_a_webhook_secret(monkeypatch, capsys) -> None:
    webhook = SimpleNamespace(telegram=SimpleNamespace(webhook_url="https://bot.example.gov.vn/tg",
                                                       listen="127.0.0.1", port=8443))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.delenv("TELEGRAM_WEBHOOK_SECRET", raising=False)
    assert channel.main(webhook) == 2
    assert capsys.readouterr().err.strip() == MISSING_TOKEN

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:TEST-token")
    assert channel.main(webhook) == 2
    assert capsys.readouterr().err.strip() == BAD_SECRET


def test_log_lines_never_show_the_token() -> None:
    token = "123456:TEST-token"
    record = logging.LogRecord("httpx", logging.WARNING, __file__, 1, "POST %s failed",
                               (f"http://127.0.0.1/bot{token}/getUpdates",), None)
    line = channel._Redacting(token).format(record)
    assert token not in line and "/bot<token>/getUpdates" in line
