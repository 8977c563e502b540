"""A cleaned body as paragraphs with their section paths, and the list markers lines start with.

The body is walked line by line with the section path of each line
(`bot.ingestion.sections.section_lines`). Hard-wrapped remnants (a line that starts in lower case
after one that does not end a sentence) are joined back to the line they continue.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.ingestion.sections import section_lines

__all__ = ["Paragraph", "body_paragraphs", "list_marker", "strip_marker"]

_ITEM_MARKER = re.compile(
    r"^(?:(?P<roman>[IVX]{1,4})\s*[.\-–)]|(?P<num>\d{1,3}(?:\.\d{1,2}){0,4})[.)]|(?P<letter>[a-zđ])[.)]"
    r"|(?P<dash>[-–—•+*]))\s*")
_ENDS_SENTENCE = re.compile(r"[.;:!?…][\"”’)*]*$")


@dataclass
class Paragraph:
    section: str
    text: str


def body_paragraphs(body: str) -> list[Paragraph]:
    """Body lines with their sections, wrapped remnants joined back to the line they continue."""
    out: list[Paragraph] = []
    for section, line in section_lines(body):
        continues = (out and out[-1].section == section and line[:1].islower()
                     and not _ITEM_MARKER.match(line) and not _ENDS_SENTENCE.search(out[-1].text))
        if continues:
            out[-1].text = f"{out[-1].text} {line}"
        else:
            out.append(Paragraph(section, line))
    return out


def list_marker(text: str) -> str | None:
    """The kind of list marker a line starts with: "roman", "num1", "num2", "letter", "-", "+"…"""
    match = _ITEM_MARKER.match(text)
    if not match:
        return None
    if match.group("num"):
        return f"num{match.group('num').count('.') + 1}"
    if match.group("dash"):
        return "-" if match.group("dash") in "-–—" else match.group("dash")
    return "roman" if match.group("roman") else "letter"


def strip_marker(text: str) -> str:
    return _ITEM_MARKER.sub("", text, count=1).strip()
