"""Small pieces of the report dialog: its steps and button data, attachment names and types,
labels, typed answers."""
from __future__ import annotations

import mimetypes
import unicodedata
from datetime import date, datetime
from dataclasses import dataclass
from enum import StrEnum

from bot.core.callback import CallbackData
from bot.core.messages import Attachment
from bot.services.obligations import TrackedObligation
from bot.db.report_status import STATUS_LABELS, Status
from bot.retrieval.vietnamese import fold, nfc

TITLE_MAX = 200
NAME_MAX = 120  # characters of an attachment's display name
LABEL_TITLE = 60
SKIP_WORDS = {"bo qua", "boqua", "bq", "skip", "khong", "-"}


class Step(StrEnum):
    OBLIGATION = "obligation"
    TITLE = "title"
    REPEAT = "repeat"        # reported this already: correct it or send a new one?
    FIX_PICK = "fix_pick"    # /suabaocao with several reports to choose from
    STATUS = "status"
    PERCENT = "percent"
    TEXT = "text"
    ATTACHMENT = "attachment"
    CONFIRM = "confirm"


@dataclass(frozen=True)
class StartReport(CallbackData, prefix="rp:start"):
    """«📝 Báo cáo ngay» under a reminder: the report opened at this obligation and deadline."""

    key: str
    due: date | None = None


@dataclass(frozen=True)
class ReportStep(CallbackData, prefix="rp"):
    """A choice in the /baocao dialog: `action` as in STEP_ACTIONS, and its argument."""

    action: str
    arg: str = ""


# -- attachments --------------------------------------------------------------------------------

def safe_file_name(file: Attachment) -> str:
    """A name fit for display: no folders, no control characters, not too long."""
    name = nfc(file.name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join(printable(name).split()).strip(" .")
    if not name:
        extension = _extension_for(file.mime_type)
        name = ("ảnh" if file.mime_type.startswith("image/") else "tệp-đính-kèm") + extension
    if len(name) > NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        keep = f".{extension}" if dot and len(extension) <= 8 else ""
        name = name[:NAME_MAX - len(keep)].rstrip() + keep
    return name


def _occurrence(obligation: TrackedObligation, day: str, earliest: date) -> date | None:
    """The deadline a button names (YYYYMMDD), if it is a real one of this obligation and not
    older than `earliest`; None otherwise (the current one is used)."""
    try:
        due = datetime.strptime(day, "%Y%m%d").date()
    except ValueError:
        return None
    is_occurrence = obligation.deadline.next_due(due) == due if obligation.recurring else due == obligation.due
    return due if is_occurrence and due >= earliest else None


def _extension_for(mime: str) -> str:
    if mime in ("image/*", "image/jpeg"):
        return ".jpg"
    return mimetypes.guess_extension(mime or "") or ""


# -- small helpers ------------------------------------------------------------------------------

def obligation_label(o: TrackedObligation, today: date) -> str:
    late = ", quá hạn" if o.due < today else ""
    doc = f" ({o.doc_number})" if o.doc_number else ""
    return f"{o.title(LABEL_TITLE)}{doc} — hạn {o.due:%d/%m/%Y}{late}"


def status_text(status: Status, percent: int | None) -> str:
    label = STATUS_LABELS[status]
    return f"{label}, {percent}%" if percent is not None and status is Status.IN_PROGRESS else label


def typed_status(text: str) -> Status | None:
    folded = " ".join(fold(text).split())
    return next((s for s, label in STATUS_LABELS.items() if fold(label) == folded), None)


def is_skip(text: str) -> bool:
    return " ".join(fold(text).split()) in SKIP_WORDS


def printable(text: str, keep_newlines: bool = False) -> str:
    """Text without control or format characters (newlines kept where asked)."""
    return "".join(c for c in text if (keep_newlines and c == "\n")
                   or unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co"))


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def number_text(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")
