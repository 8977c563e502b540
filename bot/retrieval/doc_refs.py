"""Document numbers in questions, in the forms people type.

"0125/KH-UBND", "kh 0125", "KH 982", "ct 17", "chỉ thị 17/CT-BTTTT", "chi thi so 17",
"224/CD-TTg", "qd 86/2025", "kế hoạch số 157", "66.7/2025/NQ-CP": each becomes a DocRef that
matches the documents' own numbers, with diacritics folded ("CĐ" typed as "CD") and leading zeros
ignored.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from bot.ingestion.metadata import TYPE_CODES
from bot.retrieval.vietnamese import fold

# Folded type words and their codes; a type word may stand for its code ("chỉ thị 17").
_TYPE_WORDS = {fold(name): fold(code) for code, name in TYPE_CODES.items()}
_TYPE_WORDS["cong van"] = ""  # a công văn's number carries the issuer's code, not a type code
_TYPE_WORDS["cv"] = ""  # as officials shorten it: «cv 5489»
_CODES = {fold(code) for code in TYPE_CODES}

# A number may carry a decimal part («Nghị quyết 66.7/2025/NQ-CP»): «66.7» is no «66», nor «7».
_DIGITS = r"\d{1,6}(?:\.\d{1,2})?"
_NUM = rf"(?<![\w/])(?<!\d\.)(?P<num>{_DIGITS})"
_FULL = re.compile(_NUM + r"(?:\s?/\s?(?P<year>\d{4}))?(?:\s?/\s?|-)"
                   r"(?P<code>[a-z][a-z0-9]*(?:(?:-|\s?/\s?)[a-z][a-z0-9]*)*)(?![\w/])")
_TYPE_ALT = "|".join(sorted((re.escape(w) for w in _TYPE_WORDS), key=len, reverse=True))
_CODE_ALT = "|".join(sorted(_CODES, key=len, reverse=True))
# "kh 0125", "chi thi so 17", "qd 86/2025", "ke hoach so 157"
# A number followed by a unit is an amount, not a document: "báo cáo 6 tháng", "kế hoạch 5 năm".
_NOT_UNIT = r"(?!\s*(?:thang|nam|quy|ngay|tuan|gio|lan|%|nguoi|don vi))"
_SHORT = re.compile(rf"(?<![\w/])(?P<kind>{_TYPE_ALT}|{_CODE_ALT})\s+(?:so\s+)?"
                    rf"(?P<num>{_DIGITS})(?:\s?/\s?(?P<year>\d{{4}}))?(?![\w/]|\.\d){_NOT_UNIT}")
# "0125 kh" is rarer but typed too ("982 kh ubnd")
_NUM_FIRST = re.compile(_NUM + rf"\s+(?P<kind>{_CODE_ALT})(?![\w/])")


@dataclass(frozen=True)
class DocRef:
    """A reference to a document: its number, and its type code and year when typed."""

    number: str               # without leading zeros: "125", "66.7"
    code: str | None = None   # folded type code ("kh", "ct", "cd") or issuer code ("ubnd-vx")
    year: int | None = None
    text: str = ""            # folded, as found in the folded question
    typed: str = ""           # as the person typed it («3470/QĐ-UBND»), for messages

    def matches(self, doc_number: str | None) -> bool:
        """Whether a document's số hiệu is the one referred to."""
        if not doc_number:
            return False
        parts = _parse_number(doc_number)
        if parts is None or parts[0] != self.number:
            return False
        number, year, codes = parts
        if self.year is not None and year is not None and year != self.year:
            return False
        if self.code:
            wanted = [c for c in re.split(r"[-/\s]+", self.code) if c]
            # a number that writes no type («98/2023/QH15», the National Assembly's) may be the
            # type asked («Nghị quyết 98»)
            untyped = all(c in _CODES for c in wanted) and not any(c in _CODES for c in codes)
            return untyped or all(c in codes for c in wanted)
        return True


def _number(typed: str) -> str:
    """A document's number without its leading zeros: "0125" -> "125", "66.7" as it is."""
    whole, _, part = typed.partition(".")
    return f"{int(whole)}.{part}" if part else str(int(whole))


def _parse_number(doc_number: str) -> tuple[str, int | None, list[str]] | None:
    found = _FULL.search(fold(doc_number))
    if not found:
        return None
    year = int(found["year"]) if found["year"] else None
    return _number(found["num"]), year, re.split(r"[-/\s]+", found["code"])


def find_refs(question: str) -> list[DocRef]:
    """Every document reference in the question, in order, without repeats."""
    text = fold(question)
    same_length = len(text) == len(question)  # else the folded spelling stands for the typed one
    refs: list[tuple[int, DocRef]] = []
    taken: list[tuple[int, int]] = []
    for pattern, build in ((_FULL, _from_full), (_SHORT, _from_short), (_NUM_FIRST, _from_short)):
        for found in pattern.finditer(text):
            if any(found.start() < end and start < found.end() for start, end in taken):
                continue
            ref = build(found)
            if ref is not None:
                taken.append(found.span())
                typed = question[found.start():found.end()] if same_length else ref.text
                refs.append((found.start(), replace(ref, typed=typed)))
    unique: list[DocRef] = []
    for _, ref in sorted(refs, key=lambda item: item[0]):
        if all((ref.number, ref.code, ref.year) != (u.number, u.code, u.year) for u in unique):
            unique.append(ref)
    return unique


def _from_full(found: re.Match[str]) -> DocRef | None:
    code = found["code"].replace(" ", "")
    year = int(found["year"]) if found["year"] else None
    if year is None and not any(part in _CODES or len(part) >= 2 for part in code.split("-")):
        return None
    return DocRef(_number(found["num"]), code, year, found.group(0))


def _from_short(found: re.Match[str]) -> DocRef | None:
    kind = found["kind"]
    code = _TYPE_WORDS.get(kind, kind)
    year = int(found["year"]) if found.groupdict().get("year") else None
    return DocRef(_number(found["num"]), code or None, year, found.group(0))


def matching(refs: Iterable[DocRef], numbers: Iterable[str | None]) -> list[str]:
    """The document numbers (as the documents write them) that any reference matches."""
    refs = list(refs)
    return [n for n in numbers if n and any(ref.matches(n) for ref in refs)]


def cited_numbers(text: str) -> list[str]:
    """The document numbers a text cites in full («Nghị quyết số 57-NQ/TW» -> "57-NQ/TW"),
    as the text writes them."""
    folded = fold(text)
    same_length = len(folded) == len(text)
    return [text[m.start():m.end()] if same_length else m.group(0).upper()
            for m in _FULL.finditer(folded) if _from_full(m) is not None]
