"""Delivery, the reminder plan and log pruning, run beside a messenger's bot (PTB jobs for
Telegram, a task for Zalo)."""
from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from bot.channels.telegram.sender import TelegramSender, download_file, plain_bot
from bot.channels.zalo.sender import ZaloSender
from bot.core.messages import TELEGRAM, ZALO
from bot.db.models.base import utc_now
from bot.db.outbox import Outbox
from bot.delivery.claims import worker_id
from bot.delivery.errors import Sender
from bot.delivery.worker import DeliveryWorker
from bot.services.retention import prune

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.db.chats import ChatStore
    from bot.db.people import PeopleStore
    from bot.services.attachments import AttachmentKeeper, Fetch

log = logging.getLogger(__name__)


JOB_BUDGET_S = 10.0  # a delivery job yields after this long (a stopping bot waits for it)
ATTACHMENTS_EVERY_S = 30.0  # how often reports' attachments are looked for to download
PRUNE_EVERY_S = 3600.0  # old questions, audit entries and counters are deleted hourly


class Background:
    """Delivery and the reminder plan, run beside a channel's bot: PTB jobs for Telegram, an
    asyncio task for Zalo."""

    def __init__(self, outbox: Outbox, people: PeopleStore | None, chats: ChatStore | None,
                 settings: Settings, planner: Any = None, announcer: Any = None,
                 keeper: AttachmentKeeper | None = None, attachments_every_s: float = ATTACHMENTS_EVERY_S) -> None:
        self.outbox = outbox
        self.people = people
        self.chats = chats
        self.settings = settings
        self.planner = planner  # anything with tick(now) -> int (bot.features.reminder_plan.ReminderPlanner)
        # anything with tick(now) -> int: the register's proposals (bot.features.task_register)
        self.announcer = announcer
        self.keeper = keeper    # downloads reports' attachments once they are committed
        self.attachments_every_s = attachments_every_s

    def worker(self, sender: Sender) -> DeliveryWorker:
        """The channel's worker; it sends only while this process is the channel's delivery
        leader (other bot or `deliver` processes on the same database take turns)."""
        return DeliveryWorker(self.outbox, sender, None, self.settings, self.people, worker_id(sender.channel),
                              lead=True)

    async def tick(self) -> int:
        """Propose new documents' tasks, then plan the reminders due now (both idempotent: what
        is done already is skipped)."""
        planned = 0
        for job, what in ((self.announcer, "đề xuất nhiệm vụ"), (self.planner, "lập lịch nhắc hạn")):
            if job is None:
                continue
            try:
                planned += int(await asyncio.to_thread(job.tick, utc_now()))
            except Exception:  # the next check tries again
                log.exception("%s: lỗi", what)
        return planned

    async def keep_attachments(self, channel: str, fetch: Fetch) -> int:
        """Download the attachments this channel's reports still lack (a failure waits for the
        next look)."""
        if self.keeper is None:
            return 0
        try:
            return await self.keeper.keep(channel, fetch)
        except Exception:  # a database hiccup: the next look tries again
            log.exception("attachments: lỗi khi tải tệp đính kèm của báo cáo")
            return 0

    async def prune(self) -> dict[str, int]:
        """Delete questions, audit entries and counters past their retention."""
        try:
            return await asyncio.to_thread(prune, self.outbox.engine, self.settings.retention, utc_now())
        except Exception:  # the next run tries again
            log.exception("retention: lỗi khi xóa dữ liệu quá hạn lưu")
            return {}

    # -- Telegram: python-telegram-bot's JobQueue --------------------------------------------------

    def schedule(self, application: Any, base_url: str | None = None) -> None:
        """Repeating jobs on the application's JobQueue: the outbox every `delivery.poll_s`
        (a run still going makes the next one return at once), the reminder plan every
        `reminders.check_seconds`, reports' attachments every `attachments_every_s`. `base_url`
        is the one the application was built with."""
        jobs = application.job_queue
        if jobs is None:
            raise RuntimeError("python-telegram-bot[job-queue] is needed to deliver reminders")
        bot = plain_bot(application, base_url)
        worker = self.worker(TelegramSender(bot))

        async def deliver(context: Any) -> None:
            await worker.lead()  # renewed even while a run waits out a pause
            if worker.busy:
                return
            await worker.run_once(budget_s=JOB_BUDGET_S)

        async def plan(context: Any) -> None:
            await self.tick()

        async def attachments(context: Any) -> None:
            await self.keep_attachments(TELEGRAM.name, lambda ref, limit: download_file(bot, ref, limit))

        async def pruning(context: Any) -> None:
            await self.prune()

        jobs.run_repeating(deliver, interval=self.settings.delivery.poll_s, first=0.0, name="delivery",
                           job_kwargs={"max_instances": 2, "coalesce": True})
        if self.planner is not None or self.announcer is not None:
            jobs.run_repeating(plan, interval=self.settings.reminders.check_seconds, first=1.0,
                               name="reminders", job_kwargs={"coalesce": True})
        if self.keeper is not None:
            jobs.run_repeating(attachments, interval=self.attachments_every_s, first=1.0,
                               name="attachments", job_kwargs={"coalesce": True})
        jobs.run_repeating(pruning, interval=PRUNE_EVERY_S, first=60.0, name="retention",
                           job_kwargs={"coalesce": True})

    # -- Zalo: an asyncio task -------------------------------------------------------------------

    async def run_zalo(self, token: str, stop: asyncio.Event, base_url: str | None = None) -> None:
        """Deliver Zalo's rows (and check the reminder plan) until `stop` is set."""
        from bot.channels.zalo.client import ZaloClient

        async with ZaloClient(token, base_url, retries=0) as client:
            worker = self.worker(ZaloSender(client, self.chats))
            await asyncio.gather(worker.run(stop), self._plan_until(stop),
                                 self._keep_attachments_until(stop, client.download), self._prune_until(stop))

    async def _prune_until(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.prune()
            try:
                await asyncio.wait_for(stop.wait(), PRUNE_EVERY_S)
            except TimeoutError:
                pass

    async def _keep_attachments_until(self, stop: asyncio.Event, fetch: Fetch) -> None:
        while self.keeper is not None and not stop.is_set():
            await self.keep_attachments(ZALO.name, fetch)
            try:
                await asyncio.wait_for(stop.wait(), self.attachments_every_s)
            except TimeoutError:
                pass

    async def _plan_until(self, stop: asyncio.Event) -> None:
        while (self.planner is not None or self.announcer is not None) and not stop.is_set():
            await self.tick()
            try:
                await asyncio.wait_for(stop.wait(), self.settings.reminders.check_seconds)
            except TimeoutError:
                pass
