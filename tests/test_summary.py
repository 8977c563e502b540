"""The secretariat's view: /tonghop (text and chart), /xuatbaocao and `reports` on the command line,
over the real core and the shipped knowledge, on SQLite and PostgreSQL.

The register tracks, on 15/01/2026, every unit on two tasks due 31/12/2025 (09/CT-UBND, and one
added by hand to 157/KH-UBND, whose own dated sentence is the organisers' timetable, not a task)
and one due 31/03/2026 (0125/KH-UBND); the reports below are seeded straight into the tables.
"""
from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import matplotlib.image
import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from bot.channels import console
from bot.__main__ import main as cli
from bot.core.assistant import Assistant
from bot.channels.telegram.adapter import build_application
from bot.db.models.people import Official
from bot.db.models.reports import Report
from bot.db.people import Role
from bot.core.messages import TELEGRAM, ZALO, ChatKind, Incoming, Reply, Sender
from bot.services.obligations import TrackedObligation, tracked_obligations
from bot.features.summary import ZALO_NO_FILES
from bot.services.exports import XLSX_MIME
from bot.config import load_settings
from bot.services.tasks import TaskRegister
from tests.conftest import build_assistant, track_all
from tests.fakes.fixtures import running_ptb, telegram_fake  # noqa: F401

TODAY = date(2026, 1, 15)
ADMIN = "900"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
TRAINING = "Đã hoàn thành tập huấn cho 100% cán bộ"
UNITS = [("SNV", "Sở Nội vụ"), ("STTTT", "Sở Thông tin và Truyền thông"), ("SYT", "Sở Y tế"),
         ("SGD", "Sở Giáo dục và Đào tạo")]


