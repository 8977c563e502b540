"""The composition root builds one engine per process: one pool, migrations run once."""
from __future__ import annotations

from typing import Any

import pytest

from bot import app
from bot.config import Settings
from bot.db import engine as db


def test_one_engine_and_one_migration_per_process(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[Any] = []
    migrated: list[Any] = []
    open_engine, migrate = db.open_engine, db.migrate
    monkeypatch.setattr(db, "open_engine", lambda url: opened.append(url) or open_engine(url))
    monkeypatch.setattr(db, "migrate", lambda engine: migrated.append(engine) or migrate(engine))

    core = app.assistant(settings)
    facts = app.fact_store(settings)  # what ingestion and the command line take, in the same process
    assert core.people is not None and core.dialogs is not None

    assert len(opened) == 1 and len(migrated) == 1
    engines = {core.people.engine, core.facts.engine, core.chats.engine, core.dialogs.engine,
               core.answerer.facts.engine, facts.engine}
    assert engines == {app.database(settings)}
