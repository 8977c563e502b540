"""Progress reports: the /baocao dialog through the real core on SQLite and PostgreSQL, the
report store's rules (one row per submission token, corrections as new rows), the Telegram
channel end to end with the real PTB Application, and the console with piped input."""
from __future__ import annotations

import asyncio
import io
import json
import re
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.channels import console
from bot.core.clock import VIETNAM
from bot.core.assistant import CANCELLED, Assistant
from bot.db.models.conversations import Dialog
from bot.db.models.delivery import ReminderMute
from bot.db.models.people import Identity, Official, Unit
from bot.db.models.reports import Report
from bot.db.people import PeopleStore, Role
from bot.db.reports import CorrectionError, CorrectionProblem, NewReport, ReportStore
from bot.core.messages import CONSOLE, TELEGRAM, ZALO, Attachment, Channel, ChatKind, Incoming, Reply, Sender
from bot.db.dialogs import DialogState
from bot.features.report_draft import ReportDraft
from bot.features.report_flow import SESSION_OVER, ReportFlow
from bot.features.report_parts import safe_file_name
from bot.services.attachments import accepted_type
from bot.db.report_status import Status
from tests.conftest import ROOT, build_assistant, track_all
from tests.fakes.fixtures import running_ptb, telegram_fake, zalo_fake  # noqa: F401
from tests.fakes.telegram_server import BotMessage, FakeTelegram, make_message

START = datetime(2026, 1, 15, 2, 0, tzinfo=UTC)  # 09:00 in Vietnam
RECEIPT = re.compile(r"^Đã nhận báo cáo số (\d+) lúc (\d\d:\d\d \d\d/\d\d/\d{4})")
KEY_0125 = "5d83020f1dcdff60"   # «Gửi hồ sơ trình về Sở Nội vụ…», 0125/KH-UBND, due 31/03/2026
KEY_09 = "7d78082cfece7944"     # 09/CT-UBND, due 31/12/2025 (overdue on 15/01/2026)


class Clock:
    """The core's clock, moved by the tests."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class User:
    """One official talking to the core on one channel; keeps the last replies to tap on."""

    core: Assistant
    channel: Channel
    user_id: str
    chat_id: str = ""
    chat_kind: ChatKind = ChatKind.PRIVATE
    last: list[Reply] = field(default_factory=list)

    def send(self, text: str = "", attachment: Attachment | None = None, button: str | None = None) -> str:
        command = None
        if text.startswith("/"):
            command, _, text = text[1:].partition(" ")
        msg = Incoming(self.channel, self.chat_id or self.user_id, Sender(self.user_id, f"Cán bộ {self.user_id}"),
                       self.chat_kind, text=text, command=command, button=button, attachment=attachment)
        self.last = self.core.handle(msg)
        return "\n".join(r.text or r.notice for r in self.last)

    def tap(self, label: str) -> str:
        """Press the button (Telegram) or type the number of the choice (Zalo, console)."""
        if self.channel.buttons:
            found = [b for r in self.last for row in r.buttons for b in row if b.label.startswith(label)]
            assert found, f"no button «{label}» in {self.last}"
            return self.send(button=found[0].data)
        text = "\n".join(r.text for r in self.last)
        number = re.search(rf"^(\d+)\. {re.escape(label)}", text, re.MULTILINE)
        assert number, f"no choice «{label}» in {text}"
        return self.send(number.group(1))

    def buttons(self) -> list[str]:
        return [b.data for r in self.last for row in r.buttons for b in row]


@dataclass
class World:
    core: Assistant
    clock: Clock
    store: ReportStore
    base: Path
    database_url: str

    @property
    def people(self) -> PeopleStore:
        assert self.core.people is not None
        return self.core.people

    def invite(self, unit: str, role: str = "reporter") -> str:
        return self.people.create_invite(unit, role, now=self.clock()).code

    def official(self, channel: Channel, user_id: str, unit: str = "SNV", role: str = "reporter") -> User:
        user = User(self.core, channel, user_id)
        assert user.send(f"/dangky {self.invite(unit, role)}").startswith("Đăng ký thành công")
        return user

    def rows(self) -> list[Report]:
        with self.store._read() as session:
            return list(session.scalars(select(Report).order_by(Report.id)))


def new_world(base: Path, database_url: str, extra_knowledge: str = "") -> World:
    if extra_knowledge and not (base / "knowledge").exists():
        shutil.copytree(ROOT / "knowledge", base / "knowledge")
        (base / "knowledge" / "ke-hoach-99-kh-ubnd-2026.txt").write_text(extra_knowledge, encoding="utf-8")
    clock = Clock()
    core = build_assistant(base, database_url=database_url, now=clock, access__admins=["telegram:900"])
    assert core.people is not None
    core.people.import_units([("SNV", "Sở Nội vụ"), ("STC", "Sở Tài chính")])
    track_all(core.people.engine)
    flow = next(f for f in core.features if isinstance(f, ReportFlow))
    return World(core, clock, flow.store, base, database_url)


@pytest.fixture
def make_world() -> Iterator[Callable[..., World]]:
    """Builds worlds (cores over a database), closing their connections afterwards."""
    built: list[World] = []

    def make(base: Path, database_url: str, extra_knowledge: str = "") -> World:
        built.append(new_world(base, database_url, extra_knowledge))
        return built[-1]

    yield make
    for w in built:
        w.store.engine.dispose()  # every store of the core shares this engine


@pytest.fixture
def world(make_world: Callable[..., World], tmp_path: Path, database_url: str) -> World:
    return make_world(tmp_path, database_url)


def receipt_number(text: str) -> int:
    found = RECEIPT.match(text)
    assert found, text
    return int(found.group(1))


def report(user: User, obligation: str, status: str, text: str, percent: str | None = None,
           attachment: Attachment | None = None) -> str:
    """One report through every step, as an official taps it; the receipt's text."""
    assert "Chọn việc cần báo cáo" in user.send("/baocao")
    assert "Tình trạng thực hiện?" in user.tap(obligation)
    user.tap(status)
    if percent is not None:
        user.send(percent)
    assert "Nội dung báo cáo ngắn gọn" in user.last[0].text
    assert "Gửi kèm một tệp" in user.send(text)
    if attachment is None:
        user.tap("Bỏ qua")
    else:
        user.send(attachment=attachment)
    assert "Xem lại" in user.last[0].text
    return user.tap("Gửi")


