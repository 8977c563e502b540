"""The task register: actors matched to units, proposals the secretariat confirms in chat and on
the command line, and reminders, /baocao and /tonghop that follow the assignment — on SQLite and
PostgreSQL, over the real core with the seed, a shipped plan and one plan of tasks for named units."""
from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from bot.__main__ import main
from bot.config import load_settings
from bot.core.clock import VIETNAM
from bot.core.messages import TELEGRAM, Channel, Incoming, Sender
from bot.db.models.delivery import OutboxMessage
from bot.db.models.people import AuditEntry, Unit
from bot.db.models.reports import Report
from bot.db.outbox import Outbox
from bot.db.outbox_rows import decode_buttons
from bot.db.people import PeopleStore, Role, UnitInfo, UnitSpec
from bot.db.tasks import TaskRecord, TaskStatus, TaskStore
from bot.facts.model import Deadline, DeadlineKind, DocumentFacts, Obligation
from bot.ingestion.cleaning import clean
from bot.ingestion.document import DocumentMeta
from bot.features.reminder_plan import ReminderPlanner
from bot.features.reminders import ReminderCommands
from bot.features.task_register import TaskAnnouncer, parse_units
from bot.services.obligations import obligation_key
from bot.services.tasks import TaskRegister, kept_keys
from bot.services.unit_match import UnitMatcher
from bot.services.units_file import parse_csv, parse_yaml
from tests.conftest import ROOT, SEED, build_assistant
from tests.plans import PLAN

DOC = "77/KH-UBND"
UNITS = [UnitSpec("SNV", "Sở Nội vụ", "so", ("Sở NV",)), UnitSpec("STC", "Sở Tài chính", "so"),
         UnitSpec("SYT", "Sở Y tế", "so"), UnitSpec("XA1", "Ủy ban nhân dân xã Ea Kao", "ubnd_xa"),
         UnitSpec("P2", "UBND phường Tân Lập", "ubnd_xa"),
         UnitSpec("TTHCC", "Trung tâm Phục vụ hành chính công tỉnh", "nganh", ("TT PVHCC",))]
ADMIN = "900"
TODAY = date(2026, 1, 15)


# -- matching actors to units (no database) ---------------------------------------------------------

def _matcher() -> UnitMatcher:
    return UnitMatcher(UnitInfo(i, u.code, u.name, True, u.kind, u.aliases or ()) for i, u in enumerate(UNITS, 1))


@pytest.mark.parametrize(("actor", "codes"), [
    ("Sở Nội vụ", ["SNV"]),
    ("SO NOI VU", ["SNV"]),                              # case and diacritics ignored
    ("Sở NV", ["SNV"]),                                  # an alias
    ("Sở Nội vụ, Sở Tài chính và Sở Y tế", ["SNV", "STC", "SYT"]),
    ("UBND các xã, phường", ["XA1", "P2"]),              # a class: every commune
    ("Ủy ban nhân dân các xã, phường, đặc khu", ["XA1", "P2"]),
    ("Các sở, ban, ngành", ["SNV", "STC", "SYT", "TTHCC"]),
    ("các sở, ban, ngành, UBND các xã, phường", ["SNV", "STC", "SYT", "XA1", "P2", "TTHCC"]),
    ("các cơ quan, đơn vị, địa phương", ["SNV", "STC", "SYT", "XA1", "P2", "TTHCC"]),
    ("Trung tâm Phục vụ hành chính công", ["TTHCC"]),    # the document's shorter name
    ("Ủy ban nhân dân phường Tân Lập", ["P2"]),          # «UBND» in the units file
    ("Bộ Tài chính", []),                                # not a unit of ours
    ("các cơ quan, đơn vị liên quan", []),               # who exactly is not said
])
def test_actors_resolve_to_units(actor: str, codes: list[str]) -> None:
    codes_by_id = {i: u.code for i, u in enumerate(UNITS, 1)}
    resolved = _matcher().resolve(actor)
    assert sorted(codes_by_id[i] for i in resolved.unit_ids) == sorted(codes)
    assert bool(resolved.unknown) == (not codes)


