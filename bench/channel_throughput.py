"""Telegram channel end to end against the bare core, in the same run.

The bot runs as it does in production (`python -m bot telegram`, a separate process, the real
model) against a fake Bot API server on 127.0.0.1 started here; 50 simulated users each ask
questions one after another (a closed loop). The same questions go through the bare core
(`Assistant.handle` in this process, 50 threads). Printed: questions/s and p50/p95 reply latency
of both, the channel's added latency, and the running bot's resident memory.

    .venv/bin/python bench/channel_throughput.py [--store DIR] [--users 50] [--rounds 3]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import app  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.core.messages import TELEGRAM, Incoming, Sender  # noqa: E402
from tests.fakes.telegram_server import FakeTelegram  # noqa: E402

QUESTIONS = [json.loads(line)["question"] for line in
             (ROOT / "bench" / "data" / "answer_questions.jsonl").read_text(encoding="utf-8").splitlines()]
# Throughput is measured without the per-person and concurrency limits (bench/flood.py measures those).
UNLIMITED = {"access__messages_per_minute": 100_000, "access__questions_per_minute": 100_000,
             "access__concurrent_questions": 64}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[int(share * (len(ordered) - 1))]


def bare_core(store: Path, users: int, rounds: int) -> tuple[float, list[float]]:
    assistant = app.assistant(load_settings(None, paths__store=store, **UNLIMITED))
    assistant.handle(Incoming(TELEGRAM, "warm", Sender("0"), text="khởi động"))

    def user(n: int) -> list[float]:
        times = []
        for r in range(rounds):
            started = time.perf_counter()
            assistant.handle(Incoming(TELEGRAM, f"core-{n}", Sender(str(n)),
                                      text=QUESTIONS[(n + r) % len(QUESTIONS)]))
            times.append(1000 * (time.perf_counter() - started))
        return times

    started = time.perf_counter()
    with ThreadPoolExecutor(users) as pool:
        latencies = [t for times in pool.map(user, range(users)) for t in times]
    return len(latencies) / (time.perf_counter() - started), latencies


async def channel(store: Path, users: int, rounds: int) -> tuple[float, list[float], int]:
    fake = FakeTelegram(strict_chats=False)
    await fake.start()
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_BASE_URL": fake.base_url,
           **{f"ASSISTANT__{key.upper()}": str(value) for key, value in UNLIMITED.items()}}
    env.pop("TELEGRAM_WEBHOOK_SECRET", None)
    bot = subprocess.Popen([sys.executable, "-m", "bot", "telegram", "--store", str(store)], cwd=ROOT,
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        await fake.wait_until_polling(timeout=300)
        await fake.send_text(1, "khởi động")  # the model loads on the first question
        await fake.wait_for_messages(1, 1, timeout=300)

        async def user(n: int) -> list[float]:
            chat, times = 1000 + n, []
            for r in range(rounds):
                before = len(fake.messages_to(chat))
                started = time.perf_counter()
                await fake.send_text(chat, QUESTIONS[(n + r) % len(QUESTIONS)])
                await fake.wait_for_messages(chat, before + 1, timeout=120)
                times.append(1000 * (time.perf_counter() - started))
            return times

        started = time.perf_counter()
        results = await asyncio.gather(*(user(n) for n in range(users)))
        elapsed = time.perf_counter() - started
        rss = resident_mib(bot.pid)
    finally:
        bot.terminate()
        try:
            bot.wait(timeout=30)
        except subprocess.TimeoutExpired:
            bot.kill()
        await fake.stop()
    latencies = [t for times in results for t in times]
    return len(latencies) / elapsed, latencies, rss


def resident_mib(pid: int) -> int:
    """Peak resident memory (VmHWM) of a running process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return -1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=Path, default=ROOT / "bench" / "out" / "knowledge-store")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    store = args.store.resolve()
    if not (store / "chroma").exists():
        sys.exit(f"no store at {store}: run bench/answer_quality.py first (it builds it)")

    core_qps, core = bare_core(store, args.users, args.rounds)
    tg_qps, tg, rss = asyncio.run(channel(store, args.users, args.rounds))
    print(f"{args.users} users × {args.rounds} questions")
    print(f"bare core   {core_qps:6.1f} q/s   p50 {statistics.median(core):7.0f} ms   p95 {percentile(core, .95):7.0f} ms")
    print(f"telegram    {tg_qps:6.1f} q/s   p50 {statistics.median(tg):7.0f} ms   p95 {percentile(tg, .95):7.0f} ms")
    added = percentile(tg, .95) / percentile(core, .95) - 1
    print(f"channel adds {added:+.0%} to p95 latency (target <= +20%); "
          f"throughput ratio {tg_qps / core_qps:.2f}")
    print(f"running bot peak resident memory: {rss} MiB (target <= 1536)")


if __name__ == "__main__":
    main()
