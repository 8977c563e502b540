"""Task extraction benchmark: is a dated sentence a task, and who leads it.

Usage: .venv/bin/python bench/task_extraction.py [--errors]

`bench/data/task_labels.jsonl` holds dated sentences of the shared corpus labelled by reading
them: task or not, lead and coordinating units, recurrence; split once into "tune" and "held"
halves. `bench/data/task_labels_more.jsonl` is a second round from further documents, labelled
independently, all in the tuning half; `bench/data/task_labels_r3.jsonl` a third, from documents
neither earlier round used, split once by document into both halves;
`bench/data/task_labels_r4.jsonl` a fourth, from documents no earlier round used, all in the
tuning half; `bench/data/task_labels_r5.jsonl` a fifth, from 45 documents no earlier round used (plans,
regulations, decrees, resolutions, official letters, notices), labelled before the extractor was
run on them and split once by document (sorted ids alternating) into both halves;
`bench/data/task_labels_r6.jsonl` a sixth, from 59 documents no earlier round used (procedures
published with decisions, decrees, circulars, resolutions, official letters), labelled before the
extractor was run on them, all in the tuning half; `bench/data/task_labels_r7.jsonl` a seventh, from
116 documents no earlier round used (official letters, procedure catalogues and step tables,
decisions, resolutions, circulars, notices), labelled before the extractor was run on them and
split once by document (sorted ids alternating) into both halves; `bench/data/task_labels_r8.jsonl`
an eighth, from further sentences of 40 documents of the tuning half (their earlier rows are all
tuning rows), labelled before the extractor was run on them, all in the tuning half;
`bench/data/task_labels_r9.jsonl` a ninth, likewise from 40 further documents of the tuning half,
labelled before the extractor was run on them; `bench/data/task_labels_r10.jsonl` a tenth, likewise
from 40 further documents of the tuning half (none of whose rows, in any round or in the answer
set, is held out), labelled before the extractor was run on them; `bench/data/task_labels_r11.jsonl`
an eleventh, likewise from 40 more; `bench/data/task_labels_r12.jsonl` a twelfth, from 36 more;
`bench/data/task_labels_r13.jsonl` a thirteenth, the remaining dated sentences of 30 such documents
(a Prime Minister's programme and a Government Office notice with their task tables, provincial
procedures' step tables, two decrees); `bench/data/task_labels_r14.jsonl` a fourteenth, the dated
sentences of those documents that round left (the second decree's remaining articles, 10 provincial
and ministry decisions); `bench/data/task_labels_r15.jsonl` a fifteenth, the dated sentences no earlier
round took from 33 more documents none of whose rows is held out (coordination rules, provincial
regulations and plans, a Government Office notice with its overdue-task and progress tables, letters),
labelled by two readers before the extractor was run on them; `bench/data/task_labels_r16.jsonl` a sixteenth, the
dated sentences no earlier round took from 36 more such documents, labelled by three readers apart before the
extractor was run on them; `bench/data/task_labels_r17.jsonl` a seventeenth, up to four dated sentences no earlier
round took from each of the 92 documents none of whose rows is held out that still had such sentences, labelled by
three readers apart before the extractor was run on them; `bench/data/task_labels_r18.jsonl` an eighteenth, up to three
such sentences from each of the 71 documents that still had them, labelled by two readers apart before the extractor
was run on them; `bench/data/task_labels_r19.jsonl` a nineteenth, up to five such sentences (163 in all) from each of the
38 documents that still had them, labelled by two readers apart before the extractor was run on them.
`bench/data/task_labels.md`
writes down the conventions the rounds follow. Each sentence goes through the extractor with its labelled section path (which also
gives the lead where only a heading names the unit), the document's issue date, and the unit its
context gives it as ingestion reads the cleaned document (the first sentence of its paragraph, the
enclosing item: `bot.facts.extract.context_actor`) and, in a section of tasks, the unit the whole
document is about (`bot.facts.extract.document_unit`, from its title). Printed per
half:

- precision and recall of "is a task" (a sentence is predicted a task when one of its deadlines
  is read as a task; a sentence where no deadline is found is predicted not a task);
- lead accuracy on labelled tasks with a lead: same unit phrase after folding diacritics and
  case, «UBND» = «Ủy ban nhân dân», «TP» = «thành phố», trailing «tỉnh» / «thành phố» and a leading
  «(các) đồng chí» tolerated;
- coordinate accuracy on labelled tasks with coordinating units (the same set of units);
- recurrence accuracy on labelled tasks.

Each half is reported per round (rounds 1 to 19) and for all rounds together, so a rule fitted
to one round shows as a gap to the others; each line also counts the rows whose sentence is not
found in its cleaned document (such a row is read without the unit its context gives). A last line
per half («qua nạp văn bản») reads every row as ingestion stores it instead — what `tasks list --json`
returns: the obligations `bot.facts.extract.extract_facts` gives the whole document, with the
section paths and table headers ingestion itself finds (not the labelled section), matched to the
row by its text (`ingested`; a row of fewer than 20 characters — a step's lone time, labelled alone — only by
a quote that is that row, not as a cell of its step's row); a row no stored obligation holds counts as "not a
task". `--errors`
lists the tuning half's errors only (every round); held-out errors are never listed, only counted by class
(a missed task by why it was missed, a wrong lead as a missed task or another unit).

Then the whole corpus is cleaned and extracted as ingestion does, and counted: dated sentences,
tasks, tasks with a lead, dated and undated tasks — beside the extractor before tasks (commit
BASELINE) measured in the same run: obligations, obligations with an actor, dated and undated.
"""
from __future__ import annotations

