"""Outcomes of one send, their Vietnamese reasons, and the `Sender` protocol every channel implements."""
from __future__ import annotations

from typing import Protocol

from bot.core.messages import Button

Buttons = tuple[tuple[Button, ...], ...]

# Reasons a message failed, as the delivery report names them (the messenger's own words
# follow in the row's `error` column, for operators).
BLOCKED = "chặn bot"
NEVER_STARTED = "chưa từng nhắn cho bot"
CHAT_NOT_FOUND = "không tìm thấy chat"
ACCOUNT_GONE = "tài khoản đã bị xoá"
LEFT_GROUP = "bot không còn trong nhóm"
REFUSED = "tin bị từ chối: {what}"
TOO_MANY_ATTEMPTS = "lỗi tạm thời sau {n} lần thử"
UNKNOWN_OUTCOME = "không rõ kết quả (tiến trình gửi bị dừng)"
# What a refusal was about, by words of the messenger's description.
REFUSALS = (("too long", "tin quá dài"), ("parse", "định dạng tin không hợp lệ"),
            ("button", "nút bấm không hợp lệ"), ("empty", "nội dung trống"),
            ("migrated", "nhóm đã chuyển thành siêu nhóm"), ("token", "mã bot không hợp lệ"),
            ("unauthorized", "mã bot không hợp lệ"))
REPORT_TITLES = {"announcement": "Thông báo", "reminder": "Nhắc hạn"}


# -- outcomes of one send -----------------------------------------------------------------------


class DeliveryError(Exception):
    """A send that did not go through; the subclass says what to do with the row."""


class RetryAfter(DeliveryError):
    """The messenger said "too many requests": wait `seconds`, the attempt does not count."""

    def __init__(self, seconds: float, description: str = "") -> None:
        super().__init__(description or f"retry after {seconds:g} s")
        self.seconds = max(0.0, seconds)


class Blocked(DeliveryError):
    """This account cannot receive: the person blocked the bot, never started it, or deleted
    the account. Write to it again only once it writes to the bot."""


class ChatMoved(DeliveryError):
    """The chat has a new id (a Telegram group upgraded to a supergroup): send there instead."""

    def __init__(self, new_chat_id: str, description: str = "") -> None:
        super().__init__(description or f"chat moved to {new_chat_id}")
        self.new_chat_id = new_chat_id


class ChatNotFound(DeliveryError):
    """The messenger does not know the chat."""


class TransientError(DeliveryError):
    """Network trouble or the messenger's own failure: try again later."""


class PermanentError(DeliveryError):
    """Refused for good (message too long, bad button…): the description is the reason."""


class Sender(Protocol):
    """Sends one message on one channel, raising a `DeliveryError` when it did not go through."""

    channel: str
    max_text: int

    async def send(self, chat_id: str, text: str, buttons: Buttons) -> None: ...


def failure_reason(exc: DeliveryError) -> str:
    """The Vietnamese reason the delivery report names for a send that failed for good."""
    lowered = str(exc).lower()
    if isinstance(exc, Blocked):
        if "deactivated" in lowered or "deleted" in lowered:
            return ACCOUNT_GONE
        if "can't initiate" in lowered or "cannot initiate" in lowered:
            return NEVER_STARTED
        if "kicked" in lowered or "not a member" in lowered or "removed" in lowered:
            return LEFT_GROUP
        return BLOCKED
    if isinstance(exc, ChatNotFound):
        return CHAT_NOT_FOUND
    return REFUSED.format(what=next((what for words, what in REFUSALS if words in lowered), "lý do khác"))
