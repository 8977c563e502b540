"""Conversation state in the database, on SQLite and PostgreSQL."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from bot.db.chats import ChatState, ChatStore, Vote


def test_state_is_per_chat_and_updates_keep_the_rest(db_engine) -> None:
    chats = ChatStore(db_engine)
    assert chats.state("telegram", "1") == ChatState()

    chats.remember("telegram", "1", sources=("ke-hoach-0125.md",), intent="deadline")
    chats.remember("telegram", "1", choices=("fb:1:7", "fb:0:7"))

    assert chats.state("telegram", "1") == ChatState(("ke-hoach-0125.md",), "deadline", ("fb:1:7", "fb:0:7"))
    assert chats.state("zalo", "1") == ChatState()  # same chat id, other channel
    chats.remember("telegram", "1", choices=())
    assert chats.state("telegram", "1").sources == ("ke-hoach-0125.md",)


def test_feedback_votes_and_gaps(db_engine) -> None:
    chats = ChatStore(db_engine)
    missing = [chats.log_question("zalo", "9", "u1", "Giá vàng hôm nay?", False, "Tôi không tìm thấy…")
               for _ in range(2)]
    answered = chats.log_question("telegram", "1", "u2", "hạn nộp hồ sơ?", True, "Hạn …")
    liked = chats.log_question("telegram", "1", "u2", "tiêu chí thi đua?", True, "Tiêu chí …")

    assert chats.feedback(answered, "u2", True, channel="telegram") is Vote.RECORDED
    assert chats.feedback(answered, "u2", False, channel="telegram") is Vote.RECORDED  # a second press changes it
    assert chats.feedback(liked, "u2", True, channel="telegram") is Vote.RECORDED
    # Only the asker votes: not another member of the chat, nor the same id on another messenger.
    assert chats.feedback(answered, "u3", True, channel="telegram") is Vote.NOT_ASKER
    assert chats.feedback(answered, "u2", True, channel="zalo") is Vote.NOT_ASKER
    assert chats.feedback(123456, "u2", True, channel="telegram") is Vote.UNKNOWN

    gaps = chats.gaps()
    assert [(g.question, g.asked, g.not_found, g.unhelpful) for g in gaps] == [
        ("Giá vàng hôm nay?", 2, 2, 0), ("hạn nộp hồ sơ?", 1, 0, 1)]
    assert all(g.last_asked.tzinfo is not None for g in gaps)
    assert missing


def test_a_repeated_update_is_seen_once_even_concurrently(db_engine) -> None:
    chats = ChatStore(db_engine)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: chats.seen("zalo", "msg-42"), range(16)))
    assert results.count(False) == 1  # exactly one worker handles it
    assert chats.seen("zalo", "msg-43") is False and chats.seen("telegram", "msg-42") is False
