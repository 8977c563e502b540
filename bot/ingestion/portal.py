"""A legal portal's page (thuvienphapluat.vn): its preamble and trailer cut, its fact table kept.

The portal's banners contain their own "Số hiệu" tables, so they go before the official header
is looked for; the fact table is kept as a metadata fallback.
"""
from __future__ import annotations

import re

from bot.ingestion.line_cleaning import strip_markup

__all__ = ["strip_portal"]

_PORTAL_PREAMBLE_END = re.compile(r"^Đang tải văn bản")
_PORTAL_FIELD = re.compile(r"^(Số hiệu|Loại văn bản|Nơi ban hành|Người ký|Ngày ban hành|Ngày hiệu lực"
                           r"|Ngày công báo|Số công báo|Ngày hợp nhất|Tình trạng)\s*:\s*(.*)$")
_PORTAL_TRAILER = re.compile(
    r"^(?:Văn bản này chưa cập nhật nội dung Tiếng Anh|Văn bản liên quan$|NỘI DUNG SỬA ĐỔI, HƯỚNG DẪN$"
    r"|FILE ĐƯỢC ĐÍNH KÈM THEO VĂN BẢN|Hãy đăng nhập hoặc đăng ký Thành viên)")
_PORTAL_CAPTION = re.compile(r"^[A-ZĐ]\w*(?:\s\w+){0,3}\s(?:No\.\s)?\d\S*\s(?:năm|ngày|dated)\s")
_ENGLISH_PAYWALL = re.compile(r"\.\.\.\s*\.\.\.\s*\.\.\.\s*Hãy đăng nhập.*$")


def strip_portal(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """Cut a legal portal's preamble and trailer; keep its fact table as a metadata fallback."""
    portal: dict[str, str] = {}
    start = _portal_preamble_end(lines)
    if start:
        start, portal = _read_portal_fields(lines, start)
    end = len(lines)
    for i in range(start, len(lines)):
        text = strip_markup(lines[i])
        if _PORTAL_TRAILER.match(text):
            end = i
            break
        if _ENGLISH_PAYWALL.search(text):
            end = i
            break
    end = _drop_portal_caption(lines, start, end)
    return lines[start:end], portal


def _portal_preamble_end(lines: list[str]) -> int:
    head = "\n".join(lines[:20])
    if "THƯ VIỆN PHÁP LUẬT" not in head.upper() and "thuvienphapluat" not in head.lower():
        return 0
    for i, line in enumerate(lines[:80]):
        if _PORTAL_PREAMBLE_END.match(strip_markup(line)):
            return i + 1
    return 0


def _read_portal_fields(lines: list[str], start: int) -> tuple[int, dict[str, str]]:
    """Read "Số hiệu: | 471/QĐ-UBND | ..." pairs; return the line after "Tình trạng"'s value."""
    fields: dict[str, str] = {}
    key: str | None = None
    i = start
    for i in range(start, min(len(lines), start + 80)):
        text = strip_markup(lines[i])
        if not text or text in {"|", "#"}:
            continue
        found = _PORTAL_FIELD.match(text)
        if found:
            key = found.group(1)
            if found.group(2).strip():
                fields[key] = found.group(2).strip()
                key = None
            continue
        if key is None:
            if "Tình trạng" in fields:
                return i, fields
            if not fields:  # a caption line ("Thông tư 45/2025/TT-BYT ...") may precede the table
                continue
            break
        fields[key] = text
        key = None
    return (i if fields else start), fields


def _drop_portal_caption(lines: list[str], start: int, end: int) -> int:
    """The portal repeats the document's name ("Công văn 5348/CT-CS năm 2025 ...") before its trailer."""
    if end == len(lines):
        return end
    i = end - 1
    while i > start and strip_markup(lines[i]) in {"", "|"}:
        i -= 1
    return i if i > start and _PORTAL_CAPTION.match(strip_markup(lines[i])) else end
