"""Dialogs in progress (a report being filled, a broadcast being written), one per person and
chat, kept in the database so that a restart or another worker picks up where the last left off.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, update

from bot.db.engine import Repository
from bot.db.models.base import utc_now
from bot.db.models.conversations import Dialog



@dataclass(frozen=True)
class DialogState:
    kind: str                     # "report", "broadcast"
    step: str
    data: dict[str, Any] = field(default_factory=dict)
    updated_at: datetime | None = None
    choices: tuple[str, ...] = ()  # the numbered choices it offered last (channels without buttons)


class DialogStore(Repository):
    def __init__(self, engine: Engine, max_age: timedelta = timedelta(hours=24)) -> None:
        super().__init__(engine)
        self.max_age = max_age

    def get(self, channel: str, chat_id: str, user_id: str, now: datetime | None = None) -> DialogState | None:
        """The dialog in progress, or None (also when it was left untouched too long)."""
        with self._read() as session:
            row = session.get(Dialog, (channel, chat_id, user_id))
        if row is None or row.updated_at < (now or utc_now()) - self.max_age:
            return None
        return DialogState(row.kind, row.step, json.loads(row.data or "{}"), row.updated_at,
                           tuple(line for line in (row.choices or "").split("\n") if line))

    def save(self, channel: str, chat_id: str, user_id: str, state: DialogState) -> None:
        values = {"kind": state.kind, "step": state.step,
                  "data": json.dumps(state.data, ensure_ascii=False), "updated_at": utc_now()}
        stmt = self._insert(Dialog).values(channel=channel, chat_id=chat_id, user_id=user_id, **values)
        stmt = stmt.on_conflict_do_update(index_elements=["channel", "chat_id", "user_id"], set_=values)
        with self._write() as session, session.begin():
            session.execute(stmt)

    def offer(self, channel: str, chat_id: str, user_id: str, choices: tuple[str, ...]) -> None:
        """Remember the numbered choices the dialog in progress offers now (() forgets them);
        saving a step keeps them."""
        with self._write() as session, session.begin():
            session.execute(update(Dialog).where(
                Dialog.channel == channel, Dialog.chat_id == chat_id, Dialog.user_id == user_id)
                .values(choices="\n".join(choices)))

    def clear(self, channel: str, chat_id: str, user_id: str) -> bool:
        """End the dialog; False when there was none."""
        with self._write() as session, session.begin():
            result = session.execute(delete(Dialog).where(
                Dialog.channel == channel, Dialog.chat_id == chat_id, Dialog.user_id == user_id))
            return bool(result.rowcount)
