"""Incremental ingestion into the vector store.

The store is its own record of what was ingested: every chunk carries its file's path and
fingerprint, so a re-run compares fingerprints and embeds nothing for unchanged files, a changed
file's new chunks are written before its old ones are deleted (the store stays usable if the run
dies midway, and the next run finishes the job), and chunks of files that left the folder are
removed. Keeping the record inside the collection, instead of a separate record-manager database,
keeps it right when several machines share one Chroma server.

Each distinct text is embedded once (bot/ingestion/vectors.py: identical passages reuse a stored
vector of the same model and runtime), and pure boilerplate chunks (a form's recipients and
signature lines, bot/ingestion/boilerplate.py) are not embedded or stored. Every passage records
the model and runtime that embedded it; the fingerprint covers both, so switching runtime
re-embeds the whole store on the next run, which says so in one line.

Deadlines and criteria extracted from each document go to the SQL fact store in the same pass.
Its record is the file's hash prefixed with the extractor's version (a digest of its source), so a
better extractor (or a new, empty database) refreshes the facts without embedding anything again; the
task register keeps each re-read task under its key (`bot.services.tasks.kept_keys`).
"""
from __future__ import annotations

import hashlib
import os
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from bot.config import Settings
from bot.facts.extract import extract_facts
from bot.ingestion.boilerplate import is_boilerplate
from bot.ingestion.chunking import embedded_text, split_into_chunks
from bot.ingestion.cleaning import clean_keeping_text
from bot.ingestion.document import Chunk, CleanDocument, DocumentMeta, LoadError
from bot.ingestion.loaders import LoadLimits, load_text
from bot.ingestion.vectors import PassageEncoder, PassageVectors, encoder_runtime
from bot.retrieval.vector_store import MODEL_KEY, RUNTIME_KEY, iter_metadata

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection

    from bot.db.facts import FactStore

# The package's own folder (`bot/`), whose source shapes what is stored.
CODE_ROOT = Path(__file__).resolve().parent.parent


def code_version(*parts: str, root: Path = CODE_ROOT) -> str:
    """A digest of the source of these packages and modules (paths under root): what a store keeps
    follows the code that made it, with no number anyone must remember to bump."""
    digest = hashlib.sha256()
    for part in parts:
        path = root / part
        for file in sorted(path.glob("*.py")) if path.is_dir() else [path]:
            digest.update(file.relative_to(root).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


# Part of every fingerprint: when cleaning or chunking changes, every file is read again on the next
# run (its unchanged passages keep their vectors: nothing is encoded twice).
PIPELINE_VERSION = code_version("ingestion", "retrieval/vietnamese.py")
# Part of the fact store's record: when extraction (or the cleaning it reads) changes, every document's
# deadlines, tasks and criteria are extracted again on the next run, without embedding anything.
FACTS_VERSION = code_version("facts", "ingestion", "retrieval/vietnamese.py")
UPSERT_BATCH = 128
# Chunks embedded per model call, across files: one file's handful of chunks would pad badly,
# while a large mixed batch lets the encoder group texts of similar length.
EMBED_BATCH = 256


__all__ = ["IngestReport", "Ingestor", "PassageEncoder", "PIPELINE_VERSION"]


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    chunks_embedded: int = 0  # passages written, their vectors encoded or reused
    chunks_encoded: int = 0   # ... of which the model encoded
    chunks_skipped: int = 0   # boilerplate chunks neither embedded nor stored
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        return (f"Nạp văn bản xong sau {self.seconds:.1f} giây: "
                f"thêm mới {len(self.added)}, cập nhật {len(self.updated)}, "
                f"không đổi {len(self.unchanged)}, đã gỡ {len(self.removed)}, "
                f"lỗi {len(self.failed)} tệp; {self.chunks_embedded} đoạn được lưu, "
                f"{self.chunks_encoded} đoạn được mã hoá{self._savings()}.")

    def _savings(self) -> str:
        reused = self.chunks_embedded - self.chunks_encoded
        out = f" ({reused} đoạn trùng nội dung dùng lại vectơ đã có)" if reused else ""
        if self.chunks_skipped:
            out += f"; bỏ qua {self.chunks_skipped} đoạn chỉ gồm nơi nhận, chữ ký"
        return out


@dataclass(eq=False)  # identity: one per file in a run
class _Pending:
    """A new or changed file whose chunks wait in the embedding buffer."""

    rel: str
    status: str
    ids: list[str]
    todo: list[tuple[int, Chunk]]
    base: dict[str, Any]
    stale: list[str]
    content_hash: str
    document: CleanDocument
    left: int = 0  # chunks not yet written


@dataclass
class _Indexed:
    """What the store already holds for one source file."""

    fingerprints: dict[str, str] = field(default_factory=dict)  # chunk id -> file fingerprint
    chunk_count: int = 0


@dataclass
class _Embedders:
    """How many stored passages each (model, runtime) embedded."""

    counts: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))

    def add(self, meta: dict[str, Any]) -> None:
        if RUNTIME_KEY in meta:  # older stores record none; their new pipeline version re-embeds them
            self.counts[(str(meta.get(MODEL_KEY)), str(meta[RUNTIME_KEY]))] += 1

    def others(self, model_id: str, runtime: str) -> dict[tuple[str, str], int]:
        return {k: n for k, n in self.counts.items() if k != (model_id, runtime)}


