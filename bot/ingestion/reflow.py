"""A body's lines re-flowed: hard-wrapped lines joined into paragraphs, markdown tables into
"cell | cell" rows, repeated titles, stray fragments and portal noise dropped.

Lines come as (raw line, text line) pairs: the raw line keeps the markdown marks (emphasis,
table pipes) that tell where a paragraph or a row starts.
"""
from __future__ import annotations

import re

from bot.ingestion import metadata as md
from bot.ingestion.document_parts import is_name
from bot.ingestion.line_cleaning import DASH_RULE, ONLY_PUNCT, SENTENCE_END, SPACES, is_caps, is_noise

__all__ = ["drop_byline", "reflow"]

_TABLE_SEPARATOR_CELL = re.compile(r"^:?-{2,}:?$")
_STRAY_FRAGMENT = re.compile(r"^[a-zà-ỹđ]{1,5}$")
_UPPER_START = r"[\"“(‘'0-9A-ZĐÀ-Ỹ]"
_NEW_ITEM = re.compile(
    r"^(?:[IVXLC]+\.\s|Điều\s+\d+[a-zđ]?\s*[.:]|Chương\s+[IVXLC\d]+\b|Mục\s+\d+\b|Phần\s+(?:thứ|[IVXLC\d])"
    r"|Khoản\s+\d+\.|\d+(?:\.\d+)*[.)]\s*" + _UPPER_START + r"|[a-zđ]\)\s*" + _UPPER_START
    + r"|[-+•–]\s*" + _UPPER_START + r")")
_ROW_MARK = "\x00row"
# A line cut after a word no sentence ends with («… được quy định tại» / «Mục 2 Phần XI của …»): the next
# line goes on with it, even where it opens like a heading or an item's number; a dash still opens an item.
_CUT_AFTER = re.compile(r"\b(?:tại|theo|của|và|hoặc|về|với|cho|đến|từ|trong|là|được|bởi|do|các|những|như|thuộc)$")


def reflow(pairs: list[tuple[str, str]]) -> list[str]:
    """The body's paragraphs and table rows, one a line, tidied."""
    pairs = [(r, "" if is_noise(t) else t) for r, t in pairs]
    return _tidy(_assemble(_drop_leading_fragment(_drop_repeats(pairs))))


def _drop_repeats(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A title printed twice in a row (portal heading + article heading) keeps one copy."""
    out: list[tuple[str, str]] = []
    last = None
    for raw, text in pairs:
        if text and text == last and text != "|":
            continue
        out.append((raw, text))
        if text:
            last = text
    return out


def _drop_leading_fragment(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A scrape cut mid-word leaves a lower-case stub ("uct") before the first real line."""
    for i, (_, text) in enumerate(pairs):
        if not text:
            continue
        if _STRAY_FRAGMENT.match(text):
            return pairs[:i] + [("", "")] + pairs[i + 1:]
        return pairs
    return pairs


def _assemble(pairs: list[tuple[str, str]]) -> list[str]:
    """Paragraphs and table rows from the body lines."""
    pairs = [_inline_row(r, t) for r, t in pairs]
    out: list[str] = []
    row: list[str] = []
    segment: list[tuple[str, str]] = []
    pipes = 0
    bounded = False  # the current segment follows a pipe line

    def close_segment(after_pipes: int) -> None:
        nonlocal bounded
        paragraphs = _unwrap(segment)
        if bounded and after_pipes and len(paragraphs) == 1:
            row.append(paragraphs[0])
        else:
            _flush_row(row, out)
            out.extend(paragraphs)
        segment.clear()

    for raw, text in pairs:
        if text == "|":
            pipes += 1
            continue
        if pipes:
            close_segment(pipes)
            if pipes >= 2:
                _flush_row(row, out)
            bounded, pipes = True, 0
        segment.append((raw, text))
    close_segment(pipes)
    _flush_row(row, out)
    return out


def _inline_row(raw: str, text: str) -> tuple[str, str]:
    """"| a | b |" or "a | b |" as one row; "|---|---|" rows disappear."""
    if "|" not in text or text == "|":
        return raw, text
    cells = [c.strip() for c in text.strip().strip("|").split("|")]
    if cells and all(_TABLE_SEPARATOR_CELL.match(c) or not c for c in cells) and text.count("|") > 1:
        return raw, ""
    cells = [DASH_RULE.sub("", c).strip() for c in cells]
    cells = [c for c in cells if c and not _TABLE_SEPARATOR_CELL.match(c)]
    return _ROW_MARK, " | ".join(cells)


def _flush_row(row: list[str], out: list[str]) -> None:
    cells = [c for c in row if not ONLY_PUNCT.match(c)]
    if cells:
        out.append(" | ".join(cells))
    row.clear()


def _unwrap(lines: list[tuple[str, str]]) -> list[str]:
    """Join hard-wrapped lines; a paragraph ends at a blank line, a sentence end or a new item."""
    paragraphs: list[str] = []
    current: list[str] = []
    prev_raw, prev_text = "", ""
    for raw, text in lines:
        if not text:
            _flush(current, paragraphs)
            prev_raw, prev_text = "", ""
            continue
        if current and _starts_paragraph(prev_raw, prev_text, raw, text):
            _flush(current, paragraphs)
        current.append(text)
        prev_raw, prev_text = raw, text
    _flush(current, paragraphs)
    return paragraphs


def _flush(current: list[str], paragraphs: list[str]) -> None:
    if current:
        paragraphs.append(" ".join(current))
        current.clear()


def _starts_paragraph(prev_raw: str, prev: str, raw: str, text: str) -> bool:
    if _ROW_MARK in (prev_raw, raw):
        return True
    if SENTENCE_END.search(prev):
        return True
    if text[:1].islower() and not _NEW_ITEM.match(text):
        return False  # a sentence going on, even where emphasis marks open or close the line
    if prev_raw.rstrip().endswith("*"):
        return True
    if raw.lstrip().startswith(("*", "#")) and not raw.lstrip().startswith("* "):
        return True
    if _CUT_AFTER.search(prev) and not text.startswith(("-", "+", "•", "–")):
        return False
    if _NEW_ITEM.match(text) or md.is_type_heading(prev) or md.is_type_heading(text):
        return True
    return is_caps(prev) != is_caps(text)


def _tidy(paragraphs: list[str]) -> list[str]:
    out: list[str] = []
    for paragraph in paragraphs:
        text = SPACES.sub(" ", paragraph).strip()
        text = re.sub(r"\s+([,.;:])(?=\s|$)", r"\1", text)
        if not text or ONLY_PUNCT.match(text) or is_noise(text):
            continue
        if out and out[-1] == text:
            continue
        out.append(text)
    return out


def drop_byline(paragraphs: list[str]) -> list[str]:
    """An article's last line is often just the reporter's name ("Thúy Hằng")."""
    if len(paragraphs) > 1 and is_name(paragraphs[-1]) and len(paragraphs[-1].split()) <= 4:
        return paragraphs[:-1]
    return paragraphs