import argparse
import importlib
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.facts.actors import item_coordinate
from bot.facts.extract import (
    DEFAULT_DELIVERY_MARGIN_DAYS,
    context_actor,
    document_unit,
    extract_facts,
    has_time_phrase,
    sentence_obligations,
    subject_actor,
)
from bot.facts.model import DeadlineKind, Obligation
from bot.facts.paragraphs import Paragraph, body_paragraphs
from bot.ingestion.cleaning import clean
from bot.ingestion.document import CleanDocument
from bot.ingestion.sections import SECTION_SEPARATOR
from bot.retrieval.vietnamese import fold
from bot.retrieval.vietnamese import sentences as split_sentences

LABELS = ROOT / "bench" / "data" / "task_labels.jsonl"
MORE_LABELS = ROOT / "bench" / "data" / "task_labels_more.jsonl"
THIRD_LABELS = ROOT / "bench" / "data" / "task_labels_r3.jsonl"
FOURTH_LABELS = ROOT / "bench" / "data" / "task_labels_r4.jsonl"
FIFTH_LABELS = ROOT / "bench" / "data" / "task_labels_r5.jsonl"
SIXTH_LABELS = ROOT / "bench" / "data" / "task_labels_r6.jsonl"
SEVENTH_LABELS = ROOT / "bench" / "data" / "task_labels_r7.jsonl"
EIGHTH_LABELS = ROOT / "bench" / "data" / "task_labels_r8.jsonl"
NINTH_LABELS = ROOT / "bench" / "data" / "task_labels_r9.jsonl"
TENTH_LABELS = ROOT / "bench" / "data" / "task_labels_r10.jsonl"
ELEVENTH_LABELS = ROOT / "bench" / "data" / "task_labels_r11.jsonl"
TWELFTH_LABELS = ROOT / "bench" / "data" / "task_labels_r12.jsonl"
THIRTEENTH_LABELS = ROOT / "bench" / "data" / "task_labels_r13.jsonl"
FOURTEENTH_LABELS = ROOT / "bench" / "data" / "task_labels_r14.jsonl"
FIFTEENTH_LABELS = ROOT / "bench" / "data" / "task_labels_r15.jsonl"
SIXTEENTH_LABELS = ROOT / "bench" / "data" / "task_labels_r16.jsonl"
SEVENTEENTH_LABELS = ROOT / "bench" / "data" / "task_labels_r17.jsonl"
EIGHTEENTH_LABELS = ROOT / "bench" / "data" / "task_labels_r18.jsonl"
NINETEENTH_LABELS = ROOT / "bench" / "data" / "task_labels_r19.jsonl"
ROUNDS = {1: LABELS, 2: MORE_LABELS, 3: THIRD_LABELS, 4: FOURTH_LABELS, 5: FIFTH_LABELS,
          6: SIXTH_LABELS, 7: SEVENTH_LABELS, 8: EIGHTH_LABELS, 9: NINTH_LABELS, 10: TENTH_LABELS,
          11: ELEVENTH_LABELS, 12: TWELFTH_LABELS, 13: THIRTEENTH_LABELS,
          14: FOURTEENTH_LABELS, 15: FIFTEENTH_LABELS, 16: SIXTEENTH_LABELS,
          17: SEVENTEENTH_LABELS, 18: EIGHTEENTH_LABELS, 19: NINETEENTH_LABELS}
