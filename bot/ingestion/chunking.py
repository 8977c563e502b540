"""Structure-aware chunking of a cleaned Vietnamese directive body.

The body (NFC, one paragraph per line) is parsed into a tree of administrative headings
(Phần / Chương / Mục / I. / Điều / 1. / 1.1. / a)) by `bot.ingestion.sections`, then cut along
that tree: a node that fits the token budget becomes one chunk; a node that does not is split
into its paragraphs and children, which are packed back together greedily. Each chunk carries
its section path, e.g. "III. Tiêu chí thi đua > 1. > a)". Sections at Roman-numeral level and
above are never packed together, and no body text is dropped or duplicated.

Token counting: every distinct line is counted once and chunk sizes are estimated by adding
those counts; each final chunk is then counted for real and re-split if the estimate was low,
so the budget holds for any tokenizer while calls stay O(number of pieces).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.ingestion.document import Chunk
from bot.ingestion.headings import Label
from bot.ingestion.sections import SECTION_SEPARATOR, Node, all_lines, build_tree, is_major

__all__ = ["PREFIX_TOKENS", "embedded_text", "split_into_chunks"]

PREFIX_TOKENS = 4            # the model prefix "passage: " added by the encoder
SECTION_SHARE = 4            # the section line may use at most 1/4 of the budget

TokenCounter = Callable[[str], int]

# Over-long paragraphs are cut at the coarsest boundary that works.
_SPLITTERS = (
    re.compile(r"(?<=[.!?…])\s+"),
    re.compile(r"(?<=[;:])\s+"),
    re.compile(r"(?<=,)\s+"),
    re.compile(r"\s+"),
)


@dataclass
class _Piece:
    path: tuple[Label, ...]
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
    return chunker.run(build_tree(lines))


def _section_forms(path: tuple[Label, ...]) -> list[str]:
    """The path from fullest to barest. Titles are dropped deepest first: the chunk text
    usually starts with the deepest heading anyway, while ancestors' titles are not in it."""
    n = len(path)
    forms = [SECTION_SEPARATOR.join([label.full for label in path[:n - k]]
                                    + [label.short for label in path[n - k:]])
             for k in range(n + 1)]
    return forms + [path[-1].short if path else "", ""]


def _common_prefix(a: tuple[Label, ...], b: tuple[Label, ...]) -> tuple[Label, ...]:
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
        self.section_cache: dict[tuple[Label, ...], str] = {}

    # token arithmetic ---------------------------------------------------------------

    def cost(self, text: str) -> int:
        """Tokens a text adds to a larger text (the per-call overhead removed)."""
        if text not in self.cache:
            self.cache[text] = max(self.count_tokens(text) - self.base, 0)
        return self.cache[text]

    def section(self, path: tuple[Label, ...]) -> str:
        """The path as shown; shortened forms if the full one would eat the budget."""
        if path not in self.section_cache:
            limit = self.max_tokens // SECTION_SHARE
            self.section_cache[path] = next(c for c in _section_forms(path) if self.cost(c) <= limit)
        return self.section_cache[path]

    def room(self, path: tuple[Label, ...]) -> int:
        """Estimated tokens left for text once the section line and prefixes are paid for."""
        return self.max_tokens - PREFIX_TOKENS - self.base - self.cost(self.section(path))

    def exact_fits(self, chunk: Chunk) -> bool:
        return self.count_tokens(embedded_text(chunk)) + PREFIX_TOKENS <= self.max_tokens

    # tree walk -------------------------------------------------------------------------

    def run(self, root: Node) -> list[Chunk]:
        self._measure(root)
        pieces = self._pack_items(root.items, (), lead_in=False)
        chunks: list[Chunk] = []
        for piece in pieces:
            chunks.extend(self._finalise(piece))
        return chunks

    def _measure(self, node: Node) -> int:
        node.tokens = sum(self.cost(item) if isinstance(item, str) else self._measure(item)
                          for item in node.items)
        return node.tokens

    def _item_pieces(self, item: str | Node, path: tuple[Label, ...]) -> list[_Piece]:
        return self._line_pieces(item, path) if isinstance(item, str) else self._node_pieces(item, path)

    def _node_pieces(self, node: Node, path: tuple[Label, ...]) -> list[_Piece]:
        assert node.heading is not None
        path = path + (node.heading.label,)
        if node.tokens <= self.room(path) and not any(is_major(item) for item in node.items):
            return [_Piece(path, all_lines(node), node.tokens, complete=True)]
        pieces = self._pack_items(node.items, path, lead_in=True)
        for piece in pieces:
            piece.complete = False
        pieces[0].opens = True
        return pieces

    def _pack_items(self, items: list[str | Node], path: tuple[Label, ...],
                    lead_in: bool) -> list[_Piece]:
        """Pack a node's paragraphs and children; a major child (I., Chương, Phần ...) is never
        packed with its siblings. Under a heading (lead_in), a tiny intro such as "PHẦN II" /
        "NỘI DUNG" may still open the first major child's chunk; the root's preface may not."""
        out: list[_Piece] = []
        run: list[_Piece] = []
        for item in items:
            pieces = self._item_pieces(item, path)
            if not is_major(item):
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

    def _line_pieces(self, line: str, path: tuple[Label, ...]) -> list[_Piece]:
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
