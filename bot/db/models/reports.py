"""Progress reports, never overwritten."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, utc_now

__all__ = ["Report"]


class Report(Base):
    """One progress report, never overwritten: a correction is a new row pointing at the old.

    The obligation is kept by its stable key (see `bot.obligations.obligation_key`) and copied
    (title, document, due date), so a report keeps its meaning when documents are re-ingested.
    A free-titled report ("khác") has no key.
    """

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id", ondelete="RESTRICT"))
    channel: Mapped[str] = mapped_column(String(16))
    obligation_key: Mapped[str | None] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(Text)
    doc_number: Mapped[str | None] = mapped_column(String(64), index=True)
    due_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16))  # `bot.reports.Status` value
    percent: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    attachment_name: Mapped[str | None] = mapped_column(String(255))
    attachment_ref: Mapped[str | None] = mapped_column(Text)  # channel file id or stored file name
    attachment_mime: Mapped[str | None] = mapped_column(String(128))
    # The local copy under <store>/attachments/ (messenger links may expire) and the download
    # attempts so far; the messenger's reference stays in attachment_ref.
    attachment_file: Mapped[str | None] = mapped_column(String(255))
    attachment_tries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="RESTRICT"))
    submitted_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
    # A retried submission (double tap, redelivered update) carries the same token: one row.
    submission_token: Mapped[str] = mapped_column(String(64), unique=True)
