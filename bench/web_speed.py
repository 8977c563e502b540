"""Speed and weight of the dashboard's report matrix over 500 units × 50 tasks × 10 reports.

Seeds the same world as `bench/summary_speed.py` (250,000 report rows, every task tracked for
every unit) into a fresh SQLite file and a fresh PostgreSQL schema, serves the dashboard with
uvicorn on a free local port, signs in an admin through a one-time link, and prints per backend
medians of several runs (each run measures the three in turn) of:
  - the bare summary query (`report_views.current_reports`: the latest report of every unit on
    every task, one GROUP BY) and the whole `build_summary` the page starts from,
  - GET /ma-tran: time to the first byte of the response and to its last byte,
  - the page's weight: the HTML, and with its stylesheet and scripts (there are no images),
  - the pages of the matrix: 80 units a page for 50 tasks (at most 4,000 cells a page), since
    the whole 500 × 50 table on one page would weigh about six times as much (shown below),
  - GET /ma-tran/tai-ve?fmt=csv (the unit × task table of every page).

Goal: the page costs at most 2× the summary query; a page weighs at most 300 KB.

    .venv/bin/python bench/web_speed.py [--units 500] [--obligations 50] [--reports 10]
        [--runs 5] [--backends sqlite,postgresql]
"""
from __future__ import annotations

import argparse
import http.client
import re
import socket
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import Engine  # noqa: E402

from bot.config import load_settings  # noqa: E402
from bot.db import report_views as views  # noqa: E402
from bot.db.people import PeopleStore  # noqa: E402
from bot.db.tasks import TaskStore  # noqa: E402
from bot.db.web import WebStore  # noqa: E402
from bot.services.obligations import tracked_obligations  # noqa: E402
from bot.services.summary import build_summary  # noqa: E402
from bot.web.app import create_app  # noqa: E402
from bot.web.pages.matrix import rows_per_page  # noqa: E402
from summary_speed import PAST_DAYS, TODAY, postgres_engine, seed, sqlite_engine  # noqa: E402

ADMIN = "telegram:900"
PAGE_GOAL_RATIO = 2.0
WEIGHT_GOAL = 300_000


