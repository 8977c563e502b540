"""Hybrid passage search: dense (e5 through LangChain's Chroma store) and BM25 on folded
syllables, fused by their normalised scores.

Each candidate scores bm25 / best bm25 + dense_weight * (cosine - k-th cosine) / (best cosine -
k-th cosine). On ALQAC this beats reciprocal rank fusion (what LangChain's EnsembleRetriever
does), which let e5's crowded cosines outvote clear lexical matches: hit@1 0.866 against 0.818
(bench/retrieval_quality.py). The fusion also needs both sides' scores (they decide "not
found") and a restriction to the files a question names, which the ensemble retriever lacks.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.retrieval.lexical import LexicalIndex
from bot.retrieval.vector_store import RUNTIME_KEY
from bot.retrieval.vietnamese import has_diacritics, nfc

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection
    from langchain_chroma import Chroma

PAGE = 1000


@dataclass(frozen=True)
class Passage:
    text: str
    score: float
    source: str
    section: str = ""
    doc_number: str | None = None
    doc_type: str | None = None
    issuer: str | None = None
    issued_date: date | None = None
    title: str | None = None
    chunk_id: str = ""
    dense: float = 0.0    # cosine similarity to the question (0 when dense search missed it)
    lexical: float = 0.0  # BM25 score (0 when no term matched)

    @classmethod
    def from_metadata(cls, text: str, score: float, meta: dict[str, Any], **extra: Any) -> "Passage":
        issued = meta.get("issued_date")
        return cls(text=text, score=score, source=meta.get("source", ""),
                   section=meta.get("section", ""), doc_number=meta.get("doc_number"),
                   doc_type=meta.get("doc_type"), issuer=meta.get("issuer"),
                   issued_date=date.fromisoformat(issued) if issued else None,
                   title=meta.get("title"), **extra)

    def document_name(self) -> str:
        """E.g. "Chỉ thị 17/CT-BTTTT"; the file name when the number is unknown."""
        name = " ".join(p for p in ((self.doc_type or "").capitalize(), self.doc_number or "") if p)
        return name or self.source

    def citation(self) -> str:
        """E.g. "Chỉ thị 17/CT-BTTTT, Bộ Thông tin và Truyền thông, ngày 11/10/2018, mục III > 1."."""
        parts = [self.document_name()]
        if self.issuer:
            parts.append(self.issuer)
        if self.issued_date:
            d = self.issued_date
            parts.append(f"ngày {d.day:02d}/{d.month:02d}/{d.year}")
        if self.section:
            parts.append(f"mục {self.section.rstrip('.:; ')}")  # «mục 3.» then the sentence's own full stop
        return ", ".join(parts)


@dataclass(frozen=True)
class SearchConfig:
    """Fusion parameters; the defaults were tuned on the retrieval benchmark (bench/)."""

    dense_k: int = 30
    lexical_k: int = 30
    dense_weight: float = 0.3
    # A question typed without diacritics is another language to e5 (dense hit@1 0.01 on
    # ALQAC), while BM25 on folded syllables is unaffected: the dense side then stays out.
    unaccented_dense_weight: float = 0.0
    bm25_k1: float = 0.6
    bm25_b: float = 0.75


def lexical_text(text: str, meta: dict[str, Any]) -> str:
    """What the lexical index sees: the passage with its document's name, title and section."""
    head = [meta.get("doc_type"), meta.get("doc_number"), meta.get("title"), meta.get("section")]
    return "\n".join([*(h for h in head if h), text])


def read_collection(collection: "Collection") -> dict[str, tuple[str, dict[str, Any]]]:
    """Every passage of the collection: id -> (text, metadata), fetched in pages."""
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    offset = 0
    while True:
        page = collection.get(include=["documents", "metadatas"], limit=PAGE, offset=offset)
        for cid, text, meta in zip(page["ids"], page["documents"], page["metadatas"]):
            out[cid] = (text or "", dict(meta or {}))
        if len(page["ids"]) < PAGE:
            return out
        offset += PAGE


