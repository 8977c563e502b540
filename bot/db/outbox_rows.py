"""The outbox's rows as the rest of the program sees them: their statuses, a message to plan,
a message a worker claimed, the reason a failed row gives, and buttons as stored (JSON).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.core.messages import Button

__all__ = ["REASON_SEP", "Claimed", "NewMessage", "Status", "decode_buttons", "encode_buttons"]

# A failed row's error: "<reason the report names> — <the messenger's own words>".
REASON_SEP = " — "


class Status:
    PENDING = "pending"
    SENDING = "sending"  # claimed by a worker, the messenger's answer not yet recorded
    SENT = "sent"
    FAILED = "failed"
    REROUTED = "rerouted"  # this account could not receive; a new row goes to the official's other one


@dataclass(frozen=True)
class NewMessage:
    dedupe_key: str  # e.g. "rem:<obligation>:<due>:<offset>:<official>", "bc:<broadcast>:<official>"
    channel: str
    chat_id: str
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    official_id: int | None = None
    is_group: bool = False
    not_before: datetime | None = None


@dataclass(frozen=True)
class Claimed:
    """A row a worker has claimed (status "sending", committed) and is about to send."""

    id: int
    broadcast_id: int | None
    official_id: int | None
    channel: str
    chat_id: str
    is_group: bool
    text: str
    buttons: tuple[tuple[Button, ...], ...]
    attempts: int  # this attempt included
    parts_sent: int = 0  # parts of a split text the messenger already accepted


def encode_buttons(rows: tuple[tuple[Button, ...], ...]) -> str:
    return json.dumps([[[b.label, b.data] for b in row] for row in rows], ensure_ascii=False) if rows else ""


def decode_buttons(raw: str) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(Button(label, data) for label, data in row) for row in json.loads(raw)) if raw else ()
