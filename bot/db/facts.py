"""The facts repository: extracted obligations and criteria lists, per ingested document.

Callers get plain frozen dataclasses (the shapes of `bot.facts.model` plus the document they come
from); no ORM object leaves this module. Lists are sorted in Python so that the order is the same
on SQLite and on PostgreSQL, whatever the server's collation.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session, selectinload

from bot.db.engine import Repository
from bot.db.models import documents as m
from bot.db.models.base import utc_now
from bot.facts.model import (
    CriteriaList,
    Deadline,
    DeadlineKind,
    DocumentFacts,
    ListKind,
    NotTask,
    Obligation,
)
from bot.ingestion.document import DocumentMeta

# Bound parameters per DELETE ... IN (...), well under every backend's limit.
_IN_CHUNK = 500


@dataclass(frozen=True, kw_only=True)
class DocumentRef:
    """The document a fact comes from, as shown next to it."""

    source: str  # path relative to the knowledge folder
    doc_number: str | None
    doc_type: str | None
    issuer: str | None
    issued_date: date | None
    title: str | None


@dataclass(frozen=True, kw_only=True)
class DocumentInfo(DocumentRef):
    obligation_count: int
    list_count: int


@dataclass(frozen=True, kw_only=True)
class ObligationEntry(DocumentRef):
    """An obligation of a document; `next_due` is None when the text gives no concrete date."""

    obligation: Obligation
    next_due: date | None


@dataclass(frozen=True, kw_only=True)
class DeadlineEntry(DocumentRef):
    """An obligation whose next due date is known."""

    obligation: Obligation
    next_due: date


@dataclass(frozen=True, kw_only=True)
class CriteriaEntry(DocumentRef):
    criteria: CriteriaList


class FactStore(Repository):
    """Reads and writes the facts tables of a migrated database (see `bot.db.engine.connect`)."""


    # -- writing -------------------------------------------------------------------------------

    def replace_document(self, source: str, meta: DocumentMeta, content_hash: str,
                         facts: DocumentFacts) -> None:
        """Store the document and exactly these facts, replacing whatever it had before."""
        if not source:
            raise ValueError("a document needs its source path")
        with self._write() as session, session.begin():
            document_id = _upsert_document(session, self._insert, source, meta, content_hash)
            # Old facts go in one statement each; criteria items follow by ON DELETE CASCADE.
            session.execute(delete(m.Obligation).where(m.Obligation.document_id == document_id))
            session.execute(delete(m.CriteriaList)
                            .where(m.CriteriaList.document_id == document_id))
            session.add_all(_obligation_row(document_id, i, o)
                            for i, o in enumerate(facts.obligations))
            session.add_all(_list_row(document_id, i, c) for i, c in enumerate(facts.lists))

    def remove_document(self, source: str) -> bool:
        """Forget a document and its facts; False when it was not there."""
        with self._write() as session, session.begin():
            result = session.execute(delete(m.Document).where(m.Document.source == source))
            return bool(result.rowcount)

    def remove_missing(self, present_sources: set[str]) -> list[str]:
        """Forget every document whose source is not among those present; return them, sorted."""
        with self._write() as session, session.begin():
            stored = session.scalars(select(m.Document.source)).all()
            missing = sorted(set(stored) - set(present_sources))
            for start in range(0, len(missing), _IN_CHUNK):
                chunk = missing[start:start + _IN_CHUNK]
                session.execute(delete(m.Document).where(m.Document.source.in_(chunk)))
        return missing

    # -- reading -------------------------------------------------------------------------------

    def content_hashes(self) -> dict[str, str]:
        """Source -> content hash of every stored document, so unchanged files can be skipped."""
        with self._read() as session:
            rows = session.execute(select(m.Document.source, m.Document.content_hash))
            return {source: content_hash for source, content_hash in rows}

    def documents(self) -> list[DocumentInfo]:
        """Every document with its fact counts, newest issued first (undated last)."""
        obligations = (select(func.count()).where(m.Obligation.document_id == m.Document.id)
                       .correlate(m.Document).scalar_subquery())
        lists = (select(func.count()).where(m.CriteriaList.document_id == m.Document.id)
                 .correlate(m.Document).scalar_subquery())
        with self._read() as session:
            rows = session.execute(select(m.Document, obligations, lists)).all()
            infos = [DocumentInfo(**_ref(doc), obligation_count=n_obligations, list_count=n_lists)
                     for doc, n_obligations, n_lists in rows]
        return sorted(infos, key=_newest_first)

    def upcoming_deadlines(self, today: date, days: int | None = 30,
                           doc_numbers: list[str] | None = None,
                           tasks_only: bool = False) -> list[DeadlineEntry]:
        """Obligations falling due from today to today + days (None: no horizon), soonest first;
        with tasks_only, only those that assign someone a task.

        Next dates are computed in Python (`Deadline.next_due`): recurring and periodic deadlines
        roll forward, which a stored date could not do.
        """
        horizon = None if days is None else today + timedelta(days=days)
        entries = []
        for doc, row in self._obligation_rows(doc_numbers, tasks_only):
            obligation = _obligation(row)
            due = obligation.deadline.next_due(today)
            if due is not None and (horizon is None or due <= horizon):
                entries.append((due, _document_key(doc), row.position,
                                DeadlineEntry(**_ref(doc), obligation=obligation, next_due=due)))
        return [entry for *_, entry in sorted(entries, key=lambda e: e[:3])]

    def obligations(self, doc_numbers: list[str], today: date | None = None,
                    tasks_only: bool = False) -> list[ObligationEntry]:
        """Every obligation of the documents with these exact numbers, dated or not (with
        tasks_only, only the tasks).

        Ordered by the requested numbers, then source, then position in the document; `next_due`
        is computed against today (default: the current date).
        """
        today = today or date.today()
        entries = []
        for doc, row in self._obligation_rows(doc_numbers, tasks_only):
            obligation = _obligation(row)
            entries.append((_requested_order(doc, doc_numbers), row.position, ObligationEntry(
                **_ref(doc), obligation=obligation, next_due=obligation.deadline.next_due(today))))
        return [entry for *_, entry in sorted(entries, key=lambda e: e[:2])]

    def document_obligations(self, sources: Iterable[str]) -> dict[str, list[Obligation]]:
        """Every obligation of these files, dated or not, by file in the document's order."""
        wanted = sorted(set(sources))
        found: dict[str, list[Obligation]] = {source: [] for source in wanted}
        if not wanted:
            return found
        stmt = (select(m.Document.source, m.Obligation).join(m.Obligation.document)
                .where(m.Document.source.in_(wanted)).order_by(m.Document.source, m.Obligation.position))
        with self._read() as session:
            for source, row in session.execute(stmt).all():
                found[source].append(_obligation(row))
        return found

    def tasks(self) -> list[ObligationEntry]:
        """Every obligation read as a task, of every document, by document and position."""
        entries = [(_document_key(doc), row.position, ObligationEntry(**_ref(doc), obligation=_obligation(row),
                                                                      next_due=None))
                   for doc, row in self._obligation_rows(None, tasks_only=True)]
        return [entry for *_, entry in sorted(entries, key=lambda e: e[:2])]

    def criteria(self, doc_numbers: list[str]) -> list[CriteriaEntry]:
        """The criteria lists of the documents with these exact numbers, in the order requested,
        then by source and by position in the document."""
        if not doc_numbers:
            return []
        stmt = (select(m.Document, m.CriteriaList).join(m.CriteriaList.document)
                .where(m.Document.doc_number.in_(doc_numbers))
                .options(selectinload(m.CriteriaList.items)))
        with self._read() as session:
            entries = [(_requested_order(doc, doc_numbers), row.position,
                        CriteriaEntry(**_ref(doc), criteria=_criteria_list(row)))
                       for doc, row in session.execute(stmt).all()]
        return [entry for *_, entry in sorted(entries, key=lambda e: e[:2])]

    def _obligation_rows(self, doc_numbers: list[str] | None, tasks_only: bool = False
                         ) -> list[tuple[m.Document, m.Obligation]]:
        """(document, obligation) rows, detached; all documents when doc_numbers is None."""
        if doc_numbers is not None and not doc_numbers:
            return []
        stmt: Select[Any] = select(m.Document, m.Obligation).join(m.Obligation.document)
        if doc_numbers is not None:
            stmt = stmt.where(m.Document.doc_number.in_(doc_numbers))
        if tasks_only:
            stmt = stmt.where(m.Obligation.is_task.is_(True))
        with self._read() as session:
            return [(doc, row) for doc, row in session.execute(stmt).all()]


