"""Vietnamese text for matching: NFC at the door, diacritics folded only where we compare."""
from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+")
# Tone and vowel marks are combining characters after NFD; "đ" is a letter of its own.
_FOLD_TABLE = str.maketrans({"đ": "d", "Đ": "D"})


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower case without diacritics: "Hạn nộp BÁO CÁO" -> "han nop bao cao"."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_TABLE))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


# Shorthand people type in chat, read as the words the texts write: «cty» is «công ty».
_SHORTHAND = {"cty": "công ty", "dn": "doanh nghiệp", "ko": "không", "khg": "không", "đc": "được", "dc": "được",
              "bn": "bao nhiêu", "ntn": "như thế nào"}
_SHORTHAND_WORD = re.compile(rf"(?<!\w)(?:{'|'.join(_SHORTHAND)})(?!\w)", re.IGNORECASE)


def spelled_out_chat(text: str) -> str:
    """The text with chat shorthand spelled out: «cty có phải nộp ko» -> «công ty có phải nộp không»."""
    return _SHORTHAND_WORD.sub(lambda m: _SHORTHAND[m.group(0).lower()], text)


TITLE_LETTERS = 20


def in_capitals(text: str) -> bool:
    """A title in capitals («DANH MỤC THỦ TỤC HÀNH CHÍNH …»): enough letters, four in five capitals."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= TITLE_LETTERS and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def has_diacritics(text: str) -> bool:
    """True when the text carries any Vietnamese mark (typed with accents)."""
    return fold(text) != text.lower()


def syllables(text: str) -> list[str]:
    """Folded syllables and numbers of a text, in order; "01" and "1" are the same number."""
    return [w.lstrip("0") or "0" if w.isdigit() else w for w in _WORD.findall(fold(text))]


# Abbreviations that end in a period without ending the sentence ("TP. Huế", "ThS. Nguyễn").
_ABBREVIATIONS = {"tp", "tt", "vp", "ths", "ts", "pgs", "gs", "bs", "ks", "tx", "q", "p", "tr", "st",
                  "đ", "ông", "bà", "v.v", "vv", "cn", "nxb", "sđd"}
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)*]*\s+(?=[\"“(]?[A-ZĐÀ-ỸÁ-Ỹ0-9])")
_LAST_WORD = re.compile(r"(\S+)$")


def sentences(paragraph: str) -> list[str]:
    """Cut a paragraph at sentence ends; "31/3/2026. Sau" ends one, "TP. Huế" does not."""
    out: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(paragraph):
        head = paragraph[start:match.start()].rstrip("\"”’)*")
        word = _LAST_WORD.search(head)
        token = word.group(1).rstrip(".!?…").lower() if word else ""
        if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
            continue
        out.append(paragraph[start:match.start()].strip())
        start = match.end()
    out.append(paragraph[start:].strip())
    return [s for s in out if s]
