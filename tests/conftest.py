"""Shared fixtures: no network, a deterministic fake embedding, an isolated settings object."""
from __future__ import annotations

import hashlib
import math
import os
import re
import socket
import unicodedata
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.config import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "knowledge" / "chi-thi-17-ct-btttt-2018.txt"
# The team's shared data (corpus, evaluation sets) sits beside the checkout; SHARED_DATA_DIR overrides.
SHARED = Path(os.environ.get("SHARED_DATA_DIR", ROOT.parent / "shared"))


def shared_file(relative: str) -> Path:
    """A file of the shared data; skipped with a reason where absent, but a failure under CI."""
    path = SHARED / relative
    if not path.exists():
        message = f"shared data not found: {path} (set SHARED_DATA_DIR)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path
LOOPBACK = ("127.", "::1", "localhost")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection beyond this machine fails loudly instead of hanging or leaking."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address):  # type: ignore[no-untyped-def]
        host = address[0] if isinstance(address, tuple) else str(address)
        if self.family == socket.AF_UNIX or str(host).startswith(LOOPBACK):
            return real_connect(self, address)
        raise RuntimeError(f"test tried to reach the network: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)


class FakeEmbeddings:
    """Deterministic bag-of-syllables vectors (diacritics folded), so unit tests need no model."""

    dim = 64

    def __init__(self) -> None:
        self.embedded: list[str] = []

    @staticmethod
    def _fold(text: str) -> list[str]:
        text = unicodedata.normalize("NFD", text.lower()).replace("đ", "d")
        text = "".join(c for c in text if unicodedata.category(c) != "Mn")
        return re.findall(r"\w+", text)

    def _vector(self, text: str) -> list[float]:
        vec = [0.0] * self.dim
        for word in self._fold(text):
            vec[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded.extend(texts)
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)

    def count_tokens(self, text: str) -> int:
        return len(text.split()) * 2 + 2


@pytest.fixture
def fake_embeddings() -> FakeEmbeddings:
    return FakeEmbeddings()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The project's own config, with every path inside this test's folder."""
    return load_settings(environ={}, paths__store=tmp_path / "store",
                         paths__knowledge=tmp_path / "knowledge")


@pytest.fixture(scope="session")
def real_model() -> Path:
    """The offline e5 folder the config points at, built once if `make` has not built it yet."""
    from bot import app

    settings = load_settings(environ={})
    folder = app.prepare_model(settings)
    assert folder is not None, "the shipped config must name the offline e5 model"
    return folder


# -- SQL database ------------------------------------------------------------------------------

if TYPE_CHECKING:
    from sqlalchemy import Engine

# The local PostgreSQL test server (trust authentication); TEST_DATABASE_URL overrides.
DEFAULT_TEST_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _postgres_unavailable(message: str) -> None:
    """Skip where no server runs, but fail loudly under CI, where one must."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _postgres_schema_url() -> Iterator[str]:
    """A URL whose connections live in a fresh schema (search_path), dropped afterwards, so that
    parallel runs and leftovers of old runs never meet."""
    import psycopg

    from bot.db.engine import normalise_url

    url = normalise_url(os.environ.get("TEST_DATABASE_URL") or DEFAULT_TEST_DATABASE_URL)
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    schema = f"test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(libpq, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        _postgres_unavailable(f"PostgreSQL not reachable at {url!r} (set TEST_DATABASE_URL): "
                              f"{str(exc).strip().splitlines()[0]}")
    with admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            options = dict(url.query, options=f"-csearch_path={schema}")
            yield url.update_query_dict(options).render_as_string(hide_password=False)
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend: a SQLite file in a folder not yet created, or a
    PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db' / 'assistant.db'}"
    else:
        yield from _postgres_schema_url()


@pytest.fixture
def db_engine(database_url: str) -> Iterator[Engine]:
    """The database of `database_url`, migrated to the latest schema."""
    from bot.db.engine import connect

    engine = connect(database_url)
    yield engine
    engine.dispose()


# -- the core over the shipped knowledge ---------------------------------------------------------

