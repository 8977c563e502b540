"""Criteria lists: criteria, standards, conditions and reward forms, with their items' texts.

A heading or an announcing sentence about "tiêu chí", "tiêu chuẩn", "điều kiện" or "hình thức
khen thưởng" followed by list items gives a list; a heading whose items are short group titles
with their own sub-items gives one list per group.
"""
from __future__ import annotations

import re

from bot.facts.model import CriteriaList, ListKind
from bot.facts.paragraphs import Paragraph, list_marker, strip_marker
from bot.ingestion.sections import SECTION_SEPARATOR

__all__ = ["criteria_lists"]

_I = re.IGNORECASE

_LIST_WORDS = (
    (ListKind.REWARDS, re.compile(r"hình\s+thức\s+khen\s+thưởng", _I)),
    (ListKind.CRITERIA, re.compile(r"tiêu\s+chí", _I)),
    (ListKind.STANDARDS, re.compile(r"tiêu\s+chuẩn", _I)),
    (ListKind.CONDITIONS, re.compile(r"điều\s+kiện", _I)),
)
MAX_HEADING_CHARS = 120


def _list_kind(text: str) -> ListKind | None:
    hits = [(m.start(), kind) for kind, regex in _LIST_WORDS for m in [regex.search(text)] if m]
    return min(hits)[1] if hits else None


def _is_list_heading(para: Paragraph) -> bool:
    """A short numbered heading ("2. Hình thức khen thưởng", "III. TIÊU CHÍ THI ĐUA")."""
    text = para.text
    return bool(list_marker(text)) and list_marker(text) not in ("-", "+", "•", "*") \
        and len(text) <= MAX_HEADING_CHARS and not text.rstrip().endswith((".", ";")) \
        and ":" not in text.rstrip(": ")


def _announces(para: Paragraph) -> bool:
    """A sentence that ends by announcing a list: "… đạt các tiêu chuẩn sau:"."""
    return para.text.rstrip().endswith(":") and _list_kind(para.text[-80:]) is not None


def _in_subtree(section: str, root: str) -> bool:
    return section == root or section.startswith(root + SECTION_SEPARATOR)


def _heading_items(paragraphs: list[Paragraph], index: int) -> list[tuple[int, list[str]]]:
    """The items of a heading's subtree that share the first item's marker, each with the texts
    of the deeper-marked lines under it (its sub-items)."""
    root = paragraphs[index].section
    item_marker = None
    items: list[tuple[int, list[str]]] = []
    for j in range(index + 1, len(paragraphs)):
        para = paragraphs[j]
        if not _in_subtree(para.section, root):
            break
        marker = list_marker(para.text)
        if item_marker is None and marker:
            item_marker = marker
        if marker and marker == item_marker:
            items.append((j, []))
        elif marker and items:
            items[-1][1].append(_item_text(para.text))
    return items


def _heading_lists(paragraphs: list[Paragraph], index: int, kind: ListKind) -> list[CriteriaList]:
    """One list of the heading's items; or, when every item is a short group title with its own
    sub-items ("a) Đối với cá nhân" + dashes), one list per group."""
    para = paragraphs[index]
    items = _heading_items(paragraphs, index)
    groups = [(j, subs) for j, subs in items if subs and len(paragraphs[j].text) <= MAX_HEADING_CHARS]
    if items and len(groups) == len(items):
        return [CriteriaList(kind, paragraphs[j].text, tuple(subs), paragraphs[j].section)
                for j, subs in groups]
    texts = [_item_text(paragraphs[j].text) for j, _ in items]
    return [CriteriaList(kind, para.text, tuple(texts), para.section)] if len(texts) >= 2 else []


def _announced_items(paragraphs: list[Paragraph], index: int) -> list[str]:
    """Consecutive marked lines after an announcing sentence, deeper sub-items skipped."""
    own = list_marker(paragraphs[index].text)
    root = paragraphs[index].section
    item_marker, items = None, []
    for para in paragraphs[index + 1:]:
        marker = list_marker(para.text)
        if marker is None or marker == own or not _in_subtree(para.section, root) \
                or (item_marker is None and marker in ("roman", "num1")):
            break
        item_marker = item_marker or marker
        if marker == item_marker:
            items.append(_item_text(para.text))
    return items


def _item_text(text: str) -> str:
    return strip_marker(text).rstrip(" ;,.")


def criteria_lists(paragraphs: list[Paragraph]) -> list[CriteriaList]:
    out: list[CriteriaList] = []
    for index, para in enumerate(paragraphs):
        kind = _list_kind(para.text)
        if kind is None:
            continue
        if _is_list_heading(para):
            if not _has_list_child(paragraphs, index):
                # "III. HÌNH THỨC VÀ TIÊU CHUẨN KHEN THƯỞNG": its sub-headings are the lists
                out.extend(_heading_lists(paragraphs, index, kind))
        elif _announces(para):
            items = _announced_items(paragraphs, index)
            if items:
                out.append(CriteriaList(kind, para.text, tuple(items), para.section))
    return out


def _has_list_child(paragraphs: list[Paragraph], index: int) -> bool:
    root = paragraphs[index].section
    for para in paragraphs[index + 1:]:
        if not _in_subtree(para.section, root):
            break
        if para.section.count(SECTION_SEPARATOR) == root.count(SECTION_SEPARATOR) + 1 \
                and _is_list_heading(para) and _list_kind(para.text):
            return True
    return False
