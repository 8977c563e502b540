"""Speed of the secretariat's summary and export over 500 units × 50 obligations × 10 reports.

Seeds 250,000 report rows (bulk inserts) into a fresh SQLite file and a fresh PostgreSQL schema,
then prints, per backend, medians of several runs of:
  - the summary query (latest report of every unit on every obligation: one GROUP BY statement),
  - the whole /tonghop summary (query + tracked obligations + text) and its chart,
  - two baselines measured in the same run: a plain `SELECT count(*)` scan of the reports, and the
    naive way (one query per unit, latest picked in Python),
  - the export of every report to XLSX and to CSV (one run each; file sizes),
  - the summary query again with a covering index on (obligation_key, due_date, unit_id, id,
    submitted_at), which the shipped schema does not have (what a migration adding it would buy).

    .venv/bin/python bench/summary_speed.py [--units 500] [--obligations 50] [--reports 10]
        [--runs 5] [--backends sqlite,postgresql]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, func, insert, select, text  # noqa: E402

from bot.db import report_views as views  # noqa: E402
from bot.db.engine import connect, normalise_url  # noqa: E402
from bot.db.facts import FactStore  # noqa: E402
from bot.db.models.people import Official, Unit  # noqa: E402
from bot.db.models.reports import Report  # noqa: E402
from bot.db.people import PeopleStore  # noqa: E402
from bot.facts.model import Deadline, DeadlineKind, DocumentFacts, Obligation  # noqa: E402
from bot.ingestion.document import DocumentMeta  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.db.tasks import TaskStatus, TaskStore  # noqa: E402
from bot.services.obligations import tracked_obligations  # noqa: E402
from bot.services.tasks import TaskRegister  # noqa: E402
from bot.services.exports import export_bytes  # noqa: E402
from bot.services.summary import build_summary, chart_png, summary_text  # noqa: E402

TODAY = date(2026, 6, 1)
PAST_DAYS = 60
STATUSES = ("not_started", "in_progress", "done")
BATCH = 10_000
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def seed(engine: Engine, n_units: int, n_obligations: int, per_pair: int) -> tuple[FactStore, int]:
    """Tasks in one document, tracked for every unit; units with one official each, and the
    reports (bulk)."""
    facts = FactStore(engine)
    PeopleStore(engine).import_units((f"DV{i:04d}", f"Đơn vị số {i}") for i in range(n_units))
    obligations = tuple(
        Obligation(action=f"thực hiện nhiệm vụ số {i + 1} của kế hoạch", quote=f"Nhiệm vụ {i + 1}.",
                   section=f"II.{i + 1}", deadline=Deadline(DeadlineKind.ABSOLUTE, f"trước ngày {i}",
                                                             due=TODAY + timedelta(days=i - n_obligations // 2)))
        for i in range(n_obligations))
    facts.replace_document("kh-bench.txt", DocumentMeta(doc_number="99/KH-UBND", doc_type="kế hoạch"), "h",
                           DocumentFacts(obligations=obligations))
    track_for_every_unit(engine)
    tracked = tracked_obligations(TaskStore(engine), TODAY, PAST_DAYS)
    with engine.begin() as connection:
        units = list(connection.scalars(select(Unit.id).order_by(Unit.id)))
        connection.execute(insert(Official), [{"name": f"Cán bộ {u}", "unit_id": u, "role": "reporter",
                                               "active": True, "created_at": datetime.now(UTC)} for u in units])
        officials = dict(connection.execute(select(Official.unit_id, Official.id)).all())
    rows, next_id = [], 1
    with engine.begin() as connection:
        for unit in units:
            for o in tracked:
                previous = None
                for k in range(per_pair):
                    at = datetime.combine(o.due, datetime.min.time(), UTC) - timedelta(days=per_pair - k)
                    rows.append({"id": next_id, "unit_id": unit, "official_id": officials[unit],
                                 "channel": "telegram", "obligation_key": o.key, "title": o.title(),
                                 "doc_number": o.doc_number, "due_date": o.due,
                                 "status": STATUSES[(unit + k) % 3], "percent": (10 * k) % 101,
                                 "text": f"Đã hoàn thành tập huấn cho {10 * k}% cán bộ", "attachment_name": None,
                                 "corrects_id": previous, "submitted_at": at,
                                 "submission_token": uuid.uuid4().hex})
                    previous, next_id = next_id, next_id + 1
                    if len(rows) >= BATCH:
                        connection.execute(insert(Report), rows)
                        rows = []
        if rows:
            connection.execute(insert(Report), rows)
        connection.execute(text("ANALYZE"))
    return facts, next_id - 1


def median_seconds(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def naive_latest(engine: Engine, occurrences: list[tuple[str, date]]) -> int:
    """The per-unit loop the summary avoids: one query per unit for the same facts (latest
    status and percent, first submission, count), picked in Python."""
    found = 0
    wanted = set(occurrences)
    r = Report
    with engine.connect() as connection:
        for unit in connection.scalars(select(Unit.id)).all():
            latest: dict[tuple[str, date], list] = {}
            stmt = (select(r.id, r.obligation_key, r.due_date, r.status, r.percent, r.submitted_at)
                    .where(r.unit_id == unit).order_by(r.id))
            for report_id, key, due, status, percent, at in connection.execute(stmt):
                if (key, due) in wanted:
                    seen = latest.get((key, due))
                    first, n = (seen[3], seen[4] + 1) if seen else (at, 1)
                    latest[(key, due)] = [report_id, status, percent, first, n]
            found += len(latest)
    return found


def track_for_every_unit(engine: Engine) -> None:
    """The register's proposals accepted, each task assigned to every unit (the worst case)."""
    register = TaskRegister(engine, load_settings(environ={}))
    register.sync()
    units = [u.id for u in register.people.units()]
    records = register.store.records()
    for record in records:
        register.store.assign(record.key, units, (), by=None)
    register.store.set_status([r.key for r in records], TaskStatus.TRACKED, by=None)


