"""A message that arrives during a dialog never takes over the dialog's numbered choices: a
reminder delivered to Zalo mid-report, an answer or another command's list on the console."""
from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest

from bot.channels.zalo.sender import ZaloSender
from bot.core.messages import CONSOLE, ZALO, Button, Channel
from bot.features.reminder_plan import Mute
from bot.features.report_parts import StartReport
from tests.test_report_flow import KEY_0125, RECEIPT, User, World, new_world

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


class Client:
    """What ZaloSender needs of the Zalo client: messages are only recorded."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send_message(self, chat_id: str, text: str) -> None:
        self.sent.append((chat_id, text))


@pytest.fixture
def world(tmp_path: Path, database_url: str):  # type: ignore[no-untyped-def]
    built = new_world(tmp_path, database_url)
    yield built
    built.store.engine.dispose()


def at_summary(world: World, channel: Channel, user: str) -> User:
    """An official of SNV whose report waits at its summary (Gửi / Sửa lại / Hủy)."""
    official = world.official(channel, user)
    official.send("/baocao")
    official.tap("Gửi hồ sơ trình")
    official.tap("Hoàn thành")
    official.send("Đã gửi hồ sơ.")
    official.tap("Bỏ qua")
    assert "Xem lại" in official.last[0].text and "\n1. Gửi" in official.last[0].text
    return official


def test_a_zalo_reminder_mid_report_leaves_the_reports_choices(world: World) -> None:
    official = at_summary(world, ZALO, "zl-r1")
    reminder = ((Button("📝 Báo cáo ngay", StartReport(KEY_0125, date(2026, 3, 31)).pack()),),
                (Button("🔕 Tắt nhắc việc này", Mute(KEY_0125).pack()),))
    client = Client()
    asyncio.run(ZaloSender(client, world.core.chats).send("zl-r1", "Nhắc việc: Gửi hồ sơ trình …", reminder))
    assert client.sent[0][1].endswith("1. 📝 Báo cáo ngay\n2. 🔕 Tắt nhắc việc này\nTrả lời bằng số thứ tự "
                                      "của lựa chọn.")

    assert RECEIPT.match(official.send("1"))  # «Gửi», as the summary offered: the draft is sent
    assert [(r.obligation_key, r.status) for r in world.rows()] == [(KEY_0125, "done")]
    assert world.core.dialog(official_message(official)) is None


@SQLITE_ONLY
def test_console_answers_and_lists_mid_report_leave_the_reports_choices(world: World) -> None:
    official = at_summary(world, CONSOLE, "an")
    assert "Trả lời «1» nếu câu trả lời hữu ích" in official.send("/hoi kh 0125 gửi hồ sơ về đâu")
    again = official.send("2")  # not a 👎 on the answer: the report's «Sửa lại», back to the status
    assert again.startswith("Việc: Gửi hồ sơ trình") and "Tình trạng thực hiện?" in again
    official.tap("Hoàn thành")
    official.send("Đã gửi hồ sơ, kèm danh sách.")
    official.tap("Bỏ qua")
    assert RECEIPT.match(official.tap("Gửi"))
    assert [r.text for r in world.rows()] == ["Đã gửi hồ sơ, kèm danh sách."]
    assert not any(g.unhelpful for g in world.core.chats.gaps())


@SQLITE_ONLY
def test_another_commands_list_mid_report_is_not_the_reports(world: World) -> None:
    official = at_summary(world, CONSOLE, "an2")
    assert "🔕 Tất cả" in official.send("/tatnhacnho")
    assert RECEIPT.match(official.send("1"))  # the report's «Gửi», not the first obligation to mute
    assert [r.status for r in world.rows()] == ["done"]
    # Once the report is sent, nothing of it is left to pick: «1» is a question again.
    assert not RECEIPT.match(official.send("1"))


def official_message(official: User):  # type: ignore[no-untyped-def]
    from bot.core.messages import Incoming, Sender

    return Incoming(official.channel, official.user_id, Sender(official.user_id))
