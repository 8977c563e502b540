"""The messenger-independent core: one neutral message in, the replies to send out.

Every rule lives here — which messages to answer in a group, what each command does, how long
answers are split for a channel, numbered choices where a channel has no buttons, feedback and
the questions the documents fail to cover — so Telegram, Zalo and the console adapters only
translate.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Protocol

from bot.retrieval.answers import Answer, Conversation
from bot.core.access import ButtonRule, refusal
from bot.core.callback import CallbackData, CallbackDataError
from bot.core.clock import vietnam_date
from bot.core.documents import criteria_reply, deadlines_reply, documents_reply
from bot.core.limits import Kind, Limited, RateLimit, Slots
from bot.core.messages import Button, Channel, ChatKind, Command, Incoming, Reply
from bot.core.numbers import whole_number
from bot.core.replies import numbered, split_text
from bot.db.chats import Vote
from bot.retrieval.questions import Intent
from bot.retrieval.vietnamese import fold

if TYPE_CHECKING:
    from bot.retrieval.answer_process import Answering
    from bot.db.chats import ChatStore
    from bot.db.dialogs import DialogState, DialogStore
    from bot.db.facts import FactStore
    from bot.db.people import Member, PeopleStore
    from bot.db.tasks import TaskStore

COMMANDS = [
    Command("start", "Giới thiệu trợ lý và cách dùng"),
    Command("help", "Danh sách lệnh và ví dụ"),
    Command("hoi", "Hỏi về văn bản: /hoi hạn nộp báo cáo là khi nào?"),
    Command("hanchot", "Thời hạn sắp tới: /hanchot, /hanchot 60 hoặc /hanchot kh 0125"),
    Command("tieuchi", "Tiêu chí, tiêu chuẩn của văn bản: /tieuchi kh 982"),
    Command("vanban", "Các văn bản trợ lý đang có, mới nhất trước"),
    Command("huy", "Hủy thao tác đang làm dở (báo cáo, thông báo…)"),
]
GREETING = ("Xin chào! Tôi là Trợ lý Chỉ thị. Tôi trả lời câu hỏi về yêu cầu, tiêu chí và thời hạn "
            "trong các chỉ thị, kế hoạch, công văn đã nạp, kèm trích dẫn điều khoản và số hiệu văn bản.\n"
            "Cứ gõ câu hỏi (có dấu hay không dấu đều được), ví dụ: «hạn nộp hồ sơ khen thưởng theo "
            "kế hoạch 0125 là khi nào?».")
# The command that redeems an invite code (a feature's), also reached through /start <code>.
REGISTER_COMMAND = "dangky"
UNKNOWN_COMMAND = "Lệnh /{name} chưa có. Gõ /help để xem các lệnh tôi hiểu."
ASK_USAGE = "Bạn gõ câu hỏi sau lệnh, ví dụ: /hoi hạn nộp báo cáo là khi nào?"
TOO_LONG = "Câu hỏi dài quá {limit} ký tự. Bạn rút gọn, chỉ nêu văn bản và điều cần hỏi."
THANKS = {True: "Cảm ơn bạn! Góp ý đã được ghi nhận.",
          False: "Cảm ơn bạn! Câu hỏi này sẽ được chuyển để bổ sung tài liệu."}
EXPIRED = "Lựa chọn này không còn hiệu lực."
NOT_YOUR_ANSWER = "Chỉ người đặt câu hỏi mới đánh giá được câu trả lời này."
CHOICE_HINT = "Trả lời «1» nếu câu trả lời hữu ích, «2» nếu chưa đúng."
CANCELLED = "Đã hủy, không có gì được lưu."
NOTHING_TO_CANCEL = "Không có thao tác nào đang làm dở."
FRESH_START = "Đã bỏ ngữ cảnh câu hỏi trước: câu hỏi tiếp theo sẽ được tìm trong mọi văn bản."
# Typed instead of /huy to start afresh without a command.
NEW_QUESTION = {"cau hoi moi", "hoi cau moi", "cau hoi khac"}
SLOW_DOWN = "Bạn gửi lệnh nhanh quá. Vui lòng đợi {seconds} giây rồi thử lại."
SLOW_DOWN_MESSAGES = "Bạn gửi tin nhanh quá. Vui lòng đợi {seconds} giây rồi thử lại."
SLOW_DOWN_QUESTIONS = ("Bạn hỏi nhanh quá: mỗi phút tôi trả lời tối đa {limit} câu hỏi của một người. "
                       "Vui lòng đợi {seconds} giây rồi hỏi tiếp.")
BUSY = ("Xin lỗi, tôi đang bận trả lời nhiều câu hỏi cùng lúc. Bạn vui lòng hỏi lại sau ít phút; "
        "các lệnh (/baocao, /hanchot…) vẫn dùng được ngay.")
MAX_QUESTION_CHARS = 1000
FEEDBACK_RULE = ButtonRule("fb")  # 👍 / 👎 under an answer: the store lets only the asker vote


@dataclass(frozen=True)
class Feedback(CallbackData, prefix="fb"):
    """👍 / 👎 under an answer."""

    useful: bool
    question: int


# The dialog kinds of the feature handling the current message (each call of `handle` runs in
# its own thread and context): choices it offers while one of its dialogs is open are that
# dialog's own; anything else offered meanwhile is the chat's.
_HANDLING: ContextVar[frozenset[str]] = ContextVar("handling", default=frozenset())

# A feature's handlers: (message, sender's membership or None) -> replies.
Handler = Callable[[Incoming, "Member | None"], list[Reply]]
ButtonHandler = Callable[[Incoming, "Member | None", str], list[Reply]]
DialogHandler = Callable[[Incoming, "Member | None", "DialogState"], list[Reply]]


class Feature(Protocol):
    """A group of commands plugged into the core (membership, reports, reminders…).

    `buttons` are keyed by the part of the button data before the first ":"; `dialogs` by the
    dialog kind they continue. Every command in `commands` is declared in `menu` (with the roles
    it needs and whether it is for private chats only), every button prefix in `button_rules`:
    the core refuses whoever may not use it before the handler runs, so a handler never checks.
    """

    commands: dict[str, Handler]
    buttons: dict[str, ButtonHandler]
    dialogs: dict[str, DialogHandler]
    menu: list[Command]
    button_rules: list[ButtonRule]


class Assistant:
    """Handles one Incoming at a time; state lives in the database, so any worker may serve.

    Questions go to `answerer`: an `Answerer` in this process, or an `AnswerProcess` that
    answers in a child process (the messenger bots), so that their CPU work never holds up
    commands; either takes the conversation and updates it for the next follow-up."""

    def __init__(self, answerer: "Answering", facts: "FactStore", chats: "ChatStore",
                 today: Callable[[], date] | None = None, *, people: "PeopleStore | None" = None,
                 dialogs: "DialogStore | None" = None, features: Iterable[Feature] = (),
                 now: Callable[[], datetime] | None = None, rate_limit: RateLimit | None = None,
                 tasks: "TaskStore | None" = None, question_slots: Slots | None = None) -> None:
        self.answerer = answerer
        self.facts = facts
        self.tasks = tasks  # the task register
        self.chats = chats
        self.now = now or (lambda: datetime.now(UTC))
        self.today = today or (lambda: vietnam_date(self.now()))
        self.people = people
        self.dialogs = dialogs
        self.rate_limit = rate_limit
        self.question_slots = question_slots
        self.features: list[Feature] = []
        self._commands: dict[str, tuple[Command, Handler]] = {}
        self._buttons: dict[str, tuple[ButtonRule, ButtonHandler]] = {}
        self._dialogs: dict[str, DialogHandler] = {}
        self._kinds: dict[object, frozenset[str]] = {}  # a handler -> its feature's dialog kinds
        for feature in features:
            self.add_feature(feature)

    def add_feature(self, feature: Feature) -> None:
        """Plug a feature in; a command or button prefix without declared access is refused here,
        at start-up, so that nothing reaches a handler unchecked."""
        declared = {c.name: c for c in feature.menu}
        rules = {r.prefix: r for r in feature.button_rules}
        undeclared = sorted(set(feature.commands) - set(declared)) + sorted(set(feature.buttons) - set(rules))
        if undeclared:
            raise ValueError(f"{type(feature).__name__}: no access rule for {', '.join(undeclared)}")
        self.features.append(feature)
        self._commands.update({name: (declared[name], h) for name, h in feature.commands.items()})
        self._buttons.update({prefix: (rules[prefix], h) for prefix, h in feature.buttons.items()})
        self._dialogs.update(feature.dialogs)
        kinds = frozenset(feature.dialogs)
        handlers = [*feature.commands.values(), *feature.buttons.values(), *feature.dialogs.values()]
        self._kinds.update({handler: kinds for handler in handlers})

    def seen(self, channel: str, update_key: str) -> bool:
        """Whether this update was handled before (a messenger's repeated delivery)."""
        return self.chats.seen(channel, update_key)

    def handle(self, msg: Incoming) -> list[Reply]:
        if msg.chat_kind is ChatKind.GROUP and not (msg.button or msg.command or msg.mentioned):
            return []  # group chatter that does not address the bot
        limited = self._limited(msg, Kind.MESSAGE)
        if limited:
            return self._slow_down(msg, limited, SLOW_DOWN_MESSAGES)
        if msg.button:
            return self._button(msg, msg.button)
        if msg.command:
            return self._command(msg)
        dialog = self.dialog(msg)
        if dialog is not None and dialog.kind not in self._dialogs:
            dialog = None
        # Inside a dialog a digit picks the dialog's own choices, never those of a reminder or an
        # answer that arrived meanwhile: a half-written report is not left by a typed «1».
        choice = self._numbered_choice(msg, dialog)
        if choice:
            return self._button(msg, choice)
        if dialog is not None:
            handler = self._dialogs[dialog.kind]
            return self._run(handler, lambda: handler(msg, self.member(msg), dialog))
        return self._question(msg, msg.text)

    # -- shared by the features -----------------------------------------------------------------

    def member(self, msg: Incoming) -> "Member | None":
        """The registered official who sent this, or None (anyone may still ask questions)."""
        if self.people is None:
            return None
        private_chat = msg.chat_id if msg.chat_kind is ChatKind.PRIVATE else None
        return self.people.member(msg.channel.name, msg.sender.id, private_chat, msg.sender.name)

    def dialog(self, msg: Incoming) -> "DialogState | None":
        if self.dialogs is None:
            return None
        return self.dialogs.get(msg.channel.name, msg.chat_id, msg.sender.id, self.now())

    def save_dialog(self, msg: Incoming, state: "DialogState") -> None:
        assert self.dialogs is not None
        self.dialogs.save(msg.channel.name, msg.chat_id, msg.sender.id, state)

    def end_dialog(self, msg: Incoming) -> bool:
        """End the sender's dialog here (its numbered choices go with it)."""
        if self.dialogs is None:
            return False
        return self.dialogs.clear(msg.channel.name, msg.chat_id, msg.sender.id)

    def texts(self, msg: Incoming, text: str) -> list[Reply]:
        """Plain text replies for this channel; numbered choices offered earlier (by the running
        dialog, or else in the chat) no longer apply."""
        if not msg.channel.buttons:
            self._offer(msg, ())
        return self._texts(msg.channel, text)

    def choices(self, msg: Incoming, text: str, rows: tuple[tuple[Button, ...], ...],
                hint: str = "") -> list[Reply]:
        """Text with buttons, or numbered choices («1. Hoàn thành») where there are none."""
        if msg.channel.buttons:
            return self._with_choices(msg, text, rows)
        self._offer(msg, tuple(b.data for row in rows for b in row))
        return self._texts(msg.channel, numbered(text, rows, hint))

    def _offer(self, msg: Incoming, choices: tuple[str, ...]) -> None:
        """Keep the numbered choices just offered: with the dialog of the feature now handling
        the message, or else with the chat (where answers and reminders keep theirs)."""
        kinds = _HANDLING.get()
        dialog = self.dialog(msg) if kinds else None
        if dialog is not None and dialog.kind in kinds:
            assert self.dialogs is not None
            if dialog.choices != choices:
                self.dialogs.offer(msg.channel.name, msg.chat_id, msg.sender.id, choices)
        elif choices or self.chats.state(msg.channel.name, msg.chat_id).choices:
            self.chats.remember(msg.channel.name, msg.chat_id, choices=choices)

    def _run(self, handler: object, call: Callable[[], list[Reply]]) -> list[Reply]:
        """Call a feature's handler, marking whose dialogs the choices it offers belong to."""
        token = _HANDLING.set(self._kinds.get(handler, frozenset()))
        try:
            return call()
        finally:
            _HANDLING.reset(token)

    # -- the registry: what the router checks ----------------------------------------------------

    def command_rules(self) -> list[Command]:
        """Every command the core answers, with the roles and chat it is for."""
        return [*COMMANDS, *(rule for rule, _ in self._commands.values())]

    def button_rules(self) -> list[ButtonRule]:
        """Every button prefix the core answers, with the roles and chat it is for."""
        return [FEEDBACK_RULE, *(rule for rule, _ in self._buttons.values())]

    # -- commands -------------------------------------------------------------------------------

    def _command(self, msg: Incoming) -> list[Reply]:
        limited = self._limited(msg, Kind.COMMAND)
        if limited:
            return self._slow_down(msg, limited, SLOW_DOWN)
        handlers = {"start": self._start, "help": self._help, "hoi": self._ask, "hanchot": self._deadlines,
                    "tieuchi": self._criteria, "vanban": self._documents, "huy": self._cancel}
        msg = self._deep_link(msg)
        name = msg.command or ""
        if name in self._commands:
            rule, feature_handler = self._commands[name]
            member = self.member(msg)
            refused = refusal(rule, msg, member)
            if refused:
                return self._texts(msg.channel, refused)
            return self._run(feature_handler, lambda: feature_handler(msg, member))
        handler = handlers.get(name)
        if handler is None:
            return self._texts(msg.channel, UNKNOWN_COMMAND.format(name=msg.command))
        return handler(msg)

    def _deep_link(self, msg: Incoming) -> Incoming:
        """`/start <code>`, what Telegram sends for a t.me/<bot>?start=<code> link (the QR code of
        an invite on the dashboard), registers with that code as /dangky would."""
        if msg.command == "start" and msg.text.strip() and REGISTER_COMMAND in self._commands:
            return replace(msg, command=REGISTER_COMMAND)
        return msg

    def _start(self, msg: Incoming) -> list[Reply]:
        return self._texts(msg.channel, f"{GREETING}\n\n{self.help_text(msg)}")

    def _help(self, msg: Incoming) -> list[Reply]:
        return self._texts(msg.channel, self.help_text(msg))

    def help_text(self, msg: Incoming) -> str:
        """The commands this sender may use: everyone's, then those of their role."""
        member = self.member(msg) if any(f.menu for f in self.features) else None
        role = member.role.value if member else None
        extra = [c for f in self.features for c in f.menu if not c.roles or (role in c.roles)]
        return help_text(extra)

    def menu(self) -> list[Command]:
        """The commands a messenger's menu shows: everyone's and the reporters', not admins'."""
        return [*COMMANDS, *(c for f in self.features for c in f.menu
                             if not c.roles or "reporter" in c.roles)]

    def _cancel(self, msg: Incoming) -> list[Reply]:
        """Ends a dialog half-done, and the follow-up context of the questions before."""
        had_context = self._forget_context(msg)
        if self.end_dialog(msg):
            return self.texts(msg, CANCELLED)
        return self.texts(msg, FRESH_START if had_context else NOTHING_TO_CANCEL)

    def _forget_context(self, msg: Incoming) -> bool:
        """Clears the documents a follow-up would lean on; whether there were any."""
        if not self.chats.state(msg.channel.name, msg.chat_id).sources:
            return False
        self.chats.remember(msg.channel.name, msg.chat_id, sources=(), intent=None)
        return True

    def _ask(self, msg: Incoming) -> list[Reply]:
        if not msg.text.strip():
            return self._texts(msg.channel, ASK_USAGE)
        return self._question(msg, msg.text)

    # /hanchot, /tieuchi and /vanban: `bot.core.documents`.

    def _deadlines(self, msg: Incoming) -> list[Reply]:
        return self._texts(msg.channel, deadlines_reply(self.facts, msg.text, self.today()))

    def _criteria(self, msg: Incoming) -> list[Reply]:
        return self._texts(msg.channel, criteria_reply(self.facts, msg.text))

    def _documents(self, msg: Incoming) -> list[Reply]:
        return self._texts(msg.channel, documents_reply(self.facts))

    # -- questions, feedback, choices ---------------------------------------------------------

    def _question(self, msg: Incoming, text: str) -> list[Reply]:
        text = text.strip()
        if not text:
            return []
        if len(text) > MAX_QUESTION_CHARS:
            return self._texts(msg.channel, TOO_LONG.format(limit=MAX_QUESTION_CHARS))
        if fold(text).strip(" .!?…") in NEW_QUESTION:
            self._forget_context(msg)
            return self._texts(msg.channel, FRESH_START)
        limited = self._limited(msg, Kind.QUESTION)
        if limited:
            limit = self.rate_limit.per_minute[Kind.QUESTION] if self.rate_limit else 0
            return self._slow_down(msg, limited, SLOW_DOWN_QUESTIONS, limit=limit)
        with self.question_slots.taken() if self.question_slots else nullcontext(True) as free:
            if not free:  # said once a minute: a flood gets one «đang bận», not one per question
                said = self._limited(msg, Kind.BUSY)
                return [] if said is not None and not said.first else self._texts(msg.channel, BUSY)
            return self._answer(msg, text)

    def _answer(self, msg: Incoming, text: str) -> list[Reply]:
        state = self.chats.state(msg.channel.name, msg.chat_id)
        conversation = Conversation(sources=state.sources, intent=Intent(state.intent) if state.intent else None,
                                    at=state.updated_at)
        answer = self.answerer.ask(text, conversation)
        self.chats.remember(msg.channel.name, msg.chat_id, conversation.sources,
                            conversation.intent.value if conversation.intent else None)
        question_id = self.chats.log_question(msg.channel.name, msg.chat_id, msg.sender.id, text,
                                              answer.found, answer.text)
        return self._answer_replies(msg, answer, question_id)

    def _answer_replies(self, msg: Incoming, answer: Answer, question_id: int) -> list[Reply]:
        if not answer.found:
            return self._texts(msg.channel, answer.text)
        buttons = (Button("👍 Hữu ích", Feedback(True, question_id).pack()),
                   Button("👎 Chưa đúng", Feedback(False, question_id).pack()))
        return self._with_choices(msg, answer.text, (buttons,))

    def _with_choices(self, msg: Incoming, text: str, rows: tuple[tuple[Button, ...], ...]) -> list[Reply]:
        """Buttons where the channel has them; elsewhere numbered choices kept for the reply."""
        if msg.channel.buttons:
            parts = split_text(text, msg.channel.max_text)
            return [Reply(p) for p in parts[:-1]] + [Reply(parts[-1], buttons=rows)]
        self._offer(msg, tuple(b.data for row in rows for b in row))
        return self._texts(msg.channel, f"{text}\n\n{CHOICE_HINT}")

    def _numbered_choice(self, msg: Incoming, dialog: "DialogState | None") -> str | None:
        """On a channel without buttons, "1" or "2" right after choices were offered picks one:
        the open dialog's own, else the chat's."""
        number = whole_number(msg.text)
        if msg.channel.buttons or number is None:
            return None
        choices = dialog.choices if dialog is not None else self.chats.state(msg.channel.name, msg.chat_id).choices
        return choices[number - 1] if 1 <= number <= len(choices) else None

    def _button(self, msg: Incoming, data: str) -> list[Reply]:
        prefix = data.split(":", 1)[0]
        if prefix in self._buttons:
            rule, handler = self._buttons[prefix]
            member = self.member(msg)
            refused = refusal(rule, msg, member)
            if refused:
                return self._refused_button(msg, refused)
            return self._run(handler, lambda: handler(msg, member, data))
        found = _feedback(data)
        if not found:
            return [Reply(notice=EXPIRED)] if msg.channel.buttons else self._texts(msg.channel, EXPIRED)
        vote = self.chats.feedback(found.question, msg.sender.id, found.useful, channel=msg.channel.name)
        if not msg.channel.buttons and vote is not Vote.NOT_ASKER:  # the asker may still vote
            self.chats.remember(msg.channel.name, msg.chat_id, choices=())
        notice = {Vote.RECORDED: THANKS[found.useful], Vote.UNKNOWN: EXPIRED, Vote.NOT_ASKER: NOT_YOUR_ANSWER}[vote]
        return [Reply(notice=notice)] if msg.channel.buttons else self._texts(msg.channel, notice)

    def _limited(self, msg: Incoming, kind: Kind) -> Limited | None:
        if self.rate_limit is None:
            return None
        return self.rate_limit.check(f"{msg.channel.name}:{msg.sender.id}", kind, self.now())

    def _slow_down(self, msg: Incoming, limited: Limited, template: str, **values: object) -> list[Reply]:
        """The wait, said once a minute (a press is always acknowledged); silence after that,
        so a flood costs one counter update per message and no reply."""
        text = template.format(seconds=limited.seconds, **values)
        if msg.button and msg.channel.buttons:
            return [Reply(notice=text[:200])]
        return self._texts(msg.channel, text) if limited.first else []

    def _refused_button(self, msg: Incoming, text: str) -> list[Reply]:
        """The refusal as text, and as the press's short acknowledgement where there is one."""
        replies = self._texts(msg.channel, text)
        if msg.channel.buttons:
            replies[0] = Reply(replies[0].text, notice=text[:200])
        return replies

    @staticmethod
    def _texts(channel: Channel, text: str) -> list[Reply]:
        return [Reply(part) for part in split_text(text, channel.max_text)]


def help_text(extra: Iterable[Command] = ()) -> str:
    lines = ["Các lệnh:"] + [f"/{c.name} — {c.description}" for c in [*COMMANDS, *extra]]
    lines.append("Trong nhóm, hãy gọi tên tôi (@) hoặc dùng lệnh; trong tin nhắn riêng cứ gõ câu hỏi.")
    return "\n".join(lines)


def _feedback(data: str) -> Feedback | None:
    try:
        return Feedback.unpack(data)
    except CallbackDataError:
        return None
