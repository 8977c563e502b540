"""The SQL layer on SQLite and PostgreSQL: engine, migrations, and the facts repository."""
from __future__ import annotations

import threading
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.orm import Session

from bot.db.engine import alembic_config, connect, migrate, normalise_url, open_engine
from bot.db.facts import FactStore
from bot.db.models import Base, documents as m
from bot.facts.model import (
    CriteriaList,
    Deadline,
    DeadlineKind,
    DocumentFacts,
    ListKind,
    Obligation,
)
from bot.ingestion.document import DocumentMeta

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()
TODAY = date(2026, 3, 1)


def meta(number: str, issued: date | None = date(2025, 1, 10),
         title: str | None = None) -> DocumentMeta:
    return DocumentMeta(doc_number=number, doc_type="kế hoạch", issuer="UBND tỉnh Đắk Lắk",
                        issued_date=issued, title=title or f"Về việc thực hiện {number}")


def obligation(deadline: Deadline, action: str = "gửi báo cáo về Sở Nội vụ",
               actor: str | None = "UBND các xã, phường") -> Obligation:
    return Obligation(action=action, deadline=deadline, quote=f"{actor}: {action} {deadline.text}.",
                      section="V. Tổ chức thực hiện > 2.", actor=actor)


def absolute(due: date) -> Deadline:
    return Deadline(DeadlineKind.ABSOLUTE, f"trước ngày {due:%d/%m/%Y}", due=due)


def recurring(day: int, month: int) -> Deadline:
    return Deadline(DeadlineKind.RECURRING, f"trước ngày {day} tháng {month} hằng năm",
                    day=day, month=month)


EVERY_KIND = (
    obligation(absolute(date(2026, 3, 31))),
    obligation(recurring(15, 11), action="tổng kết phong trào thi đua", actor=None),
    obligation(Deadline(DeadlineKind.PERIODIC, "định kỳ hằng quý, trước ngày 20 tháng cuối quý",
                        day=20, period_months=3)),
    obligation(Deadline(DeadlineKind.PERIODIC, "hằng tuần", period_days=7)),
    obligation(Deadline(DeadlineKind.RELATIVE, "trong thời hạn 10 ngày kể từ ngày ban hành",
                        due=date(2025, 1, 20), offset_days=10, anchor="ngày ban hành")),
    obligation(Deadline(DeadlineKind.RELATIVE, "trong 15 ngày kể từ khi kết thúc đợt",
                        offset_days=15, anchor="khi kết thúc đợt")),
)
CRITERIA = (
    CriteriaList(ListKind.CRITERIA, "Tiêu chí thi đua gồm:",
                 ("Hoàn thành xuất sắc nhiệm vụ được giao;", "Có sáng kiến được công nhận;"),
                 section="III. Tiêu chí thi đua"),
    CriteriaList(ListKind.REWARDS, "Hình thức khen thưởng:", ("Bằng khen của Bộ trưởng",)),
    CriteriaList(ListKind.CONDITIONS, "Điều kiện:", ()),
)


@pytest.fixture
def store(db_engine: Engine) -> FactStore:
    return FactStore(db_engine)


def count(engine: Engine, model: type[Base]) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


# -- engine and migrations -----------------------------------------------------------------------

def test_migrating_twice_is_a_no_op(database_url: str) -> None:
    engine = connect(database_url)
    try:
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_heads() == (HEAD,)
        store = FactStore(engine)
        store.replace_document("a.txt", meta("1/KH-UBND"), "h1", DocumentFacts(EVERY_KIND))
        migrate(engine)
        connect(database_url).dispose()
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_heads() == (HEAD,)
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
        assert count(engine, m.Obligation) == len(EVERY_KIND)
    finally:
        engine.dispose()


def test_migration_head_matches_models(db_engine: Engine) -> None:
    with db_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_concurrent_start_ups_migrate_once(database_url: str) -> None:
    """Several workers starting together: one migrates, the others wait and find it done."""
    workers = 4
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def start() -> None:
        engine = open_engine(database_url)
        try:
            barrier.wait()
            migrate(engine)
        except BaseException as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=start) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    engine = connect(database_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).all() == [(HEAD,)]
    finally:
        engine.dispose()


