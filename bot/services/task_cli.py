"""`python -m bot tasks list|track|assign|dismiss|add`: the register on the command line.

Every command first brings the register up to the ingested documents (new tasks proposed),
so `tasks list` right after `ingest.py` shows what the secretariat has to confirm.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.core.clock import VIETNAM, parse_day
from bot.db.outbox import Outbox
from bot.db.tasks import STATUS_NAMES, TaskRecord, TaskStatus
from bot.services.tasks import TaskError, TaskRegister, by_document, due_text

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.db.people import UnitInfo

CHANNEL = "cli"


def add_tasks_parser(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    tasks = commands.add_parser("tasks", help="sổ theo dõi nhiệm vụ: đơn vị nào phải làm gì, hạn nào")
    actions = tasks.add_subparsers(dest="tasks_command", required=True, metavar="VIỆC")
    listed = actions.add_parser("list", parents=[common], help="các nhiệm vụ (đề xuất, đang theo dõi, đã loại)")
    listed.add_argument("--doc", help="chỉ một văn bản, ví dụ 0125/KH-UBND")
    listed.add_argument("--unit", help="chỉ nhiệm vụ giao cho đơn vị này (mã)")
    listed.add_argument("--status", choices=[s.value for s in TaskStatus])
    listed.add_argument("--json", action="store_true", help="mỗi nhiệm vụ một dòng JSON")
    track = actions.add_parser("track", parents=[common],
                               help="theo dõi các nhiệm vụ đề xuất của một văn bản (hoặc một nhiệm vụ)")
    track.add_argument("target", nargs="?", help="số hiệu văn bản hoặc mã nhiệm vụ")
    track.add_argument("--all", action="store_true",
                       help="không kèm văn bản: mọi đề xuất; kèm văn bản: cả nhiệm vụ đã loại")
    assign = actions.add_parser("assign", parents=[common], help="giao nhiệm vụ cho đơn vị")
    assign.add_argument("key")
    assign.add_argument("--lead", nargs="+", required=True, metavar="MÃ", help="đơn vị chủ trì")
    assign.add_argument("--with", dest="coordinate", nargs="+", default=[], metavar="MÃ",
                        help="đơn vị phối hợp")
    dismiss = actions.add_parser("dismiss", parents=[common], help="đánh dấu «không phải nhiệm vụ»")
    dismiss.add_argument("key")
    added = actions.add_parser("add", parents=[common], help="thêm một nhiệm vụ bằng tay (theo dõi ngay)")
    added.add_argument("--doc", required=True, help="số hiệu văn bản giao nhiệm vụ")
    added.add_argument("--action", required=True, help="nội dung nhiệm vụ")
    added.add_argument("--due", required=True, type=parse_day, help="hạn: YYYY-MM-DD hoặc DD/MM/YYYY")
    added.add_argument("--lead", nargs="+", required=True, metavar="MÃ", help="đơn vị chủ trì")
    added.add_argument("--with", dest="coordinate", nargs="+", default=[], metavar="MÃ",
                       help="đơn vị phối hợp")


def tasks_cli(settings: "Settings", args: argparse.Namespace) -> int:
    from bot.db.engine import shared_engine

    engine = shared_engine(settings.database_url)
    try:
        register = TaskRegister(engine, settings)
        register.sync()
        action = {"list": _list, "track": _track, "assign": _assign, "dismiss": _dismiss,
                  "add": _add}[args.tasks_command]
        return action(register, args, Outbox(engine))
    except TaskError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        engine.dispose()


def _today() -> date:
    return datetime.now(VIETNAM).date()


def _list(register: TaskRegister, args: argparse.Namespace, outbox: Outbox) -> int:
    status = TaskStatus(args.status) if args.status else None
    unit_id = None
    if args.unit:
        [unit_id] = register.unit_ids([args.unit])
    sources = [register.document(args.doc).source] if args.doc else None
    records = register.store.records(status=status, sources=sources, unit_id=unit_id)
    units = register.units()
    today = _today()
    if args.json:
        for record in records:
            print(json.dumps(task_json(record, units, today), ensure_ascii=False))
        return 0
    if not records:
        print("Không có nhiệm vụ nào khớp.")
        return 0
    for doc in by_document(records):
        print(f"{doc.doc_number or doc.source}: {len(doc.tasks)} nhiệm vụ")
        for record in doc.tasks:
            print("  " + task_line(record, units, today))
    return 0


def task_json(record: TaskRecord, units: dict[int, "UnitInfo"], today: date) -> dict[str, object]:
    """One line of `tasks list --json` (the documented contract)."""
    deadline = record.deadline
    due = deadline.due if deadline.recurrence is None else deadline.next_due(today)
    return {"key": record.key, "doc_number": record.doc_number, "source": record.source,
            "section": record.section, "quote": record.quote, "action": record.action, "actor": record.actor,
            "lead": [units[u].code for u in record.lead if u in units],
            "coordinate": [units[u].code for u in record.coordinate if u in units],
            "deadline_text": deadline.text, "due": due.isoformat() if due else None,
            "recurrence": deadline.recurrence, "status": record.status.value}


def task_line(record: TaskRecord, units: dict[int, "UnitInfo"], today: date) -> str:
    """«[key] đang theo dõi — Gửi báo cáo … — hạn 31/03/2026 — chủ trì SNV; phối hợp STC»."""
    lead = ", ".join(units[u].code for u in record.lead if u in units)
    coordinate = ", ".join(units[u].code for u in record.coordinate if u in units)
    who = f"chủ trì {lead}" if lead else f"chưa giao ({record.actor or 'văn bản không nêu đơn vị'})"
    who += f"; phối hợp {coordinate}" if coordinate else ""
    manual = ", thêm bằng tay" if record.manual else ""
    return (f"[{record.key}] {STATUS_NAMES[record.status]}{manual} — {record.action[:160]} — "
            f"hạn {due_text(record.deadline, today)} — {who}")


def _track(register: TaskRegister, args: argparse.Namespace, outbox: Outbox) -> int:
    if not args.target:
        if not args.all:
            print("Ghi số hiệu văn bản (hoặc mã nhiệm vụ), hoặc --all để theo dõi mọi đề xuất.", file=sys.stderr)
            return 2
        keys = [r.key for r in register.store.records(status=TaskStatus.PROPOSED)]
        moved = register.track(keys, by=None, channel=CHANNEL) if keys else []
        print(f"Đã theo dõi {len(moved)} nhiệm vụ đề xuất của mọi văn bản.")
    elif register.store.get(args.target) is not None:
        moved = register.track([args.target], by=None, channel=CHANNEL)
        print(f"Đã theo dõi nhiệm vụ {args.target}." if moved else f"Nhiệm vụ {args.target} đã được theo dõi từ trước.")
    else:
        doc, moved = register.track_document(args.target, by=None, channel=CHANNEL, everything=args.all)
        print(f"{doc.doc_number or doc.source}: theo dõi thêm {len(moved)} nhiệm vụ.")
    sent = register.announce_tracking(outbox, moved, _today())
    if sent:
        print(f"Đã xếp {sent} tin báo nhiệm vụ cho cán bộ các đơn vị được giao (bot đang chạy sẽ gửi).")
    return 0


def _assign(register: TaskRegister, args: argparse.Namespace, outbox: Outbox) -> int:
    record = register.assign(args.key, args.lead, args.coordinate, by=None, channel=CHANNEL)
    print(task_line(record, register.units(), _today()))
    return 0


def _dismiss(register: TaskRegister, args: argparse.Namespace, outbox: Outbox) -> int:
    record = register.dismiss(args.key, by=None, channel=CHANNEL)
    print(f"Đã đánh dấu «không phải nhiệm vụ»: {record.action[:160]}. Báo cáo đã gửi về việc này vẫn được giữ.")
    return 0


def _add(register: TaskRegister, args: argparse.Namespace, outbox: Outbox) -> int:
    record = register.add(args.doc, args.action, args.due, args.lead, args.coordinate, by=None, channel=CHANNEL)
    print("Đã thêm và theo dõi: " + task_line(record, register.units(), _today()))
    register.announce_tracking(outbox, [record.key], _today())
    return 0
