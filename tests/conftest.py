"""Shared fixtures: no network, a deterministic fake embedding, an isolated settings object."""
from __future__ import annotations

import hashlib
import math
import os
import re
import socket
import unicodedata
from pathlib import Path

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
