"""The section tree of a cleaned body, and each line's section path.

Headings (`bot.ingestion.headings`) open nodes under the nearest more major heading still open; a
heading of the same kind as an open one closes it. The lines under a heading are its node's items,
so a line's section path is the headings above it, e.g. "V. Tổ chức thực hiện > 2.".
"""
from __future__ import annotations

from dataclasses import dataclass, field

from bot.ingestion.headings import MAJOR_RANK, RANK_ROMAN, Heading, parse_attachment, parse_heading, with_next_title

__all__ = ["SECTION_SEPARATOR", "Node", "all_lines", "build_tree", "is_major", "section_lines"]

SECTION_SEPARATOR = " > "


@dataclass
class Node:
    heading: Heading | None
    rank: float
    items: list[str | Node] = field(default_factory=list)
    tokens: int = 0            # estimated tokens of every line in the subtree


def section_lines(body: str) -> list[tuple[str, str]]:
    """Every non-empty body line (stripped) with the full section path it sits under, e.g.
    ("V. Tổ chức thực hiện > 2.", line); a heading line belongs to its own section."""
    lines = [line.strip() for line in body.splitlines()]
    lines = [line for line in lines if line]
    out: list[tuple[str, str]] = []
    _walk_lines(build_tree(lines), (), out)
    return out


def _walk_lines(node: Node, path: tuple[str, ...], out: list[tuple[str, str]]) -> None:
    if node.heading is not None:
        path = path + (node.heading.label.full,)
    section = SECTION_SEPARATOR.join(path)
    for item in node.items:
        if isinstance(item, str):
            out.append((section, item))
        else:
            _walk_lines(item, path, out)


def _open(stack: list[Node], heading: Heading) -> Node:
    """Close headings that the new one ends, and open it under what remains."""
    same = next((i for i, node in enumerate(stack) if node.heading and node.heading.kind == heading.kind), None)
    if same is not None:
        del stack[same:]  # a sibling of an open heading of the same kind
    elif heading.flexible:
        while len(stack) > 1 and stack[-1].rank > RANK_ROMAN:
            stack.pop()
    else:
        while len(stack) > 1 and stack[-1].rank >= heading.rank:
            stack.pop()
    rank = max(heading.rank, stack[-1].rank + 0.1) if heading.flexible else heading.rank
    node = Node(heading, rank)
    stack[-1].items.append(node)
    stack.append(node)
    return node


def build_tree(lines: list[str]) -> Node:
    root = Node(None, -1.0)
    stack = [root]
    title_pending = False
    for i, line in enumerate(lines):
        heading = parse_heading(line)
        if heading is None and len(stack) > 1 and not title_pending:
            # Only once structure has begun (at the top it is the document's own title), and
            # not as a bare heading's title line ("Chương I" / "QUY ĐỊNH CHUNG").
            heading = parse_attachment(line)
        title_pending = heading is not None and heading.wants_title
        if heading:
            heading = with_next_title(heading, lines[i + 1] if i + 1 < len(lines) else None)
            _open(stack, heading)
        stack[-1].items.append(line)
    return root


def is_major(item: str | Node) -> bool:
    return isinstance(item, Node) and item.rank <= MAJOR_RANK


def all_lines(node: Node) -> list[str]:
    out: list[str] = []
    for item in node.items:
        out.extend([item] if isinstance(item, str) else all_lines(item))
    return out