# -- the dialog through the core ------------------------------------------------------------------


@pytest.mark.parametrize("channel", [CONSOLE, TELEGRAM], ids=["console", "telegram"])
def test_a_report_in_a_few_taps_is_stored_once_and_acknowledged(world: World, channel: Channel) -> None:
    official = world.official(channel, "501")
    listing = official.send("/baocao")
    assert listing.startswith("Báo cáo của Sở Nội vụ. Chọn việc cần báo cáo (hạn gần nhất trước")
    assert "09/CT-UBND) — hạn 31/12/2025, quá hạn" in listing or any(
        "quá hạn" in b.label for r in official.last for row in r.buttons for b in row)
    if channel.buttons:
        assert official.buttons()[0] == f"rp:o:{KEY_09}"
        assert all(len(d.encode()) <= 64 for d in official.buttons())
    official.tap("Gửi hồ sơ trình về Sở Nội vụ")
    official.tap("Đang triển khai")
    assert "bao nhiêu phần trăm" in official.last[0].text
    official.send("60")
    official.send("Đã lập danh sách, đang hoàn thiện hồ sơ.")
    path = "C:\\Users\\an\\Báo cáo\x07 quý 1.pdf"  # a Windows path and a control character
    official.send(attachment=Attachment("tg-file-1", path, "application/pdf", 200_000))
    summary = official.last[0].text
    assert "Tình trạng: Đang triển khai, 60%" in summary
    assert "Tệp đính kèm: Báo cáo quý 1.pdf" in summary
    world.clock.now = START + timedelta(minutes=3)
    receipt = official.tap("Gửi")

    found = RECEIPT.match(receipt)
    assert found, receipt
    number, at = found.groups()
    assert at == "09:03 15/01/2026"  # Vietnam time
    [row] = world.rows()
    assert (row.id, row.obligation_key, row.doc_number, row.due_date) == (int(number), KEY_0125, "0125/KH-UBND",
                                                                          date(2026, 3, 31))
    assert (row.status, row.percent, row.channel) == ("in_progress", 60, channel.name)
    assert row.text == "Đã lập danh sách, đang hoàn thiện hồ sơ."
    assert (row.attachment_name, row.attachment_ref, row.attachment_mime) == ("Báo cáo quý 1.pdf", "tg-file-1",
                                                                              "application/pdf")
    unit = world.people.unit("SNV")
    assert unit is not None
    assert world.store.latest_status(unit.id, KEY_0125, date(2026, 3, 31)) is Status.IN_PROGRESS
    assert world.core.dialog(Incoming(channel, "501", Sender("501"))) is None


def test_done_obligations_leave_the_list_and_the_report_goes_to_the_members_unit(world: World) -> None:
    snv, stc = world.official(ZALO, "601", "SNV"), world.official(TELEGRAM, "602", "STC")
    receipt = report(snv, "Thực hiện rà soát", "Hoàn thành", "Đã rà soát xong 42 công trình.")
    assert RECEIPT.match(receipt)
    assert "Thực hiện rà soát" not in snv.send("/baocao")
    # Another unit still has it open: «done» is per unit.
    stc.send("/baocao")
    assert f"rp:o:{KEY_09}" in stc.buttons()
    [row] = world.rows()
    snv_unit = world.people.unit("SNV")
    assert snv_unit is not None and (row.unit_id, row.status, row.percent) == (snv_unit.id, "done", 100)


