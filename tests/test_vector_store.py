"""The vector store searches its HNSW graph widely enough that dense search is exact in practice,
on new stores and on stores built before that setting existed."""
from __future__ import annotations

import pytest

from bot.config import Settings
from bot.retrieval.vector_store import (COLLECTION_METADATA, SEARCH_EF, close_client, langchain_store,
                                        open_client, open_collection, search_exactly)
from tests.conftest import FakeEmbeddings


def ef_search(settings: Settings) -> int:
    client = open_client(settings)
    try:
        return client.get_collection(settings.store.collection).configuration_json["hnsw"]["ef_search"]
    finally:
        close_client(client)


def test_a_new_store_searches_with_a_wide_beam(settings: Settings) -> None:
    open_collection(settings)
    assert ef_search(settings) == SEARCH_EF


def test_a_store_built_with_chromas_default_beam_is_widened_when_opened(settings: Settings) -> None:
    client = open_client(settings)
    client.get_or_create_collection(settings.store.collection, metadata=COLLECTION_METADATA)
    close_client(client)
    assert ef_search(settings) < SEARCH_EF  # Chroma's own default (100)

    langchain_store(settings, FakeEmbeddings())  # how the bot opens it to answer
    assert ef_search(settings) == SEARCH_EF


def test_a_wider_beam_chosen_by_hand_is_kept(settings: Settings) -> None:
    client = open_client(settings)
    client.get_or_create_collection(settings.store.collection, metadata=COLLECTION_METADATA,
                                    configuration={"hnsw": {"ef_search": 2 * SEARCH_EF}})
    close_client(client)
    open_collection(settings)
    assert ef_search(settings) == 2 * SEARCH_EF


class _Collection:
    """A collection whose store file is locked by another connection for its first `locked` writes."""

    def __init__(self, locked: int) -> None:
        self.locked = locked
        self.writes = 0
        self.configuration_json = {"hnsw": {"ef_search": 100}}

    def modify(self, configuration: dict) -> None:
        self.writes += 1
        if self.writes <= self.locked:
            raise RuntimeError("Database error: error returned from database: (code: 5) database is locked")
        self.configuration_json = configuration


def test_a_store_locked_for_a_moment_is_widened_once_it_is_free() -> None:
    collection = _Collection(locked=2)
    search_exactly(collection)  # type: ignore[arg-type]
    assert collection.writes == 3 and collection.configuration_json == {"hnsw": {"ef_search": SEARCH_EF}}


def test_a_store_that_stays_locked_says_so() -> None:
    collection = _Collection(locked=10)
    with pytest.raises(RuntimeError, match="database is locked"):
        search_exactly(collection, attempts=3)  # type: ignore[arg-type]
    assert collection.writes == 3
