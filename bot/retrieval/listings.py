"""The deadline and criteria tables as people read them (`/hanchot`, `/tieuchi`, the CLI).

Every line copies the document's own words (the deadline as stated, the action, the criteria)
and names its source; normalised dates are shown beside the words, never instead of them.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from bot.retrieval.doc_refs import find_refs, matching
from bot.facts.model import Deadline, DeadlineKind
from bot.retrieval.search import Passage

if TYPE_CHECKING:
    from bot.db.facts import CriteriaEntry, DeadlineEntry, DocumentRef, FactStore, ObligationEntry

LIST_CHARS = 1800   # criteria shown in one reply, before "còn N mục"
ITEM_CHARS = 220    # one criterion or action, shortened at a word boundary


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def day(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def document_name(ref: "DocumentRef") -> str:
    return _as_passage(ref).document_name()


def citation(ref: "DocumentRef", section: str = "") -> str:
    return _as_passage(ref, section).citation()


def _as_passage(ref: "DocumentRef", section: str = "") -> Passage:
    return Passage(text="", score=0.0, source=ref.source, section=section, doc_number=ref.doc_number,
                   doc_type=ref.doc_type, issuer=ref.issuer, issued_date=ref.issued_date)


def resolve_documents(facts: "FactStore", typed: str) -> list[str]:
    """The stored document numbers a typed reference names ("kh 0125", "17/CT-BTTTT")."""
    numbers = [d.doc_number for d in facts.documents() if d.doc_number]
    exact = [n for n in numbers if n.casefold() == typed.strip().casefold()]
    return exact or matching(find_refs(typed), numbers)


# -- deadlines ----------------------------------------------------------------------------------

_DAILY = re.compile(r"\bh[ằà]ng\s+ngày\b", re.IGNORECASE)


def rhythm(deadline: Deadline) -> str:
    """How a deadline repeats, in words: "hằng năm", "hằng quý", "" for a one-off."""
    if deadline.kind is DeadlineKind.RECURRING:
        return "hằng năm"
    if deadline.kind is DeadlineKind.PERIODIC:
        months = {1: "hằng tháng", 3: "hằng quý", 6: "6 tháng một lần", 12: "hằng năm"}
        if deadline.period_months:
            return months.get(deadline.period_months, f"{deadline.period_months} tháng một lần")
        if deadline.period_days == 7:
            return "hằng tuần"
        if deadline.period_days == 1 or _DAILY.search(deadline.text):
            return "hằng ngày"  # a daily routine states no period of its own
        return f"{deadline.period_days} ngày một lần" if deadline.period_days else "định kỳ"
    return ""


def deadline_line(entry: "DeadlineEntry | ObligationEntry") -> str:
    """"31/03/2026 — Gửi hồ sơ về Sở Nội vụ («trước ngày 31/3/2026»). Kế hoạch 0125/KH-UBND, mục V.2." """
    o = entry.obligation
    if entry.next_due:
        when = day(entry.next_due)
    else:  # a one-off date that has passed, or a rhythm without a day
        when = f"{day(o.deadline.due)} (đã qua)" if o.deadline.due else "chưa rõ ngày"
    repeat = rhythm(o.deadline)
    action = shorten(o.action, ITEM_CHARS) or shorten(o.quote, ITEM_CHARS)
    who = f" [{o.actor}]" if o.actor else ""
    stated = f"«{o.deadline.text}»" + (f", {repeat}" if repeat and repeat not in o.deadline.text else "")
    place = f"{document_name(entry)}" + (f", mục {o.section}" if o.section else "")
    return f"{when} — {action[0].upper()}{action[1:]}{who} ({stated}). {place}."


def upcoming_text(entries: Sequence["DeadlineEntry"], today: date, days: int | None) -> str:
    span = f"trong {days} ngày tới" if days is not None else "sắp tới"
    if not entries:
        return f"Không có thời hạn nào {span} (tính từ {day(today)}) trong các văn bản đã nạp."
    lines = [f"Các thời hạn {span} (tính từ {day(today)}):"]
    lines += [f"{i}. {deadline_line(e)}" for i, e in enumerate(entries, 1)]
    return "\n".join(lines)


def document_deadlines_text(entries: Sequence["ObligationEntry"], names: Sequence[str]) -> str:
    if not entries:
        return f"Không thấy thời hạn nào được nêu trong {', '.join(names)}."
    lines = [f"Các thời hạn trong {', '.join(names)}:"]
    lines += [f"{i}. {deadline_line(e)}" for i, e in enumerate(entries, 1)]
    return "\n".join(lines)


# -- criteria -----------------------------------------------------------------------------------

def criteria_text(entries: Sequence["CriteriaEntry"], budget: int = LIST_CHARS) -> str:
    """Criteria lists of one document, grouped by their headings, within a size budget."""
    first = entries[0]
    kind = first.criteria.kind.value
    lines = [f"{kind[0].upper()}{kind[1:]} trong {document_name(first)}:"]
    for n, entry in enumerate(entries):
        if budget <= 0:
            rest = "; ".join(f"{shorten(e.criteria.heading.rstrip(' :'), 80)} ({len(e.criteria.items)} mục)"
                             for e in entries[n:])
            lines.append(f"Còn: {rest} — hỏi cụ thể nhóm cần xem, ví dụ «{kind} đối với cá nhân».")
            break
        lines.append(shorten(entry.criteria.heading.rstrip(" :"), ITEM_CHARS) + ":")
        items = entry.criteria.items
        for i, item in enumerate(items, 1):
            if budget <= 0:
                lines.append(f"  (còn {len(items) - i + 1} mục nữa trong văn bản)")
                break
            line = f"  {i}. {shorten(item, ITEM_CHARS)}"
            lines.append(line)
            budget -= len(line)
    lines.append(f"— {citation(first, common_section(entries))}.")
    return "\n".join(lines)


def common_section(entries: Sequence["CriteriaEntry"]) -> str:
    paths = [e.criteria.section.split(" > ") for e in entries if e.criteria.section]
    common: list[str] = []
    for parts in zip(*paths):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return " > ".join(common)