def test_more_obligations_are_paged_and_other_takes_a_typed_title(
        make_world: Callable[..., World], tmp_path: Path, database_url: str) -> None:
    items = "\n".join(f"{i}. Các đơn vị gửi báo cáo chuyên đề số {i} về Sở Nội vụ trước ngày {i + 5}/02/2026."
                      for i in range(1, 11))
    world = make_world(tmp_path, database_url, f"Số: 99/KH-UBND\nKẾ HOẠCH\nBáo cáo chuyên đề năm 2026\n\n"
                                                f"I. NHIỆM VỤ\n{items}\n")
    official = world.official(TELEGRAM, "701")
    official.send("/baocao")
    first = [d for d in official.buttons() if d.startswith("rp:o:")]
    assert len(first) == 8 and "rp:more" in official.buttons() and "việc 1–8 trên 12" in official.last[0].text
    official.tap("Xem thêm")
    second = [d for d in official.buttons() if d.startswith("rp:o:")]
    assert len(second) == 4 and not set(first) & set(second) and "rp:more" not in official.buttons()
    assert second[-1] == f"rp:o:{KEY_0125}"  # nearest deadline first: 31/03/2026 comes last
    official.tap("Khác")
    assert "Gõ tên việc" in official.last[0].text
    assert "quá giới hạn 200" in official.send("x" * 201)
    official.send("Tổng kết công tác thông tin đối ngoại năm 2025")
    official.tap("Chưa triển khai")
    official.send("Chưa bắt đầu, chờ hướng dẫn.")
    official.send("bỏ qua")
    assert RECEIPT.match(official.tap("Gửi"))
    [row] = world.rows()
    assert (row.obligation_key, row.title, row.due_date, row.status, row.percent) == (
        None, "Tổng kết công tác thông tin đối ngoại năm 2025", None, "not_started", None)


def test_a_correction_is_a_new_row_only_for_its_author_within_the_window(world: World) -> None:
    author = world.official(TELEGRAM, "801")
    colleague = world.official(TELEGRAM, "802")
    first_id = receipt_number(report(author, "Gửi hồ sơ trình", "Đang triển khai", "Đang làm.", percent="30"))
    # From the receipt's button: the same obligation, every answer asked again.
    author.tap("Sửa báo cáo này")
    assert author.last[0].text.startswith(f"Sửa báo cáo số {first_id} (gửi lúc 09:00 15/01/2026)")
    author.tap("Đang triển khai")
    author.send("45")
    author.send("Đang làm, đã xong 45%.")
    author.tap("Bỏ qua")
    assert f"Sửa báo cáo số {first_id}" in author.last[0].text
    fixed = RECEIPT.match(author.tap("Gửi"))
    assert fixed and f"(sửa cho báo cáo số {first_id})" in author.last[0].text
    second_id = int(fixed.group(1))

    rows = world.rows()
    assert [(r.id, r.percent, r.corrects_id) for r in rows] == [(first_id, 30, None), (second_id, 45, first_id)]
    unit = world.people.unit("SNV")
    assert unit is not None
    assert [r.id for r in world.store.history(unit.id, KEY_0125)] == [first_id, second_id]
    # The corrected report is no longer the latest: it cannot be corrected again.
    assert "chỉ sửa được báo cáo mới nhất" in author.send(button=f"rp:fix:{first_id}")
    # A colleague of the same unit may not correct it; /baocao offers the author a correction.
    assert "do cán bộ khác gửi" in colleague.send(button=f"rp:fix:{second_id}")
    author.send("/baocao")
    author.tap("Gửi hồ sơ trình")
    assert "Bạn đã báo cáo việc này lúc 09:00 15/01/2026" in author.last[0].text
    assert author.buttons() == [f"rp:fix:{second_id}", "rp:new"]
    # Once the window has passed: a clear refusal, and /baocao goes straight to a new report.
    world.clock.now = START + timedelta(minutes=1441)
    assert "đã gửi quá 24 giờ nên không sửa được nữa" in author.send(button=f"rp:fix:{second_id}")
    assert "Bạn không có báo cáo nào còn sửa được" in author.send("/suabaocao")
    author.send("/baocao")
    assert "Tình trạng thực hiện?" in author.tap("Gửi hồ sơ trình")
    assert len(world.rows()) == 2


def test_suabaocao_on_a_console_corrects_with_numbered_choices(world: World) -> None:
    official = world.official(CONSOLE, "811")
    report(official, "Thực hiện rà soát", "Hoàn thành", "Xong.")
    text = official.send("/suabaocao")
    assert text.startswith("Sửa báo cáo số 1") and "1. Chưa triển khai" in text
    official.tap("Đang triển khai")
    official.send("90")  # a percentage, not a numbered choice
    official.send("Còn thiếu biên bản.")
    official.tap("Bỏ qua")
    assert "Tình trạng: Đang triển khai, 90%" in official.last[0].text
    assert RECEIPT.match(official.tap("Gửi"))
    assert [(r.status, r.percent, r.corrects_id) for r in world.rows()] == [("done", 100, None),
                                                                             ("in_progress", 90, 1)]


def test_cancel_midway_saves_nothing_and_its_buttons_expire(world: World) -> None:
    official = world.official(TELEGRAM, "901")
    official.send("/baocao")
    official.tap("Gửi hồ sơ trình")
    official.tap("Hoàn thành")
    official.send("Đã gửi hồ sơ.")
    official.tap("Bỏ qua")
    send = next(d for d in official.buttons() if d.startswith("rp:c:send:"))
    assert official.send("/huy") == CANCELLED
    assert official.send(button=send) == SESSION_OVER
    assert official.send("một câu hỏi bất kỳ") != "" and world.rows() == []
    # «Hủy» on the summary does the same.
    official.send("/baocao")
    official.tap("Gửi hồ sơ trình")
    official.tap("Hoàn thành")
    official.send("Đã gửi hồ sơ.")
    official.tap("Bỏ qua")
    assert official.tap("Hủy") == "Đã hủy, báo cáo chưa được gửi."
    assert world.rows() == []


