"""Ingestion speed on the 431-document corpus, against the bare model encoding the same chunks,
and how much body text ingestion keeps.

Prints: documents/s and chunks/s of a first ingestion (a real `python ingest.py` process),
the time the bare model takes to encode exactly the chunks that run stored (the baseline),
ingestion overhead beyond encoding as a share of the total, a re-run on the unchanged folder
as a share of the first run, and the peak memory of each ingest process. Then body-line
retention (bot/ingestion/retention.py) of the 3,000 ALQAC articles and the corpus, one file
each, loaded, cleaned and chunked as ingestion does (no embedding), with every lost line listed.

    .venv/bin/python bench/ingest_speed.py [--corpus FILE] [--alqac DIR] [--limit N] [--out DIR]
                                           [--retention-only]
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


def ingest(knowledge: Path, store: Path) -> tuple[float, int, str]:
    """Wall time, peak RSS in MiB and stdout of one `python ingest.py` process."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        child = subprocess.Popen([sys.executable, str(ROOT / "ingest.py"), "--knowledge", str(knowledge),
                                  "--store", str(store), "--no-progress"],
                                 stdout=out, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
        # wait4 gives this child's own peak RSS, not the largest of all children so far.
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        output = out.read()
    if child.returncode not in (0, 1):
        sys.exit(f"ingest failed:\n{output}")
    return seconds, usage.ru_maxrss // 1024, output


def embedded_count(summary: str) -> int:
    match = re.search(r"(\d+) đoạn được mã hoá", summary)
    return int(match.group(1)) if match else -1


def bare_encode(store: Path) -> tuple[float, int]:
    """Encode every stored chunk with the model alone (loaded beforehand), as ingestion did."""
    from bot import app
    from bot.config import load_settings
    from bot.ingestion.chunking import embedded_text
    from bot.ingestion.document import Chunk
    from bot.retrieval.vector_store import open_collection

    settings = load_settings(paths__store=store)
    got = open_collection(settings).get(include=["documents", "metadatas"])
    texts = [embedded_text(Chunk(d, m.get("section", ""))) for d, m in zip(got["documents"], got["metadatas"])]
    model = app.embeddings(settings)
    model.embed_documents(["khởi động mô hình"])  # load outside the timing
    started = time.perf_counter()
    model.embed_documents(texts)
    return time.perf_counter() - started, len(texts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    parser.add_argument("--alqac", type=Path, default=DEFAULT_ALQAC)
    parser.add_argument("--out", type=Path, default=None, help="keep the store here")
    parser.add_argument("--retention-only", action="store_true", help="skip the timed ingestion")
    args = parser.parse_args()
    if args.retention_only:
        measure_retention_only(args.corpus, args.alqac)
        return

    work = Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    try:
        docs = write_corpus(args.corpus, work / "knowledge", args.limit)
        store = args.out or work / "store"
        first, first_mem, first_out = ingest(work / "knowledge", store)
        chunks = embedded_count(first_out)
        rerun, rerun_mem, rerun_out = ingest(work / "knowledge", store)
        encode, encoded = bare_encode(store)
    finally:
        if args.out is None:
            shutil.rmtree(work, ignore_errors=True)

    print(f"documents            {docs}")
    print(f"first ingest         {first:8.1f} s   {docs / first:6.2f} docs/s   {chunks / first:6.2f} chunks/s"
          f"   ({chunks} chunks embedded, peak RSS {first_mem} MiB)")
    print(f"bare model encode    {encode:8.1f} s   {encoded / encode:6.2f} chunks/s   (same {encoded} chunks; baseline)")
    print(f"overhead beyond encoding: {(first - encode) / first:6.1%} of the first ingest (target <= 15%)")
    print(f"re-run, unchanged    {rerun:8.1f} s   {rerun / first:6.1%} of the first run (target <= 5%),"
          f" {embedded_count(rerun_out)} chunks embedded (target 0)")
    print(f"failures reported    {first_out.count('Bỏ qua ')}")
    measure_retention_only(args.corpus, args.alqac)


def measure_retention_only(corpus: Path, alqac: Path) -> None:
    from bot.config import load_settings

    with tempfile.TemporaryDirectory(prefix="retention-bench-") as work:
        print_retention(retention(corpus, alqac, Path(work), load_settings()))


if __name__ == "__main__":
    main()
