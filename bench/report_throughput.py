"""Report submissions per second through the core, on SQLite and on PostgreSQL, in the same run.

For each backend, over the shipped knowledge (fake embedding, the SQL side is real):
- baseline: a bare INSERT of the same report row, one transaction per row (SQLAlchemy Core);
- `ReportStore.submit` (the idempotent insert with its token);
- the «Gửi» press through `Assistant.handle` (membership lookup, dialog, submit, dialog cleared,
  receipt), the dialog prepared at its last step;
- the whole /baocao dialog through `Assistant.handle`: 7 messages per report (command, obligation,
  status, percentage, text, «Bỏ qua», «Gửi»), each official of their own unit;
then the same three writes from 8 threads at once. Ratios are to the bare INSERT of the same
backend and concurrency. SQLite runs twice: with the application's synchronous=FULL (a commit
survives a power cut) and with NORMAL (survives only application crashes), and the run ends with
each line's FULL/NORMAL ratio: what durability costs.

    .venv/bin/python bench/report_throughput.py [--reports 200] [--threads 8] [--postgres URL]
"""
from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from bot.db import engine as engine_module  # noqa: E402
from bot.db.dialogs import DialogState  # noqa: E402
from bot.db.engine import normalise_url, writer  # noqa: E402
from bot.db.models import reports as m  # noqa: E402
from bot.db.reports import NewReport, ReportStore  # noqa: E402
from bot.core.messages import TELEGRAM, Incoming, Sender  # noqa: E402
from bot.features.report_flow import ReportFlow  # noqa: E402
from bot.db.report_status import Status  # noqa: E402
from tests.conftest import build_assistant, track_all  # noqa: E402  (the core over the knowledge, fake embedding)

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NOW = datetime(2026, 1, 15, 2, 0, tzinfo=UTC)
WARM = 16   # untimed operations before each measurement
SLICES = 5  # turns the measurements take
KEY, DUE = "5d83020f1dcdff60", date(2026, 3, 31)  # 0125/KH-UBND, «Gửi hồ sơ trình về Sở Nội vụ…»


@dataclass
class Figures:
    rates: dict[str, float]          # what → operations per second
    step_ms: float                   # mean milliseconds per message of the full dialog


@contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """A URL whose connections use a fresh schema, dropped afterwards."""
    import psycopg

    parsed = normalise_url(url)
    libpq = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(libpq, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield parsed.update_query_dict(dict(parsed.query, options=f"-csearch_path={schema}")).render_as_string(
                hide_password=False)
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def rates(count: int, works: dict[str, Callable[[int], object]], threads: int = 1) -> dict[str, float]:
    """Operations per second of each work(WARM..WARM+count-1), sequential or from `threads`
    threads, after WARM untimed ones (connections opened, statements cached). The works take
    turns slice by slice, so a change in the machine's load hits them all alike."""
    spent = dict.fromkeys(works, 0.0)
    size = max(1, count // SLICES)
    with ThreadPoolExecutor(threads) as pool:
        for work in works.values():
            list(pool.map(work, range(WARM)))
        for start in range(WARM, WARM + count, size):
            indices = range(start, min(start + size, WARM + count))
            for name, work in works.items():
                started = time.perf_counter()
                if threads == 1:
                    for i in indices:
                        work(i)
                else:
                    list(pool.map(work, indices))
                spent[name] += time.perf_counter() - started
    return {name: count / seconds for name, seconds in spent.items()}


def measure(database_url: str, reports: int, threads: int, *, synchronous: str | None = None) -> Figures:
    """The figures of one backend; `synchronous` overrides SQLite's setting for this run."""
    chosen = engine_module.SQLITE_SYNCHRONOUS
    if synchronous is not None:
        engine_module.SQLITE_SYNCHRONOUS = synchronous  # read by every new connection
    try:
        base = Path(tempfile.mkdtemp(prefix="report-bench-"))
        core = build_assistant(base, database_url=database_url, now=lambda: NOW)
        store = next(f for f in core.features if isinstance(f, ReportFlow)).store
        engine = store.engine
        try:
            if engine.dialect.name == "sqlite":
                with engine.connect() as connection:
                    level = connection.exec_driver_sql("PRAGMA synchronous").scalar()
                wanted = synchronous or chosen
                assert level == {"NORMAL": 1, "FULL": 2}[wanted], (level, wanted)
            return _measure(core, store, engine, reports, threads)
        finally:
            engine.dispose()
    finally:
        engine_module.SQLITE_SYNCHRONOUS = chosen


def _measure(core, store: ReportStore, engine, reports: int, threads: int) -> Figures:  # type: ignore[no-untyped-def]
    rounds = ["seq", "par"]
    # One unit and one official per simulated user, per round and kind of measurement.
    users = {(kind, r): _register(core, f"{kind}{r}", WARM + reports)
             for kind in ("row", "submit", "confirm", "dialog") for r in rounds}
    track_all(engine)  # reports are owed on tracked tasks assigned to the unit

    def row_values(official: tuple[int, int, str]) -> dict[str, object]:
        return {"unit_id": official[0], "official_id": official[1], "channel": "telegram",
                "obligation_key": KEY, "title": "Gửi hồ sơ trình về Sở Nội vụ", "doc_number": "0125/KH-UBND",
                "due_date": DUE, "status": "in_progress", "percent": 60, "text": "Đã hoàn thiện 6/10 hồ sơ.",
                "submitted_at": NOW, "submission_token": secrets.token_hex(16)}

    def bare(r: str) -> Callable[[int], object]:
        def work(i: int) -> None:
            with writer(engine).begin() as connection:
                connection.execute(insert(m.Report).values(**row_values(users["row", r][i])))
        return work

    def submit(r: str) -> Callable[[int], object]:
        def work(i: int) -> object:
            unit, official, _ = users["submit", r][i]
            report = NewReport(unit, official, "telegram", "Gửi hồ sơ trình về Sở Nội vụ", Status.IN_PROGRESS,
                               KEY, "0125/KH-UBND", DUE, 60, "Đã hoàn thiện 6/10 hồ sơ.")
            return store.submit(report, secrets.token_hex(16), NOW)
        return work

    def confirm(r: str) -> Callable[[int], object]:
        presses = []
        for unit, official, user in users["confirm", r]:
            token = secrets.token_hex(16)
            core.dialogs.save("telegram", user, user, DialogState("report", "confirm", {
                "token": token, "unit": unit, "official": official, "page": 0, "key": KEY,
                "title": "Gửi hồ sơ trình về Sở Nội vụ", "doc": "0125/KH-UBND", "due": DUE.isoformat(),
                "status": "in_progress", "percent": 60, "text": "Đã hoàn thiện 6/10 hồ sơ."}))
            presses.append(Incoming(TELEGRAM, user, Sender(user), button=f"rp:c:send:{token}"))

        def work(i: int) -> None:
            assert core.handle(presses[i])[0].text.startswith("Đã nhận báo cáo số")
        return work

    figures: dict[str, float] = {}
    for r, n in (("seq", 1), ("par", threads)):
        dialog_users = users["dialog", r]
        works = {"bare INSERT": bare(r), "ReportStore.submit": submit(r), "«Gửi» via core": confirm(r),
                 "full dialog via core": lambda i, people=dialog_users: _dialog(core, people[i][2])}
        figures |= {f"{name} ({r})": value for name, value in rates(reports, works, n).items()}
    step_ms = 1000 / figures["full dialog via core (seq)"] / 7
    return Figures(figures, step_ms)


def _register(core, prefix: str, count: int) -> list[tuple[int, int, str]]:  # type: ignore[no-untyped-def]
    """`count` units with one reporter each: (unit id, official id, messenger user id)."""
    core.people.import_units([(f"{prefix}{i}", f"Đơn vị {prefix} {i}") for i in range(count)])
    out = []
    for i in range(count):
        code = core.people.create_invite(f"{prefix}{i}", "reporter", now=NOW).code
        user = f"{prefix}-{i}"
        member = core.people.register("telegram", user, user, f"Cán bộ {i}", code, now=NOW)
        out.append((member.unit.id, member.official_id, user))
    return out


def _dialog(core, user: str) -> None:  # type: ignore[no-untyped-def]
    """One report as an official taps it on Telegram: 7 messages."""
    def send(**fields: object) -> list:  # type: ignore[type-arg]
        return core.handle(Incoming(TELEGRAM, user, Sender(user), **fields))  # type: ignore[arg-type]

    send(command="baocao")
    send(button=f"rp:o:{KEY}")
    send(button="rp:s:in_progress")
    send(text="60")
    send(text="Đã hoàn thiện 6/10 hồ sơ.")
    summary = send(button="rp:a:skip")
    token = next(b.data for row in summary[-1].buttons for b in row if b.data.startswith("rp:c:send:"))
    assert send(button=token)[0].text.startswith("Đã nhận báo cáo số")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=200, help="reports per measurement")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        sqlite = measure(f"sqlite:///{Path(folder) / 'bench.db'}", args.reports, args.threads,
                         synchronous="FULL")
        normal = measure(f"sqlite:///{Path(folder) / 'normal.db'}", args.reports, args.threads,
                         synchronous="NORMAL")
    with postgres_schema(args.postgres) as url:
        postgres = measure(url, args.reports, args.threads)

    print(f"Report submissions per second ({args.reports} per line; par = {args.threads} threads; "
          f"× = ratio to the bare INSERT of the same backend and concurrency)\n")
    print(f"{'':34}{'SQLite (WAL, FULL)':>22}{'PostgreSQL':>22}")
    for what in sqlite.rates:
        cells = []
        for figures in (sqlite, postgres):
            value = figures.rates[what]
            baseline = figures.rates[f"bare INSERT ({what.rsplit('(', 1)[1]}"]
            ratio = "" if what.startswith("bare") else f" ({value / baseline:.2f}×)"
            cells.append(f"{value:9.1f}/s{ratio:>11}")
        print(f"{what:34}{cells[0]:>22}{cells[1]:>22}")
    print(f"\nFull dialog, mean per message (seq): SQLite {sqlite.step_ms:.1f} ms, "
          f"PostgreSQL {postgres.step_ms:.1f} ms")
    print(f"\nSQLite synchronous=FULL (the application's) against NORMAL, same run "
          f"(ratio < 1: FULL is slower)\n")
    print(f"{'':34}{'FULL':>12}{'NORMAL':>12}{'FULL/NORMAL':>14}")
    for what, value in sqlite.rates.items():
        print(f"{what:34}{value:10.1f}/s{normal.rates[what]:10.1f}/s{value / normal.rates[what]:13.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
