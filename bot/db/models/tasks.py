"""The task register: tasks the secretariat tracks, and the units each is assigned to."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, utc_now

__all__ = ["Task", "TaskUnit"]


class Task(Base):
    """A task the secretariat tracks (or was proposed, or dismissed), keyed like reports
    (`bot.services.obligations.obligation_key`) so that re-ingestion keeps its decisions.

    The row holds its own copy of what it says (action, quote, deadline as JSON), refreshed from
    each new extraction unless the deadline was corrected by hand; a task added by hand has no
    extraction behind it.
    """

    __tablename__ = "tasks"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    source: Mapped[str] = mapped_column(String(1024), index=True)
    doc_number: Mapped[str | None] = mapped_column(String(64), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)  # order within the document
    action: Mapped[str] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(Text)
    quote: Mapped[str] = mapped_column(Text, default="")
    section: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[str] = mapped_column(Text)  # JSON of `bot.facts.model.Deadline`
    status: Mapped[str] = mapped_column(String(12), index=True)  # proposed, tracked, dismissed
    manual: Mapped[bool] = mapped_column(Boolean, default=False)            # added by hand
    deadline_corrected: Mapped[bool] = mapped_column(Boolean, default=False)
    units_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)   # set by a person
    announced: Mapped[bool] = mapped_column(Boolean, default=False)         # admins were told of it
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("officials.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class TaskUnit(Base):
    """A unit a task is assigned to: its lead (chủ trì) or a coordinating unit (phối hợp)."""

    __tablename__ = "task_units"

    task_key: Mapped[str] = mapped_column(ForeignKey("tasks.key", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)
    role: Mapped[str] = mapped_column(String(12))  # "lead", "coordinate"
