"""Turn loaded text (scraped markdown, portal pages, plain files) into a searchable body + metadata.

Order matters: portal banners go first (they contain their own "Số hiệu" tables:
`bot.ingestion.portal`), then the official header and the closing ("Nơi nhận:", signature) are
set aside as metadata (`bot.ingestion.document_parts`), then what remains is re-flowed
(`bot.ingestion.reflow`): hard-wrapped lines joined into paragraphs, markdown tables into
"cell | cell" rows, portal noise dropped. Every pass works on lines normalised by
`bot.ingestion.line_cleaning`.
"""
from __future__ import annotations

from dataclasses import replace

from bot.ingestion import metadata as md
from bot.ingestion.document import CleanDocument
from bot.ingestion.document_parts import split_parts
from bot.ingestion.line_cleaning import ONLY_PUNCT, SENTENCE_END, is_noise, normalize_text, strip_markup
from bot.ingestion.portal import strip_portal
from bot.ingestion.reflow import drop_byline, reflow

__all__ = ["clean", "clean_keeping_text"]


def clean(raw: str) -> CleanDocument:
    """Searchable body (NFC, one paragraph per line) and the metadata set aside from it."""
    raws = normalize_text(raw).split("\n")
    raws, portal = strip_portal(raws)
    pairs = [(r, strip_markup(r)) for r in raws]
    parts = split_parts(pairs)
    lead_raw = "\n".join(t for _, t in parts.body[:12] if t)
    paragraphs = reflow(parts.body)
    if not parts.header:
        paragraphs = drop_byline(paragraphs)
    meta = md.build_meta(header_lines=parts.header, agency_lines=parts.agency,
                         lead=paragraphs[:10], lead_raw=lead_raw, closing=parts.closing,
                         portal=portal)
    if meta.title is None and not parts.header and paragraphs and _looks_like_title(paragraphs[0]):
        meta = replace(meta, title=paragraphs[0])
    return CleanDocument(body="\n".join(paragraphs), meta=meta)


def clean_keeping_text(raw: str) -> tuple[CleanDocument, bool]:
    """clean(), except that a text it would empty entirely keeps its own lines: a whole file
    vanishing is a cleaning bug unless every line is noise. The flag says the text was kept."""
    document = clean(raw)
    if document.body.strip():
        return document, False
    kept = [text for text in (strip_markup(line) for line in normalize_text(raw).split("\n"))
            if text and not is_noise(text) and not ONLY_PUNCT.match(text)]
    if not kept:
        return document, False
    return replace(document, body="\n".join(kept)), True


def _looks_like_title(text: str) -> bool:
    return len(text) <= 200 and not SENTENCE_END.search(text)
