"""Ingested documents and the facts read from them: obligations and criteria lists."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.models.base import Base, utc_now

__all__ = ["CriteriaItem", "CriteriaList", "Document", "Obligation"]


class Document(Base):
    """One ingested file, keyed by its path relative to the knowledge folder."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(1024), unique=True)
    doc_number: Mapped[str | None] = mapped_column(String(64), index=True)
    doc_type: Mapped[str | None] = mapped_column(String(64))
    issuer: Mapped[str | None] = mapped_column(Text)
    issued_date: Mapped[date | None]
    title: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    # Children are deleted by the database (ON DELETE CASCADE); passive_deletes keeps the ORM
    # from loading them just to delete them.
    obligations: Mapped[list[Obligation]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Obligation.position")
    criteria_lists: Mapped[list[CriteriaList]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True,
        order_by="CriteriaList.position")


class Obligation(Base):
    """Something to do by a deadline; the deadline columns mirror `bot.facts.model.Deadline`."""

    __tablename__ = "obligations"
    __table_args__ = (UniqueConstraint("document_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # order within the document
    action: Mapped[str] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(Text)
    quote: Mapped[str] = mapped_column(Text)
    section: Mapped[str] = mapped_column(Text)
    deadline_kind: Mapped[str] = mapped_column(String(16))  # DeadlineKind value
    deadline_text: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date | None]
    day: Mapped[int | None] = mapped_column(Integer)
    month: Mapped[int | None] = mapped_column(Integer)
    period_months: Mapped[int | None] = mapped_column(Integer)
    period_days: Mapped[int | None] = mapped_column(Integer)
    offset_days: Mapped[int | None] = mapped_column(Integer)
    anchor: Mapped[str | None] = mapped_column(Text)
    due_estimated: Mapped[bool] = mapped_column(Boolean, server_default=false())  # "kể từ ngày nhận"
    # Task or not (`bot.facts.model.NotTask` value when not), lead and coordinating units
    # (one per line), recurrence ("yearly", "quarterly"…): see `bot.facts.tasks`, `bot.facts.units`.
    is_task: Mapped[bool] = mapped_column(Boolean, server_default=true())
    not_task: Mapped[str | None] = mapped_column(String(24))
    lead: Mapped[str | None] = mapped_column(Text)
    coordinate: Mapped[str] = mapped_column(Text, server_default="")
    recurrence: Mapped[str | None] = mapped_column(String(16))

    document: Mapped[Document] = relationship(back_populates="obligations")


class CriteriaList(Base):
    """A list of criteria, standards, conditions or reward forms; its items in `CriteriaItem`."""

    __tablename__ = "criteria_lists"
    __table_args__ = (UniqueConstraint("document_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))  # ListKind value
    heading: Mapped[str] = mapped_column(Text)
    section: Mapped[str] = mapped_column(Text)

    document: Mapped[Document] = relationship(back_populates="criteria_lists")
    items: Mapped[list[CriteriaItem]] = relationship(
        back_populates="criteria_list", cascade="all, delete-orphan", passive_deletes=True,
        order_by="CriteriaItem.position")


class CriteriaItem(Base):
    """One item of a list, in the text's order."""

    __tablename__ = "criteria_items"

    list_id: Mapped[int] = mapped_column(
        ForeignKey("criteria_lists.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)

    criteria_list: Mapped[CriteriaList] = relationship(back_populates="items")
