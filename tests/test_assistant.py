"""The messenger-independent core: commands, questions, groups, splitting, feedback, choices."""
from __future__ import annotations

import pytest

from bot.core.assistant import COMMANDS, Assistant
from bot.core.replies import split_text
from bot.db.chats import ChatStore
from bot.core.messages import CONSOLE, TELEGRAM, ZALO, Channel, ChatKind, Incoming, Sender

ALICE = Sender("101", "Chị An")
BOB = Sender("202", "Anh Bình")
CAROL = Sender("303", "Chị Ba")


def msg(text: str = "", command: str | None = None, channel: Channel = TELEGRAM, chat: str = "1",
        sender: Sender = ALICE, **extra) -> Incoming:
    return Incoming(channel=channel, chat_id=chat, sender=sender, text=text, command=command, **extra)


def only_text(replies) -> str:
    return "\n".join(r.text for r in replies)


# -- commands ---------------------------------------------------------------------------------

def test_start_greets_and_lists_every_command(assistant: Assistant) -> None:
    text = only_text(assistant.handle(msg(command="start")))
    assert text.startswith("Xin chào! Tôi là Trợ lý Chỉ thị.")
    assert all(f"/{c.name} — " in text for c in COMMANDS)


def test_unknown_command_gets_a_hint(assistant: Assistant) -> None:
    (reply,) = assistant.handle(msg(command="xoa"))
    assert reply.text == "Lệnh /xoa chưa có. Gõ /help để xem các lệnh tôi hiểu."


def test_hoi_answers_and_without_a_question_shows_usage(assistant: Assistant) -> None:
    replies = assistant.handle(msg("hạn nộp hồ sơ khen thưởng theo kế hoạch 0125 là khi nào?", command="hoi"))
    assert "31/3/2026" in replies[0].text
    assert assistant.handle(msg("  ", command="hoi"))[0].text.startswith("Bạn gõ câu hỏi sau lệnh")


def test_hanchot_upcoming_by_days_and_by_document(assistant: Assistant) -> None:
    # The fixture's today is 15/01/2026.
    upcoming = only_text(assistant.handle(msg("", command="hanchot")))
    assert upcoming.startswith("Không có thời hạn nào trong 30 ngày tới (tính từ 15/01/2026)")
    ninety = only_text(assistant.handle(msg("90", command="hanchot")))
    assert "31/03/2026 — Gửi hồ sơ trình về Sở Nội vụ" in ninety
    by_doc = only_text(assistant.handle(msg("ct 09", command="hanchot")))
    assert by_doc.startswith("Các thời hạn trong Chỉ thị 09/CT-UBND:") and "31/12/2025 (đã qua)" in by_doc
    unknown = only_text(assistant.handle(msg("kh 4242", command="hanchot")))
    assert unknown.startswith("Tôi chưa có văn bản «kh 4242»")


def test_tieuchi_lists_every_kind_of_list(assistant: Assistant) -> None:
    text = only_text(assistant.handle(msg("kh 0125", command="tieuchi")))
    assert "Hình thức khen thưởng trong Kế hoạch 0125/KH-UBND:" in text
    assert "Tiêu chuẩn trong Kế hoạch 0125/KH-UBND:" in text
    assert assistant.handle(msg("", command="tieuchi"))[0].text.startswith("Bạn gõ số hiệu văn bản")


def test_vanban_lists_documents_newest_first(assistant: Assistant) -> None:
    text = only_text(assistant.handle(msg(command="vanban")))
    lines = text.split("\n")
    assert lines[0] == "Tôi đang có 6 văn bản (mới nhất trước):"
    assert lines[1].startswith("1. Kế hoạch 982/KH-UBND, ngày 19/11/2025")
    assert lines[-1].startswith("6. Chỉ thị 17/CT-BTTTT, ngày 11/10/2018")


# -- questions, groups, feedback ---------------------------------------------------------------

def test_private_text_is_a_question_with_feedback_buttons(assistant: Assistant) -> None:
    (reply,) = assistant.handle(msg("kh 0125 gửi hồ sơ về đâu", chat="q1"))
    assert reply.text.startswith("Nơi gửi: Sở Nội vụ")
    labels = [b.label for row in reply.buttons for b in row]
    assert labels == ["👍 Hữu ích", "👎 Chưa đúng"]