CORPUS = ROOT.parent / "shared" / "corpus" / "official-docs.jsonl"
BASELINE = "4e59163"  # the last commit before tasks: obligations and actors only
TARGETS = {"precision": 0.90, "recall": 0.90, "lead": 0.85}


# --- unit names -----------------------------------------------------------------------------

_ABBREVIATIONS = ((r"\bubnd\b", "uy ban nhan dan"), (r"\bhdnd\b", "hoi dong nhan dan"),
                  (r"\btp\b\.?", "thanh pho"), (r"\bkh&cn\b|\bkhcn\b", "khoa hoc va cong nghe"),
                  (r"\bmttq\b", "mat tran to quoc"), (r"\bbchqs\b|\bbo chqs\b", "bo chi huy quan su"))
_TOLERATED_TAIL = re.compile(r"(?:\s+(?:tinh|thanh pho|co lien quan|lien quan))+$")
# «(Các) đồng chí Bộ trưởng …» is the same holder of the role as «Bộ trưởng …».
_TOLERATED_HEAD = re.compile(r"^(?:cac\s+)?dong chi\s+")


# «Văn phòng UBND tỉnh (Trung tâm Phục vụ hành chính công tỉnh)»: the unit is the office; the
# third round's labels keep the aside the earlier rounds left out.
_ASIDE = re.compile(r"\s*\([^()]*\)")


def unit_key(name: str | None) -> str:
    """A unit name folded for comparison: "UBND tỉnh" and "Ủy ban nhân dân" give the same key."""
    text = fold(_ASIDE.sub("", name or ""))
    for pattern, full in _ABBREVIATIONS:
        text = re.sub(pattern, full, text)
    text = " ".join(re.sub(r"[^\w&]+", " ", text).split())
    return _TOLERATED_TAIL.sub("", _TOLERATED_HEAD.sub("", text))


def same_unit(got: str | None, wanted: str | None) -> bool:
    return bool(got) and bool(wanted) and unit_key(got) == unit_key(wanted)


def same_units(got: Iterable[str], wanted: Iterable[str]) -> bool:
    return {unit_key(u) for u in got} == {unit_key(u) for u in wanted}


# --- scoring --------------------------------------------------------------------------------

@dataclass
class Score:
    true_pos: int = 0
    false_pos: int = 0
    false_neg: int = 0
    lead: list[bool] = field(default_factory=list)
    coordinate: list[bool] = field(default_factory=list)
    recurrence: list[bool] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)  # errors by class, for a half's summary line
    unlocated: int = 0

    @property
    def precision(self) -> float:
        found = self.true_pos + self.false_pos
        return self.true_pos / found if found else 1.0

    @property
    def recall(self) -> float:
        labelled = self.true_pos + self.false_neg
        return self.true_pos / labelled if labelled else 1.0


def _rate(hits: list[bool]) -> str:
    return f"{sum(hits) / len(hits):.3f} ({sum(hits)}/{len(hits)})" if hits else "—"


def load_labels(path: Path = LABELS) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_rounds() -> list[dict[str, Any]]:
    """Every labelled sentence of every round that exists, each marked with its round."""
    return [{**row, "round": number} for number, path in ROUNDS.items() if path.exists()
            for row in load_labels(path)]


def _squeeze(text: str) -> str:
    """Text compared without its spacing and the emphasis marks the first round's sentences keep."""
    return " ".join(text.replace("*", " ").split())


def row_place(row: dict[str, Any], paragraphs: list[Paragraph]) -> int | None:
    """The index of the cleaned paragraph holding the row's sentence (by its text), or None."""
    wanted = _squeeze(row["sentence"])
    # the same words may stand under two units («c) Hằng năm, lập dự toán kinh phí …»): the row's
    # own section path, which extraction is given anyway, tells which
    places = [index for index, para in enumerate(paragraphs) if wanted[:80] in _squeeze(para.text)]
    if not places:
        places = _spanning_places(wanted, paragraphs)
    if not places:
        return None
    heading = (row.get("section") or "").rsplit(SECTION_SEPARATOR, 1)[-1].strip()
    return next((i for i in places if heading and heading in paragraphs[i].section), places[0])


