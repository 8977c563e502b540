"""Parsing .docx and .pdf files in a child process, so that one file cannot hang an ingest.

python-docx and pypdf cannot be interrupted from another thread, and a crafted file (or a
damaged cross-reference table) can keep them busy for hours. Their parse therefore runs in a
long-lived child process (`python -m bot.ingestion.parse_worker`, which imports only the
loaders); a parse that takes longer than the bound is killed, its file is reported like any
bad file, and the next file gets a fresh child. Plain text and HTML are read in-process: their
cost is bounded by the file size.
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any, Callable

from bot.ingestion.document import LoadError

Parse = Callable[[Path, Any], str]


class _Overdue(Exception):
    """No reply within the bound (not TimeoutError: that is an OSError, a broken pipe's kin)."""


class ParseWorker:
    """One child process that parses files on request, restarted after a timeout or a crash."""

    def __init__(self) -> None:
        self._child: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()  # the web upload and an ingest may share the worker

    def parse(self, parse: Parse, path: Path, limits: Any, seconds: float) -> str:
        """`parse(path, limits)` run in the child (`parse` is a module-level function);
        LoadError when it fails or runs longer than `seconds`."""
        with self._lock:
            child = self._running()
            try:
                _send(child.stdin, (parse, path, limits))
                reply = _receive(child.stdout, seconds)
            except _Overdue:
                self.close()
                raise LoadError(f"đọc tệp quá lâu (quá {seconds:g} giây), có thể tệp hỏng "
                                "hoặc được làm ra để gây treo") from None
            except (OSError, EOFError, pickle.UnpicklingError) as exc:  # the child died (memory?)
                self.close()
                raise LoadError("không đọc được tệp (bộ đọc tệp dừng bất thường)") from exc
        ok, value = reply
        if not ok:
            raise LoadError(value)
        return value

    def close(self) -> None:
        if self._child is not None:
            self._child.kill()
            self._child.wait()
            for stream in (self._child.stdin, self._child.stdout):
                if stream is not None:
                    stream.close()
            self._child = None

    def _running(self) -> subprocess.Popen[bytes]:
        if self._child is None or self._child.poll() is not None:
            # The child imports what this process imports, wherever it was started from.
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
            self._child = subprocess.Popen([sys.executable, "-m", "bot.ingestion.parse_worker"],
                                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        return self._child


def _send(stream: IO[bytes] | None, message: object) -> None:
    assert stream is not None
    pickle.dump(message, stream)
    stream.flush()


def _receive(stream: IO[bytes] | None, seconds: float) -> Any:
    """The child's reply; _Overdue when none arrives in time."""
    assert stream is not None
    reply: list[Any] = []
    failure: list[BaseException] = []

    def read() -> None:
        try:
            reply.append(pickle.load(stream))
        except BaseException as exc:  # handed to the waiting thread
            failure.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(seconds)
    if reader.is_alive():
        raise _Overdue  # the reader ends with EOF once the child is killed
    if failure:
        raise failure[0]
    return reply[0]


def serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    """The child's loop: (parse, path, limits) in, (True, text) or (False, reason) out."""
    while True:
        try:
            parse, path, limits = pickle.load(requests)
        except EOFError:
            return
        try:
            result: tuple[bool, str] = (True, parse(path, limits))
        except LoadError as exc:
            result = (False, str(exc))
        except Exception:  # a parser bug is this file's failure, not the worker's end
            result = (False, "tệp hỏng hoặc không đọc được")
        _send(replies, result)


if __name__ == "__main__":
    # Replies go to the real stdout; anything a parser prints goes to stderr instead.
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(sys.stdin.buffer, replies)
