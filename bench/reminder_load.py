"""Reminder load under the task register (issue 13): what officials would receive in 90 days.

Usage:
    .venv/bin/python bench/reminder_load.py [--corpus PATH] [--start 2025-10-01] [--days 90]

The whole shared corpus (../shared/corpus/official-docs.jsonl) is written to a temporary folder
and its facts are stored as ingestion stores them (load_text → clean_keeping_text →
extract_facts → FactStore.replace_document), without embedding anything, in a temporary SQLite
database. 30 units of three kinds (12 `so` departments whose names the corpus uses, 12 `ubnd_xa`
communes and wards, 6 `nganh` agencies) get one reporter each, registered through an invite code
with a Telegram account (so each is a reminder recipient). Then, in two databases holding the
same facts, units and officials:

- register: `TaskRegister.sync()` proposes every document's tasks with the units their actors
  resolve to, and every proposal is tracked as proposed (the secretariat's «Theo dõi tất cả» on
  every document);
- baseline (the planner before the register, measured in the same run): every extracted
  obligation with a concrete date — task or not — is tracked, and `BaselinePlanner` (today's
  planner whose obligations are all assigned to every active unit) plans it. That is exactly
  what the old planner did (`tracked_obligations` over `FactStore.upcoming_deadlines`, one
  reminder per obligation occurrence and slot to every official of every active unit).

`ReminderPlanner.tick` runs once a day at the reminder hour (Vietnam time) from --start for
--days days (every slot falls on that hour, so one tick a day sees every reminder), and the rows
it writes to the outbox are counted per official and day: mean reminders per official per day,
the worst official-day, days with any reminder; and, for the register, the share of reminders
that reach an official whose unit the task does not name (must be 0) and the tracked tasks that
have no unit at all (they reach nobody until the secretariat assigns them by hand).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time as clock, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, select  # noqa: E402

from bot.config import Settings, load_settings  # noqa: E402
from bot.core.clock import VIETNAM  # noqa: E402
from bot.db.engine import connect  # noqa: E402
from bot.db.facts import FactStore  # noqa: E402
from bot.db.models.delivery import OutboxMessage  # noqa: E402
from bot.db.outbox import Outbox  # noqa: E402
from bot.db.people import PeopleStore, Role, UnitSpec  # noqa: E402
from bot.db.tasks import TaskRecord, TaskStatus, TaskStore  # noqa: E402
from bot.facts.extract import extract_facts  # noqa: E402
from bot.facts.model import DocumentFacts  # noqa: E402
from bot.features.reminder_plan import ReminderPlanner  # noqa: E402
from bot.ingestion.cleaning import clean_keeping_text  # noqa: E402
from bot.ingestion.document import DocumentMeta, LoadError  # noqa: E402
from bot.ingestion.loaders import load_text  # noqa: E402
from bot.ingestion.pipeline import discover  # noqa: E402
from bot.services.obligations import TrackedObligation, obligation_key  # noqa: E402
from bot.services.tasks import TaskRegister  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "official-docs.jsonl"
DEFAULT_START = date(2025, 10, 1)
# The issue's measure of the planner before the register (20 units, one official each).
ISSUE_BEFORE = "606 nhắc/cán bộ trong 90 ngày, 6.7/ngày, ngày nặng nhất 29, 75/90 ngày có nhắc (20 đơn vị)"

# (code, name, kind, aliases). Department names as the corpus writes them; communes and wards
# as a province's units file would list them.
UNITS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("SNV", "Sở Nội vụ", "so", ("SNV",)),
    ("STC", "Sở Tài chính", "so", ("STC",)),
    ("SYT", "Sở Y tế", "so", ("SYT",)),
    ("SGDDT", "Sở Giáo dục và Đào tạo", "so", ("Sở GDĐT", "Sở GD&ĐT")),
    ("STP", "Sở Tư pháp", "so", ()),
    ("SXD", "Sở Xây dựng", "so", ()),
    ("SCT", "Sở Công Thương", "so", ()),
    ("SKHCN", "Sở Khoa học và Công nghệ", "so", ("Sở KH&CN", "Sở KHCN")),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", "so", ("Sở NN&MT", "Sở NNMT")),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "so", ("Sở VHTTDL",)),
    ("SDTTG", "Sở Dân tộc và Tôn giáo", "so", ("Sở DTTG",)),
    ("SNGV", "Sở Ngoại vụ", "so", ()),
    ("XA-TANPHU", "UBND xã Tân Phú", "ubnd_xa", ()),
    ("XA-PHUKHE", "UBND xã Phù Khê", "ubnd_xa", ()),
    ("XA-HOAVANG", "UBND xã Hòa Vang", "ubnd_xa", ()),
    ("XA-BANA", "UBND xã Bà Nà", "ubnd_xa", ()),
    ("XA-TAMDAO", "UBND xã Tam Đảo", "ubnd_xa", ()),
    ("XA-DAILOC", "UBND xã Đại Lộc", "ubnd_xa", ()),
    ("PH-HOABINH", "UBND phường Hòa Bình", "ubnd_xa", ()),
    ("PH-HAICHAU", "UBND phường Hải Châu", "ubnd_xa", ()),
    ("PH-THANHKHE", "UBND phường Thanh Khê", "ubnd_xa", ()),
    ("PH-CAMLE", "UBND phường Cẩm Lệ", "ubnd_xa", ()),
    ("PH-THUANHOA", "UBND phường Thuận Hóa", "ubnd_xa", ()),
    ("PH-BENTHANH", "UBND phường Bến Thành", "ubnd_xa", ()),
    ("CA", "Công an tỉnh", "nganh", ()),
    ("BCHQS", "Bộ Chỉ huy Quân sự tỉnh", "nganh", ("Bộ CHQS tỉnh",)),
    ("THUE", "Thuế tỉnh", "nganh", ("Cục Thuế",)),
    ("KBNN", "Kho bạc Nhà nước khu vực", "nganh", ("Kho bạc Nhà nước",)),
    ("BHXH", "Bảo hiểm xã hội tỉnh", "nganh", ()),
    ("NHNN", "Ngân hàng Nhà nước chi nhánh tỉnh", "nganh", ("Ngân hàng Nhà nước",)),
)
KIND_NAMES = {"so": "sở (12)", "ubnd_xa": "xã, phường (12)", "nganh": "ngành (6)"}


# -- the documents, as ingestion stores their facts ---------------------------------------------

@dataclass(frozen=True)
class Extracted:
    source: str
    meta: DocumentMeta
    facts: DocumentFacts


def extract_corpus(corpus: Path, folder: Path, settings: Settings) -> tuple[list[Extracted], list[str]]:
    """Each corpus document written as `<id>.md` and read back the way `Ingestor` reads it for
    the fact store (the embedding half of ingestion is skipped: facts do not need it)."""
    folder.mkdir(parents=True)
    for line in corpus.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            (folder / f"{row['id']}.md").write_text(row["text"], encoding="utf-8")
    max_bytes = int(settings.ingest.max_file_mb * 1024 * 1024)
    found, failed = [], []
    for path in discover(folder):
        rel = path.relative_to(folder).as_posix()
        try:
            document, _ = clean_keeping_text(load_text(path, max_bytes))
        except LoadError as exc:
            failed.append(f"{rel}: {exc}")
            continue
        found.append(Extracted(rel, document.meta,
                               extract_facts(document, settings.tasks.delivery_margin_days)))
    return found, failed


def populate(engine: Engine, documents: list[Extracted]) -> dict[int, tuple[int, str]]:
    """Facts, units and one Telegram-registered reporter per unit; official id -> (unit id, kind)."""
    facts = FactStore(engine)
    for doc in documents:
        facts.replace_document(doc.source, doc.meta, "bench", doc.facts)
    people = PeopleStore(engine)
    people.import_units(UnitSpec(code, name, kind, aliases) for code, name, kind, aliases in UNITS)
    officials = {}
    for i, (code, _, kind, _) in enumerate(UNITS):
        invite = people.create_invite(code, Role.REPORTER)
        user = str(900_000 + i)
        member = people.register("telegram", user, user, f"Cán bộ {code}", invite.code)
        assert member.unit is not None
        officials[member.official_id] = (member.unit.id, kind)
    return officials


# -- the two ways of choosing what is reminded ---------------------------------------------------

def track_register(engine: Engine, settings: Settings) -> tuple[TaskRegister, list[str], int]:
    """The register: sync proposes, the secretariat tracks every proposal as it stands.
    (register, tracked keys, documents with tasks)."""
    register = TaskRegister(engine, settings)
    documents = register.sync()
    keys = [t.key for doc in documents for t in doc.tasks if t.status is TaskStatus.PROPOSED]
    register.track(keys, by=None, channel="bench")
    return register, keys, len(documents)


def track_baseline(engine: Engine) -> int:
    """Today's baseline, the planner before the register: every obligation with a concrete date,
    task or not, whatever its actor, tracked. Keys are the old planner's (document number or
    source, action, deadline words), a repeated statement counting once, as it did. The units are
    left empty here: `BaselinePlanner` gives every obligation every active unit when it plans, so
    the same planner code plans both runs and only what is tracked, and for whom, differs.
    (Storing 30 unit rows per task instead gives the same reminders, 3× slower.) How many."""
    facts, store = FactStore(engine), TaskStore(engine)
    records = []
    for entry in facts.upcoming_deadlines(date(1900, 1, 1), days=None):  # every dated obligation
        o = entry.obligation
        records.append(TaskRecord(key=obligation_key(entry.doc_number or entry.source, o.action, o.deadline.text),
                                  source=entry.source, doc_number=entry.doc_number, action=o.action,
                                  deadline=o.deadline, quote=o.quote, section=o.section, actor=o.actor,
                                  status=TaskStatus.TRACKED))
    return store.add(records)


class BaselinePlanner(ReminderPlanner):
    """The planner before the register: every tracked obligation reaches every official of
    every active unit (what `tick` did before it checked the task's units)."""

    def obligations(self, today: date, unit_id: int | None = None) -> list[TrackedObligation]:
        every = frozenset(u.id for u in self.people.units() if u.active)
        return [replace(o, units=every, lead=tuple(every)) for o in super().obligations(today, unit_id)]


# -- ninety days of ticks ------------------------------------------------------------------------

@dataclass
class Load:
    """Reminder rows the planner wrote, by official and day."""

    days: int
    officials: dict[int, tuple[int, str]]
    per_day: dict[int, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))  # official -> day -> n
    rows: list[tuple[int, str]] = field(default_factory=list)  # (official id, task key)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return len(self.rows)

    def counts(self, officials: Iterable[int]) -> list[list[int]]:
        return [[self.per_day[o][d] for d in range(self.days)] for o in officials]


