"""Delivery over the Telegram Bot API: a plain `Bot` whose errors become typed outcomes."""
from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from bot.core.messages import TELEGRAM
from bot.delivery.errors import (Blocked, Buttons, ChatMoved, ChatNotFound, PermanentError, RetryAfter,
                                 TransientError)


class TelegramSender:
    """A python-telegram-bot `Bot`/`ExtBot` (initialised by the caller), errors made typed."""

    channel = TELEGRAM.name
    max_text = TELEGRAM.max_text

    def __init__(self, bot: Any) -> None:
        self.bot = bot

    async def send(self, chat_id: str, text: str, buttons: Buttons) -> None:
        from telegram import InlineKeyboardButton, InlineKeyboardMarkup
        from telegram import error as tg

        markup = (InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
                                        for row in buttons]) if buttons else None)
        target: int | str = int(chat_id) if re.fullmatch(r"-?\d+", chat_id) else chat_id
        try:
            await self.bot.send_message(target, text, reply_markup=markup)
        except tg.RetryAfter as exc:
            wait = exc.retry_after
            raise RetryAfter(wait.total_seconds() if isinstance(wait, timedelta) else float(wait),
                             exc.message) from None
        except tg.ChatMigrated as exc:  # 400 with migrate_to_chat_id: the group became a supergroup
            raise ChatMoved(str(exc.new_chat_id), exc.message) from None
        except tg.Forbidden as exc:  # blocked, never started ("can't initiate"), deactivated, kicked
            raise Blocked(exc.message) from None
        except tg.BadRequest as exc:  # before NetworkError: BadRequest is one of its subclasses
            if "chat not found" in exc.message.lower():
                raise ChatNotFound(exc.message) from None
            raise PermanentError(exc.message) from None
        except tg.NetworkError as exc:  # TimedOut, 5xx, connection refused
            raise TransientError(exc.message) from None
        except tg.TelegramError as exc:  # InvalidToken, ChatMigrated, Conflict
            raise PermanentError(exc.message) from None


async def download_file(bot: Any, file_id: str, max_bytes: int) -> tuple[bytes, str]:
    """A file a user sent, by its file id (getFile, then the file server), at most `max_bytes`.
    The file server declares no useful type, so none is returned. Raises AttachmentError."""
    from telegram.error import TelegramError

    from bot.services.attachments import AttachmentError

    try:
        file = await bot.get_file(file_id)
        if file.file_size and file.file_size > max_bytes:
            raise AttachmentError(f"lớn hơn {max_bytes} byte")
        return bytes(await file.download_as_bytearray()), ""
    except TelegramError as error:
        raise AttachmentError(error.message) from None


def plain_bot(application: Any, base_url: str | None = None) -> Any:
    """A `telegram.Bot` for delivery beside the application's `ExtBot`: same token and HTTP
    connection pool (opened and closed with the application), but without the application's
    rate limiter, whose retries on a 429 would sleep while the row is claimed (maybe past its
    lease, so that another worker sends it too) and hide the 429 from the worker."""
    from telegram import Bot

    base = base_url or "https://api.telegram.org/bot"
    return Bot(application.bot.token, base_url=base, base_file_url=file_url(base),
               request=application.bot.request, get_updates_request=application.bot.request)


def file_url(base_url: str) -> str:
    """The file base next to an API base: http://h:8081/bot → http://h:8081/file/bot."""
    head, _, last = base_url.rstrip("/").rpartition("/")
    return f"{head}/file/{last}"
