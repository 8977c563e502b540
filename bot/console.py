"""Console channel: questions on stdin, answers with their sources on stdout.

`console` is for people (a prompt on a terminal, the question echoed when piped); `ask` is for
scripts (no prompt, no echo, and with --json one JSON object per line, DESIGN.md §3). Both keep
one conversation, so a follow-up ("còn tiêu chí thì sao?") refers to the previous answer.
"""
from __future__ import annotations

import json
import sys
from typing import TextIO

from bot.answers import Answer, Answerer, Conversation

EXIT_WORDS = {"thoát", "thoat", "exit", "quit"}
GREETING = ("Trợ lý Chỉ thị — hỏi về yêu cầu, tiêu chí, thời hạn trong các văn bản đã nạp.\n"
            "Gõ câu hỏi rồi Enter (có dấu hay không dấu đều được); gõ «thoát» hoặc Ctrl+D để kết thúc.")
EMPTY_STORE = ("Kho văn bản đang trống. Hãy nạp văn bản trước: "
               "python ingest.py --knowledge knowledge --store data/store")


def render(answer: Answer) -> str:
    """The answer, then the other passages it rests on."""
    more = [f"{s.doc_number or s.file}" + (f", mục {s.section}" if s.section else "") + f" (tệp {s.file})"
            for s in answer.sources[1:]] if answer.found else []
    return answer.text + (f"\nXem thêm: {'; '.join(more)}" if more else "")


def run(answerer: Answerer, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
        interactive: bool | None = None) -> int:
    """Answer each line until the end of input: with a prompt on a terminal, echoed when piped."""
    interactive = stdin.isatty() if interactive is None else interactive
    if answerer.search.is_empty():
        print(EMPTY_STORE, file=stdout)
        return 1
    if interactive:
        print(GREETING, file=stdout)
    conversation = Conversation()
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
        print(render(answerer.ask(question, conversation)) + "\n", file=stdout, flush=True)
    return 0


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
