"""What a question asks: its intent, the documents it names, whether it follows up the last one."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from bot.retrieval.doc_refs import DocRef, find_refs
from bot.retrieval.vietnamese import fold, syllables


class Intent(StrEnum):
    DEADLINE = "deadline"    # hạn, khi nào, trước ngày nào
    CRITERIA = "criteria"    # tiêu chí, tiêu chuẩn, điều kiện, hình thức khen thưởng
    RECIPIENT = "recipient"  # gửi về đâu, nộp cho ai
    AMOUNT = "amount"        # bao nhiêu, tỷ lệ, ít nhất
    GENERAL = "general"


# Patterns on folded text ("han nop" matches "hạn nộp" and "han nop" alike).
_INTENTS = (
    (Intent.CRITERIA, re.compile(r"\b(tieu chi|tieu chuan|dieu kien|hinh thuc khen thuong|"
                                 r"doi tuong khen thuong|chi tieu)\b")),
    (Intent.RECIPIENT, re.compile(r"\b(gui|nop|bao cao|chuyen|trinh)\b.*\b(ve dau|o dau|cho ai|den dau|"
                                  r"toi dau|dau|co quan nao|don vi nao|noi nao)\b|\bnoi nhan\b|"
                                  r"\bdau moi\b|\bco quan tiep nhan\b|\bai tiep nhan\b|\bgui ve dau\b")),
    (Intent.DEADLINE, re.compile(r"\b(han|thoi han|han chot|khi nao|bao gio|luc nao|ngay nao|"
                                 r"thang nao|truoc ngay|cham nhat|deadline|thoi gian|"
                                 r"thoi diem|moc thoi gian|dinh ky)\b(?! che)")),
    (Intent.AMOUNT, re.compile(r"\b(bao nhieu|ty le|it nhat|toi thieu|toi da|so luong)\b")),
)
# A short question that leans on the last one: "còn tiêu chí thì sao?", "văn bản đó gửi về đâu?"
_FOLLOW_UP = re.compile(r"^(con|the con|vay|vay con|con ve)\b|\b(thi sao|the nao|nay|do|tren|"
                        r"van ban nay|van ban do|ke hoach nay|ke hoach do|chi thi nay|chi thi do)\b")
FOLLOW_UP_MAX_SYLLABLES = 10
# So short a question about a deadline, criteria or recipient names no document of its own.
BARE_MAX_SYLLABLES = 6


@dataclass(frozen=True)
class Question:
    text: str
    intent: Intent
    refs: tuple[DocRef, ...] = field(default_factory=tuple)
    follow_up: bool = False


def understand(text: str) -> Question:
    folded = fold(text)
    intent = next((i for i, pattern in _INTENTS if pattern.search(folded)), Intent.GENERAL)
    refs = tuple(find_refs(text))
    short = len(syllables(text)) <= FOLLOW_UP_MAX_SYLLABLES
    bare = intent is not Intent.GENERAL and len(syllables(text)) <= BARE_MAX_SYLLABLES
    follow_up = not refs and (bare or (short and bool(_FOLLOW_UP.search(folded.strip()))))
    return Question(text=text, intent=intent, refs=refs, follow_up=follow_up)
