"""What crosses between a channel adapter and the core: neutral messages in, neutral replies out.

No messenger SDK type appears here. An adapter turns its update into an `Incoming`, calls
`Assistant.handle`, and renders each `Reply` (text, buttons, a file) with its own API.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"


@dataclass(frozen=True)
class Channel:
    """What the core must know of a channel to shape replies for it."""

    name: str             # "telegram", "zalo", "console"
    max_text: int         # characters per message: Telegram 4096, Zalo 2000
    buttons: bool = True  # inline buttons; without them choices are numbered in the text


TELEGRAM = Channel("telegram", 4096)
ZALO = Channel("zalo", 2000, buttons=False)
CONSOLE = Channel("console", 100_000, buttons=False)


@dataclass(frozen=True)
class Sender:
    id: str
    name: str = ""


@dataclass(frozen=True)
class Attachment:
    """A file the user sent: the channel's own reference, never a path."""

    file_id: str
    name: str = ""
    mime_type: str = ""
    size: int = 0


@dataclass(frozen=True)
class Incoming:
    """One user action: a text, a command with its arguments, or a button press."""

    channel: Channel
    chat_id: str
    sender: Sender
    chat_kind: ChatKind = ChatKind.PRIVATE
    text: str = ""                 # the message text (for a command: everything after it)
    command: str | None = None     # "hanchot" for "/hanchot@TroLyBot 30"; None for plain text
    button: str | None = None      # data of the button pressed
    mentioned: bool = False        # a group message that addresses the bot (@name or a reply to it)
    attachment: Attachment | None = None
    message_id: str = ""


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # at most 64 bytes (Telegram's limit)


@dataclass(frozen=True)
class OutgoingFile:
    name: str
    content: bytes
    mime_type: str = "application/octet-stream"
    caption: str = ""


@dataclass(frozen=True)
class Reply:
    """One message to send. Text is plain (no markup), already within the channel's limit."""

    text: str = ""
    buttons: tuple[tuple[Button, ...], ...] = field(default_factory=tuple)  # rows of buttons
    file: OutgoingFile | None = None
    notice: str = ""  # a short acknowledgement of a button press (Telegram's callback answer)


@dataclass(frozen=True)
class Command:
    """A command of the bot's menu, shown by /help and registered with the messenger."""

    name: str
    description: str
    roles: tuple[str, ...] = ()  # roles that may use it (`bot.db.people.Role` values); () = everyone
    private_only: bool = False   # refused in groups (codes, ids, reports and figures stay private)
