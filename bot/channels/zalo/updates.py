"""Zalo updates (as polling and the webhook deliver them) turned into neutral messages.

In a group the platform delivers only what addresses the bot: a message that mentions it
(«@» and its name chosen from the list) or that quotes one of its messages («Hướng dẫn sử
dụng Zalo Bot tương tác với Nhóm Chat», bot.zaloplatforms.com/docs). Every group update that
arrives is therefore for the bot, whatever its text says; the bot's «@name» is cut from it.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from typing import Any


from bot.core.messages import ZALO, Attachment, ChatKind, Incoming, Sender


IMAGE_MIME = "image/*"   # Zalo gives an image URL only, never its exact type


# -- updates to Incoming --------------------------------------------------------------------------

def to_incoming(update: dict[str, Any], bot_name: str = "") -> Incoming | None:
    """The core's view of one update; None for events the bot does not handle."""
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
    author = message.get("from") if isinstance(message.get("from"), dict) else {}
    chat_id = str(chat.get("id") or "")
    if not chat_id or author.get("is_bot"):
        return None  # never answer a bot, ourselves included
    event = str(update.get("event_name") or "")
    attachment = None
    if event == "message.image.received":
        url = _image_url(message)
        if not url:
            return None
        attachment = Attachment(file_id=url, mime_type=IMAGE_MIME)
        text = str(message.get("caption") or message.get("text") or "")
    elif event == "message.text.received" or (not event and isinstance(message.get("text"), str)):
        text = str(message.get("text") or "")
    else:
        return None
    kind = ChatKind.GROUP if str(chat.get("chat_type", "")).upper() == "GROUP" else ChatKind.PRIVATE
    text = _strip_mention(unicodedata.normalize("NFC", text), bot_name)
    command, text = _command(text)
    sender = Sender(str(author.get("id") or chat_id),
                    str(author.get("display_name") or author.get("name") or author.get("first_name") or ""))
    return Incoming(channel=ZALO, chat_id=chat_id, sender=sender, chat_kind=kind, text=text,
                    command=command, mentioned=True, attachment=attachment,
                    message_id=str(message.get("message_id") or ""))


def _image_url(message: dict[str, Any]) -> str:
    """Public clients show the image as `photo_url`, `photo` or an attachment's payload URL."""
    for key in ("photo_url", "photo", "url"):
        if isinstance(message.get(key), str) and message[key]:
            return str(message[key])
    for item in message.get("attachments") or []:
        payload = item.get("payload") if isinstance(item, dict) else None
        if isinstance(payload, dict) and payload.get("url"):
            return str(payload["url"])
    return ""


def _strip_mention(text: str, bot_name: str) -> str:
    """The text without "@<bot name>" (any case), so the core sees only what was asked."""
    name = unicodedata.normalize("NFC", bot_name.strip().lstrip("@"))
    if not name:
        return text.strip()
    rest, found = re.subn(re.escape(f"@{name}"), " ", text, flags=re.IGNORECASE)
    if not found:
        return text.strip()
    return re.sub(r"[ \t]{2,}", " ", rest).strip().lstrip(",:").strip()


def _command(text: str) -> tuple[str | None, str]:
    """("hanchot", "30") for "/hanchot 30" or "/hanchot@bot 30"; (None, text) otherwise."""
    if not text.startswith("/") or len(text) < 2 or text[1].isspace():
        return None, text
    head, _, rest = text[1:].partition(" ")
    name = head.split("@", 1)[0].split("\n", 1)[0].lower()
    return (name, rest.strip()) if name else (None, text)


def update_key(update: dict[str, Any]) -> str:
    """The dedupe key of an update: its message id, else a hash of the whole payload."""
    message = update.get("message")
    if isinstance(message, dict) and message.get("message_id"):
        return f"m:{message['message_id']}"
    canonical = json.dumps(update, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "h:" + hashlib.sha256(canonical.encode()).hexdigest()


def unwrap(body: Any) -> dict[str, Any] | None:
    """A webhook body is the `{"ok", "result": update}` envelope or the bare update."""
    if not isinstance(body, dict):
        return None
    if "message" not in body and "event_name" not in body and isinstance(body.get("result"), dict):
        return body["result"]
    return body
