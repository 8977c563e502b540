"""Answerers for the answer process's tests, built in the child by their factory (a module-level
function, pickled by name): one over the shipped knowledge with the fake embedding, and stand-ins
that work on command — «chờ …» leaves `<store>/working` and keeps the CPU busy until
`<store>/release` exists, «sập» kills the process, «lỗi» raises."""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bot.retrieval.answers import Answer, Conversation

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.retrieval.answers import Answerer

HOLD = "chờ"
CRASH = "sập"
FAIL = "lỗi"


def knowledge_answerer(settings: "Settings") -> "Answerer":
    """The real answerer over a store ingested with the fake embedding (`build_assistant`)."""
    from bot.db.engine import connect
    from bot.db.facts import FactStore
    from bot.retrieval.answers import Answerer
    from bot.retrieval.search import PassageSearch
    from bot.retrieval.vector_store import langchain_store
    from tests.conftest import FakeEmbeddings

    search = PassageSearch(langchain_store(settings, FakeEmbeddings()))
    return Answerer(search, FactStore(connect(settings.database_url)), settings.answers)


class OnCommand:
    """Answers «Trả lời từ tiến trình <pid>: <question>»; see the module for the commands."""

    def __init__(self, release: Path) -> None:
        self.release = release
        release.parent.mkdir(parents=True, exist_ok=True)

    def ask(self, text: str, conversation: Conversation | None = None) -> Answer:
        if text.startswith(CRASH):
            os._exit(3)
        if text.startswith(FAIL):
            raise ValueError("hỏng")
        if text.startswith(HOLD):
            self._work_until_released()
        if conversation is not None:  # what a follow-up would lean on
            conversation.sources = (*conversation.sources, text)
        return Answer(text, f"Trả lời từ tiến trình {os.getpid()}: {text}", found=False)

    def _work_until_released(self) -> None:
        """CPU work, as a real answer's search is, until the test says stop."""
        (self.release.parent / "working").touch()
        deadline = time.monotonic() + 60
        while not self.release.exists() and time.monotonic() < deadline:
            sum(i * i for i in range(20_000))


def on_command(settings: "Settings") -> OnCommand:
    return OnCommand(settings.store_dir / "release")


def broken(settings: "Settings") -> OnCommand:
    raise RuntimeError("kho hỏng")
