"""/tonghop and /xuatbaocao: the secretariat's summary and export in chat, over `bot.services.summary`."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.core.access import ButtonRule
from bot.core.assistant import EXPIRED
from bot.core.callback import CallbackData, CallbackDataError
from bot.core.messages import Button, Command, Incoming, OutgoingFile, Reply
from bot.retrieval.listings import resolve_documents
from bot.services.exports import XLSX_MIME, export_bytes, export_name
from bot.services.summary import (CHAT_HINT, NO_REPORTS, UNKNOWN_DOCUMENT, build_summary, chart_caption, chart_png,
                                  scope_text, summary_text, task_matrix)

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bot.config import Settings
    from bot.core.assistant import Assistant
    from bot.db.people import Member

BUTTON_PREFIX = "th"


@dataclass(frozen=True)
class ExportButton(CallbackData, prefix="th:xuat"):
    """📥 under a summary: the export of the same documents ("," between numbers; "": all)."""

    documents: str = ""
ZALO_NO_FILES = ("Zalo chưa cho phép trợ lý gửi tệp Excel. Bạn lấy bảng báo cáo bằng lệnh /xuatbaocao "
                 "trên Telegram, hoặc trên máy chủ: python -m bot reports export --out baocao.xlsx")


# -- /tonghop and /xuatbaocao -------------------------------------------------------------------

class Summary:
    """The secretariat's commands: a progress summary with its chart, and the full export."""

    def __init__(self, core: "Assistant", settings: "Settings", engine: "Engine") -> None:
        self.core = core
        self.engine = engine  # the reports' database, which the summary and the export read
        self.past_days = settings.reports.past_days
        self.include_coordinating = settings.tasks.include_coordinating
        self.commands = {"tonghop": self.summary, "xuatbaocao": self.export}
        self.buttons = {BUTTON_PREFIX: self.button}
        self.dialogs: dict[str, Any] = {}
        self.menu = [
            Command("tonghop", "Tổng hợp tiến độ báo cáo các đơn vị: /tonghop hoặc /tonghop kh 0125",
                    roles=("admin",), private_only=True),
            Command("xuatbaocao", "Xuất mọi báo cáo ra tệp Excel: /xuatbaocao hoặc /xuatbaocao kh 0125",
                    roles=("admin",), private_only=True),
        ]
        # Figures of every unit stay out of groups.
        self.button_rules = [ButtonRule(BUTTON_PREFIX, ("admin",), private_only=True)]

    def _request(self, msg: Incoming) -> list[str] | None | str:
        """The documents asked for (None: all), or why none (an unknown document)."""
        numbers, unknown = self._documents(msg.text)
        return unknown or numbers

    def summary(self, msg: Incoming, member: "Member | None") -> list[Reply]:
        numbers = self._request(msg)
        if isinstance(numbers, str):
            return self.core.texts(msg, numbers)
        assert member is not None
        summary = build_summary(self.engine, self.core.facts, self.core.today(), self.past_days, numbers,
                                include_coordinating=self.include_coordinating)
        self._audit(member, msg, "summary", f"tổng hợp {scope_text(numbers)}: {len(summary.obligations)} nội dung")
        arg = f" {' '.join(numbers)}" if numbers else ""
        replies = []
        png = chart_png(summary)
        if png is not None:
            replies.append(Reply(file=OutgoingFile("tonghop.png", png, "image/png", chart_caption(summary))))
        text = summary_text(summary, CHAT_HINT.format(arg=arg))
        try:
            data = ExportButton(",".join(numbers or ())).pack()
        except CallbackDataError:  # too many documents for a button: the hint names /xuatbaocao
            data = ""
        if msg.channel.buttons and data:
            return replies + self.core.choices(msg, text, ((Button("📥 Xuất bảng Excel", data),),))
        return replies + self.core.texts(msg, text)

    def export(self, msg: Incoming, member: "Member | None") -> list[Reply]:
        numbers = self._request(msg)
        if isinstance(numbers, str):
            return self.core.texts(msg, numbers)
        assert member is not None
        return self._export(msg, member, numbers)

    def button(self, msg: Incoming, member: "Member | None", data: str) -> list[Reply]:
        """📥 under a summary: the export of the same documents."""
        assert member is not None  # the core lets only admins through
        try:
            numbers = [n for n in ExportButton.unpack(data).documents.split(",") if n] or None
        except CallbackDataError:
            return self.core.texts(msg, EXPIRED)
        return self._export(msg, member, numbers)

    def _export(self, msg: Incoming, member: "Member", numbers: list[str] | None) -> list[Reply]:
        if msg.channel.name == "zalo":  # the Zalo Bot API sends photos, not documents
            return self.core.texts(msg, ZALO_NO_FILES)
        summary = build_summary(self.engine, self.core.facts, self.core.today(), self.past_days, numbers,
                                include_coordinating=self.include_coordinating)
        content, stats = export_bytes(self.engine, "xlsx", numbers, task_matrix(summary))
        if not stats.reports:
            scope = f" theo {', '.join(numbers)}" if numbers else ""
            return self.core.texts(msg, NO_REPORTS.format(scope=scope))
        self._audit(member, msg, "export", f"xuất {stats.reports} báo cáo {scope_text(numbers)}")
        caption = (f"Bảng báo cáo {scope_text(numbers)}: {stats.reports} báo cáo của {stats.units} đơn vị, "
                   f"kể cả các lần sửa.")
        name = export_name(self.core.today(), numbers)
        return [Reply(file=OutgoingFile(name, content, XLSX_MIME, caption), notice="Đang gửi bảng báo cáo")]

    def _documents(self, typed: str) -> tuple[list[str] | None, str | None]:
        """The documents a typed number names (None: all), or the reason it names none."""
        typed = typed.strip()
        if not typed:
            return None, None
        numbers = resolve_documents(self.core.facts, typed)
        return (numbers, None) if numbers else (None, UNKNOWN_DOCUMENT.format(typed=typed))

    def _audit(self, member: "Member", msg: Incoming, action: str, detail: str) -> None:
        assert self.core.people is not None
        self.core.people.audit(member.official_id, msg.channel.name, action, detail)
