"""`python -m bot deliver` and `python -m bot broadcast`: the outbox sent from the command line
with a sender for every channel whose token is set."""
from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.channels.telegram.sender import TelegramSender
from bot.channels.zalo.sender import ZaloSender
from bot.core.messages import TELEGRAM, ZALO
from bot.db.outbox import Outbox
from bot.delivery.claims import worker_id
from bot.delivery.errors import Sender
from bot.delivery.worker import DeliveryWorker, report_text

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.db.chats import ChatStore



TOKEN_ENV = {TELEGRAM.name: ("TELEGRAM_BOT_TOKEN", "TELEGRAM_BASE_URL"),
             ZALO.name: ("ZALO_BOT_TOKEN", "ZALO_BASE_URL")}
NO_TOKEN = "Kênh {channel} chưa có {env}: {n} tin của kênh này vẫn chờ trong hàng đợi."
NO_CHANNEL = "Chưa đặt TELEGRAM_BOT_TOKEN hay ZALO_BOT_TOKEN: không có kênh nào để gửi."
PROGRESS = "Đã gửi {sent}, lỗi {failed}, còn chờ {pending}"
FOLLOWING = ("Kênh {channel}: một tiến trình khác đang gửi tin; tiến trình này chờ và sẽ gửi thay "
             "nếu tiến trình đó dừng.")


class _Channels:
    """Senders for every channel whose token is set, opened and closed together."""

    def __init__(self, chats: ChatStore | None) -> None:
        self.chats = chats
        self.senders: dict[str, Sender] = {}
        self._close: list[Callable[[], Any]] = []

    async def __aenter__(self) -> _Channels:
        token, base = (os.environ.get(name, "").strip() for name in TOKEN_ENV[TELEGRAM.name])
        if token:
            from telegram import Bot

            bot = Bot(token, base_url=base or "https://api.telegram.org/bot")
            await bot.initialize()
            self._close.append(bot.shutdown)
            self.senders[TELEGRAM.name] = TelegramSender(bot)
        token, base = (os.environ.get(name, "").strip() for name in TOKEN_ENV[ZALO.name])
        if token:
            from bot.channels.zalo.client import ZaloClient

            client = ZaloClient(token, base or None, retries=0)
            self._close.append(client.aclose)
            self.senders[ZALO.name] = ZaloSender(client, self.chats)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        for close in self._close:
            await close()


def _stop_on_signals(stop: asyncio.Event) -> None:
    """Ctrl+C and SIGTERM finish the message in flight, then stop."""
    import contextlib
    import signal

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)


async def deliver(settings: Settings, *, until_empty: bool = False, broadcast_id: int | None = None,
                  out: Callable[[str], None] = print, progress_every: float = 2.0) -> int:
    """Send what the outbox holds (pending rows of a crashed run included). With `until_empty`
    or a broadcast id: until every row (of that broadcast) whose channel has a token is settled;
    otherwise until Ctrl+C."""
    from bot.db.chats import ChatStore
    from bot.db.engine import shared_engine
    from bot.db.people import PeopleStore

    engine = shared_engine(settings.database_url)
    outbox, people = Outbox(engine), PeopleStore(engine, settings.access.admins)
    stop = asyncio.Event()
    _stop_on_signals(stop)
    try:
        async with _Channels(ChatStore(engine)) as channels:
            for channel, (env, _) in TOKEN_ENV.items():
                waiting = outbox.unsettled(channel, broadcast_id)
                if channel not in channels.senders and waiting:
                    out(NO_TOKEN.format(channel=channel, env=env, n=waiting))
            if not channels.senders:
                out(NO_CHANNEL)
                return 2
            # One process at a time sends a channel (the limits are the bot's): the others wait.
            workers = [DeliveryWorker(outbox, sender, None, settings, people, worker_id(channel), lead=True)
                       for channel, sender in channels.senders.items()]
            for channel, worker in zip(channels.senders, workers):
                if not await worker.lead():
                    out(FOLLOWING.format(channel=channel))
            if until_empty or broadcast_id is not None:
                await _until_settled(outbox, workers, list(channels.senders), broadcast_id, stop, out,
                                     progress_every, settings.delivery.poll_s)
            else:
                await asyncio.gather(*(w.run(stop) for w in workers))
    finally:
        engine.dispose()
    return 0


async def _until_settled(outbox: Outbox, workers: list[DeliveryWorker], channels: list[str],
                         broadcast_id: int | None, stop: asyncio.Event, out: Callable[[str], None],
                         progress_every: float, poll_s: float) -> None:
    def remaining() -> int:
        return sum(outbox.unsettled(c, broadcast_id) for c in channels)

    async def progress() -> None:
        while True:
            await asyncio.sleep(progress_every)
            counts = await asyncio.to_thread(outbox.counts, broadcast_id)
            out(PROGRESS.format(sent=counts["sent"], failed=counts["failed"],
                                pending=counts["pending"] + counts["sending"]))

    reporter = asyncio.create_task(progress())
    keepers = [asyncio.create_task(w.keep_leading(stop)) for w in workers]
    try:
        while not stop.is_set() and await asyncio.to_thread(remaining):
            runs = await asyncio.gather(*(w.run_once(stop=stop) for w in workers))
            if not any(r.sent or r.failed or r.retried or r.rerouted for r in runs):
                # Rows due later (a backoff, a dead worker's lease): look again shortly.
                try:
                    await asyncio.wait_for(stop.wait(), min(poll_s, 1.0))
                except TimeoutError:
                    pass
        for worker in workers:  # reports of broadcasts finished by this run
            await worker.report_finished()
    finally:
        reporter.cancel()
        for keeper in keepers:
            keeper.cancel()
        await asyncio.gather(*keepers, return_exceptions=True)
        for worker in workers:
            await worker.step_down()


def broadcast(settings: Settings, text: str, to: str, *, send: bool = True,
              out: Callable[[str], None] = print) -> int:
    """`python -m bot broadcast`: plan one message per recipient, then deliver it and print
    the delivery report."""
    from bot.services.broadcasts import AudienceError, plan_broadcast
    from bot.db.engine import shared_engine
    from bot.db.people import PeopleStore

    text = text.strip()
    if not text:
        out("Nội dung thông báo đang trống.")
        return 2
    audience = to if to == "all" or ":" in to else f"unit:{to}"
    engine = shared_engine(settings.database_url)
    outbox = Outbox(engine)
    try:
        broadcast_id, recipients = plan_broadcast(outbox, PeopleStore(engine, settings.access.admins),
                                                  text, audience)
    except AudienceError as exc:
        out(str(exc))
        return 1
    finally:
        engine.dispose()
    out(f"Đã lập thông báo #{broadcast_id} cho {recipients} người nhận.")
    if not send:
        out("Chưa gửi (--no-send). Chạy «python -m bot deliver --until-empty» để gửi.")
        return 0
    asyncio.run(deliver(settings, broadcast_id=broadcast_id, out=out))
    engine = shared_engine(settings.database_url)
    try:
        report = Outbox(engine).broadcast_report(broadcast_id)
    finally:
        engine.dispose()
    if report is not None:
        out(report_text(report))
    return 0