def test_edit_from_the_summary_and_typed_digits_in_free_text_steps(world: World) -> None:
    official = world.official(CONSOLE, "951")
    official.send("/baocao")
    official.tap("Gửi hồ sơ trình")
    official.tap("Hoàn thành")
    official.send("3")  # the text itself, not choice 3 of the status list
    official.tap("Bỏ qua")
    assert "Nội dung: 3" in official.last[0].text
    assert "Tình trạng thực hiện?" in official.tap("Sửa lại")
    official.tap("Đang triển khai")
    official.send("1")  # 1 %, not a numbered choice
    official.send("Mới bắt đầu.")
    official.tap("Bỏ qua")
    assert "Tình trạng: Đang triển khai, 1%" in official.last[0].text
    assert receipt_number(official.tap("Gửi")) == 1
    assert [(r.status, r.percent, r.text) for r in world.rows()] == [("in_progress", 1, "Mới bắt đầu.")]


def test_buttons_of_an_earlier_step_do_nothing(world: World) -> None:
    official = world.official(TELEGRAM, "961")
    official.send("/baocao")
    official.tap("Gửi hồ sơ trình")
    official.tap("Hoàn thành")
    official.send("Xong.")
    official.tap("Bỏ qua")
    assert official.send(button="rp:s:not_started") == "Lựa chọn này không còn hiệu lực."
    assert official.send(button=f"rp:o:{KEY_09}") == "Lựa chọn này không còn hiệu lực."
    assert "Việc: Gửi hồ sơ trình về Sở Nội vụ" in official.send("gửi đi")  # the summary again
    official.tap("Gửi")
    [row] = world.rows()
    assert (row.obligation_key, row.status) == (KEY_0125, "done")


def test_a_restart_midway_continues_the_dialog_from_the_database(
        world: World, make_world: Callable[..., World]) -> None:
    official = world.official(ZALO, "1001")
    official.send("/baocao")
    official.tap("Gửi hồ sơ trình")
    official.tap("Đang triển khai")
    # A new process (or another worker) over the same database carries on.
    again = make_world(world.base, world.database_url)
    official.core = again.core
    official.send("75")
    assert "Nội dung báo cáo ngắn gọn" in official.last[0].text
    official.send("Đã hoàn thiện 3/4 hồ sơ.")
    official.tap("Bỏ qua")
    assert RECEIPT.match(official.tap("Gửi"))
    [row] = again.rows()
    assert (row.obligation_key, row.percent, row.channel) == (KEY_0125, 75, "zalo")


def test_a_draft_saved_as_a_dict_before_it_was_typed_is_sent_as_it_was(world: World) -> None:
    """A report half-written before the upgrade (its dialog row as the old code wrote it, file
    and all) carries on; the typed draft reads and writes the very same keys and formats."""
    official = world.official(TELEGRAM, "1051")
    member = world.people.member("telegram", "1051")
    assert member is not None and member.unit is not None
    old = {"token": "t" * 32, "unit": member.unit.id, "official": member.official_id, "page": 0, "key": KEY_0125,
           "title": "Gửi hồ sơ trình về Sở Nội vụ", "doc": "0125/KH-UBND", "due": "2026-03-31", "corrects": None,
           "status": "in_progress", "percent": 40, "text": "Đang làm.",
           "file": {"name": "bc.pdf", "ref": "tg-file-9", "mime": "application/pdf"}}
    assert ReportDraft.from_data(old).to_data() == {k: v for k, v in old.items() if v is not None}
    assert world.core.dialogs is not None
    world.core.dialogs.save("telegram", "1051", "1051", DialogState("report", "confirm", old))
    summary = official.send("gì đây?")  # typed at the summary: it is shown again
    assert "Tình trạng: Đang triển khai, 40%" in summary and "Tệp đính kèm: bc.pdf" in summary
    assert RECEIPT.match(official.tap("Gửi"))
    [row] = world.rows()
    assert (row.obligation_key, row.due_date, row.status, row.percent, row.text) == (
        KEY_0125, date(2026, 3, 31), "in_progress", 40, "Đang làm.")
    assert (row.attachment_name, row.attachment_ref, row.attachment_mime) == ("bc.pdf", "tg-file-9", "application/pdf")


def test_a_draft_reads_any_row_it_is_given() -> None:
    """Keys missing (an early step) stay empty; values no version writes are dropped, not fatal."""
    early = {"token": "abc", "unit": 3, "official": 7, "page": 0}
    draft = ReportDraft.from_data(early)
    assert (draft.key, draft.status, draft.due, draft.file, draft.text) == (None, None, None, None, "")
    assert draft.to_data() == early
    odd = ReportDraft.from_data({"status": "xong", "due": "31/3", "page": "2", "percent": True, "file": "x"})
    assert (odd.status, odd.due, odd.page, odd.percent, odd.file, odd.unit) == (None, None, 2, None, None, None)
    assert not ReportDraft.from_data({}).token