def test_not_found_has_no_buttons_and_is_listed_as_a_gap(assistant: Assistant) -> None:
    (reply,) = assistant.handle(msg("giá vàng hôm nay bao nhiêu", chat="q2"))
    assert reply.text.startswith("Tôi không tìm thấy") and not reply.buttons
    assert any(g.question == "giá vàng hôm nay bao nhiêu" and g.not_found for g in assistant.chats.gaps())


def test_group_messages_need_a_mention_or_a_command(assistant: Assistant) -> None:
    group = dict(chat="g1", chat_kind=ChatKind.GROUP)
    assert assistant.handle(msg("hôm nay ăn gì", **group)) == []
    assert assistant.handle(msg("kh 0125 gửi hồ sơ về đâu", mentioned=True, **group))[0].text.startswith("Nơi gửi")
    assert assistant.handle(msg("kh 0125 gửi hồ sơ về đâu", command="hoi", **group))[0].text.startswith("Nơi gửi")


def test_feedback_button_is_recorded_and_acknowledged(assistant: Assistant) -> None:
    (answer,) = assistant.handle(msg("kh 0125 gửi hồ sơ về đâu", chat="q3"))
    down = answer.buttons[0][1].data

    (ack,) = assistant.handle(msg(button=down, chat="q3"))

    assert ack.notice.startswith("Cảm ơn bạn!") and not ack.text
    assert any(g.question == "kh 0125 gửi hồ sơ về đâu" and g.unhelpful for g in assistant.chats.gaps())
    assert assistant.handle(msg(button="fb:1:999999", chat="q3"))[0].notice == "Lựa chọn này không còn hiệu lực."


def test_only_the_asker_votes_on_an_answer(assistant: Assistant) -> None:
    group = dict(chat="g-fb", chat_kind=ChatKind.GROUP)
    (answer,) = assistant.handle(msg("hạn báo cáo chỉ thị 17?", mentioned=True, **group))
    down = answer.buttons[0][1].data

    (refused,) = assistant.handle(msg(button=down, sender=BOB, **group))

    assert refused.notice == "Chỉ người đặt câu hỏi mới đánh giá được câu trả lời này."
    assert not any(g.question == "hạn báo cáo chỉ thị 17?" for g in assistant.chats.gaps())
    assert assistant.handle(msg(button=down, **group))[0].notice.startswith("Cảm ơn bạn!")
    assert any(g.question == "hạn báo cáo chỉ thị 17?" and g.unhelpful for g in assistant.chats.gaps())


def test_follow_up_state_survives_a_new_core_on_the_same_database(assistant: Assistant) -> None:
    assistant.handle(msg("hạn nộp hồ sơ khen thưởng theo kế hoạch 0125 là khi nào?", chat="q4"))
    # A second worker (or a restart): same database, fresh object.
    other = Assistant(assistant.answerer, assistant.facts, ChatStore(assistant.chats.engine))
    text = other.handle(msg("còn tiêu chí thì sao?", chat="q4"))[0].text
    assert "Kế hoạch 0125/KH-UBND" in text


@pytest.mark.parametrize("clear", [msg(command="huy", chat="q5"), msg("Câu hỏi mới", chat="q5"),
                                   msg("cau hoi moi", chat="q5")])
def test_huy_or_cau_hoi_moi_ends_the_follow_up_context(assistant: Assistant, clear: Incoming) -> None:
    assistant.handle(msg("hạn nộp hồ sơ khen thưởng theo kế hoạch 0125 là khi nào?", chat="q5"))
    (reply,) = assistant.handle(clear)
    assert reply.text == "Đã bỏ ngữ cảnh câu hỏi trước: câu hỏi tiếp theo sẽ được tìm trong mọi văn bản."
    assert "Kế hoạch 0125/KH-UBND" not in assistant.handle(msg("còn tiêu chí thì sao?", chat="q5"))[0].text
    # Nothing left to clear: /huy says so.
    assistant.handle(msg(command="huy", chat="q5"))
    assert assistant.handle(msg(command="huy", chat="q5"))[0].text == "Không có thao tác nào đang làm dở."


