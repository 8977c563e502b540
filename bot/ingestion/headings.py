"""Administrative headings of a cleaned Vietnamese directive body, recognised line by line.

Phần / Phụ lục / Chương / Mục, Roman-numeral sections (I.), lettered sections (A.), Điều, Khoản /
Điểm, numbered items (1. / 1.1. / 2.3.1) and lettered items (a)), and the title line of an attached
document ("KẾ HOẠCH …") after a decision's articles. Each heading has a rank (smaller is more
major) and the label it shows in a section path: "III. Tiêu chí thi đua" in full, "III." bare.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MAJOR_RANK", "RANK_ROMAN", "Heading", "Label", "parse_attachment", "parse_heading", "with_next_title"]

MAX_TITLE_CHARS = 60         # titled path components are cut to this, at a word boundary
SHORT_ITEM_CHARS = 30        # numbered/lettered items keep their text in the path if this short
MAX_TITLED_LINE_CHARS = 200  # a mixed-case "Chương/Phần/Mục/Phụ lục" line longer than this is prose
MAX_NEXT_TITLE_CHARS = 120   # "Chương I" may take its title from the following short line

# Line starts only; the body has one paragraph per line.
_ROMAN = r"(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})"
_NUMERAL = rf"(?:{_ROMAN}|\d{{1,3}})"
_TAIL = r"(?=$|[\s.:\-–—)])\s*[.:\-–—)]?\s*(?P<title>.*)$"

_PART_RE = re.compile(rf"^(?P<word>PHẦN|Phần)\s+(?P<num>(?:THỨ|thứ)\s+[^\s.:\-–—]+|{_NUMERAL}){_TAIL}")
_APPENDIX_RE = re.compile(
    rf"^(?P<word>PHỤ LỤC|Phụ lục)(?:\s+(?:SỐ|số)?\s*(?P<num>{_ROMAN}|\d{{1,3}}[a-zA-Z]?))?{_TAIL}")
_CHAPTER_RE = re.compile(rf"^(?P<word>CHƯƠNG|Chương)\s+(?P<num>{_NUMERAL}){_TAIL}")
_MUC_RE = re.compile(rf"^(?P<word>MỤC|Mục)\s+(?P<num>{_NUMERAL}){_TAIL}")
# The title line of an attached document ("KẾ HOẠCH ...", "DANH MỤC THỦ TỤC ...") after the
# decision's articles; "QUYẾT ĐỊNH:" (ending in a colon) introduces articles instead.
_ATTACHMENT_RE = re.compile(r"^(?:QUY ĐỊNH|QUY CHẾ|KẾ HOẠCH|DANH MỤC|HƯỚNG DẪN|ĐỀ ÁN|CHƯƠNG TRÌNH|"
                            r"ĐIỀU LỆ|PHƯƠNG ÁN|NỘI QUY)(?=$|[\s,(])(?!.*:$)")
_UPPER_PREFIX_CHARS = 40
_ROMAN_RE = re.compile(rf"^(?P<num>{_ROMAN})\s*[.\-–—:)]\s*(?P<title>.*)$")
_LETTER_SECTION_RE = re.compile(r"^(?P<num>[A-HJ-UWYZĐ])[.)]\s+(?P<title>.+)$")
# "Điều 5." / "Điều 5:" / bare "Điều 5"; "Điều 5 được sửa đổi ..." is prose, not a heading.
_ARTICLE_RE = re.compile(r"^(?P<word>ĐIỀU|Điều)\s+(?P<num>\d{1,3}[a-zđ]?)(?:\s*[.:]\s*(?P<title>.*)|\s*)$")
_CLAUSE_RE = re.compile(r"^(?P<word>KHOẢN|Khoản)\s+(?P<num>\d{1,3})(?:\s*[.:]\s*(?P<title>.*)|\s*)$")
_POINT_RE = re.compile(r"^(?P<word>ĐIỂM|Điểm)\s+(?P<num>[a-zđ])(?:\s*[.:)]\s*(?P<title>.*)|\s*)$")
# "1." "2)" "1.1." "2.3.1": later components have ≤ 2 digits so "1.000.000 đồng" is no heading.
_NUMBERED_RE = re.compile(r"^(?P<num>\d{1,3}(?:\.\d{1,2}){0,4})(?P<punct>[.)]?)(?P<space>\s*)(?P<title>.*)$")
_LETTERED_RE = re.compile(r"^(?P<num>[a-zđ])(?P<punct>[.)])(?P<space>\s*)(?P<title>.*)$")

_TRAILING_PUNCT_RE = re.compile(r"[\s:;.,]+$")
_SENTENCE_INNER_RE = re.compile(r"[.;:!?]\s")

# Heading ranks: smaller is more major. Headings up to MAJOR_RANK are never packed with siblings.
_RANK_PART = 0.0
_RANK_CHAPTER = 1.0
_RANK_MUC = 2.0
_RANK_LETTER_SECTION = 2.5
RANK_ROMAN = 3.0
MAJOR_RANK = 3.0
_RANK_ARTICLE = 4.0
_RANK_NUMBERED = 5.0   # + depth - 1 for "1.1.", "1.1.1."
_RANK_LETTERED = 10.0


@dataclass(frozen=True)
class Label:
    """One path component: the full form ("III. Tiêu chí thi đua") and the bare label ("III.")."""

    full: str
    short: str


@dataclass(frozen=True)
class Heading:
    kind: str
    rank: float
    label: Label
    wants_title: bool = False  # may borrow its title from the next line ("Chương I" / "QUY ĐỊNH CHUNG")
    flexible: bool = False     # "A." sections nest under whatever major heading is open


def _shorten(text: str, limit: int = MAX_TITLE_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if " " in cut:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:.-–") + "…"


def _clean_title(title: str | None) -> str:
    return _TRAILING_PUNCT_RE.sub("", title or "").strip()


def _titled(kind: str, rank: float, label: str, title: str, wants_title: bool = False,
            flexible: bool = False, sep: str = "") -> Heading:
    full = _shorten(f"{label}{sep} {title}") if title else label
    return Heading(kind, rank, Label(full, label), wants_title and not title, flexible)


def _item_label(label: str, title: str) -> Label:
    """Numbered/lettered items keep only their label unless the whole item is a short title."""
    title = title.strip()
    short_title = _clean_title(title)
    if short_title and len(title) <= SHORT_ITEM_CHARS and not _SENTENCE_INNER_RE.search(title):
        return Label(f"{label} {short_title}", label)
    return Label(label, label)


def _starts_upper(text: str) -> bool:
    return bool(text) and text[0].isupper()


def _parse_named(line: str) -> Heading | None:
    """Phần / Phụ lục / Chương / Mục with a numeral; long mixed-case lines are prose."""
    if len(line) > MAX_TITLED_LINE_CHARS and not _is_upper_start(line):
        return None
    for regex, kind, rank in ((_PART_RE, "part", _RANK_PART), (_APPENDIX_RE, "appendix", _RANK_PART),
                              (_CHAPTER_RE, "chapter", _RANK_CHAPTER), (_MUC_RE, "muc", _RANK_MUC)):
        match = regex.match(line)
        if not match:
            continue
        num, title = match.group("num"), _clean_title(match.group("title"))
        if num is None and match.group("word") != "PHỤ LỤC":
            return None  # "Phụ lục kèm theo ..." is prose
        if title and not (_starts_upper(title) or title[0].isdigit()):
            return None
        label = f"{match.group('word')} {num}" if num else match.group("word")
        return _titled(kind, rank, label, title, wants_title=True, sep=".")
    return None


def _is_upper_start(line: str) -> bool:
    head = line[:_UPPER_PREFIX_CHARS]
    return head == head.upper() and any(c.isalpha() for c in head)


def parse_attachment(line: str) -> Heading | None:
    match = _ATTACHMENT_RE.match(line)
    if not (match and _is_upper_start(line)):
        return None
    title = _clean_title(line[match.end():])
    return _titled("attachment", _RANK_PART, match.group(), title, wants_title=True)


def _parse_roman(line: str) -> Heading | None:
    match = _ROMAN_RE.match(line)
    if not match:
        return None
    title = _clean_title(match.group("title"))
    if title and not (_starts_upper(title) or not title[0].isalpha()):
        return None  # "X-quang ..." is a word, not section X
    return _titled("roman", RANK_ROMAN, f"{match.group('num')}.", title, wants_title=True)


def _parse_letter_section(line: str) -> Heading | None:
    match = _LETTER_SECTION_RE.match(line)
    if not match or not _starts_upper(match.group("title")):
        return None
    title = _clean_title(match.group("title"))
    return _titled("letter_section", _RANK_LETTER_SECTION, f"{match.group('num')}.", title,
                   flexible=True)


def _parse_article(line: str) -> Heading | None:
    match = _ARTICLE_RE.match(line)
    if not match:
        return None
    label = f"{match.group('word')} {match.group('num')}."
    return _titled("article", _RANK_ARTICLE, label, _clean_title(match.group("title")))


def _parse_clause_or_point(line: str) -> Heading | None:
    match = _CLAUSE_RE.match(line)
    if match:
        label = f"{match.group('word')} {match.group('num')}."
        return Heading("numbered1", _RANK_NUMBERED, _item_label(label, match.group("title") or ""))
    match = _POINT_RE.match(line)
    if match:
        label = f"{match.group('word')} {match.group('num')}"
        return Heading("lettered", _RANK_LETTERED, _item_label(label, match.group("title") or ""))
    return None


def _item_text_ok(space: str, title: str) -> bool:
    """After "1." there must be a space, the end of line, or (sloppy typing) a capital letter."""
    return bool(space) or not title or _starts_upper(title)


def _parse_numbered(line: str) -> Heading | None:
    match = _NUMBERED_RE.match(line)
    if not match:
        return None
    num, punct, space, title = match.group("num", "punct", "space", "title")
    if not _item_text_ok(space, title):
        return None
    if not punct and ("." not in num or not _starts_upper(title)):
        return None  # "15.11 hằng năm", "2 người": a bare number is no heading
    if title and title[0].isdigit():
        return None
    depth = num.count(".") + 1
    return Heading(f"numbered{depth}", _RANK_NUMBERED + depth - 1, _item_label(num + punct, title))


def _parse_lettered(line: str) -> Heading | None:
    match = _LETTERED_RE.match(line)
    if not match:
        return None
    num, punct, space, title = match.group("num", "punct", "space", "title")
    if not _item_text_ok(space, title):
        return None
    return Heading("lettered", _RANK_LETTERED, _item_label(num + punct, title))


_PARSERS = (_parse_named, _parse_article, _parse_clause_or_point, _parse_roman,
            _parse_letter_section, _parse_numbered, _parse_lettered)


def parse_heading(line: str) -> Heading | None:
    for parse in _PARSERS:
        heading = parse(line)
        if heading:
            return heading
    return None


def with_next_title(heading: Heading, next_line: str | None) -> Heading:
    """"Chương I" alone on its line: its title is the next short, non-heading line."""
    if (not heading.wants_title or next_line is None or len(next_line) > MAX_NEXT_TITLE_CHARS
            or next_line.endswith((".", ";")) or parse_heading(next_line)):
        return heading
    label = heading.label.short
    sep = "" if label.endswith(".") else "."
    full = _shorten(f"{label}{sep} {_clean_title(next_line)}")
    return Heading(heading.kind, heading.rank, Label(full, label), False, heading.flexible)