def test_who_may_report(world: World) -> None:
    stranger = User(world.core, TELEGRAM, "1101")
    assert stranger.send("/baocao").startswith("Bạn chưa đăng ký") and "/dangky <mã>" in stranger.last[0].text
    assert stranger.send(button=f"rp:start:{KEY_0125}").startswith("Bạn chưa đăng ký")
    reader = world.official(TELEGRAM, "1102", role="reader")
    assert "Vai trò của bạn: chỉ xem" in reader.send("/baocao")
    admin = User(world.core, TELEGRAM, "900")  # a config admin, no unit
    assert "chưa thuộc đơn vị nào" in admin.send("/baocao")
    admin.send(f"/dangky {world.invite('STC')}")  # an admin with a unit reports for it
    assert "Báo cáo của Sở Tài chính" in admin.send("/baocao")
    in_group = User(world.core, TELEGRAM, "1103", chat_id="-5", chat_kind=ChatKind.GROUP)
    in_group.send(f"/dangky {world.invite('SNV')}")
    world.official(TELEGRAM, "1103")
    assert "tin nhắn riêng" in in_group.send("/baocao")

    snv, stc = world.official(TELEGRAM, "1104", "SNV"), world.official(TELEGRAM, "1105", "STC")
    report(snv, "Gửi hồ sơ trình", "Hoàn thành", "Đã gửi.")
    [row] = world.rows()
    # Another unit's official: the report does not exist for them, its token submits nothing.
    assert stc.send(button=f"rp:fix:{row.id}") == f"Không tìm thấy báo cáo số {row.id} của bạn."
    assert stc.send(button=f"rp:c:send:{row.submission_token}") == SESSION_OVER
    assert "Bạn không có báo cáo nào còn sửa được" in stc.send("/suabaocao")
    assert stc.send(f"/suabaocao {row.id}") == f"Không tìm thấy báo cáo số {row.id} của bạn."
    # A reporter demoted to reader mid-dialog is stopped at the next step.
    snv.send("/baocao")
    snv.tap("Thực hiện rà soát")
    world.people.grant(official_id(world, "1104"), Role.READER, by=None, channel="cli")
    assert "Vai trò của bạn: chỉ xem" in snv.tap("Hoàn thành")
    assert len(world.rows()) == 1


def official_id(world: World, user_id: str) -> int:
    member = world.people.member("telegram", user_id)
    assert member is not None
    return member.official_id


def test_a_reminder_button_starts_at_the_status_step(world: World) -> None:
    official = world.official(TELEGRAM, "1201")
    text = official.send(button=f"rp:start:{KEY_09}:20251231")
    assert "Hạn: 31/12/2025 (quá hạn)" in text and text.endswith("Tình trạng thực hiện?")
    assert "Hạn: 31/12/2025" in official.send(button=f"rp:start:{KEY_09}")  # a button without the date
    assert official.send(button="rp:start:0000000000000000") .startswith("Việc này không còn trong danh sách")


def test_a_reminder_button_names_its_deadline() -> None:
    """A reminder about a missed yearly deadline reports on that deadline, not on next year's."""
    from bot.facts.model import Deadline, DeadlineKind
    from bot.services.obligations import TrackedObligation
    from bot.features.report_flow import _occurrence

    yearly = TrackedObligation("k", "tổng kết", "1/KH", "a.txt", "", "", Deadline(
        DeadlineKind.RECURRING, "trước ngày 25 tháng 3 hằng năm", day=25, month=3), date(2027, 3, 25))
    once = TrackedObligation("k", "gửi hồ sơ", "1/KH", "a.txt", "", "", Deadline(
        DeadlineKind.ABSOLUTE, "trước ngày 31/3/2026", due=date(2026, 3, 31)), date(2026, 3, 31))
    assert _occurrence(yearly, "20260325", date(2026, 2, 1)) == date(2026, 3, 25)
    assert _occurrence(yearly, "20260324", date(2026, 2, 1)) is None   # not one of its deadlines
    assert _occurrence(yearly, "20250325", date(2026, 2, 1)) is None   # too old to report on
    assert _occurrence(yearly, "", date(2026, 2, 1)) is None           # an older button: the current one
    assert _occurrence(once, "20260331", date(2026, 2, 1)) == date(2026, 3, 31)
    assert _occurrence(once, "20270331", date(2026, 2, 1)) is None


def test_limits_on_text_and_files(world: World) -> None:
    official = world.official(TELEGRAM, "1301")
    official.send("/baocao")
    official.tap("Gửi hồ sơ trình")
    official.tap("Hoàn thành")
    too_long = official.send("x" * 1001)
    assert too_long.startswith("Nội dung dài 1001 ký tự, quá giới hạn 1000 ký tự.")
    assert "Nội dung dài 1000" not in official.send("x" * 1000)  # at the limit: accepted
    big = Attachment("f1", "ho-so.pdf", "application/pdf", 11 * 1024 * 1024)
    assert official.send(attachment=big).startswith("Tệp «ho-so.pdf» nặng 11 MB, quá giới hạn 10 MB.")
    exe = Attachment("f2", "../../etc/ho-so.exe", "application/x-msdownload", 1000)
    assert official.send(attachment=exe).startswith("Tệp «ho-so.exe» không thuộc loại được nhận (PDF, DOC")
    disguised = Attachment("f3", "ho-so.pdf", "application/x-msdownload", 1000)
    assert "không thuộc loại được nhận" in official.send(attachment=disguised)
    assert "tôi chờ một tệp đính kèm" in official.send("đây không phải tệp")
    # A type with a long parameter list (as some clients send) is stored bare, on every backend.
    official.send(attachment=Attachment("f4", "anh-chup.PNG", "Image/PNG; " + "x=1; " * 40, 50_000))
    assert "Tệp đính kèm: anh-chup.PNG" in official.last[0].text
    assert RECEIPT.match(official.tap("Gửi"))
    [row] = world.rows()
    assert (len(row.text), row.attachment_ref, row.attachment_name, row.attachment_mime) == (
        1000, "f4", "anh-chup.PNG", "image/png")


