"""The Zalo adapter over real HTTP against FakeZalo, with the real core over the shipped knowledge."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

import httpx

from bot.core.assistant import CHOICE_HINT, Assistant
from bot.channels.zalo import adapter as zalo
from bot.channels.zalo.adapter import (IMAGE_NOT_SENT, NOT_FOUND, WEBHOOK_IN_USE, ZaloClient, ZaloConfigError,
                                       ZaloError, make_webhook_app, poll, send_reply, serve, to_incoming,
                                       update_key)
from bot.channels.zalo.client import DEFAULT_BASE_URL
from bot.channels.zalo.media import MediaHost
from bot.core.messages import ZALO, ChatKind, Command, Incoming, OutgoingFile, Reply, Sender
from tests.fakes.fixtures import free_port, zalo_fake  # noqa: F401
from tests.fakes.zalo_server import (FakeZalo, make_zalo_message, make_zalo_update,
                                     post_webhook_update)

BOT_NAME = "bot.test"  # FakeZalo's getMe account_name
SECRET = "bí-mật-webhook-01"
PUBLIC = "https://bot.example.vn"  # the bot's public address; the fake reaches it by a tunnel
QUESTION = "kh 0125 gửi hồ sơ về đâu"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


class Spy:
    """The real core, recording what reached it (handle runs in worker threads)."""

    def __init__(self, core: Assistant) -> None:
        self.core = core
        self.handled: list[Incoming] = []

    def seen(self, channel: str, update_key: str) -> bool:
        return self.core.seen(channel, update_key)

    def handle(self, msg: Incoming) -> list[Reply]:
        self.handled.append(msg)
        return self.core.handle(msg)


@pytest.fixture
def spy(assistant: Assistant) -> Spy:
    return Spy(assistant)


@pytest.fixture
async def client(zalo_fake: FakeZalo) -> AsyncIterator[ZaloClient]:  # noqa: F811
    async with ZaloClient(zalo_fake.token, zalo_fake.base_url, backoff=0.01) as c:
        yield c


@contextlib.asynccontextmanager
async def polling(spy: Spy, client: ZaloClient, poll_timeout: float = 0.2) -> AsyncIterator[asyncio.Task]:
    """The polling loop in a task, stopped (and checked to stop promptly) on exit."""
    stop = asyncio.Event()
    task = asyncio.create_task(poll(spy, client, stop, bot_name=BOT_NAME, poll_timeout=poll_timeout))
    try:
        yield task
    finally:
        stop.set()
        await asyncio.wait_for(task, 2)


@contextlib.asynccontextmanager
async def serving_webhook(spy: Any, client: ZaloClient, fake: FakeZalo,
                          secret: str = SECRET) -> AsyncIterator[tuple[str, str]]:
    """`serve` in webhook mode on a free loopback port, published at PUBLIC through the fake's
    tunnel (Zalo takes HTTPS webhooks only); yields the public and the local webhook URL."""
    port = free_port()
    fake.tunnel(PUBLIC, f"http://127.0.0.1:{port}")
    url, local = f"{PUBLIC}/zalo/hook", f"http://127.0.0.1:{port}/zalo/hook"
    stop = asyncio.Event()
    task = asyncio.create_task(serve(spy, client, stop, webhook_url=url, secret_token=secret,
                                     listen="127.0.0.1", port=port))
    try:
        await fake.wait_for_calls("setWebhook")
        yield url, local
    finally:
        stop.set()
        await asyncio.wait_for(task, 3)


class Scripted:
    """A stand-in core answering every message with the same replies."""

    def __init__(self, replies: list[Reply]) -> None:
        self.replies = replies

    def seen(self, channel: str, update_key: str) -> bool:
        return False

    def handle(self, msg: Incoming) -> list[Reply]:
        return self.replies

    def menu(self) -> list[Command]:
        return []


def texts(fake: FakeZalo, chat_id: str) -> list[str]:
    return [m.text or "" for m in fake.messages_to(chat_id)]


# -- polling ------------------------------------------------------------------------------------

async def test_polling_answers_after_idle_polls_and_takes_a_numbered_choice(zalo_fake, client, spy, caplog):
    caplog.set_level(logging.DEBUG)
    async with polling(spy, client):
        await zalo_fake.wait_until(lambda: sum(c.status == 408 for c in zalo_fake.calls) >= 2,
                                   what="two idle polls")
        await zalo_fake.send_text("p1", QUESTION, display_name="Lan")
        [answer] = await zalo_fake.wait_for_messages("p1", 1)
        await zalo_fake.send_text("p1", "1", display_name="Lan")
        replies = await zalo_fake.wait_for_messages("p1", 2)

    assert zalo_fake.calls[0].method == "getWebhookInfo" and not zalo_fake.calls_of("deleteWebhook")
    assert answer.text.startswith("Nơi gửi: Sở Nội vụ") and answer.text.endswith(CHOICE_HINT)
    assert replies[1].text == "Cảm ơn bạn! Góp ý đã được ghi nhận."
    assert {"chat_id": "p1", "action": "typing"} in zalo_fake.chat_actions
    first = spy.handled[0]
    assert (first.channel, first.chat_kind, first.mentioned, first.sender) == (
        ZALO, ChatKind.PRIVATE, True, Sender("p1", "Lan"))
    assert zalo_fake.token not in caplog.text  # the URL carries the token: never logged


async def test_long_reply_is_delivered_whole_in_order_within_2000(zalo_fake, client, spy, assistant):
    expected = [r.text for r in assistant.handle(
        Incoming(ZALO, "elsewhere", Sender("x"), text="kh 0125", command="tieuchi"))]
    assert len(expected) >= 2

    async with polling(spy, client):
        await zalo_fake.send_text("p2", "/tieuchi kh 0125")
        await zalo_fake.wait_for_messages("p2", len(expected))

    assert texts(zalo_fake, "p2") == expected
    assert all(0 < len(t) <= 2000 for t in expected)


async def test_a_redelivered_update_is_answered_once(zalo_fake, client, spy):
    async with polling(spy, client):
        await zalo_fake.send_text("p3", "/help", times=2)
        await zalo_fake.send_text("p3", "/vanban")
        await zalo_fake.wait_for_messages("p3", 2)
        await zalo_fake.wait_until(lambda: not zalo_fake.pending_updates, what="queue drained")

    sent = texts(zalo_fake, "p3")
    assert sent[0].startswith("Các lệnh:") and sent[1].startswith("Tôi đang có")
    assert len(sent) == 2 and [m.command for m in spy.handled] == ["help", "vanban"]


async def test_a_failing_send_is_logged_and_the_next_update_still_answered(zalo_fake, client, spy, caplog):
    zalo_fake.inject_error("sendMessage", 400, "Bad request")
    async with polling(spy, client):
        await zalo_fake.send_text("p4", "/help")
        await zalo_fake.wait_for_calls("sendMessage", 1)
        await zalo_fake.send_text("p5", "/help")
        [reply] = await zalo_fake.wait_for_messages("p5", 1)

    assert reply.text.startswith("Các lệnh:") and texts(zalo_fake, "p4") == []
    failures = [r for r in caplog.records if r.levelno == logging.ERROR and "p4" in r.getMessage()]
    assert failures and "Bad request" in str(failures[0].exc_info[1])


class DatabaseDown(Spy):
    """The real core, but every database call fails as when the server has gone away."""

    def seen(self, channel: str, update_key: str) -> bool:
        from sqlalchemy.exc import OperationalError

        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))


async def test_a_failure_gets_the_same_apology_as_on_telegram(zalo_fake, client, assistant, caplog):
    from bot.channels.telegram.adapter import APOLOGY

    down = DatabaseDown(assistant)
    async with polling(down, client):
        await zalo_fake.send_text("p7", QUESTION)
        await zalo_fake.send_update(make_zalo_update(make_zalo_message("g7", "ai nấu cơm?", user_id="u7",
                                                                       chat_type="GROUP")))
        [reply] = await zalo_fake.wait_for_messages("p7", 1)
        await zalo_fake.send_text("p8", "/help")
        await zalo_fake.wait_for_messages("p8", 1)

    assert reply.text == APOLOGY and texts(zalo_fake, "p8") == [APOLOGY]
    # Zalo delivers a group message only when it mentions or quotes the bot: it was addressed.
    assert texts(zalo_fake, "g7") == [APOLOGY]
    assert any("p7" in r.getMessage() and r.exc_info for r in caplog.records if r.levelno == logging.ERROR)


async def test_transient_failures_are_retried(zalo_fake, client, spy):
    """429 «Quota exceeded», and 403, which Zalo documents as its own internal error."""
    zalo_fake.inject_error("sendMessage", 429, "Quota exceeded")
    zalo_fake.inject_error("sendMessage", 403, "Internal server error")
    zalo_fake.inject_error("getUpdates", 502, "Bad Gateway")
    async with polling(spy, client):
        await zalo_fake.send_text("p6", "/help")
        [reply] = await zalo_fake.wait_for_messages("p6", 1)

    assert reply.text.startswith("Các lệnh:")
    assert [c.status for c in zalo_fake.calls_of("sendMessage")] == [429, 403, 200]


async def test_polling_stops_promptly_during_a_long_poll(spy):
    async with FakeZalo() as fake, ZaloClient(fake.token, fake.base_url) as client:
        stop = asyncio.Event()
        task = asyncio.create_task(poll(spy, client, stop, poll_timeout=30))
        await fake.wait_until_polling()
        started = time.monotonic()
        stop.set()
        await asyncio.wait_for(task, 2)

    assert time.monotonic() - started < 0.5


async def test_every_group_message_the_platform_delivers_is_answered(zalo_fake, client, spy):
    """Zalo delivers a group message only when it mentions the bot or quotes it, and a quote
    carries no «@name» in its text: each one is for the bot."""
    async with polling(spy, client):
        await zalo_fake.send_text("g1", QUESTION, chat_type="GROUP", user_id="u9")  # a quote
        await zalo_fake.wait_for_messages("g1", 1)
        await zalo_fake.send_text("g1", f"@{BOT_NAME} /vanban", chat_type="GROUP", user_id="u9")
        await zalo_fake.wait_for_messages("g1", 2)

    quoted, mentioned = zalo_fake.messages_to("g1")
    assert quoted.text.startswith("Nơi gửi: Sở Nội vụ") and mentioned.text.startswith("Tôi đang có")
    first, second = spy.handled
    assert (first.chat_kind, first.mentioned, first.text) == (ChatKind.GROUP, True, QUESTION)
    assert (second.command, second.mentioned) == ("vanban", True)
    assert [a["chat_id"] for a in zalo_fake.chat_actions] == ["g1", "g1"]


# -- webhook ------------------------------------------------------------------------------------

async def test_webhook_with_the_right_secret_is_processed_once(zalo_fake, client, spy):
    async with serving_webhook(spy, client, zalo_fake) as (url, local):
        await zalo_fake.send_text("w1", QUESTION, times=2)
        bare = make_zalo_update(make_zalo_message("w2", "/help"))
        status, _ = await post_webhook_update(local, bare, SECRET, envelope=False)
        await zalo_fake.wait_for_messages("w1", 1)
        await zalo_fake.wait_for_messages("w2", 1)

    assert zalo_fake.webhook == {"url": url, "secret_token": SECRET}
    assert [d.status for d in zalo_fake.webhook_deliveries] == [200, 200] and status == 200
    assert len(zalo_fake.messages_to("w1")) == 1 and texts(zalo_fake, "w1")[0].startswith("Nơi gửi")
    assert [m.chat_id for m in spy.handled] == ["w1", "w2"]


@pytest.mark.parametrize("secret", [None, "sai-bí-mật-rồi", ""])
async def test_webhook_without_the_right_secret_is_403_and_never_reaches_the_core(
        zalo_fake, client, spy, secret):
    app = make_webhook_app(spy, client, SECRET, "/zalo")
    from aiohttp import web

    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/zalo"
    try:
        update = make_zalo_update(make_zalo_message("w3", "/help"))
        status, _ = await post_webhook_update(url, update, secret)
        not_an_update: Any = "không phải một update"
        bad_body, _ = await post_webhook_update(url, not_an_update, SECRET, envelope=False)
    finally:
        await runner.cleanup()

    assert status == 403 and bad_body == 400
    assert spy.handled == [] and zalo_fake.calls == []


async def test_webhook_refuses_to_start_with_a_short_secret(zalo_fake, client, spy):
    stop = asyncio.Event()
    with pytest.raises(ZaloConfigError, match="ZALO_WEBHOOK_SECRET dài từ 8 đến 256 ký tự"):
        await serve(spy, client, stop, webhook_url="https://bot.example.vn/zalo", secret_token="ngắn")
    assert zalo_fake.calls == []  # refused before any call to Zalo

    with pytest.raises(ZaloError) as refused:  # the platform refuses one just as well
        await client.set_webhook("https://bot.example.vn/zalo", "ngắn")
    assert refused.value.code == 400 and "8 to 256" in refused.value.description


# -- entry point --------------------------------------------------------------------------------

def test_main_needs_a_token_and_a_valid_webhook_secret(settings, monkeypatch, capsys):
    monkeypatch.delenv("ZALO_BOT_TOKEN", raising=False)
    assert zalo.main(settings) == 2
    assert capsys.readouterr().err.strip().startswith("Thiếu ZALO_BOT_TOKEN")

    monkeypatch.setenv("ZALO_BOT_TOKEN", "123:abc")
    monkeypatch.setenv("ZALO_WEBHOOK_SECRET", "1234567")
    webhook = settings.model_copy(update={"zalo": settings.zalo.model_copy(
        update={"webhook_url": "https://bot.example.vn/zalo"})})
    assert zalo.main(webhook) == 2
    assert "ZALO_WEBHOOK_SECRET" in capsys.readouterr().err


# -- translation and rendering ------------------------------------------------------------------

def update_of(text: str, **message: Any) -> dict[str, Any]:
    return make_zalo_update(make_zalo_message("c1", text, **message))


@pytest.mark.parametrize("text, command, rest", [
    ("/HanChot 60", "hanchot", "60"),
    ("/tieuchi@bot.test kh 982", "tieuchi", "kh 982"),
    ("@Bot.Test /hoi hạn nộp?", "hoi", "hạn nộp?"),
    ("Chào @bot.test, hạn nộp báo cáo?", None, "Chào , hạn nộp báo cáo?"),
    ("/ không phải lệnh", None, "/ không phải lệnh"),
])
def test_group_texts_become_commands_and_lose_the_mention(text, command, rest):
    msg = to_incoming(update_of(text, chat_type="GROUP", user_id="u1"), BOT_NAME)
    assert msg is not None and msg.chat_kind is ChatKind.GROUP
    assert (msg.command, msg.text, msg.mentioned) == (command, rest, True)  # delivered = addressed


def test_other_updates():
    nfd = to_incoming(update_of("ha\u0323n no\u0323\u0302p"), "")
    assert nfd is not None and nfd.text == "hạn nộp" and nfd.mentioned  # NFC; private = addressed
    image = make_zalo_message("c1", "")
    image.update(photo_url="https://zalo.example/a.jpg", caption="ảnh báo cáo")
    msg = to_incoming(make_zalo_update(image, "message.image.received"), BOT_NAME)
    assert msg is not None and msg.attachment is not None
    assert (msg.attachment.file_id, msg.text) == ("https://zalo.example/a.jpg", "ảnh báo cáo")
    assert to_incoming(make_zalo_update(image, "message.sticker.received"), BOT_NAME) is None
    bare = {"message": make_zalo_message("c1", "không có event_name")}
    assert to_incoming(bare, BOT_NAME).text == "không có event_name"  # type: ignore[union-attr]
    from_bot = update_of("xin chào")
    from_bot["message"]["from"]["is_bot"] = True
    assert to_incoming(from_bot, BOT_NAME) is None
    assert update_key(update_of("a", message_id="m1")) == "m:m1"
    hashed = update_key({"event_name": "x"})
    assert hashed == update_key({"event_name": "x"}) != update_key({"event_name": "y"})


async def test_without_a_public_address_an_image_becomes_a_pointer_never_a_data_url(zalo_fake, client):
    chart = OutgoingFile("a.png", PNG, "image/png", "tiến độ")
    await send_reply(client, "f1", Reply("Biểu đồ tiến độ:", file=chart))
    table = OutgoingFile("bc.xlsx", b"PK\x03\x04", caption="Bảng tổng hợp")
    await send_reply(client, "f1", Reply(file=table))
    await send_reply(client, "f1", Reply(file=OutgoingFile("bc.pdf", b"%PDF-1.7")))
    await send_reply(client, "f1", Reply(notice="chỉ dành cho Telegram"))

    text, pointer, caption, missing = zalo_fake.messages_to("f1")
    assert text.text == "Biểu đồ tiến độ:"
    assert pointer.kind == "text" and pointer.text == IMAGE_NOT_SENT.format(name="tiến độ")
    assert caption.text == "Bảng tổng hợp"
    assert str(missing.text).startswith("Tệp «bc.pdf» không gửi được qua Zalo")
    assert not zalo_fake.calls_of("sendPhoto")


async def test_webhook_mode_serves_the_chart_from_the_bot_own_address(zalo_fake, client):
    chart = OutgoingFile("tonghop.png", PNG, "image/png", "Tiến độ báo cáo")
    core = Scripted([Reply(file=chart), Reply("Tổng hợp: 3/5 đơn vị đã báo cáo.")])
    async with serving_webhook(core, client, zalo_fake):
        await zalo_fake.send_text("w9", "/tonghop")
        photo, summary = await zalo_fake.wait_for_messages("w9", 2)

    assert photo.kind == "photo" and photo.caption == "Tiến độ báo cáo"
    link = str(photo.photo)
    assert link.startswith(f"{PUBLIC}/zalo/hook/media/") and link.endswith(".png")
    assert len(link.rsplit("/", 1)[1]) >= 40  # an unguessable name
    assert photo.fetched == PNG  # Zalo downloaded it from the bot
    assert summary.text == "Tổng hợp: 3/5 đơn vị đã báo cáo."
    assert not any("data:" in str(c.params) for c in zalo_fake.calls)


async def test_a_published_image_expires() -> None:
    from aiohttp import web

    now = [0.0]
    media = MediaHost(f"{PUBLIC}/zalo/media", ttl_s=60, clock=lambda: now[0])
    link = media.publish(PNG, "image/png")
    app = web.Application()
    app.router.add_get("/zalo/media/{name}", media.serve)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    local = link.replace(PUBLIC, f"http://127.0.0.1:{runner.addresses[0][1]}")
    try:
        async with httpx.AsyncClient() as http:
            fresh = await http.get(local)
            guessed = await http.get(local.rsplit("/", 1)[0] + "/tonghop.png")
            now[0] = 60.0
            expired = await http.get(local)
    finally:
        await runner.cleanup()

    assert (fresh.status_code, fresh.content, fresh.headers["content-type"]) == (200, PNG, "image/png")
    assert guessed.status_code == 404 and expired.status_code == 404


async def test_run_reports_a_bad_token_and_stops_cleanly_on_sigterm(zalo_fake, spy, monkeypatch, capsys):
    monkeypatch.setenv("ZALO_BASE_URL", zalo_fake.base_url)
    options = dict(webhook_url=None, secret_token=None)
    assert await zalo._run(spy, "1:sai-token", **options) == 1
    assert capsys.readouterr().err.startswith("ZALO_BOT_TOKEN không hợp lệ")

    run = asyncio.create_task(zalo._run(spy, zalo_fake.token, **options))
    await zalo_fake.wait_until_polling()
    os.kill(os.getpid(), signal.SIGTERM)  # the handler `_run` installed sets its stop event
    assert await asyncio.wait_for(run, 2) == 0
    assert [c.method for c in zalo_fake.calls[1:4]] == ["getMe", "getWebhookInfo", "getUpdates"]


# -- the documented host, 404s and an existing webhook ------------------------------------------

async def test_the_documented_host_is_the_default(monkeypatch) -> None:
    monkeypatch.delenv("ZALO_BASE_URL", raising=False)
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={"ok": True, "result": {"id": "1"}})

    async with ZaloClient("123:abc", transport=httpx.MockTransport(answer)) as client:
        await client.get_me()

    assert DEFAULT_BASE_URL == "https://bot-api.zaloplatforms.com/bot"
    assert seen == ["https://bot-api.zaloplatforms.com/bot123:abc/getMe"]


@pytest.mark.parametrize("method", ["getMe", "getUpdates"])
async def test_a_404_at_start_up_stops_with_one_message(zalo_fake, spy, monkeypatch, capsys, method):
    """The wrong host answers 404 (as bot-api.zapps.me did to getUpdates): say so and stop,
    instead of polling a dead address forever."""
    monkeypatch.setenv("ZALO_BASE_URL", zalo_fake.base_url)
    zalo_fake.inject_error(method, 404, "Not Found", times=None)
    code = await asyncio.wait_for(zalo._run(spy, zalo_fake.token, webhook_url=None, secret_token=None), 3)

    assert code == 1
    assert capsys.readouterr().err.strip() == NOT_FOUND.format(method=method, base=zalo_fake.base_url)
    assert len(zalo_fake.calls_of(method)) == 1


async def test_polling_refuses_to_remove_a_webhook_unless_told(zalo_fake, spy, monkeypatch, capsys, caplog):
    monkeypatch.setenv("ZALO_BASE_URL", zalo_fake.base_url)
    zalo_fake.webhook = {"url": "https://bot.example.vn/zalo", "secret_token": SECRET}
    options: dict[str, Any] = dict(webhook_url=None, secret_token=None)
    assert await asyncio.wait_for(zalo._run(spy, zalo_fake.token, **options), 3) == 2
    assert capsys.readouterr().err.strip() == WEBHOOK_IN_USE.format(url="https://bot.example.vn/zalo")
    assert zalo_fake.webhook is not None and not zalo_fake.calls_of("deleteWebhook")

    caplog.set_level(logging.WARNING)
    run = asyncio.create_task(zalo._run(spy, zalo_fake.token, drop_webhook=True, **options))
    await zalo_fake.wait_until_polling()
    os.kill(os.getpid(), signal.SIGTERM)
    assert await asyncio.wait_for(run, 2) == 0
    assert zalo_fake.webhook is None and len(zalo_fake.calls_of("deleteWebhook")) == 1
    [loud] = [r for r in caplog.records if "XOÁ WEBHOOK" in r.getMessage()]
    assert loud.levelno == logging.WARNING and "https://bot.example.vn/zalo" in loud.getMessage()


def test_drop_webhook_on_the_command_line_reaches_the_settings(monkeypatch) -> None:
    from bot import __main__ as cli

    seen: list[bool] = []
    monkeypatch.setattr(cli, "channel", lambda settings, name: seen.append(settings.zalo.drop_webhook) or 0)
    assert cli.main(["zalo", "--drop-webhook"]) == 0 and cli.main(["zalo"]) == 0
    assert seen == [True, False]
