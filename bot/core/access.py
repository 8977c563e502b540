"""Who may use a command or a button: checked by the core before any handler runs.

Every command declares its roles and whether it is for private chats only (`Command`); every
button prefix does the same (`ButtonRule`). The refusals are worded once, here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.messages import ChatKind, Command, Incoming
from bot.db.people import ROLE_NAMES, Role

if TYPE_CHECKING:
    from bot.db.people import Member

ADMIN = Role.ADMIN.value
OFFICIALS = (Role.REPORTER.value, Role.READER.value, Role.ADMIN.value)

REGISTER_FIRST = "Bạn chưa đăng ký. Gõ /dangky <mã> với mã mời văn phòng cấp cho đơn vị của bạn."
ROLE_REQUIRED = "Lệnh /{command} chỉ dành cho vai trò {roles}. {status}"
BUTTON_ROLE_REQUIRED = "Lựa chọn này chỉ dành cho vai trò {roles}. {status}"
UNREGISTERED_STATUS = "Bạn chưa đăng ký (gõ /toi để xem mã người dùng của bạn)."
ROLE_STATUS = "Vai trò của bạn: {role}."
PRIVATE_ONLY = ("Lệnh /{command} dùng trong tin nhắn riêng với bot, không dùng trong nhóm. "
                "Bạn mở trò chuyện riêng với bot rồi gõ lại.")
BUTTON_PRIVATE_ONLY = "Lựa chọn này chỉ dùng trong tin nhắn riêng với bot, không dùng trong nhóm."


@dataclass(frozen=True)
class ButtonRule:
    """Who may press the buttons whose data start with `prefix` (before the first ":")."""

    prefix: str
    roles: tuple[str, ...] = ()  # () = everyone
    private_only: bool = False


def role_names(roles: tuple[str, ...]) -> str:
    return " hoặc ".join(ROLE_NAMES[Role(r)] for r in roles)


def refusal(rule: Command | ButtonRule, msg: Incoming, member: "Member | None") -> str | None:
    """Why this sender may not use this command or button here, or None.

    Roles first (a stranger learns they must register, wherever they typed it), then the chat.
    Only officials' commands (not admins') tell a stranger how to register.
    """
    command = isinstance(rule, Command)
    if rule.roles:
        if member is None and set(rule.roles) != {ADMIN}:
            return REGISTER_FIRST
        if member is None or member.role.value not in rule.roles:
            status = (UNREGISTERED_STATUS if member is None
                      else ROLE_STATUS.format(role=ROLE_NAMES[member.role]))
            template = ROLE_REQUIRED if command else BUTTON_ROLE_REQUIRED
            return template.format(command=getattr(rule, "name", ""), roles=role_names(rule.roles),
                                   status=status)
    if rule.private_only and msg.chat_kind is ChatKind.GROUP:
        return PRIVATE_ONLY.format(command=rule.name) if command else BUTTON_PRIVATE_ONLY
    return None
