"""Questions answered in a process of their own.

Search, the embedding model and BM25 are CPU-bound Python: answered in the bot's process they hold
its interpreter lock, and a flood of questions slows every command with them (bench/flood.py).
`AnswerProcess` keeps the answerer — model, Chroma, lexical index — in a child process, loaded
once, and `ask` sends each question over a pipe: the bot's thread only waits, which costs its
process nothing. The core calls it as it calls an in-process `Answerer`.

The child answers up to `threads` questions at once (a paid rewriting call waits there, not in the
bot). If it dies, every question in flight fails at once — the asker gets the apology, never a
hang — and a new child is started; one that gives no answer within `timeout_s` is presumed stuck,
stopped and replaced the same way.
"""
from __future__ import annotations

import atexit
import itertools
import logging
import multiprocessing
import signal
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import fields
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any, Protocol

from bot.retrieval.answers import Answer, Conversation

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    from bot.config import Settings

log = logging.getLogger(__name__)

RESTART_DELAYS_S = (0.0, 1.0, 5.0, 30.0)  # between attempts to start a child after a death
STOP_WAIT_S = 10.0  # a stopping child finishes the answers it has begun for this long


class Answering(Protocol):
    """What answers a question: `Answerer` here, or `AnswerProcess` through a child."""

    def ask(self, text: str, conversation: Conversation | None = None) -> Answer: ...


# settings -> the answerer, built in the child; a module-level function (it is pickled by name).
Factory = Callable[["Settings"], Answering]


class AnswerUnavailable(RuntimeError):
    """No answer: the answering process died, was stuck, or is not running."""


class AnswerFailed(RuntimeError):
    """The answerer raised in the other process; the message carries its traceback."""