def test_sqlite_file_in_a_new_folder_with_wal(tmp_path: Path) -> None:
    path = tmp_path / "not" / "yet" / "assistant.db"
    engine = connect(f"sqlite:///{path}")
    try:
        assert path.is_file()
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
    finally:
        engine.dispose()


def test_sqlite_commits_are_synced_in_full(tmp_path: Path) -> None:
    """A receipt shown to a reporter must survive a power cut: synchronous=FULL (2), not NORMAL,
    on every new connection of the application database."""
    engine = connect(f"sqlite:///{tmp_path / 'assistant.db'}")
    try:
        for _ in range(2):
            with engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
            engine.dispose()  # the next connection is a new one
    finally:
        engine.dispose()


def test_sqlite_ddl_is_transactional(tmp_path: Path) -> None:
    """A failed migration leaves nothing half-done: SQLAlchemy, not sqlite3, emits BEGIN."""
    engine = open_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with pytest.raises(RuntimeError), engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            raise RuntimeError("migration failed")
        assert "t" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_plain_postgresql_urls_use_psycopg() -> None:
    assert normalise_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("sqlite:///x.db").drivername == "sqlite"


def test_timestamps_are_utc_aware(db_engine: Engine) -> None:
    FactStore(db_engine).replace_document("a.txt", meta("1/KH-UBND"), "h", DocumentFacts())
    with Session(db_engine) as session:
        doc = session.scalars(select(m.Document)).one()
        assert doc.updated_at.tzinfo == UTC
        assert abs(datetime.now(UTC) - doc.updated_at) < timedelta(minutes=1)
        doc.updated_at = datetime(2026, 1, 1, 7, 0, tzinfo=timezone(timedelta(hours=7)))
        session.commit()
        assert session.scalars(select(m.Document)).one().updated_at == datetime(
            2026, 1, 1, 0, 0, tzinfo=UTC)
        doc.updated_at = datetime(2026, 1, 1)  # naive: refused
        with pytest.raises(Exception, match="naive datetime"):
            session.commit()


# -- the facts repository ------------------------------------------------------------------------

def test_every_deadline_kind_round_trips(store: FactStore) -> None:
    nfc = unicodedata.normalize("NFC", "Ủy ban nhân dân tỉnh Đắk Lắk — “báo cáo” ≤ 31/3")
    facts = DocumentFacts(EVERY_KIND + (obligation(absolute(date(2026, 4, 1)), actor=nfc),),
                          CRITERIA)
    store.replace_document("thu-muc/kế-hoạch 982.txt", meta("982/KH-UBND"), "sha", facts)

    entries = store.obligations(["982/KH-UBND"], today=TODAY)
    assert tuple(e.obligation for e in entries) == facts.obligations
    assert entries[-1].obligation.actor == nfc
    assert [e.next_due for e in entries] == [
        date(2026, 3, 31), date(2026, 11, 15), date(2026, 3, 20), None, None, None,
        date(2026, 4, 1)]
    first = entries[0]
    assert (first.source, first.doc_number, first.doc_type, first.issuer, first.issued_date,
            first.title) == ("thu-muc/kế-hoạch 982.txt", "982/KH-UBND", "kế hoạch",
                             "UBND tỉnh Đắk Lắk", date(2025, 1, 10), "Về việc thực hiện 982/KH-UBND")
    assert tuple(e.criteria for e in store.criteria(["982/KH-UBND"])) == CRITERIA
    assert store.content_hashes() == {"thu-muc/kế-hoạch 982.txt": "sha"}


def test_a_files_obligations_are_read_by_file_in_the_documents_order(store: FactStore) -> None:
    # two files of one number (a document and its copy): each file's own, and none for an unknown file
    store.replace_document("a.txt", meta("1/KH-UBND"), "a", DocumentFacts(EVERY_KIND))
    store.replace_document("b.txt", meta("1/KH-UBND"), "b", DocumentFacts(EVERY_KIND[:1]))
    found = store.document_obligations(["b.txt", "a.txt", "none.txt"])
    assert found == {"a.txt": list(EVERY_KIND), "b.txt": list(EVERY_KIND[:1]), "none.txt": []}
    assert store.document_obligations([]) == {}