def test_units_files_carry_kind_and_aliases() -> None:
    parsed = parse_csv("code,name,kind,aliases\nSNV,Sở Nội vụ,so,Sở NV; SNV tỉnh\nX1,Xã Ea Kao,UBND_XA,\n"
                       "X2,Xã Hòa Thắng,huyen,\nSTC,Sở Tài chính,,\n")
    assert [(r.code, r.kind, r.aliases) for r in parsed.rows] == [
        ("SNV", "so", ("Sở NV", "SNV tỉnh")), ("X1", "ubnd_xa", ()), ("STC", None, ())]
    assert parsed.problems == [(4, "loại đơn vị «huyen» không hợp lệ: dùng một trong so, ubnd_xa, nganh, khac")]
    listed = parse_yaml("- {code: SNV, name: Sở Nội vụ, kind: so, aliases: [Sở NV, SNV tỉnh]}\n"
                        "- {code: STC, name: Sở Tài chính}\n")
    assert [(r.code, r.kind, r.aliases) for r in listed.rows] == [("SNV", "so", ("Sở NV", "SNV tỉnh")),
                                                                  ("STC", None, None)]


def test_typed_units_split_lead_from_coordinating() -> None:
    assert parse_units("SNV phối hợp STC, SYT") == (["SNV"], ["STC", "SYT"])
    assert parse_units("snv, stc phoi hop syt") == (["snv", "stc"], ["syt"])
    assert parse_units("SNV") == (["SNV"], [])


def test_reworded_tasks_of_one_sentence_each_keep_their_own_key() -> None:
    quote = "Sở Y tế báo cáo sơ kết trước ngày 30/6/2026 và tổng kết trước ngày 15/12/2026."

    def task(key: str, action: str, when: str) -> TaskRecord:
        return TaskRecord(key=key, source="kh.txt", doc_number=DOC, action=action, quote=quote,
                          deadline=Deadline(DeadlineKind.ABSOLUTE, when))
    stored = {"a": task("a", "báo cáo sơ kết", "trước ngày 30/6/2026"),
              "b": task("b", "tổng kết", "trước ngày 15/12/2026"),
              "m": replace(task("m", "việc thêm tay", "trước ngày 30/6/2026"), manual=True)}
    fresh = {"x": task("x", "báo cáo tổng kết", "trước ngày 15/12/2026"),
             "y": task("y", "gửi báo cáo sơ kết", "trước ngày 30/6/2026"),
             "z": task("z", "việc mới", "trước ngày 30/6/2026")}
    kept = kept_keys(fresh, stored)
    assert {k: r.action for k, r in kept.items()} == {
        "b": "báo cáo tổng kết", "a": "gửi báo cáo sơ kết", "z": "việc mới"}  # a task written by hand is no one's
    assert all(r.key == k for k, r in kept.items())


# -- the register over the real core ---------------------------------------------------------------

class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def vn(y: int, mo: int, d: int, h: int = 8) -> datetime:
    return datetime(y, mo, d, h, tzinfo=VIETNAM).astimezone(UTC)


@dataclass
class World:
    core: Any
    clock: Clock
    engine: Engine
    staff: dict[str, int]   # unit code -> its reporter's official id (Telegram user "u<code>")
    database_url: str

    def say(self, user: str, text: str = "", command: str | None = None, button: str | None = None,
            channel: Channel = TELEGRAM) -> str:
        msg = Incoming(channel=channel, chat_id=user, sender=Sender(user, user), text=text, command=command,
                       button=button)
        return "\n".join(r.text or r.notice for r in self.core.handle(msg))

    def buttons(self, user: str, text: str = "", command: str | None = None, button: str | None = None
                ) -> list[tuple[str, str]]:
        msg = Incoming(channel=TELEGRAM, chat_id=user, sender=Sender(user, user), text=text, command=command,
                       button=button)
        return [(b.label, b.data) for r in self.core.handle(msg) for row in r.buttons for b in row]

    def register(self, **settings: Any) -> TaskRegister:
        return TaskRegister(self.engine, load_settings(environ={}, database__url=self.database_url, **settings))

    def tasks(self) -> list[TaskRecord]:
        return TaskStore(self.engine).records(doc_numbers=[DOC])

    def task(self, action_start: str) -> TaskRecord:
        return next(t for t in self.tasks() if t.action.startswith(action_start))

    def codes(self, ids: tuple[int, ...]) -> list[str]:
        units = {u.id: u.code for u in self.core.people.units()}
        return sorted(units[i] for i in ids)

    def outbox(self, prefix: str) -> list[OutboxMessage]:
        with self.engine.connect() as connection:
            return list(connection.execute(select(OutboxMessage).where(
                OutboxMessage.dedupe_key.like(f"{prefix}%")).order_by(OutboxMessage.id)))