def build_assistant(base: Path, today: date = date(2026, 1, 15), *,  # type: ignore[no-untyped-def]
                    database_url: str | None = None, now=None, **overrides):
    """An Assistant over a copy of knowledge/ in `base`: real Chroma and SQLite (or the given
    database), fake embedding, every feature plugged in. `overrides` are settings such as
    access__admins=["telegram:1"]."""
    import shutil

    from bot.retrieval.answers import Answerer
    from bot.app import build_core
    from bot.db.engine import connect
    from bot.db.facts import FactStore
    from bot.ingestion.pipeline import Ingestor
    from bot.retrieval.search import PassageSearch
    from bot.retrieval.vector_store import langchain_store, open_collection

    # Tests of other things send many messages a minute as one person: the per-person message
    # and question limits are tested where they are set explicitly.
    overrides = {"access__messages_per_minute": 10_000, "access__questions_per_minute": 10_000, **overrides}
    settings = load_settings(environ={}, paths__store=base / "store", paths__knowledge=base / "knowledge",
                             database__url=database_url, **overrides)
    if not (base / "knowledge").exists():
        shutil.copytree(ROOT / "knowledge", base / "knowledge")
    engine = connect(settings.database_url)
    facts = FactStore(engine)
    Ingestor(settings, FakeEmbeddings(), open_collection(settings), model_id="fake", facts=facts).run(
        base / "knowledge", progress=False)
    answerer = Answerer(PassageSearch(langchain_store(settings, FakeEmbeddings())), facts, settings.answers)
    return build_core(settings, engine, answerer, today=(lambda: today) if now is None else None, now=now)


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The real core over the shipped knowledge, shared by a module's tests."""
    return build_assistant(tmp_path_factory.mktemp("assistant"))


# -- the task register ---------------------------------------------------------------------------

def track_all(engine: Engine) -> int:
    """Sync the register and track every task that falls due, assigned to every active unit: the world
    of the tests written about reminders, reports and summaries, where every unit owes every task with a
    date (the shipped documents' standing duties, which have none, stay proposed). Tests of the assignment itself
    build their own. How many tasks are tracked."""
    from bot.db.people import PeopleStore
    from bot.db.tasks import TaskStatus
    from bot.services.tasks import TaskRegister

    register = TaskRegister(engine, load_settings(environ={}))
    register.sync()
    units = [u.id for u in PeopleStore(engine).units() if u.active]
    records = [r for r in register.store.records() if r.deadline.next_due(date.min)]
    for record in records:
        register.store.assign(record.key, units, (), by=None)
    register.store.set_status([r.key for r in records], TaskStatus.TRACKED, by=None)
    return len(records)


# -- the web dashboard ---------------------------------------------------------------------------

class WebWorld:
    """The dashboard over the real core and the shipped knowledge, every task tracked for every
    unit: an admin (#admin), a reporter of SNV and a reader of STC, each signed in through a
    one-time link on their own TestClient."""

    def __init__(self, base: Path, database_url: str, today: date) -> None:
        from fastapi.testclient import TestClient

        from bot.db.people import Role
        from bot.web.app import create_app
        from bot.web.library import Encoder

        self.core = build_assistant(base, today, database_url=database_url, access__admins=["telegram:900"])
        self.engine = self.core.people.engine
        self.settings = load_settings(environ={}, database__url=database_url, paths__store=base / "store",
                                      paths__knowledge=base / "knowledge", access__admins=["telegram:900"])
        people = self.core.people
        people.import_units([("SNV", "Sở Nội vụ"), ("STC", "Sở Tài chính"), ("SYT", "Sở Y tế")])
        self.admin = people.member("telegram", "900", "900", "Văn phòng").official_id
        self.reporter = people.register("telegram", "11", "11", "Cán bộ SNV",
                                        people.create_invite("SNV", Role.REPORTER).code).official_id
        self.reader = people.register("telegram", "21", "21", "Cán bộ STC",
                                      people.create_invite("STC", Role.READER).code).official_id
        track_all(self.engine)
        # Uploads are embedded as the store was built: the fake model, fingerprinted "fake".
        self.app = create_app(self.settings, self.engine, today=lambda: today,
                              encoder=Encoder(FakeEmbeddings, "fake"))
        self.client = TestClient

    def signed_in(self, official_id: int):  # type: ignore[no-untyped-def]
        """A browser (TestClient) signed in as this official through a one-time link."""
        from bot.db.web import WebStore

        client = self.client(self.app, base_url="http://127.0.0.1:8080")
        token = WebStore(self.engine).create_link(official_id, 10)
        response = client.post(f"/dang-nhap/{token}", follow_redirects=False)
        assert response.status_code == 303, response.text
        return client

    @staticmethod
    def csrf(page_html: str) -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', page_html)
        assert found, "no CSRF token on the page"
        return found.group(1)


@pytest.fixture
def web(tmp_path: Path, database_url: str) -> Iterator[WebWorld]:
    world = WebWorld(tmp_path, database_url, date(2026, 1, 15))
    yield world
    world.engine.dispose()
