"""Report attachments kept on the server: a messenger's link may expire (Zalo hands the bot a
link to the image, not the image), so once a report is committed its attachment is downloaded
into `<store>/attachments/`, within the size and types the reports accept. The messenger's
reference stays in the report beside the local copy; the export gives whichever exists.
"""
from __future__ import annotations

import asyncio
import logging
import mimetypes
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.db.reports import PendingAttachment, ReportStore

log = logging.getLogger(__name__)

FOLDER = "attachments"
MAX_TRIES = 3    # downloads of one attachment before it is left to its messenger reference
BATCH = 20       # attachments looked at per run

# fetch(reference, max_bytes) -> (content, content type as the server declared it, "" if none)
Fetch = Callable[[str, int], Awaitable[tuple[bytes, str]]]


class AttachmentError(Exception):
    """The attachment could not be downloaded or is not acceptable; the message says why."""


def accepted_type(name: str, mime: str, file_types: list[str]) -> bool:
    """The file's extension (when it has one) and its type (when the channel says) are both
    among the accepted ones."""
    allowed = {t.lower() if t.startswith(".") else f".{t.lower()}" for t in file_types}
    extension = ("." + name.rsplit(".", 1)[1].lower()) if "." in name else ""
    if extension and extension not in allowed:
        return False
    mime = (mime or "").lower().split(";")[0].strip()
    if mime in ("", "application/octet-stream"):
        return bool(extension)
    if mime == "image/*":  # Zalo says only that it is an image
        return any((mimetypes.guess_type(f"x{t}")[0] or "").startswith("image/") for t in allowed)
    return bool(set(mimetypes.guess_all_extensions(mime)) & allowed)


def local_name(report_id: int, name: str) -> str:
    """The stored file's name: the report number, then its display name without folders."""
    bare = name.replace("\\", "/").rsplit("/", 1)[-1].strip(" .") or "tep"
    return f"{report_id}-{bare}"[:255]


class AttachmentKeeper:
    """Downloads the attachments of committed reports, one channel at a time."""

    def __init__(self, reports: ReportStore, store_dir: Path, max_file_mb: float,
                 file_types: list[str], max_tries: int = MAX_TRIES) -> None:
        self.reports = reports
        self.folder = store_dir / FOLDER
        self.max_bytes = int(max_file_mb * 1024 * 1024)
        self.file_types = file_types
        self.max_tries = max_tries

    async def keep(self, channel: str, fetch: Fetch) -> int:
        """Download what this channel's reports still lack; how many files were stored."""
        pending = await asyncio.to_thread(self.reports.attachments_to_keep, channel, BATCH, self.max_tries)
        kept = 0
        for attachment in pending:
            kept += await self._keep_one(attachment, fetch)
        return kept

    async def _keep_one(self, attachment: PendingAttachment, fetch: Fetch) -> int:
        try:
            content, declared = await fetch(attachment.ref, self.max_bytes)
            self._check(attachment, content, declared)
            name = await asyncio.to_thread(self._write, attachment, content)
        except AttachmentError as error:
            log.warning("attachments: tệp của báo cáo %s chưa tải được (%s)", attachment.report_id, error)
            await asyncio.to_thread(self.reports.attachment_missed, attachment.report_id)
            return 0
        await asyncio.to_thread(self.reports.attachment_kept, attachment.report_id, name)
        return 1

    def _check(self, attachment: PendingAttachment, content: bytes, declared: str) -> None:
        if not content:
            raise AttachmentError("tệp rỗng")
        if len(content) > self.max_bytes:
            raise AttachmentError(f"lớn hơn {self.max_bytes} byte")
        mime = declared.split(";")[0].strip().lower()
        if mime in ("", "application/octet-stream"):  # the server does not say: the messenger did
            mime = attachment.mime or mime
        if not accepted_type(attachment.name, mime, self.file_types):
            raise AttachmentError(f"loại tệp {mime or 'không rõ'} không được nhận")

    def _write(self, attachment: PendingAttachment, content: bytes) -> str:
        """Write the copy whole or not at all (a temporary file renamed into place)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        name = local_name(attachment.report_id, attachment.name)
        final = self.folder / name
        partial = final.with_name(f".{name}.part")
        partial.write_bytes(content)
        os.replace(partial, final)
        return name
