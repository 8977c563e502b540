"""The half-written /baocao report, typed, and how it is kept in the dialog row.

The dialog row stores a JSON object (`DialogState.data`); `ReportDraft.from_data` reads it and
`to_data` writes it with the same keys and value formats as before the draft was typed, so a
report started before an upgrade continues after it (and a row written now reads the same):

    token, unit, official, page, key, title, doc, due (YYYY-MM-DD), corrects, status (its value),
    percent, text, file ({"name", "ref", "mime"})
"""
from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bot.db.dialogs import DialogState
from bot.db.report_status import Status
from bot.db.reports import NewReport
from bot.features.report_parts import TITLE_MAX, Step
from bot.services.obligations import TrackedObligation

KIND = "report"


@dataclass(frozen=True)
class AttachedFile:
    """The file chosen for the report: its display name, the messenger's reference, its type."""

    name: str
    ref: str
    mime: str | None = None

    def to_data(self) -> dict[str, Any]:
        return {"name": self.name, "ref": self.ref, "mime": self.mime}

    @classmethod
    def from_data(cls, data: object) -> "AttachedFile | None":
        if not isinstance(data, Mapping):
            return None
        return cls(str(data.get("name") or ""), str(data.get("ref") or ""), _text(data.get("mime")))


@dataclass(frozen=True)
class ReportDraft:
    """What the dialog has gathered so far."""

    token: str                   # every retry of this dialog's «Gửi» is the same report
    unit: int | None             # the unit it started with (a report never changes unit)
    official: int | None         # its author
    page: int = 0                # the page of the obligations list
    key: str | None = None       # the tracked task; None for a typed title («Khác»)
    title: str = ""
    doc: str | None = None
    due: date | None = None
    corrects: int | None = None  # the report this one corrects
    status: Status | None = None
    percent: int | None = None
    text: str = ""
    file: AttachedFile | None = None

    @classmethod
    def start(cls, unit: int, official: int) -> "ReportDraft":
        return cls(secrets.token_hex(16), unit, official)

    # -- the dialog row ---------------------------------------------------------------------------

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "ReportDraft":
        """A draft from the dialog row, as any version wrote it; what is missing stays empty."""
        status = data.get("status")
        return cls(token=str(data.get("token") or ""), unit=_number(data.get("unit")),
                   official=_number(data.get("official")), page=_number(data.get("page")) or 0,
                   key=_text(data.get("key")), title=str(data.get("title") or ""), doc=_text(data.get("doc")),
                   due=_day(data.get("due")), corrects=_number(data.get("corrects")),
                   status=Status(status) if status in {s.value for s in Status} else None,
                   percent=_number(data.get("percent")), text=str(data.get("text") or ""),
                   file=AttachedFile.from_data(data.get("file")))

    def to_data(self) -> dict[str, Any]:
        """The JSON object kept in the dialog row (empty fields left out)."""
        values: dict[str, Any] = {
            "token": self.token, "unit": self.unit, "official": self.official, "page": self.page,
            "key": self.key, "title": self.title or None, "doc": self.doc,
            "due": self.due.isoformat() if self.due else None, "corrects": self.corrects,
            "status": self.status.value if self.status else None, "percent": self.percent,
            "text": self.text or None, "file": self.file.to_data() if self.file else None}
        return {name: value for name, value in values.items() if value is not None}

    @classmethod
    def of(cls, state: DialogState) -> "ReportDraft":
        return cls.from_data(state.data)

    def at(self, step: Step) -> DialogState:
        """The dialog row for this draft at this step."""
        return DialogState(KIND, step.value, self.to_data())

    # -- changes ------------------------------------------------------------------------------------

    def about(self, obligation: TrackedObligation) -> "ReportDraft":
        """Reporting on a tracked task, at the occurrence given."""
        return replace(self, key=obligation.key, title=obligation.title(TITLE_MAX), doc=obligation.doc_number,
                       due=obligation.due)

    def report(self, channel: str) -> NewReport:
        """The row «Gửi» writes (status chosen, unit and author checked by the flow)."""
        assert self.unit is not None and self.official is not None and self.status is not None
        file = self.file
        return NewReport(unit_id=self.unit, official_id=self.official, channel=channel, title=self.title,
                         status=self.status, obligation_key=self.key, doc_number=self.doc, due_date=self.due,
                         percent=self.percent, text=self.text, attachment_name=file.name if file else None,
                         attachment_ref=file.ref if file else None, attachment_mime=file.mime if file else None)


def _number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _text(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


def _day(value: object) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