def test_numbers_in_a_report_are_decimal_digits_only(world: World) -> None:
    """«²» passes str.isdigit() and breaks int(): the percentage is asked again, and
    /suabaocao with such a «number» is not a report number."""
    official = world.official(TELEGRAM, "1302")
    official.send("/baocao")
    official.tap("Gửi hồ sơ trình")
    official.tap("Đang triển khai")
    for typed in ("²", "5²", "1" * 5000, "101", "-5"):
        assert official.send(typed).startswith(f"Tôi chưa hiểu «{typed[:39]}"), typed
    assert "Nội dung báo cáo ngắn gọn" in official.send("60 %")
    official.send("/huy")
    assert "Tôi chưa hiểu" not in official.send("/suabaocao ²") and world.rows() == []


def test_file_names_and_types() -> None:
    assert safe_file_name(Attachment("x", "/tmp/../../a\u202eb\x00.pdf")) == "ab.pdf"
    assert safe_file_name(Attachment("x", "", "image/*")) == "ảnh.jpg"  # a Zalo image: no name
    assert safe_file_name(Attachment("x", "..")) == "tệp-đính-kèm"
    assert len(safe_file_name(Attachment("x", "a" * 300 + ".docx"))) == 120
    types = [".pdf", ".docx", ".jpg", ".png"]
    assert accepted_type("a.pdf", "application/pdf", types) and accepted_type("a.PDF", "", types)
    assert accepted_type("ảnh.jpg", "image/*", types) and accepted_type("photo.jpg", "image/jpeg", types)
    assert not accepted_type("a.exe", "", types) and not accepted_type("tệp", "", types)
    assert not accepted_type("a.pdf", "text/html", types) and not accepted_type("a.zip", "application/pdf", types)


def test_a_zalo_image_is_accepted_as_the_attachment(world: World) -> None:
    from bot.channels.zalo.adapter import to_incoming

    official = world.official(ZALO, "1401")
    official.send("/baocao")
    official.tap("Gửi hồ sơ trình")
    official.tap("Hoàn thành")
    official.send("Ảnh chụp biên bản gửi kèm.")
    update = {"event_name": "message.image.received",
              "message": {"message_id": "m1", "from": {"id": "1401", "display_name": "An"},
                          "chat": {"id": "1401", "chat_type": "PRIVATE"}, "photo_url": "https://zalo.example/i/1.jpg"}}
    msg = to_incoming(update)
    assert msg is not None and msg.attachment is not None
    official.last = world.core.handle(msg)
    assert "Tệp đính kèm: ảnh.jpg" in official.last[0].text
    official.tap("Gửi")
    [row] = world.rows()
    assert (row.attachment_ref, row.attachment_mime) == ("https://zalo.example/i/1.jpg", "image/*")


def test_a_double_tapped_send_is_one_report(world: World) -> None:
    official = world.official(TELEGRAM, "1501")
    official.send("/baocao")
    official.tap("Gửi hồ sơ trình")
    official.tap("Hoàn thành")
    official.send("Xong.")
    official.tap("Bỏ qua")
    send = next(d for d in official.buttons() if d.startswith("rp:c:send:"))
    # Two workers handle the same press at once, then the messenger redelivers it.
    press = Incoming(TELEGRAM, "1501", Sender("1501"), button=send)
    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(world.core.handle, [press, press])
    third = world.core.handle(press)
    numbers = {receipt_number(r[0].text) for r in (first, second, third)}
    assert len(numbers) == 1 and len(world.rows()) == 1


# -- the store --------------------------------------------------------------------------------------


def _units_and_officials(engine: Engine, count: int) -> list[tuple[int, int]]:
    with Session(engine) as session, session.begin():
        units = [Unit(code=f"U{i:03d}", name=f"Đơn vị {i}") for i in range(count)]
        session.add_all(units)
        session.flush()
        officials = [Official(name=f"Cán bộ {i}", unit_id=u.id, role="reporter") for i, u in enumerate(units)]
        session.add_all(officials)
        session.flush()
        return [(u.id, o.id) for u, o in zip(units, officials)]


def _report(unit_id: int, official_id: int, **changes: Any) -> NewReport:
    values: dict[str, Any] = {"unit_id": unit_id, "official_id": official_id, "channel": "telegram", "title": "Gửi hồ sơ",
              "status": Status.IN_PROGRESS, "obligation_key": KEY_0125, "doc_number": "0125/KH-UBND",
              "due_date": date(2026, 3, 31), "percent": 50, "text": "Đang làm."}
    return NewReport(**(values | changes))


