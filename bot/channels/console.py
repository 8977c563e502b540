"""Console channel: the core on stdin/stdout, plus `ask` for scripts.

`console` is for people (a prompt on a terminal, the question echoed when piped) and goes
through the same core as the messengers: commands (/hanchot, /tieuchi, …), numbered choices,
follow-ups. `ask` is for tools: answers only, and with --json one object per line (the fields are
listed in the README, under Answers).
"""
from __future__ import annotations

import getpass
import json
import re
import secrets
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.retrieval.answers import Answer, Answerer, Conversation
from bot.core.messages import CONSOLE, Incoming, OutgoingFile, Reply, Sender

if TYPE_CHECKING:
    from bot.core.assistant import Assistant

EXIT_WORDS = {"thoát", "thoat", "exit", "quit"}
GREETING = ("Trợ lý Chỉ thị — hỏi về yêu cầu, tiêu chí, thời hạn trong các văn bản đã nạp.\n"
            "Gõ câu hỏi rồi Enter (có dấu hay không dấu đều được), hoặc một lệnh như /hanchot, "
            "/tieuchi kh 982, /help; gõ «thoát» hoặc Ctrl+D để kết thúc.")
EMPTY_STORE = ("Kho văn bản đang trống. Hãy nạp văn bản trước: "
               "python ingest.py --knowledge knowledge --store data/store")


def to_incoming(line: str, user: str) -> Incoming:
    """A console line as the core sees it: "/tieuchi kh 982" is a command with its argument."""
    if line.startswith("/") and len(line) > 1:
        name, _, rest = line[1:].partition(" ")
        return Incoming(CONSOLE, "console", Sender(user, user), text=rest.strip(), command=name.lower())
    return Incoming(CONSOLE, "console", Sender(user, user), text=line)


def run(assistant: "Assistant", stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
        interactive: bool | None = None, exports: Path | None = None) -> int:
    """Answer each line until the end of input: with a prompt on a terminal, echoed when piped.
    Files the core sends (a chart, an export) are saved under `exports`."""
    interactive = stdin.isatty() if interactive is None else interactive
    if assistant.answerer.search.is_empty():
        print(EMPTY_STORE, file=stdout)
        return 1
    if interactive:
        print(GREETING, file=stdout)
    user = getpass.getuser()
    while True:
        if interactive:
            print("\nHỏi> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            break
        question = line.strip()
        if not question:
            continue
        if question.lower() in EXIT_WORDS:
            break
        if not interactive:
            print(f"Hỏi: {question}", file=stdout)
        replies = assistant.handle(to_incoming(question, user))
        print("\n".join(shown(r, exports) for r in replies) + "\n", file=stdout, flush=True)
    return 0


def shown(reply: Reply, exports: Path | None) -> str:
    """A reply as console text; its file is written to disk and its path shown instead."""
    if reply.file is None:
        return reply.text or reply.notice
    return "\n".join(filter(None, (reply.text, save_file(reply.file, exports))))


def save_file(file: OutgoingFile, folder: Path | None) -> str:
    """Write a file under a generated name (never the sender's) and say where it is."""
    if folder is None:
        return f"[Tệp «{file.name}», {len(file.content)} byte: không lưu vì chưa có thư mục lưu tệp.]"
    name = Path(file.name)
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", name.stem).strip("-")[:60] or "tep"
    suffix = re.sub(r"[^A-Za-z0-9.]+", "", name.suffix)[:10]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}-{datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(3)}{suffix}"
    path.write_bytes(file.content)
    return f"Đã lưu tệp: {path}" + (f" ({file.caption})" if file.caption else "")


def render(answer: Answer) -> str:
    """An answer for `ask` without --json: the answer, then the other passages it rests on."""
    more = [f"{s.doc_number or s.file}" + (f", mục {s.section}" if s.section else "") + f" (tệp {s.file})"
            for s in answer.sources[1:]] if answer.found else []
    return answer.text + (f"\nXem thêm: {'; '.join(more)}" if more else "")


def ask(answerer: Answerer, as_json: bool, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
        stderr: TextIO = sys.stderr) -> int:
    """One answer per non-empty input line; JSON lines for tools, plain Vietnamese otherwise."""
    if answerer.search.is_empty():
        print(EMPTY_STORE, file=stderr)
        return 1
    conversation = Conversation()
    for line in stdin:
        question = line.strip()
        if not question:
            continue
        answer = answerer.ask(question, conversation)
        if as_json:
            print(json.dumps(answer.to_json(), ensure_ascii=False), file=stdout, flush=True)
        else:
            print(f"Hỏi: {question}\n{render(answer)}\n", file=stdout, flush=True)
    return 0
