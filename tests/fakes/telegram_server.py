"""A fake Telegram Bot API on 127.0.0.1 that a real python-telegram-bot Application can use.

What PTB 22.8 sends (telegram/request/_httpxrequest.py, _requestparameter.py): every call is
`POST {base_url}{token}/{method}` through httpx with `data=` the parameters, where a str value
goes as is and any other value (int, bool, list, dict) is `json.dumps`-ed; so the body is
`application/x-www-form-urlencoded`, or `multipart/form-data` when a file is uploaded (the file
is a part named after the parameter, other parameters are text parts). The fake decodes every
field back with json.loads except the free-text ones.

A test drives it as a user would:

    async with FakeTelegram() as tg:                      # or the `telegram_fake` fixture
        app = ApplicationBuilder().token(tg.token).base_url(tg.base_url) ...
        await tg.send_text(42, "/start")                  # private chat with user 42
        [reply] = await tg.wait_for_messages(42, 1)
        await tg.press_button(42, reply.message_id, "yes")
        tg.inject_retry_after("sendMessage", retry_after=1)
        tg.block_chat(43)                                 # 403 bot was blocked by the user
        tg.block_chat(44, *CANT_INITIATE)                 # 403 the user never started the bot
        tg.migrate_chat(-45, -1000045)                    # the group became a supergroup
        report = tg.rate_report()                         # send timestamps per chat

Limits as the Bot API documents them (core.telegram.org/bots/api): captions of 0-1024
characters; sendPhoto «The photo must be at most 10 MB in size»; sendDocument «Bots can
currently send files of any type of up to 50 MB in size» (bigger uploads end in HTTP 413
«Request Entity Too Large», as bot authors report). A callback query must be answered before
it expires («query is too old and response timeout expired or query ID is invalid»; about 15 s,
measured by bot authors, not documented): `callback_query_ttl`, or `expire_callback_queries()`.
A chat whose group was upgraded answers 400 with `parameters.migrate_to_chat_id`.
"""
from __future__ import annotations

import html
import itertools
import json
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes import ApiCall, ApiError, FakeBotApi, Params, UploadedFile, post_json

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SEND_METHODS = frozenset({
    "sendmessage", "senddocument", "sendphoto", "sendvideo", "sendaudio", "sendvoice",
    "sendanimation", "sendsticker", "sendmediagroup", "copymessage", "forwardmessage",
})
# Fields that are free text on the wire: never JSON-decoded even when they look like JSON.
TEXT_FIELDS = frozenset({
    "text", "caption", "callback_query_id", "parse_mode", "url", "secret_token", "action",
    "data", "title", "description", "short_description", "name", "query", "language_code",
    "inline_message_id", "business_connection_id", "ip_address", "emoji",
})
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
CALLBACK_QUERY_TTL = 15.0
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
BLOCKED = (403, "Forbidden: bot was blocked by the user")
CANT_INITIATE = (403, "Forbidden: bot can't initiate conversation with a user")
DEACTIVATED = (403, "Forbidden: user is deactivated")
KICKED = (403, "Forbidden: bot was kicked from the group chat")
CHAT_NOT_FOUND = (400, "Bad Request: chat not found")
MIGRATED = "Bad Request: group chat was upgraded to a supergroup chat"

_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{3,32}")
_TAG = re.compile(r"<[^>]+>")


# -- payload factories (DESIGN §5 minimal JSON) ----------------------------------------------


def make_user(user_id: int, first_name: str = "Tester", *, username: str | None = None,
              is_bot: bool = False, language_code: str | None = None) -> Params:
    """A Telegram User."""
    user: Params = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    return user


def make_chat(chat_id: int, chat_type: str = "private", *, title: str | None = None,
              user: Params | None = None) -> Params:
    """A Telegram Chat; private chats borrow the user's names, groups get a title."""
    chat: Params = {"id": chat_id, "type": chat_type}
    if chat_type == "private":
        chat["first_name"] = (user or {}).get("first_name", "Tester")
        if user and user.get("username"):
            chat["username"] = user["username"]
    else:
        chat["title"] = title or f"Group {chat_id}"
    return chat


