"""Conversation state kept in the database, so several workers share it and a restart loses
nothing: the documents a follow-up leans on, numbered choices, questions asked and their
feedback, and the updates already handled.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import and_, case, delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from bot.db.engine import Repository
from bot.db.models.base import UTCDateTime, utc_now
from bot.db.models.conversations import AskedQuestion, ConversationState, Feedback, SeenUpdate

SEEN_KEEP = timedelta(days=7)  # messengers redeliver within minutes; a week is plenty


@dataclass(frozen=True)
class ChatState:
    sources: tuple[str, ...] = ()
    intent: str | None = None
    choices: tuple[str, ...] = ()
    updated_at: datetime | None = field(default=None, compare=False)  # when the state last changed


class Vote(StrEnum):
    """What became of a 👍 / 👎."""

    RECORDED = "recorded"
    UNKNOWN = "unknown"      # no such question (never, or no longer, kept)
    NOT_ASKER = "not_asker"  # someone other than the asker pressed it


@dataclass(frozen=True)
class Gap:
    """A question the documents did not answer well: not found, or voted 👎."""

    question: str
    asked: int
    not_found: int
    unhelpful: int
    last_asked: datetime


@dataclass(frozen=True)
class Unhelpful:
    """A question whose answers were voted 👎: how often, when last, and the latest such answer."""

    question: str
    votes: int
    last_voted: datetime
    answer: str


class ChatStore(Repository):
    """Reads and writes the conversation tables of a migrated database."""


    # -- follow-up state and numbered choices -----------------------------------------------------

    def state(self, channel: str, chat_id: str) -> ChatState:
        with self._read() as session:
            row = session.get(ConversationState, (channel, chat_id))
        if row is None:
            return ChatState()
        return ChatState(sources=_lines(row.sources), intent=row.intent, choices=_lines(row.choices),
                         updated_at=row.updated_at)

    def remember(self, channel: str, chat_id: str, sources: tuple[str, ...] | None = None,
                 intent: str | None = None, choices: tuple[str, ...] | None = None) -> None:
        """Update what is given, keep the rest."""
        values: dict[str, object] = {"updated_at": utc_now()}
        if sources is not None:
            values.update(sources="\n".join(sources), intent=intent)
        if choices is not None:
            values["choices"] = "\n".join(choices)
        insert = self._insert(ConversationState).values(
            channel=channel, chat_id=chat_id, sources=values.get("sources", ""),
            intent=values.get("intent"), choices=values.get("choices", ""), updated_at=values["updated_at"])
        stmt = insert.on_conflict_do_update(index_elements=["channel", "chat_id"], set_=values)
        with self._write() as session, session.begin():
            session.execute(stmt)

    # -- questions and feedback ---------------------------------------------------------------

    def log_question(self, channel: str, chat_id: str, user_id: str, question: str, found: bool,
                     answer: str) -> int:
        row = AskedQuestion(channel=channel, chat_id=chat_id, user_id=user_id, question=question,
                            found=found, answer=answer[:2000])
        with self._write() as session, session.begin():
            session.add(row)
            session.flush()
            return row.id

    def feedback(self, question_id: int, user_id: str, useful: bool, *, channel: str) -> Vote:
        """Record (or change) the asker's vote on an answer; only the account that asked (same
        messenger, same user) may vote, so a group cannot bury a good answer."""
        stmt = self._insert(Feedback).values(question_id=question_id, user_id=user_id, useful=useful,
                                             given_at=utc_now())
        stmt = stmt.on_conflict_do_update(index_elements=["question_id", "user_id"],
                                          set_={"useful": useful, "given_at": utc_now()})
        try:
            with self._write() as session, session.begin():
                asked = session.get(AskedQuestion, question_id)
                if asked is None:
                    return Vote.UNKNOWN
                if (asked.channel, asked.user_id) != (channel, user_id):
                    return Vote.NOT_ASKER
                session.execute(stmt)
        except IntegrityError:  # the question was deleted meanwhile
            return Vote.UNKNOWN
        return Vote.RECORDED

    def gaps(self, limit: int = 50) -> list[Gap]:
        """Questions not found or voted unhelpful, most frequent first (same wording grouped)."""
        unhelpful = (select(Feedback.question_id).where(Feedback.useful.is_(False))).subquery()
        bad = AskedQuestion.id.in_(select(unhelpful.c.question_id))
        last = func.max(AskedQuestion.asked_at, type_=UTCDateTime())
        stmt = (select(func.min(AskedQuestion.question), func.count(),
                       func.sum(case((AskedQuestion.found.is_(False), 1), else_=0)),
                       func.sum(case((bad, 1), else_=0)), last)
                .where(or_(AskedQuestion.found.is_(False), bad))
                .group_by(func.lower(AskedQuestion.question))
                .order_by(func.count().desc(), last.desc())
                .limit(limit))
        with self._read() as session:
            rows = session.execute(stmt).all()
        return [Gap(q, n, int(nf or 0), int(nu or 0), when) for q, n, nf, nu, when in rows]

    def unhelpful_answers(self, limit: int = 50) -> list[Unhelpful]:
        """Answers voted 👎, grouped by the question's wording, most votes first."""
        asked, vote = AskedQuestion, Feedback
        last = func.max(vote.given_at, type_=UTCDateTime())
        stmt = (select(func.max(asked.id), func.count(), last)
                .join(vote, vote.question_id == asked.id).where(vote.useful.is_(False))
                .group_by(func.lower(asked.question))
                .order_by(func.count().desc(), last.desc())
                .limit(limit))
        with self._read() as session:
            groups = session.execute(stmt).all()
            latest = {row.id: row for row in session.scalars(
                select(asked).where(asked.id.in_([g[0] for g in groups])))} if groups else {}
        return [Unhelpful(latest[i].question, int(n), when, latest[i].answer) for i, n, when in groups]

    def prune_questions(self, before: datetime) -> int:
        """Delete questions asked before this moment (their votes go with them); how many."""
        with self._write() as session, session.begin():
            result = session.execute(delete(AskedQuestion).where(AskedQuestion.asked_at < before))
            return int(result.rowcount or 0)

    # -- repeated deliveries ------------------------------------------------------------------

    def seen(self, channel: str, update_key: str) -> bool:
        """True if this update was handled before; otherwise records it and returns False."""
        now = utc_now()
        stmt = (self._insert(SeenUpdate).values(channel=channel, update_key=update_key[:128], seen_at=now)
                .on_conflict_do_nothing().returning(SeenUpdate.update_key))
        with self._write() as session, session.begin():
            inserted = session.execute(stmt).scalar_one_or_none() is not None
            session.execute(delete(SeenUpdate).where(and_(SeenUpdate.channel == channel,
                                                          SeenUpdate.seen_at < now - SEEN_KEEP)))
        return not inserted


def _lines(text: str | None) -> tuple[str, ...]:
    return tuple(line for line in (text or "").split("\n") if line)
