"""Reminder planning with a fake clock, the reminder commands and the /thongbao dialog, on SQLite
and PostgreSQL."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from bot.core.clock import VIETNAM
from bot.config import Settings
from bot.db.dialogs import DialogState
from bot.db.facts import FactStore
from bot.db.models.delivery import Broadcast, OutboxMessage
from bot.db.models.people import Unit
from bot.db.models.reports import Report
from bot.db.outbox import Outbox
from bot.db.outbox_rows import decode_buttons
from bot.db.people import PeopleStore, Role
from bot.facts.model import Deadline, DeadlineKind, DocumentFacts, Obligation
from bot.ingestion.document import DocumentMeta
from bot.core.messages import CONSOLE, TELEGRAM, Channel, ChatKind, Incoming, Sender
from bot.services.obligations import obligation_key
from bot.features.broadcast_flow import Step as BroadcastStepName
from bot.features.reminder_plan import ReminderPlanner
from bot.features.reminders import ReminderCommands
from bot.db.report_status import Status
from tests.conftest import build_assistant, track_all

DOC = "99/KH-TEST"
HOSO = ("gửi hồ sơ khen thưởng về Sở Nội vụ", "trước ngày 31/3/2026")
SOKET = ("nộp báo cáo sơ kết", "trước ngày 20/3/2026")
TONGKET = ("báo cáo tổng kết năm", "trước ngày 25 tháng 3 hằng năm")
QUY = ("báo cáo tiến độ quý", "hằng quý, trước ngày 15")
KEY_HOSO, KEY_SOKET, KEY_TONGKET, KEY_QUY = (obligation_key(DOC, a, d) for a, d in (HOSO, SOKET, TONGKET, QUY))


def vn(y: int, mo: int, d: int, h: int = 8, mi: int = 0) -> datetime:
    """A moment in Vietnam time, as UTC (what the clock gives)."""
    return datetime(y, mo, d, h, mi, tzinfo=VIETNAM).astimezone(UTC)


def store_plan(facts: FactStore, *, quarterly: bool = False) -> None:
    """A plan with two one-off deadlines and a yearly one (and optionally a quarterly one)."""
    def duty(words: tuple[str, str], deadline: Deadline, section: str) -> Obligation:
        return Obligation(action=words[0], deadline=deadline, quote=f"{words[0]} {words[1]}.", section=section)

    obligations = [
        duty(HOSO, Deadline(DeadlineKind.ABSOLUTE, HOSO[1], due=date(2026, 3, 31)), "V > 2"),
        duty(SOKET, Deadline(DeadlineKind.ABSOLUTE, SOKET[1], due=date(2026, 3, 20)), "IV"),
        duty(TONGKET, Deadline(DeadlineKind.RECURRING, TONGKET[1], day=25, month=3), "VI"),
    ]
    if quarterly:
        obligations.append(duty(QUY, Deadline(DeadlineKind.PERIODIC, QUY[1], day=15, period_months=3), "VII"))
    facts.replace_document("ke-hoach-99.md", DocumentMeta(doc_number=DOC, doc_type="kế hoạch",
                                                          issuer="UBND tỉnh"), "h1",
                           DocumentFacts(obligations=tuple(obligations)))


def join(people: PeopleStore, unit: str, channel: str, user: str, role: Role = Role.REPORTER) -> int:
    invite = people.create_invite(unit, role)
    return people.register(channel, user, user, f"Cán bộ {user}", invite.code).official_id


def report(engine: Engine, unit_code: str, official_id: int, key: str, due: date, status: Status,
           at: datetime) -> None:
    with engine.begin() as connection:
        unit_id = connection.scalar(select(Unit.id).where(Unit.code == unit_code))
        connection.execute(Report.__table__.insert().values(
            unit_id=unit_id, official_id=official_id, channel="telegram", obligation_key=key, title="x",
            doc_number=DOC, due_date=due, status=status.value, text="", submitted_at=at,
            submission_token=uuid.uuid4().hex))


def rows(engine: Engine, prefix: str = "rem:") -> list[OutboxMessage]:
    with engine.connect() as connection:
        found = connection.execute(select(OutboxMessage).where(OutboxMessage.dedupe_key.like(f"{prefix}%"))
                                   .order_by(OutboxMessage.id)).all()
    return found  # type: ignore[return-value]


@pytest.fixture
def world(db_engine: Engine, settings: Settings):  # type: ignore[no-untyped-def]
    """Three units: SNV (a reporter on Telegram, a reader on Zalo), STC and SYT (a reporter each),
    an admin without a unit, and the plan."""
    facts, people = FactStore(db_engine), PeopleStore(db_engine, ["telegram:900"])
    store_plan(facts)
    people.import_units([("SNV", "Sở Nội vụ"), ("STC", "Sở Tài chính"), ("SYT", "Sở Y tế")])
    ids = {"snv": join(people, "SNV", "telegram", "11"), "snv_reader": join(people, "SNV", "zalo", "z12", Role.READER),
           "stc": join(people, "STC", "telegram", "21"), "syt": join(people, "SYT", "telegram", "31")}
    people.member("telegram", "900", "900", "Văn phòng")  # the admin gets no reminders
    track_all(db_engine)
    planner = ReminderPlanner(db_engine, facts, people, Outbox(db_engine), settings)
    return planner, ids


def step(planner: ReminderPlanner, start: datetime, end: datetime, every: timedelta) -> dict[datetime, int]:
    """Tick from start to end; the moments at which anything new was enqueued."""
    added: dict[datetime, int] = {}
    moment = start
    while moment <= end:
        n = planner.tick(moment)
        if n:
            added[moment] = n
        moment += every
    return added


# -- planning ----------------------------------------------------------------------------------

def test_every_reminder_at_its_moment_to_every_official_of_every_unit(db_engine: Engine, world) -> None:  # type: ignore[no-untyped-def]
    planner, ids = world
    # Every 6 hours from 08:00 Vietnam time on 1 March to 5 April.
    added = step(planner, vn(2026, 3, 1), vn(2026, 4, 5), timedelta(hours=6))
    officials = sorted(ids.values())
    expected: dict[datetime, set[str]] = {}
    for key, due in ((KEY_SOKET, date(2026, 3, 20)), (KEY_TONGKET, date(2026, 3, 25)), (KEY_HOSO, date(2026, 3, 31))):
        for label, when in (("7", due - timedelta(days=7)), ("3", due - timedelta(days=3)),
                            ("1", due - timedelta(days=1)), ("0", due), ("late", due + timedelta(days=1))):
            moment = vn(when.year, when.month, when.day)
            expected.setdefault(moment, set()).update(f"rem:{key}:{due.isoformat()}:{label}:{o}" for o in officials)
    assert set(added) == set(expected)  # only at 08:00 on those days
    assert {r.dedupe_key for r in rows(db_engine)} == set().union(*expected.values())
    assert sum(added.values()) == 3 * 5 * len(officials)

    by_key = {r.dedupe_key: r for r in rows(db_engine)}
    first = by_key[f"rem:{KEY_HOSO}:2026-03-31:7:{ids['snv']}"]
    assert first.channel == "telegram" and first.chat_id == "11" and first.official_id == ids["snv"]
    assert first.text.splitlines() == [
        "⏰ Nhắc việc: Gửi hồ sơ khen thưởng về Sở Nội vụ",
        "Hạn: 31/03/2026 — còn 7 ngày",
        "Theo: Kế hoạch 99/KH-TEST, mục V > 2 («trước ngày 31/3/2026»)",
        "Đơn vị của bạn chưa gửi báo cáo về việc này."]
    assert [(b.label, b.data) for row in decode_buttons(first.buttons) for b in row] == [
        ("📝 Báo cáo ngay", f"rp:start:{KEY_HOSO}:20260331"), ("🔕 Tắt nhắc việc này", f"nn:mute:{KEY_HOSO}")]
    assert "hôm nay là hạn cuối" in by_key[f"rem:{KEY_HOSO}:2026-03-31:0:{ids['stc']}"].text
    late = by_key[f"rem:{KEY_HOSO}:2026-03-31:late:{ids['syt']}"]
    assert late.text.startswith("⚠️ Quá hạn: Gửi hồ sơ khen thưởng") and "đã quá hạn 1 ngày" in late.text
    yearly = by_key[f"rem:{KEY_TONGKET}:2026-03-25:3:{ids['snv']}"].text
    assert "Hạn: 25/03/2026 — còn 3 ngày (nhắc lại hằng năm)" in yearly
    # The reader's latest account is on Zalo (delivery numbers the buttons there); a reader
    # cannot report, so only the mute button comes with it.
    zalo = by_key[f"rem:{KEY_HOSO}:2026-03-31:1:{ids['snv_reader']}"]
    assert (zalo.channel, zalo.chat_id) == ("zalo", "z12")
    assert [b.data for row in decode_buttons(zalo.buttons) for b in row] == [f"nn:mute:{KEY_HOSO}"]


def test_done_units_and_muted_officials_are_left_out(db_engine: Engine, world) -> None:  # type: ignore[no-untyped-def]
    planner, ids = world
    report(db_engine, "STC", ids["stc"], KEY_HOSO, date(2026, 3, 31), Status.DONE, vn(2026, 3, 2))
    # SYT said "done", then corrected it to "in progress": the latest report counts.
    report(db_engine, "SYT", ids["syt"], KEY_HOSO, date(2026, 3, 31), Status.DONE, vn(2026, 3, 2))
    report(db_engine, "SYT", ids["syt"], KEY_HOSO, date(2026, 3, 31), Status.IN_PROGRESS, vn(2026, 3, 3))
    planner.store.mute(ids["snv"], KEY_HOSO)
    planner.store.mute(ids["snv_reader"], "*")
    planner.tick(vn(2026, 3, 24))  # 7 days before 31/3, and 1 day before the yearly 25/3
    (row,) = [r for r in rows(db_engine) if KEY_HOSO in r.dedupe_key]
    assert row.dedupe_key == f"rem:{KEY_HOSO}:2026-03-31:7:{ids['syt']}"
    assert "Báo cáo gần nhất của đơn vị: Đang triển khai." in row.text
    # The unit that finished one duty is still reminded of another; muting all silences all.
    yearly = {r.official_id for r in rows(db_engine) if KEY_TONGKET in r.dedupe_key}
    assert yearly == {ids["snv"], ids["stc"], ids["syt"]}


def test_grace_window_late_start_and_no_stale_reminders(db_engine: Engine, world) -> None:  # type: ignore[no-untyped-def]
    planner, ids = world
    # Before 08:00 nothing is due; a bot started at 10:00 still sends the 08:00 reminder.
    assert planner.tick(vn(2026, 3, 24, 7, 59)) == 0
    assert planner.tick(vn(2026, 3, 24, 10)) == 2 * len(ids)  # 31/3 in 7 days, 25/3 tomorrow
    # Started five days before the 20/3 deadline: the 7-day reminder is two days old, not sent.
    assert planner.tick(vn(2026, 3, 15, 9)) == 0
    # Late in the night after the 3-day moment (within 24 h): still sent.
    assert planner.tick(vn(2026, 3, 18, 7)) == len(ids)
    assert {r.dedupe_key.split(":")[3] for r in rows(db_engine) if KEY_SOKET in r.dedupe_key} == {"3"}


def test_ticking_twice_or_on_two_workers_enqueues_once(db_engine: Engine, world, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    planner, ids = world
    other = ReminderPlanner(db_engine, planner.facts, planner.people, Outbox(db_engine), settings)
    assert planner.tick(vn(2026, 3, 22)) == len(ids)
    assert planner.tick(vn(2026, 3, 22, 9)) == 0
    assert other.tick(vn(2026, 3, 22, 10)) == 0
    assert len(rows(db_engine)) == len(ids)


def test_paused_or_disabled_plans_nothing(db_engine: Engine, world, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    planner, ids = world
    planner.store.set_paused(True)
    assert planner.tick(vn(2026, 3, 22)) == 0
    planner.store.set_paused(False)
    off = settings.model_copy(update={"reminders": settings.reminders.model_copy(update={"enabled": False})})
    assert ReminderPlanner(db_engine, planner.facts, planner.people, Outbox(db_engine), off).tick(vn(2026, 3, 22)) == 0
    assert rows(db_engine) == []
    assert planner.tick(vn(2026, 3, 22, 12)) == len(ids)  # resumed within the grace window


def test_recurring_deadlines_roll_forward(db_engine: Engine, world) -> None:  # type: ignore[no-untyped-def]
    planner, ids = world
    store_plan(planner.facts, quarterly=True)
    track_all(db_engine)  # the new quarterly task, tracked
    # Yearly: the 2027 occurrence is reminded like the 2026 one, with keys of its own.
    assert planner.tick(vn(2027, 3, 18)) == len(ids)
    assert {r.dedupe_key.rsplit(":", 1)[0] for r in rows(db_engine)} == {f"rem:{KEY_TONGKET}:2027-03-25:7"}
    # Quarterly on the 15th: June, after March.
    planner.tick(vn(2026, 6, 14))
    assert {r.dedupe_key.rsplit(":", 1)[0] for r in rows(db_engine) if KEY_QUY in r.dedupe_key} == {
        f"rem:{KEY_QUY}:2026-06-15:1"}
    # A done report on the March quarter does not silence June.
    report(db_engine, "STC", ids["stc"], KEY_QUY, date(2026, 3, 15), Status.DONE, vn(2026, 3, 10))
    assert planner.tick(vn(2026, 6, 15)) == len(ids)


def test_custom_offsets_hour_and_no_overdue(db_engine: Engine, world, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    planner, ids = world
    custom = settings.model_copy(update={"reminders": settings.reminders.model_copy(
        update={"offsets_days": [2], "hour": 14, "overdue_days": 0})})
    planner = ReminderPlanner(db_engine, planner.facts, planner.people, Outbox(db_engine), custom)
    added = step(planner, vn(2026, 3, 25, 2), vn(2026, 4, 3, 2), timedelta(hours=4))
    assert added == {vn(2026, 3, 29, 14): len(ids)}  # two days before 31/3 at 14:00, nothing after


# -- the commands through the core -------------------------------------------------------------

class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def say(core, channel: Channel, user: str, text: str = "", command: str | None = None,  # type: ignore[no-untyped-def]
        button: str | None = None) -> str:
    msg = Incoming(channel=channel, chat_id=user, sender=Sender(user, user), text=text, command=command, button=button)
    return "\n".join(r.text or r.notice for r in core.handle(msg))


def buttons_of(core, channel: Channel, user: str, command: str, text: str = "") -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    msg = Incoming(channel=channel, chat_id=user, sender=Sender(user, user), text=text, command=command)
    return [(b.label, b.data) for r in core.handle(msg) for row in r.buttons for b in row]


@pytest.fixture
def core(tmp_path: Path, database_url: str):  # type: ignore[no-untyped-def]
    """The real core at 20/03/2026 10:00 (Vietnam), the test plan stored, three units with officials."""
    clock = Clock(vn(2026, 3, 20, 10))
    assistant = build_assistant(tmp_path, database_url=database_url, now=clock,
                                access__admins=["console:admin1", "telegram:900"])
    store_plan(assistant.facts)
    people = assistant.people
    people.import_units([("SNV", "Sở Nội vụ"), ("STC", "Sở Tài chính"), ("SYT", "Sở Y tế")])
    join(people, "SNV", "console", "an")
    join(people, "SNV", "telegram", "11")
    join(people, "STC", "telegram", "21")
    join(people, "SYT", "zalo", "z31", Role.READER)
    track_all(people.engine)
    yield assistant
    assistant.people.engine.dispose()


def planner_of(core) -> ReminderPlanner:  # type: ignore[no-untyped-def]
    return next(f for f in core.features if isinstance(f, ReminderCommands)).planner


def test_mute_and_unmute_commands(core) -> None:  # type: ignore[no-untyped-def]
    planner = planner_of(core)
    listing = say(core, CONSOLE, "an", command="tatnhacnho")
    assert listing.startswith("Chọn việc bạn không muốn được nhắc nữa, hoặc «Tất cả»:")
    lines = listing.splitlines()
    number = next(line.split(".")[0] for line in lines if line.split(". ", 1)[-1].startswith("Gửi hồ sơ khen thưởng"))
    assert lines[-2].endswith(". 🔕 Tất cả")
    # The typed number picks the choice.
    assert say(core, CONSOLE, "an", number) == ("Đã tắt nhắc việc «Gửi hồ sơ khen thưởng về Sở Nội vụ». "
                                                "Gõ /batnhacnho để bật lại.")
    an = core.people.member("console", "an").official_id
    assert planner.store.mutes(an) == {an: {KEY_HOSO}}
    planner.tick(vn(2026, 3, 24))
    hoso = {r.official_id for r in rows(core.people.engine) if KEY_HOSO in r.dedupe_key}
    assert an not in hoso and len(hoso) == 3
    # The same choice by its number after the command; then everything.
    assert "(đã tắt)" in say(core, CONSOLE, "an", command="tatnhacnho")
    assert say(core, CONSOLE, "an", "tất cả", command="tatnhacnho").startswith("Đã tắt mọi nhắc việc.")
    assert say(core, CONSOLE, "an", command="tatnhacnho").startswith("Bạn đang tắt mọi nhắc việc.")
    # Unmute: the list of mutes, one by number, then all.
    listing = say(core, CONSOLE, "an", command="batnhacnho")
    assert listing.startswith("Chọn nhắc việc muốn bật lại:") and "1. Mọi nhắc việc" in listing
    assert "3. 🔔 Bật lại tất cả" in listing
    assert say(core, CONSOLE, "an", "1", command="batnhacnho").startswith("Đã bật lại nhắc việc (trừ những việc")
    assert planner.store.mutes(an) == {an: {KEY_HOSO}}
    assert say(core, CONSOLE, "an", "tat ca", command="batnhacnho") == "Đã bật lại mọi nhắc việc."
    assert say(core, CONSOLE, "an", command="batnhacnho").startswith("Bạn đang nhận mọi nhắc việc")
    # The 🔕 button of a reminder, on Telegram; strangers are told to register.
    tg = core.people.member("telegram", "11").official_id
    msg = Incoming(channel=TELEGRAM, chat_id="11", sender=Sender("11"), button=f"nn:mute:{KEY_SOKET}")
    (reply,) = core.handle(msg)
    assert reply.notice == "Đã tắt nhắc việc này" and "Nộp báo cáo sơ kết" in reply.text
    assert planner.store.mutes(tg) == {tg: {KEY_SOKET}}
    assert "/dangky" in say(core, TELEGRAM, "555", command="tatnhacnho")


def test_schedule_pause_and_resume_for_admins_only(core) -> None:  # type: ignore[no-untyped-def]
    planner = planner_of(core)
    report(core.people.engine, "STC", core.people.member("telegram", "21").official_id, KEY_HOSO,
           date(2026, 3, 31), Status.DONE, vn(2026, 3, 19))
    assert say(core, CONSOLE, "an", command="lichnhac") == ("Lệnh /lichnhac chỉ dành cho vai trò quản trị "
                                                            "(văn phòng). Vai trò của bạn: báo cáo của đơn vị.")
    text = say(core, CONSOLE, "admin1", command="lichnhac")
    lines = text.splitlines()
    assert lines[0] == "Nhắc việc đang chạy. Gõ /lichnhac tamdung để tạm dừng."
    assert lines[1] == ("Nhắc lúc 08:00 (giờ Việt Nam), trước hạn 7, 3, 1 ngày và đúng ngày hạn; "
                        "báo quá hạn sau 1 ngày.")
    assert ("Nộp báo cáo sơ kết — hạn 20/03/2026 (Kế hoạch 99/KH-TEST); nhắc 08:00 21/03/2026 (báo quá hạn); "
            "3/3 đơn vị chưa hoàn thành") in text
    assert ("Gửi hồ sơ khen thưởng về Sở Nội vụ — hạn 31/03/2026 (Kế hoạch 99/KH-TEST); nhắc 08:00 24/03/2026 "
            "(trước 7 ngày); 2/3 đơn vị chưa hoàn thành") in text
    assert text.index("Nộp báo cáo sơ kết") < text.index("Gửi hồ sơ khen thưởng")  # soonest first

    assert say(core, CONSOLE, "admin1", "tạm dừng", command="lichnhac").startswith("Đã tạm dừng nhắc việc")
    assert planner.tick(vn(2026, 3, 24)) == 0
    assert say(core, CONSOLE, "admin1", command="lichnhac").startswith("Nhắc việc đang TẠM DỪNG.")
    assert say(core, CONSOLE, "admin1", "tamdung", command="lichnhac") == "Nhắc việc đang tạm dừng rồi."
    assert say(core, CONSOLE, "admin1", "tieptuc", command="lichnhac").startswith("Đã chạy lại nhắc việc.")
    assert planner.tick(vn(2026, 3, 24, 9)) > 0
    actions = [(action, detail) for _, _, _, action, detail in core.people.audit_log()]
    assert actions[:2] == [("reminders", "chạy lại nhắc việc"), ("reminders", "tạm dừng nhắc việc")]
    assert say(core, CONSOLE, "admin1", "xyz", command="lichnhac").startswith("Gõ /lichnhac để xem lịch")


def test_broadcast_dialog_on_the_console_to_one_unit(core) -> None:  # type: ignore[no-untyped-def]
    assert say(core, CONSOLE, "admin1", command="thongbao").startswith("Soạn thông báo: gửi nội dung trong một tin "
                                                                     "(tối đa 4096 ký tự; trên Zalo mỗi tin tối đa 2000")
    assert "quá giới hạn 4096" in say(core, CONSOLE, "admin1", "x" * 4097)
    audience = say(core, CONSOLE, "admin1", "Họp giao ban lúc 14 giờ thứ Sáu tại phòng họp số 2.")
    assert audience.splitlines()[:5] == ["Gửi thông báo cho ai?", "", "1. Tất cả cán bộ", "2. Một đơn vị",
                                         "3. Đơn vị chưa báo cáo về một nhiệm vụ"]
    units = say(core, CONSOLE, "admin1", "2")
    assert units.startswith("Gõ mã đơn vị, hoặc chọn một đơn vị:") and "1. SNV — Sở Nội vụ" in units
    assert say(core, CONSOLE, "admin1", "XYZ").startswith("Không có đơn vị mã «XYZ».")
    preview = say(core, CONSOLE, "admin1", "snv")
    assert preview.splitlines()[:5] == ["Xem trước thông báo:", "",
                                        "Họp giao ban lúc 14 giờ thứ Sáu tại phòng họp số 2.", "",
                                        "Gửi tới: đơn vị SNV (Sở Nội vụ) — 1 cán bộ."]
    assert say(core, CONSOLE, "admin1", "1") == "Đã xếp 1 tin vào hàng gửi; báo cáo kết quả sẽ gửi cho bạn khi xong."
    sent = rows(core.people.engine, "bc:")
    # Console accounts are never sent to (no worker delivers them): only the messenger one.
    assert sorted((r.channel, r.chat_id) for r in sent) == [("telegram", "11")]
    assert all(r.text == "Họp giao ban lúc 14 giờ thứ Sáu tại phòng họp số 2." for r in sent)
    with core.people.engine.connect() as connection:
        broadcast = connection.execute(select(Broadcast)).one()
    assert (broadcast.audience, broadcast.report_channel, broadcast.report_chat_id) == ("unit:SNV", "console", "admin1")
    # The dialog is over: a late "1" is a question again, not a second broadcast.
    say(core, CONSOLE, "admin1", "1")
    assert len(rows(core.people.engine, "bc:")) == 1


def test_broadcast_with_buttons_to_units_missing_a_report(core) -> None:  # type: ignore[no-untyped-def]
    people = core.people
    report(people.engine, "STC", people.member("telegram", "21").official_id, KEY_HOSO, date(2026, 3, 31),
           Status.IN_PROGRESS, vn(2026, 3, 19))
    assert say(core, TELEGRAM, "900", "Nhắc các đơn vị nộp hồ sơ khen thưởng.", command="thongbao") == "Gửi thông báo cho ai?"
    choices = buttons_of(core, TELEGRAM, "900", "thongbao", "Nhắc các đơn vị nộp hồ sơ khen thưởng.")
    assert [d for _, d in choices] == ["tb:aud:all", "tb:aud:unit", "tb:aud:missing"]
    msg = Incoming(channel=TELEGRAM, chat_id="900", sender=Sender("900"), button="tb:aud:missing")
    (reply,) = core.handle(msg)
    assert reply.text == "Gửi cho các đơn vị chưa báo cáo về nhiệm vụ nào?"
    pick = next(b for row in reply.buttons for b in row if b.data == f"tb:ob:{KEY_HOSO}:2026-03-31")
    assert pick.label.startswith("Gửi hồ sơ khen thưởng") and pick.label.endswith("hạn 31/03/2026")
    preview = say(core, TELEGRAM, "900", button=pick.data)
    assert ("Gửi tới: các đơn vị chưa báo cáo về «Gửi hồ sơ khen thưởng về Sở Nội vụ» (hạn 31/03/2026) "
            "— 2 cán bộ.") in preview
    assert say(core, TELEGRAM, "900", button="tb:send").startswith("Đã xếp 2 tin vào hàng gửi")
    assert sorted(r.chat_id for r in rows(people.engine, "bc:")) == ["11", "z31"]  # not the console "an"
    # A second tap on «Gửi» sends nothing more.
    assert say(core, TELEGRAM, "900", button="tb:send").startswith("Lựa chọn này không còn hiệu lực.")
    assert len(rows(people.engine, "bc:")) == 2


def test_a_broadcast_dialog_saved_before_the_step_enum_continues(core) -> None:  # type: ignore[no-untyped-def]
    """The steps are stored as the same strings as before: a row an older version wrote (here at
    «unit») carries on after an upgrade."""
    assert [step.value for step in BroadcastStepName] == ["text", "audience", "unit", "obligation", "confirm"]
    core.people.member("console", "admin1")
    core.dialogs.save("console", "admin1", "admin1", DialogState("broadcast", "unit", {"text": "Họp lúc 14 giờ."}))
    preview = say(core, CONSOLE, "admin1", "snv")
    assert preview.splitlines()[:5] == ["Xem trước thông báo:", "", "Họp lúc 14 giờ.", "",
                                        "Gửi tới: đơn vị SNV (Sở Nội vụ) — 1 cán bộ."]
    state = core.dialogs.get("console", "admin1", "admin1")
    assert (state.step, state.data) == ("confirm", {"text": "Họp lúc 14 giờ.", "audience": "unit:SNV"})


def test_broadcast_cancelled_and_refused_to_non_admins(core) -> None:  # type: ignore[no-untyped-def]
    assert say(core, CONSOLE, "an", command="thongbao") == ("Lệnh /thongbao chỉ dành cho vai trò quản trị "
                                                            "(văn phòng). Vai trò của bạn: báo cáo của đơn vị.")
    assert say(core, TELEGRAM, "11", button="tb:send").startswith("Lựa chọn này chỉ dành cho vai trò quản trị "
                                                                  "(văn phòng).")
    in_group = Incoming(channel=TELEGRAM, chat_id="-100", sender=Sender("900"), chat_kind=ChatKind.GROUP,
                        command="thongbao")
    assert core.handle(in_group)[0].text.startswith("Lệnh /thongbao dùng trong tin nhắn riêng với bot")
    say(core, TELEGRAM, "900", command="thongbao")
    say(core, TELEGRAM, "900", "Thông báo thử")
    assert "Gửi tới: tất cả cán bộ — 4 cán bộ." in say(core, TELEGRAM, "900", button="tb:aud:all")
    assert say(core, TELEGRAM, "900", command="huy") == "Đã hủy, không có gì được lưu."
    assert say(core, TELEGRAM, "900", button="tb:send").startswith("Lựa chọn này không còn hiệu lực.")
    # «Hủy» in the preview does the same.
    say(core, TELEGRAM, "900", "Thông báo thử 2", command="thongbao")
    say(core, TELEGRAM, "900", button="tb:aud:all")
    assert say(core, TELEGRAM, "900", button="tb:cancel") == "Đã hủy thông báo, không gửi gì."
    assert rows(core.people.engine, "bc:") == []
    with core.people.engine.connect() as connection:
        assert connection.scalar(select(Broadcast.id)) is None


def test_reporting_done_from_the_reminder_button_stops_the_reminders(core) -> None:  # type: ignore[no-untyped-def]
    """The 📝 button of a reminder opens the report at its status; «Hoàn thành» silences the unit."""
    planner = planner_of(core)
    planner.tick(vn(2026, 3, 22))
    (row,) = [r for r in rows(core.people.engine) if r.chat_id == "11"]
    start = decode_buttons(row.buttons)[0][0].data
    assert start == f"rp:start:{KEY_TONGKET}:20260325"

    def press(data: str | None = None, text: str = ""):  # type: ignore[no-untyped-def]
        return core.handle(Incoming(channel=TELEGRAM, chat_id="11", sender=Sender("11"), text=text, button=data))

    replies = press(start)
    assert "Báo cáo tổng kết năm" in "\n".join(r.text for r in replies)
    replies = press("rp:s:done")
    for _ in range(6):  # whatever the report flow still asks: skip it, then send
        offered = [b.data for r in replies for row in r.buttons for b in row]
        send = next((d for d in offered if d.startswith("rp:c:send:")), None)
        if send:
            press(send)
            break
        skip = next((d for d in offered if d.endswith(":skip")), None)
        replies = press(skip) if skip else press(text="Đã gửi báo cáo tổng kết.")
    else:
        pytest.fail("the report was never confirmed")
    planner.tick(vn(2026, 3, 24))  # the 1-day reminder of 25/3: not to SNV any more
    tomorrow = {r.chat_id for r in rows(core.people.engine) if r.dedupe_key.startswith(f"rem:{KEY_TONGKET}:2026-03-25:1:")}
    assert tomorrow == {"21", "z31"}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("typed", ["²", "①", "1" * 5000])
def test_mute_numbers_are_decimal_digits_only(core, typed: str) -> None:  # type: ignore[no-untyped-def]
    """«²».isdigit() is true but int(«²») fails: a typed choice is read as a decimal number or not at all."""
    assert say(core, CONSOLE, "an", typed, command="tatnhacnho").startswith(f"Không có lựa chọn «{typed}»")
    say(core, CONSOLE, "an", "tất cả", command="tatnhacnho")
    assert say(core, CONSOLE, "an", typed, command="batnhacnho").startswith(f"Không có lựa chọn «{typed}»")
    assert say(core, CONSOLE, "an", "１", command="batnhacnho").startswith("Đã bật lại")  # a full-width 1 is a 1
