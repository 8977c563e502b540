"""/web: a one-time link to the web dashboard, sent to the official in a private chat (admins see
every page; a unit's reporters and readers see their own unit's page)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.access import OFFICIALS
from bot.core.messages import Command, Incoming, Reply
from bot.db.web import WebStore
from bot.services.web_access import sign_in_link

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.core.assistant import Assistant
    from bot.db.people import Member


class WebAccess:
    def __init__(self, core: "Assistant", settings: "Settings", web: WebStore) -> None:
        assert core.people is not None, "/web needs the people store"
        self.core = core
        self.settings = settings
        self.web = web
        self.commands = {"web": self._link}
        self.buttons: dict[str, object] = {}
        self.dialogs: dict[str, object] = {}
        self.menu = [Command("web", "Liên kết đăng nhập trang quản trị trên máy tính", OFFICIALS, private_only=True)]
        self.button_rules: list[object] = []

    def _link(self, msg: Incoming, member: "Member | None") -> list[Reply]:
        assert member is not None and self.core.people is not None  # the router lets only officials in
        link = sign_in_link(self.web, self.settings, member.official_id)
        self.core.people.audit(member.official_id, msg.channel.name, "web_link", "xin liên kết đăng nhập")
        scope = "mọi trang quản trị" if member.is_admin else "trang của đơn vị bạn"
        return self.core.texts(msg, f"Liên kết đăng nhập {scope} (dùng một lần, hết hạn sau "
                                    f"{self.settings.web.link_minutes} phút):\n{link}\n"
                                    "Không chuyển liên kết này cho người khác.")
