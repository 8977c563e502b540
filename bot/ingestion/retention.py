"""How much of a document's body text reaches the store: the check behind issue #18.

A body line is a source line of at least BODY_LINE_CHARS characters (after the cleaner's own
NFC, whitespace and markdown normalisation; table rows are taken cell by cell) that lies outside
the blocks a document legitimately loses, recognised by their shape and place rather than by the
cleaner's decisions: the legal portal's preamble and trailer, the header block at the top
(agency, motto, «Số: …», place and date, «V/v …»), the «Nơi nhận:» list and signature lines at
the end, and line-level portal noise. Every body line must appear, whole, in the text of the
chunks that ingestion stores; the lines that do not are listed.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.ingestion import metadata as md
from bot.ingestion.boilerplate import is_boilerplate
from bot.ingestion.chunking import split_into_chunks
from bot.ingestion.cleaning import clean_keeping_text
from bot.ingestion.document_parts import is_recipients_heading, is_signature_role
from bot.ingestion.line_cleaning import is_noise, normalize_text, strip_markup
from bot.ingestion.portal import strip_portal
from bot.ingestion.loaders import load_text
from bot.ingestion.pipeline import discover

BODY_LINE_CHARS = 30
HEADER_SEARCH_LINES = 15   # the motto or «Số:» sits among a document's first content lines
HEADER_MAX_LINES = 25      # ... and the header block ends within this many lines of it
SIGNATURE_TAIL_LINES = 30  # signature role lines are looked for this close to the end
SIGNATURE_MAX_LINES = 10   # role, title, "(đã ký)" and name lines

_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:])(?=\s|$)")
_RULE = re.compile(r"-{3,}")  # as the cleaner drops them from table cells
_NUMBER_CELL = re.compile(r"^(?:Luật\s+)?Số\s*:", re.IGNORECASE)
_SUBJECT_CELL = re.compile(r"^(?:V/v\b|Về\s)", re.IGNORECASE)  # the trích yếu: «V/v …» or «Về …»
_LIST_ITEM = re.compile(r"^[-+•–]")
_NAME = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]*\.?\s+){1,5}[A-ZĐÀ-Ỹ][a-zà-ỹđ]+$")
_PLACE_DATE_CELL = re.compile(r"^[^\d,;.]{2,40},\s*ngày\b", re.IGNORECASE)

TokenCounter = Callable[[str], int]


@dataclass(frozen=True)
class LostLine:
    source: str
    text: str


@dataclass
class Retention:
    """Body lines counted and kept over a set of documents, with every line lost."""

    documents: int = 0
    body_lines: int = 0
    kept_lines: int = 0
    lost: list[LostLine] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # documents that produced no chunk at all

    @property
    def share(self) -> float:
        return self.kept_lines / self.body_lines if self.body_lines else 1.0

    def summary(self) -> str:
        return (f"{self.kept_lines} / {self.body_lines} body lines kept ({self.share:.3%}) in "
                f"{self.documents} documents, {len(self.dropped)} documents left out")


def load_folder(folder: Path, max_bytes: int) -> Iterator[tuple[str, str]]:
    """(relative name, loaded text) of every file ingestion would read from the folder."""
    for path in discover(folder):
        yield path.relative_to(folder).as_posix(), load_text(path, max_bytes)


def approximate_tokens(text: str) -> int:
    """A tokenizer-free stand-in for chunking: about two tokens per Vietnamese syllable."""
    return 2 * len(text.split())


def measure_retention(documents: Iterable[tuple[str, str]], max_tokens: int, min_chars: int,
                      count_tokens: TokenCounter = approximate_tokens) -> Retention:
    """Clean and chunk each (name, loaded text) as ingestion does; count the body lines kept."""
    result = Retention()
    for name, text in documents:
        document, _ = clean_keeping_text(text)
        chunks = split_into_chunks(document.body, max_tokens, count_tokens, min_chars)
        chunks = [c for c in chunks if not is_boilerplate(c.text)] or chunks  # as ingestion stores them
        lines = body_lines(text)
        lost = lost_lines(lines, [chunk.text for chunk in chunks])
        result.documents += 1
        result.body_lines += len(lines)
        result.kept_lines += len(lines) - len(lost)
        result.lost.extend(LostLine(name, line) for line in lost)
        if not chunks:
            result.dropped.append(name)
    return result


def lost_lines(lines: list[str], chunk_texts: list[str]) -> list[str]:
    """The body lines not found whole in the stored text (chunks joined: a line may span two)."""
    stored = comparable(" ".join(chunk_texts))
    return [line for line in lines if line not in stored]


def comparable(text: str) -> str:
    """Whitespace collapsed and no space before punctuation, as the cleaner writes paragraphs."""
    return _SPACE_BEFORE_PUNCT.sub(r"\1", _SPACES.sub(" ", text)).strip()


def body_lines(text: str) -> list[str]:
    """Every body line (comparable form) of a loaded text, outside the blocks it may lose."""
    lines, _ = strip_portal(normalize_text(text).split("\n"))
    cells = [_cells(strip_markup(line)) for line in lines]
    edge = _header_lines(cells) | _recipient_lines(cells) | _signature_lines(cells)
    return [cell for i, row in enumerate(cells) if i not in edge
            for cell in row if len(cell) >= BODY_LINE_CHARS and not is_noise(cell)]


def _cells(text: str) -> list[str]:
    """A line's table cells (or the line itself), rules removed, in comparable form."""
    parts = text.strip().strip("|").split("|") if "|" in text else [text]
    return [cell for cell in (comparable(_RULE.sub(" ", part)) for part in parts) if cell]


