"""Structure-aware chunking of a cleaned Vietnamese directive body.

The body (NFC, one paragraph per line) is parsed into a tree of administrative headings
(Phần / Chương / Mục / I. / Điều / 1. / 1.1. / a)), then cut along that tree: a node that fits
the token budget becomes one chunk; a node that does not is split into its paragraphs and
children, which are packed back together greedily. Each chunk carries its section path, e.g.
"III. Tiêu chí thi đua > 1. > a)". Sections at Roman-numeral level and above are never packed
together, and no body text is dropped or duplicated.

Token counting: every distinct line is counted once and chunk sizes are estimated by adding
those counts; each final chunk is then counted for real and re-split if the estimate was low,
so the budget holds for any tokenizer while calls stay O(number of pieces).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.ingestion.document import Chunk

__all__ = ["PREFIX_TOKENS", "SECTION_SEPARATOR", "embedded_text", "section_lines", "split_into_chunks"]

PREFIX_TOKENS = 4            # the model prefix "passage: " added by the encoder
SECTION_SEPARATOR = " > "
MAX_TITLE_CHARS = 60         # titled path components are cut to this, at a word boundary
SHORT_ITEM_CHARS = 30        # numbered/lettered items keep their text in the path if this short
MAX_TITLED_LINE_CHARS = 200  # a mixed-case "Chương/Phần/Mục/Phụ lục" line longer than this is prose
MAX_NEXT_TITLE_CHARS = 120   # "Chương I" may take its title from the following short line
SECTION_SHARE = 4            # the section line may use at most 1/4 of the budget

TokenCounter = Callable[[str], int]

# --- heading patterns (line starts only; the body has one paragraph per line) -------------

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

# Over-long paragraphs are cut at the coarsest boundary that works.
_SPLITTERS = (
    re.compile(r"(?<=[.!?…])\s+"),
    re.compile(r"(?<=[;:])\s+"),
    re.compile(r"(?<=,)\s+"),
    re.compile(r"\s+"),
)

# Heading ranks: smaller is more major. Headings up to _MAJOR_RANK are never packed with siblings.
_RANK_PART = 0.0
_RANK_CHAPTER = 1.0
_RANK_MUC = 2.0
_RANK_LETTER_SECTION = 2.5
_RANK_ROMAN = 3.0
_MAJOR_RANK = 3.0
_RANK_ARTICLE = 4.0
_RANK_NUMBERED = 5.0   # + depth - 1 for "1.1.", "1.1.1."
_RANK_LETTERED = 10.0


@dataclass(frozen=True)
class _Label:
    """One path component: the full form ("III. Tiêu chí thi đua") and the bare label ("III.")."""

    full: str
    short: str


@dataclass(frozen=True)
class _Heading:
    kind: str
    rank: float
    label: _Label
    wants_title: bool = False  # may borrow its title from the next line ("Chương I" / "QUY ĐỊNH CHUNG")
    flexible: bool = False     # "A." sections nest under whatever major heading is open


@dataclass
class _Node:
    heading: _Heading | None
    rank: float
    items: list[str | _Node] = field(default_factory=list)
    tokens: int = 0            # estimated tokens of every line in the subtree


@dataclass
class _Piece:
    path: tuple[_Label, ...]
    lines: list[str]
    tokens: int                # estimated tokens of the lines (section excluded)
    complete: bool             # made of whole nodes/paragraphs only
    opens: bool = False        # first piece of a split node: starts with its heading

    @property
    def chars(self) -> int:
        return sum(len(line) for line in self.lines)


# --- public API ----------------------------------------------------------------------------

def embedded_text(chunk: Chunk) -> str:
    """Exactly what gets embedded for a chunk, without the model prefix."""
    return f"{chunk.section}\n{chunk.text}" if chunk.section else chunk.text


def split_into_chunks(body: str, max_tokens: int, count_tokens: TokenCounter,
                      min_chars: int = 200) -> list[Chunk]:
    """Cut a cleaned body into chunks whose embedded text, plus PREFIX_TOKENS, fits max_tokens."""
    lines = [line.strip() for line in body.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return []
    chunker = _Chunker(max_tokens, count_tokens, min_chars)
    return chunker.run(_build_tree(lines))


def section_lines(body: str) -> list[tuple[str, str]]:
    """Every non-empty body line (stripped) with the full section path it sits under, e.g.
    ("V. Tổ chức thực hiện > 2.", line); a heading line belongs to its own section."""
    lines = [line.strip() for line in body.splitlines()]
    lines = [line for line in lines if line]
    out: list[tuple[str, str]] = []
    _walk_lines(_build_tree(lines), (), out)
    return out


def _walk_lines(node: _Node, path: tuple[str, ...], out: list[tuple[str, str]]) -> None:
    if node.heading is not None:
        path = path + (node.heading.label.full,)
    section = SECTION_SEPARATOR.join(path)
    for item in node.items:
        if isinstance(item, str):
            out.append((section, item))
        else:
            _walk_lines(item, path, out)


# --- heading recognition -------------------------------------------------------------------

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
            flexible: bool = False, sep: str = "") -> _Heading:
    full = _shorten(f"{label}{sep} {title}") if title else label
    return _Heading(kind, rank, _Label(full, label), wants_title and not title, flexible)


def _item_label(label: str, title: str) -> _Label:
    """Numbered/lettered items keep only their label unless the whole item is a short title."""
    title = title.strip()
    short_title = _clean_title(title)
    if short_title and len(title) <= SHORT_ITEM_CHARS and not _SENTENCE_INNER_RE.search(title):
        return _Label(f"{label} {short_title}", label)
    return _Label(label, label)


def _starts_upper(text: str) -> bool:
    return bool(text) and text[0].isupper()


def _parse_named(line: str) -> _Heading | None:
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


def _parse_attachment(line: str) -> _Heading | None:
    match = _ATTACHMENT_RE.match(line)
    if not (match and _is_upper_start(line)):
        return None
    title = _clean_title(line[match.end():])
    return _titled("attachment", _RANK_PART, match.group(), title, wants_title=True)


def _parse_roman(line: str) -> _Heading | None:
    match = _ROMAN_RE.match(line)
    if not match:
        return None
    title = _clean_title(match.group("title"))
    if title and not (_starts_upper(title) or not title[0].isalpha()):
        return None  # "X-quang ..." is a word, not section X
    return _titled("roman", _RANK_ROMAN, f"{match.group('num')}.", title, wants_title=True)


def _parse_letter_section(line: str) -> _Heading | None:
    match = _LETTER_SECTION_RE.match(line)
    if not match or not _starts_upper(match.group("title")):
        return None
    title = _clean_title(match.group("title"))
    return _titled("letter_section", _RANK_LETTER_SECTION, f"{match.group('num')}.", title,
                   flexible=True)


def _parse_article(line: str) -> _Heading | None:
    match = _ARTICLE_RE.match(line)
    if not match:
        return None
    label = f"{match.group('word')} {match.group('num')}."
    return _titled("article", _RANK_ARTICLE, label, _clean_title(match.group("title")))


def _parse_clause_or_point(line: str) -> _Heading | None:
    match = _CLAUSE_RE.match(line)
    if match:
        label = f"{match.group('word')} {match.group('num')}."
        return _Heading("numbered1", _RANK_NUMBERED, _item_label(label, match.group("title") or ""))
    match = _POINT_RE.match(line)
    if match:
        label = f"{match.group('word')} {match.group('num')}"
        return _Heading("lettered", _RANK_LETTERED, _item_label(label, match.group("title") or ""))
    return None


def _item_text_ok(space: str, title: str) -> bool:
    """After "1." there must be a space, the end of line, or (sloppy typing) a capital letter."""
    return bool(space) or not title or _starts_upper(title)


def _parse_numbered(line: str) -> _Heading | None:
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
    return _Heading(f"numbered{depth}", _RANK_NUMBERED + depth - 1, _item_label(num + punct, title))


def _parse_lettered(line: str) -> _Heading | None:
    match = _LETTERED_RE.match(line)
    if not match:
        return None
    num, punct, space, title = match.group("num", "punct", "space", "title")
    if not _item_text_ok(space, title):
        return None
    return _Heading("lettered", _RANK_LETTERED, _item_label(num + punct, title))


_PARSERS = (_parse_named, _parse_article, _parse_clause_or_point, _parse_roman,
            _parse_letter_section, _parse_numbered, _parse_lettered)


def _parse_heading(line: str) -> _Heading | None:
    for parse in _PARSERS:
        heading = parse(line)
        if heading:
            return heading
    return None


def _with_next_title(heading: _Heading, next_line: str | None) -> _Heading:
    """"Chương I" alone on its line: its title is the next short, non-heading line."""
    if (not heading.wants_title or next_line is None or len(next_line) > MAX_NEXT_TITLE_CHARS
            or next_line.endswith((".", ";")) or _parse_heading(next_line)):
        return heading
    label = heading.label.short
    sep = "" if label.endswith(".") else "."
    full = _shorten(f"{label}{sep} {_clean_title(next_line)}")
    return _Heading(heading.kind, heading.rank, _Label(full, label), False, heading.flexible)


# --- tree --------------------------------------------------------------------------------

def _open(stack: list[_Node], heading: _Heading) -> _Node:
    """Close headings that the new one ends, and open it under what remains."""
    same = next((i for i, node in enumerate(stack) if node.heading and node.heading.kind == heading.kind), None)
    if same is not None:
        del stack[same:]  # a sibling of an open heading of the same kind
    elif heading.flexible:
        while len(stack) > 1 and stack[-1].rank > _RANK_ROMAN:
            stack.pop()
    else:
        while len(stack) > 1 and stack[-1].rank >= heading.rank:
            stack.pop()
    rank = max(heading.rank, stack[-1].rank + 0.1) if heading.flexible else heading.rank
    node = _Node(heading, rank)
    stack[-1].items.append(node)
    stack.append(node)
    return node


def _build_tree(lines: list[str]) -> _Node:
    root = _Node(None, -1.0)
    stack = [root]
    title_pending = False
    for i, line in enumerate(lines):
        heading = _parse_heading(line)
        if heading is None and len(stack) > 1 and not title_pending:
            # Only once structure has begun (at the top it is the document's own title), and
            # not as a bare heading's title line ("Chương I" / "QUY ĐỊNH CHUNG").
            heading = _parse_attachment(line)
        title_pending = heading is not None and heading.wants_title
        if heading:
            heading = _with_next_title(heading, lines[i + 1] if i + 1 < len(lines) else None)
            _open(stack, heading)
        stack[-1].items.append(line)
    return root


def _is_major(item: str | _Node) -> bool:
    return isinstance(item, _Node) and item.rank <= _MAJOR_RANK


def _all_lines(node: _Node) -> list[str]:
    out: list[str] = []
    for item in node.items:
        out.extend([item] if isinstance(item, str) else _all_lines(item))
    return out


def _section_forms(path: tuple[_Label, ...]) -> list[str]:
    """The path from fullest to barest. Titles are dropped deepest first: the chunk text
    usually starts with the deepest heading anyway, while ancestors' titles are not in it."""
    n = len(path)
    forms = [SECTION_SEPARATOR.join([label.full for label in path[:n - k]]
                                    + [label.short for label in path[n - k:]])
             for k in range(n + 1)]
    return forms + [path[-1].short if path else "", ""]


