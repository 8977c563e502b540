"""Twenty senders flood questions at the running Telegram bot while an admin runs /tonghop.

The bot runs as in production (`python -m bot telegram`, its own process, the real model) against
the fake Bot API server on 127.0.0.1, over a copy of the store's database with the example units.
First a few questions alone and the admin's /tonghop alone (the baseline, measured in the same
run), then /tonghop again while 20 senders each fire `--burst` questions without waiting for
answers. Printed: the admin's p50/p95/max idle and under the flood and the p95 ratio (target:
within 2× idle), how long a question alone took, what the flooders got (answers, the wait
message, «đang bận», nothing), and whether the bot stayed up with no failed update. Questions are answered in a process of their own (`answers.separate_process`, the
default); `--in-process` runs the flood once more with them answered in the bot's process, to
show what that buys. `--unprotected` runs it once more with the per-person and concurrency
limits lifted, to show what they buy.

    .venv/bin/python bench/flood.py [--store DIR] [--senders 20] [--burst 30] [--rounds 10]
                                    [--in-process] [--unprotected]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.assistant import BUSY, SLOW_DOWN_MESSAGES, SLOW_DOWN_QUESTIONS  # noqa: E402
from bot.core.replies import APOLOGY  # noqa: E402
from tests.fakes.telegram_server import FakeTelegram  # noqa: E402

ADMIN = 1
QUESTIONS = [json.loads(line)["question"] for line in
             (ROOT / "bench" / "data" / "answer_questions.jsonl").read_text(encoding="utf-8").splitlines()]
UNLIMITED = {"ASSISTANT__ACCESS__MESSAGES_PER_MINUTE": "100000", "ASSISTANT__ACCESS__QUESTIONS_PER_MINUTE": "100000",
             "ASSISTANT__ACCESS__CONCURRENT_QUESTIONS": "64"}
IN_PROCESS = {"ASSISTANT__ANSWERS__SEPARATE_PROCESS": "false"}
ANNOUNCEMENT = "📄 Văn bản mới"  # bot.features.task_register: a new document's tasks, to every admin


@dataclass
class Run:
    asked: list[float]  # a question alone, before the flood: how long its answer took, ms
    idle: list[float]
    flooded: list[float]
    replies: Counter[str]
    sent: int
    alive: bool
    failures: list[str]  # error lines of the bot's log


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[int(share * (len(ordered) - 1))]


def prepare_store(store: Path) -> None:
    """The shipped knowledge ingested with the real model (once; re-runs reuse it)."""
    if (store / "chroma").exists():
        return
    subprocess.run([sys.executable, "ingest.py", "--knowledge", "knowledge", "--store", str(store)], cwd=ROOT,
                   check=False)


def fresh_database(store: Path, folder: Path, name: str) -> str:
    """A copy of the store's database (facts), with the example units: each run starts with no
    counters, reports or questions of an earlier one. A file of its own for each run: copied over
    the last run's, it would meet that run's write-ahead log and read as corrupt."""
    copy = folder / f"{name}.db"
    shutil.copy(store / "assistant.db", copy)
    url = f"sqlite:///{copy}"
    subprocess.run([sys.executable, "-m", "bot", "units", "import", "units.example.csv", "--store", str(store)],
                   cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, check=True, stdout=subprocess.DEVNULL)
    return url


def kind_of(text: str) -> str:
    if text.startswith(SLOW_DOWN_QUESTIONS.split(":")[0]):
        return "chờ (hỏi nhanh quá)"
    if text.startswith(SLOW_DOWN_MESSAGES.split(".")[0]):
        return "chờ (gửi tin nhanh quá)"
    if text == BUSY:
        return "đang bận"
    if text == APOLOGY:
        return "lời xin lỗi (lỗi)"
    return "câu trả lời"


def to_admin(fake: FakeTelegram) -> int:
    """Messages the admin got in answer to what they sent: not the new documents' announcements
    («📄 Văn bản mới …»), which the bot sends every admin on its own, whenever its background
    delivers them — counted, they would end a round before its summary came."""
    return sum(1 for m in fake.messages_to(ADMIN) if not (m.text or "").startswith(ANNOUNCEMENT))


async def admin_replies(fake: FakeTelegram, count: int) -> None:
    await fake.wait_until(lambda: to_admin(fake) >= count, 300, f"{count} replies to the admin")


async def admin_rounds(fake: FakeTelegram, rounds: int, per_summary: int) -> list[float]:
    """The admin sends /tonghop `rounds` times, each after the last is fully answered; ms each."""
    times = []
    for _ in range(rounds):
        before = to_admin(fake)
        started = time.perf_counter()
        await fake.send_text(ADMIN, "/tonghop")
        await admin_replies(fake, before + per_summary)
        times.append(1000 * (time.perf_counter() - started))
    return times


async def question_rounds(fake: FakeTelegram, rounds: int) -> list[float]:
    """`rounds` people each ask one question, one after the other; ms until each answer."""
    times = []
    for i in range(rounds):
        started = time.perf_counter()
        await fake.send_text(3000 + i, QUESTIONS[i % len(QUESTIONS)])
        await fake.wait_for_messages(3000 + i, 1, timeout=300)
        times.append(1000 * (time.perf_counter() - started))
    return times


async def settle(fake: FakeTelegram, quiet_s: float = 3.0, timeout: float = 600) -> None:
    """Wait until the bot has taken every update and sent nothing for `quiet_s`."""
    deadline = time.monotonic() + timeout
    last = -1
    while time.monotonic() < deadline:
        total = sum(len(v) for v in fake.messages.values())
        if total == last and not fake.pending_updates:
            return
        last = total
        await asyncio.sleep(quiet_s)


async def run(store: Path, database_url: str, senders: int, burst: int, rounds: int, extra_env: dict[str, str],
              log_path: Path) -> Run:
    fake = FakeTelegram(strict_chats=False)
    await fake.start()
    env = {**os.environ, **extra_env, "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_BASE_URL": fake.base_url,
           "DATABASE_URL": database_url, "ASSISTANT__ACCESS__ADMINS": f'["telegram:{ADMIN}"]'}
    env.pop("TELEGRAM_WEBHOOK_SECRET", None)
    with log_path.open("w") as log:
        bot = subprocess.Popen([sys.executable, "-m", "bot", "telegram", "--store", str(store)], cwd=ROOT,
                               env=env, stdout=subprocess.DEVNULL, stderr=log, text=True)
        try:
            await fake.wait_until_polling(timeout=300)
            await fake.send_text(ADMIN, "khởi động")  # the first question (loads the model if not yet)
            await admin_replies(fake, 1)
            before = to_admin(fake)
            await fake.send_text(ADMIN, "/tonghop")  # warm-up: how many messages a summary is
            await admin_replies(fake, before + 1)
            await settle(fake, quiet_s=2.0)
            per_summary = to_admin(fake) - before
            asked = await question_rounds(fake, rounds)
            idle = await admin_rounds(fake, rounds, per_summary)

            async def flood(n: int) -> None:
                for i in range(burst):
                    await fake.send_text(2000 + n, QUESTIONS[(n + i) % len(QUESTIONS)])

            flooding = asyncio.gather(*(flood(n) for n in range(senders)))
            flooded = await admin_rounds(fake, rounds, per_summary)
            await flooding
            await settle(fake)
            alive = bot.poll() is None
        finally:
            bot.terminate()
            try:
                bot.wait(timeout=30)
            except subprocess.TimeoutExpired:
                bot.kill()
            await fake.stop()
    replies = Counter(kind_of(m.text or "") for n in range(senders) for m in fake.messages_to(2000 + n))
    failures = [line for line in log_path.read_text().splitlines()
                if (" failed: " in line or " ERROR " in line) and "graceful shutdown" not in line]
    return Run(asked, idle, flooded, replies, senders * burst, alive, failures)


def report(title: str, result: Run) -> None:
    idle95, flood95 = percentile(result.idle, .95), percentile(result.flooded, .95)
    print(title)
    for name, times, p95 in (("idle    ", result.idle, idle95), ("flooded ", result.flooded, flood95)):
        print(f"  admin /tonghop {name} p50 {statistics.median(times):7.0f} ms   p95 {p95:7.0f} ms   "
              f"max {max(times):7.0f} ms")
    print(f"  p95 ratio flooded/idle {flood95 / idle95:.2f} (target <= 2.00)")
    print(f"  a question alone (before the flood)  p50 {statistics.median(result.asked):7.0f} ms   "
          f"p95 {percentile(result.asked, .95):7.0f} ms")
    answered = sum(result.replies.values())
    got = ", ".join(f"{kind} {count}" for kind, count in result.replies.most_common())
    print(f"  flooders sent {result.sent} questions; replies: {got}; no reply {result.sent - answered}")
    print(f"  bot still running: {'yes' if result.alive else 'NO'}; errors in its log: {len(result.failures)}")
    for line in result.failures[:5]:
        print(f"    {line[:200]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=Path, default=ROOT / "bench" / "out" / "flood-store")
    parser.add_argument("--senders", type=int, default=20)
    parser.add_argument("--burst", type=int, default=30, help="questions each sender fires without waiting")
    parser.add_argument("--rounds", type=int, default=10, help="/tonghop runs, idle and under the flood")
    parser.add_argument("--in-process", action="store_true", help="also flood with questions answered in the "
                        "bot's own process")
    parser.add_argument("--unprotected", action="store_true", help="also flood with the limits lifted")
    args = parser.parse_args()
    store = args.store.resolve()
    prepare_store(store)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        print(f"{args.senders} senders × {args.burst} questions, {args.rounds} × /tonghop by the admin")
        result = asyncio.run(run(store, fresh_database(store, work, "flood"), args.senders, args.burst,
                                 args.rounds, {}, work / "bot.log"))
        report("with the limits (config.yaml), questions answered in a process of their own", result)
        if args.in_process:
            inline = asyncio.run(run(store, fresh_database(store, work, "in-process"), args.senders, args.burst,
                                     args.rounds, IN_PROCESS, work / "bot-in-process.log"))
            report("questions answered in the bot's process (answers.separate_process: false)", inline)
        if args.unprotected:
            lifted = asyncio.run(run(store, fresh_database(store, work, "unprotected"), args.senders, args.burst,
                                     args.rounds, UNLIMITED, work / "bot-unlimited.log"))
            report("limits lifted", lifted)


if __name__ == "__main__":
    main()