_SPAN_LINES = 6


def _loose(text: str) -> str:
    """Text compared without its cell bars too: a table row the cleaned text puts on several lines."""
    return " ".join(_squeeze(text).replace("|", " ").split())


def _spanning_places(wanted: str, paragraphs: list[Paragraph]) -> list[int]:
    """Where a labelled sentence that runs over several lines of the cleaned document starts («- Cơ quan
    chủ trì: Bộ Công an. - Cơ quan phối hợp: …», a row whose cells stand on lines of their own): the
    paragraph whose text, joined with the lines after it, holds the sentence's start, the match
    beginning in that paragraph."""
    start = _loose(wanted)[:80]
    out = []
    for index, para in enumerate(paragraphs):
        own = _loose(para.text)
        if not own:
            continue
        joined = " ".join(filter(None, (_loose(p.text) for p in paragraphs[index:index + _SPAN_LINES])))
        at = joined.find(start)
        if at != -1 and at < len(own):
            out.append(index)
    return out


def row_context(row: dict[str, Any], paragraphs: list[Paragraph]) -> str | None:
    """The unit the document around the row's sentence gives it, as ingestion reads it: the
    sentence is found in the cleaned document's paragraphs (`row_place`), and the context's unit
    is `bot.facts.extract.context_actor` of its paragraph and sentence number."""
    index = row_place(row, paragraphs)
    if index is None:
        return None
    wanted = _squeeze(row["sentence"])
    for number, sentence in enumerate(split_sentences(paragraphs[index].text)):
        if _squeeze(sentence) == wanted or wanted in _squeeze(sentence):
            return context_actor(paragraphs, index, number)
    return context_actor(paragraphs, index, 0)


def predict(row: dict[str, Any], issued: date | None, paragraphs: list[Paragraph] | None = None,
            subject: str | None = None) -> list[Obligation]:
    """The row's sentence read as ingestion reads it: with its section, the unit its context gives
    it, the coordinating units its item's fields name (`item_coordinate`), and the unit the whole
    document is about (`document_unit`) for a section of tasks."""
    actor = row_context(row, paragraphs) if paragraphs else None
    index = row_place(row, paragraphs) if paragraphs else None
    section = row.get("section") or ""
    return sentence_obligations(row["sentence"], issued, section, actor,
                                delivery_margin_days=DEFAULT_DELIVERY_MARGIN_DAYS, loose=True,
                                fallback=subject_actor(subject, section),
                                helpers=item_coordinate(paragraphs, index) if index is not None else ())


def score(rows: list[dict[str, Any]], issued: dict[str, date | None],
          paragraphs: dict[str, list[Paragraph]] | None = None,
          subjects: dict[str, str | None] | None = None,
          found_for: Callable[[dict[str, Any]], list[Obligation]] | None = None) -> Score:
    """Each row's sentence read by `predict`, or by `found_for` where given (`ingested`)."""
    result = Score()
    for row in rows:
        result.unlocated += paragraphs is not None and row_place(row, paragraphs.get(row["doc_id"], [])) is None
        found = found_for(row) if found_for else predict(
            row, issued.get(row["doc_id"]), (paragraphs or {}).get(row["doc_id"]), (subjects or {}).get(row["doc_id"]))
        tasks = [o for o in found if o.is_task]
        wanted = bool(row["is_task"])
        got = bool(tasks)
        result.true_pos += got and wanted
        result.false_pos += got and not wanted
        result.false_neg += wanted and not got
        if got != wanted:
            # with no reading at all: no time phrase found, or only a looser one in a line read as no
            # task of anyone («hằng năm», a cited date: kept only as a task with a lead)
            loose = has_time_phrase(row["sentence"], issued.get(row["doc_id"]))
            why = found[0].not_task if found else ("loose, no lead" if loose else "no deadline")
            result.kinds[f"{'FP' if got else 'FN'} {why}"] += 1
            result.errors.append(f"[{'FP' if got else 'FN'} {why}] {row['id']}: {row['sentence'][:200]}")
        if not wanted:
            continue
        task = tasks[0] if tasks else None
        if row.get("lead"):
            hit = same_unit(task.lead if task else None, row["lead"])
            result.lead.append(hit)
            if not hit:
                result.kinds["lead: FN" if task is None else "lead: another unit"] += 1
                result.errors.append(f"[lead {task.lead if task else None!r} ≠ {row['lead']!r}] {row['id']}: "
                                     f"{row.get('section', '')} | {row['sentence'][:160]}")
        if row.get("coordinate"):
            hit = same_units(task.coordinate if task else (), row["coordinate"])
            result.coordinate.append(hit)
            if not hit:
                result.errors.append(f"[coordinate {task.coordinate if task else ()} ≠ {row['coordinate']}] "
                                     f"{row['id']}: {row['sentence'][:160]}")
        got_recurrence = task.recurrence if task else None
        result.recurrence.append(got_recurrence == row.get("recurrence"))
        if got_recurrence != row.get("recurrence"):
            result.errors.append(f"[recurrence {got_recurrence} ≠ {row.get('recurrence')}] {row['id']}: "
                                 f"{row['sentence'][:160]}")
    return result