def test_replacing_a_document_drops_its_old_facts(store: FactStore, db_engine: Engine) -> None:
    store.replace_document("a.txt", meta("1/KH-UBND"), "old", DocumentFacts(EVERY_KIND, CRITERIA))
    store.replace_document("b.txt", meta("2/KH-UBND"), "b", DocumentFacts(EVERY_KIND[:1]))
    with Session(db_engine) as session:
        old_id = session.scalar(select(m.Document.id).where(m.Document.source == "a.txt"))

    new = DocumentFacts((obligation(absolute(date(2026, 5, 5)), action="nộp hồ sơ"),),
                        CRITERIA[1:2])
    store.replace_document("a.txt", meta("1/KH-UBND", title="Tiêu đề mới"), "new", new)

    assert tuple(e.obligation for e in store.obligations(["1/KH-UBND"])) == new.obligations
    assert tuple(e.criteria for e in store.criteria(["1/KH-UBND"])) == new.lists
    assert count(db_engine, m.Obligation) == 2  # the new one and b.txt's
    assert count(db_engine, m.CriteriaList) == 1
    assert count(db_engine, m.CriteriaItem) == 1
    infos = {i.source: i for i in store.documents()}
    assert infos["a.txt"].title == "Tiêu đề mới"
    assert (infos["a.txt"].obligation_count, infos["a.txt"].list_count) == (1, 1)
    assert store.content_hashes() == {"a.txt": "new", "b.txt": "b"}
    with Session(db_engine) as session:  # the document keeps its id
        assert session.scalar(select(m.Document.id).where(m.Document.source == "a.txt")) == old_id


def test_remove_missing_and_remove_document(store: FactStore, db_engine: Engine) -> None:
    for name in ("a.txt", "b.txt", "c/d.txt"):
        store.replace_document(name, meta(name), "h", DocumentFacts(EVERY_KIND, CRITERIA))

    assert store.remove_missing({"b.txt", "new.txt"}) == ["a.txt", "c/d.txt"]
    assert [d.source for d in store.documents()] == ["b.txt"]
    assert store.remove_missing({"b.txt"}) == []
    assert store.remove_document("b.txt") is True
    assert store.remove_document("b.txt") is False
    assert store.documents() == []
    for model in (m.Obligation, m.CriteriaList, m.CriteriaItem):
        assert count(db_engine, model) == 0  # ON DELETE CASCADE reached every table


def test_documents_newest_issued_first(store: FactStore) -> None:
    store.replace_document("old.txt", meta("1/CT", date(2018, 5, 4)), "h", DocumentFacts())
    store.replace_document("undated.txt", meta("2/CV", None), "h", DocumentFacts())
    store.replace_document("new.txt", meta("3/KH", date(2025, 12, 1)),
                           "h", DocumentFacts(EVERY_KIND[:2], CRITERIA))
    infos = store.documents()
    assert [i.source for i in infos] == ["new.txt", "old.txt", "undated.txt"]
    assert (infos[0].obligation_count, infos[0].list_count) == (2, 3)
    assert (infos[1].obligation_count, infos[1].list_count) == (0, 0)
    assert infos[2].issued_date is None and infos[2].doc_number == "2/CV"


