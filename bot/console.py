"""Console channel: the core on stdin/stdout, plus `ask` for scripts.

`console` is for people (a prompt on a terminal, the question echoed when piped) and goes
through the same core as the messengers: commands (/hanchot, /tieuchi, …), numbered choices,
follow-ups. `ask` is for tools: answers only, and with --json one object per line (DESIGN §3).
"""
from __future__ import annotations

import getpass
import json
import sys
from typing import TYPE_CHECKING, TextIO

from bot.answers import Answer, Answerer, Conversation
from bot.messages import CONSOLE, Incoming, Sender

if TYPE_CHECKING:
    from bot.assistant import Assistant

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
        interactive: bool | None = None) -> int:
    """Answer each line until the end of input: with a prompt on a terminal, echoed when piped."""
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
        print("\n".join(r.text or r.notice for r in replies) + "\n", file=stdout, flush=True)
    return 0


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
