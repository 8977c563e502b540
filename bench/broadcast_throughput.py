"""Broadcast throughput at Telegram's real limits, with a kill and a restart midway.

A fake Bot API (tests/fakes/telegram_server.py, enforcing 30 messages/s overall, 1/s per chat,
20/min per group with 429s) runs in this process; `python -m bot deliver --until-empty` runs as
a child process over a fresh SQLite database (or DATABASE_URL) holding one broadcast to N
officials. The child is SIGKILLed when about half is sent and started again. Reported: achieved
messages/s as a ratio to the 30/s limit (while a sender runs), duplicates, losses, the fake's
limit checks, and the time from the restart to the first new send.

    .venv/bin/python bench/broadcast_throughput.py [--messages 5000] [--kill-at 0.5]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, insert  # noqa: E402

from bot.db.models.people import Identity, Official, Unit  # noqa: E402
from bot.services.broadcasts import plan_broadcast  # noqa: E402
from bot.db.engine import connect  # noqa: E402
from bot.db.outbox import Outbox  # noqa: E402
from bot.db.people import PeopleStore  # noqa: E402
from tests.fakes.telegram_server import FakeTelegram, RateLimits  # noqa: E402

LIMIT = 30.0
FIRST_CHAT = 100_000


def seed(engine: Engine, count: int) -> None:
    """`count` officials, each with a private Telegram chat."""
    with engine.begin() as connection:
        unit = connection.execute(insert(Unit).values(code="BENCH", name="Đơn vị thử")
                                  .returning(Unit.id)).scalar_one()
        ids = connection.execute(insert(Official).returning(Official.id, sort_by_parameter_order=True),
                                 [{"name": f"Cán bộ {i}", "unit_id": unit, "role": "reader", "active": True}
                                  for i in range(count)]).scalars().all()
        connection.execute(insert(Identity), [{"channel": "telegram", "user_id": str(FIRST_CHAT + i),
                                               "official_id": oid, "chat_id": str(FIRST_CHAT + i)}
                                                for i, oid in enumerate(ids)])


async def start_sender(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "deliver", "--until-empty", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)


def rate(times: list[float]) -> float:
    """Messages per second between the first and the last send."""
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 and times[-1] > times[0] else 0.0


async def run(messages: int, kill_at: float, database_url: str | None) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="bench-broadcast-"))
    url = database_url or f"sqlite:///{folder / 'bench.db'}"
    engine = connect(url)
    seed(engine, messages)
    broadcast_id, planned = plan_broadcast(Outbox(engine), PeopleStore(engine), "Thông báo thử tải.", "all")
    assert planned == messages
    async with FakeTelegram(limits=RateLimits()) as tg:
        for i in range(messages):
            tg.register_chat(FIRST_CHAT + i)
        env = {**os.environ, "DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": tg.token, "TELEGRAM_BASE_URL": tg.base_url,
               "ASSISTANT__PATHS__STORE": str(folder / "store"), "PYTHONUNBUFFERED": "1"}
        env.pop("ZALO_BOT_TOKEN", None)

        def sends() -> list[float]:
            return tg.send_times()

        started = time.monotonic()
        first = await start_sender(env)
        await tg.wait_until(lambda: len(sends()) >= int(messages * kill_at), messages / 10, "the kill point")
        first.send_signal(signal.SIGKILL)
        await first.wait()
        before_kill = sends()
        restarted = time.monotonic()
        second = await start_sender(env)
        await tg.wait_until(lambda: any(t > restarted for t in sends()), 60, "a send after the restart")
        resumed = min(t for t in sends() if t > restarted)
        _, err = await asyncio.wait_for(second.communicate(), messages / 10 + 120)
        finished = time.monotonic()
        if second.returncode != 0:
            raise SystemExit(f"the restarted sender failed: {err.decode()[-2000:]}")
        after = [t for t in sends() if t > restarted]
        received = Counter(c.params.get("chat_id") for c in tg._sends())
        report = tg.rate_report()
        throttled = len([c for c in tg.calls_of("sendMessage") if c.status == 429])
    counts = Outbox(engine).counts(broadcast_id)
    engine.dispose()
    sending_time = (before_kill[-1] - before_kill[0]) + (after[-1] - after[0])
    return {
        "messages": messages,
        "database": engine.dialect.name,
        "rate_first_run_per_s": round(rate(before_kill), 2),
        "rate_after_restart_per_s": round(rate(after), 2),
        "rate_while_sending_per_s": round((len(before_kill) + len(after) - 2) / sending_time, 2),
        "ratio_to_limit": round((len(before_kill) + len(after) - 2) / sending_time / LIMIT, 3),
        "wall_time_s": round(finished - started, 1),
        "duplicates": sum(n - 1 for n in received.values() if n > 1),
        "losses": messages - len(received),
        "limit_violations": report.violations(),
        "peak_overall_per_s": report.peak_overall_per_second,
        "server_429s": throttled,
        "killed_after_sends": len(before_kill),
        "resume_s_restart_to_first_send": round(resumed - restarted, 2),
        "outbox": counts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--kill-at", type=float, default=0.5, help="share sent before the kill")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="default: a fresh SQLite file")
    args = parser.parse_args()
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    result = asyncio.run(run(args.messages, args.kill_at, args.database_url))
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