# -- rows <-> facts ----------------------------------------------------------------------------

def _upsert_document(session: Session, insert: Any, source: str, meta: DocumentMeta, content_hash: str) -> int:
    """Insert or update the document row by source, keeping its id; return the id."""
    values = {
        "source": source,
        "doc_number": meta.doc_number,
        "doc_type": meta.doc_type,
        "issuer": meta.issuer,
        "issued_date": meta.issued_date,
        "title": meta.title,
        "content_hash": content_hash,
        "updated_at": utc_now(),
    }
    stmt = insert(m.Document).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[m.Document.source],
        set_={key: stmt.excluded[key] for key in values if key != "source"},
    ).returning(m.Document.id)
    return session.execute(stmt).scalar_one()


def _obligation_row(document_id: int, position: int, obligation: Obligation) -> m.Obligation:
    deadline = obligation.deadline
    return m.Obligation(
        document_id=document_id, position=position, action=obligation.action,
        actor=obligation.actor, quote=obligation.quote, section=obligation.section,
        deadline_kind=deadline.kind.value, deadline_text=deadline.text, due_date=deadline.due,
        day=deadline.day, month=deadline.month, period_months=deadline.period_months,
        period_days=deadline.period_days, offset_days=deadline.offset_days,
        anchor=deadline.anchor, due_estimated=deadline.estimated, is_task=obligation.is_task,
        not_task=obligation.not_task.value if obligation.not_task else None, lead=obligation.lead,
        coordinate="\n".join(obligation.coordinate), recurrence=obligation.recurrence,
    )


