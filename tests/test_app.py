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


@pytest.mark.parametrize("separate", [True, False])
def test_a_messenger_answers_where_the_settings_say_and_stops_its_process(tmp_path, separate: bool) -> None:
    from bot.config import load_settings
    from bot.retrieval.answer_process import AnswerProcess
    from bot.retrieval.answers import Answerer

    settings = load_settings(environ={}, paths__store=tmp_path / "store", answers__separate_process=separate)
    with app.messenger(settings) as (core, _):
        answers = core.answerer
        assert isinstance(answers, AnswerProcess if separate else Answerer)
        assert app.store_is_empty(answers)  # nothing ingested: the bot says so and stops
        child = answers._process if isinstance(answers, AnswerProcess) else None
    if child is not None:
        assert child.exitcode == 0  # stopped with the bot, by itself