def _is_header_cell(cell: str) -> bool:
    return (md.is_motto_line(cell) or cell.upper() == cell or bool(
        _NUMBER_CELL.match(cell) or _SUBJECT_CELL.match(cell) or _PLACE_DATE_CELL.match(cell)))


def _header_lines(cells: list[list[str]]) -> set[int]:
    """Header-shaped lines from the top through the place-and-date line, if a motto or «Số:»
    anchors them there; the subject («V/v …», «Về …») and the lines it wraps onto belong to it."""
    content = [i for i, row in enumerate(cells) if row][:HEADER_SEARCH_LINES]
    anchor = next((i for i in content if any(md.is_motto_line(c) or _NUMBER_CELL.match(c) for c in cells[i])), -1)
    if anchor < 0:
        return set()
    window = range(anchor, min(len(cells), anchor + HEADER_MAX_LINES))
    end = next((i for i in window if any(_PLACE_DATE_CELL.match(c) for c in cells[i])), anchor)
    subject = next((i for i in range(anchor, end + 1) if _has_subject(cells[i])), end + 1)
    found = {i for i in range(end + 1) if i >= subject or _is_header_line(cells[i])}
    return found | _subject_after(cells, end + 1)


def _has_subject(row: list[str]) -> bool:
    return any(_SUBJECT_CELL.match(cell) for cell in row)


def _is_header_line(row: list[str]) -> bool:
    return md.is_motto_line(" | ".join(row)) or all(_is_header_cell(cell) for cell in row)


def _subject_after(cells: list[list[str]], start: int) -> set[int]:
    """A «V/v …» subject placed after the date, up to the next blank line."""
    i = next((i for i in range(start, len(cells)) if cells[i]), len(cells))
    if i == len(cells) or not any(_SUBJECT_CELL.match(c) and c.lower().startswith("v/v") for c in cells[i]):
        return set()
    j = next((j for j in range(i, len(cells)) if not cells[j]), len(cells))
    return set(range(i, j))


def _recipient_lines(cells: list[list[str]]) -> set[int]:
    """Each «Nơi nhận:» line and its list: items, and the lines an unfinished item wraps onto."""
    found: set[int] = set()
    for i, row in enumerate(cells):
        if not any(is_recipients_heading(c) for c in row):
            continue
        found.add(i)
        previous = row[-1]
        for j in range(i + 1, len(cells)):
            text = " ".join(cells[j])
            if text and not (_LIST_ITEM.match(text) or not previous.endswith((";", "."))):
                break
            found.add(j)
            previous = text or previous
    return found


def _signature_lines(cells: list[list[str]]) -> set[int]:
    """Near the end: a role line ("TM. ỦY BAN NHÂN DÂN") and the title and name lines after it."""
    found: set[int] = set()
    for i in range(max(0, len(cells) - SIGNATURE_TAIL_LINES), len(cells)):
        if not any(is_signature_role(c) for c in cells[i]):
            continue
        for j in range(i, min(len(cells), i + SIGNATURE_MAX_LINES)):
            if cells[j] and not all(c.upper() == c or is_signature_role(c) or _NAME.match(c) for c in cells[j]):
                break
            found.add(j)
    return found