def _obligation(row: m.Obligation) -> Obligation:
    deadline = Deadline(
        kind=DeadlineKind(row.deadline_kind), text=row.deadline_text, due=row.due_date,
        day=row.day, month=row.month, period_months=row.period_months,
        period_days=row.period_days, offset_days=row.offset_days, anchor=row.anchor,
        estimated=row.due_estimated,
    )
    return Obligation(action=row.action, deadline=deadline, quote=row.quote,
                      section=row.section, actor=row.actor, is_task=row.is_task,
                      not_task=NotTask(row.not_task) if row.not_task else None, lead=row.lead,
                      coordinate=tuple(row.coordinate.splitlines()))


def _list_row(document_id: int, position: int, criteria: CriteriaList) -> m.CriteriaList:
    return m.CriteriaList(
        document_id=document_id, position=position, kind=criteria.kind.value,
        heading=criteria.heading, section=criteria.section,
        items=[m.CriteriaItem(position=i, text=text) for i, text in enumerate(criteria.items)],
    )


def _criteria_list(row: m.CriteriaList) -> CriteriaList:
    return CriteriaList(kind=ListKind(row.kind), heading=row.heading,
                        items=tuple(item.text for item in row.items), section=row.section)


def _ref(doc: m.Document) -> dict[str, Any]:
    return {"source": doc.source, "doc_number": doc.doc_number, "doc_type": doc.doc_type,
            "issuer": doc.issuer, "issued_date": doc.issued_date, "title": doc.title}


def _document_key(doc: m.Document) -> tuple[str, str]:
    return (doc.doc_number or "", doc.source)


def _requested_order(doc: m.Document, doc_numbers: Iterable[str]) -> tuple[int, str]:
    numbers = list(doc_numbers)
    return (numbers.index(doc.doc_number) if doc.doc_number in numbers else len(numbers),
            doc.source)


def _newest_first(info: DocumentInfo) -> tuple[bool, int, str]:
    issued = info.issued_date
    return (issued is None, -issued.toordinal() if issued else 0, info.source)