def utf16_len(text: str) -> int:
    """Telegram measures entity offsets in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def text_entities(text: str) -> list[Params]:
    """bot_command entities for /cmd[@bot] and mention entities for @name, as Telegram sets."""
    found: list[tuple[int, int, str]] = []
    for match in _COMMAND.finditer(text):
        found.append((match.start(), match.end(), "bot_command"))
    for match in _MENTION.finditer(text):
        if not any(s <= match.start() < e for s, e, _ in found):
            found.append((match.start(), match.end(), "mention"))
    found.sort()
    return [{"type": kind, "offset": utf16_len(text[:start]),
             "length": utf16_len(text[start:end])} for start, end, kind in found]


def make_message(message_id: int, chat: Params, *, user: Params | None = None,
                 text: str | None = None, date: int | None = None) -> Params:
    """A Telegram Message; text gets its command and mention entities."""
    message: Params = {"message_id": message_id, "date": date or int(time.time()), "chat": chat}
    if user is not None:
        message["from"] = user
    if text is not None:
        message["text"] = text
        entities = text_entities(text)
        if entities:
            message["entities"] = entities
    return message


def make_callback_query(query_id: str, user: Params, data: str,
                        message: Params | None = None) -> Params:
    """A Telegram CallbackQuery from pressing an inline button."""
    query: Params = {"id": query_id, "from": user, "chat_instance": f"ci{user['id']}",
                     "data": data}
    if message is not None:
        query["message"] = message
    return query


def make_update(update_id: int, **content: Params) -> Params:
    """An Update with one kind of content, e.g. make_update(7, message={...})."""
    return {"update_id": update_id, **content}


async def post_webhook_update(url: str, update: Params,
                              secret_token: str | None = None) -> tuple[int, str]:
    """POST an update to a bot's webhook as Telegram does; returns status and body."""
    headers = {SECRET_HEADER: secret_token} if secret_token is not None else {}
    return await post_json(url, update, headers)


# -- records ----------------------------------------------------------------------------------


