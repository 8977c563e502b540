"""Telegram channel: a python-telegram-bot 22 Application that translates updates for the core.

Every message and button press becomes an `Incoming`; the core decides what to answer (group
rules, commands, splitting); this module only renders its replies: text with inline buttons,
documents, callback answers, and the typing indicator while the core works.

Served by long polling (`run_polling`) or by PTB's own webhook server (`run_webhook`, which
requires a secret token). Tests drive `build_application` directly: `async with application`,
`updater.start_polling()` or `start_webhook()`, then `application.start()`.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import sys
import time
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

# Without it PTB 22 warns inside RetryAfter on every 429 (and the rate limiter cannot retry
# where warnings are errors); with it retry_after is a timedelta.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from telegram import (BotCommand, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup,  # noqa: E402
                      Message, MessageEntity, Update)
from telegram.constants import ChatAction, ChatType  # noqa: E402
from telegram.error import BadRequest, TelegramError  # noqa: E402
from telegram.ext import (AIORateLimiter, Application, ApplicationBuilder,  # noqa: E402
                          ContextTypes, ExtBot, TypeHandler)

from bot.channels.telegram.sender import file_url  # noqa: E402
from bot.channels.turns import ChatQueue, Lanes  # noqa: E402
from bot.core.messages import (TELEGRAM, Attachment, ChatKind, Command, Incoming, OutgoingFile,  # noqa: E402
                               Reply, Sender)
from bot.core.replies import APOLOGY, split_text  # noqa: E402

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.channels.background import Background

log = logging.getLogger(__name__)

MISSING_TOKEN = ("Thiếu TELEGRAM_BOT_TOKEN: hãy đặt biến môi trường TELEGRAM_BOT_TOKEN bằng token "
                 "do @BotFather cấp.")
BAD_SECRET = ("Chế độ webhook cần TELEGRAM_WEBHOOK_SECRET: 1–256 ký tự gồm chữ cái Latin, chữ số, "
              "«_» và «-» (Telegram gửi lại nó trong header X-Telegram-Bot-Api-Secret-Token để bot "
              "nhận biết yêu cầu thật).")
SECRET_ENV = "TELEGRAM_WEBHOOK_SECRET"
TYPING_EVERY = 4.0  # seconds: Telegram shows "typing…" for about five
# Updates in progress at once. Most of a flood waits for its chat's turn (a task each, no
# thread): with PTB's default of 256 one flood's backlog would hold everyone else's updates
# back in the queue; the core's own threads are bounded by `Lanes`.
CONCURRENT_UPDATES = 4096
# Only what the core understands; Telegram then does not even send the rest.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
# The Bot API's limits on what a bot sends (core.telegram.org/bots/api).
MAX_CAPTION = 1024                       # characters of a caption
MAX_PHOTO_BYTES = 10 * 1024 * 1024       # sendPhoto: «at most 10 MB in size»
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024    # sendDocument: «up to 50 MB in size»
FILE_TOO_BIG = ("Tệp «{name}» ({size} MB) lớn hơn mức 50 MB mà Telegram cho phép bot gửi, nên chưa gửi được. "
                "Bạn liên hệ quản trị viên để lấy tệp trên máy chủ.")
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class Core(Protocol):
    """What the adapter needs of `bot.assistant.Assistant`."""

    def handle(self, msg: Incoming) -> list[Reply]: ...

    def menu(self) -> list[Command]: ...

    def seen(self, channel: str, update_key: str) -> bool: ...


class WebhookConfigError(ValueError):
    """Webhook mode cannot start as configured; the message is for the operator."""


# -- updates in -------------------------------------------------------------------------------


def to_incoming(update: Update, bot_username: str) -> Incoming | None:
    """The neutral form of a message or button press; None for anything else."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return None
    kind = ChatKind.PRIVATE if chat.type == ChatType.PRIVATE else ChatKind.GROUP
    sender = Sender(str(user.id), user.full_name)
    query = update.callback_query
    if query is not None:
        pressed_on = str(query.message.message_id) if query.message else ""
        return Incoming(TELEGRAM, str(chat.id), sender, kind, button=query.data or "",
                        message_id=pressed_on)
    message = update.message
    if message is None:  # edits, channel posts: nothing the core answers
        return None
    parsed = _command(message, bot_username)
    if parsed is None:
        return None
    command, text = parsed
    mentioned = _mentions(message, bot_username)
    if mentioned:
        text = _strip_mention(text, bot_username)
    return Incoming(TELEGRAM, str(chat.id), sender, kind, text=text, command=command,
                    mentioned=mentioned, attachment=_attachment(message),
                    message_id=str(message.message_id))