def test_upcoming_deadlines(store: FactStore) -> None:
    plan = DocumentFacts((
        obligation(absolute(date(2026, 3, 31)), action="báo cáo quý I"),
        obligation(absolute(date(2026, 2, 1)), action="đã quá hạn"),
        obligation(recurring(10, 2), action="tổng kết năm"),  # passed this year: 10/2/2027
        obligation(Deadline(DeadlineKind.PERIODIC, "hằng quý, trước ngày 20",
                            day=20, period_months=3), action="báo cáo quý"),
        obligation(Deadline(DeadlineKind.RELATIVE, "trong 10 ngày kể từ khi kết thúc đợt",
                            offset_days=10, anchor="khi kết thúc đợt"), action="không rõ ngày"),
    ))
    directive = DocumentFacts((obligation(absolute(date(2026, 3, 31)), action="nộp hồ sơ"),
                               obligation(recurring(15, 11), action="báo cáo năm")))
    store.replace_document("kh.txt", meta("982/KH-UBND"), "h", plan)
    store.replace_document("ct.txt", meta("17/CT-BTTTT"), "h", directive)

    soon = store.upcoming_deadlines(TODAY)
    assert [(e.next_due, e.doc_number, e.obligation.action) for e in soon] == [
        (date(2026, 3, 20), "982/KH-UBND", "báo cáo quý"),
        (date(2026, 3, 31), "17/CT-BTTTT", "nộp hồ sơ"),  # same day: by document
        (date(2026, 3, 31), "982/KH-UBND", "báo cáo quý I"),
    ]
    assert soon[0].source == "kh.txt" and soon[0].issuer == "UBND tỉnh Đắk Lắk"
    assert soon[0].obligation.deadline.period_months == 3

    everything = store.upcoming_deadlines(TODAY, days=None)
    assert [(e.next_due, e.obligation.action) for e in everything][3:] == [
        (date(2026, 11, 15), "báo cáo năm"), (date(2027, 2, 10), "tổng kết năm")]
    assert [e.next_due for e in store.upcoming_deadlines(TODAY, days=19)] == [date(2026, 3, 20)]
    assert [e.next_due for e in store.upcoming_deadlines(TODAY, days=0)] == []

    only_plan = store.upcoming_deadlines(TODAY, days=None, doc_numbers=["982/KH-UBND"])
    assert [e.obligation.action for e in only_plan] == [
        "báo cáo quý", "báo cáo quý I", "tổng kết năm"]
    assert store.upcoming_deadlines(TODAY, doc_numbers=["982/KH"]) == []  # exact numbers only
    assert store.upcoming_deadlines(TODAY, doc_numbers=[]) == []
    # /hanchot lists every obligation, dated or not.
    listed = store.obligations(["982/KH-UBND"], today=TODAY)
    assert [e.obligation.action for e in listed] == [o.action for o in plan.obligations]
    assert [e.next_due for e in listed] == [
        date(2026, 3, 31), None, date(2027, 2, 10), date(2026, 3, 20), None]


def test_criteria_in_document_then_position_order(store: FactStore) -> None:
    store.replace_document("a.txt", meta("17/CT-BTTTT"), "h", DocumentFacts(lists=CRITERIA))
    store.replace_document("b.txt", meta("982/KH-UBND"), "h", DocumentFacts(lists=CRITERIA[:1]))
    store.replace_document("c.txt", meta("5/HD-SNV"), "h", DocumentFacts(lists=CRITERIA[1:2]))

    found = store.criteria(["982/KH-UBND", "17/CT-BTTTT"])
    assert [(e.doc_number, e.criteria.heading) for e in found] == [
        ("982/KH-UBND", "Tiêu chí thi đua gồm:"),
        ("17/CT-BTTTT", "Tiêu chí thi đua gồm:"),
        ("17/CT-BTTTT", "Hình thức khen thưởng:"),
        ("17/CT-BTTTT", "Điều kiện:"),
    ]
    assert found[0].criteria.items == CRITERIA[0].items
    assert found[3].criteria.items == ()
    assert store.criteria([]) == [] and store.criteria(["không có"]) == []


def test_database_errors_do_not_carry_bound_values(database_url: str) -> None:
    """A failing statement's error names the statement, never the values (questions, reports)."""
    secret = "báo cáo mật của Nguyễn Văn A"
    engine = open_engine(database_url)
    try:
        with pytest.raises(Exception) as failure, engine.connect() as conn:
            conn.execute(text("SELECT * FROM no_such_table WHERE x = :value"), {"value": secret})
        assert "no_such_table" in str(failure.value)
        assert secret not in str(failure.value)
        assert secret not in repr(failure.value)
    finally:
        engine.dispose()
