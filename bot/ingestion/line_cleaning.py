"""Line-level cleaning: NFC, ordinary spaces, markdown marks off, portal noise recognised.

Shared by every later pass of cleaning (`bot.ingestion.cleaning`) and by the retention check.
"""
from __future__ import annotations

import re
import unicodedata

__all__ = ["DASH_RULE", "ONLY_PUNCT", "SENTENCE_END", "SPACES", "is_caps", "is_noise", "normalize_text",
           "strip_markup"]

_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
SPACES = re.compile(r"[ \t\u00a0\u2002-\u200a\u202f\u3000]+")
_EMPHASIS = re.compile(r"(?<!\()\*+(?!\))|__+")
_HEADING_HASHES = re.compile(r"^\s*#{1,6}(?:\s+|$)")
ONLY_PUNCT = re.compile(r"^[\W_]*$")
DASH_RULE = re.compile(r"-{3,}")

# Portal noise, one pattern per kind; matched against a whole line after markdown is stripped.
# Tails are bounded: a sentence that merely starts like a banner ("Bản quyền tác giả là …") is text.
_NOISE = re.compile("|".join([
    r"Lượt xem\s*:?\s*[\d.,]*",
    r"Lượt (?:thích|đọc|truy cập)\s*:?\s*[\d.,]*",
    r"Trang\s+\d+\s*/\s*\d+.{0,20}",
    r"Tin (?:đã đưa|liên quan|khác|mới|cùng chuyên mục)\s*:?",
    r"(?:In|Gửi) bài(?: viết)?|In trang|Bản in|Gửi email|Chia sẻ(?: bài viết)?\s*:?.{0,40}",
    r"Xem theo ngày\s*:?.{0,30}",
    r"(?:Quay lại|Về đầu trang|Đầu trang|Trở về|Xem thêm|Tải về|Tải xuống)\s*:?",
    r"(?:Thứ\s+(?:\d|hai|ba|tư|năm|sáu|bảy)|Chủ nhật)\s*,?\s*(?:ngày\s+)?\d{1,2}/\d{1,2}/\d{4}.{0,40}",
    r"\d{1,2}/\d{1,2}/\d{4}\s*(?:\||-)?\s*\d{1,2}:\d{2}.{0,30}",
    r"(?:Copyright|©).{0,150}|Bản quyền\s+(?:thuộc|©|\d{4}).{0,150}",
    r"(?:Trang chủ|Home)\s*(?:[>»/|›].*)?",
    r"Quý khách cần hỏi thêm thông tin.*",
]), re.IGNORECASE)
_BREADCRUMB = re.compile(r"^[^.;:]{1,40}(?:\s*[>»›]\s*[^.;:>»›]{1,40}){2,}$")
SENTENCE_END = re.compile(r"[.:;!?](?:\s*[”\"'’)\]]*)$")
_LETTERS = re.compile(r"[^\W\d_]")


def normalize_text(text: str) -> str:
    """NFC, Unix line ends, ordinary spaces, no zero-width characters."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _ZERO_WIDTH.sub("", text)
    return "\n".join(SPACES.sub(" ", line).rstrip() for line in text.split("\n"))


def strip_markup(line: str) -> str:
    """Markdown emphasis and heading marks off; table pipes stay for the table pass."""
    text = _HEADING_HASHES.sub("", line)
    text = _EMPHASIS.sub("", text)
    return SPACES.sub(" ", text).strip()


def is_caps(text: str) -> bool:
    """Upper case throughout, with at least three letters."""
    letters = _LETTERS.findall(text)
    return len(letters) >= 3 and text.upper() == text


def is_noise(text: str) -> bool:
    """A portal's page furniture (counters, share links, breadcrumbs…) or punctuation alone."""
    if not text or text == "|":
        return False
    cell = text.strip("| ")
    return bool(_NOISE.fullmatch(cell) or _BREADCRUMB.match(cell)
                or (cell and ONLY_PUNCT.match(cell) and cell not in {"-", "+"}))