@dataclass
class BotMessage:
    """A message the bot sent, kept up to date by edits (previous texts in `edits`)."""

    chat: Params
    message_id: int
    date: int
    bot_user: Params
    text: str | None = None
    caption: str | None = None
    reply_markup: Params | None = None
    document: UploadedFile | str | None = None
    photo: UploadedFile | str | None = None
    params: Params = field(default_factory=dict)
    edits: list[str | None] = field(default_factory=list)

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])

    @property
    def buttons(self) -> list[Params]:
        """Inline buttons, row by row flattened."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    def to_json(self) -> Params:
        message: Params = {"message_id": self.message_id, "from": self.bot_user,
                           "chat": self.chat, "date": self.date}
        if self.text is not None:
            message["text"] = self.text
        if self.caption is not None:
            message["caption"] = self.caption
        if self.document is not None:
            message["document"] = _document_json(self.document, self.message_id)
        if self.photo is not None:
            message["photo"] = [_photo_json(self.photo, self.message_id)]
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            message["reply_markup"] = self.reply_markup
        if self.edits:
            message["edit_date"] = int(time.time())
        return message


def _file_size(source: UploadedFile | str) -> int:
    return len(source.data) if isinstance(source, UploadedFile) else 1


def _document_json(source: UploadedFile | str, message_id: int) -> Params:
    document: Params = {"file_id": f"doc{message_id}", "file_unique_id": f"udoc{message_id}",
                        "file_size": _file_size(source)}
    if isinstance(source, UploadedFile):
        document["file_name"] = source.filename
        if source.content_type:
            document["mime_type"] = source.content_type
    return document


def _photo_json(source: UploadedFile | str, message_id: int) -> Params:
    return {"file_id": f"photo{message_id}", "file_unique_id": f"uphoto{message_id}",
            "width": 1, "height": 1, "file_size": _file_size(source)}


@dataclass
class RateLimits:
    """Limits the fake enforces with 429 when given (off by default; Telegram's figures)."""

    overall_per_second: int = 30
    per_chat_per_second: int = 1
    per_group_per_minute: int = 20


@dataclass
class RateReport:
    """Peak send rates seen, from the timestamps of successful send calls."""

    total: int
    peak_overall_per_second: int
    peak_per_chat_per_second: dict[int, int]
    peak_per_group_per_minute: dict[int, int]

    def violations(self, limits: RateLimits | None = None) -> list[str]:
        """Human-readable breaches of the limits (Telegram's by default)."""
        limits = limits or RateLimits()
        found = []
        if self.peak_overall_per_second > limits.overall_per_second:
            found.append(f"overall {self.peak_overall_per_second}/s")
        found += [f"chat {c}: {n}/s" for c, n in self.peak_per_chat_per_second.items()
                  if n > limits.per_chat_per_second]
        found += [f"group {c}: {n}/min" for c, n in self.peak_per_group_per_minute.items()
                  if n > limits.per_group_per_minute]
        return found


def peak_in_window(times: list[float], window: float) -> int:
    """Most events inside any half-open window of the given length."""
    ordered, best, start = sorted(times), 0, 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def _decode_field(name: str, value: Any) -> Any:
    if name in TEXT_FIELDS or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value  # e.g. chat_id "@channel", file ids, URLs


def _visible_length(text: str, parse_mode: str | None) -> int:
    """Length after entity parsing: HTML tags do not count towards the 4096 limit."""
    if parse_mode and parse_mode.upper() == "HTML":
        text = html.unescape(_TAG.sub("", text))
    return len(text)


# -- the server -------------------------------------------------------------------------------


class FakeTelegram(FakeBotApi):
    """A Telegram Bot API fake with a simulated user side; see the module docstring."""

    def __init__(self, token: str = "123456:TEST-token", *, username: str = "test_bot",
                 first_name: str = "Test Bot", strict_chats: bool = True,
                 limits: RateLimits | None = None, max_photo_bytes: int = MAX_PHOTO_BYTES,
                 max_document_bytes: int = MAX_DOCUMENT_BYTES,
                 callback_query_ttl: float = CALLBACK_QUERY_TTL) -> None:
        super().__init__(token)
        self.max_photo_bytes = max_photo_bytes
        self.max_document_bytes = max_document_bytes
        self.callback_query_ttl = callback_query_ttl
        self._pressed_at: dict[str, float] = {}
        self.migrated: dict[int, int] = {}
        self.user_files: dict[str, bytes] = {}
        self.bot_user = make_user(int(token.split(":")[0]), first_name, username=username,
                                  is_bot=True)
        self.strict_chats = strict_chats  # unknown chat_id → 400 chat not found, like Telegram
        self.limits = limits
        self.chats: dict[int, Params] = {}
        self.messages: dict[int, list[BotMessage]] = {}
        self.callback_answers: dict[str, Params | None] = {}
        self.commands: dict[tuple[str, str], list[Params]] = {}
        self.webhook: Params | None = None
        self._updates: list[Params] = []
        # Like Telegram's, a fresh sequence starts anywhere (ids are unique per bot, not per test).
        self._update_ids = itertools.count(random.randrange(1, 2**31))
        self._query_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._poll_generation = 0

    @property
    def username(self) -> str:
        return str(self.bot_user["username"])

    @property
    def base_file_url(self) -> str:
        """For ApplicationBuilder.base_file_url: files users sent (`add_user_file`) are served
        there after getFile, as `{base_file_url}{token}/{file_path}`."""
        return f"{self.url}/file/bot"

    def add_user_file(self, file_id: str, data: bytes, file_name: str = "tep.pdf",
                      mime_type: str = "application/pdf") -> Params:
        """A file a user sent; returns the Document to put in a message."""
        self.user_files[file_id] = data
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": file_name,
                "mime_type": mime_type, "file_size": len(data)}

    def _routes(self, app: web.Application) -> None:
        super()._routes(app)
        app.router.add_get("/file/bot{token}/documents/{file_id}", self._serve_file)

    async def _serve_file(self, request: web.Request) -> web.Response:
        data = self.user_files.get(request.match_info["file_id"])
        if request.match_info["token"] != self.token or data is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=data, content_type="application/octet-stream")

    # -- user side ------------------------------------------------------------------------

    def register_chat(self, chat_id: int, chat_type: str = "private", *,
                      user: Params | None = None, title: str | None = None) -> Params:
        """Make a chat known (a user who has started the bot, a group it is in)."""
        if chat_type == "private":
            user = user or make_user(chat_id)
        chat = make_chat(chat_id, chat_type, title=title, user=user)
        self.chats[chat_id] = chat
        return chat

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    async def send_text(self, chat_id: int, text: str, *, user: Params | None = None,
                        chat_type: str = "private", title: str | None = None,
                        reply_to: int | None = None) -> Params:
        """A user writes in a chat (replying to the bot's message `reply_to`, if given);
        returns the Update, queued for getUpdates or pushed to the webhook."""
        chat = self.chats.get(chat_id) or self.register_chat(chat_id, chat_type, user=user,
                                                             title=title)
        user = user or _default_user(chat)
        message = make_message(self._next_message_id(chat_id), chat, user=user, text=text)
        if reply_to is not None:
            message["reply_to_message"] = self._bot_message(chat_id, reply_to).to_json()
        return await self.send_update({"message": message})

    async def press_button(self, chat_id: int, message_id: int, data: str, *,
                           user: Params | None = None) -> Params:
        """A user presses an inline button under one of the bot's messages."""
        sent = self._bot_message(chat_id, message_id)
        user = user or _default_user(sent.chat)
        query_id = str(next(self._query_ids))
        self.callback_answers[query_id] = None
        self._pressed_at[query_id] = time.monotonic()
        query = make_callback_query(query_id, user, data, sent.to_json())
        return await self.send_update({"callback_query": query})

    async def send_update(self, content: Params) -> Params:
        """Queue any update content (an update_id is added), or push it to the webhook."""
        update = make_update(next(self._update_ids), **content)
        if self.webhook:
            headers = {}
            if self.webhook.get("secret_token"):
                headers[SECRET_HEADER] = self.webhook["secret_token"]
            await self._deliver(self.webhook["url"], update, update, headers)
        else:
            self._updates.append(update)
            self._notify()
        return update

    @property
    def pending_updates(self) -> list[Params]:
        """Updates not yet confirmed by a getUpdates offset."""
        return list(self._updates)

    # -- bot side: what the bot sent ------------------------------------------------------

    def messages_to(self, chat_id: int) -> list[BotMessage]:
        return list(self.messages.get(chat_id, []))

    def _find(self, chat_id: int, message_id: int) -> BotMessage | None:
        for sent in self.messages.get(chat_id, []):
            if sent.message_id == message_id:
                return sent
        return None

    def _bot_message(self, chat_id: int, message_id: int) -> BotMessage:
        """For the user side: a message the bot sent, or a test error."""
        sent = self._find(chat_id, message_id)
        if sent is None:
            raise LookupError(f"the bot sent no message {message_id} to chat {chat_id}")
        return sent

    def _target(self, params: Params, verb: str = "edit") -> BotMessage:
        """The bot message an edit or delete names."""
        self._chat(params)
        sent = self._find(params["chat_id"], int(params.get("message_id") or 0))
        if sent is None:
            raise ApiError(400, f"Bad Request: message to {verb} not found")
        return sent

    async def wait_for_messages(self, chat_id: int, count: int = 1,
                                timeout: float = 3.0) -> list[BotMessage]:
        """Await until the bot has sent `count` messages to the chat; returns all of them."""
        await self.wait_until(lambda: len(self.messages.get(chat_id, [])) >= count, timeout,
                              f"{count} bot message(s) in chat {chat_id}")
        return self.messages_to(chat_id)

    async def wait_for_callback_answer(self, query_id: str, timeout: float = 3.0) -> Params:
        await self.wait_until(lambda: self.callback_answers.get(query_id) is not None, timeout,
                              f"answerCallbackQuery for {query_id}")
        return self.callback_answers[query_id] or {}

    async def wait_until_polling(self, timeout: float = 3.0) -> None:
        """Await the bot's first getUpdates: from then on it receives what users send."""
        await self.wait_for_calls("getUpdates", 1, timeout, completed=False)

    # -- faults and rates -----------------------------------------------------------------

    def inject_retry_after(self, method: str = "sendMessage", retry_after: float = 1,
                           times: int = 1, chat_id: int | None = None) -> None:
        """429 Too Many Requests with parameters.retry_after (Telegram sends whole seconds;
        a fraction works with PTB and keeps tests fast)."""
        self.inject_error(method, 429, f"Too Many Requests: retry after {retry_after}",
                          times=times, chat_id=chat_id,
                          parameters={"retry_after": retry_after})

    def block_chat(self, chat_id: int, status: int = BLOCKED[0],
                   description: str = BLOCKED[1]) -> None:
        """Every call for this chat fails from now on (default: the user blocked the bot;
        CANT_INITIATE, DEACTIVATED and KICKED are the other 403s)."""
        self.inject_error(None, status, description, times=None, chat_id=chat_id)

    def migrate_chat(self, old_id: int, new_id: int) -> None:
        """The group `old_id` became the supergroup `new_id`: calls for the old id answer 400
        with migrate_to_chat_id, the new one is a known chat."""
        title = (self.chats.get(old_id) or {}).get("title")
        self.register_chat(new_id, "supergroup", title=title)
        self.migrated[old_id] = new_id

    def expire_callback_queries(self) -> None:
        """Every button press so far is too old to answer from now on."""
        for query_id in self._pressed_at:
            self._pressed_at[query_id] = float("-inf")

    def send_times(self, chat_id: int | None = None) -> list[float]:
        """Monotonic times of successful send calls, for one chat or all."""
        return [c.time for c in self._sends()
                if chat_id is None or str(c.params.get("chat_id")) == str(chat_id)]

    def _sends(self) -> list[ApiCall]:
        """Successful send calls: what reached users and counts towards Telegram's limits."""
        return [c for c in self.calls if c.method.lower() in SEND_METHODS and c.ok]

    def _sends_since(self, start: float) -> list[ApiCall]:
        """Successful sends after `start`, oldest first (calls are recorded in time order, so
        only the recent tail is read: a long broadcast stays fast)."""
        found = []
        for call in reversed(self.calls):
            if call.time <= start:
                break
            if call.method.lower() in SEND_METHODS and call.ok:
                found.append(call)
        return found[::-1]

    def rate_report(self) -> RateReport:
        """Peak rates overall, per chat and per group, for broadcast assertions."""
        by_chat: dict[int, list[float]] = {}
        for call in self._sends():
            by_chat.setdefault(_chat_key(call.params), []).append(call.time)
        groups = {c: t for c, t in by_chat.items() if self._is_group(c)}
        return RateReport(
            total=sum(len(t) for t in by_chat.values()),
            peak_overall_per_second=peak_in_window(self.send_times(), 1.0),
            peak_per_chat_per_second={c: peak_in_window(t, 1.0) for c, t in by_chat.items()},
            peak_per_group_per_minute={c: peak_in_window(t, 60.0) for c, t in groups.items()},
        )

    def _is_group(self, chat_id: int) -> bool:
        chat = self.chats.get(chat_id)
        return chat["type"] in ("group", "supergroup") if chat else chat_id < 0

    def _check_rate(self, call: ApiCall) -> None:
        """With limits set, refuse a send that would exceed them, as Telegram does."""
        if self.limits is None or call.method.lower() not in SEND_METHODS:
            return
        now, chat_id = call.time, _chat_key(call.params)
        last_second = self._sends_since(now - 1.0)
        same_chat = [c for c in last_second if _chat_key(c.params) == chat_id]
        in_group = ([c for c in self._sends_since(now - 60.0) if _chat_key(c.params) == chat_id]
                    if self._is_group(chat_id) else [])
        if (len(last_second) >= self.limits.overall_per_second
                or len(same_chat) >= self.limits.per_chat_per_second):
            raise _too_many(1)
        if self._is_group(chat_id) and len(in_group) >= self.limits.per_group_per_minute:
            raise _too_many(max(1, int(60 - (now - in_group[0].time)) + 1))

    # -- wire decoding --------------------------------------------------------------------

    def _decode_params(self, params: Params) -> Params:
        return {name: _decode_field(name, value) for name, value in params.items()}

    async def _answer(self, call: ApiCall) -> Any:
        self._check_rate(call)
        new_id = self.migrated.get(call.params.get("chat_id"))  # type: ignore[arg-type]
        if new_id is not None:
            raise ApiError(400, MIGRATED, {"migrate_to_chat_id": new_id})
        return await super()._answer(call)

    @property
    def max_request_bytes(self) -> int:
        """Room for the largest upload the Bot API takes, and then some (to answer 413 itself)."""
        return max(self.max_document_bytes, self.max_photo_bytes) + 1024 * 1024

    def _chat(self, params: Params) -> Params:
        if "chat_id" not in params:
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat_id = params["chat_id"]
        if not isinstance(chat_id, int):
            raise ApiError(*CHAT_NOT_FOUND)
        if chat_id not in self.chats:
            if self.strict_chats:
                raise ApiError(*CHAT_NOT_FOUND)
            self.register_chat(chat_id, "group" if chat_id < 0 else "private")
        return self.chats[chat_id]

    def _keep(self, chat: Params, params: Params, **content: Any) -> BotMessage:
        sent = BotMessage(chat, self._next_message_id(chat["id"]), int(time.time()),
                          self.bot_user, params=params, **content)
        self.messages.setdefault(chat["id"], []).append(sent)
        self._notify()
        return sent

    # -- API methods ------------------------------------------------------------------------

    async def api_getMe(self, params: Params, files: dict[str, UploadedFile]) -> Params:
        return {**self.bot_user, "can_join_groups": True,
                "can_read_all_group_messages": False, "supports_inline_queries": False}

    async def api_close(self, params: Params, files: dict[str, UploadedFile]) -> bool:
        return True

    async def api_logOut(self, params: Params, files: dict[str, UploadedFile]) -> bool:
        return True

    async def api_getUpdates(self, params: Params, files: dict[str, UploadedFile]) -> list:
        if self.webhook:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is "
                                "active; use deleteWebhook to delete the webhook first")
        self._confirm(params.get("offset"))
        self._poll_generation += 1  # a newer poll ends the older one, as on the real server
        generation = self._poll_generation
        self._notify()
        await self._wait_for(lambda: bool(self._updates)
                             or generation != self._poll_generation,
                             float(params.get("timeout") or 0))
        if generation != self._poll_generation:
            raise ApiError(409, "Conflict: terminated by other getUpdates request; make sure "
                                "that only one bot instance is running")
        return self._updates[: int(params.get("limit") or 100)]

    def _confirm(self, offset: Any) -> None:
        """Forget updates below offset; a negative offset keeps only the last -offset."""
        if offset is None:
            return
        offset = int(offset)
        if offset < 0:
            self._updates = self._updates[offset:]
        else:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]

    async def api_setWebhook(self, params: Params, files: dict[str, UploadedFile]) -> bool:
        url, secret = params.get("url", ""), params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        if not url:
            self.webhook = None
            return True
        self.webhook = {"url": url, "secret_token": secret,
                        "allowed_updates": params.get("allowed_updates"),
                        "max_connections": params.get("max_connections", 40)}
        self._poll_generation += 1  # a pending long poll ends
        return True

    async def api_deleteWebhook(self, params: Params, files: dict[str, UploadedFile]) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def api_getWebhookInfo(self, params: Params,
                                 files: dict[str, UploadedFile]) -> Params:
        info: Params = {"url": (self.webhook or {}).get("url", ""),
                        "has_custom_certificate": False,
                        "pending_update_count": len(self._updates)}
        if self.webhook:
            info["max_connections"] = self.webhook["max_connections"]
        return info

    async def api_sendMessage(self, params: Params, files: dict[str, UploadedFile]) -> Params:
        chat = self._chat(params)
        text = params.get("text")
        if not text:
            raise ApiError(400, "Bad Request: message text is empty")
        if _visible_length(text, params.get("parse_mode")) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        markup = _reply_markup(params.get("reply_markup"))
        return self._keep(chat, params, text=text, reply_markup=markup).to_json()

    async def api_editMessageText(self, params: Params,
                                  files: dict[str, UploadedFile]) -> Params:
        sent = self._target(params)
        text = params.get("text")
        if not text:
            raise ApiError(400, "Bad Request: message text is empty")
        if _visible_length(text, params.get("parse_mode")) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        markup = _reply_markup(params.get("reply_markup"))
        return self._edit(sent, text, markup).to_json()

    async def api_editMessageReplyMarkup(self, params: Params,
                                         files: dict[str, UploadedFile]) -> Params:
        sent = self._target(params)
        return self._edit(sent, sent.text, _reply_markup(params.get("reply_markup"))).to_json()

    def _edit(self, sent: BotMessage, text: str | None, markup: Params | None) -> BotMessage:
        if text == sent.text and markup == sent.reply_markup:
            raise ApiError(400, "Bad Request: message is not modified: specified new message "
                                "content and reply markup are exactly the same as a current "
                                "content and reply markup of the message")
        sent.edits.append(sent.text)
        sent.text, sent.reply_markup = text, markup
        self._notify()
        return sent

    async def api_deleteMessage(self, params: Params, files: dict[str, UploadedFile]) -> bool:
        sent = self._target(params, "delete")
        self.messages[sent.chat_id].remove(sent)
        self._notify()
        return True

    async def api_answerCallbackQuery(self, params: Params,
                                      files: dict[str, UploadedFile]) -> bool:
        query_id = params.get("callback_query_id")
        pressed = self._pressed_at.get(str(query_id), float("-inf"))
        if (query_id not in self.callback_answers or self.callback_answers[query_id]
                or time.monotonic() - pressed > self.callback_query_ttl):
            raise ApiError(400, QUERY_TOO_OLD)
        self.callback_answers[query_id] = params
        return True

    async def api_sendChatAction(self, params: Params, files: dict[str, UploadedFile]) -> bool:
        self._chat(params)
        return True

    async def api_sendDocument(self, params: Params, files: dict[str, UploadedFile]) -> Params:
        return self._send_file("document", params, files)

    async def api_sendPhoto(self, params: Params, files: dict[str, UploadedFile]) -> Params:
        return self._send_file("photo", params, files)

    def _send_file(self, kind: str, params: Params, files: dict[str, UploadedFile]) -> Params:
        chat = self._chat(params)
        source = files.get(kind) or params.get(kind)
        if not source:
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        caption = params.get("caption")
        if caption and _visible_length(caption, params.get("parse_mode")) > MAX_CAPTION:
            raise ApiError(400, "Bad Request: message caption is too long")
        size = len(source.data) if isinstance(source, UploadedFile) else 0
        if kind == "photo" and size > self.max_photo_bytes:
            raise ApiError(400, "Bad Request: file is too big")
        if size > self.max_document_bytes:
            raise ApiError(413, "Request Entity Too Large")
        markup = _reply_markup(params.get("reply_markup"))
        content = {kind: source, "caption": caption, "reply_markup": markup}
        return self._keep(chat, params, **content).to_json()

    async def api_getFile(self, params: Params, files: dict[str, UploadedFile]) -> Params:
        """A user's file: «bots can download files of up to 20MB in size» (getFile)."""
        file_id = str(params.get("file_id") or "")
        data = self.user_files.get(file_id)
        if data is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if len(data) > MAX_DOWNLOAD_BYTES:
            raise ApiError(400, "Bad Request: file is too big")
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(data),
                "file_path": f"documents/{file_id}"}

    async def api_setMyCommands(self, params: Params, files: dict[str, UploadedFile]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        self.commands[_commands_key(params)] = commands
        return True

    async def api_getMyCommands(self, params: Params,
                                files: dict[str, UploadedFile]) -> list[Params]:
        return self.commands.get(_commands_key(params), [])

    async def api_deleteMyCommands(self, params: Params,
                                   files: dict[str, UploadedFile]) -> bool:
        self.commands.pop(_commands_key(params), None)
        return True


def _default_user(chat: Params) -> Params:
    """The private chat's owner, or one fixed member of a group."""
    if chat["type"] == "private":
        return make_user(chat["id"], chat.get("first_name", "Tester"),
                         username=chat.get("username"))
    return make_user(1000, "Member")


def _chat_key(params: Params) -> int:
    chat_id = params.get("chat_id")
    return chat_id if isinstance(chat_id, int) else 0


def _commands_key(params: Params) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), params.get("language_code") or ""


def _too_many(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}",
                    {"retry_after": retry_after})


def _reply_markup(markup: Any) -> Params | None:
    """Validate reply_markup as Telegram does (a JSON object; callback_data ≤ 64 bytes)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return markup
