"""A document's header and closing, set apart from its body.

The header is the agency, the national motto, the number, the place and date and a công văn's
"V/v …" subject; the closing is the "Nơi nhận:" list of recipients and the signature block (role,
title, name), wherever the layout puts it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.ingestion import metadata as md
from bot.ingestion.line_cleaning import DASH_RULE, SENTENCE_END, is_caps

__all__ = ["PLACE_DATE_CHARS", "Parts", "is_name", "is_recipients_heading", "is_signature_role", "split_parts"]

_RECIPIENTS = re.compile(r"^Nơi nhận\s*:", re.IGNORECASE)
_SIGN_ROLE = re.compile(r"^(?:TM\.|KT\.|TL\.|TUQ\.|Q\.|PP\.|T/M|K/T|THỪA LỆNH|THỪA ỦY QUYỀN)", re.IGNORECASE)
_SIGNED_NOTE = re.compile(r"^\(?\s*(?:đã ký|ký tên|ký, đóng dấu|ký và đóng dấu|ký số)[^)]*\)?\s*",
                          re.IGNORECASE)
_NAME = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]*\.?\s+){1,5}[A-ZĐÀ-Ỹ][a-zà-ỹđ]+$")
_NUMBER_LINE = re.compile(r"^Số\s*:\s*\S*\d")
PLACE_DATE_CHARS = 80  # a header's place-and-date cell is short; a sentence citing a date is not


@dataclass
class Parts:
    header: list[str]
    agency: list[str]
    body: list[tuple[str, str]]  # (raw line, text line)
    closing: list[str]


def split_parts(pairs: list[tuple[str, str]]) -> Parts:
    """A document's (raw, text) line pairs as header, agency, body and closing."""
    header_end, motto, agency = _find_header(pairs)
    header = [t for _, t in pairs[:header_end]] if header_end else []
    rest = pairs[header_end:]
    start, stop = _find_closing([t for _, t in rest])
    closing = [t for _, t in rest[start:stop]]
    body = rest[:start] + rest[stop:] if stop > start else rest
    return Parts(header=header, agency=agency, body=body, closing=closing)


def _find_header(pairs: list[tuple[str, str]]) -> tuple[int, int, list[str]]:
    """(index after the header block, index of the motto line, agency lines); (0, -1, []) if none."""
    content = [i for i, (_, t) in enumerate(pairs[:60]) if t and t != "|"]
    motto = next((i for i in content[:15] if md.is_motto_line(pairs[i][1])), -1)
    # A plain-text header may leave out the national motto: agency lines, then "Số: ...".
    anchor = motto if motto >= 0 else next(
        (i for i in content[:8] if _NUMBER_LINE.match(pairs[i][1])), -1)
    if anchor < 0:
        return 0, -1, []
    agency = _agency_lines(pairs, anchor)
    end = anchor + 1
    for i in range(anchor, min(len(pairs), anchor + 25)):
        text = pairs[i][1]
        if i > anchor and md.is_type_heading(text):
            break
        if re.search(r"\bsố\s*:", text, re.IGNORECASE):
            end = max(end, i + 1)
            if text.rstrip(" |").endswith(":") and i + 1 < len(pairs):
                end = max(end, i + 2)
        if _is_place_date(pairs[i - 1][1] if i else "", text) and (i > anchor or motto < 0):
            end = i + 1
            break
    return _extend_with_subject(pairs, end), motto, agency


def _is_place_date(prev: str, text: str) -> bool:
    """The header's place-and-date cell ("Nghệ An, ngày 19 tháng 11 năm 2025", perhaps wrapped
    after "ngày 19"), not a sentence citing a date ("Căn cứ Nghị định … ngày 26 tháng 02 năm 2025 …")."""
    if any(len(cell.strip()) <= PLACE_DATE_CHARS and md.PLACE_DATE.search(cell) for cell in text.split("|")):
        return True
    prev, text = prev.split("|")[-1].strip(), text.split("|")[0].strip()
    return len(prev) + len(text) < PLACE_DATE_CHARS and bool(md.PLACE_DATE.search(f"{prev} {text}"))


