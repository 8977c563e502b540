"""Optional generation: a chat model rewrites the extractive answer from the retrieved passages.

The extractive answer stays the one of record: the rewrite is used only when it keeps the
document number it cites and adds no date or figure the passages do not hold; an error, a
timeout or an empty reply falls back to the extractive text.
"""
from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING

from bot.config import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from bot.answers import Answer
    from bot.search import Passage

log = logging.getLogger(__name__)
PASSAGES_SHOWN = 4
SYSTEM = (
    "Bạn là Trợ lý Chỉ thị, trả lời cán bộ về các văn bản chỉ đạo. Chỉ dùng các đoạn văn bản được cung "
    "cấp. Trả lời bằng tiếng Việt, ngắn gọn: nêu sự việc trước (thời hạn, tiêu chí, nơi gửi), rồi trích "
    "nguyên văn điều khoản trong «», rồi dẫn nguồn (số hiệu văn bản, mục). Không thêm ngày tháng hay con "
    "số nào không có trong các đoạn. Nếu các đoạn không nói, hãy nói rõ là văn bản không nêu.")
HUMAN = ("Câu hỏi: {question}\n\nCâu trả lời trích xuất (đúng, giữ nguyên dữ kiện và nguồn):\n{answer}\n\n"
         "Các đoạn văn bản:\n{passages}\n\nViết lại câu trả lời cho dễ đọc.")
# Dates and figures whose every occurrence in a rewrite must be backed by the passages.
_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b|\bngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})",
                   re.IGNORECASE)
_FIGURE = re.compile(r"\b\d+(?:[.,]\d+)?\s*%|\b\d+(?:[.,]\d+)?\s+(?:ngày|tháng|năm|người|triệu|tỷ|đồng)\b")
_EXECUTOR = ThreadPoolExecutor(max_workers=4, thread_name_prefix="llm")


class LlmRewriter:
    """Rewrites found answers with a LangChain chat model, within a time limit."""

    def __init__(self, model: "BaseChatModel", timeout_s: float) -> None:
        from langchain_core.prompts import ChatPromptTemplate

        self.model = model
        self.timeout_s = timeout_s
        self.prompt = ChatPromptTemplate.from_messages([("system", SYSTEM), ("human", HUMAN)])

    def rewrite(self, question: str, passages: list["Passage"], answer: "Answer") -> str | None:
        if not answer.found:
            return None
        shown = passages[:PASSAGES_SHOWN]
        messages = self.prompt.format_messages(
            question=question, answer=answer.text,
            passages="\n\n".join(f"[{i}] {p.citation()}\n{p.text}" for i, p in enumerate(shown, 1)))
        future = _EXECUTOR.submit(self.model.invoke, messages)
        try:
            reply = future.result(timeout=self.timeout_s)
        except FutureTimeout:
            future.cancel()
            log.warning("LLM rewrite timed out after %.1f s; extractive answer used", self.timeout_s)
            return None
        except Exception as exc:  # any endpoint failure: the extractive answer stands
            log.warning("LLM rewrite failed (%s); extractive answer used", type(exc).__name__)
            return None
        text = str(getattr(reply, "content", "") or "").strip()
        backing = answer.text + "\n" + "\n".join(p.text for p in shown)
        problem = _problem(text, answer, backing)
        if problem:
            log.warning("LLM rewrite rejected: %s; extractive answer used", problem)
            return None
        return text


def _problem(text: str, answer: "Answer", backing: str) -> str | None:
    if not text:
        return "empty reply"
    if len(text) > 4 * len(answer.text) + 1500:
        return "reply too long"
    number = answer.sources[0].doc_number if answer.sources else None
    if number and number not in text:
        return "citation dropped"
    if not _dates(text) <= _dates(backing):
        return "a date not in the passages"
    if not _figures(text) <= _figures(backing):
        return "a figure not in the passages"
    return None


def _dates(text: str) -> set[tuple[int, ...]]:
    return {tuple(int(g) for g in m.groups() if g) for m in _DATE.finditer(text)}


def _figures(text: str) -> set[str]:
    return {re.sub(r"\s+", " ", m.group(0)).replace(",", ".") for m in _FIGURE.finditer(text)}


def rewriter_from_settings(settings: Settings, environ: Mapping[str, str] = os.environ) -> LlmRewriter | None:
    """An OpenAI-compatible endpoint when `llm.base_url` and `llm.model` are set; else None."""
    llm = settings.llm
    if not llm.enabled:
        return None
    from langchain_openai import ChatOpenAI

    # A local server often needs no key; the client requires one, so a placeholder stands in.
    model = ChatOpenAI(base_url=llm.base_url, model=llm.model, api_key=environ.get("LLM_API_KEY") or "not-needed",
                       timeout=llm.timeout_s, max_retries=0, temperature=llm.temperature)
    return LlmRewriter(model, llm.timeout_s)
