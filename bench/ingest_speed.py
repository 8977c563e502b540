"""Ingestion speed on the 431-document corpus by both embedding runtimes (torch fp32, the
baseline, and onnx-int8), against the bare model encoding the same chunks, and how much body
text ingestion keeps.

Prints, per runtime: documents/s and chunks/s of a first ingestion (a real `python ingest.py`
process of its own, into a store of its own), its peak memory, the chunks it encoded, reused
(identical texts) and skipped (boilerplate); the time the bare model takes to encode exactly the
chunks stored, ingestion overhead beyond encoding, query-encoding p50/p95 and the p50/p95 of a
whole answer over that runtime's store. Then a re-run on the unchanged folder as a share of the
first run. Then body-line
retention (bot/ingestion/retention.py) of the 3,000 ALQAC articles and the corpus, one file
each, loaded, cleaned and chunked as ingestion does (no embedding), with every lost line listed.

    .venv/bin/python bench/ingest_speed.py [--corpus FILE] [--alqac DIR] [--limit N] [--out DIR]
                                           [--runtimes torch onnx-int8] [--bare-limit N]
                                           [--queries N] [--answers N] [--skip-answers]
                                           [--retention-only | --skip-retention]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "official-docs.jsonl"
DEFAULT_ALQAC = ROOT.parent / "shared" / "eval" / "alqac"
# Issue #18: no ALQAC body line may be lost; the corpus may lose at most 0.1% (each one listed).
RETENTION_GOALS = {"alqac": 1.0, "corpus": 0.999}

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.ingestion.retention import Retention


def write_corpus(corpus: Path, folder: Path, limit: int | None) -> int:
    folder.mkdir(parents=True)
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows[:limit]:
        (folder / f"{row['id']}.md").write_text(row["text"], encoding="utf-8")
    return len(rows[:limit])


def write_articles(alqac: Path, folder: Path) -> dict[str, str]:
    """One file per ALQAC article (title line, then text); returns file name -> article id."""
    folder.mkdir(parents=True, exist_ok=True)
    names = {}
    for i, line in enumerate((alqac / "corpus.jsonl").read_text(encoding="utf-8").splitlines()):
        row = json.loads(line)
        name = f"article-{i:04d}.txt"
        names[name] = row["id"]
        path = folder / name
        text = f"{row['title']}\n\n{row['text']}\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return names


def retention(corpus: Path, alqac: Path, work: Path, settings: Settings) -> dict[str, Retention]:
    """Body-line retention of the ALQAC articles and of the corpus documents, written as files."""
    from bot.ingestion.retention import load_folder, measure_retention

    write_articles(alqac, work / "alqac")
    write_corpus(corpus, work / "corpus", None)
    max_bytes = int(settings.ingest.max_file_mb * 1024 * 1024)
    return {name: measure_retention(load_folder(work / name, max_bytes), settings.chunking.max_tokens,
                                    settings.chunking.min_chars)
            for name in RETENTION_GOALS}


def print_retention(results: dict[str, Retention]) -> None:
    for name, result in results.items():
        goal = RETENTION_GOALS[name]
        verdict = "ok" if result.share >= goal and not result.dropped else "BELOW GOAL"
        print(f"retention {name:7} {result.summary()}   (goal {goal:.1%}: {verdict})")
        for lost in result.lost:
            print(f"    lost  {lost.source}: {lost.text}")
        for source in result.dropped:
            print(f"    left out  {source}")


def ingest(knowledge: Path, store: Path, runtime: str | None = None) -> tuple[float, int, str]:
    """Wall time, peak RSS in MiB and stdout of one `python ingest.py` process (with the
    embedding runtime given, else the configured one)."""
    env = {**os.environ, **({"ASSISTANT__EMBEDDING__RUNTIME": runtime} if runtime else {})}
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        child = subprocess.Popen([sys.executable, str(ROOT / "ingest.py"), "--knowledge", str(knowledge),
                                  "--store", str(store), "--no-progress"],
                                 stdout=out, stderr=subprocess.STDOUT, text=True, cwd=ROOT, env=env)
        # wait4 gives this child's own peak RSS, not the largest of all children so far.
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        output = out.read()
    if child.returncode not in (0, 1):
        sys.exit(f"ingest failed:\n{output}")
    return seconds, usage.ru_maxrss // 1024, output


RUNTIMES = ("torch", "onnx-int8")  # the first is the baseline of the ratios


@dataclass
class Run:
    """One first ingestion of the corpus by one runtime, in its own process."""

    runtime: str
    seconds: float
    peak_mib: int
    output: str
    store: Path

    def count(self, what: str) -> int:
        match = re.search(rf"(\d+) {what}", self.output)
        return int(match.group(1)) if match else 0

    @property
    def stored(self) -> int:
        return self.count("đoạn được lưu")


def embedded_count(summary: str) -> int:
    match = re.search(r"(\d+) đoạn được mã hoá", summary)
    return int(match.group(1)) if match else -1


def stored_texts(store: Path) -> list[str]:
    """Exactly the texts a store's passages were embedded from."""
    from bot.config import load_settings
    from bot.ingestion.chunking import embedded_text
    from bot.ingestion.document import Chunk
    from bot.retrieval.vector_store import open_collection

    got = open_collection(load_settings(paths__store=store)).get(include=["documents", "metadatas"])
    return [embedded_text(Chunk(d, m.get("section", ""))) for d, m in zip(got["documents"], got["metadatas"])]


