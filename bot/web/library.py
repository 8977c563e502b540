"""The documents behind the answers, as the dashboard manages them: what the store holds,
uploads ingested in the background, and removal.

An upload is checked (type, size, not empty), staged outside the knowledge folder, then moved in
by a single worker thread that ingests the folder as `ingest.py` does. When the new file fails,
the folder is put back as it was (a replaced version restored) and ingested again, so a bad file
costs nothing but its own one-line reason. The register is then synced, so the document's tasks
are proposed. Ingestion and removal never run at the same time.
"""
from __future__ import annotations

import re
import secrets
import shutil
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.db.facts import DocumentInfo, FactStore
from bot.db.outbox import Outbox
from bot.db.people import PeopleStore
from bot.db.tasks import TaskStatus
from bot.ingestion.loaders import SUPPORTED_SUFFIXES
from bot.ingestion.pipeline import Ingestor, PassageEncoder
from bot.retrieval.vector_store import iter_metadata, open_collection
from bot.retrieval.vietnamese import fold
from bot.services.tasks import TaskRegister

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection

CHANNEL = "web"
MAX_STEM = 80      # characters of a stored file name before its extension
KEPT_JOBS = 20     # finished uploads still listed on the page
BUSY_WAIT_S = 5.0  # how long a removal waits for an ingestion in progress


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


JOB_STATE_NAMES = {JobState.QUEUED: "đang chờ", JobState.RUNNING: "đang nạp", JobState.DONE: "xong",
                   JobState.FAILED: "lỗi"}


@dataclass
class Job:
    """One upload, from the moment it is accepted until it is ingested or refused."""

    id: str
    name: str         # the file's name in the knowledge folder
    uploaded_as: str  # its name on the official's computer
    by: int
    state: JobState = JobState.QUEUED
    reason: str = ""
    chunks: int = 0
    tasks: int = 0
    replaced: bool = False
    at: datetime = field(default_factory=datetime.now)

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def state_name(self) -> str:
        return JOB_STATE_NAMES[self.state]


@dataclass(frozen=True)
class Encoder:
    """How uploads are embedded: the model (built once, when the first upload needs it) and
    the id its vectors are fingerprinted with, the same as `ingest.py` uses."""

    make: Callable[[], PassageEncoder]
    model_id: str


def default_encoder(settings: Settings) -> Encoder:
    from bot import app

    return Encoder(lambda: app.embeddings(settings), settings.embedding.model)


class LibraryError(Exception):
    """An upload or a removal refused; the message is one Vietnamese line."""


@dataclass(frozen=True)
class DocumentRow:
    """A document as the page lists it."""

    info: DocumentInfo
    chunks: int
    tasks: dict[TaskStatus, int]

    @property
    def name(self) -> str:
        return self.info.doc_number or PurePosixPath(self.info.source).name


def safe_name(uploaded: str) -> str:
    """The name a file is stored under: no folders, ASCII letters, digits and dashes, its
    extension in lower case («Kế hoạch 12/KH.PDF» → «ke-hoach-12-kh.pdf»)."""
    base = PurePosixPath(uploaded.replace("\\", "/")).name
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(stem)).strip("-")[:MAX_STEM].strip("-") or "van-ban"
    return f"{slug}.{suffix.lower()}" if suffix else slug


