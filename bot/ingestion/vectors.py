"""Passage vectors for ingestion: each distinct text is encoded once.

A text already stored with a vector from the same model and runtime (another document's copy of
a paragraph, the unchanged paragraphs of an edited file) reuses that vector; texts repeated
within one batch are encoded once. Every stored passage carries the hash of its embedded text
(salted with the runtime's version, e.g. the int8 copy's recipe) and what embedded it
(bot/retrieval/vector_store.py: MODEL_KEY, RUNTIME_KEY), so vectors of another model, runtime or
recipe are never reused, and never mixed with these.
"""
from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, Protocol

from bot.retrieval.vector_store import MODEL_KEY, RUNTIME_KEY

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection

HASH_KEY = "embed_hash"


class PassageEncoder(Protocol):
    """What ingestion needs from the embedding model."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...
    def count_tokens(self, text: str) -> int: ...


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def encoder_runtime(encoder: PassageEncoder) -> str:
    """The runtime an encoder runs (E5Embeddings says; a test double may not)."""
    return str(getattr(encoder, "runtime", "") or "other")


class PassageVectors:
    """Vectors for batches of embedded texts, reusing stored ones; counts what it encoded."""

    def __init__(self, encoder: PassageEncoder, collection: "Collection", model_id: str) -> None:
        self.encoder = encoder
        self.collection = collection
        self.model_id = model_id
        self.runtime = encoder_runtime(encoder)
        self.version = str(getattr(encoder, "runtime_version", ""))
        self.encoded = 0
        self.reused = 0

    def metadata(self, text: str) -> dict[str, Any]:
        """The fields every passage stores about its vector."""
        return {MODEL_KEY: self.model_id, RUNTIME_KEY: self.runtime, HASH_KEY: self._hash(text)}

    def _hash(self, text: str) -> str:
        return text_hash(f"{self.version}\n{text}" if self.version else text)

    def vectors(self, texts: list[str]) -> list[list[float]]:
        hashes = [self._hash(t) for t in texts]
        known = self._stored(sorted(set(hashes)))
        todo = {h: t for h, t in zip(hashes, texts) if h not in known}
        if todo:
            known.update(zip(todo, self.encoder.embed_documents(list(todo.values()))))
        self.encoded += len(todo)
        self.reused += len(texts) - len(todo)
        return [known[h] for h in hashes]

    def _stored(self, hashes: list[str]) -> dict[str, list[float]]:
        if not hashes:
            return {}
        where = {"$and": [{HASH_KEY: {"$in": hashes}}, {MODEL_KEY: self.model_id}, {RUNTIME_KEY: self.runtime}]}
        found = self.collection.get(where=where, include=["embeddings", "metadatas"])
        return {meta[HASH_KEY]: list(map(float, emb)) for meta, emb in zip(found["metadatas"], found["embeddings"])}
