"""pytest fixtures and helpers around the fake messenger servers.

Use them by importing into a test module (pytest collects fixtures from its namespace):

    from tests.fakes.fixtures import running_ptb, telegram_fake, ptb_builder  # noqa: F401
"""
from __future__ import annotations

import contextlib
import datetime as dtm
import socket
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from telegram.ext import Application, ApplicationBuilder

from tests.fakes.telegram_server import FakeTelegram
from tests.fakes.zalo_server import FakeZalo


@pytest_asyncio.fixture
async def telegram_fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeTelegram]:
    """A running FakeTelegram, closed after the test.

    Also opts PTB into timedelta time periods: otherwise building RetryAfter (on any 429)
    emits a PTBDeprecationWarning, which this suite's warnings-as-errors turns into a crash.
    """
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    async with FakeTelegram() as fake:
        yield fake


@pytest_asyncio.fixture
async def zalo_fake() -> AsyncIterator[FakeZalo]:
    """A running FakeZalo whose idle polls last at most half a second, closed after the test."""
    async with FakeZalo(poll_cap=0.5) as fake:
        yield fake


def ptb_builder(fake: FakeTelegram) -> ApplicationBuilder:
    """An ApplicationBuilder pointed at the fake; add handlers/limiters and build()."""
    return (ApplicationBuilder().token(fake.token).base_url(fake.base_url)
            .base_file_url(fake.base_file_url))


@contextlib.asynccontextmanager
async def running_ptb(application: Application, *, poll_timeout: float = 5.0,
                      webhook_port: int | None = None, webhook_secret: str | None = None,
                      ) -> AsyncIterator[Application]:
    """Run an Application (long polling, or a webhook on webhook_port) and stop it cleanly,
    even when the test body fails: a still-running Application cannot be shut down."""
    async with application:
        updater = application.updater
        assert updater is not None
        if webhook_port is None:
            await updater.start_polling(timeout=dtm.timedelta(seconds=poll_timeout))
        else:
            await updater.start_webhook(
                listen="127.0.0.1", port=webhook_port, url_path="tg",
                webhook_url=f"http://127.0.0.1:{webhook_port}/tg", secret_token=webhook_secret)
        await application.start()
        try:
            yield application
        finally:
            await updater.stop()
            await application.stop()


def free_port() -> int:
    """A loopback port free right now (for a bot's own webhook server)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