def _entities(message: Message, *types: str) -> dict[MessageEntity, str]:
    """Entities of the text or caption with their text (offsets are UTF-16, PTB converts)."""
    if message.text is not None:
        return message.parse_entities(list(types))
    return message.parse_caption_entities(list(types))


def _command(message: Message, bot_username: str) -> tuple[str | None, str] | None:
    """("hanchot", "30") for "/hanchot@Bot 30", (None, text) for plain text, None for a
    command addressed to another bot."""
    text = message.text or message.caption or ""
    head = next((t for e, t in _entities(message, MessageEntity.BOT_COMMAND).items()
                 if e.offset == 0), None)
    if head is None:
        return None, text
    name, _, target = head[1:].partition("@")
    if target and target.lower() != bot_username.lower():
        return None
    return name.lower(), text[len(head):].strip()  # a command is ASCII: UTF-16 length = len


def _mentions(message: Message, bot_username: str) -> bool:
    """Whether a message names the bot (@username) or replies to one of its messages."""
    own = f"@{bot_username}".lower()
    if any(t.lower() == own for t in _entities(message, MessageEntity.MENTION).values()):
        return True
    replied = message.reply_to_message
    author = replied.from_user if replied else None
    return bool(author and author.username and author.username.lower() == bot_username.lower())


def _strip_mention(text: str, bot_username: str) -> str:
    """The text without the bot's @name, so the core sees only the question."""
    text = re.sub(rf"(?<![\w@])@{re.escape(bot_username)}(?!\w)", " ", text, flags=re.IGNORECASE)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def _attachment(message: Message) -> Attachment | None:
    if message.document:
        d = message.document
        return Attachment(d.file_id, d.file_name or "", d.mime_type or "", d.file_size or 0)
    if message.photo:
        p = message.photo[-1]  # the largest size
        return Attachment(p.file_id, "photo.jpg", "image/jpeg", p.file_size or 0)
    return None


# -- the handler ------------------------------------------------------------------------------


class ChatTurns(ChatQueue):
    """One chat's updates in arrival order (PTB runs updates concurrently), and «typing…» at most
    once per TYPING_EVERY per chat, so a flood does not spend the bot's send budget on indicators."""

    MAX_TRACKED = 10_000

    def __init__(self) -> None:
        super().__init__()
        self._typed: dict[int, float] = {}

    def typing_due(self, chat_id: int) -> bool:
        """Whether to show «typing…» in this chat now (and note it)."""
        now, every = time.monotonic(), TYPING_EVERY * 0.9
        if now - self._typed.get(chat_id, -every) < every:
            return False
        if len(self._typed) >= self.MAX_TRACKED:
            self._typed = {c: t for c, t in self._typed.items() if now - t < every}
        self._typed[chat_id] = now
        return True