def show(label: str, value: str) -> None:
    print(f"  {label:<52}{value}", flush=True)


def measure(name: str, engine: Engine, args: argparse.Namespace) -> None:
    started = time.perf_counter()
    facts, total = seed(engine, args.units, args.obligations, args.reports)
    seeded = time.perf_counter() - started
    tracked = tracked_obligations(TaskStore(engine), TODAY, PAST_DAYS)
    occurrences = [(o.key, o.due) for o in tracked]
    current = views.current_reports(engine, occurrences)
    assert len(current) == args.units * len(tracked), (len(current), args.units, len(tracked))
    assert naive_latest(engine, occurrences) == len(current)

    def count_scan() -> int:
        with engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(Report)) or 0)

    def full_scan() -> object:
        with engine.connect() as connection:
            return connection.scalar(select(func.max(Report.percent)))

    query = median_seconds(lambda: views.current_reports(engine, occurrences), args.runs)
    scan = median_seconds(count_scan, args.runs)
    full = median_seconds(full_scan, args.runs)
    naive = median_seconds(lambda: naive_latest(engine, occurrences), max(1, args.runs // 2))
    summary = build_summary(engine, facts, TODAY, PAST_DAYS)
    chart_png(summary)  # warm-up: matplotlib's import and font loading are paid once per process
    whole = median_seconds(lambda: summary_text(build_summary(engine, facts, TODAY, PAST_DAYS)), args.runs)
    chart = median_seconds(lambda: chart_png(summary), max(1, args.runs // 2))
    exports = {}
    for fmt in ("xlsx", "csv"):
        started = time.perf_counter()
        content, stats = export_bytes(engine, fmt, None)
        exports[fmt] = (time.perf_counter() - started, len(content), stats.reports)
        assert stats.reports == total
    with engine.begin() as connection:
        connection.execute(text("CREATE INDEX ix_bench_reports_occurrence "
                                "ON reports (obligation_key, due_date, unit_id, id, submitted_at)"))
        connection.execute(text("ANALYZE"))
    indexed = median_seconds(lambda: views.current_reports(engine, occurrences), args.runs)

    print(f"\n== {name}: {args.units} đơn vị × {len(tracked)} nội dung × {args.reports} báo cáo = "
          f"{total:,} dòng (nạp {seeded:.1f} s)")
    show("truy vấn tổng hợp (GROUP BY, 1 câu)", f"{query * 1000:8.1f} ms  (trung vị {args.runs} lần)")
    show("mốc: SELECT count(*) FROM reports",
         f"{scan * 1000:8.1f} ms  → tổng hợp = {query / scan:.1f}× lần đếm")
    show("mốc: SELECT max(percent) (quét cả bảng)",
         f"{full * 1000:8.1f} ms  → tổng hợp = {query / full:.1f}× lần quét")
    show(f"mốc: từng đơn vị một ({args.units} câu)",
         f"{naive * 1000:8.1f} ms  → tổng hợp nhanh hơn {naive / query:.1f}×")
    show("/tonghop trọn vẹn (truy vấn + chữ)", f"{whole * 1000:8.1f} ms")
    show("biểu đồ PNG", f"{chart * 1000:8.1f} ms")
    for fmt, (seconds, size, rows) in exports.items():
        show(f"xuất {fmt.upper()} {rows:,} dòng", f"{seconds:8.2f} s   ({size / 1e6:.1f} MB)")
    show("tổng hợp nếu có chỉ mục phủ (key, due, unit, id, …)",
         f"{indexed * 1000:8.1f} ms  ({query / indexed:.1f}× so với hiện nay)")


@contextmanager
def sqlite_engine() -> Iterator[Engine]:
    with tempfile.TemporaryDirectory() as folder:
        engine = connect(f"sqlite:///{folder}/bench.db")
        try:
            yield engine
        finally:
            engine.dispose()


@contextmanager
def postgres_engine() -> Iterator[Engine]:
    """A schema of its own on the local test server, dropped afterwards."""
    import psycopg

    url = normalise_url(os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG)
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(libpq, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            options = dict(url.query, options=f"-csearch_path={schema}")
            engine = connect(url.update_query_dict(options).render_as_string(hide_password=False))
            try:
                yield engine
            finally:
                engine.dispose()
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--obligations", type=int, default=50)
    parser.add_argument("--reports", type=int, default=10, help="reports per unit and obligation")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    backends = {"sqlite": sqlite_engine, "postgresql": postgres_engine}
    for name in args.backends.split(","):
        with backends[name]() as engine:
            measure(name, engine, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