class Library:
    """The knowledge folder, the vector store and the facts, kept in step for the dashboard."""

    def __init__(self, settings: Settings, *, facts: FactStore, people: PeopleStore, register: TaskRegister,
                 outbox: Outbox, encoder: Encoder, today: Callable[[], date]) -> None:
        self.settings = settings
        self.facts, self.people, self.register, self.outbox = facts, people, register, outbox
        self.encoder, self.today = encoder, today
        self.knowledge = settings.resolve(settings.paths.knowledge)
        self.staging = settings.store_dir / "uploads"
        self.max_mb = settings.web.max_upload_mb
        self.suffixes = tuple(s for s in settings.ingest.extensions if s in SUPPORTED_SUFFIXES)
        self._jobs: dict[str, Job] = {}
        self._busy = threading.Lock()      # one ingestion or removal at a time
        self._opening = threading.Lock()   # the store and the model are opened once
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nap-van-ban")
        self._collection: Collection | None = None
        self._model: PassageEncoder | None = None

    @property
    def max_bytes(self) -> int:
        return self.max_mb * 1024 * 1024

    # -- reading ---------------------------------------------------------------------------------

    def documents(self) -> list[DocumentRow]:
        """Every document, newest first, with its chunks in the store and its tasks by status
        (one pass over the store's metadata, one query of the register)."""
        chunks = self.chunk_counts()
        tasks: dict[str, Counter[TaskStatus]] = {}
        for record in self.register.store.records():
            tasks.setdefault(record.source, Counter())[record.status] += 1
        return [DocumentRow(info, chunks.get(info.source, 0), dict(tasks.get(info.source, Counter())))
                for info in self.facts.documents()]

    def chunk_counts(self) -> dict[str, int]:
        return dict(Counter(meta["source"] for _, meta in iter_metadata(self.collection())))

    def jobs(self) -> list[Job]:
        """Uploads of this run of the dashboard, newest first."""
        return sorted(self._jobs.values(), key=lambda j: j.at, reverse=True)

    def job(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    # -- uploading -------------------------------------------------------------------------------

    def accept(self, uploaded_as: str, data: bytes, by: int) -> Job:
        """Check an upload and queue its ingestion; LibraryError with the reason if refused."""
        name = safe_name(uploaded_as)
        self._check(name, data)
        job = Job(secrets.token_hex(6), name, PurePosixPath(uploaded_as.replace("\\", "/")).name, by)
        self.staging.mkdir(parents=True, exist_ok=True)
        self._staged(job).write_bytes(data)
        self._remember(job)
        self._worker.submit(self._run, job)
        return job

    def _check(self, name: str, data: bytes) -> None:
        suffix = PurePosixPath(name).suffix
        if suffix not in self.suffixes:
            raise LibraryError(f"định dạng {suffix or '(không có phần mở rộng)'} không được nhận; "
                               f"chỉ nhận {', '.join(self.suffixes)}")
        if not data:
            raise LibraryError("tệp rỗng")
        if len(data) > self.max_bytes:
            raise LibraryError(f"tệp quá lớn (tối đa {self.max_mb} MB)")

    def _remember(self, job: Job) -> None:
        finished = [j for j in self.jobs() if j.finished]
        for old in finished[KEPT_JOBS - 1:]:
            self._jobs.pop(old.id, None)
        self._jobs[job.id] = job

    def _staged(self, job: Job) -> Path:
        return self.staging / f"{job.id}{PurePosixPath(job.name).suffix}"

    def _run(self, job: Job) -> None:
        with self._busy:
            job.state = JobState.RUNNING
            try:
                self._ingest(job)
            except Exception as exc:  # the page must show an end, whatever happened
                job.reason = f"lỗi không mong đợi khi nạp ({type(exc).__name__}: {exc})"
                job.state = JobState.FAILED
            finally:
                self._staged(job).unlink(missing_ok=True)

    def _ingest(self, job: Job) -> None:
        target = self.knowledge / job.name
        backup = self.staging / f"{job.id}-cu{PurePosixPath(job.name).suffix}" if target.exists() else None
        self.knowledge.mkdir(parents=True, exist_ok=True)
        if backup is not None:
            shutil.move(target, backup)
        shutil.move(self._staged(job), target)
        try:
            report = self._ingestor().run(self.knowledge, progress=False)
        except Exception:
            self._put_back(target, backup)
            raise
        reason = dict(report.failed).get(job.name)
        if reason is not None:
            self._put_back(target, backup)
            job.reason, job.state = reason, JobState.FAILED
            return
        if backup is not None:
            backup.unlink()
        self._propose()
        job.replaced = backup is not None
        job.chunks = self.chunk_counts().get(job.name, 0)
        job.tasks = sum(1 for r in self.register.store.records(sources=[job.name])
                        if r.status is not TaskStatus.DISMISSED)
        job.state = JobState.DONE
        self.people.audit(job.by, CHANNEL, "document_upload",
                          f"{job.name}{' (thay bản cũ)' if job.replaced else ''}: {job.chunks} đoạn, "
                          f"{job.tasks} nhiệm vụ")

    def _put_back(self, target: Path, backup: Path | None) -> None:
        """The folder as it was before the upload, and the store in line with it."""
        target.unlink(missing_ok=True)
        if backup is not None:
            shutil.move(backup, target)
        self._ingestor().run(self.knowledge, progress=False)

    def _propose(self) -> None:
        """The register brought up to the documents; with tasks.auto_track the units hear of
        the tasks now tracked, as they do when the bot finds a new document."""
        new = self.register.sync()
        tracked = [t.key for doc in new for t in doc.tasks if t.status is TaskStatus.TRACKED]
        if tracked:
            self.register.announce_tracking(self.outbox, tracked, self.today())

    # -- removing --------------------------------------------------------------------------------

    def remove(self, source: str, by: int) -> str:
        """Take a document out of the folder, the store and the facts (its tasks are dismissed
        by the register's sync); the name it was shown under. LibraryError if refused."""
        info = next((d for d in self.facts.documents() if d.source == source), None)
        if info is None and source not in self.chunk_counts():
            raise LibraryError("Không có văn bản này trong kho (có thể đã được gỡ).")
        path = (self.knowledge / source).resolve()
        if not path.is_relative_to(self.knowledge.resolve()):
            raise LibraryError("Tên tệp không hợp lệ.")
        if not self._busy.acquire(timeout=BUSY_WAIT_S):
            raise LibraryError("Đang nạp một văn bản khác; thử gỡ lại sau ít phút.")
        try:
            self._forget(path, source)
        finally:
            self._busy.release()
        name = (info.doc_number if info else None) or PurePosixPath(source).name
        self.people.audit(by, CHANNEL, "document_remove", f"gỡ văn bản {name} ({source})")
        return name

    def _forget(self, path: Path, source: str) -> None:
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise LibraryError(f"Không xoá được tệp {source} ({exc.strerror or exc}).") from exc
        self.collection().delete(where={"source": source})
        self.facts.remove_document(source)
        self.register.sync()

    # -- the store and the model, opened once ----------------------------------------------------

    def collection(self) -> "Collection":
        with self._opening:
            if self._collection is None:
                self._collection = open_collection(self.settings)
            return self._collection

    def _ingestor(self) -> Ingestor:
        with self._opening:
            if self._model is None:
                self._model = self.encoder.make()
        return Ingestor(self.settings, self._model, self.collection(), model_id=self.encoder.model_id,
                        facts=self.facts)
