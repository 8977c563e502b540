"""Tracked obligations (stable keys, current occurrence), dialogs kept in the database, and the
outbox's idempotent planning, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine

from bot.db.dialogs import DialogState, DialogStore
from bot.db.facts import FactStore
from bot.db.outbox import Outbox
from bot.db.outbox_rows import NewMessage, decode_buttons, encode_buttons
from bot.facts.model import Deadline, DeadlineKind, DocumentFacts, Obligation
from bot.ingestion.document import DocumentMeta
from bot.core.messages import Button
from bot.db.tasks import TaskStore
from bot.services.obligations import obligation_key, tracked_obligations
from tests.conftest import track_all

TODAY = date(2026, 3, 10)


def _obligation(action: str, deadline: Deadline) -> Obligation:
    return Obligation(action=action, deadline=deadline, quote=f"{action} {deadline.text}.", section="V. > 2.")


def _store(engine: Engine, *obligations: Obligation, source: str = "kh-0125.txt",
           number: str = "0125/KH-UBND") -> TaskStore:
    """The document stored, and its tasks tracked in the register."""
    facts = FactStore(engine)
    facts.replace_document(source, DocumentMeta(doc_number=number, doc_type="kế hoạch"), "h1",
                           DocumentFacts(obligations=tuple(obligations)))
    track_all(engine)
    return TaskStore(engine)


def test_tracked_obligations_nearest_first_with_recent_overdue_and_rolling_recurring(db_engine: Engine) -> None:
    tasks = _store(
        db_engine,
        _obligation("gửi hồ sơ khen thưởng", Deadline(DeadlineKind.ABSOLUTE, "trước ngày 31/3/2026",
                                                      due=date(2026, 3, 31))),
        _obligation("nộp báo cáo quý", Deadline(DeadlineKind.PERIODIC, "hằng quý, trước ngày 20",
                                               day=20, period_months=3)),
        _obligation("đăng ký thi đua", Deadline(DeadlineKind.ABSOLUTE, "trước ngày 1/3/2026",
                                               due=date(2026, 3, 1))),
        _obligation("báo cáo cũ", Deadline(DeadlineKind.ABSOLUTE, "trước ngày 1/1/2025", due=date(2025, 1, 1))),
        _obligation("tổng kết năm", Deadline(DeadlineKind.RECURRING, "trước ngày 1 tháng 3 hằng năm",
                                            day=1, month=3)),
        _obligation("sơ kết năm", Deadline(DeadlineKind.RECURRING, "trước ngày 5 tháng 3 hằng năm",
                                          day=5, month=3)),
    )
    tracked = tracked_obligations(tasks, TODAY, past_days=30)
    assert [(o.action, o.due) for o in tracked] == [
        ("đăng ký thi đua", date(2026, 3, 1)),      # missed 9 days ago: still reportable
        ("sơ kết năm", date(2026, 3, 5)),           # yearly, missed 5 days ago: late reports attach to it
        ("nộp báo cáo quý", date(2026, 3, 20)),
        ("gửi hồ sơ khen thưởng", date(2026, 3, 31)),
        ("tổng kết năm", date(2027, 3, 1)),          # yearly, missed over a week ago: rolled forward
    ]
    assert tracked[0].title() == "Đăng ký thi đua"
    assert all(o.doc_number == "0125/KH-UBND" for o in tracked)
    assert not tracked[0].recurring and tracked[1].recurring


def test_keys_survive_reingestion_and_differ_between_obligations(db_engine: Engine) -> None:
    deadline = Deadline(DeadlineKind.ABSOLUTE, "trước ngày 31/3/2026", due=date(2026, 3, 31))
    first = tracked_obligations(_store(db_engine, _obligation("gửi hồ sơ", deadline)), TODAY)
    again = tracked_obligations(_store(db_engine, _obligation("lập danh sách", deadline),
                                       _obligation("gửi hồ sơ", deadline)), TODAY)
    assert first[0].key in {o.key for o in again}
    assert len({o.key for o in again}) == 2
    assert obligation_key("0125/KH-UBND", "Gửi  hồ sơ", "trước ngày 31/3/2026") == \
        obligation_key("0125/KH-UBND", "gửi hồ sơ", "trước  ngày 31/3/2026")


def test_dialog_survives_a_new_store_and_expires(db_engine: Engine) -> None:
    DialogStore(db_engine).save("telegram", "42", "7", DialogState("report", "status", {"key": "abc", "n": 1}))
    again = DialogStore(db_engine)  # another worker, or the process after a restart
    state = again.get("telegram", "42", "7")
    assert state is not None and (state.kind, state.step, state.data) == ("report", "status", {"key": "abc", "n": 1})
    assert again.get("telegram", "42", "8") is None  # someone else in the same chat
    later = datetime.now(UTC) + timedelta(hours=25)
    assert again.get("telegram", "42", "7", now=later) is None
    assert again.clear("telegram", "42", "7") and not again.clear("telegram", "42", "7")


def test_outbox_planning_twice_adds_nothing(db_engine: Engine) -> None:
    outbox = Outbox(db_engine)
    buttons = ((Button("📝 Báo cáo ngay", "rp:start:abc"),),)

    def planned(broadcast: int) -> list[NewMessage]:  # more than one INSERT batch
        return [NewMessage(f"bc:{broadcast}:{i}", "telegram", str(i), "Họp giao ban lúc 8 giờ", buttons)
                for i in range(1200)]

    broadcast, added = outbox.plan_broadcast("announcement", "Họp giao ban lúc 8 giờ", "all", planned)
    assert added == 1200
    assert outbox.enqueue(planned(broadcast)[:700], broadcast) == 0
    assert outbox.counts(broadcast) == {"pending": 1200, "sending": 0, "sent": 0, "failed": 0}
    assert decode_buttons(encode_buttons(buttons)) == buttons
    assert decode_buttons(encode_buttons(())) == ()