@pytest.fixture
def world(tmp_path: Path, database_url: str) -> Any:
    # The seed, a shipped plan reported on before the register existed and the plan of tasks: few enough
    # new documents to be announced one by one (a first ingestion of more comes as one digest, tested below).
    (tmp_path / "knowledge").mkdir()
    for name in (SEED.name, "ke-hoach-0125-kh-ubnd-2025.md"):
        shutil.copy(ROOT / "knowledge" / name, tmp_path / "knowledge" / name)
    (tmp_path / "knowledge" / "ke-hoach-77-kh-ubnd-2026.txt").write_text(PLAN, encoding="utf-8")
    clock = Clock(vn(2026, 1, 15, 9))
    core = build_assistant(tmp_path, database_url=database_url, now=clock, access__admins=[f"telegram:{ADMIN}"])
    people: PeopleStore = core.people
    people.import_units(UNITS)
    staff = {}
    for unit in UNITS:
        code = people.create_invite(unit.code, Role.REPORTER, max_uses=1).code
        staff[unit.code] = people.register("telegram", f"u{unit.code}", f"u{unit.code}", f"Cán bộ {unit.code}",
                                           code).official_id
    people.member("telegram", ADMIN, ADMIN, "Văn phòng")
    yield World(core, clock, people.engine, staff, database_url)
    people.engine.dispose()


def _announce(world: World, **settings: Any) -> int:
    register = TaskRegister(world.engine, load_settings(environ={}, database__url=world.database_url, **settings))
    return TaskAnnouncer(register, Outbox(world.engine)).tick(world.clock.moment)


def _planner(world: World) -> ReminderPlanner:
    return next(f for f in world.core.features if isinstance(f, ReminderCommands)).planner


def test_a_new_documents_tasks_are_proposed_with_their_units_and_drive_nothing(world: World) -> None:
    assert _announce(world) >= 1
    tasks = world.tasks()
    assert [(world.codes(t.lead), world.codes(t.coordinate)) for t in tasks] == [
        (["SNV"], ["STC"]),                           # «Chủ trì, phối hợp với Sở Tài chính» under «1. Sở Nội vụ:»
        (["SYT"], []),
        (["P2", "XA1"], []),                          # «Ủy ban nhân dân các xã, phường»
        (["SNV", "STC", "SYT", "TTHCC"], []),         # «Các sở, ban, ngành»
        (["TTHCC"], []),
    ]
    assert all(t.status is TaskStatus.PROPOSED for t in tasks)
    assert not any("kiểm tra" in t.action for t in tasks)  # the organisers' timetable is not a task
    [message] = [r for r in world.outbox("newdoc:") if DOC in r.text]
    assert message.text.startswith(f"📄 Văn bản mới {DOC}: 5 nhiệm vụ có thời hạn — đề xuất giao chủ trì: SNV 2,")
    assert [b.label for row in decode_buttons(message.buttons) for b in row] == [
        "✅ Theo dõi tất cả", "Xem từng nhiệm vụ"]
    # Nothing is reminded while it is only proposed.
    assert _planner(world).tick(vn(2026, 4, 23)) == 0
    assert "không còn việc có hạn nào chờ báo cáo" in world.say("uSYT", command="baocao")
    assert _announce(world) == 0  # told once


def test_a_duty_the_text_gives_no_time_is_proposed_undated_and_never_reminded(world: World) -> None:
    _announce(world)
    # 0125/KH-UBND: the dossiers due 31/3/2026, and Sở Nội vụ's report to the election committee, which only
    # cites the guidance it follows
    [message] = [r for r in world.outbox("newdoc:") if "0125/KH-UBND" in r.text]
    assert message.text.startswith("📄 Văn bản mới 0125/KH-UBND: 2 nhiệm vụ (1 có thời hạn, 1 văn bản không ghi hạn)")
    [duty] = [t for t in TaskStore(world.engine).records(doc_numbers=["0125/KH-UBND"]) if t.deadline.due is None]
    assert duty.action.startswith("phối hợp với các cơ quan, đơn vị có liên quan báo cáo Ủy ban bầu cử")
    assert world.codes(duty.lead) == ["SNV"] and duty.deadline.due is None
    view = world.say(ADMIN, button=f"nv:task:open:{duty.key}")
    assert "Hạn: văn bản không ghi hạn" in view
    register = world.register()
    [dossiers] = [t for t in register.store.records(doc_numbers=["0125/KH-UBND"]) if t.deadline.due]
    register.assign(dossiers.key, ["SNV"], by=None, channel="cli")  # the sentence names no sender
    register.track_document("0125/KH-UBND", by=None, channel="cli")
    planner = _planner(world)
    assert sum(planner.tick(vn(2026, 1, 16) + timedelta(days=n)) for n in range(350)) >= 1  # the dossiers'
    reminded = world.outbox("rem:")
    assert all(r.official_id == world.staff["SNV"] and "Ủy ban bầu cử" not in r.text for r in reminded)


