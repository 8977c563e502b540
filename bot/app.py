"""The composition root: from the settings, the process's one engine and every store over it
(`Stores`), the embedding model, vector store and answers, the core with its features, and the
delivery and plans beside a messenger's bot. Everything is built here, once, and passed in."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bot.channels.background import Background
    from bot.core.assistant import Assistant
    from bot.core.limits import RateLimit
    from bot.db.chats import ChatStore
    from bot.db.counters import Counters
    from bot.db.dialogs import DialogStore
    from bot.db.facts import FactStore
    from bot.db.links import LinkStore
    from bot.db.outbox import Outbox
    from bot.db.people import PeopleStore
    from bot.db.reports import ReportStore
    from bot.db.tasks import TaskStore
    from bot.db.web import WebStore
    from bot.features.reminder_plan import ReminderPlanner
    from bot.retrieval.answer_process import AnswerProcess, Answering
    from bot.retrieval.answers import Answerer
    from bot.retrieval.embedding import E5Embeddings
    from bot.retrieval.search import PassageSearch
    from bot.services.tasks import TaskRegister


def model_location(settings: Settings) -> str:
    """The configured model name or path, with the offline e5 alias resolved to its folder."""
    from bot.retrieval.embedding import resolve_model

    return resolve_model(settings.embedding.model, settings.resolve(settings.embedding.local_dir))


def embeddings(settings: Settings, runtime: str | None = None) -> "E5Embeddings":
    """The configured model, run by `runtime` (default: the configured runtime)."""
    from bot.retrieval.embedding import E5Embeddings

    e = settings.embedding
    return E5Embeddings(model_location(settings), query_prefix=e.query_prefix,
                        passage_prefix=e.passage_prefix, batch_size=e.batch_size, device=e.device,
                        runtime=runtime or e.runtime)


def prepare_model(settings: Settings) -> Path | None:
    """Build the offline e5 folder, and its int8 ONNX copy, when the config names it; a hub
    model needs nothing here."""
    from bot.retrieval.model_setup import prepare_model as build
    from bot.retrieval.onnx_export import prepare_int8

    if settings.embedding.model != "multilingual-e5-small":
        return None
    folder = build(settings.resolve(settings.embedding.local_dir))
    prepare_int8(folder)
    return folder


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
    from bot.retrieval.vector_store import langchain_store, open_collection, stored_runtime

    s = settings.search
    config = SearchConfig(dense_k=s.dense_k, lexical_k=s.lexical_k, dense_weight=s.dense_weight,
                          unaccented_dense_weight=s.unaccented_dense_weight, bm25_k1=s.bm25_k1,
                          bm25_b=s.bm25_b)
    # Questions are encoded as the store's passages were, until the store is re-ingested with
    # the configured runtime: vectors of two runtimes are never compared.
    runtime = stored_runtime(open_collection(settings))
    return PassageSearch(langchain_store(settings, embeddings(settings, runtime)), config)


def answerer(settings: Settings) -> "Answerer":
    from bot.retrieval.answers import Answerer
    from bot.retrieval.generation import rewriter_from_settings

    return Answerer(passage_search(settings), fact_store(settings), settings.answers,
                    rewriter=rewriter_from_settings(settings))


WARM_UP = "hạn nộp báo cáo là khi nào?"


def ready_answerer(settings: Settings) -> "Answerer":
    """The answerer with its model loaded (by a first question), which the answer process runs:
    the first asker does not wait for it."""
    answers = answerer(settings)
    if not answers.search.is_empty():
        answers.ask(WARM_UP)
    return answers


def answer_process(settings: Settings) -> "AnswerProcess":
    """The answerer in a child process, started and ready; as many questions at once as the
    core lets through (`access.concurrent_questions`)."""
    from bot.retrieval.answer_process import AnswerProcess

    return AnswerProcess(settings, ready_answerer, threads=settings.access.concurrent_questions,
                         timeout_s=settings.answers.timeout_s).start()


def store_is_empty(answers: "Answering") -> bool:
    """Whether there is nothing to answer from (the store was never filled)."""
    from bot.retrieval.answer_process import AnswerProcess

    if isinstance(answers, AnswerProcess):
        return answers.empty
    return answers.search.is_empty()  # type: ignore[attr-defined]


def people(settings: Settings, engine: "Engine") -> "PeopleStore":
    from bot.db.people import PeopleStore

    return PeopleStore(engine, settings.access.admins)


@dataclass(frozen=True)
class Stores:
    """What a process builds once over its one engine: every store, and the operations over
    them that more than one part takes (the core's features, the background beside a bot).
    Nothing else builds a store of its own."""

    engine: "Engine"
    facts: "FactStore"
    people: "PeopleStore"
    chats: "ChatStore"
    dialogs: "DialogStore"
    tasks: "TaskStore"
    reports: "ReportStore"
    outbox: "Outbox"
    counters: "Counters"
    links: "LinkStore"
    web: "WebStore"
    register: "TaskRegister"    # the task register's operations (bot.services.tasks)
    planner: "ReminderPlanner"  # the reminder plan, written to the outbox as chat messages


def stores(settings: Settings, engine: "Engine", facts: "FactStore | None" = None) -> Stores:
    """Every store over this engine, once (`facts`: the answerer's, when it has one already)."""
    from bot.db.chats import ChatStore
    from bot.db.counters import Counters
    from bot.db.dialogs import DialogStore
    from bot.db.facts import FactStore
    from bot.db.links import LinkStore
    from bot.db.outbox import Outbox
    from bot.db.reports import ReportStore
    from bot.db.tasks import TaskStore
    from bot.db.web import WebStore
    from bot.features.reminder_plan import ReminderPlanner
    from bot.services.tasks import TaskRegister

    facts = facts or FactStore(engine)
    staff = people(settings, engine)
    outbox = Outbox(engine)
    return Stores(engine=engine, facts=facts, people=staff, chats=ChatStore(engine),
                  dialogs=DialogStore(engine, timedelta(hours=settings.reports.dialog_hours)),
                  tasks=TaskStore(engine), reports=ReportStore(engine, settings.reports.correction_minutes),
                  outbox=outbox, counters=Counters(engine), links=LinkStore(engine), web=WebStore(engine),
                  register=TaskRegister(engine, settings, facts=facts, people=staff),
                  planner=ReminderPlanner(engine, facts, staff, outbox, settings))


def build_core(settings: Settings, engine: "Engine", answers: "Answering", *,
               today: Callable[[], date] | None = None,
               now: Callable[[], datetime] | None = None, built: Stores | None = None) -> "Assistant":
    """The core with every feature plugged in, over a migrated database (and its `Stores`,
    built here unless given)."""
    from bot.core.assistant import Assistant
    from bot.core.limits import Slots
    from bot.features.broadcast_flow import BroadcastFlow
    from bot.features.membership import Membership
    from bot.features.reminders import ReminderCommands
    from bot.features.report_flow import ReportFlow
    from bot.features.summary import Summary
    from bot.features.task_register import TaskRegisterChat
    from bot.features.web_access import WebAccess

    s = built or stores(settings, engine, getattr(answers, "facts", None))
    core = Assistant(answers, s.facts, s.chats, today, people=s.people, tasks=s.tasks, dialogs=s.dialogs,
                     now=now, rate_limit=rate_limit(settings, s.counters),
                     question_slots=Slots(settings.access.concurrent_questions))
    # Each feature gets the core (its reply helpers and stores), the settings and what it uses.
    for feature in (Membership(core, settings, counters=s.counters, outbox=s.outbox, links=s.links),
                    ReportFlow(core, settings, s.reports),
                    Summary(core, settings, s.engine),
                    ReminderCommands(core, s.planner),
                    BroadcastFlow(core, settings, s.outbox),
                    TaskRegisterChat(core, s.register, s.outbox),
                    WebAccess(core, settings, s.web)):
        core.add_feature(feature)
    return core


def rate_limit(settings: Settings, counters: "Counters") -> "RateLimit":
    """Per-person limits, counted in the database every worker shares."""
    from bot.core.limits import RateLimit

    a = settings.access
    return RateLimit(counters, messages=a.messages_per_minute, commands=a.commands_per_minute,
                     questions=a.questions_per_minute)


def background(settings: Settings, built: Stores) -> "Background":
    """Delivery, the register's proposals and the reminder plan beside a messenger's bot, over
    the same stores as its core."""
    from bot.channels.background import Background
    from bot.features.task_register import TaskAnnouncer
    from bot.services.attachments import AttachmentKeeper

    s = built
    planner = s.planner if settings.reminders.enabled else None
    keeper = AttachmentKeeper(s.reports, settings.store_dir, settings.reports.max_file_mb, settings.reports.file_types)
    return Background(s.outbox, s.people, s.chats, settings, planner, TaskAnnouncer(s.register, s.outbox), keeper)


def assistant(settings: Settings) -> "Assistant":
    """The messenger-independent core that every channel adapter calls."""
    return build_core(settings, database(settings), answerer(settings))


@contextmanager
def messenger(settings: Settings) -> "Iterator[tuple[Assistant, Background]]":
    """A messenger's bot: the core, and beside it delivery and the plans, over the same stores.
    Questions are answered in a process of their own (`answers.separate_process`), stopped when
    the bot is."""
    process = answer_process(settings) if settings.answers.separate_process else None
    answers: "Answering" = process or answerer(settings)
    try:
        built = stores(settings, database(settings), getattr(answers, "facts", None))
        yield build_core(settings, built.engine, answers, built=built), background(settings, built)
    finally:
        if process is not None:
            process.close()
