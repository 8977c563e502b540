"""Telegram channel: a python-telegram-bot 22 Application that translates updates for the core.

Every message and button press becomes an `Incoming`; the core decides what to answer (group
rules, commands, splitting); this module only renders its replies: text with inline buttons,
documents, callback answers, and the typing indicator while the core works.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from typing import TYPE_CHECKING

# Without it PTB 22 warns inside RetryAfter on every 429 (and the rate limiter cannot retry
# where warnings are errors); with it retry_after is a timedelta.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update  # noqa: E402
from telegram.constants import ChatAction, ChatType, MessageEntityType  # noqa: E402
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, TypeHandler  # noqa: E402

from bot.assistant import COMMANDS  # noqa: E402
from bot.messages import TELEGRAM, Attachment, ChatKind, Incoming, Reply, Sender  # noqa: E402

if TYPE_CHECKING:
    from bot.assistant import Assistant
    from bot.config import Settings

log = logging.getLogger(__name__)
APOLOGY = "Xin lỗi, đã có lỗi khi xử lý yêu cầu. Bạn thử lại sau ít phút."
TYPING_EVERY = 4.0  # seconds: Telegram shows "typing…" for about five


def to_incoming(update: Update, bot_username: str) -> Incoming | None:
    """The neutral form of a message or button press; None for anything else."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return None
    kind = ChatKind.PRIVATE if chat.type == ChatType.PRIVATE else ChatKind.GROUP
    sender = Sender(str(user.id), user.full_name)
    if update.callback_query is not None:
        return Incoming(TELEGRAM, str(chat.id), sender, kind, button=update.callback_query.data or "")
    message = update.message
    if message is None:
        return None
    text = message.text or message.caption or ""
    command, text = _command(text, message.entities, bot_username)
    mentioned = _mentions(message, bot_username)
    if mentioned:
        text = text.replace(f"@{bot_username}", " ").strip()
    return Incoming(TELEGRAM, str(chat.id), sender, kind, text=text, command=command, mentioned=mentioned,
                    attachment=_attachment(message), message_id=str(message.message_id))


def _command(text: str, entities, bot_username: str) -> tuple[str | None, str]:  # type: ignore[no-untyped-def]
    """("hanchot", "30") for "/hanchot@Bot 30"; a command for another bot is not ours."""
    if not any(e.type == MessageEntityType.BOT_COMMAND and e.offset == 0 for e in entities or ()):
        return None, text
    head, _, rest = text.partition(" ")
    name, _, target = head[1:].partition("@")
    if target and target.lower() != bot_username.lower():
        return None, ""
    return name.lower(), rest.strip()


def _mentions(message, bot_username: str) -> bool:  # type: ignore[no-untyped-def]
    text = message.text or ""
    if any(e.type == MessageEntityType.MENTION and text[e.offset:e.offset + e.length].lower() == f"@{bot_username}".lower()
           for e in message.entities or ()):
        return True
    reply = message.reply_to_message
    return bool(reply and reply.from_user and reply.from_user.username == bot_username)


def _attachment(message) -> Attachment | None:  # type: ignore[no-untyped-def]
    if message.document:
        d = message.document
        return Attachment(d.file_id, d.file_name or "", d.mime_type or "", d.file_size or 0)
    if message.photo:
        p = message.photo[-1]
        return Attachment(p.file_id, "photo.jpg", "image/jpeg", p.file_size or 0)
    return None


async def handle_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Pass one update to the core and send back what it returns."""
    assistant: Assistant = context.application.bot_data["assistant"]
    incoming = to_incoming(update, context.bot.username)
    if incoming is None:
        return
    if update.callback_query is not None:
        replies = await asyncio.to_thread(assistant.handle, incoming)
        notice = next((r.notice for r in replies if r.notice), None)
        await update.callback_query.answer(notice)  # always, so the client stops spinning
        await _send(context, incoming.chat_id, [r for r in replies if r.text or r.file])
        return
    replies = await _with_typing(context, incoming.chat_id, assistant, incoming)
    await _send(context, incoming.chat_id, replies)


async def _with_typing(context: ContextTypes.DEFAULT_TYPE, chat_id: str, assistant: "Assistant",
                       incoming: Incoming) -> list[Reply]:
    """The core's replies, with "typing…" shown until they are ready (only when addressed)."""
    addressed = incoming.chat_kind is ChatKind.PRIVATE or incoming.command or incoming.mentioned
    if not addressed:
        return await asyncio.to_thread(assistant.handle, incoming)

    async def keep_typing() -> None:
        while True:
            with contextlib.suppress(Exception):  # a lost indicator is not worth an error
                await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
            await asyncio.sleep(TYPING_EVERY)

    typing = asyncio.create_task(keep_typing())
    try:
        return await asyncio.to_thread(assistant.handle, incoming)
    finally:
        typing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await typing


async def _send(context: ContextTypes.DEFAULT_TYPE, chat_id: str, replies: list[Reply]) -> None:
    for reply in replies:
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
                                       for row in reply.buttons]) if reply.buttons else None
        if reply.file is not None:
            await context.bot.send_document(chat_id, InputFile(reply.file.content, filename=reply.file.name),
                                            caption=reply.file.caption or None)
        if reply.text:
            await context.bot.send_message(chat_id, reply.text, reply_markup=markup)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure, tell the user, keep the bot running."""
    log.error("update failed: %s", context.error, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        with contextlib.suppress(Exception):
            await context.bot.send_message(update.effective_chat.id, APOLOGY)


async def _register_commands(application: Application) -> None:
    await application.bot.set_my_commands([BotCommand(c.name, c.description[:256]) for c in COMMANDS])


def build_application(assistant: "Assistant", token: str, base_url: str | None = None, *,
                      rate_limit_retries: int = 3) -> Application:
    """The Application wired to the core: one handler for every update, rate limits with
    retries on 429, the command menu registered at start."""
    builder = ApplicationBuilder().token(token).concurrent_updates(True) \
        .rate_limiter(AIORateLimiter(max_retries=rate_limit_retries)).post_init(_register_commands)
    if base_url:
        builder = builder.base_url(base_url).base_file_url(base_url.replace("/bot", "/file/bot", 1))
    application = builder.build()
    application.bot_data["assistant"] = assistant
    application.add_handler(TypeHandler(Update, handle_update))
    application.add_error_handler(on_error)
    return application


def main(settings: "Settings") -> int:
    """`python -m bot telegram`: long polling, or a webhook when `telegram.webhook_url` is set."""
    token = os.environ.get("TELEGRAM_BOT_TOKEN")
    if not token:
        print("Thiếu TELEGRAM_BOT_TOKEN: đặt biến môi trường này bằng token của bot.", file=sys.stderr)
        return 2
    secret = os.environ.get("TELEGRAM_WEBHOOK_SECRET")
    if settings.telegram.webhook_url and not secret:
        print("Chế độ webhook cần TELEGRAM_WEBHOOK_SECRET (chuỗi bí mật 1–256 ký tự).", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry the token in the URL
    from bot import app

    application = build_application(app.assistant(settings), token, os.environ.get("TELEGRAM_BASE_URL"))
    if settings.telegram.webhook_url:
        path = settings.telegram.webhook_url.rstrip("/").rsplit("/", 1)[-1]
        application.run_webhook(listen=settings.telegram.listen, port=settings.telegram.port, url_path=path,
                                webhook_url=settings.telegram.webhook_url, secret_token=secret)
    else:
        application.run_polling()
    return 0
