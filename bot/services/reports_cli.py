"""`python -m bot reports export|summary`: the secretariat's summary, chart and exports on the
command line, over the same operations as /tonghop, /xuatbaocao and the dashboard."""
from __future__ import annotations

import sys
from datetime import datetime
from typing import TYPE_CHECKING

from bot.core.clock import VIETNAM
from bot.retrieval.listings import resolve_documents
from bot.services.exports import MATRIX_HEADERS, export_bytes, table_csv
from bot.services.summary import CLI_HINT, build_summary, chart_png, scope_text, summary_text, task_matrix

if TYPE_CHECKING:
    import argparse

    from sqlalchemy import Engine

    from bot.config import Settings
    from bot.db.facts import FactStore
    from bot.db.people import PeopleStore


def run_cli(settings: "Settings", args: "argparse.Namespace") -> int:
    """`reports export --out FILE.xlsx|.csv [--doc]` and `reports summary [--doc] [--chart FILE]`."""
    from bot.db.engine import shared_engine
    from bot.db.facts import FactStore
    from bot.db.people import PeopleStore

    engine = shared_engine(settings.database_url)
    try:
        return _reports_command(args, settings, engine, FactStore(engine), PeopleStore(engine))
    finally:
        engine.dispose()


def _reports_command(args: "argparse.Namespace", settings: "Settings", engine: "Engine", facts: "FactStore",
                     people: "PeopleStore") -> int:
    numbers = None
    if args.doc:
        numbers = resolve_documents(facts, args.doc)
        if not numbers:
            print(f"Không có văn bản «{args.doc}» trong kho.", file=sys.stderr)
            return 1
    if args.reports_command == "export":
        fmt = args.out.suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "csv"):
            print("Tệp xuất phải có đuôi .xlsx hoặc .csv.", file=sys.stderr)
            return 2
        today = args.today or datetime.now(VIETNAM).date()
        matrix = task_matrix(build_summary(engine, facts, today, settings.reports.past_days, numbers,
                                           include_coordinating=settings.tasks.include_coordinating))
        args.out.parent.mkdir(parents=True, exist_ok=True)
        if args.tasks:
            content = export_bytes(engine, fmt, numbers, matrix)[0] if fmt == "xlsx" else \
                table_csv(MATRIX_HEADERS, matrix)
            args.out.write_bytes(content)
            print(f"Đã ghi {len(matrix)} dòng nhiệm vụ — đơn vị ({scope_text(numbers)}) vào {args.out}")
            return 0
        content, stats = export_bytes(engine, fmt, numbers, matrix)
        args.out.write_bytes(content)
        people.audit(None, "cli", "export", f"xuất {stats.reports} báo cáo {scope_text(numbers)} ra {args.out.name}")
        print(f"Đã ghi {stats.reports} báo cáo của {stats.units} đơn vị ({scope_text(numbers)}) vào {args.out}")
        return 0
    today = args.today or datetime.now(VIETNAM).date()
    summary = build_summary(engine, facts, today, settings.reports.past_days, numbers,
                            include_coordinating=settings.tasks.include_coordinating)
    arg = f" --doc {numbers[0]}" if numbers and len(numbers) == 1 else ""
    print(summary_text(summary, CLI_HINT.format(arg=arg)))
    if args.chart:
        png = chart_png(summary)
        if png is None:
            print("Không có nội dung nào để vẽ biểu đồ.", file=sys.stderr)
            return 1
        args.chart.parent.mkdir(parents=True, exist_ok=True)
        args.chart.write_bytes(png)
        print(f"Biểu đồ: {args.chart}")
    return 0