def seconds(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


class Browser:
    """GET requests with the session cookie, each on a new connection (as after a pause); times
    to the first byte (the status line read) and to the last."""

    def __init__(self, port: int, cookie: str) -> None:
        self.port = port
        self.cookie = cookie

    def get(self, path: str) -> tuple[float, float, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        started = time.perf_counter()
        connection.request("GET", path, headers={"Cookie": self.cookie})
        response = connection.getresponse()
        first = time.perf_counter() - started
        body = response.read()
        connection.close()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status} {body[:300]!r}")
        return first, time.perf_counter() - started, body


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(engine: Engine, url: str) -> tuple[object, int]:
    """The dashboard on a free port in a thread (uvicorn), as `python -m bot web` serves it."""
    import uvicorn

    settings = load_settings(environ={}, database__url=url, access__admins=[ADMIN], reports__past_days=PAST_DAYS)
    app = create_app(settings, engine, today=lambda: TODAY)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, port


def sign_in(engine: Engine, port: int) -> str:
    people = PeopleStore(engine, [ADMIN])
    member = people.member("telegram", "900", "900", "Văn phòng")
    assert member is not None
    token = WebStore(engine).create_link(member.official_id, 10)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", f"/dang-nhap/{token}")
    response = connection.getresponse()
    response.read()
    cookie = response.getheader("set-cookie") or ""
    assert response.status == 303 and cookie, (response.status, cookie)
    return cookie.split(";")[0]


def assets(browser: Browser, html: bytes) -> int:
    """Bytes of the stylesheets and scripts the page loads (the dashboard has no images)."""
    paths = re.findall(rb'(?:href|src)="(/static/[^"]+)"', html)
    return sum(len(browser.get(p.decode())[2]) for p in dict.fromkeys(paths))


def show(label: str, value: str) -> None:
    print(f"  {label:<50}{value}", flush=True)


def measure(name: str, engine: Engine, url: str, args: argparse.Namespace) -> None:
    started = time.perf_counter()
    facts, total = seed(engine, args.units, args.obligations, args.reports)
    seeded = time.perf_counter() - started
    tracked = tracked_obligations(TaskStore(engine), TODAY, PAST_DAYS)
    occurrences = [(o.key, o.due) for o in tracked]
    server, port = serve(engine, url)
    try:
        browser = Browser(port, sign_in(engine, port))
        _, _, html = browser.get("/ma-tran")  # warm-up: templates compiled, connections pooled
        pages = int(re.search(rb"Trang 1/(\d+)", html).group(1)) if b"Trang 1/" in html else 1
        # Interleaved, run by run, so that a busy machine weighs on all three alike.
        runs = [(seconds(lambda: views.current_reports(engine, occurrences)),
                 seconds(lambda: build_summary(engine, facts, TODAY, PAST_DAYS)),
                 browser.get("/ma-tran")) for _ in range(args.runs)]
        query = statistics.median(r[0] for r in runs)
        summary = statistics.median(r[1] for r in runs)
        timings = [r[2] for r in runs]
        first = statistics.median(t[0] for t in timings)
        full = statistics.median(t[1] for t in timings)
        ratio = statistics.median(r[2][1] / r[0] for r in runs)
        weight = len(timings[0][2])
        extra = assets(browser, html)
        every_page = sum(len(browser.get(f"/ma-tran?trang={p}")[2]) for p in range(1, pages + 1))
        csv_time, _, csv_body = browser.get("/ma-tran/tai-ve?fmt=csv")
        cells = html.split(b'<table class="matrix">')[1].split(b"</table>")[0].count(b"<td")
    finally:
        server.should_exit = True  # type: ignore[attr-defined]
    print(f"\n== {name}: {args.units} đơn vị × {len(tracked)} nhiệm vụ × {args.reports} báo cáo = "
          f"{total:,} dòng (nạp {seeded:.1f} s)")
    show("truy vấn tổng hợp (current_reports, 1 câu)", f"{query * 1000:8.1f} ms  (trung vị {args.runs} lần)")
    show("build_summary (trang bắt đầu từ đây)", f"{summary * 1000:8.1f} ms")
    show("GET /ma-tran: byte đầu tiên", f"{first * 1000:8.1f} ms")
    show("GET /ma-tran: trọn trang", f"{full * 1000:8.1f} ms  → {ratio:.2f}× truy vấn "
         f"(trung vị từng lần; mục tiêu ≤ {PAGE_GOAL_RATIO:.0f}×: {'đạt' if ratio <= PAGE_GOAL_RATIO else 'CHƯA ĐẠT'}), "
         f"{full / summary:.2f}× build_summary")
    show("trang 1: ô trong bảng", f"{cells:8,} ô ({pages} trang, {rows_per_page(len(tracked))} đơn vị mỗi trang)")
    show("trọng lượng trang: HTML", f"{weight / 1000:8.1f} KB")
    show("  + CSS và JS (không có ảnh)", f"{(weight + extra) / 1000:8.1f} KB  (mục tiêu ≤ {WEIGHT_GOAL // 1000} KB: "
         f"{'đạt' if weight + extra <= WEIGHT_GOAL else 'CHƯA ĐẠT'})")
    show(f"cả {pages} trang cộng lại (nếu không chia trang)", f"{every_page / 1000:8.1f} KB HTML")
    show("tải về CSV (mọi trang)", f"{csv_time * 1000:8.1f} ms đến byte đầu, {len(csv_body) / 1e6:.1f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--obligations", type=int, default=50)
    parser.add_argument("--reports", type=int, default=10, help="reports per unit and task")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    for name in args.backends.split(","):
        if name == "sqlite":
            with sqlite_engine() as engine:
                measure(name, engine, str(engine.url), args)
        else:
            with postgres_engine() as engine:
                measure(name, engine, engine.url.render_as_string(hide_password=False), args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
