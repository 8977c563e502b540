"""Optional LLM rewriting with LangChain's fake chat models: used when sound, else the extractive answer."""
from __future__ import annotations

import time
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from bot.answers import Answerer
from bot.assistant import Assistant
from bot.config import load_settings
from bot.generation import LlmRewriter, rewriter_from_settings

QUESTION = "hạn nộp hồ sơ khen thưởng theo kế hoạch 0125 là khi nào?"


class RecordingModel(FakeListChatModel):
    """Answers from a list and keeps the messages it was given."""

    seen: list[Any] = []

    def invoke(self, messages, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        self.seen.append(messages)
        return super().invoke(messages, *args, **kwargs)


class FailingModel(FakeListChatModel):
    def invoke(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        raise ConnectionError("endpoint down")


class SlowModel(FakeListChatModel):
    def invoke(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        time.sleep(3)
        return super().invoke(*args, **kwargs)


def answerer_with(assistant: Assistant, model, timeout_s: float = 2.0) -> Answerer:  # type: ignore[no-untyped-def]
    base = assistant.answerer
    return Answerer(base.search, base.facts, base.config, rewriter=LlmRewriter(model, timeout_s))


GOOD = ("Hồ sơ đề nghị khen thưởng phải gửi về Sở Nội vụ trước ngày 31/3/2026 "
        "(Kế hoạch 0125/KH-UBND, mục V.2).")


def test_a_sound_rewrite_is_used_and_sees_the_passages(assistant: Assistant) -> None:
    model = RecordingModel(responses=[GOOD], seen=[])
    answer = answerer_with(assistant, model).ask(QUESTION)
    assert answer.text == GOOD and answer.found
    prompt = "\n".join(m.content for m in model.seen[0])
    assert QUESTION in prompt and "Kế hoạch 0125/KH-UBND" in prompt and "31/3/2026" in prompt


@pytest.mark.parametrize("reply", [
    "Hạn nộp là trước ngày 15/4/2026 (Kế hoạch 0125/KH-UBND).",  # a date not in the passages
    "Hạn nộp là trước ngày 31/3/2026.",                            # the citation dropped
    "",                                                            # nothing
])
def test_an_unsound_rewrite_falls_back_to_the_extractive_answer(assistant: Assistant, reply: str) -> None:
    extractive = assistant.answerer.ask(QUESTION).text
    assert answerer_with(assistant, FakeListChatModel(responses=[reply])).ask(QUESTION).text == extractive


def test_a_failing_endpoint_falls_back(assistant: Assistant) -> None:
    extractive = assistant.answerer.ask(QUESTION).text
    assert answerer_with(assistant, FailingModel(responses=["x"])).ask(QUESTION).text == extractive


def test_a_slow_endpoint_is_not_waited_for(assistant: Assistant) -> None:
    extractive = assistant.answerer.ask(QUESTION).text
    started = time.perf_counter()
    answer = answerer_with(assistant, SlowModel(responses=[GOOD]), timeout_s=0.3).ask(QUESTION)
    assert answer.text == extractive
    assert time.perf_counter() - started < 2.0  # the model would take 3 s


def test_not_found_answers_never_reach_the_model(assistant: Assistant) -> None:
    model = RecordingModel(responses=[GOOD], seen=[])
    answer = answerer_with(assistant, model).ask("giá vàng hôm nay bao nhiêu")
    assert not answer.found and model.seen == []


def test_rewriter_from_settings() -> None:
    assert rewriter_from_settings(load_settings(environ={})) is None
    settings = load_settings(environ={}, llm__base_url="http://127.0.0.1:9/v1", llm__model="qwen", llm__timeout_s=5)
    rewriter = rewriter_from_settings(settings, environ={"LLM_API_KEY": "sk-secret-123"})
    assert rewriter is not None and rewriter.timeout_s == 5
    assert str(rewriter.model.openai_api_base) == "http://127.0.0.1:9/v1" and rewriter.model.model_name == "qwen"
    assert rewriter.model.openai_api_key.get_secret_value() == "sk-secret-123"
    assert "sk-secret-123" not in repr(rewriter.model)
