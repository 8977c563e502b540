"""Chunks that are pure boilerplate: nothing in them answers a question, so they are not embedded.

The cleaner sets a document's own closing aside, but forms and appendices repeat theirs inside
the body: «Nơi nhận:» lists, signature blocks («THƯ KÝ HỘI ĐỒNG (Ký và ghi rõ họ tên)»), the
national motto, blank «Số: ……» and «…, ngày … tháng … năm …» lines. A chunk made of such lines
only, with at least one recipients or signature line among them (or of the motto and blank
fields alone), is boilerplate; one sentence of prose keeps the whole chunk.
"""
from __future__ import annotations

import re

from bot.ingestion.document_parts import is_recipients_heading, is_signature_role
from bot.ingestion.line_cleaning import is_noise

# «(Ký và ghi rõ họ tên;», «(đã ký)» and a wrapped tail «ký, đóng dấu … (nếu là tổ chức))».
_SIGNING_NOTE = re.compile(r"^\(\s*(?:đã ký|ký\b).{0,100}$|^(?:đã ký|ký,).{0,100}\)$", re.IGNORECASE)
_MOTTO = re.compile(r"^(?:CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"
                    r"|Độc lập\s*[-–]\s*Tự do\s*[-–]\s*Hạnh phúc)\W*$", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^[-+•–]\s*\S")
_NAME = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]*\.?\s+){1,5}[A-ZĐÀ-Ỹ][a-zà-ỹđ]+$")
_BLANK_FIELD = re.compile(r"^(?:Số|V/v|Mẫu(?: số)?)\s*:?\s*[\w./-]{0,12}\s*[.…]*(?:\s*V/v\s*:?\s*[.…]*)?$",
                          re.IGNORECASE)
_BLANK_DATE = re.compile(r"^[.…\w\s]{0,30},?\s*ngày\s*[.…\d]*\s*tháng\s*[.…\d]*\s*năm\s*[.…\d]*$", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"^[\W_]*$|^[.…]{3,}.*[.…]{3,}$")
_LETTERS = re.compile(r"[^\W\d_]")


def is_boilerplate(text: str) -> bool:
    """Recipients, signatures, motto and blank form fields, and nothing else."""
    lines = [line for line in (raw.strip(" |") for raw in text.splitlines()) if line]
    if not any(_is_closing(line) for line in lines):
        return bool(lines) and all(_is_blank_header(line) for line in lines)
    recipients = False
    for line in lines:
        recipients = recipients or is_recipients_heading(line)
        if not (_is_closing(line) or _is_form_line(line) or (recipients and _LIST_ITEM.match(line))):
            return False
    return True


def _is_closing(line: str) -> bool:
    return bool(is_recipients_heading(line) or is_signature_role(line) or _SIGNING_NOTE.match(line))


def _is_blank_header(line: str) -> bool:
    """The motto and a form's blank «Số: ……», «…, ngày … tháng … năm …» lines."""
    return bool(_MOTTO.match(line) or _BLANK_FIELD.match(line) or _BLANK_DATE.match(line)
                or _PLACEHOLDER.match(line) or is_noise(line))


def _is_form_line(line: str) -> bool:
    """A line of a closing or a form's header: those above, titles in capitals, names."""
    return _is_blank_header(line) or _is_caps(line) or bool(_NAME.match(line) and len(line) <= 40)


def _is_caps(line: str) -> bool:
    letters = _LETTERS.findall(line)
    return len(letters) >= 2 and line.upper() == line
