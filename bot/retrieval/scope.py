"""Where an answer may come from: the documents a question names, the plans that cite a
number it names, the documents of the place it names, or the last answer's document.

A document number the store lacks is a hint, not a filter: the plans citing it are searched
instead. A province, city or ministry named in a question is a filter: another issuer's
document never answers for it.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.retrieval.doc_refs import DocRef, cited_numbers, matching
from bot.retrieval.issuers import asked_ministries, is_national, mentioned_places, ministries, places
from bot.retrieval.issuers import document_places as own_places
from bot.retrieval.questions import Question
from bot.retrieval.search import Passage, PassageSearch
from bot.retrieval.vietnamese import fold

# «Kế hoạch … triển khai Quyết định 213/QĐ-TTg», «Thông tư hướng dẫn Nghị định …»: the question
# asks about a document that carries out the one it names, not about that document's own text.
_IMPLEMENTING = re.compile(r"\b(?:trien khai|thuc hien|cu the hoa|ke hoach|"
                           r"(?:thong tu|van ban|quyet dinh|nghi quyet) huong dan)\b")


@dataclass(frozen=True)
class Focus:
    """Where to look: the files of the documents a question names (or of the last answer),
    None for the whole store; `cited` holds the numbers the store knows only because these
    files cite them («Kế hoạch … triển khai Nghị quyết 57-NQ/TW»)."""

    sources: list[str] | None
    cited: tuple[DocRef, ...] = ()
    named: bool = False     # the question (or its conversation) named these documents
    followed: bool = False  # they are the last answer's, for a follow-up


def asks_for_implementing(question: Question) -> bool:
    """Whether a document the store only knows as cited is asked about through the plans that
    carry it out (their words, or a province naming whose plan) rather than for its own content
    («Nghị định 23/2025/NĐ-CP: chứng thư có thời hạn bao lâu?» is the decree's own rule)."""
    text = fold(question.text)
    for ref in question.refs:
        text = text.replace(ref.text, " ")
    return bool(_IMPLEMENTING.search(text) or places(question.text))


class Scopes:
    """The scopes of one store; the maps of cited numbers and of places are built on first use."""

    def __init__(self, search: PassageSearch) -> None:
        self.search = search
        self._citing: dict[str, list[str]] | None = None        # cited number -> files citing it
        self._places: dict[str, set[str] | None] | None = None  # file -> places it answers for

    def named(self, question: Question, previous: Sequence[str] = ()) -> Focus:
        """Files to search: those of the documents named, else of documents that cite the
        number named, else of the last answer (`previous`, when recent) for a follow-up; no files when the question
        names documents the store neither holds nor cites."""
        if question.refs:
            numbers = set(matching(question.refs, self.numbers_of(self.search.sources())))
            held = [s for s in self.search.sources() if self.search.metadata(s).get("doc_number") in numbers]
            if held:
                return Focus(held, named=True)
            citing = self.citing_files(question) if asks_for_implementing(question) else []
            return Focus(citing, cited=question.refs, named=bool(citing))
        if question.follow_up and previous:
            held = [s for s in previous if s in self.search.sources()]
            if held:
                return Focus(held, named=True, followed=True)
        return Focus(None)

    def numbers_of(self, sources: Sequence[str]) -> list[str]:
        return [n for s in sources if (n := self.search.metadata(s).get("doc_number"))]

    def citing_files(self, question: Question) -> list[str]:
        """Files that cite a number the question names (the plans implementing it)."""
        if self._citing is None:
            self._citing = {}
            for text, meta in self.search.passages.values():
                for number in cited_numbers(text):
                    files = self._citing.setdefault(number, [])
                    if meta.get("source") not in files:
                        files.append(meta.get("source", ""))
        found = matching(question.refs, self._citing)
        return sorted({s for number in found for s in self._citing[number]})

    def document_places(self) -> dict[str, set[str] | None]:
        """The places each document answers for: its own (by issuer, title or text); for a
        central body's document every place it names; None when nothing ties it to a place."""
        if self._places is None:
            self._places = {}
            for source in self.search.sources():
                meta = self.search.metadata(source)
                whole = [p.text for p in self.search.document_passages(source)]
                if is_national(meta.get("issuer"), meta.get("doc_number")):
                    self._places[source] = mentioned_places(whole)
                else:
                    self._places[source] = own_places(meta.get("issuer"), meta.get("title"), whole) or None
        return self._places

    def by_place(self, question: Question, focus: Focus) -> tuple[Focus, set[str]]:
        """A question that names a province or city searches only that place's documents; when
        the store holds none, no files (and the places asked), so nobody else's date answers."""
        asked = places(question.text)
        if not asked or focus.named and not focus.cited:
            return focus, set()
        owned = {s for s, own in self.document_places().items() if own is None or own & asked}
        scope = owned if focus.sources is None else owned & set(focus.sources)
        return Focus(sorted(scope), focus.cited, focus.named), asked

    def mismatch(self, question: Question, top: Passage) -> set[str]:
        """The places or ministries the question names that the answering document is not of."""
        asked = places(question.text)
        own = self.document_places().get(top.source)
        if asked and own is not None and not asked & own:
            return asked
        wanted = asked_ministries(question.text)
        issuer = ministries(top.issuer or "")
        if wanted and issuer and not wanted & issuer:
            return {f"Bộ {w}" for w in wanted}
        return set()