async def handle_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Pass one update to the core and send back what it returns, one at a time per chat."""
    chat = update.effective_chat
    if chat is None:
        return await _handle(update, context)
    async with _turns(context).turn(chat.id):
        await _handle(update, context)


def _turns(context: ContextTypes.DEFAULT_TYPE) -> ChatTurns:
    return context.bot_data.setdefault("turns", ChatTurns())


def _lanes(context: ContextTypes.DEFAULT_TYPE) -> Lanes:
    return context.bot_data.setdefault("lanes", Lanes())


async def _handle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    core: Core = context.bot_data["core"]
    incoming = to_incoming(update, context.bot.username)
    command = incoming is not None and bool(incoming.command or incoming.button)
    lanes = _lanes(context)
    # Telegram retries a webhook delivery it thinks failed, and several workers may share a bot:
    # an update already handled is not answered again (nor a report filed twice).
    if await lanes.run(command, core.seen, TELEGRAM.name, f"{context.bot.id}:{update.update_id}"):
        log.info("update %s delivered again: already handled", update.update_id)
        return
    query = update.callback_query
    if query is None:
        if incoming is not None and update.effective_chat is not None:
            replies = await _with_typing(context.bot, update.effective_chat.id, core, incoming, _turns(context),
                                         lanes)
            await send_replies(context.bot, update.effective_chat.id, replies)
        return
    # Answered before the core works: the client spins until then, and Telegram refuses an answer
    # that comes too late («query is too old»), however the core fares.
    await _answer_query(query)
    replies = await lanes.run(True, core.handle, incoming) if incoming else []
    if update.effective_chat is not None:
        await send_replies(context.bot, update.effective_chat.id, pressed_replies(replies))


def pressed_replies(replies: list[Reply]) -> list[Reply]:
    """What a button press shows in the chat. The press is already answered, so a notice that
    nothing else carries («Cảm ơn bạn!…», «nút đã hết hạn») becomes a message of its own."""
    shown = [r for r in replies if r.text or r.file]
    if shown:
        return shown
    notice = next((r.notice for r in replies if r.notice), "")
    return [Reply(notice)] if notice else []


async def _answer_query(query: CallbackQuery) -> None:
    """Stop the client's spinner. A press that is already too old to answer (the bot was
    down, or busy) is still handled: it is noted quietly, the reply follows in the chat."""
    try:
        await query.answer()
    except TelegramError as exc:  # never worth the user's reply
        if isinstance(exc, BadRequest) and "query is too old" in exc.message.lower():
            log.info("callback query %s answered too late; replying in the chat", query.id)
        else:
            log.warning("answerCallbackQuery failed: %s", exc)


async def _with_typing(bot: ExtBot, chat_id: int, core: Core, incoming: Incoming, turns: ChatTurns,
                       lanes: Lanes) -> list[Reply]:
    """The core's replies, with "typing…" shown until they are ready."""
    command = bool(incoming.command)
    # Group chatter that does not address the bot is answered by nothing: no indicator either.
    addressed = incoming.chat_kind is ChatKind.PRIVATE or incoming.command or incoming.mentioned
    if not addressed:
        return await lanes.run(command, core.handle, incoming)
    typing = asyncio.create_task(_keep_typing(bot, chat_id, turns))
    try:
        return await lanes.run(command, core.handle, incoming)
    finally:
        typing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await typing


async def _keep_typing(bot: ExtBot, chat_id: int, turns: ChatTurns) -> None:
    while True:
        if turns.typing_due(chat_id):
            with contextlib.suppress(TelegramError):  # a lost indicator is not worth an error
                await bot.send_chat_action(chat_id, ChatAction.TYPING)
        await asyncio.sleep(TYPING_EVERY)


def markup(reply: Reply) -> InlineKeyboardMarkup | None:
    """The reply's button rows as an inline keyboard."""
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
                                 for row in reply.buttons])


async def send_replies(bot: ExtBot, chat_id: int, replies: list[Reply]) -> None:
    """Send the core's replies in order: files (images as photos, shown inline), then texts
    (buttons go under the text)."""
    for reply in replies:
        keyboard = markup(reply)
        if reply.file is not None:
            await send_file(bot, chat_id, reply.file, None if reply.text else keyboard)
        if reply.text:
            await bot.send_message(chat_id, reply.text, reply_markup=keyboard)


async def send_file(bot: ExtBot, chat_id: int, file: OutgoingFile,
                    keyboard: InlineKeyboardMarkup | None = None) -> None:
    """A file within the Bot API's limits (core.telegram.org/bots/api, sendPhoto and
    sendDocument): an image over 10 MB goes as a document, a file over 50 MB is named in a
    message instead, and a caption over 1024 characters follows as a message of its own."""
    if len(file.content) > MAX_DOCUMENT_BYTES:
        size = round(len(file.content) / 1024 / 1024)
        await bot.send_message(chat_id, FILE_TOO_BIG.format(name=file.name, size=size), reply_markup=keyboard)
        return
    as_photo = file.mime_type.startswith("image/") and len(file.content) <= MAX_PHOTO_BYTES
    send = bot.send_photo if as_photo else bot.send_document
    fits = len(file.caption) <= MAX_CAPTION
    await send(chat_id, file.content, filename=file.name, caption=(file.caption if fits else None) or None,
               reply_markup=keyboard if fits else None)
    if not fits:
        for part in split_text(file.caption, TELEGRAM.max_text):
            await bot.send_message(chat_id, part, reply_markup=keyboard)
            keyboard = None


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure, tell the user, keep the bot running."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed: %r", update_id, context.error, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, APOLOGY)
        except TelegramError as exc:  # blocked, gone: nobody left to tell
            log.warning("apology not delivered: %s", exc)


async def register_commands(application: Application) -> None:
    """Publish the core's command menu (shown when the user types "/")."""
    core: Core = application.bot_data["core"]
    commands = [BotCommand(c.name, c.description[:256]) for c in core.menu()]
    try:
        await application.bot.set_my_commands(commands)
    except TelegramError as exc:  # the bot answers without a menu too
        log.warning("setMyCommands failed: %s", exc)