def test_numbered_choices_where_there_are_no_buttons(assistant: Assistant) -> None:
    replies = assistant.handle(msg("kh 0125 gửi hồ sơ về đâu", channel=ZALO, chat="z1"))
    assert replies[-1].text.endswith("Trả lời «1» nếu câu trả lời hữu ích, «2» nếu chưa đúng.")
    assert not any(r.buttons for r in replies)

    (ack,) = assistant.handle(msg("2", channel=ZALO, chat="z1"))

    assert ack.text == "Cảm ơn bạn! Câu hỏi này sẽ được chuyển để bổ sung tài liệu."
    # The choice is used up: "2" again is a question, not a vote.
    assert "Cảm ơn" not in assistant.handle(msg("2", channel=ZALO, chat="z1"))[0].text


@pytest.mark.parametrize("typed", ["²", "①", "1" * 5000])
def test_numbers_typed_in_chat_are_decimal_digits_only(assistant: Assistant, typed: str) -> None:
    """«²».isdigit() is true but int(«²») fails; 5000 digits are too many for int(): neither may
    break a command or a numbered choice (CAROL: ALICE's commands count against her limit)."""
    assert "Tôi chưa có văn bản" in only_text(assistant.handle(msg(typed, command="hanchot", chat="n1", sender=CAROL)))
    assistant.handle(msg("kh 0125 gửi hồ sơ về đâu", channel=ZALO, chat="n2", sender=CAROL))
    after = only_text(assistant.handle(msg(typed, channel=ZALO, chat="n2", sender=CAROL)))
    assert after and "Cảm ơn" not in after  # a question (or too long), not a vote
    assert assistant.handle(msg("٣", command="hanchot", chat="n1", sender=CAROL))[0].text == \
        only_text(assistant.handle(msg("3", command="hanchot", chat="n1", sender=CAROL)))  # other decimal digits are digits


def test_over_long_question_is_refused_politely(assistant: Assistant) -> None:
    (reply,) = assistant.handle(msg("hạn nộp " * 400))
    assert reply.text.startswith("Câu hỏi dài quá 1000 ký tự")


@pytest.mark.parametrize("channel", [TELEGRAM, ZALO])
def test_long_lists_are_split_within_the_channel_limit(assistant: Assistant, channel: Channel) -> None:
    replies = assistant.handle(msg("kh 0125", command="tieuchi", channel=channel, chat="long"))
    assert all(0 < len(r.text) <= channel.max_text for r in replies)
    assert len(replies) >= (2 if channel is ZALO else 1)
    citations = [line for r in replies for line in r.text.split("\n") if line.startswith("— ")]
    assert citations and all(line.endswith(".") for line in citations)  # never cut


# -- splitting ----------------------------------------------------------------------------------

def test_split_text_keeps_paragraphs_sentences_and_citations_whole() -> None:
    citation = "— Kế hoạch 0125/KH-UBND, Ủy ban nhân dân tỉnh Đắk Lắk, ngày 18/11/2025, mục V. > 2."
    body = " ".join(f"Câu số {i} nói về thời hạn nộp hồ sơ khen thưởng." for i in range(40))
    parts = split_text(f"Hạn: trước ngày 31/3/2026.\n{body}\n{citation}", 300)
    assert all(len(p) <= 300 for p in parts)
    assert citation in parts[-1].split("\n")
    assert all(p.rstrip().endswith(".") for p in parts)  # cut between sentences
    assert " ".join(" ".join(p.split("\n")) for p in parts).count("Câu số") == 40  # nothing lost


def test_split_text_short_and_word_level() -> None:
    assert split_text("ngắn", 4096) == ["ngắn"]
    parts = split_text("a" * 50 + " " + "b" * 30, 40)
    assert all(len(p) <= 40 for p in parts) and "".join(parts).replace(" ", "") == "a" * 50 + "b" * 30
    assert CONSOLE.max_text > 10_000