def bare_encode(texts: list[str], runtime: str) -> float:
    """Seconds the model alone (loaded beforehand) takes to encode the texts, as ingestion does."""
    from bot import app
    from bot.config import load_settings

    model = app.embeddings(load_settings(), runtime)
    model.embed_documents(["khởi động mô hình"])  # load outside the timing
    started = time.perf_counter()
    model.embed_documents(texts)
    return time.perf_counter() - started


def query_times(questions: list[str], runtime: str) -> tuple[float, float]:
    """p50 and p95 in ms of encoding one question."""
    from bot import app
    from bot.config import load_settings

    model = app.embeddings(load_settings(), runtime)
    model.embed_query("khởi động mô hình")
    times = []
    for question in questions:
        started = time.perf_counter()
        model.embed_query(question)
        times.append(1000 * (time.perf_counter() - started))
    return percentile(times, 50), percentile(times, 95)


def answer_times(store: Path, count: int) -> tuple[float, float]:
    """p50 and p95 in ms of a whole answer over the store (its own runtime encodes questions)."""
    from answer_quality import development_rows, labelled, latency

    from bot import app
    from bot.config import load_settings

    answerer = app.answerer(load_settings(paths__store=store))
    questions = [r["question"] for r in labelled(100)] + [r["question"] for r in development_rows()]
    p50, p95, _ = latency(answerer, questions[::max(1, len(questions) // count)][:count], rounds=1)
    return p50, p95


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[int(share / 100 * (len(ordered) - 1))]


def alqac_questions(alqac: Path, count: int) -> list[str]:
    """Questions for timing the query encoder: the tuning (even) half of ALQAC's."""
    rows = [json.loads(line) for line in (alqac / "queries.jsonl").read_text(encoding="utf-8").splitlines()]
    return [r["question"] for r in rows[0::2][:count]]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    parser.add_argument("--alqac", type=Path, default=DEFAULT_ALQAC)
    parser.add_argument("--out", type=Path, default=None, help="keep the stores here")
    parser.add_argument("--runtimes", nargs="+", default=list(RUNTIMES), choices=RUNTIMES)
    parser.add_argument("--bare-limit", type=int, default=None, help="encode only N chunks bare")
    parser.add_argument("--queries", type=int, default=200, help="questions timed per runtime")
    parser.add_argument("--answers", type=int, default=150, help="questions answered per runtime")
    parser.add_argument("--skip-answers", action="store_true", help="no answer latency")
    parser.add_argument("--retention-only", action="store_true", help="skip the timed ingestion")
    parser.add_argument("--skip-retention", action="store_true", help="only the timed ingestion")
    args = parser.parse_args()
    if args.retention_only:
        measure_retention_only(args.corpus, args.alqac)
        return

    work = Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    try:
        docs = write_corpus(args.corpus, work / "knowledge", args.limit)
        out = args.out or work
        runs = [Run(rt, *ingest(work / "knowledge", out / f"store-{rt}", rt), out / f"store-{rt}")
                for rt in args.runtimes]
        rerun, _, rerun_out = ingest(work / "knowledge", runs[-1].store, runs[-1].runtime)
        texts = stored_texts(runs[0].store)[:args.bare_limit]
        bare = {rt: bare_encode(texts, rt) for rt in args.runtimes}
        questions = alqac_questions(args.alqac, args.queries)
        queries = {rt: query_times(questions, rt) for rt in args.runtimes}
        answers = {} if args.skip_answers else {run.runtime: answer_times(run.store, args.answers) for run in runs}
    finally:
        if args.out is None:
            shutil.rmtree(work, ignore_errors=True)

    base = runs[0]
    print(f"documents            {docs}, {base.stored} chunks stored by each runtime")
    for run in runs:
        print(f"first ingest {run.runtime:9} {run.seconds:8.1f} s   {docs / run.seconds:6.2f} docs/s   "
              f"{run.stored / run.seconds:6.2f} chunks/s  ({base.seconds / run.seconds:4.2f}x {base.runtime}; "
              f"goal >= 2x)   peak RSS {run.peak_mib} MiB (goal <= 1229)")
        print(f"    {run.count('đoạn được mã hoá')} chunks encoded, {run.count('đoạn trùng')} reused "
              f"(identical text), {run.count('đoạn chỉ gồm')} boilerplate chunks skipped")
    for rt, seconds in bare.items():
        print(f"bare model {rt:9}   {seconds:8.1f} s   {len(texts) / seconds:6.2f} chunks/s   "
              f"({bare[base.runtime] / seconds:4.2f}x; same {len(texts)} chunks)")
    for run in runs:
        share = (run.seconds - bare[run.runtime] * run.count("đoạn được mã hoá") / max(len(texts), 1)) / run.seconds
        print(f"overhead beyond encoding, {run.runtime}: {share:6.1%} of its first ingest")
    for rt, (p50, p95) in queries.items():
        print(f"query encode {rt:9} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   ({len(questions)} ALQAC questions)")
    for rt, (p50, p95) in answers.items():
        print(f"whole answer {rt:9} p50 {p50:6.0f} ms   p95 {p95:6.0f} ms   (over the {rt} store)")
    print(f"re-run, unchanged    {rerun:8.1f} s   {rerun / runs[-1].seconds:6.1%} of the first run (target <= 5%),"
          f" {embedded_count(rerun_out)} chunks encoded (target 0)")
    print(f"failures reported    {base.output.count('Bỏ qua ')}")
    if not args.skip_retention:
        measure_retention_only(args.corpus, args.alqac)


def measure_retention_only(corpus: Path, alqac: Path) -> None:
    from bot.config import load_settings

    with tempfile.TemporaryDirectory(prefix="retention-bench-") as work:
        print_retention(retention(corpus, alqac, Path(work), load_settings()))


if __name__ == "__main__":
    main()