def utc(year: int, month: int, day: int, hour: int = 3, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@dataclass
class World:
    core: Assistant
    base: Path                  # the folder of the store and knowledge
    water: TrackedObligation    # 09/CT-UBND, due 31/12/2025 (passed)
    ranking: TrackedObligation  # 157/KH-UBND, due 31/12/2025 (passed)
    dossier: TrackedObligation  # 0125/KH-UBND, due 31/03/2026
    ids: dict[str, int]         # report ids by name
    staff: dict[str, int]       # official ids by unit code
    database_url: str


def _by_doc(tracked: list[TrackedObligation], number: str) -> TrackedObligation:
    return next(o for o in tracked if o.doc_number == number)


def _report(session: Session, unit: int, official: int, o: TrackedObligation | None, status: str,
            percent: int | None, at: datetime, *, text: str = "", corrects: int | None = None,
            title: str = "", due: date | None = None, attachment: str | None = None) -> int:
    row = Report(unit_id=unit, official_id=official, channel="telegram",
                 obligation_key=o.key if o else None, title=o.title() if o else title,
                 doc_number=o.doc_number if o else None, due_date=due or (o.due if o else None),
                 status=status, percent=percent, text=text, attachment_name=attachment,
                 corrects_id=corrects, submitted_at=at, submission_token=uuid.uuid4().hex)
    session.add(row)
    session.flush()
    return row.id


@pytest.fixture
def world(tmp_path, database_url) -> Iterator[World]:
    core = build_assistant(tmp_path, TODAY, database_url=database_url,
                           access__admins=[f"telegram:{ADMIN}", "console:admin1", "zalo:z1"])
    people = core.people
    people.import_units(UNITS)
    units = {u.code: u.id for u in people.units()}
    track_all(people.engine)
    TaskRegister(people.engine, load_settings(environ={})).add(
        "157/KH-UBND", "Gửi báo cáo tự đánh giá kết quả thực hiện", date(2025, 12, 31), list(units),
        by=None, channel="cli")
    tracked = tracked_obligations(core.tasks, TODAY, 60)
    water, ranking, dossier = (_by_doc(tracked, n) for n in ("09/CT-UBND", "157/KH-UBND", "0125/KH-UBND"))
    ids: dict[str, int] = {}
    staff: dict[str, int] = {}
    with Session(people.engine) as session, session.begin():
        for code, unit_id in units.items():
            official = Official(name=f"Cán bộ {code}", unit_id=unit_id, role="reporter", active=True)
            session.add(official)
            session.flush()
            staff[code] = official.id
        # SNV: on time at 50 %, then corrected after the deadline to done: done wins, not late.
        ids["snv_first"] = _report(session, units["SNV"], staff["SNV"], water, "in_progress", 50,
                                   utc(2025, 12, 30), text="Đang rà soát 50% công trình")
        ids["snv_fix"] = _report(session, units["SNV"], staff["SNV"], water, "done", 100, utc(2026, 1, 2),
                                 text="Đã rà soát xong", corrects=ids["snv_first"], attachment="ket-qua.pdf")
        # STTTT: 23:30 on 31/12 in Vietnam (16:30 UTC) is still on time.
        ids["sttt"] = _report(session, units["STTTT"], staff["STTTT"], water, "done", 100,
                              utc(2025, 12, 31, 16, 30), text=TRAINING)
        # SYT: 00:30 on 1/1 in Vietnam (17:30 UTC on 31/12) is late.
        ids["syt"] = _report(session, units["SYT"], staff["SYT"], water, "in_progress", 30,
                             utc(2025, 12, 31, 17, 30), text="=HYPERLINK(\"http://x\")")
        # SGD: nothing on water (overdue). SNV on the dossier (not yet due); an older occurrence.
        ids["dossier"] = _report(session, units["SNV"], staff["SNV"], dossier, "not_started", 0, utc(2026, 1, 10))
        ids["old"] = _report(session, units["SGD"], staff["SGD"], dossier, "done", 100, utc(2025, 3, 1),
                             due=date(2025, 3, 31), text="Kỳ trước")
        # A free-titled report, then its correction: only the correction is current.
        ids["free_draft"] = _report(session, units["STTTT"], staff["STTTT"], None, "in_progress", 40,
                                    utc(2026, 1, 11), title="Hội nghị sơ kết chuyển đổi số")
        ids["free"] = _report(session, units["STTTT"], staff["STTTT"], None, "done", 100, utc(2026, 1, 12),
                              title="Hội nghị sơ kết chuyển đổi số", corrects=ids["free_draft"])
    yield World(core, tmp_path, water, ranking, dossier, ids, staff, database_url)
    people.engine.dispose()  # every store of the core shares this engine


def _msg(text: str, command: str | None, user: str = ADMIN, channel=TELEGRAM,
         kind: ChatKind = ChatKind.PRIVATE) -> Incoming:
    chat = user if kind is ChatKind.PRIVATE else "-100"
    return Incoming(channel, chat, Sender(user, "Văn phòng"), kind, text=text, command=command)


def _text(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies if r.text)


def _block(text: str, title_start: str) -> str:
    """The paragraph of one obligation in the summary."""
    return next(b for b in text.split("\n\n") if title_start in b.split("\n")[0])


# -- summary, chart --------------------------------------------------------------------------


def test_summary_counts_latest_status_late_and_overdue(world: World) -> None:
    replies = world.core.handle(_msg("", "tonghop"))

    chart, *texts = replies
    text = _text(texts)
    assert chart.file is not None and chart.file.name == "tonghop.png" and chart.file.mime_type == "image/png"
    assert chart.file.content.startswith(PNG_MAGIC)
    image = matplotlib.image.imread(io.BytesIO(chart.file.content))
    assert image.shape[0] > 200 and image.shape[1] > 600
    assert "đã báo cáo 4/12 lượt" in chart.file.caption

    assert text.startswith("Tổng hợp báo cáo ngày 15/01/2026: 3 nội dung có thời hạn, 4 đơn vị.")
    assert ("Tổng cộng: đã báo cáo 4/12 lượt (Hoàn thành 2, Đang triển khai 1, Chưa triển khai 1; "
            "trễ hạn 1). Chưa báo cáo 8, trong đó quá hạn 5.") in text
    water = _block(text, world.water.title()[:40])
    assert "hạn 31/12/2025 (đã qua). 09/CT-UBND" in water
    assert "Đã báo cáo 3/4 (Hoàn thành 2, Đang triển khai 1, Chưa triển khai 0; trễ hạn 1). " \
           "Chưa báo cáo 1 — quá hạn." in water
    assert "• SNV — Sở Nội vụ: Hoàn thành 100%\n" in water  # the correction wins, first report on time
    assert "• SYT — Sở Y tế: Đang triển khai 30% — trễ hạn" in water
    assert "• STTTT — Sở Thông tin và Truyền thông: Hoàn thành 100%\n" in water
    assert "• SGD — Sở Giáo dục và Đào tạo: quá hạn" in water
    ranking = _block(text, world.ranking.title()[:40])
    assert "Đã báo cáo 0/4" in ranking and ranking.count(": quá hạn") == 4
    dossier = _block(text, world.dossier.title()[:40])
    assert "hạn 31/03/2026. 0125/KH-UBND" in dossier and "quá hạn" not in dossier
    assert "• SNV — Sở Nội vụ: Chưa triển khai 0%" in dossier
    assert "• SGD — Sở Giáo dục và Đào tạo\n" in dossier  # the report on last year's occurrence does not count
    assert "Khác (báo cáo không gắn nội dung có thời hạn): 1 báo cáo.\n" \
           "• STTTT: Hội nghị sơ kết chuyển đổi số — Hoàn thành 100%, gửi 12/01/2026" in text
    assert text.endswith("Bảng đầy đủ (mọi báo cáo, cả lịch sử sửa): /xuatbaocao.")
    assert [b.label for b in texts[-1].buttons[0]] == ["📥 Xuất bảng Excel"]
    assert world.core.people.audit_log(1)[0][3] == "summary"


def test_a_unit_that_reported_on_time_but_never_finished_is_late_once_the_deadline_passed(world: World) -> None:
    with Session(world.core.people.engine) as session, session.begin():
        sgd = next(u.id for u in world.core.people.units() if u.code == "SGD")
        _report(session, sgd, world.staff["SGD"], world.water, "not_started", 0, utc(2025, 12, 20))
        _report(session, sgd, world.staff["SGD"], world.dossier, "not_started", 0, utc(2026, 1, 12))
    text = _text(world.core.handle(_msg("", "tonghop"))[1:])
    assert "• SGD — Sở Giáo dục và Đào tạo: Chưa triển khai 0% — trễ hạn" in _block(text, world.water.title()[:40])
    dossier = _block(text, world.dossier.title()[:40])  # not due yet: not late
    assert "• SGD — Sở Giáo dục và Đào tạo: Chưa triển khai 0%\n" in dossier + "\n"


def test_summary_of_one_document_charts_by_unit_and_unknown_document(world: World) -> None:
    chart, *texts = world.core.handle(_msg("ct 09", "tonghop"))
    unknown = world.core.handle(_msg("kh 4242", "tonghop"))

    text = _text(texts)
    assert text.startswith("Tổng hợp báo cáo ngày 15/01/2026 — 09/CT-UBND: 1 nội dung có thời hạn, 4 đơn vị.")
    assert world.ranking.title()[:40] not in text and "Khác" not in text
    assert text.endswith("/xuatbaocao 09/CT-UBND.")
    assert texts[-1].buttons[0][0].data == "th:xuat:09/CT-UBND"
    assert matplotlib.image.imread(io.BytesIO(chart.file.content)).ndim == 3
    assert chart.file.caption.startswith("Tiến độ báo cáo ngày 15/01/2026 (09/CT-UBND): đã báo cáo 3/4 lượt")
    assert _text(unknown).startswith("Tôi chưa có văn bản «kh 4242».")


def test_many_units_are_cut_with_the_export_suggested(world: World) -> None:
    world.core.people.import_units([(f"X{i:03d}", f"Xã số {i}") for i in range(60)])
    track_all(world.core.people.engine)  # every unit owes every task
    text = _text(world.core.handle(_msg("", "tonghop")))
    water = _block(text, world.water.title()[:40])
    assert "… và 46 đơn vị khác." in water  # 61 units missing, 15 listed
    assert "Đã báo cáo 3/64" in water
    assert len(text) < 8000


# -- export ----------------------------------------------------------------------------------


def test_export_xlsx_and_csv_hold_every_report(world: World, tmp_path, monkeypatch) -> None:
    [reply] = world.core.handle(_msg("", "xuatbaocao"))

    f = reply.file
    assert f is not None and f.mime_type == XLSX_MIME and f.name == "baocao-20260115.xlsx"
    assert f.caption == "Bảng báo cáo mọi văn bản: 8 báo cáo của 4 đơn vị, kể cả các lần sửa."
    sheet = load_workbook(io.BytesIO(f.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:4] == ("Số báo cáo", "Mã đơn vị", "Tên đơn vị", "Cán bộ")
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["J"].width == 60
    assert len(body) == 8
    by_id = {r[0]: r for r in body}
    fix = by_id[world.ids["snv_fix"]]
    assert fix[1:4] == ("SNV", "Sở Nội vụ", f"#{world.staff['SNV']} Cán bộ SNV")
    assert fix[5:10] == ("09/CT-UBND", datetime(2025, 12, 31), "Hoàn thành", 100, "Đã rà soát xong")
    assert fix[10:14] == ("ket-qua.pdf", datetime(2026, 1, 2, 10, 0), "trễ hạn",
                          f"sửa báo cáo số {world.ids['snv_first']}")
    assert fix[14:] == (None,)  # «Nơi lưu tệp»: neither a copy nor a messenger reference here
    assert by_id[world.ids["sttt"]][9] == TRAINING and by_id[world.ids["sttt"]][12] == "đúng hạn"
    assert by_id[world.ids["syt"]][9] == "=HYPERLINK(\"http://x\")"  # text, never a formula
    assert by_id[world.ids["free"]][6] is None and by_id[world.ids["free"]][12] is None
    due_cell = sheet.cell(row=2, column=7)
    assert due_cell.number_format == "DD/MM/YYYY"
    assert world.core.people.audit_log(1)[0][3] == "export"

    out = tmp_path / "bc.csv"
    monkeypatch.setenv("DATABASE_URL", world.database_url)
    assert cli(["reports", "export", "--store", str(tmp_path / "store"), "--out", str(out)]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(table) == 9 and tuple(table[0]) == header
    assert [int(r[0]) for r in table[1:]] == [r[0] for r in body]  # same rows, same order
    csv_by_id = {int(r[0]): r for r in table[1:]}
    assert csv_by_id[world.ids["sttt"]][9] == TRAINING
    assert csv_by_id[world.ids["snv_fix"]][6:8] == ["31/12/2025", "Hoàn thành"]
    assert csv_by_id[world.ids["snv_fix"]][11:] == ["02/01/2026 10:00", "trễ hạn",
                                                   f"sửa báo cáo số {world.ids['snv_first']}", ""]
    assert csv_by_id[world.ids["syt"]][9] == "'=HYPERLINK(\"http://x\")"  # defused for Excel
    assert world.core.people.audit_log(1)[0][2:4] == ("cli", "export")


def test_export_of_one_document_and_on_zalo(world: World) -> None:
    [reply] = world.core.handle(_msg("kh 0125", "xuatbaocao"))
    on_zalo = world.core.handle(_msg("", "xuatbaocao", user="z1", channel=ZALO))
    none = world.core.handle(_msg("kh 982", "xuatbaocao"))

    rows = list(load_workbook(io.BytesIO(reply.file.content)).active.iter_rows(values_only=True))[1:]
    assert sorted(r[0] for r in rows) == sorted([world.ids["dossier"], world.ids["old"]])
    assert reply.file.name == "baocao-0125-KH-UBND-20260115.xlsx"
    assert _text(on_zalo) == ZALO_NO_FILES and all(r.file is None for r in on_zalo)
    assert _text(none) == "Chưa có báo cáo nào theo 982/KH-UBND để xuất."


# -- who may --------------------------------------------------------------------------------


def test_only_admins_see_summaries_and_exports(world: World) -> None:
    people = world.core.people
    for who, role in (("501", Role.REPORTER), ("502", Role.READER)):
        code = people.create_invite("SNV", role).code
        people.register("telegram", who, who, "Chị Lan", code)
    before = len(people.audit_log(1000))

    stranger = _text(world.core.handle(_msg("", "tonghop", user="499")))
    reporter = _text(world.core.handle(_msg("", "tonghop", user="501")))
    reader = _text(world.core.handle(_msg("", "xuatbaocao", user="502")))
    button = world.core.handle(Incoming(TELEGRAM, "501", Sender("501"), button="th:xuat"))
    in_group = _text(world.core.handle(_msg("", "tonghop", kind=ChatKind.GROUP)))
    admin_help = _text(world.core.handle(_msg("", "help")))
    reporter_help = _text(world.core.handle(_msg("", "help", user="501")))

    assert stranger.startswith("Lệnh /tonghop chỉ dành cho vai trò quản trị (văn phòng). "
                               "Bạn chưa đăng ký")
    assert reporter == ("Lệnh /tonghop chỉ dành cho vai trò quản trị (văn phòng). "
                        "Vai trò của bạn: báo cáo của đơn vị.")
    assert reader.endswith("Vai trò của bạn: chỉ xem.")
    assert all(r.file is None for r in button) and "quản trị (văn phòng)" in _text(button)
    assert in_group.startswith("Lệnh /tonghop dùng trong tin nhắn riêng")
    assert len(people.audit_log(1000)) == before  # refusals leave no audit entry
    assert "/tonghop" in admin_help and "/xuatbaocao" in admin_help
    assert "/tonghop" not in reporter_help


# -- channels ------------------------------------------------------------------------------


async def test_tonghop_on_telegram_arrives_as_a_photo_then_the_export(telegram_fake, world: World) -> None:
    application = build_application(world.core, telegram_fake.token, telegram_fake.base_url)
    async with running_ptb(application):
        await telegram_fake.send_text(int(ADMIN), "/tonghop")
        photo, text = await telegram_fake.wait_for_messages(int(ADMIN), 2)
        await telegram_fake.press_button(int(ADMIN), text.message_id, text.buttons[0]["callback_data"])
        document = (await telegram_fake.wait_for_messages(int(ADMIN), 3))[2]

    [call] = telegram_fake.calls_of("sendPhoto")
    assert call.status == 200 and not telegram_fake.calls_of("sendDocument")[:-1]
    assert photo.photo.filename == "tonghop.png" and photo.photo.data.startswith(PNG_MAGIC)
    assert photo.caption.startswith("Tiến độ báo cáo ngày 15/01/2026: đã báo cáo 4/12 lượt")
    assert text.text.startswith("Tổng hợp báo cáo ngày 15/01/2026: 3 nội dung có thời hạn, 4 đơn vị.")
    assert text.buttons[0]["text"] == "📥 Xuất bảng Excel"
    assert document.document.filename == "baocao-20260115.xlsx"
    assert len(load_workbook(io.BytesIO(document.document.data)).active["A"]) == 9


def test_console_saves_files_under_the_store(world: World, monkeypatch) -> None:
    monkeypatch.setattr(console.getpass, "getuser", lambda: "admin1")
    monkeypatch.setattr(world.core.answerer.search, "is_empty", lambda: False)
    out = io.StringIO()
    exports = world.base / "store" / "exports"

    console.run(world.core, stdin=io.StringIO("/tonghop\n/xuatbaocao\n"), stdout=out,
                interactive=False, exports=exports)

    saved = sorted(p.name for p in exports.iterdir())
    assert len(saved) == 2 and saved[0].startswith("baocao-20260115-") and saved[0].endswith(".xlsx")
    assert saved[1].startswith("tonghop-") and saved[1].endswith(".png")
    assert f"Đã lưu tệp: {exports / saved[1]} (Tiến độ báo cáo ngày 15/01/2026" in out.getvalue()
    assert (exports / saved[1]).read_bytes().startswith(PNG_MAGIC)


def test_cli_summary_with_chart(world: World, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", world.database_url)
    chart = tmp_path / "out" / "chart.png"
    status = cli(["reports", "summary", "--store", str(tmp_path / "store"), "--doc", "ct 09",
                  "--today", "2026-01-15", "--chart", str(chart)])
    out = capsys.readouterr().out
    assert status == 0
    assert out.startswith("Tổng hợp báo cáo ngày 15/01/2026 — 09/CT-UBND")
    assert "python -m bot reports export --out baocao.xlsx --doc 09/CT-UBND." in out
    assert chart.read_bytes().startswith(PNG_MAGIC) and f"Biểu đồ: {chart}" in out
    store = ["--store", str(tmp_path / "store")]
    assert cli(["reports", "export", *store, "--out", str(tmp_path / "bc.pdf")]) == 2
    assert cli(["reports", "export", *store, "--out", str(tmp_path / "bc.xlsx"), "--doc", "kh 4242"]) == 1
    err = capsys.readouterr().err
    assert "Tệp xuất phải có đuôi .xlsx hoặc .csv." in err and "Không có văn bản «kh 4242» trong kho." in err
    assert not (tmp_path / "bc.xlsx").exists()


def test_the_export_counts_each_assigned_unit_in_the_four_states(world: World, tmp_path, monkeypatch) -> None:
    [reply] = world.core.handle(_msg("", "xuatbaocao"))
    assert reply.file is not None
    book = load_workbook(io.BytesIO(reply.file.content))
    assert book.sheetnames == ["Báo cáo", "Nhiệm vụ theo đơn vị"]
    rows = list(book["Nhiệm vụ theo đơn vị"].iter_rows(values_only=True))
    assert rows[0] == ("Số hiệu văn bản", "Nhiệm vụ", "Hạn", "Mã đơn vị", "Tên đơn vị", "Vai trò", "Tình trạng",
                       "Báo cáo gần nhất", "Tiến độ (%)")
    water = {r[3]: (r[6], r[7]) for r in rows[1:] if r[0] == "09/CT-UBND"}
    assert water == {"SNV": ("Hoàn thành quá hạn", "Hoàn thành"),          # done, but after 31/12
                     "STTTT": ("Hoàn thành đúng hạn", "Hoàn thành"),       # 23:30 on 31/12 in Vietnam
                     "SYT": ("Quá hạn chưa hoàn thành", "Đang triển khai"),
                     "SGD": ("Quá hạn chưa hoàn thành", "Chưa báo cáo")}
    dossier = {r[6] for r in rows[1:] if r[0] == "0125/KH-UBND"}
    assert dossier == {"Đang thực hiện trong hạn"}
    assert len(rows) == 1 + 3 * 4  # three tasks, four units each
    out = tmp_path / "nhiemvu.csv"
    monkeypatch.setenv("DATABASE_URL", world.database_url)
    assert cli(["reports", "export", "--store", str(tmp_path / "store"), "--out", str(out), "--tasks",
                "--today", "2026-01-15"]) == 0
    table = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert tuple(table[0]) == rows[0] and len(table) == len(rows)