def test_tracking_tells_each_assigned_unit_once_and_reminders_follow_the_assignment(world: World) -> None:
    _announce(world)
    [(_, track)] = [(label, data) for label, data in world.buttons(ADMIN, DOC, command="nhiemvu")
                    if label.startswith("✅")]
    assert world.say(ADMIN, button=track).startswith(f"Đã theo dõi 5 nhiệm vụ của {DOC}.")
    told = {r.official_id: r.text for r in world.outbox("trk:")}
    assert set(told) == set(world.staff.values())  # every unit has something in this plan
    assert "Sở Tài chính (STC) có 2 nhiệm vụ" in told[world.staff["STC"]]
    assert "— hạn 15/06/2026 (phối hợp)" in told[world.staff["STC"]]
    assert "Ủy ban nhân dân xã Ea Kao (XA1) có 1 nhiệm vụ" in told[world.staff["XA1"]]
    assert world.say(ADMIN, button=track).startswith(f"Đã theo dõi 0 nhiệm vụ của {DOC}.")
    assert len(world.outbox("trk:")) == len(told)  # once
    # 7 days before 30/4/2026: the Sở Y tế task, to the Sở Y tế reporter only.
    planner = _planner(world)
    assert planner.tick(vn(2026, 4, 23)) == 1
    [reminder] = world.outbox("rem:")
    assert reminder.official_id == world.staff["SYT"] and "Xây dựng kế hoạch chuyển đổi số" in reminder.text
    # 15/6/2026: lead and coordinating units; 31/5/2026: the communes.
    assert planner.tick(vn(2026, 6, 8)) == 2
    assert planner.tick(vn(2026, 5, 24)) == 2
    reached = {r.official_id for r in world.outbox("rem:")}
    assert reached == {world.staff[c] for c in ("SYT", "SNV", "STC", "XA1", "P2")}


def test_baocao_and_tonghop_follow_the_assignment_with_the_four_states(world: World) -> None:
    _announce(world)
    world.register().track_document(DOC, by=None, channel="cli")
    offered = [label for label, _ in world.buttons("uXA1", command="baocao")]
    assert offered[0].startswith("Rà soát, cập nhật dữ liệu dân cư") and offered[-1].startswith("Khác")
    assert len(offered) == 2  # its one task, and «Khác»
    snv = [label for label, _ in world.buttons("uSNV", command="baocao")]
    assert len(snv) == 3 and any(label.startswith("Chủ trì") for label in snv)
    world.clock.moment = vn(2026, 5, 2, 9)  # the Sở Y tế deadline (30/4) has passed
    text = world.say(ADMIN, command="tonghop", text=DOC)
    block = next(b for b in text.split("\n\n") if "Xây dựng kế hoạch" in b)
    assert "Đã báo cáo 0/1" in block and "SYT" in block and "SNV" not in block
    assert "Tình trạng nhiệm vụ: hoàn thành đúng hạn 0; hoàn thành quá hạn 0; đang thực hiện trong hạn 9; " \
           "quá hạn chưa hoàn thành 1." in text
    assert "• SYT: đúng hạn 0/2 (quá hạn chưa hoàn thành 1)" in text


