"""Questions, votes and the audit log are deleted after their retention, on both databases."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select, update

from bot.__main__ import main
from bot.config import Retention
from bot.db.chats import ChatStore
from bot.db.counters import Counters
from bot.db.models import Base
from bot.db.models.conversations import AskedQuestion, Feedback
from bot.db.models.people import AuditEntry
from bot.db.people import PeopleStore
from bot.services.retention import prune

NOW = datetime(2026, 9, 1, 3, 0, tzinfo=UTC)


def count(engine: Engine, table: type[Base]) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(table)) or 0)


def test_old_questions_votes_audit_and_counters_are_pruned(db_engine: Engine) -> None:
    chats, people = ChatStore(db_engine), PeopleStore(db_engine)
    old = chats.log_question("telegram", "1", "u1", "hạn cũ?", True, "…")
    new = chats.log_question("telegram", "1", "u1", "hạn mới?", True, "…")
    chats.feedback(old, "u1", False, channel="telegram")
    chats.feedback(new, "u1", True, channel="telegram")
    people.audit(None, "cli", "import", "cũ")
    people.audit(None, "cli", "import", "mới")
    Counters(db_engine).hit("ask:telegram:u1", timedelta(minutes=1), NOW - timedelta(days=2))
    with db_engine.begin() as connection:
        connection.execute(update(AskedQuestion).where(AskedQuestion.id == old)
                           .values(asked_at=NOW - timedelta(days=181)))
        connection.execute(update(AskedQuestion).where(AskedQuestion.id == new)
                           .values(asked_at=NOW - timedelta(days=179)))
        connection.execute(update(AuditEntry).where(AuditEntry.detail == "cũ")
                           .values(at=NOW - timedelta(days=31)))
        connection.execute(update(AuditEntry).where(AuditEntry.detail == "mới").values(at=NOW))

    removed = prune(db_engine, Retention(questions_days=180, audit_days=30), NOW)

    assert removed == {"asked_questions": 1, "audit_log": 1, "rate_counters": 1}
    assert [g.question for g in chats.gaps()] == []  # the old 👎 went with its question
    assert count(db_engine, AskedQuestion) == 1 and count(db_engine, Feedback) == 1
    assert [a[4] for a in people.audit_log()] == ["mới"]
    assert prune(db_engine, Retention(questions_days=180, audit_days=30), NOW) == {
        "asked_questions": 0, "audit_log": 0, "rate_counters": 0}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_prune_on_the_command_line(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path,
                                   capsys: pytest.CaptureFixture) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["prune", "--store", str(tmp_path / "store")]) == 0
    assert capsys.readouterr().out.startswith("Đã xóa 0 câu hỏi cũ hơn 180 ngày, 0 dòng nhật ký quản trị cũ hơn "
                                              "730 ngày")
