"""Shaping replies for a channel: splitting long texts, numbered choices where there are no buttons."""
from __future__ import annotations

from bot.core.messages import Button
from bot.retrieval.vietnamese import sentences

NUMBER_HINT = "Trả lời bằng số thứ tự của lựa chọn."
# What every channel says when handling a message failed (the database is down, a bug…).
APOLOGY = "Xin lỗi, đã có lỗi khi xử lý yêu cầu. Bạn thử lại sau ít phút."


def numbered(text: str, rows: tuple[tuple[Button, ...], ...], hint: str = "") -> str:
    """Button rows as «1. …» lines under the text, for channels without buttons."""
    options = [b for row in rows for b in row]
    lines = [text, ""] + [f"{i}. {b.label}" for i, b in enumerate(options, 1)]
    lines.append(hint or NUMBER_HINT)
    return "\n".join(lines)


def split_text(text: str, limit: int) -> list[str]:
    """Parts within the limit, cut between paragraphs, else between sentences, else between
    words; a citation line ("— Kế hoạch …, mục …") is never cut."""
    parts: list[str] = []
    current = ""
    for piece in _pieces(text, limit):
        candidate = f"{current}\n{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
        else:
            parts.append(current)
            current = piece
    if current or not parts:
        parts.append(current)
    return parts


def _pieces(text: str, limit: int) -> list[str]:
    """Paragraphs no longer than the limit (a longer one broken at sentences, then at words)."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        if len(paragraph) <= limit:
            out.append(paragraph)
            continue
        buffer = ""
        for sentence in sentences(paragraph) or [paragraph]:
            for chunk in _words(sentence, limit):
                joined = f"{buffer} {chunk}" if buffer else chunk
                if len(joined) <= limit:
                    buffer = joined
                else:
                    out.append(buffer)
                    buffer = chunk
        if buffer:
            out.append(buffer)
    return out


def _words(sentence: str, limit: int) -> list[str]:
    if len(sentence) <= limit:
        return [sentence]
    chunks, current = [], ""
    for word in sentence.split(" "):
        while len(word) > limit:  # a single "word" longer than a message: cut it
            chunks.append(word[:limit])
            word = word[limit:]
        joined = f"{current} {word}" if current else word
        if len(joined) <= limit:
            current = joined
        else:
            chunks.append(current)
            current = word
    if current:
        chunks.append(current)
    return chunks