class Ingestor:
    """Brings one collection in line with one knowledge folder."""

    def __init__(self, settings: Settings, encoder: PassageEncoder, collection: "Collection",
                 model_id: str, facts: "FactStore | None" = None, embed_batch: int = EMBED_BATCH) -> None:
        self.settings = settings
        self.embed_batch = embed_batch
        self.buffer: list[tuple[_Pending, int, Chunk]] = []
        self.encoder = encoder
        self.collection = collection
        self.model_id = model_id
        self.runtime = encoder_runtime(encoder)
        self.vectors = PassageVectors(encoder, collection, model_id)
        self.skipped = 0
        self.facts = facts
        self.fact_records: dict[str, str] = {}
        self.max_bytes = int(settings.ingest.max_file_mb * 1024 * 1024)
        self.limits = load_limits(settings)
        # The fingerprint covers everything that shapes the stored vectors, not just the bytes.
        self.salt = "|".join([PIPELINE_VERSION, model_id, self.runtime, getattr(encoder, "runtime_version", ""),
                              str(settings.chunking.max_tokens), str(settings.chunking.min_chars)]).encode()

    def run(self, knowledge_dir: Path, progress: bool | None = None) -> IngestReport:
        """Ingest every file under knowledge_dir; failures are reported, never fatal."""
        started = time.perf_counter()
        report = IngestReport()
        self.vectors.encoded = self.vectors.reused = self.skipped = 0
        indexed, embedders = self._indexed()
        self._say_if_switching(embedders)
        self.fact_records = self.facts.content_hashes() if self.facts else {}
        links: list[str] = []
        files = discover(knowledge_dir, links)
        for rel in links:
            print(f"Bỏ qua {rel}: đây là liên kết tượng trưng (symlink), không nạp để tránh đọc tệp "
                  "nằm ngoài thư mục văn bản.", file=sys.stderr)
        for path in _progress(files, progress):
            rel = path.relative_to(knowledge_dir).as_posix()
            try:
                pending = self._ingest_file(path, rel, indexed.get(rel))
            except LoadError as exc:
                report.failed.append((rel, str(exc)))
                continue
            if pending is None:
                report.unchanged.append(rel)
                continue
            self._queue(pending, report)
        self._flush(report)
        present = {p.relative_to(knowledge_dir).as_posix() for p in files}
        for rel in sorted(set(indexed) - present):
            self.collection.delete(ids=list(indexed[rel].fingerprints))
            report.removed.append(rel)
        if self.facts:
            self.facts.remove_missing(present)
        report.chunks_encoded = self.vectors.encoded
        report.chunks_skipped = self.skipped
        report.seconds = time.perf_counter() - started
        return report

    def _indexed(self) -> tuple[dict[str, _Indexed], _Embedders]:
        found: dict[str, _Indexed] = defaultdict(_Indexed)
        embedders = _Embedders()
        for chunk_id, meta in iter_metadata(self.collection):
            entry = found[meta["source"]]
            entry.fingerprints[chunk_id] = meta["fingerprint"]
            entry.chunk_count = meta["chunk_count"]
            embedders.add(meta)
        return found, embedders

    def _say_if_switching(self, embedders: _Embedders) -> None:
        """One line when the store holds vectors another model or runtime made: this run
        re-embeds them (their fingerprints no longer match), so the two never mix."""
        others = embedders.others(self.model_id, self.runtime)
        if not others:
            return
        before = ", ".join(f"{model} chạy bằng {runtime}" for model, runtime in sorted(others))
        print(f"Kho đang lưu {sum(others.values())} đoạn mã hoá bằng {before}; cấu hình nay dùng "
              f"{self.model_id} chạy bằng {self.runtime}, nên mã hoá lại toàn bộ kho để không trộn "
              "hai loại vectơ.", file=sys.stderr)

    def _hashes(self, path: Path) -> tuple[str, str] | None:
        """(content hash of the bytes, fingerprint of bytes and pipeline settings)."""
        if path.stat().st_size > self.max_bytes:
            return None  # the loader refuses it with a message; no point hashing it
        with path.open("rb") as handle:
            content = hashlib.file_digest(handle, "sha256").hexdigest()
        return content, hashlib.sha256(self.salt + content.encode()).hexdigest()

    def _ingest_file(self, path: Path, rel: str, old: _Indexed | None) -> _Pending | None:
        """None for an unchanged file; else what is left to embed and write for it."""
        content_hash, fingerprint = self._hashes(path) or ("", "")
        if old and _is_complete(old, fingerprint):
            if self._facts_stale(rel, content_hash):
                self._store_facts(rel, content_hash, self._clean(path, rel))
            return None
        document = self._clean(path, rel)
        chunks, meta = self._chunks(document), document.meta
        ids = [chunk_id(rel, fingerprint, i) for i in range(len(chunks))]
        present = set(old.fingerprints) if old else set()
        todo = [(i, c) for i, (cid, c) in enumerate(zip(ids, chunks)) if cid not in present]
        keep = set(ids)
        stale = [cid for cid in old.fingerprints if cid not in keep] if old else []
        return _Pending(rel, "updated" if old else "added", ids, todo,
                        _document_fields(rel, content_hash, fingerprint, meta, len(chunks)),
                        stale, content_hash, document, left=len(todo))

    def _queue(self, pending: _Pending, report: IngestReport) -> None:
        self.buffer.extend((pending, i, c) for i, c in pending.todo)
        if not pending.todo:
            self._finish(pending, report)
        while len(self.buffer) >= self.embed_batch:
            self._flush(report, self.embed_batch)

    def _flush(self, report: IngestReport, limit: int | None = None) -> None:
        """Embed and write buffered chunks; a file whose last chunk is written is finished:
        its stale chunks deleted (new before old, so the store stays usable), its facts stored."""
        batch, self.buffer = self.buffer[:limit], self.buffer[len(self.buffer[:limit]):]
        if not batch:
            return
        texts = [embedded_text(c) for _, _, c in batch]
        vectors = self.vectors.vectors(texts)
        for start in range(0, len(batch), UPSERT_BATCH):
            part = batch[start:start + UPSERT_BATCH]
            self.collection.upsert(
                ids=[p.ids[i] for p, i, _ in part],
                embeddings=vectors[start:start + UPSERT_BATCH],
                documents=[c.text for _, _, c in part],
                metadatas=[{**p.base, "chunk_index": i, "section": c.section,
                            **self.vectors.metadata(text)}
                           for (p, i, c), text in zip(part, texts[start:start + UPSERT_BATCH])],
            )
        report.chunks_embedded += len(batch)
        for pending in dict.fromkeys(p for p, _, _ in batch):
            pending.left -= sum(1 for p, _, _ in batch if p is pending)
            if pending.left == 0:
                self._finish(pending, report)

    def _finish(self, pending: _Pending, report: IngestReport) -> None:
        if pending.stale:
            self.collection.delete(ids=pending.stale)
        try:
            self._store_facts(pending.rel, pending.content_hash, pending.document)
        except LoadError as exc:
            report.failed.append((pending.rel, str(exc)))
            return
        getattr(report, pending.status).append(pending.rel)

    def _clean(self, path: Path, rel: str) -> CleanDocument:
        with _as_load_error():
            document, kept = clean_keeping_text(load_text(path, self.max_bytes, self.limits))
        if kept:
            print(f"Lưu ý {rel}: bước làm sạch xoá hết nội dung của tệp, nên giữ lại nguyên văn "
                  "để không mất chữ nào.", file=sys.stderr)
        return document

    def _chunks(self, document: CleanDocument) -> list[Chunk]:
        with _as_load_error():
            chunks = split_into_chunks(document.body, self.settings.chunking.max_tokens,
                                       self.encoder.count_tokens, self.settings.chunking.min_chars)
        if not chunks:
            raise LoadError("không còn nội dung nào sau khi làm sạch")
        return self._without_boilerplate(chunks)

    def _without_boilerplate(self, chunks: list[Chunk]) -> list[Chunk]:
        """Boilerplate chunks left out; a document of nothing else keeps them all."""
        kept = [c for c in chunks if not is_boilerplate(c.text)] or chunks
        self.skipped += len(chunks) - len(kept)
        return kept

    def _facts_stale(self, rel: str, content_hash: str) -> bool:
        return self.facts is not None and self.fact_records.get(rel) != _fact_record(content_hash)

    def _store_facts(self, rel: str, content_hash: str, document: CleanDocument) -> None:
        if self.facts is None:
            return
        with _as_load_error():
            facts = extract_facts(document, self.settings.tasks.delivery_margin_days)
        self.facts.replace_document(rel, document.meta, _fact_record(content_hash), facts)