def ingested(row: dict[str, Any], obligations: dict[str, tuple[Obligation, ...]],
             paragraphs: dict[str, list[Paragraph]]) -> list[Obligation]:
    """What ingestion stores for the row's sentence: the obligations `extract_facts` gives its whole
    document whose quote holds the sentence (or which the sentence holds: a table row's quote is its row);
    where the same words stand in several places (a step repeated by several procedures), those of the
    section the sentence is found in first."""
    wanted = _bare(row["sentence"])
    found = [o for o in obligations.get(row["doc_id"], ()) if wanted and _reads(wanted, _bare(o.quote))]
    place = row_place(row, paragraphs.get(row["doc_id"], []))
    section = paragraphs[row["doc_id"]][place].section if place is not None else None
    return sorted(found, key=lambda o: o.section != section)


_QUOTE_PART = 20  # a shorter quote inside the sentence is a fragment of it, not the sentence's reading


def _reads(wanted: str, quote: str) -> bool:
    """Whether a stored quote is the reading of a labelled sentence: it holds the sentence, or the sentence holds
    it; a piece shorter than _QUOTE_PART on either side is only a fragment of the other (a step's lone time
    «112 giờ», labelled alone, is a cell of the step's row that ingestion reads whole)."""
    if wanted == quote:
        return True
    return (len(wanted) > _QUOTE_PART and wanted in quote) or (len(quote) > _QUOTE_PART and quote in wanted)


def _bare(text: str) -> str:
    """Text without spaces and emphasis marks, for a sentence and a quote that cleaning spaced apart
    («**từ ngày 16-22/11/2025**,» and «từ ngày 16-22/11/2025,»)."""
    return "".join(text.replace("*", "").split())


def report_kinds(name: str, result: Score) -> None:
    """How a half's errors split by class (counts only: the held-out half's rows are never listed)."""
    print(f"{name} lỗi theo loại: " + ", ".join(f"{kind} {n}" for kind, n in result.kinds.most_common()))


def report(name: str, rows: list[dict[str, Any]], result: Score) -> None:
    labelled = result.true_pos + result.false_neg
    print(f"{name} ({len(rows)} câu, {labelled} nhiệm vụ theo nhãn): "
          f"precision {result.precision:.3f}  recall {result.recall:.3f}  "
          f"lead {_rate(result.lead)}  phối hợp {_rate(result.coordinate)}  "
          f"định kỳ {_rate(result.recurrence)}  không thấy trong văn bản {result.unlocated}")


# --- corpus counts --------------------------------------------------------------------------

def _dated(deadline: Any) -> bool:
    """A concrete date is known (or a yearly day, or a period's day)."""
    kind = str(deadline.kind.value if hasattr(deadline.kind, "value") else deadline.kind)
    return deadline.due is not None or kind == DeadlineKind.RECURRING.value or (
        kind == DeadlineKind.PERIODIC.value and deadline.day is not None)


