"""The fake messenger servers work with the real clients: PTB for Telegram, httpx for Zalo."""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError
from telegram.ext import (AIORateLimiter, CallbackQueryHandler, CommandHandler, ContextTypes,
                          MessageHandler, filters)

from tests.fakes import post_json
from tests.fakes.fixtures import (free_port, ptb_builder, running_ptb,  # noqa: F401
                                  telegram_fake, zalo_fake)
from tests.fakes.telegram_server import (CANT_INITIATE, CHAT_NOT_FOUND, DEACTIVATED, MAX_DOCUMENT_BYTES,
                                         MAX_PHOTO_BYTES, FakeTelegram, RateLimits, post_webhook_update,
                                         text_entities)
from tests.fakes.zalo_server import IDLE_BODY, IDLE_HTTP, FakeZalo

# -- Telegram through a real python-telegram-bot Application --------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greets."""
    await update.effective_message.reply_text("Xin chào! Hãy hỏi về chỉ thị.")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Repeats the text."""
    await update.effective_message.reply_text(f"Bạn hỏi: {update.effective_message.text}")


def echo_app(fake: FakeTelegram, **builder_options: object):
    builder = ptb_builder(fake)
    for option, value in builder_options.items():
        builder = getattr(builder, option)(value)
    application = builder.build()
    application.add_handler(CommandHandler("start", start))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return application


async def test_ptb_polls_the_fake_and_replies_to_a_command_and_a_text(telegram_fake):
    async with running_ptb(echo_app(telegram_fake)):
        await telegram_fake.send_text(42, "/start")
        await telegram_fake.wait_for_messages(42, 1)
        await telegram_fake.send_text(42, "hạn nộp báo cáo là ngày nào?")
        replies = await telegram_fake.wait_for_messages(42, 2)

    assert [m.text for m in replies] == ["Xin chào! Hãy hỏi về chỉ thị.",
                                         "Bạn hỏi: hạn nộp báo cáo là ngày nào?"]
    methods = [c.method for c in telegram_fake.calls]
    assert methods[:3] == ["getMe", "deleteWebhook", "getUpdates"]
    send = telegram_fake.calls_of("sendMessage")[0]
    assert send.params["chat_id"] == 42 and send.ok
    # Every fetched update was confirmed by PTB's closing getUpdates(offset) call.
    assert telegram_fake.pending_updates == []


async def test_a_429_once_is_retried_by_the_aio_rate_limiter(telegram_fake):
    telegram_fake.inject_retry_after("sendMessage", retry_after=1)
    application = echo_app(telegram_fake, rate_limiter=AIORateLimiter(max_retries=1))
    async with running_ptb(application):
        await telegram_fake.send_text(7, "còn hạn không?")
        [reply] = await telegram_fake.wait_for_messages(7, 1, timeout=4)

    assert reply.text == "Bạn hỏi: còn hạn không?"
    first, second = telegram_fake.calls_of("sendMessage")
    assert (first.status, second.status) == (429, 200)
    assert second.time - first.time >= 1.0


async def test_text_over_4096_characters_is_refused_with_400(telegram_fake):
    telegram_fake.register_chat(5)
    async with Bot(telegram_fake.token, base_url=telegram_fake.base_url) as bot:
        await bot.send_message(5, "x" * 4096)
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(5, "x" * 4097)
        # HTML tags do not count towards the limit, as on the real server.
        await bot.send_message(5, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")

    assert [c.status for c in telegram_fake.calls_of("sendMessage")] == [200, 400, 200]


async def test_button_press_reaches_the_bot_and_its_answer_and_edit_are_recorded(
        telegram_fake):
    async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Offers two choices."""
        keyboard = [[InlineKeyboardButton("Đã nộp", callback_data="done"),
                     InlineKeyboardButton("Chưa", callback_data="todo")]]
        await update.effective_message.reply_text(
            "Báo cáo tháng 3?", reply_markup=InlineKeyboardMarkup(keyboard))

    async def chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Confirms the choice."""
        await update.callback_query.answer("Đã ghi nhận")
        await update.callback_query.edit_message_text(f"Chọn: {update.callback_query.data}")

    application = ptb_builder(telegram_fake).build()
    application.add_handler(CommandHandler("baocao", ask))
    application.add_handler(CallbackQueryHandler(chosen))
    async with running_ptb(application):
        await telegram_fake.send_text(-100, "/baocao@test_bot", chat_type="group")
        [question] = await telegram_fake.wait_for_messages(-100, 1)
        assert [b["callback_data"] for b in question.buttons] == ["done", "todo"]
        update = await telegram_fake.press_button(-100, question.message_id, "done")
        answer = await telegram_fake.wait_for_callback_answer(update["callback_query"]["id"])
        await telegram_fake.wait_until(lambda: question.edits != [], what="the edit")
        reply = await telegram_fake.send_text(-100, "ghi chú", reply_to=question.message_id)

    assert answer["text"] == "Đã ghi nhận"
    assert question.text == "Chọn: done" and question.edits == ["Báo cáo tháng 3?"]
    assert question.reply_markup is None
    assert reply["message"]["reply_to_message"]["text"] == "Chọn: done"
    assert reply["message"]["from"]["id"] == update["callback_query"]["from"]["id"]


async def test_documents_and_photos_arrive_multipart_with_name_and_bytes(telegram_fake):
    telegram_fake.register_chat(9)
    async with Bot(telegram_fake.token, base_url=telegram_fake.base_url) as bot:
        message = await bot.send_document(9, b"PK\x03\x04xlsx", filename="bao-cao.xlsx",
                                          caption="Tổng hợp")
        await bot.send_photo(9, b"\x89PNG....", filename="chart.png")

    document, photo = telegram_fake.messages_to(9)
    assert (document.document.filename, document.document.data) == ("bao-cao.xlsx",
                                                                     b"PK\x03\x04xlsx")
    assert document.caption == "Tổng hợp" and message.document.file_name == "bao-cao.xlsx"
    assert photo.photo.filename == "chart.png" and photo.photo.data == b"\x89PNG...."


async def test_injected_chat_failures_and_commands_round_trip(telegram_fake):
    telegram_fake.register_chat(11)
    telegram_fake.block_chat(11)
    telegram_fake.inject_error("sendMessage", *CHAT_NOT_FOUND, chat_id=12)
    async with Bot(telegram_fake.token, base_url=telegram_fake.base_url) as bot:
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(11, "nhắc hạn")
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(12, "nhắc hạn")
        await bot.set_my_commands([("hanchot", "Các hạn chót"), ("tieuchi", "Tiêu chí")])
        commands = await bot.get_my_commands()
        await bot.delete_my_commands()
        assert await bot.get_my_commands() == ()

    assert [c.command for c in commands] == ["hanchot", "tieuchi"]


async def test_ptb_webhook_receives_pushed_updates_and_rejects_a_missing_secret(
        telegram_fake):
    port = free_port()
    async with running_ptb(echo_app(telegram_fake), webhook_port=port,
                           webhook_secret="s3cret_token"):
        assert telegram_fake.webhook == {"url": f"http://127.0.0.1:{port}/tg",
                                         "secret_token": "s3cret_token",
                                         "allowed_updates": None, "max_connections": 40}
        await telegram_fake.send_text(21, "qua webhook")
        [reply] = await telegram_fake.wait_for_messages(21, 1)
        forged = {"update_id": 999, "message": {"message_id": 1, "date": 0,
                                                "chat": {"id": 21, "type": "private"},
                                                "text": "giả mạo"}}
        status, _ = await post_webhook_update(f"http://127.0.0.1:{port}/tg", forged)

    assert reply.text == "Bạn hỏi: qua webhook"
    assert telegram_fake.webhook_deliveries[0].status == 200
    assert status == 403


async def test_rate_report_and_enforced_limits():
    async with FakeTelegram(limits=RateLimits(per_chat_per_second=2)) as fake:
        fake.register_chat(-5, "group")
        fake.register_chat(6)
        base = fake.base_url
        for chat_id in (-5, -5, -5, 6):
            await post_json(f"{base}{fake.token}/sendMessage", {"chat_id": chat_id, "text": "a"})

    report = fake.rate_report()
    assert [c.status for c in fake.calls] == [200, 200, 429, 200]
    assert fake.calls[2].description == "Too Many Requests: retry after 1"
    assert report.total == 3 and report.peak_per_chat_per_second == {-5: 2, 6: 1}
    assert report.peak_per_group_per_minute == {-5: 2}
    assert report.violations() == ["chat -5: 2/s"]


async def test_captions_photos_and_documents_are_held_to_the_bot_api_limits():
    assert (MAX_PHOTO_BYTES, MAX_DOCUMENT_BYTES) == (10 * 1024 * 1024, 50 * 1024 * 1024)
    async with FakeTelegram(max_photo_bytes=1000, max_document_bytes=3000) as fake:
        fake.register_chat(9)
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            await bot.send_photo(9, b"p" * 1000, caption="c" * 1024)
            with pytest.raises(BadRequest, match="caption is too long"):
                await bot.send_photo(9, b"p" * 10, caption="c" * 1025)
            with pytest.raises(BadRequest, match="File is too big"):
                await bot.send_photo(9, b"p" * 1001)
            await bot.send_document(9, b"d" * 3000, filename="a.xlsx")
            with pytest.raises(NetworkError, match="Request Entity Too Large"):
                await bot.send_document(9, b"d" * 3001, filename="a.xlsx")

    assert [c.status for c in fake.calls if c.method != "getMe"] == [200, 400, 400, 200, 413]
    assert len(fake.messages_to(9)) == 2


async def test_forbidden_variants_and_a_migrated_group():
    async with FakeTelegram() as fake:
        fake.register_chat(31)
        fake.register_chat(32)
        fake.register_chat(-33, "group")
        fake.block_chat(31, *CANT_INITIATE)
        fake.block_chat(32, *DEACTIVATED)
        fake.migrate_chat(-33, -1000033)
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            with pytest.raises(Forbidden, match="can't initiate conversation with a user"):
                await bot.send_message(31, "nhắc hạn")
            with pytest.raises(Forbidden, match="user is deactivated"):
                await bot.send_message(32, "nhắc hạn")
            with pytest.raises(ChatMigrated) as moved:
                await bot.send_message(-33, "nhắc hạn")
            await bot.send_message(moved.value.new_chat_id, "nhắc hạn")

    assert moved.value.new_chat_id == -1000033
    assert [m.text for m in fake.messages_to(-1000033)] == ["nhắc hạn"]
    assert fake.chats[-1000033]["type"] == "supergroup"


async def test_callback_queries_expire():
    async with FakeTelegram() as fake:
        fake.register_chat(41)
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            sent = await bot.send_message(41, "Chọn:", reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("Có", callback_data="co")]]))
            fresh = await fake.press_button(41, sent.message_id, "co")
            stale = await fake.press_button(41, sent.message_id, "co")
            await bot.answer_callback_query(fresh["callback_query"]["id"])
            fake.expire_callback_queries()
            with pytest.raises(BadRequest, match="Query is too old"):
                await bot.answer_callback_query(stale["callback_query"]["id"])
    async with FakeTelegram(callback_query_ttl=0) as fake:
        fake.register_chat(41)
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            sent = await bot.send_message(41, "Chọn:", reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("Có", callback_data="co")]]))
            late = await fake.press_button(41, sent.message_id, "co")
            with pytest.raises(BadRequest, match="Query is too old"):
                await bot.answer_callback_query(late["callback_query"]["id"])


def test_entities_mark_commands_and_mentions_in_utf16_units():
    assert text_entities("/start@test_bot 😀 @lan_anh") == [
        {"type": "bot_command", "offset": 0, "length": 15},
        {"type": "mention", "offset": 19, "length": 8},
    ]


# -- Zalo through httpx -----------------------------------------------------------------------


def zalo_client(fake: FakeZalo) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=f"{fake.base_url}{fake.token}/")


async def test_zalo_idle_poll_ends_with_408(zalo_fake):
    async with zalo_client(zalo_fake) as client:
        response = await client.post("getUpdates", json={"timeout": "0.2"})

    assert response.status_code == 408
    assert response.json() == {"ok": False, "error_code": 408, "description": "Request timeout"}


async def test_zalo_idle_polls_end_both_ways_seen_in_practice():
    """HTTP 408, then HTTP 200 with ok:false and error_code 408 (a public client met both)."""
    async with FakeZalo(poll_cap=0.1) as fake, zalo_client(fake) as client:
        first, second = [await client.post("getUpdates", json={"timeout": 1}) for _ in range(2)]
    async with FakeZalo(poll_cap=0.1, idle_polls=[IDLE_BODY]) as fake, zalo_client(fake) as client:
        only_body = [(await client.post("getUpdates", json={"timeout": 1})).status_code for _ in range(2)]

    idle = {"ok": False, "error_code": 408, "description": "Request timeout"}
    assert (first.status_code, first.json()) == (408, idle)
    assert (second.status_code, second.json()) == (200, idle)
    assert only_body == [200, 200] and IDLE_HTTP == "http"


async def test_zalo_poll_returns_one_update_and_a_redelivery_twice(zalo_fake):
    await zalo_fake.send_text("u1", "hạn chót?", display_name="Lan", times=2)
    await zalo_fake.send_text("g1", "nhóm hỏi", chat_type="GROUP", user_id="u2")
    async with zalo_client(zalo_fake) as client:
        bodies = [(await client.post("getUpdates", json={"timeout": 1})).json()
                  for _ in range(3)]
        idle = await client.post("getUpdates", json={"timeout": "0.1"})

    first, again, group = (body["result"] for body in bodies)
    assert all(body["ok"] for body in bodies) and idle.status_code == 408
    assert first == again and first["event_name"] == "message.text.received"
    message = first["message"]
    assert message["from"] == {"id": "u1", "display_name": "Lan", "is_bot": False}
    assert message["chat"] == {"id": "u1", "chat_type": "PRIVATE"}
    assert isinstance(message["message_id"], str) and message["text"] == "hạn chót?"
    assert group["message"]["chat"]["chat_type"] == "GROUP"
    assert group["message"]["from"]["id"] == "u2"


async def test_zalo_poll_returns_as_soon_as_a_message_arrives(zalo_fake):
    async with zalo_client(zalo_fake) as client:
        poll = asyncio.create_task(client.post("getUpdates", json={"timeout": 10}))
        await zalo_fake.wait_until_polling()
        await zalo_fake.send_text("u3", "xin chào")
        response = await asyncio.wait_for(poll, 2)

    assert response.json()["result"]["message"]["text"] == "xin chào"


async def test_zalo_send_limits_actions_faults_and_token(zalo_fake):
    async with zalo_client(zalo_fake) as client:
        ok = await client.post("sendMessage", json={"chat_id": "u1", "text": "đ" * 2000})
        too_long = await client.post("sendMessage", json={"chat_id": "u1", "text": "đ" * 2001})
        action = await client.post("sendChatAction", json={"chat_id": "u1", "action": "typing"})
        zalo_fake.inject_error("sendMessage", 429, "Quota exceeded")
        quota = await client.post("sendMessage", json={"chat_id": "u1", "text": "lại"})
        photo = await client.post("sendPhoto", json={"chat_id": "u1", "photo": "https://x/p.png"})
    async with httpx.AsyncClient() as client:
        wrong = await client.post(f"{zalo_fake.base_url}bad:token/getMe")

    assert ok.status_code == 200 and set(ok.json()["result"]) == {"message_id", "date"}
    assert too_long.status_code == 400 and too_long.json()["ok"] is False
    assert zalo_fake.calls_of("sendMessage")[1].description == "text must be 1 to 2000 characters"
    assert action.json() == {"ok": True}
    assert quota.status_code == 429 and quota.json()["description"] == "Quota exceeded"
    assert photo.status_code == 200
    assert [m.kind for m in zalo_fake.messages_to("u1")] == ["text", "photo"]
    assert wrong.status_code == 401


@contextlib.asynccontextmanager
async def webhook_receiver() -> AsyncIterator[tuple[str, list[tuple[str | None, dict]]]]:
    """A bot-side webhook on a free port recording (secret header, JSON body) per POST."""
    received: list[tuple[str | None, dict]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((request.headers.get("X-Bot-Api-Secret-Token"), await request.json()))
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/zalo", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/zalo", received
    finally:
        await runner.cleanup()


async def test_zalo_webhook_rules_and_pushed_delivery(zalo_fake):
    async with webhook_receiver() as (hook_url, received), zalo_client(zalo_fake) as client:
        async def set_webhook(url: str, secret: str) -> httpx.Response:
            return await client.post("setWebhook", json={"url": url, "secret_token": secret})

        public = "https://bot.example.vn/zalo"
        zalo_fake.tunnel("https://bot.example.vn", hook_url.rsplit("/", 1)[0])
        short = await set_webhook(public, "7chars!")
        plain = await set_webhook("http://example.org/h", "12345678")
        loopback = await set_webhook(hook_url, "12345678")  # plain HTTP, even on this machine
        good = await set_webhook(public, "12345678")
        info = (await client.post("getWebhookInfo")).json()["result"]
        poll = await client.post("getUpdates", json={"timeout": 1})
        await zalo_fake.send_text("u5", "qua webhook")
        await client.post("deleteWebhook")
        await zalo_fake.send_text("u5", "qua polling")
        polled = await client.post("getUpdates", json={"timeout": 1})

    assert [r.status_code for r in (short, plain, loopback, good)] == [400, 400, 400, 200]
    assert loopback.json()["description"] == "url must be an HTTPS URL"
    assert info["url"] == public
    assert poll.status_code == 400 and poll.json()["ok"] is False
    assert zalo_fake.webhook_deliveries[0].url == hook_url  # through the tunnel
    assert received == [("12345678", {"ok": True,
                                      "result": zalo_fake.webhook_deliveries[0].update})]
    assert polled.json()["result"]["message"]["text"] == "qua polling"


@contextlib.asynccontextmanager
async def image_server(content: bytes, content_type: str = "image/png") -> AsyncIterator[str]:
    """A local server answering GET /a.png with the given bytes; yields its origin."""
    async def image(request: web.Request) -> web.Response:
        return web.Response(body=content, content_type=content_type)

    app = web.Application()
    app.router.add_get("/a.png", image)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def test_zalo_photos_are_https_links_that_zalo_downloads(zalo_fake):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8
    async with image_server(png) as origin, zalo_client(zalo_fake) as client:
        zalo_fake.tunnel("https://bot.example.vn", origin)

        async def photo(link: str, caption: str | None = None) -> httpx.Response:
            params = {"chat_id": "u1", "photo": link} | ({"caption": caption} if caption is not None else {})
            return await client.post("sendPhoto", json=params)

        data_url = await photo("data:image/png;base64,iVBORw0KGgo=")
        plain = await photo(f"{origin}/a.png")
        missing = await photo("https://bot.example.vn/khong-co.png")
        long_caption = await photo("https://bot.example.vn/a.png", "đ" * 2001)
        good = await photo("https://bot.example.vn/a.png", "Biểu đồ")

    assert [r.status_code for r in (data_url, plain, missing, long_caption)] == [400, 400, 400, 400]
    assert data_url.json()["description"] == "photo must be an HTTPS link"
    assert missing.json()["description"] == "photo could not be downloaded"
    assert good.status_code == 200
    [sent] = zalo_fake.messages_to("u1")
    assert (sent.photo, sent.caption, sent.fetched) == ("https://bot.example.vn/a.png", "Biểu đồ", png)
