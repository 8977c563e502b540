"""Conversations with the bot: what a follow-up leans on, questions asked and their feedback,
updates already handled, dialogs in progress.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, utc_now

__all__ = ["AskedQuestion", "ConversationState", "Dialog", "Feedback", "SeenUpdate"]


class ConversationState(Base):
    """What a follow-up question in a chat may lean on (the last answer's documents), and the
    numbered choices offered where the channel has no buttons."""

    __tablename__ = "conversations"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sources: Mapped[str] = mapped_column(Text, default="")   # files, one per line
    intent: Mapped[str | None] = mapped_column(String(16))
    choices: Mapped[str] = mapped_column(Text, default="")   # button data, one per line, numbered from 1
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class AskedQuestion(Base):
    """Every question asked, whether the documents answered it, and its feedback."""

    __tablename__ = "asked_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(Text)
    found: Mapped[bool] = mapped_column(Boolean)
    answer: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)


class Feedback(Base):
    """👍 or 👎 of one user on one answer; pressing again changes the vote."""

    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("question_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("asked_questions.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))
    useful: Mapped[bool] = mapped_column(Boolean)
    given_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class SeenUpdate(Base):
    """Updates already handled, so a messenger's repeated delivery is answered once."""

    __tablename__ = "seen_updates"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    update_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)


class Dialog(Base):
    """A multi-step conversation in progress (a report being filled, a broadcast being written),
    kept here so that a restart or another worker continues it."""

    __tablename__ = "dialogs"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))   # "report", "broadcast"
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    # The numbered choices this dialog offered last (button data, one per line): kept apart from
    # the chat's, so that a reminder or an answer arriving meanwhile never takes them over.
    choices: Mapped[str] = mapped_column(Text, default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
