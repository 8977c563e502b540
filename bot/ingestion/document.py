"""The shapes that flow through ingestion: loaded text, cleaned document, chunk."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


class LoadError(Exception):
    """A file that cannot be ingested; the message is one line a person understands."""


@dataclass(frozen=True)
class DocumentMeta:
    """Facts about a document, taken from its header block, signature block or text."""

    doc_number: str | None = None   # số hiệu, e.g. "17/CT-BTTTT"
    doc_type: str | None = None     # "chỉ thị", "kế hoạch", "công văn", ...
    issuer: str | None = None       # e.g. "Bộ Thông tin và Truyền thông"
    issued_date: date | None = None
    title: str | None = None        # trích yếu
    signer: str | None = None
    recipients: tuple[str, ...] = ()  # the "Nơi nhận:" list


@dataclass
class CleanDocument:
    """Searchable body (NFC, one paragraph per line) plus the metadata set aside."""

    body: str
    meta: DocumentMeta = field(default_factory=DocumentMeta)


@dataclass(frozen=True)
class Chunk:
    """One passage of a document's body, with its place in the document's structure."""

    text: str
    section: str  # e.g. "III. Tiêu chí thi đua > 1. > a)"; "" before the first heading