def test_store_submit_is_idempotent_and_corrections_follow_the_rules(db_engine: Engine) -> None:
    (unit, author), (_, other) = _units_and_officials(db_engine, 2)
    store = ReportStore(db_engine, correction_minutes=60)
    first = store.submit(_report(unit, author), "t1", START)
    again = store.submit(_report(unit, author, text="khác"), "t1", START + timedelta(minutes=1))
    assert first.created and not again.created and (again.number, again.submitted_at) == (first.number, START)
    mine = store.last_for(unit, key=KEY_0125, official_id=author)
    assert mine is not None and mine.id == first.number
    assert store.last_for(unit, key=KEY_0125, official_id=other) is None
    with pytest.raises(CorrectionError) as not_author:
        store.correct(first.number, _report(unit, other), "t2", START)
    assert not_author.value.problem is CorrectionProblem.NOT_AUTHOR
    with pytest.raises(CorrectionError) as late:
        store.correct(first.number, _report(unit, author), "t2", START + timedelta(minutes=61))
    assert late.value.problem is CorrectionProblem.TOO_LATE
    # A correction keeps the obligation of the report it corrects, whatever it is given.
    fixed = store.correct(first.number, _report(unit, author, obligation_key="other", status=Status.DONE,
                                                percent=100), "t2", START + timedelta(minutes=5))
    assert fixed.created and fixed.corrects_id == first.number
    stored = store.get(fixed.number)
    assert stored is not None and stored.obligation_key == KEY_0125
    with pytest.raises(CorrectionError) as superseded:
        store.correct(first.number, _report(unit, author), "t3", START + timedelta(minutes=6))
    assert superseded.value.problem is CorrectionProblem.SUPERSEDED
    assert store.correct(first.number, _report(unit, author), "t2").number == fixed.number  # the same token
    assert [r.id for r in store.history(unit, KEY_0125)] == [first.number, fixed.number]
    assert store.latest_status(unit, KEY_0125, date(2026, 3, 31)) is Status.DONE
    assert store.latest_status(unit, KEY_0125, date(2027, 3, 31)) is None
    assert [r.id for r in store.correctable(author, START + timedelta(minutes=10))] == [fixed.number]
    free = store.submit(_report(unit, author, obligation_key=None, title="Việc khác", due_date=None), "t4", START)
    other_work = store.last_for(unit, title="Việc khác")
    assert other_work is not None and other_work.id == free.number


def test_two_hundred_units_submit_at_once_without_loss_or_duplicates(world: World) -> None:
    """200 officials of 200 units press «Gửi» at the same moment (50 of them twice)."""
    postgres = world.database_url.startswith("postgresql")
    count = 200 if postgres else 40
    engine = world.store.engine
    pairs = _units_and_officials(engine, count)
    presses: list[Incoming] = []
    with Session(engine) as session, session.begin():
        for i, (unit_id, official_id) in enumerate(pairs):
            user, token = f"c{i}", f"tok{i:04d}{'x' * 20}"
            session.add(Identity(channel="telegram", user_id=user, official_id=official_id, chat_id=user))
            # Each one's dialog is at its summary, as the flow leaves it (see DialogStore.save).
            data = {"token": token, "unit": unit_id, "official": official_id, "page": 0, "key": KEY_0125,
                    "title": "Gửi hồ sơ", "doc": "0125/KH-UBND", "due": "2026-03-31", "status": "done",
                    "percent": 100, "text": f"Đơn vị {i}"}
            session.add(Dialog(channel="telegram", chat_id=user, user_id=user, kind="report", step="confirm",
                               data=json.dumps(data, ensure_ascii=False), updated_at=world.clock()))
            press = Incoming(TELEGRAM, user, Sender(user), button=f"rp:c:send:{token}")
            presses += [press, press] if i % 4 == 0 else [press]  # a quarter tap twice at once
    threads = min(64, len(presses))
    first_wave = threading.Barrier(threads)

    def press(job: tuple[int, Incoming]) -> tuple[str, str]:
        index, msg = job
        if index < threads:  # the first presses all start together
            first_wave.wait(timeout=10)
        return msg.chat_id, world.core.handle(msg)[0].text

    with ThreadPoolExecutor(threads) as pool:
        answers = list(pool.map(press, enumerate(presses)))
    rows = world.rows()
    assert len(rows) == count and len({r.unit_id for r in rows}) == count
    by_chat: dict[str, set[int]] = {}
    for chat, text in answers:
        by_chat.setdefault(chat, set()).add(receipt_number(text))
    assert all(len(numbers) == 1 for numbers in by_chat.values()) and len(by_chat) == count


# -- channels end to end ------------------------------------------------------------------------------