def simulate(engine: Engine, settings: Settings, officials: dict[int, tuple[int, str]],
             start: date, days: int, planner_class: type[ReminderPlanner] = ReminderPlanner) -> Load:
    planner = planner_class(engine, FactStore(engine), PeopleStore(engine), Outbox(engine), settings)
    load = Load(days, officials)
    with engine.connect() as connection:
        last = connection.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()).limit(1)) or 0
    started = time.perf_counter()
    for d in range(days):
        planner.tick(datetime.combine(start + timedelta(days=d), clock(settings.reminders.hour, tzinfo=VIETNAM)))
        with engine.connect() as connection:
            new = connection.execute(select(OutboxMessage.id, OutboxMessage.official_id,
                                            OutboxMessage.dedupe_key)
                                     .where(OutboxMessage.id > last).order_by(OutboxMessage.id)).all()
        for row_id, official_id, dedupe in new:
            assert dedupe.startswith("rem:"), dedupe
            load.per_day[official_id][d] += 1
            load.rows.append((official_id, dedupe.split(":")[1]))
            last = row_id
    load.seconds = time.perf_counter() - started
    return load


# -- printing ------------------------------------------------------------------------------------

def show(label: str, register: str, baseline: str = "") -> None:
    print(f"  {label:<50}{register:>22}{baseline:>22}", flush=True)


