"""The delivery outbox: every message to every recipient is a row before anything is sent.

Planning the same message twice is a no-op (its `dedupe_key` is unique), so reminder planning
and broadcasts can be re-run after a crash without sending anything twice.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import sessionmaker

from bot.db import models as m
from bot.db.engine import writer
from bot.messages import Button

_INSERT = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
_BATCH = 500  # rows per INSERT


class Status:
    PENDING = "pending"
    SENDING = "sending"  # claimed by a worker, the messenger's answer not yet recorded
    SENT = "sent"
    FAILED = "failed"


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


def encode_buttons(rows: tuple[tuple[Button, ...], ...]) -> str:
    return json.dumps([[[b.label, b.data] for b in row] for row in rows], ensure_ascii=False) if rows else ""


def decode_buttons(raw: str) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(Button(label, data) for label, data in row) for row in json.loads(raw)) if raw else ()


class Outbox:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(writer(engine), expire_on_commit=False)
        self._insert = _INSERT[engine.dialect.name]

    def create_broadcast(self, kind: str, text: str, audience: str, *, created_by: int | None = None,
                         report_to: tuple[str, str] | None = None) -> int:
        """A broadcast record (its messages are enqueued with its id); report_to is (channel,
        chat_id) of whoever gets the delivery report."""
        row = m.Broadcast(kind=kind, text=text, audience=audience, created_by=created_by,
                          report_channel=report_to[0] if report_to else None,
                          report_chat_id=report_to[1] if report_to else None)
        with self._write() as session, session.begin():
            session.add(row)
            session.flush()
            return row.id

    def enqueue(self, messages: Iterable[NewMessage], broadcast_id: int | None = None) -> int:
        """Write the messages as pending rows; those already planned (same dedupe key) are
        skipped. Returns how many rows are new."""
        now = m.utc_now()
        rows = [{"dedupe_key": msg.dedupe_key[:160], "broadcast_id": broadcast_id,
                 "official_id": msg.official_id, "channel": msg.channel, "chat_id": msg.chat_id,
                 "is_group": msg.is_group, "text": msg.text, "buttons": encode_buttons(msg.buttons),
                 "status": Status.PENDING, "attempts": 0, "not_before": msg.not_before or now,
                 "created_at": now} for msg in messages]
        added = 0
        with self._write() as session, session.begin():
            for start in range(0, len(rows), _BATCH):
                stmt = (self._insert(m.OutboxMessage).values(rows[start:start + _BATCH])
                        .on_conflict_do_nothing(index_elements=["dedupe_key"])
                        .returning(m.OutboxMessage.id))
                added += len(session.execute(stmt).all())
        return added

    def counts(self, broadcast_id: int | None = None) -> dict[str, int]:
        """Rows by status (of one broadcast, or all)."""
        stmt = select(m.OutboxMessage.status, func.count()).group_by(m.OutboxMessage.status)
        if broadcast_id is not None:
            stmt = stmt.where(m.OutboxMessage.broadcast_id == broadcast_id)
        with self._read() as session:
            found = {status: int(n) for status, n in session.execute(stmt)}
        return {s: found.get(s, 0) for s in (Status.PENDING, Status.SENDING, Status.SENT, Status.FAILED)}