def _common_prefix(a: tuple[_Label, ...], b: tuple[_Label, ...]) -> tuple[_Label, ...]:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


# --- chunking ------------------------------------------------------------------------------

class _Chunker:
    """Holds the budget and a token-count cache for one document."""

    def __init__(self, max_tokens: int, count_tokens: TokenCounter, min_chars: int) -> None:
        self.max_tokens = max_tokens
        self.count_tokens = count_tokens
        self.min_chars = min_chars
        self.cache: dict[str, int] = {}
        self.base = max(count_tokens(""), 0)  # special tokens every call adds once
        self.section_cache: dict[tuple[_Label, ...], str] = {}

    # token arithmetic ---------------------------------------------------------------

    def cost(self, text: str) -> int:
        """Tokens a text adds to a larger text (the per-call overhead removed)."""
        if text not in self.cache:
            self.cache[text] = max(self.count_tokens(text) - self.base, 0)
        return self.cache[text]

    def section(self, path: tuple[_Label, ...]) -> str:
        """The path as shown; shortened forms if the full one would eat the budget."""
        if path not in self.section_cache:
            limit = self.max_tokens // SECTION_SHARE
            self.section_cache[path] = next(c for c in _section_forms(path) if self.cost(c) <= limit)
        return self.section_cache[path]

    def room(self, path: tuple[_Label, ...]) -> int:
        """Estimated tokens left for text once the section line and prefixes are paid for."""
        return self.max_tokens - PREFIX_TOKENS - self.base - self.cost(self.section(path))

    def exact_fits(self, chunk: Chunk) -> bool:
        return self.count_tokens(embedded_text(chunk)) + PREFIX_TOKENS <= self.max_tokens

    # tree walk -------------------------------------------------------------------------

    def run(self, root: _Node) -> list[Chunk]:
        self._measure(root)
        pieces = self._pack_items(root.items, (), lead_in=False)
        chunks: list[Chunk] = []
        for piece in pieces:
            chunks.extend(self._finalise(piece))
        return chunks

    def _measure(self, node: _Node) -> int:
        node.tokens = sum(self.cost(item) if isinstance(item, str) else self._measure(item)
                          for item in node.items)
        return node.tokens

    def _item_pieces(self, item: str | _Node, path: tuple[_Label, ...]) -> list[_Piece]:
        return self._line_pieces(item, path) if isinstance(item, str) else self._node_pieces(item, path)

    def _node_pieces(self, node: _Node, path: tuple[_Label, ...]) -> list[_Piece]:
        assert node.heading is not None
        path = path + (node.heading.label,)
        if node.tokens <= self.room(path) and not any(_is_major(item) for item in node.items):
            return [_Piece(path, _all_lines(node), node.tokens, complete=True)]
        pieces = self._pack_items(node.items, path, lead_in=True)
        for piece in pieces:
            piece.complete = False
        pieces[0].opens = True
        return pieces

    def _pack_items(self, items: list[str | _Node], path: tuple[_Label, ...],
                    lead_in: bool) -> list[_Piece]:
        """Pack a node's paragraphs and children; a major child (I., Chương, Phần ...) is never
        packed with its siblings. Under a heading (lead_in), a tiny intro such as "PHẦN II" /
        "NỘI DUNG" may still open the first major child's chunk; the root's preface may not."""
        out: list[_Piece] = []
        run: list[_Piece] = []
        for item in items:
            pieces = self._item_pieces(item, path)
            if not _is_major(item):
                run.extend(pieces)
                continue
            intro = self._pack(run)
            if lead_in and intro and self._is_tiny(intro[-1]) and self._can_join(intro[-1], pieces[0]):
                pieces = [self._join(intro.pop(), pieces[0])] + pieces[1:]
            out.extend(intro)
            out.extend(pieces)  # already packed inside the child; re-packing could cross its borders
            run, lead_in = [], False
        out.extend(self._pack(run))
        return out

    def _line_pieces(self, line: str, path: tuple[_Label, ...]) -> list[_Piece]:
        room = self.room(path)
        if self.cost(line) <= room:
            return [_Piece(path, [line], self.cost(line), complete=True)]
        return [_Piece(path, [part], self.cost(part), complete=False)
                for part in self._split_text(line, room)]

    # packing ---------------------------------------------------------------------------

    def _is_tiny(self, piece: _Piece) -> bool:
        return piece.chars < self.min_chars

    def _can_join(self, a: _Piece, b: _Piece) -> bool:
        return a.tokens + b.tokens <= self.room(_common_prefix(a.path, b.path))

    def _can_merge(self, a: _Piece, b: _Piece) -> bool:
        # A split item's opening piece stays with its own content, never with what precedes it.
        wanted = (a.complete and b.complete) or self._is_tiny(a) or (self._is_tiny(b) and not b.opens)
        return wanted and self._can_join(a, b)

    @staticmethod
    def _join(a: _Piece, b: _Piece) -> _Piece:
        return _Piece(_common_prefix(a.path, b.path), a.lines + b.lines, a.tokens + b.tokens,
                      a.complete and b.complete, a.opens)

    def _pack(self, pieces: list[_Piece]) -> list[_Piece]:
        out: list[_Piece] = []
        for piece in pieces:
            if out and self._can_merge(out[-1], piece):
                out[-1] = self._join(out[-1], piece)
            else:
                out.append(piece)
        return out

    # splitting and the final guarantee ------------------------------------------------------

    def _split_text(self, text: str, room: int, level: int = 0) -> list[str]:
        """Cut text into parts of at most `room` estimated tokens, at the coarsest boundaries."""
        if self.cost(text) <= room:
            return [text]
        if level == len(_SPLITTERS):
            return self._split_chars(text, room)
        units = [u for u in _SPLITTERS[level].split(text) if u]
        if len(units) == 1:
            return self._split_text(text, room, level + 1)
        parts: list[str] = []
        for unit in units:
            parts.extend(self._split_text(unit, room, level + 1))
        return self._join_greedy(parts, room)

    def _join_greedy(self, parts: list[str], room: int) -> list[str]:
        out: list[str] = []
        used = 0
        for part in parts:
            if out and used + self.cost(part) <= room:
                out[-1] = f"{out[-1]} {part}"
                used += self.cost(part)
            else:
                out.append(part)
                used = self.cost(part)
        return out

    def _split_chars(self, text: str, room: int) -> list[str]:
        """Last resort for a "word" longer than the budget (a pasted URL, a base64 blob)."""
        parts: list[str] = []
        while text:
            lo, hi = 1, len(text)
            while lo < hi:  # longest prefix that fits
                mid = (lo + hi + 1) // 2
                lo, hi = (mid, hi) if self.count_tokens(text[:mid]) - self.base <= room else (lo, mid - 1)
            if self.count_tokens(text[:lo]) - self.base > room:
                raise ValueError(f"max_tokens={self.max_tokens} cannot hold a single character")
            parts.append(text[:lo])
            text = text[lo:]
        return parts

    def _finalise(self, piece: _Piece, attempt: int = 0) -> list[Chunk]:
        """Count the real embedded text once; re-split if the additive estimate was too low."""
        chunk = Chunk("\n".join(piece.lines), self.section(piece.path))
        if self.exact_fits(chunk):
            return [chunk]
        if len(piece.lines) > 1:
            mid = len(piece.lines) // 2
            groups = [piece.lines[:mid], piece.lines[mid:]]
        else:
            # Each retry aims lower, so a tokenizer that is far from additive still converges.
            room = int(self.room(piece.path) * 0.8 ** (attempt + 1))
            if room < 1:
                raise ValueError(f"max_tokens={self.max_tokens} is too small for this text")
            groups = [[part] for part in self._split_text(piece.lines[0], room)]
        out: list[Chunk] = []
        for lines in groups:
            next_attempt = attempt + 1 if len(groups) == 1 else attempt
            out.extend(self._finalise(_Piece(piece.path, lines, 0, complete=False), next_attempt))
        return out
