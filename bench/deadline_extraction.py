"""Deadline extraction benchmark: precision and recall on hand-labelled corpus sentences.

Usage: .venv/bin/python bench/deadline_extraction.py

`bench/data/deadline_labels.jsonl` holds sentences of the shared corpus labelled by reading them
(not by the extractor). A found deadline is correct when its kind and normalised values match a
labelled one that is not matched yet:

- absolute: due; recurring: day, month; periodic: period_months, period_days, day;
- relative: offset_days and due (due only where the anchor is the document's own issue date).

Labels marked "holdout" were set aside while the extractor was tuned; both figures are printed.
Then the whole corpus is cleaned and extracted, and the obligation / list counts and time shown.
"""
from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.facts.deadlines import find_deadlines  # noqa: E402
from bot.facts.extract import extract_facts  # noqa: E402
from bot.facts.model import Deadline, DeadlineKind  # noqa: E402
from bot.ingestion.cleaning import clean  # noqa: E402

LABELS = ROOT / "bench" / "data" / "deadline_labels.jsonl"
CORPUS = ROOT.parent / "shared" / "corpus" / "official-docs.jsonl"

_KEYS = {
    DeadlineKind.ABSOLUTE: ("due",),
    DeadlineKind.RECURRING: ("day", "month"),
    DeadlineKind.PERIODIC: ("period_months", "period_days", "day"),
    DeadlineKind.RELATIVE: ("offset_days", "due"),
}


@dataclass
class Score:
    found: int = 0
    labelled: int = 0
    correct: int = 0
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.labelled if self.labelled else 1.0


def load_labels(path: Path = LABELS) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _values(deadline: Deadline) -> tuple[str, tuple[Any, ...]]:
    return deadline.kind.value, tuple(
        getattr(deadline, key).isoformat() if key == "due" and getattr(deadline, key) else getattr(deadline, key)
        for key in _KEYS[deadline.kind])


def _label_values(label: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
    kind = DeadlineKind(label["kind"])
    return kind.value, tuple(label.get(key) for key in _KEYS[kind])


def score(rows: list[dict[str, Any]]) -> Score:
    """Match found deadlines to labelled ones, one to one, sentence by sentence."""
    result = Score()
    for row in rows:
        issued = date.fromisoformat(row["issued_date"]) if row["issued_date"] else None
        wanted = [_label_values(label) for label in row["deadlines"]]
        got = [_values(d) for d in find_deadlines(row["sentence"], issued)]
        result.found += len(got)
        result.labelled += len(wanted)
        remaining = list(wanted)
        for value in got:
            if value in remaining:
                remaining.remove(value)
                result.correct += 1
            else:
                result.false_positives.append(f"{value} ← {row['sentence'][:160]}")
        result.misses.extend(f"{value} ← {row['sentence'][:160]}" for value in remaining)
    return result


def corpus_counts(path: Path = CORPUS) -> tuple[int, int, int, float]:
    """(documents, obligations, criteria lists, seconds for extraction alone)."""
    docs = [clean(json.loads(line)["text"]) for line in path.read_text(encoding="utf-8").splitlines()]
    start = time.perf_counter()
    facts = [extract_facts(doc) for doc in docs]
    elapsed = time.perf_counter() - start
    return len(docs), sum(len(f.obligations) for f in facts), sum(len(f.lists) for f in facts), elapsed


def _report(name: str, result: Score) -> None:
    print(f"{name}: precision {result.precision:.3f}  recall {result.recall:.3f}  "
          f"(đúng {result.correct}, tìm thấy {result.found}, nhãn {result.labelled})")


def main() -> None:
    rows = load_labels()
    overall = score(rows)
    _report("Tất cả", overall)
    _report("Held-out", score([r for r in rows if r.get("split") == "holdout"]))
    for title, items in (("Bỏ sót", overall.misses), ("Sai (false positive)", overall.false_positives)):
        print(f"\n{title}: {len(items)}")
        for item in items:
            print("  -", item)
    if CORPUS.exists():
        docs, obligations, lists, elapsed = corpus_counts()
        print(f"\nCorpus: {docs} văn bản → {obligations} nghĩa vụ có thời hạn, {lists} danh sách tiêu chí; "
              f"trích xuất {elapsed:.2f} s (không tính làm sạch)")


if __name__ == "__main__":
    main()