def _agency_lines(pairs: list[tuple[str, str]], motto: int) -> list[str]:
    lines: list[str] = []
    for _, text in pairs[:motto + 1]:
        if text.startswith("CỘNG") or re.match(r"^(?:Luật\s+)?Số\b", text):  # motto or number
            break
        if "|" in text.strip("| "):  # "CHÍNH PHỦ------- | CỘNG HÒA ...": the left cell
            text = text.strip("| ").split("|")[0]
        elif md.has_motto(text):
            break
        text = DASH_RULE.sub("", text).strip(" |")
        if text and not md.has_motto(text):
            lines.append(text)
    return lines


def _extend_with_subject(pairs: list[tuple[str, str]], end: int) -> int:
    """A công văn's "V/v ..." cell may follow the date cell; it belongs to the header."""
    i = end
    while i < len(pairs) and pairs[i][1] in {"", "|"}:
        i += 1
    if i < len(pairs) and pairs[i][1].lower().startswith("v/v"):
        j = i + 1
        while j < len(pairs) and pairs[j][1] not in {"", "|"} and not SENTENCE_END.search(pairs[j - 1][1]):
            j += 1
        return j
    return end


def _find_closing(texts: list[str]) -> tuple[int, int]:
    """[start, stop) of the "Nơi nhận" list and signature block, or (0, 0)."""
    here = next((i for i, t in enumerate(texts) if is_recipients_heading(t)), -1)
    if here < 0:
        return _trailing_signature(texts)
    start = _signature_before(texts, here)
    stop = _skip_recipients(texts, here + 1)
    stop = _skip_signature(texts, stop)
    return start, stop


def is_recipients_heading(text: str) -> bool:
    """The "Nơi nhận:" line that opens the closing's list of recipients."""
    return bool(_RECIPIENTS.match(text.strip("| ")))


def is_signature_role(text: str) -> bool:
    """A signature block's role line: "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "THỪA LỆNH" ..."""
    return bool(_SIGN_ROLE.match(text.strip("| ")))


def _skip_recipients(texts: list[str], i: int) -> int:
    while i < len(texts):
        text = texts[i].strip("| ")
        if texts[i].strip() == "|" or (text and text[0] not in "-+•–" and texts[i - 1].strip().endswith((";", "."))):
            break
        if text and (_SIGN_ROLE.match(text) or (text[0] not in "-+•–" and is_caps(text))):
            break
        i += 1
    return i


def _is_signature_line(text: str) -> bool:
    return bool(_SIGN_ROLE.match(text) or _SIGNED_NOTE.match(text) or is_caps(text))


def is_name(text: str) -> bool:
    text = _SIGNED_NOTE.sub("", text).strip()
    return bool(_NAME.match(text)) and len(text) <= 40


def _skip_signature(texts: list[str], i: int) -> int:
    """Past the signature block that starts at or after i (pipes and blanks skipped)."""
    j = i
    while j < len(texts) and texts[j].strip(" |") == "":
        j += 1
    seen_role = False
    for k in range(j, min(len(texts), j + 10)):
        text = texts[k].strip(" |")
        if not text:
            if seen_role:
                continue
            return i
        if is_name(text) and seen_role:
            return k + 1
        if _is_signature_line(text):
            seen_role = True
            continue
        return k if seen_role else i
    return i


def _signature_before(texts: list[str], here: int) -> int:
    """A signature cell placed before "Nơi nhận" (name last) belongs to the closing too."""
    k = here - 1
    while k >= 0 and texts[k].strip(" |") == "":
        k -= 1
    if k < 0 or not is_name(texts[k].strip(" |")):
        return here
    start = k
    for j in range(k - 1, max(-1, k - 8), -1):
        text = texts[j].strip(" |")
        if not text or not _is_signature_line(text):
            break
        start = j
    return start if start < k else here


def _trailing_signature(texts: list[str]) -> tuple[int, int]:
    """No "Nơi nhận": a signature block ("TM. ...", title, name) among the last lines."""
    tail = max(0, len(texts) - 12)
    for i in range(len(texts) - 1, tail - 1, -1):
        text = texts[i].strip(" |")
        if _SIGN_ROLE.match(text):
            stop = _skip_signature(texts, i)
            if stop > i:
                return i, stop
    return 0, 0