class AnswerProcess:
    """An answerer in a child process: `ask` is thread-safe and blocks only its caller."""

    def __init__(self, settings: "Settings", factory: Factory, *, threads: int = 4, timeout_s: float = 60.0,
                 start_timeout_s: float = 600.0) -> None:
        self.settings = settings
        self.factory = factory
        self.threads = threads
        self.timeout_s = timeout_s
        self.start_timeout_s = start_timeout_s
        self.empty = False  # whether the store holds no passage (reported by the child)
        self.restarts = 0
        self._context = multiprocessing.get_context("spawn")  # the bot's process runs threads: no fork
        self._lock = threading.Lock()  # the connection, the child and the answers awaited
        self._ready = threading.Event()
        self._conn: Connection | None = None
        self._process: "BaseProcess | None" = None
        self._pending: dict[int, Future[tuple[Answer, Conversation | None]]] = {}
        self._ids = itertools.count()
        self._closed = False

    # -- the caller's side ------------------------------------------------------------------

    def start(self) -> "AnswerProcess":
        """Start the child and wait until it can answer; AnswerUnavailable if it cannot."""
        self._spawn()
        atexit.register(self.close)  # before multiprocessing's own, which would just terminate it
        return self

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None else None

    def ask(self, text: str, conversation: Conversation | None = None) -> Answer:
        """The child's answer; `conversation` is updated in place as the in-process answerer does."""
        if self._closed or not self._ready.wait(self.timeout_s):
            raise AnswerUnavailable("the answering process is not running")
        future: Future[tuple[Answer, Conversation | None]] = Future()
        with self._lock:
            conn, process = self._conn, self._process
            if conn is None or self._closed:
                raise AnswerUnavailable("the answering process is restarting")
            request = next(self._ids)
            self._pending[request] = future
            try:
                conn.send((request, text, conversation))
            except (OSError, ValueError) as exc:  # the child just died: its reader fails the rest
                del self._pending[request]
                raise AnswerUnavailable(f"the answering process is gone: {exc}") from None
        try:
            answer, after = future.result(self.timeout_s)
        except FutureTimeout:
            self._stuck(request, process)
            raise AnswerUnavailable(f"no answer within {self.timeout_s:g} s") from None
        if conversation is not None and after is not None:
            for f in fields(Conversation):  # what a follow-up leans on, as the child left it
                setattr(conversation, f.name, getattr(after, f.name))
        return answer

    def close(self) -> None:
        """Stop the child: it finishes what it has begun (for up to STOP_WAIT_S), then exits."""
        atexit.unregister(self.close)
        with self._lock:
            self._closed = True
            self._ready.clear()
            conn, process = self._conn, self._process
            if conn is not None:
                try:
                    conn.send(None)
                except (OSError, ValueError):
                    pass
        if process is not None:  # its reader closes the pipe once the child is gone
            _stop(process, STOP_WAIT_S)

    def _stuck(self, request: int, process: "BaseProcess | None") -> None:
        """An answer overdue: the child is presumed stuck and killed (its reader restarts it)."""
        with self._lock:
            self._pending.pop(request, None)
            current = process is not None and process is self._process
            if current:  # no more questions for it; its reader fails those it holds
                self._conn, self._process = None, None
                self._ready.clear()
        if current and process is not None:
            log.error("answering process %s gave no answer within %g s: restarting it", process.pid, self.timeout_s)
            process.kill()

    # -- the child's life ---------------------------------------------------------------------

    def _spawn(self, restart: bool = False) -> None:
        """One child, started and ready, with a thread reading its answers; a restart is counted
        before any question can reach the new child."""
        ours, theirs = self._context.Pipe()
        process = self._context.Process(target=serve, args=(theirs, self.settings, self.factory, self.threads),
                                        name="answers", daemon=True)
        process.start()
        theirs.close()
        status, detail = "failed", f"not ready within {self.start_timeout_s:g} s"
        if ours.poll(self.start_timeout_s):
            try:
                status, detail = ours.recv()
            except (EOFError, OSError):
                process.join(5)
                detail = f"exit code {process.exitcode}"
        if status != "ready":
            _stop(process, 0)
            ours.close()
            raise AnswerUnavailable(f"the answering process could not start: {detail}")
        with self._lock:
            if self._closed:  # closed while starting
                ours.send(None)
                stop_later = True
            else:
                self._conn, self._process, self.empty = ours, process, bool(detail)
                self.restarts += restart
                stop_later = False
        if stop_later:
            _stop(process, STOP_WAIT_S)
            ours.close()
            return
        self._ready.set()
        threading.Thread(target=self._read, args=(ours, process), name="answers-reader", daemon=True).start()
        log.info("answering process %s ready", process.pid)

    def _read(self, conn: Connection, process: "BaseProcess") -> None:
        """Hand each answer to whoever waits for it; when the child is gone, fail the rest and
        start another."""
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                break
            kind, request, *payload = message
            with self._lock:
                future = self._pending.pop(request, None)
            if future is None:  # given up on (overdue)
                continue
            if kind == "answer":
                future.set_result((payload[0], payload[1]))
            else:
                future.set_exception(AnswerFailed(payload[0]))
        with self._lock:
            if self._conn is conn:
                self._conn, self._process = None, None
                self._ready.clear()
            lost, self._pending = self._pending, {}
            closed = self._closed
        for future in lost.values():
            future.set_exception(AnswerUnavailable("the answering process stopped"))
        conn.close()
        if closed:
            return
        process.join(5)
        log.error("answering process %s ended (exit code %s) with %d question(s) in flight: restarting it",
                  process.pid, process.exitcode, len(lost))
        self._restart()

    def _restart(self) -> None:
        for attempt in itertools.count():
            if self._closed:
                return
            time.sleep(RESTART_DELAYS_S[min(attempt, len(RESTART_DELAYS_S) - 1)])
            try:
                self._spawn(restart=True)
            except AnswerUnavailable as exc:
                if not self._closed:
                    log.error("%s", exc)
                continue
            return


def _stop(process: "BaseProcess", wait_s: float) -> None:
    """Wait for the child to exit, then terminate it, then kill it."""
    process.join(wait_s)
    if process.is_alive():
        process.terminate()
        process.join(5)
    if process.is_alive():
        process.kill()
        process.join(5)


def serve(conn: Connection, settings: "Settings", factory: Factory, threads: int) -> None:
    """The child: build the answerer, say ready (and whether the store is empty), then answer
    each (id, question, conversation) on a pool of `threads` until told to stop (None) or the
    bot's end of the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole group: the bot stops us
    try:
        answerer = factory(settings)
        if prepare := getattr(answerer, "prepare", None):
            prepare()
        search = getattr(answerer, "search", None)
        conn.send(("ready", bool(search is not None and search.is_empty())))
    except BaseException:
        conn.send(("failed", traceback.format_exc()))
        return
    sending = threading.Lock()

    def answer(request: int, text: str, conversation: Conversation | None) -> None:
        try:
            result: tuple[Any, ...] = ("answer", request, answerer.ask(text, conversation), conversation)
        except Exception:
            result = ("error", request, traceback.format_exc())
        with sending:
            try:
                conn.send(result)
            except (OSError, ValueError):  # the bot is gone
                pass
            except Exception:  # an answer that cannot be sent (pickling): its error can
                conn.send(("error", request, traceback.format_exc()))

    with ThreadPoolExecutor(threads, thread_name_prefix="answer") as pool:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                break
            if message is None:
                break
            pool.submit(answer, *message)