class PassageSearch:
    """Hybrid retrieval over one collection; the lexical index is built from it at start."""

    def __init__(self, store: "Chroma", config: SearchConfig = SearchConfig()) -> None:
        self.store = store
        self.config = config
        self.passages = read_collection(store._collection)
        self.by_source: dict[str, list[str]] = {}
        for cid, (_, meta) in self.passages.items():
            self.by_source.setdefault(meta.get("source", ""), []).append(cid)
        self.lexical = LexicalIndex(((cid, lexical_text(text, meta))
                                     for cid, (text, meta) in self.passages.items()),
                                    k1=config.bm25_k1, b=config.bm25_b)
        self.last_timings: dict[str, float] = {}
        self.runtime_filter = self._same_runtime_filter(getattr(store.embeddings, "runtime", None))
        self._documents: dict[str, list[Passage]] = {}
        self._last_vector: tuple[str, list[float]] = ("", [])

    def _same_runtime_filter(self, runtime: str | None) -> dict[str, str] | None:
        """In a store an interrupted runtime switch left mixed, the question is compared with
        the passages its own runtime embedded only. Passages that record no runtime predate the
        choice: torch embedded them."""
        stored = {meta.get(RUNTIME_KEY, "torch") for _, meta in self.passages.values()}
        return {RUNTIME_KEY: runtime} if runtime and stored - {runtime} else None

    def is_empty(self) -> bool:
        return not self.passages

    def sources(self) -> list[str]:
        return sorted(self.by_source)

    def metadata(self, source: str) -> dict[str, Any]:
        """Document-level metadata of one source file (taken from any of its passages)."""
        ids = self.by_source.get(source)
        return self.passages[ids[0]][1] if ids else {}

    def document_passages(self, source: str) -> list[Passage]:
        """Every passage of one file, in the document's order (score 0: not retrieved)."""
        if source not in self._documents:
            ids = sorted(self.by_source.get(source, []), key=lambda c: self.passages[c][1].get("chunk_index", 0))
            self._documents[source] = [Passage.from_metadata(self.passages[c][0], 0.0, self.passages[c][1],
                                                             chunk_id=c) for c in ids]
        return self._documents[source]

    def _embed(self, question: str) -> list[float]:
        """The question's vector; an answer may search several scopes for the same question."""
        if self._last_vector[0] != question:
            self._last_vector = (question, self.store.embeddings.embed_query(question))
        return self._last_vector[1]

    def search(self, question: str, k: int, sources: Sequence[str] | None = None,
               mode: str = "hybrid") -> list[Passage]:
        """The k best passages, best first; `sources` limits the search to those files;
        `mode` "dense" or "lexical" runs one side alone (for measurement)."""
        question = nfc(question).strip()
        if not question or not self.passages:
            return []
        started = time.perf_counter()
        vector = self._embed(question) if mode != "lexical" else []
        dense = self._dense(vector, sources) if vector else {}
        after_dense = time.perf_counter()
        scores = self._lexical_scores(question, sources) if mode != "dense" else np.zeros(0)
        self.last_timings = {"dense_ms": 1000 * (after_dense - started),
                             "lexical_ms": 1000 * (time.perf_counter() - after_dense)}
        fused, lexical = self._fuse(dense, scores, self._dense_weight(question, mode))
        # A passage that changed since start (another ingest) is skipped, not misquoted.
        best = [(cid, s) for cid, s in fused if cid in self.passages][:k]
        if vector:
            self._complete_dense(vector, [cid for cid, _ in best], dense)
        return [self._passage(cid, score, dense, lexical) for cid, score in best]

    def _dense_weight(self, question: str, mode: str) -> float:
        if mode != "hybrid":
            return 1.0 if mode == "dense" else 0.0
        return self.config.dense_weight if has_diacritics(question) else self.config.unaccented_dense_weight

    def _dense(self, vector: list[float], sources: Sequence[str] | None) -> dict[str, float]:
        parts = [{"source": {"$in": list(sources)}}] if sources else []
        parts += [self.runtime_filter] if self.runtime_filter else []
        where = parts[0] if len(parts) == 1 else ({"$and": parts} if parts else None)
        hits = self.store.similarity_search_by_vector_with_relevance_scores(
            vector, k=min(self.config.dense_k, len(self.passages)), filter=where)
        # Chroma returns cosine distances here; similarity is 1 - distance.
        return {doc.id: 1.0 - distance for doc, distance in hits if doc.id}

    def _complete_dense(self, vector: list[float], ids: list[str], dense: dict[str, float]) -> None:
        """Cosine similarity for passages that only the lexical side found: the answer's
        confidence check reads it."""
        missing = [cid for cid in ids if cid not in dense and self._comparable(cid)]
        if not missing:
            return
        found = self.store._collection.get(ids=missing, include=["embeddings"])
        query = np.asarray(vector, dtype=np.float32)
        for cid, emb in zip(found["ids"], found["embeddings"]):
            dense[cid] = float(np.dot(query, np.asarray(emb, dtype=np.float32)))

    def _comparable(self, cid: str) -> bool:
        return (not self.runtime_filter
                or self.passages[cid][1].get(RUNTIME_KEY, "torch") == self.runtime_filter[RUNTIME_KEY])

    def _lexical_scores(self, question: str, sources: Sequence[str] | None) -> np.ndarray:
        """BM25 of every passage, zero outside the files searched."""
        scores = self.lexical.scores(question)
        if sources:
            keep = np.zeros(len(scores), dtype=bool)
            keep[[self.lexical.rows[c] for s in sources for c in self.by_source.get(s, [])]] = True
            scores = np.where(keep, scores, 0.0)
        return scores

    def _fuse(self, dense: dict[str, float], scores: np.ndarray,
              dense_weight: float) -> tuple[list[tuple[str, float]], dict[str, float]]:
        """Candidates (the lexical top k and the dense top k) ranked by normalised scores;
        also the BM25 score of each candidate."""
        keys = self.lexical.keys
        top = [i for i in np.argsort(-scores)[:self.config.lexical_k] if scores[i] > 0] if len(scores) else []
        lexical = {keys[i]: float(scores[i]) for i in top}
        best_bm25 = max(lexical.values(), default=0.0)
        for cid in dense:  # dense candidates keep their BM25 score too
            row = self.lexical.rows.get(cid)
            if row is not None and len(scores) and scores[row] > 0:
                lexical[cid] = float(scores[row])
        fused = {cid: bm25 / best_bm25 for cid, bm25 in lexical.items()} if best_bm25 else {}
        if dense and dense_weight:
            high, low = max(dense.values()), min(dense.values())
            for cid, cosine in dense.items():
                share = (cosine - low) / (high - low) if high > low else 1.0
                fused[cid] = fused.get(cid, 0.0) + dense_weight * share
        return sorted(fused.items(), key=lambda item: item[1], reverse=True), lexical

    def _passage(self, cid: str, score: float, dense: dict[str, float],
                 lexical: dict[str, float]) -> Passage:
        text, meta = self.passages[cid]
        return Passage.from_metadata(text, score, meta, chunk_id=cid, dense=dense.get(cid, 0.0),
                                     lexical=lexical.get(cid, 0.0))