def test_admins_dismiss_reassign_and_correct_and_the_decisions_survive_a_new_sync(world: World) -> None:
    _announce(world)
    task = world.task("Cập nhật danh mục")
    world.say(ADMIN, button=f"nv:task:open:{task.key}")
    assert "Đã đánh dấu «không phải nhiệm vụ»" in world.say(ADMIN, button=f"nv:task:dismiss:{task.key}")
    health = world.task("Xây dựng kế hoạch")
    assert "Gõ mã đơn vị chủ trì" in world.say(ADMIN, button=f"nv:task:units:{health.key}")
    assert "Không có đơn vị mã XYZ" in world.say(ADMIN, "XYZ phối hợp SNV")
    assert "chủ trì SYT; phối hợp SNV" in world.say(ADMIN, "syt phối hợp snv")
    world.say(ADMIN, button=f"nv:task:due:{health.key}")
    assert "Không đọc được ngày «sớm»" in world.say(ADMIN, "sớm")
    assert "Hạn: 15/05/2026 — đã sửa bằng tay" in world.say(ADMIN, "15/5/2026")
    world.register().sync()  # as after re-ingestion
    health = world.task("Xây dựng kế hoạch")
    assert (world.codes(health.lead), world.codes(health.coordinate), health.deadline.due) == (
        ["SYT"], ["SNV"], date(2026, 5, 15))
    assert world.task("Cập nhật danh mục").status is TaskStatus.DISMISSED
    with world.engine.connect() as connection:
        actions = set(connection.scalars(select(AuditEntry.action).where(AuditEntry.action.like("task_%"))))
    assert actions == {"task_propose", "task_dismiss", "task_assign", "task_deadline"}
    assert world.say("uSYT", command="nhiemvu").startswith("Lệnh /nhiemvu chỉ dành cho vai trò quản trị")


def test_a_task_a_newer_extractor_words_otherwise_keeps_its_key_status_units_and_reports(world: World) -> None:
    _announce(world)
    register = world.register()
    register.track_document(DOC, by=None, channel="cli")
    health = world.task("Xây dựng kế hoạch")
    register.assign(health.key, ["SYT"], ["SNV"], by=None, channel="cli")
    # The next version of the extractor reads the same sentence with other words for its action.
    facts = world.core.facts
    [entry] = [e for e in facts.obligations([DOC]) if e.obligation.action.startswith("Xây dựng kế hoạch")]
    source = entry.source
    meta = clean(PLAN).meta
    reread = tuple(replace(e.obligation, action="Lập kế hoạch chuyển đổi số của ngành y tế")
                   if e.obligation.action.startswith("Xây dựng kế hoạch") else e.obligation
                   for e in facts.obligations([DOC]) if e.source == source)
    facts.replace_document(source, meta, "next-extractor", DocumentFacts(obligations=reread))
    register.sync()
    moved = world.task("Lập kế hoạch chuyển đổi số")
    assert (moved.key, moved.status) == (health.key, TaskStatus.TRACKED)
    assert (world.codes(moved.lead), world.codes(moved.coordinate)) == (["SYT"], ["SNV"])
    assert len(world.tasks()) == 5 and not [t for t in world.tasks() if t.status is TaskStatus.DISMISSED]


def test_a_task_added_by_hand_is_tracked_at_once(world: World) -> None:
    _announce(world)
    usage = world.say(ADMIN, "77/KH-UBND | thiếu phần", command="themnhiemvu")
    assert usage.startswith("Thêm nhiệm vụ bằng tay")
    reply = world.say(ADMIN, "77/KH-UBND | Gửi báo cáo sơ kết 6 tháng | 30/6/2026 | STC phối hợp SNV",
                      command="themnhiemvu")
    assert reply.startswith("Đã thêm và đưa vào theo dõi.") and "chủ trì STC; phối hợp SNV" in reply
    added = world.task("Gửi báo cáo sơ kết 6 tháng")
    assert added.status is TaskStatus.TRACKED and added.manual
    assert any(label.startswith("Gửi báo cáo sơ kết 6 tháng") for label, _ in world.buttons("uSTC", command="baocao"))
    assert "Không có văn bản «99/XX»" in world.say(ADMIN, "99/XX | Việc | 1/7/2026 | STC", command="themnhiemvu")


