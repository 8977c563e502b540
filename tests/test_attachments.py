"""Report attachments copied to the server once the report is committed: Zalo's image links
expire, so the file is kept under <store>/attachments/ beside the messenger's reference."""
from __future__ import annotations

import asyncio
import contextlib
import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy import Engine
from telegram import Bot

from bot.channels.background import Background
from bot.channels.telegram.sender import download_file
from bot.channels.zalo.client import ZaloClient
from bot.config import load_settings
from bot.db.chats import ChatStore
from bot.db.outbox import Outbox
from bot.db.people import PeopleStore
from bot.db.report_status import Status
from bot.db.reports import NewReport, ReportStore
from bot.services.attachments import MAX_TRIES, AttachmentKeeper
from bot.services.exports import export_bytes
from tests.fakes.telegram_server import FakeTelegram
from tests.fakes.zalo_server import FakeZalo

JPEG = b"\xff\xd8\xff\xe0" + b"j" * 200
TYPES = [".pdf", ".docx", ".jpg", ".jpeg", ".png"]


@contextlib.asynccontextmanager
async def cdn(files: dict[str, tuple[bytes, str]]) -> AsyncIterator[tuple[str, dict[str, tuple[bytes, str]]]]:
    """A stand-in for Zalo's image server: GET /<name> answers the bytes while they are listed
    (a link that expired is one no longer listed)."""
    async def serve(request: web.Request) -> web.Response:
        found = files.get(request.match_info["name"])
        if found is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=found[0], content_type=found[1])

    app = web.Application()
    app.router.add_get("/{name}", serve)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}", files
    finally:
        await runner.cleanup()


def report_with(reports: ReportStore, people: PeopleStore, channel: str, ref: str, name: str,
                mime: str | None) -> int:
    """A committed report of unit SNV carrying one attachment."""
    unit = people.unit("SNV")
    assert unit is not None
    code = people.create_invite("SNV").code
    member = people.register(channel, f"u-{ref[-12:]}", f"u-{ref[-12:]}", "Lan", code)
    report = NewReport(unit.id, member.official_id, channel, "Báo cáo quý", Status.DONE,
                       attachment_name=name, attachment_ref=ref, attachment_mime=mime)
    return reports.submit(report, token=f"t-{ref}").number


def place(engine: Engine, report_id: int) -> str:
    """The export's «Nơi lưu tệp» for one report."""
    content, _ = export_bytes(engine, "csv")
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    column = table[0].index("Nơi lưu tệp")
    return next(row[column] for row in table[1:] if int(row[0]) == report_id)


async def appears(path: Path) -> None:
    while not path.exists():
        await asyncio.sleep(0.02)


@pytest.fixture
def stores(db_engine: Engine) -> tuple[ReportStore, PeopleStore]:
    people = PeopleStore(db_engine)
    people.import_units([("SNV", "Sở Nội vụ")])
    return ReportStore(db_engine), people


async def test_zalo_images_are_kept_before_their_links_expire(db_engine, stores, tmp_path: Path) -> None:
    reports, people = stores
    keeper = AttachmentKeeper(reports, tmp_path, max_file_mb=0.001, file_types=TYPES)  # 1048 bytes
    async with cdn({"a.jpg": (JPEG, "image/jpeg"), "page.jpg": (b"<html>", "text/html"),
                    "big.jpg": (JPEG * 10, "image/jpeg")}) as (origin, files), \
            ZaloClient("1:token", "http://127.0.0.1:9/bot") as client:
        kept = report_with(reports, people, "zalo", f"{origin}/a.jpg", "ảnh.jpg", "image/*")
        gone = report_with(reports, people, "zalo", f"{origin}/gone.jpg", "ảnh.jpg", "image/*")
        html = report_with(reports, people, "zalo", f"{origin}/page.jpg", "ảnh.jpg", "image/*")
        big = report_with(reports, people, "zalo", f"{origin}/big.jpg", "ảnh.jpg", "image/*")
        assert await keeper.keep("zalo", client.download) == 1
        files.clear()  # every link has expired now
        for _ in range(MAX_TRIES):
            assert await keeper.keep("zalo", client.download) == 0
        assert await asyncio.to_thread(reports.attachments_to_keep, "zalo", 10, MAX_TRIES) == []

    stored = tmp_path / "attachments" / f"{kept}-ảnh.jpg"
    assert stored.read_bytes() == JPEG
    assert place(db_engine, kept) == f"attachments/{kept}-ảnh.jpg"
    for missed in (gone, html, big):  # not an image, too big, expired: the reference is all there is
        assert place(db_engine, missed).startswith(f"zalo: {origin}/")
    assert sorted(p.name for p in (tmp_path / "attachments").iterdir()) == [f"{kept}-ảnh.jpg"]


async def test_telegram_files_are_kept_through_get_file(db_engine, stores, tmp_path: Path) -> None:
    reports, people = stores
    keeper = AttachmentKeeper(reports, tmp_path, max_file_mb=1, file_types=TYPES)
    async with FakeTelegram() as tg:
        tg.add_user_file("F1", b"%PDF-1.7 bao cao", "bao-cao.pdf", "application/pdf")
        report_id = report_with(reports, people, "telegram", "F1", "bao-cao.pdf", "application/pdf")
        zalo_report = report_with(reports, people, "zalo", "https://zalo.example/x.jpg", "ảnh.jpg", "image/*")
        async with Bot(tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url) as bot:
            assert await keeper.keep("telegram", lambda ref, limit: download_file(bot, ref, limit)) == 1

    assert (tmp_path / "attachments" / f"{report_id}-bao-cao.pdf").read_bytes() == b"%PDF-1.7 bao cao"
    assert place(db_engine, report_id) == f"attachments/{report_id}-bao-cao.pdf"
    assert place(db_engine, zalo_report) == "zalo: https://zalo.example/x.jpg"  # another channel's


async def test_the_zalo_bot_keeps_attachments_beside_polling(db_engine, stores, tmp_path: Path) -> None:
    reports, people = stores
    settings = load_settings(environ={}, delivery__poll_s=0.2)
    keeper = AttachmentKeeper(reports, tmp_path, max_file_mb=1, file_types=TYPES)
    background = Background(Outbox(db_engine), people, ChatStore(db_engine), settings, keeper=keeper,
                            attachments_every_s=0.1)
    stop = asyncio.Event()
    async with cdn({"a.jpg": (JPEG, "image/jpeg")}) as (origin, _), FakeZalo() as zalo:
        report_id = report_with(reports, people, "zalo", f"{origin}/a.jpg", "ảnh.jpg", "image/*")
        task = asyncio.create_task(background.run_zalo(zalo.token, stop, zalo.base_url))
        stored = tmp_path / "attachments" / f"{report_id}-ảnh.jpg"
        await asyncio.wait_for(appears(stored), 5)
        stop.set()
        await asyncio.wait_for(task, 5)
    assert stored.read_bytes() == JPEG