def figures(load: Load, officials: Iterable[int]) -> dict[str, float]:
    rows = load.counts(officials)
    if not rows:
        return {}
    totals = [sum(r) for r in rows]
    with_any = [sum(1 for n in r if n) for r in rows]
    return {
        "mean": sum(totals) / (len(rows) * load.days),
        "worst": max(max(r) for r in rows),
        "total_mean": statistics.mean(totals), "total_max": max(totals), "total_min": min(totals),
        "days_mean": statistics.mean(with_any), "days_max": max(with_any),
        "days_any": sum(1 for d in range(load.days) if any(r[d] for r in rows)),
        "silent": sum(1 for t in totals if t == 0),
    }


def number(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def report(register_load: Load, baseline_load: Load, args: argparse.Namespace) -> None:
    everyone = sorted(register_load.officials)
    new, old = figures(register_load, everyone), figures(baseline_load, everyone)
    show("", "sổ nhiệm vụ (nay)", "mốc: trước sổ")
    show("nhắc việc trong kỳ (mọi cán bộ)", f"{register_load.total:,}", f"{baseline_load.total:,}")
    show("nhắc/cán bộ/ngày: trung bình", number(new["mean"], 2), number(old["mean"], 2))
    show("nhắc/cán bộ/ngày: ngày nặng nhất (1 cán bộ)", f"{new['worst']:.0f}", f"{old['worst']:.0f}")
    show("nhắc/cán bộ trong kỳ: trung bình", number(new["total_mean"]), number(old["total_mean"]))
    show("nhắc/cán bộ trong kỳ: ít nhất – nhiều nhất",
         f"{new['total_min']:.0f} – {new['total_max']:.0f}", f"{old['total_min']:.0f} – {old['total_max']:.0f}")
    show(f"ngày có nhắc/cán bộ (trên {args.days}): trung bình",
         number(new["days_mean"]), number(old["days_mean"]))
    show(f"ngày có nhắc/cán bộ (trên {args.days}): nhiều nhất", f"{new['days_max']:.0f}", f"{old['days_max']:.0f}")
    show("ngày có nhắc cho ít nhất một cán bộ", f"{new['days_any']:.0f}", f"{old['days_any']:.0f}")
    show("cán bộ không nhận nhắc nào", f"{new['silent']:.0f}", f"{old['silent']:.0f}")
    print("  theo loại đơn vị (trung bình/ngày · ngày nặng nhất · ngày có nhắc trung bình):")
    for kind, name in KIND_NAMES.items():
        mine = [o for o in everyone if register_load.officials[o][1] == kind]
        a, b = figures(register_load, mine), figures(baseline_load, mine)
        show(f"  {name}", f"{number(a['mean'], 2)} · {a['worst']:.0f} · {number(a['days_mean'], 0)}",
             f"{number(b['mean'], 2)} · {b['worst']:.0f} · {number(b['days_mean'], 0)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--start", type=date.fromisoformat, default=DEFAULT_START)
    parser.add_argument("--days", type=int, default=90)
    args = parser.parse_args()
    if not args.corpus.exists():
        print(f"Không thấy corpus: {args.corpus}", file=sys.stderr)
        return 1
    settings = load_settings(environ={})  # the shipped config.yaml, no environment overrides
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        documents, failed = extract_corpus(args.corpus, folder / "knowledge", settings)
        extracted = time.perf_counter() - started
        engines = {name: connect(f"sqlite:///{folder / name}.db") for name in ("register", "baseline")}
        try:
            officials = populate(engines["register"], documents)
            assert populate(engines["baseline"], documents) == officials
            register, tracked, with_tasks = track_register(engines["register"], settings)
            baseline_tracked = track_baseline(engines["baseline"])
            # The one message per document and official when tracking starts (not a reminder).
            announced = register.announce_tracking(Outbox(engines["register"]), tracked, args.start)
            loads = {"register": simulate(engines["register"], settings, officials, args.start, args.days),
                     "baseline": simulate(engines["baseline"], settings, officials, args.start, args.days,
                                          BaselinePlanner)}
            records = {r.key: r for r in register.store.records(status=TaskStatus.TRACKED)}
            unit_of = {o: u for o, (u, _) in officials.items()}
            outside = sum(1 for official, key in loads["register"].rows
                          if unit_of[official] not in register.assigned(records[key]))
            coordinating = sum(1 for official, key in loads["register"].rows
                               if unit_of[official] not in records[key].lead)
            reminded_keys = {key for _, key in loads["register"].rows}
            end = args.start + timedelta(days=args.days)
            unassigned = [r for r in records.values() if not register.assigned(r)]
            unassigned_due = [r for r in unassigned
                              if (due := r.deadline.next_due(args.start)) is not None and due <= end]
            no_actor = sum(1 for r in unassigned if not r.actor)
            unmatched = Counter(r.actor for r in unassigned if r.actor)
            dated = sum(1 for r in records.values() if r.deadline.next_due(date(1900, 1, 1)) is not None)
            obligations = sum(len(d.facts.obligations) for d in documents)
            tasks = sum(1 for d in documents for o in d.facts.obligations if o.is_task)
        finally:
            for engine in engines.values():
                engine.dispose()

    hour = settings.reminders.hour
    print(f"Corpus: {len(documents)} văn bản ({len(failed)} lỗi), {obligations:,} câu có thời hạn, "
          f"{tasks:,} đọc là nhiệm vụ; làm sạch + trích xuất {extracted:.1f} s (không mã hoá)")
    for problem in failed:
        print(f"  lỗi: {problem}")
    print(f"Đơn vị: {len(UNITS)} (12 sở, 12 xã/phường, 6 ngành), mỗi đơn vị 1 cán bộ báo cáo (Telegram)")
    print(f"Sổ nhiệm vụ: {len(tracked):,} nhiệm vụ đề xuất từ {with_tasks} văn bản (câu lặp gộp một), "
          f"theo dõi tất cả như đề xuất; {dated:,} có ngày cụ thể")
    print(f"Mốc (trước sổ): {baseline_tracked:,} câu có ngày cụ thể (nhiệm vụ hay không), mỗi câu tới mọi đơn vị")
    print(f"Lập lịch nhắc {args.days} ngày từ {args.start:%d/%m/%Y}, mỗi ngày lúc {hour:02d}:00 giờ Việt Nam "
          f"(nhắc trước {settings.reminders.offsets_days} ngày, quá hạn +{settings.reminders.overdue_days}); "
          f"{loads['register'].seconds:.1f} s + {loads['baseline'].seconds:.1f} s\n")
    report(loads["register"], loads["baseline"], args)
    rows = loads["register"].total
    print()
    print(f"Nhắc tới đơn vị mà nhiệm vụ không giao: {outside} / {rows:,} = "
          f"{outside / rows if rows else 0:.1%}  (phải bằng 0)  {'ĐẠT' if outside == 0 else 'SAI'}")
    print(f"Nhắc tới đơn vị phối hợp, không chủ trì (tasks.include_coordinating = "
          f"{str(settings.tasks.include_coordinating).lower()}): {coordinating:,} / {rows:,} = "
          f"{coordinating / rows if rows else 0:.1%}")
    print(f"Nhiệm vụ được nhắc trong kỳ: {len(reminded_keys):,} / {len(records):,} đang theo dõi")
    print(f"Nhiệm vụ đang theo dõi chưa có đơn vị: {len(unassigned):,} / {len(records):,} "
          f"({len(unassigned_due):,} có hạn trong kỳ) — không ai được nhắc; văn phòng giao tay "
          f"(/nhiemvu hoặc `python -m bot tasks assign KEY --lead MÃ`)")
    common = "; ".join(f"«{actor[:60]}» {n}" for actor, n in unmatched.most_common(5))
    print(f"  không có chủ thể: {no_actor:,}; chủ thể không khớp đơn vị nào: {sum(unmatched.values()):,} "
          f"(nhiều nhất: {common})")
    per_official = announced / len(officials) if officials else 0
    print(f"Ngoài nhắc việc: tin «bắt đầu theo dõi» (1 lần mỗi văn bản và cán bộ): {announced:,} tin, "
          f"{number(per_official)}/cán bộ")
    print(f"Bối cảnh, issue 13 (bộ lập lịch cũ): {ISSUE_BEFORE}")
    return 0 if outside == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
