"""Builds the shared services (embedding model, vector store, fact store, answers) from the settings."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bot.retrieval.answers import Answerer
    from bot.channels.background import Background
    from bot.core.assistant import Assistant
    from bot.core.limits import RateLimit
    from bot.db.people import PeopleStore
    from bot.db.facts import FactStore
    from bot.retrieval.embedding import E5Embeddings
    from bot.retrieval.search import PassageSearch


def model_location(settings: Settings) -> str:
    """The configured model name or path, with the offline e5 alias resolved to its folder."""
    from bot.retrieval.embedding import resolve_model

    return resolve_model(settings.embedding.model, settings.resolve(settings.embedding.local_dir))


def embeddings(settings: Settings) -> "E5Embeddings":
    from bot.retrieval.embedding import E5Embeddings

    e = settings.embedding
    return E5Embeddings(model_location(settings), query_prefix=e.query_prefix,
                        passage_prefix=e.passage_prefix, batch_size=e.batch_size, device=e.device)


def prepare_model(settings: Settings) -> Path | None:
    """Build the offline e5 folder when the config names it; a hub model needs nothing here."""
    from bot.retrieval.model_setup import prepare_model as build

    if settings.embedding.model != "multilingual-e5-small":
        return None
    return build(settings.resolve(settings.embedding.local_dir))


def database(settings: Settings) -> "Engine":
    """The process's one engine (migrated once): every store below is built over it."""
    from bot.db.engine import shared_engine

    return shared_engine(settings.database_url)


def fact_store(settings: Settings) -> "FactStore":
    """The SQL store of deadlines and criteria, migrated to the current schema."""
    from bot.db.facts import FactStore

    return FactStore(database(settings))


def passage_search(settings: Settings) -> "PassageSearch":
    from bot.retrieval.search import PassageSearch, SearchConfig
    from bot.retrieval.vector_store import langchain_store

    s = settings.search
    config = SearchConfig(dense_k=s.dense_k, lexical_k=s.lexical_k, dense_weight=s.dense_weight,
                          unaccented_dense_weight=s.unaccented_dense_weight, bm25_k1=s.bm25_k1,
                          bm25_b=s.bm25_b)
    return PassageSearch(langchain_store(settings, embeddings(settings)), config)


def answerer(settings: Settings) -> "Answerer":
    from bot.retrieval.answers import Answerer
    from bot.retrieval.generation import rewriter_from_settings

    return Answerer(passage_search(settings), fact_store(settings), settings.answers,
                    rewriter=rewriter_from_settings(settings))


def people(settings: Settings, engine: "Engine") -> "PeopleStore":
    from bot.db.people import PeopleStore

    return PeopleStore(engine, settings.access.admins)


def build_core(settings: Settings, engine: "Engine", answers: "Answerer", *,
               today: Callable[[], date] | None = None,
               now: Callable[[], datetime] | None = None) -> "Assistant":
    """The core with every feature plugged in, over a migrated database."""
    from bot.core.assistant import Assistant
    from bot.core.limits import Slots
    from bot.features.broadcast_flow import BroadcastFlow
    from bot.db.chats import ChatStore
    from bot.db.dialogs import DialogStore
    from bot.db.reports import ReportStore
    from bot.features.membership import Membership
    from bot.features.reminders import ReminderCommands
    from bot.features.report_flow import ReportFlow
    from bot.features.summary import Summary
    from bot.features.task_register import TaskRegisterChat
    from bot.features.web_access import WebAccess
    from bot.db.tasks import TaskStore

    core = Assistant(answers, answers.facts, ChatStore(engine), today,
                     people=people(settings, engine), tasks=TaskStore(engine),
                     dialogs=DialogStore(engine, timedelta(hours=settings.reports.dialog_hours)),
                     now=now, rate_limit=rate_limit(settings, engine),
                     question_slots=Slots(settings.access.concurrent_questions))
    # Each feature gets the core (its reply helpers and stores) and the settings.
    for feature in (Membership(core, settings),
                    ReportFlow(core, settings, ReportStore(engine, settings.reports.correction_minutes)),
                    Summary(core, settings), ReminderCommands(core, settings), BroadcastFlow(core, settings),
                    TaskRegisterChat(core, settings), WebAccess(core, settings)):
        core.add_feature(feature)
    return core


def rate_limit(settings: Settings, engine: "Engine") -> "RateLimit":
    """Per-person limits, counted in the database every worker shares."""
    from bot.core.limits import RateLimit
    from bot.db.counters import Counters

    a = settings.access
    return RateLimit(Counters(engine), messages=a.messages_per_minute, commands=a.commands_per_minute,
                     questions=a.questions_per_minute)


def background(settings: Settings, core: "Assistant") -> "Background":
    """Delivery, the register's proposals and the reminder plan beside a messenger's bot, over
    the core's stores."""
    from bot.channels.background import Background
    from bot.db.outbox import Outbox
    from bot.db.reports import ReportStore
    from bot.features.reminder_plan import ReminderPlanner
    from bot.features.task_register import TaskAnnouncer
    from bot.services.attachments import AttachmentKeeper

    engine = database(settings)
    outbox = Outbox(engine)
    planner = (ReminderPlanner(engine, core.facts, core.people, outbox, settings)
               if settings.reminders.enabled and core.people is not None else None)
    keeper = AttachmentKeeper(ReportStore(engine), settings.store_dir, settings.reports.max_file_mb,
                              settings.reports.file_types)
    return Background(outbox, core.people, core.chats, settings, planner, TaskAnnouncer(engine, settings), keeper)


def assistant(settings: Settings) -> "Assistant":
    """The messenger-independent core that every channel adapter calls."""
    return build_core(settings, database(settings), answerer(settings))
