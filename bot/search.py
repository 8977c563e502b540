"""Passage search over the vector store: the question in, the best cited passages out."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langchain_chroma import Chroma


@dataclass(frozen=True)
class Passage:
    text: str
    score: float
    source: str
    section: str = ""
    doc_number: str | None = None
    doc_type: str | None = None
    issuer: str | None = None
    issued_date: date | None = None
    title: str | None = None

    @classmethod
    def from_metadata(cls, text: str, score: float, meta: dict[str, Any]) -> "Passage":
        issued = meta.get("issued_date")
        return cls(text=text, score=score, source=meta.get("source", ""),
                   section=meta.get("section", ""), doc_number=meta.get("doc_number"),
                   doc_type=meta.get("doc_type"), issuer=meta.get("issuer"),
                   issued_date=date.fromisoformat(issued) if issued else None,
                   title=meta.get("title"))

    def citation(self) -> str:
        """E.g. "Chỉ thị 17/CT-BTTTT, Bộ Thông tin và Truyền thông, ngày 11/10/2018, mục III > 1."."""
        name = " ".join(p for p in ((self.doc_type or "").capitalize(), self.doc_number or "") if p)
        parts = [name or self.source]
        if self.issuer:
            parts.append(self.issuer)
        if self.issued_date:
            d = self.issued_date
            parts.append(f"ngày {d.day:02d}/{d.month:02d}/{d.year}")
        if self.section:
            parts.append(f"mục {self.section}")
        return ", ".join(parts)


class PassageSearch:
    """Dense search through LangChain's Chroma store; relevance is cosine similarity."""

    def __init__(self, store: "Chroma") -> None:
        self.store = store

    def is_empty(self) -> bool:
        return not self.store.get(limit=1)["ids"]

    def search(self, question: str, k: int) -> list[Passage]:
        question = unicodedata.normalize("NFC", question).strip()
        if not question:
            return []
        hits = self.store.similarity_search_with_relevance_scores(question, k=k)
        return [Passage.from_metadata(doc.page_content, score, doc.metadata) for doc, score in hits]