def _baseline_extractor() -> ModuleType | None:
    """The extractor of commit BASELINE, imported from git under another package name."""
    folder = Path(tempfile.mkdtemp(prefix="baseline-facts-"))
    package = folder / "baseline_facts"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    for name in ("extract", "deadlines", "model"):
        try:
            source = subprocess.run(["git", "-C", str(ROOT), "show", f"{BASELINE}:bot/facts/{name}.py"],
                                    check=True, capture_output=True, text=True).stdout
        except (OSError, subprocess.CalledProcessError):
            return None
        # Modules that moved since (the layout change) are imported from where they are now.
        source = (source.replace("bot.facts.", "baseline_facts.")
                  .replace("from bot.vietnamese", "from bot.retrieval.vietnamese")
                  .replace("from bot.ingestion.chunking import", "from bot.ingestion.sections import"))
        (package / f"{name}.py").write_text(source, encoding="utf-8")
    sys.path.insert(0, str(folder))
    return importlib.import_module("baseline_facts.extract")


def corpus_documents(path: Path = CORPUS) -> list[tuple[str, CleanDocument]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [(row["id"], clean(row["text"])) for row in rows]


def corpus_counts(docs: list[CleanDocument]) -> None:
    start = time.perf_counter()
    obligations = [o for doc in docs for o in extract_facts(doc).obligations]
    elapsed = time.perf_counter() - start
    tasks = [o for o in obligations if o.is_task]
    dated = sum(_dated(o.deadline) for o in tasks)
    print(f"\nCorpus: {len(docs)} văn bản, trích xuất {elapsed:.2f} s (không tính làm sạch)")
    print(f"  Nay:     {len(obligations)} câu có thời hạn → {len(tasks)} nhiệm vụ, "
          f"{sum(1 for o in tasks if o.lead)} có đơn vị chủ trì, "
          f"{sum(1 for o in tasks if o.coordinate)} có đơn vị phối hợp; "
          f"{dated} có ngày, {len(tasks) - dated} chưa có ngày")
    baseline = _baseline_extractor()
    if baseline is None:
        print(f"  Trước:   không đọc được bộ trích xuất của commit {BASELINE}")
        return
    old = [o for doc in docs for o in baseline.extract_facts(doc).obligations]
    old_dated = sum(_dated(o.deadline) for o in old)
    print(f"  Trước ({BASELINE}): {len(old)} nghĩa vụ, {sum(1 for o in old if o.actor)} có chủ thể; "
          f"{old_dated} có ngày, {len(old) - old_dated} chưa có ngày")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list the tuning half's errors")
    args = parser.parse_args()
    docs = corpus_documents() if CORPUS.exists() else []
    issued = {doc_id: doc.meta.issued_date for doc_id, doc in docs}
    paragraphs = {doc_id: body_paragraphs(doc.body) for doc_id, doc in docs}
    subjects = {doc_id: document_unit(doc.body) for doc_id, doc in docs}
    rows = load_rounds()
    labelled = {row["doc_id"] for row in rows}
    stored = {doc_id: extract_facts(doc).obligations for doc_id, doc in docs if doc_id in labelled}
    if rows:
        print(f"Nhãn: {len(rows)} câu từ {len({r['doc_id'] for r in rows})} văn bản; "
              f"mục tiêu precision ≥ {TARGETS['precision']}, recall ≥ {TARGETS['recall']}, "
              f"lead ≥ {TARGETS['lead']}")
        tune_errors: list[str] = []
        for half in ("tune", "held"):
            part = [r for r in rows if r.get("split") == half]
            numbers = sorted({r["round"] for r in part})
            for number in numbers:
                in_round = [r for r in part if r["round"] == number]
                report(f"{half} vòng {number}", in_round, score(in_round, issued, paragraphs, subjects))
            together = score(part, issued, paragraphs, subjects)
            if len(numbers) > 1:
                report(f"{half} mọi vòng", part, together)
            report_kinds(f"{half} mọi vòng", together)
            report(f"{half} qua nạp văn bản", part, score(part, issued, paragraphs, found_for=lambda row: ingested(
                row, stored, paragraphs)))
            if half == "tune":
                tune_errors = together.errors
        if args.errors:
            print(f"\nLỗi trên nửa tune: {len(tune_errors)}")
            for error in tune_errors:
                print("  -", error)
    else:
        print(f"Chưa có nhãn: {LABELS.relative_to(ROOT)}")
    if docs:
        corpus_counts([doc for _, doc in docs])


if __name__ == "__main__":
    main()