def test_tasks_already_reported_on_stay_tracked_and_auto_track_tells_the_units(world: World) -> None:
    with world.engine.begin() as connection:  # a report from before the register existed
        unit_id = connection.scalar(select(Unit.id).where(Unit.code == "SNV"))
        connection.execute(Report.__table__.insert().values(
            unit_id=unit_id, official_id=world.staff["SNV"], channel="telegram",
            obligation_key=obligation_key("0125/KH-UBND", _dossier_action(world), "trước ngày 31/3/2026"),
            title="x", doc_number="0125/KH-UBND", due_date=date(2026, 3, 31), status="in_progress", text="",
            submitted_at=datetime.now(UTC), submission_token=uuid.uuid4().hex))
    _announce(world, tasks__auto_track=True)
    statuses = {t.doc_number: t.status for t in TaskStore(world.engine).records()}
    assert statuses["0125/KH-UBND"] is TaskStatus.TRACKED and statuses[DOC] is TaskStatus.TRACKED
    assert {r.official_id for r in world.outbox("trk:")} >= set(world.staff.values())
    [message] = [r for r in world.outbox("newdoc:") if DOC in r.text]
    assert "đã tự động theo dõi" in message.text


def _dossier_action(world: World) -> str:
    return next(e.obligation.action for e in world.core.facts.obligations(["0125/KH-UBND"]))


# -- the command line -------------------------------------------------------------------------------

def test_tasks_on_the_command_line(world: World, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", world.database_url)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["tasks", *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    code, out, _ = run("list", "--doc", DOC, "--json")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(lines) == 5
    first = lines[0]
    assert set(first) == {"key", "doc_number", "source", "section", "quote", "action", "actor", "lead",
                          "coordinate", "deadline_text", "due", "recurrence", "status"}
    assert (first["doc_number"], first["lead"], first["coordinate"], first["due"], first["recurrence"],
            first["status"]) == (DOC, ["SNV"], ["STC"], "2026-06-15", None, "proposed")
    assert first["section"].startswith("II. TỔ CHỨC THỰC HIỆN > 1.")
    code, out, _ = run("track", DOC)
    assert code == 0 and f"{DOC}: theo dõi thêm 5 nhiệm vụ." in out and "tin báo nhiệm vụ" in out
    assert run("dismiss", lines[4]["key"])[0] == 0
    assert run("assign", lines[1]["key"], "--lead", "SYT", "--with", "STC")[0] == 0
    code, _, err = run("assign", lines[1]["key"], "--lead", "KHONGCO")
    assert code == 1 and "Không có đơn vị mã KHONGCO" in err
    code, out, _ = run("add", "--doc", "77/kh-ubnd", "--action", "Báo cáo quý", "--due", "30/6/2026",
                       "--lead", "SNV")
    assert code == 0 and out.startswith("Đã thêm và theo dõi:")
    code, out, _ = run("list", "--unit", "STC", "--status", "tracked", "--json")
    tracked = [json.loads(line) for line in out.splitlines()]
    # Coordinating on the Sở Nội vụ report, one of «các sở, ban, ngành», and the task given to it.
    assert sorted(t["action"][:12].lower() for t in tracked) == ["chủ trì, phố", "thực hiện kế", "xây dựng kế "]
    code, out, _ = run("list", "--doc", DOC)
    assert "không phải nhiệm vụ" in out and "thêm bằng tay" in out
    assert run("track")[0] == 2
    assert run("list", "--doc", "1/XX")[0] == 1


def test_tasks_proposed_by_another_process_are_announced_and_many_documents_come_as_one_digest(
        world: World) -> None:
    world.register().sync()  # as the dashboard's upload or `tasks list` does, before the bot looks
    _announce(world)
    assert [r for r in world.outbox("newdoc:") if DOC in r.text]
    facts = world.core.facts
    for i in range(6):  # a batch of new documents, e.g. a first ingestion
        facts.replace_document(f"cv-{i}.txt", DocumentMeta(doc_number=f"{i + 1}/CV-SNV", doc_type="công văn"),
                               f"h{i}", DocumentFacts(obligations=(Obligation(
                                   action=f"gửi báo cáo số {i}", actor="Sở Y tế", lead="Sở Y tế",
                                   deadline=Deadline(DeadlineKind.ABSOLUTE, "trước ngày 30/6/2026",
                                                     due=date(2026, 6, 30)), quote="…"),)))
    assert _announce(world) == 1  # one admin, one digest
    [digest] = world.outbox("newdocs:")
    assert digest.text.startswith("📄 6 văn bản mới: 6 nhiệm vụ có thời hạn đề xuất, 6 đã xác định đơn vị chủ trì")
    assert "/nhiemvu" in digest.text
    assert _announce(world) == 0