def load_limits(settings: Settings) -> LoadLimits:
    """The parsing bounds of the ingest: section."""
    return LoadLimits(max_unpacked_bytes=int(settings.ingest.max_unpacked_mb * 1024 * 1024),
                      max_zip_ratio=settings.ingest.max_zip_ratio,
                      max_pdf_pages=settings.ingest.max_pdf_pages,
                      max_parse_seconds=settings.ingest.max_parse_seconds)


@contextmanager
def _as_load_error() -> Iterator[None]:
    """A bug or an odd file must not stop the other files: it becomes that file's failure."""
    try:
        yield
    except LoadError:
        raise
    except Exception as exc:
        raise LoadError(f"lỗi không mong đợi khi xử lý tệp ({type(exc).__name__}: {exc})") from exc


def _fact_record(content_hash: str) -> str:
    return f"{FACTS_VERSION}:{content_hash}"


def discover(knowledge_dir: Path, links: list[str] | None = None) -> list[Path]:
    """Every file under the folder, hidden ones aside, in a stable order.

    Symbolic links (to files or folders) are never followed: they could pull in anything the
    process can read. Their relative paths are appended to links, when given, to be reported.
    """
    found: list[Path] = []
    for root, dirs, names in os.walk(knowledge_dir):  # followlinks=False: linked folders stay shut
        here = Path(root)
        linked = [d for d in dirs if (here / d).is_symlink()]
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in linked]
        for name in (*linked, *names):
            path = here / name
            if name.startswith("."):
                continue
            if path.is_symlink():
                if links is not None:
                    links.append(path.relative_to(knowledge_dir).as_posix())
            elif path.is_file():
                found.append(path)
    if links is not None:
        links.sort()
    return sorted(found)