async def test_telegram_register_report_with_buttons_and_correct(
        telegram_fake: FakeTelegram, make_world: Callable[..., World], tmp_path: Path) -> None:  # noqa: F811
    from bot.channels.telegram.adapter import build_application

    world = make_world(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}")
    code = world.invite("SNV")
    fake = telegram_fake
    application = build_application(world.core, fake.token, fake.base_url, rate_limit_retries=2)

    async def tap(label: str, count: int) -> list[BotMessage]:
        last = fake.messages_to(77)[-1]
        data = next(b["callback_data"] for b in last.buttons if b["text"].startswith(label))
        await fake.press_button(77, last.message_id, data)
        return await fake.wait_for_messages(77, count)

    async with running_ptb(application):
        await fake.send_text(77, f"/dangky {code}")
        [welcome] = await fake.wait_for_messages(77, 1)
        await fake.send_text(77, "/baocao")
        listing = (await fake.wait_for_messages(77, 2))[-1]
        await tap("Gửi hồ sơ trình", 3)
        await tap("Đang triển khai", 4)
        await tap("50%", 5)
        await fake.send_text(77, "Đã hoàn thiện một nửa hồ sơ.")
        await fake.wait_for_messages(77, 6)
        message = make_message(900, fake.chats[77], user={"id": 77, "is_bot": False, "first_name": "An"})
        message["document"] = {"file_id": "BQACAgIAAxk", "file_unique_id": "u1", "file_name": "ho-so.pdf",
                               "mime_type": "application/pdf", "file_size": 120_000}
        await fake.send_update({"message": message})
        summary = (await fake.wait_for_messages(77, 7))[-1]
        receipt = (await tap("Gửi", 8))[-1]
        await tap("Sửa báo cáo này", 9)
        await tap("Hoàn thành", 10)
        await fake.send_text(77, "Đã gửi đủ hồ sơ.")
        await fake.wait_for_messages(77, 11)
        await tap("Bỏ qua", 12)
        corrected = (await tap("Gửi", 13))[-1]

    assert welcome.text.startswith("Đăng ký thành công")
    assert [b["callback_data"] for b in listing.buttons][:3] == [f"rp:o:{KEY_09}", f"rp:o:{KEY_0125}",
                                                                 "rp:other"]
    assert "Tệp đính kèm: ho-so.pdf" in summary.text and "Đang triển khai, 50%" in summary.text
    assert RECEIPT.match(receipt.text) and receipt.buttons[0]["text"] == "Sửa báo cáo này"
    assert "(sửa cho báo cáo số 1)" in corrected.text
    rows = world.rows()
    assert [(r.status, r.percent, r.corrects_id, r.attachment_ref) for r in rows] == [
        ("in_progress", 50, None, "BQACAgIAAxk"), ("done", 100, 1, None)]


def test_console_register_and_report_with_numbered_choices(
        make_world: Callable[..., World], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console.getpass, "getuser", lambda: "an")
    world = make_world(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}")
    code = world.invite("STC")
    lines = [f"/dangky {code}", "/baocao", "2", "2", "80", "Đã trình hồ sơ 8/10 đơn vị.", "1", "1"]
    out = io.StringIO()
    assert console.run(world.core, stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out, interactive=False) == 0
    text = out.getvalue()
    assert "Đăng ký thành công" in text and "2. Gửi hồ sơ trình về Sở Nội vụ" in text
    assert "Tình trạng: Đang triển khai, 80%" in text
    receipt = re.search(r"Đã nhận báo cáo số 1 lúc 09:00 15/01/2026\.", text)
    assert receipt and "gõ /suabaocao trong vòng 24 giờ" in text
    [row] = world.rows()
    assert (row.channel, row.obligation_key, row.percent, row.text) == ("console", KEY_0125, 80,
                                                                        "Đã trình hồ sơ 8/10 đơn vị.")
    assert row.submitted_at.astimezone(VIETNAM).hour == 9


async def test_zalo_register_and_report_with_numbered_choices(
        make_world: Callable[..., World], tmp_path: Path, zalo_fake) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """The same flow over the Zalo adapter (real HTTP, no buttons): every step a typed line."""
    from bot.channels.zalo.adapter import ZaloClient, poll

    world = make_world(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}")
    steps = [f"/dangky {world.invite('STC')}", "/baocao", "2", "2", "80", "Đã trình hồ sơ 8/10 đơn vị.", "1", "1"]
    async with ZaloClient(zalo_fake.token, zalo_fake.base_url, backoff=0.01) as client:
        stop = asyncio.Event()
        task = asyncio.create_task(poll(world.core, client, stop, bot_name="bot.test", poll_timeout=0.2))
        try:
            for step in steps:
                before = len(zalo_fake.messages_to("z1"))
                await zalo_fake.send_text("z1", step, user_id="z1", display_name="Hoa")
                await zalo_fake.wait_for_messages("z1", before + 1)
        finally:
            stop.set()
            await asyncio.wait_for(task, 3)
    sent = [m.text or "" for m in zalo_fake.messages_to("z1")]
    assert sent[0].startswith("Đăng ký thành công")
    assert "2. Gửi hồ sơ trình về Sở Nội vụ" in sent[1]
    assert RECEIPT.match(sent[-1]), sent[-1]
    assert all(len(t) <= 2000 for t in sent)
    [row] = world.rows()
    assert (row.channel, row.obligation_key, row.status, row.percent) == ("zalo", KEY_0125, "in_progress", 80)


def test_a_digit_inside_a_report_never_picks_another_features_choice(world: World) -> None:
    """A Zalo reminder delivered mid-report leaves its own numbered choices in the chat; a typed
    «2» (meaning the report's second choice) must not mute reminders or leave the report."""
    official = world.official(ZALO, "zl1")
    official.send("/baocao")
    official.tap("Gửi hồ sơ trình")
    world.core.chats.remember("zalo", "zl1", choices=(f"nn:mute:{KEY_0125}", "fb:1:1"))
    text = official.send("2")
    assert text.startswith("Đã thực hiện được bao nhiêu phần trăm?")  # the report's own «Đang triển khai»
    official.send("80")
    official.send("Đã gửi hồ sơ.")
    official.tap("Bỏ qua")
    assert RECEIPT.match(official.tap("Gửi"))
    with Session(world.store.engine) as session:
        assert session.scalars(select(ReminderMute)).all() == []
    assert [(r.status, r.percent) for r in world.rows()] == [("in_progress", 80)]
