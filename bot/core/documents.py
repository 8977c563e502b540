"""/hanchot, /tieuchi and /vanban: what the ingested documents say, read from the fact store.

The core answers these commands for everyone; the command line's `deadlines` and `criteria`
print the same texts (`document_deadlines`, `criteria_blocks`).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from bot.core.numbers import whole_number
from bot.retrieval.listings import criteria_text, document_deadlines_text, document_name, resolve_documents, \
    upcoming_text

if TYPE_CHECKING:
    from bot.db.facts import FactStore

CRITERIA_USAGE = "Bạn gõ số hiệu văn bản sau lệnh, ví dụ: /tieuchi kh 982 hoặc /tieuchi 982/KH-UBND."
NO_DOCUMENTS = "Chưa có văn bản nào được nạp."
DEFAULT_DAYS = 30
MAX_DAYS = 3650


def deadlines_reply(facts: "FactStore", typed: str, today: date) -> str:
    """/hanchot: the next 30 (or N) days' deadlines, or every deadline of the documents named."""
    arg = typed.strip()
    number = whole_number(arg)
    if not arg or number is not None:
        days = min(number, MAX_DAYS) if number is not None else DEFAULT_DAYS
        return upcoming_text(facts.upcoming_deadlines(today, days), today, days)
    numbers = resolve_documents(facts, arg)
    if not numbers:
        return unknown_document(facts, arg)
    return document_deadlines(facts, numbers, today)


def document_deadlines(facts: "FactStore", numbers: Sequence[str], today: date) -> str:
    """Every deadline of these documents (numbers as `resolve_documents` gives them)."""
    names = [document_name(d) for d in facts.documents() if d.doc_number in numbers]
    return document_deadlines_text(facts.obligations(list(numbers), today), names)


def criteria_reply(facts: "FactStore", typed: str) -> str:
    """/tieuchi: the criteria lists of the documents named."""
    arg = typed.strip()
    if not arg:
        return CRITERIA_USAGE
    numbers = resolve_documents(facts, arg)
    if not numbers:
        return unknown_document(facts, arg)
    return "\n\n".join(criteria_blocks(facts, numbers)) or no_criteria(numbers)


def criteria_blocks(facts: "FactStore", numbers: Sequence[str], budget: int | None = None) -> list[str]:
    """One text per document and kind of list («tiêu chí», «tiêu chuẩn»…), within `budget`
    characters each (the chat's default when None); [] when the documents have none."""
    entries = [e for e in facts.criteria(list(numbers)) if e.criteria.items]
    blocks = []
    for number in numbers:
        own = [e for e in entries if e.doc_number == number]
        for kind in dict.fromkeys(e.criteria.kind for e in own):
            same = [e for e in own if e.criteria.kind is kind]
            blocks.append(criteria_text(same) if budget is None else criteria_text(same, budget=budget))
    return blocks


def no_criteria(numbers: Sequence[str]) -> str:
    return f"Không thấy danh sách tiêu chí, tiêu chuẩn nào trong {', '.join(numbers)}."


def documents_reply(facts: "FactStore") -> str:
    """/vanban: the documents ingested, newest first."""
    docs = facts.documents()
    if not docs:
        return NO_DOCUMENTS
    lines = [f"Tôi đang có {len(docs)} văn bản (mới nhất trước):"]
    for i, d in enumerate(docs, 1):
        when = f", ngày {d.issued_date.day:02d}/{d.issued_date.month:02d}/{d.issued_date.year}" if d.issued_date else ""
        title = f": {d.title}" if d.title else ""
        lines.append(f"{i}. {document_name(d)}{when}{title}")
    return "\n".join(lines)


def unknown_document(facts: "FactStore", typed: str) -> str:
    known = ", ".join(document_name(d) for d in facts.documents()[:8])
    return f"Tôi chưa có văn bản «{typed}». Các văn bản tôi có: {known}. Gõ /vanban để xem đủ."