def chunk_id(rel: str, fingerprint: str, index: int) -> str:
    return f"{hashlib.sha1(rel.encode()).hexdigest()[:12]}-{fingerprint[:16]}-{index:04d}"


def _is_complete(old: _Indexed, fingerprint: str) -> bool:
    return (bool(fingerprint) and len(old.fingerprints) == old.chunk_count
            and all(fp == fingerprint for fp in old.fingerprints.values()))


def _document_fields(rel: str, content_hash: str, fingerprint: str, meta: DocumentMeta,
                     count: int) -> dict[str, Any]:
    fields = {
        "source": rel,
        "file_name": Path(rel).name,
        "content_hash": content_hash,
        "fingerprint": fingerprint,
        "chunk_count": count,
        "doc_number": meta.doc_number,
        "doc_type": meta.doc_type,
        "issuer": meta.issuer,
        "issued_date": meta.issued_date.isoformat() if meta.issued_date else None,
        "title": meta.title,
        "signer": meta.signer,
    }
    return {k: v for k, v in fields.items() if v is not None}  # Chroma stores no nulls


def _progress(files: list[Path], enabled: bool | None) -> Iterable[Path]:
    from tqdm import tqdm

    # disable=None lets tqdm show the bar only on a terminal.
    return tqdm(files, desc="Nạp văn bản", unit="tệp", file=sys.stderr,
                disable=None if enabled is None else not enabled)
