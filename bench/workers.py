"""Several delivery processes on one database: throughput and hand-over, beside one process.

The world of tests/test_workers.py: messages queued in the outbox (private chats × 3 each and
groups × 20 each), `python -m bot deliver --until-empty` processes against a fake Bot API in this
process that enforces the same limits with 429s (Telegram's by default: 30/s, 1/s per chat,
20/min per group), `delivery.lease_s` 5. Scenarios, each on a fresh database:

- baseline: one process;
- killed: three processes, the delivery leader SIGKILLed after a third of the messages;
- frozen: three processes, the leader SIGSTOPped after a third (alive, so only the lease's
  expiry hands over) and resumed once its successor has sent 100 more.

Reported per scenario: messages/s (first to last send, the hand-over gap included) and its
share of the limit, wall time with start-ups, the stop to the successor's first send, the
server's 429s, duplicates (only messages in flight at the stop may repeat), losses, the fake's
limit checks, and how many processes sent.

    .venv/bin/python bench/workers.py [--messages 3000] [--per-second 30] [--in-flight N]
                                      [--database postgresql|sqlite] [--only baseline|killed|frozen]
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import DEFAULT_TEST_DATABASE_URL  # noqa: E402
from tests.test_workers import LEASE_S, Run, run_workers  # noqa: E402

PER_CHAT, PER_GROUP = 3, 20


@contextlib.contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    """A fresh SQLite file, or a PostgreSQL schema of its own (dropped afterwards)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / f'{uuid.uuid4().hex[:8]}.db'}"
        return
    import psycopg

    from bot.db.engine import normalise_url

    url = normalise_url(os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
                        or DEFAULT_TEST_DATABASE_URL)
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield url.update_query_dict({**url.query, "options": f"-csearch_path={schema}"}) \
                .render_as_string(hide_password=False)
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def row(name: str, run: Run) -> str:
    handover = "—" if run.handover_s is None else f"{run.handover_s:.2f}"
    checks = "clean" if not run.violations else "; ".join(run.violations[:3])
    return (f"{name:<30} {run.processes:>3} {run.messages:>6} {run.rate:>7.1f} {run.rate / run.per_second:>6.0%} "
            f"{run.wall_s:>7.1f} {handover:>10} {run.throttled:>5} {len(run.duplicates):>5} {len(run.lost):>5} "
            f"{len(run.sender_pids):>7}  {checks}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--per-second", type=float, default=30.0, help="the limit, on both sides")
    parser.add_argument("--in-flight", type=int, help="delivery.in_flight (default: config.yaml's)")
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--only", choices=["baseline", "killed", "frozen"], action="append",
                        help="run only these scenarios")
    args = parser.parse_args()
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    groups = max(1, args.messages // 200)
    chats = (args.messages - groups * PER_GROUP) // PER_CHAT
    world = {"chats": chats, "per_chat": PER_CHAT, "groups": groups, "per_group": PER_GROUP,
             "per_second": args.per_second, "in_flight": args.in_flight}
    third = (chats * PER_CHAT + groups * PER_GROUP) // 3
    scenarios = {
        "baseline: 1 process": {"processes": 1},
        "killed: 3, leader SIGKILL": {"processes": 3, "kill_after": third},
        "frozen: 3, leader SIGSTOP": {"processes": 3, "kill_after": third, "stop_signal": signal.SIGSTOP},
    }
    chosen = {name: options for name, options in scenarios.items()
              if not args.only or name.split(":")[0] in args.only}
    folder = Path(tempfile.mkdtemp(prefix="bench-workers-"))
    print(f"{args.database}, limit {args.per_second:g}/s, 1/s per chat, {PER_GROUP}/min per group, "
          f"lease_s {LEASE_S}, in_flight {args.in_flight or 'as configured'}; "
          f"{chats} chats × {PER_CHAT} + {groups} groups × {PER_GROUP}")
    print(f"{'scenario':<30} {'procs':>3} {'msgs':>6} {'msg/s':>7} {'limit':>6} {'wall s':>7} "
          f"{'handover s':>10} {'429':>5} {'dupl':>5} {'lost':>5} {'senders':>7}  limit checks")
    for name, options in chosen.items():
        with database(args.database, folder) as url:
            run = await run_workers(url, folder / "store", **world, **options,  # type: ignore[arg-type]
                                    timeout=120 + 5 * args.messages / args.per_second)
        print(row(name, run), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
