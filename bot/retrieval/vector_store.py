"""The Chroma collection that holds directive passages: a local folder or a Chroma server."""
from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from bot.config import Settings

if TYPE_CHECKING:  # chromadb is heavy to import; callers pay for it only when they use the store
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
    from langchain_chroma import Chroma
    from langchain_core.embeddings import Embeddings

# Cosine distance matches the model's normalised embeddings: relevance = 1 - distance.
COLLECTION_METADATA = {"hnsw:space": "cosine"}
# Chroma's default ef_search (100) leaves dense search approximate enough to swap near ties at
# the top: on ALQAC 2 of 500 first results differ from exact search with torch's vectors, 4 with
# int8's. From 300 on none does; 500 keeps a margin for larger stores at about a millisecond.
SEARCH_EF = 500
PAGE = 1000
# Tries, and the first wait between them (doubled each time: 0.1 + 0.2 + … ≈ 3 s in all), when the store's
# SQLite file is locked by another connection.
LOCKED_ATTEMPTS = 6
LOCKED_WAIT_SECONDS = 0.1
# Every passage records what embedded it: the model (as configured) and the runtime.
MODEL_KEY = "embed_model"
RUNTIME_KEY = "embed_runtime"


def open_client(settings: Settings) -> "ClientAPI":
    """A server client when a Chroma host is configured, else the persistent store folder."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    # Telemetry would try to reach the internet from machines that have none.
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.store.chroma_host:
        return chromadb.HttpClient(host=settings.store.chroma_host, port=settings.store.chroma_port,
                                   settings=chroma_settings)
    folder = chroma_folder(settings.store_dir)
    folder.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(folder), settings=chroma_settings)


def chroma_folder(store_dir: Path) -> Path:
    return store_dir / "chroma"


def open_collection(settings: Settings, client: "ClientAPI | None" = None) -> "Collection":
    client = client or open_client(settings)
    return search_exactly(client.get_or_create_collection(settings.store.collection, metadata=COLLECTION_METADATA))


def search_exactly(collection: "Collection", attempts: int = LOCKED_ATTEMPTS) -> "Collection":
    """The collection with an ef_search of at least SEARCH_EF (raised on a store built before).

    Raising it writes to the store folder's SQLite file, which another connection may hold for a
    moment (an ingest writing, a client just closed in this process): a locked file is tried again,
    a little later each time, before the error is let through."""
    hnsw = (collection.configuration_json or {}).get("hnsw") or {}
    if hnsw.get("ef_search", 0) >= SEARCH_EF:
        return collection
    for attempt in range(attempts):
        try:
            collection.modify(configuration={"hnsw": {"ef_search": SEARCH_EF}})
            return collection
        except Exception as error:  # chromadb.errors.InternalError, raised by its Rust bindings
            if "database is locked" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(LOCKED_WAIT_SECONDS * 2 ** attempt)
    return collection


def langchain_store(settings: Settings, embeddings: "Embeddings") -> "Chroma":
    """LangChain's view of the same collection, for retrieval."""
    from langchain_chroma import Chroma

    client = open_client(settings)
    open_collection(settings, client)  # created, or its ef_search raised, as ingestion would
    return Chroma(collection_name=settings.store.collection, embedding_function=embeddings,
                  client=client, collection_metadata=COLLECTION_METADATA)


def iter_metadata(collection: "Collection") -> Iterator[tuple[str, dict]]:
    """Every (id, metadata) pair, paged so a large collection is not fetched in one response."""
    offset = 0
    while True:
        page = collection.get(include=["metadatas"], limit=PAGE, offset=offset)
        yield from zip(page["ids"], page["metadatas"])
        if len(page["ids"]) < PAGE:
            return
        offset += PAGE


def stored_runtime(collection: "Collection") -> str | None:
    """The runtime that embedded most of the store's passages (all of them, unless an ingest
    that switched runtime was cut short); None for an empty store. Passages that record none
    predate the choice: torch embedded them."""
    from bot.retrieval.embedding import RUNTIMES

    counts = {r: len(collection.get(where={RUNTIME_KEY: r}, include=[])["ids"]) for r in RUNTIMES}
    counts["torch"] += collection.count() - sum(counts.values())
    best = max(counts, key=lambda r: counts[r])
    return best if counts[best] else None


def close_client(client: "ClientAPI") -> None:
    """Release the client's resources.

    chromadb 1.5 leaves the HTTP sessions of a server client (its own and its admin client's)
    open after close(), so they are closed here too.
    """
    owners = (client, getattr(client, "_admin_client", None))
    sessions = [getattr(getattr(o, "_server", None), "_session", None) for o in owners]
    client.close()
    for session in sessions:
        if session is not None:
            session.close()
