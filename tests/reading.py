"""How the task tests read a sentence or a document body: as ingestion does, on one issue date."""
from __future__ import annotations

from datetime import date

from bot.facts.extract import extract_facts, sentence_obligations
from bot.facts.model import Obligation
from bot.ingestion.document import CleanDocument, DocumentMeta

ISSUED = date(2025, 11, 20)  # a Thursday


def tasks_in(sentence: str, section: str = "") -> list[Obligation]:
    """The tasks one sentence states under its section, its looser time phrases counted."""
    return [o for o in sentence_obligations(sentence, ISSUED, section, loose=True) if o.is_task]


def obligations_in(body: str, margin: int = 3) -> tuple[Obligation, ...]:
    """Every obligation of a document body, read as ingestion reads it."""
    return extract_facts(CleanDocument(body, DocumentMeta(issued_date=ISSUED)), margin).obligations
