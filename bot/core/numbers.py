"""Numbers typed in chat. `str.isdigit()` accepts «²» and «①», which `int()` refuses, and `int()`
refuses more than 4300 digits: every number read from a message goes through here instead."""
from __future__ import annotations

MAX_DIGITS = 9  # no count, day or choice typed in chat needs more


def whole_number(text: str, max_digits: int = MAX_DIGITS) -> int | None:
    """The number a message (or a word of it) states, e.g. «12» or «０３»; None for anything
    else: signs, «²», «1.5», empty, or longer than `max_digits` digits."""
    text = text.strip()
    if not text or len(text) > max_digits or not text.isdecimal():
        return None
    return int(text)
