"""Console channel: questions on stdin, cited passages on stdout."""
from __future__ import annotations

import sys
from typing import TextIO

from bot.search import Passage, PassageSearch

QUOTE_CHARS = 600
EXIT_WORDS = {"thoát", "thoat", "exit", "quit"}
GREETING = ("Trợ lý Chỉ thị — hỏi về yêu cầu, tiêu chí, thời hạn trong các văn bản đã nạp.\n"
            "Gõ câu hỏi rồi Enter (có dấu hay không dấu đều được); gõ «thoát» hoặc Ctrl+D để kết thúc.")
EMPTY_STORE = ("Kho văn bản đang trống. Hãy nạp văn bản trước: "
               "python ingest.py --knowledge knowledge --store data/store")
NOT_FOUND = "Không tìm thấy đoạn văn bản nào phù hợp. Hãy thử diễn đạt câu hỏi theo cách khác."


def render(passages: list[Passage]) -> str:
    if not passages:
        return NOT_FOUND
    blocks = []
    for rank, p in enumerate(passages, 1):
        quote = p.text if len(p.text) <= QUOTE_CHARS else p.text[:QUOTE_CHARS].rsplit(" ", 1)[0] + " …"
        blocks.append(f"[{rank}] «{quote}»\n    — {p.citation()} (tệp {p.source}, độ khớp {p.score:.2f})")
    return "\n\n".join(blocks)


def run(search: PassageSearch, top_k: int, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
        interactive: bool | None = None) -> int:
    """Answer each line until the end of input: with a prompt on a terminal, silently when piped."""
    interactive = stdin.isatty() if interactive is None else interactive
    if search.is_empty():
        print(EMPTY_STORE, file=stdout)
        return 1
    if interactive:
        print(GREETING, file=stdout)
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
        print(render(search.search(question, top_k)) + "\n", file=stdout, flush=True)
    return 0
