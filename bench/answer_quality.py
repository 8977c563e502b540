"""Answers: "found" decisions on labelled questions, and latency on the full corpus.

1. Over the shipped knowledge (ingested into --out/knowledge-store), the labelled questions of
   bench/data/answer_questions.jsonl (answerable ones with their document and expected fact,
   unanswerable ones) plus ALQAC law questions as further unanswerable ones: precision and recall
   of "found", the right document first, the expected fact in the answer; then a sweep of the
   pair-coverage threshold so the configured value is a measured one.
2. Over the 431-document corpus plus the shipped knowledge (--out/corpus-store), the latency of
   a whole answer (model loaded, no LLM) for the same questions: p50 and p95.

    .venv/bin/python bench/answer_quality.py [--out DIR] [--alqac N] [--skip-latency]
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
from pathlib import Path

from ingest_speed import DEFAULT_CORPUS, ingest, write_corpus

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import app  # noqa: E402
from bot.retrieval.answers import Answerer  # noqa: E402
from bot.config import load_settings  # noqa: E402

QUESTIONS = ROOT / "bench" / "data" / "answer_questions.jsonl"
ALQAC_QUERIES = ROOT.parent / "shared" / "eval" / "alqac" / "queries.jsonl"


def labelled(alqac: int) -> list[dict]:
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    if alqac and ALQAC_QUERIES.exists():
        law = [json.loads(line) for line in ALQAC_QUERIES.read_text(encoding="utf-8").splitlines()[:alqac]]
        rows += [{"question": q["question"], "found": False, "alqac": True} for q in law]
    return rows


def answerer_for(store: Path) -> Answerer:
    settings = load_settings(None, paths__store=store.resolve())
    return app.answerer(settings)


def decisions(answerer: Answerer, rows: list[dict], verbose: bool = False) -> dict[str, float]:
    tp = fp = fn = tn = right_doc = fact = 0
    for row in rows:
        answer = answerer.ask(row["question"])
        if answer.found and row["found"]:
            tp += 1
            right_doc += answer.sources[0].doc_number == row.get("doc_number")
            fact += bool(row.get("expect")) and row["expect"] in answer.text
        elif answer.found:
            fp += 1
            if verbose:
                print(f"    answered, should not: {row['question']}")
        elif row["found"]:
            fn += 1
            if verbose:
                print(f"    refused, should answer: {row['question']}")
        else:
            tn += 1
    positives = sum(r["found"] for r in rows)
    with_fact = sum(1 for r in rows if r["found"] and r.get("expect"))
    return {"precision": tp / max(tp + fp, 1), "recall": tp / max(positives, 1),
            "right document": right_doc / max(positives, 1),
            "expected fact": fact / max(with_fact, 1), "false answers": fp, "refusals": tn}


def show(label: str, figures: dict[str, float]) -> None:
    print(f"{label:<28}" + "  ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                                     for k, v in figures.items()), flush=True)


def latency(answerer: Answerer, questions: list[str], rounds: int) -> tuple[float, float, float]:
    answerer.ask("khởi động")  # load the model outside the timing
    times = [answerer.ask(q).latency_ms for _ in range(rounds) for q in questions]
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--alqac", type=int, default=100, help="ALQAC questions used as unanswerable")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--skip-latency", action="store_true")
    args = parser.parse_args()
    rows = labelled(args.alqac)

    store = args.out / "knowledge-store"
    seconds, _, output = ingest(ROOT / "knowledge", store)
    print(f"knowledge store: {output.strip().splitlines()[-1]}")
    answerer = answerer_for(store)
    show("configured", decisions(answerer, rows, verbose=True))
    for threshold in (0.2, 0.25, 0.3, 0.35, 0.4, 0.5):
        answerer.config = answerer.config.model_copy(update={"min_pair_coverage": threshold})
        show(f"min_pair_coverage={threshold}", decisions(answerer, rows))

    if args.skip_latency:
        return
    corpus = args.out / "corpus"
    if not (corpus / "knowledge").exists():
        write_corpus(DEFAULT_CORPUS, corpus / "knowledge", None)
        for path in (ROOT / "knowledge").iterdir():
            shutil.copy(path, corpus / "knowledge" / path.name)
    seconds, peak, output = ingest(corpus / "knowledge", corpus / "store")
    print(f"corpus store ({seconds:.0f} s, peak {peak} MiB): {output.strip().splitlines()[-1]}")
    answerer = answerer_for(corpus / "store")
    p50, p95, worst = latency(answerer, [r["question"] for r in rows], args.rounds)
    print(f"latency over {len(answerer.search.passages)} passages, {len(rows)} questions × {args.rounds}: "
          f"p50 {p50:.0f} ms, p95 {p95:.0f} ms (target <= 300), max {worst:.0f} ms")


if __name__ == "__main__":
    main()