# -- wiring -----------------------------------------------------------------------------------


def build_application(core: Core, token: str, base_url: str | None = None, *,
                      rate_limit_retries: int = 3, background: "Background | None" = None,
                      lanes: Lanes | None = None) -> Application:
    """The Application wired to the core: one handler for every update, run on the core's
    `lanes`; rate limits with retries on 429, the command menu registered at start (post_init)."""
    lanes = lanes or Lanes()
    builder = (ApplicationBuilder().token(token).concurrent_updates(CONCURRENT_UPDATES)
               .rate_limiter(AIORateLimiter(max_retries=rate_limit_retries))
               .post_init(register_commands).post_shutdown(lambda _: _shutdown(lanes)))
    if base_url:
        builder = builder.base_url(base_url).base_file_url(file_url(base_url))
    application = builder.build()
    application.bot_data["core"] = core
    application.bot_data["lanes"] = lanes
    application.add_handler(TypeHandler(Update, handle_update))
    application.add_error_handler(on_error)
    if background is not None:  # outbox delivery and reminder checks on the JobQueue
        background.schedule(application, base_url)
    return application


async def _shutdown(lanes: Lanes) -> None:
    lanes.shutdown()


def check_secret(secret: str | None) -> str:
    """The webhook secret, or WebhookConfigError: without it anyone could post updates."""
    if not secret or not _SECRET.fullmatch(secret):
        raise WebhookConfigError(BAD_SECRET)
    return secret


def webhook_path(webhook_url: str) -> str:
    """The local path to serve: the public URL's path (https://h/tg/abc → tg/abc)."""
    return urlsplit(webhook_url).path.strip("/")


class _Redacting(logging.Formatter):
    """Never let the token reach a log line (httpx and tracebacks may carry request URLs)."""

    def __init__(self, token: str) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.token = token

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace(self.token, "<token>")


def configure_logging(token: str) -> None:
    """INFO to stderr, token masked; httpx's INFO lines (one per request, URL included) off."""
    handler = logging.StreamHandler()
    handler.setFormatter(_Redacting(token))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    logging.getLogger("httpx").setLevel(logging.WARNING)


def run_polling(core: Core, token: str, base_url: str | None = None, *,
                background: "Background | None" = None, lanes: Lanes | None = None) -> None:
    """Serve by long polling until interrupted (Ctrl+C, SIGTERM)."""
    configure_logging(token)
    application = build_application(core, token, base_url, background=background, lanes=lanes)
    application.run_polling(allowed_updates=ALLOWED_UPDATES)


def run_webhook(core: Core, token: str, *, webhook_url: str, secret_token: str | None,
                listen: str = "127.0.0.1", port: int = 8443, url_path: str | None = None,
                base_url: str | None = None, background: "Background | None" = None,
                lanes: Lanes | None = None) -> None:
    """Serve through PTB's webhook server until interrupted; updates without the secret
    header get 403 and never reach the core."""
    secret = check_secret(secret_token)
    configure_logging(token)
    path = webhook_path(webhook_url) if url_path is None else url_path
    build_application(core, token, base_url, background=background, lanes=lanes).run_webhook(
        listen=listen, port=port, url_path=path, webhook_url=webhook_url, secret_token=secret,
        allowed_updates=ALLOWED_UPDATES)


def main(settings: "Settings") -> int:
    """`python -m bot telegram`: long polling, or a webhook when `telegram.webhook_url` is set."""
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        print(MISSING_TOKEN, file=sys.stderr)
        return 2
    options = getattr(settings, "telegram", None)
    webhook_url = getattr(options, "webhook_url", None)
    secret = os.environ.get(getattr(options, "secret_token_env", None) or SECRET_ENV)
    if webhook_url:
        try:
            check_secret(secret)
        except WebhookConfigError as exc:  # before loading the model: fail fast
            print(exc, file=sys.stderr)
            return 2
    from bot import app
    base_url = os.environ.get("TELEGRAM_BASE_URL") or None
    # Threads for questions at once, and two for what else people type meanwhile.
    lanes = Lanes(messages=settings.access.concurrent_questions + 2)
    with app.messenger(settings) as (core, background):
        if webhook_url:
            run_webhook(core, token, webhook_url=webhook_url, secret_token=secret, listen=options.listen,
                        port=options.port, base_url=base_url, background=background, lanes=lanes)
        else:
            run_polling(core, token, base_url, background=background, lanes=lanes)
    return 0
