"""Answers from the documents: the fact first, then the clause it comes from, then its source.

Nothing here invents: every date, list or agency in an answer is copied from a retrieved
passage (or from facts extracted from the same documents), and when the evidence is weak the
answer says the documents do not cover the question.
"""
from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from bot.config import Answers as AnswerConfig
from bot.retrieval.doc_refs import matching
from bot.facts.extract import sentence_obligations
from bot.facts.model import ListKind, Obligation
from bot.retrieval.listings import criteria_text
from bot.retrieval.listings import shorten as cut
from bot.retrieval.questions import Intent, Question, understand
from bot.retrieval.search import Passage, PassageSearch
from bot.retrieval.vietnamese import fold, nfc, sentences, syllables

if TYPE_CHECKING:
    from bot.db.facts import CriteriaEntry, FactStore

QUOTE_CHARS = 500
MIN_SENTENCE_CHARS = 25  # shorter lines ("KẾ HOẠCH", "2. Nội dung") are headings, not answers
# Folded words that carry no topic: they do not count when measuring how much of a question
# a passage covers.
_FILLER = set("""la gi nao cua the nhu co khong bao gio khi ve dau o va cac nhung thi sao duoc cho
toi minh ai nay do voi trong theo can phai hay hoi xin vui long giup biet muon noi gom ra sao
nhieu bao lau cai mot nhung viec can""".split())

_RECIPIENT = re.compile(
    r"\b(?:gửi|nộp|báo cáo|chuyển|trình)\b[^.;:]{0,120}?\b(?:về|cho|đến|tới)\s+"
    r"(?P<agency>(?:Sở|Ban|Bộ|Ủy ban|Uỷ ban|UBND|Văn phòng|Phòng|Hội đồng|Cục|Chi cục|Trung tâm|"
    r"Thường trực|Tỉnh ủy|Tỉnh uỷ|Thành ủy|Thành uỷ|Công an|Kho bạc|Cơ quan thường trực|"
    r"cơ quan thường trực|Liên đoàn|Mặt trận)[^,.;:()\n]{0,80}(?:\([^)]{0,80}\))?)")
# Any date ("20/11/2025", "ngày 20 tháng 11 năm 2025", "tháng 10/2025"): a "when" is answered.
_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\bngày\s+\d{1,2}\s+tháng\s+\d{1,2}|\btháng\s+\d{1,2}(?:/|\s+năm\s+)\d{4}",
                   re.IGNORECASE)
# A figure: a percentage or a number with a unit.
_FIGURE = re.compile(r"\d+(?:[.,]\d+)?\s*%|\b\d+(?:[.,]\d+)?\s+(?:người|đơn vị|triệu|tỷ|đồng|lần|điểm)\b")
_LIST_WORDS = {ListKind.CRITERIA: "tieu chi", ListKind.STANDARDS: "tieu chuan",
               ListKind.CONDITIONS: "dieu kien", ListKind.REWARDS: "hinh thuc khen thuong"}


@dataclass(frozen=True)
class Source:
    file: str
    doc_number: str | None
    section: str | None
    quote: str
    score: float

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "doc_number": self.doc_number, "section": self.section or None,
                "quote": self.quote, "score": round(self.score, 4)}


@dataclass
class Answer:
    question: str
    text: str
    found: bool
    sources: list[Source] = field(default_factory=list)
    latency_ms: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"question": self.question, "answer": self.text, "found": self.found,
                "sources": [s.to_json() for s in self.sources],
                "latency_ms": round(self.latency_ms, 1)}


@dataclass
class Conversation:
    """What a follow-up question may lean on: the documents the last answer came from."""

    sources: tuple[str, ...] = ()
    intent: Intent | None = None


@dataclass(frozen=True)
class _Pick:
    """The sentence an answer quotes, and the passage it is in."""

    sentence: str
    passage: Passage
    score: float


class Rewriter(Protocol):
    """Optional generation: a better-worded answer from the same passages, or None."""

    def rewrite(self, question: str, passages: list[Passage], answer: "Answer") -> str | None: ...


class Answerer:
    """Turns a question into an Answer using the passage search and the extracted facts."""

    def __init__(self, search: PassageSearch, facts: "FactStore | None" = None,
                 config: AnswerConfig | None = None, rewriter: Rewriter | None = None) -> None:
        self.search = search
        self.facts = facts
        self.config = config or AnswerConfig()
        self.rewriter = rewriter

    # -- entry point ------------------------------------------------------------------------

    def ask(self, text: str, conversation: Conversation | None = None) -> Answer:
        started = time.perf_counter()
        answer = self._answer(nfc(text).strip(), conversation)
        answer.latency_ms = 1000 * (time.perf_counter() - started)
        return answer

    def _answer(self, text: str, conversation: Conversation | None) -> Answer:
        if not text:
            return Answer(text, "Bạn hãy gõ một câu hỏi về các văn bản, ví dụ: «hạn nộp báo cáo là khi nào?».",
                          found=False)
        question = understand(text)
        sources = self._focus(question, conversation)
        if sources == []:
            return self._unknown_document(question)
        if question.intent is Intent.CRITERIA and sources:
            # A named document's criteria are in the fact table, whatever words the question uses.
            listed = self._criteria_answer(question, self._numbers_of(sources), None)
            if listed:
                return _remember(conversation, question, listed)
        if sources and not topic_terms(_without_refs(question)):
            return _remember(conversation, question, self._document_card(question, sources))
        passages = self.search.search(text, self.config.candidates, sources=sources)
        if not passages or not self._confident(question, passages, focused=bool(sources)):
            return self._not_found(question, sources)
        answer = self._compose(question, passages)
        if self.rewriter is not None:
            answer.text = self.rewriter.rewrite(text, passages, answer) or answer.text
        return _remember(conversation, question, answer)

    # -- focus and confidence ---------------------------------------------------------------

    def _focus(self, question: Question, conversation: Conversation | None) -> list[str] | None:
        """Files to search: those of the documents named, or of the last answer for a follow-up;
        None for all; [] when the question names documents the store does not hold."""
        if question.refs:
            numbers = set(matching(question.refs, self._numbers_of(self.search.sources())))
            return [s for s in self.search.sources() if self.search.metadata(s).get("doc_number") in numbers]
        if question.follow_up and conversation and conversation.sources:
            return [s for s in conversation.sources if s in self.search.sources()] or None
        return None

    def _numbers_of(self, sources: Sequence[str]) -> list[str]:
        return [n for s in sources if (n := self.search.metadata(s).get("doc_number"))]

    def _confident(self, question: Question, passages: list[Passage], focused: bool) -> bool:
        """Whether the evidence is strong enough to answer (thresholds in config.yaml `answers`,
        measured by bench/answer_quality.py). e5's cosines crowd together (unrelated Vietnamese
        texts score 0.80-0.88), so the main test is lexical: a top passage must hold a share of
        the question's syllable pairs ("khen thưởng", "báo cáo"), or be very close in meaning,
        or - in a document the question names - hold most of its topic syllables."""
        c = self.config
        if max(pair_coverage(question.text, p) for p in passages[:3]) >= c.min_pair_coverage:
            return True
        if passages[0].dense >= c.min_dense:
            return True
        return focused and coverage(question.text, passages[0]) >= c.min_focused_coverage

    # -- composition --------------------------------------------------------------------------

    def _compose(self, question: Question, passages: list[Passage]) -> Answer:
        if question.intent is Intent.CRITERIA:
            numbers = [n for n in dict.fromkeys(p.doc_number for p in passages[:3]) if n]
            listed = self._criteria_answer(question, numbers, passages[0])
            if listed:
                return listed
        pick = self._pick(question, passages)
        fact = self._fact(question, pick)
        quote = shorten(_with_items(pick), QUOTE_CHARS + 300)
        lead = fact or f"Theo {pick.passage.document_name()}:"
        text = f"{lead}\nTrích: «{quote}»\n— {pick.passage.citation()}."
        return Answer(question.text, text, found=True, sources=self._sources(pick, passages))

    def _pick(self, question: Question, passages: list[Passage]) -> _Pick:
        """The sentence that best answers: topic overlap, the intent's cue, passage rank."""
        wanted = topic_terms(question.text)
        best: _Pick | None = None
        for rank, passage in enumerate(passages):
            for sentence in passage_sentences(passage.text):
                # Topic first; the kind of answer asked for (a date, an agency) second.
                score = 2 * overlap(wanted, sentence) + _intent_bonus(question.intent, sentence, passage)
                score -= 0.1 * rank + (0.5 if len(sentence) < MIN_SENTENCE_CHARS else 0.0)
                if best is None or score > best.score:
                    best = _Pick(sentence, passage, score)
        assert best is not None  # a passage always has at least one sentence
        return best

    def _fact(self, question: Question, pick: _Pick) -> str | None:
        """The one-line fact that leads the answer, when the intent has one."""
        if question.intent is Intent.DEADLINE:
            found = sentence_obligations(pick.sentence, pick.passage.issued_date)
            if found:
                return deadline_line(found[0])
        if question.intent is Intent.RECIPIENT:
            agency = _RECIPIENT.search(pick.sentence)
            if agency:
                return f"Nơi gửi: {agency['agency'].strip()}."
        return None

    def _criteria_answer(self, question: Question, numbers: list[str], top: Passage | None) -> Answer | None:
        """The criteria (standards, conditions, reward forms) lists of the best document."""
        if self.facts is None or not numbers:
            return None
        folded = fold(question.text)
        kinds = [k for k, word in _LIST_WORDS.items() if word in folded]
        entries = [e for e in self.facts.criteria(numbers) if e.criteria.items]
        # Texts say "tiêu chí", "tiêu chuẩn" or "điều kiện" for the same thing; reward forms differ.
        family = {ListKind.REWARDS} if kinds == [ListKind.REWARDS] else set(ListKind) - {ListKind.REWARDS}
        chosen = [e for e in entries if e.criteria.kind in kinds] or \
            [e for e in entries if e.criteria.kind in family]
        if not chosen:
            return None
        number = max(dict.fromkeys(e.doc_number for e in chosen),
                     key=lambda n: (top is not None and n == top.doc_number, -numbers.index(n)))
        lists = [e for e in chosen if e.doc_number == number]
        # "tiêu chuẩn đối với cá nhân": keep the lists whose heading the question names.
        wanted = topic_terms(question.text) - set(syllables(" ".join(_LIST_WORDS.values())))
        best = max(overlap(wanted, e.criteria.heading) for e in lists)
        if best > 0:
            lists = [e for e in lists if overlap(wanted, e.criteria.heading) == best]
        return self._list_answer(question, lists)

    def _list_answer(self, question: Question, entries: list["CriteriaEntry"]) -> Answer:
        sources = [Source(e.source, e.doc_number, e.criteria.section or None,
                          shorten(f"{e.criteria.heading} {'; '.join(e.criteria.items)}"), 1.0)
                   for e in entries[:self.config.shown_sources]]
        return Answer(question.text, criteria_text(entries), found=True, sources=sources)

    def _sources(self, pick: _Pick, passages: list[Passage]) -> list[Source]:
        p = pick.passage
        out = [Source(p.source, p.doc_number, p.section, shorten(pick.sentence), p.score)]
        for other in passages:
            if len(out) >= self.config.shown_sources:
                break
            if other.chunk_id != p.chunk_id:
                out.append(Source(other.source, other.doc_number, other.section, shorten(other.text),
                                  other.score))
        return out

    def _document_card(self, question: Question, sources: list[str]) -> Answer:
        """What a named document is, and what one can ask about it."""
        lines, out = [], []
        for source in sources:
            meta = self.search.metadata(source)
            card = Passage.from_metadata("", 0.0, meta)
            title = f": «{meta['title']}»" if meta.get("title") else ""
            lines.append(f"{card.citation()}{title}.")
            out.append(Source(source, card.doc_number, None, meta.get("title") or "", 1.0))
        lines.append("Bạn có thể hỏi về văn bản này, ví dụ: «hạn nộp báo cáo là khi nào?», "
                     "«tiêu chí thi đua gồm những gì?», «báo cáo gửi về đâu?».")
        return Answer(question.text, "\n".join(lines), found=True, sources=out)

    # -- refusals -----------------------------------------------------------------------------

    def _unknown_document(self, question: Question) -> Answer:
        asked = ", ".join(ref.text for ref in question.refs)
        return Answer(question.text, f"Tôi chưa có văn bản «{asked}» trong kho văn bản đang tra cứu. "
                                     + self._known_documents(), found=False)

    def _not_found(self, question: Question, sources: Sequence[str] | None) -> Answer:
        names = [Passage.from_metadata("", 0.0, self.search.metadata(s)).document_name()
                 for s in sources or []]
        where = f"trong {', '.join(names)}" if names else "trong các văn bản tôi đang có"
        return Answer(question.text,
                      f"Tôi không tìm thấy nội dung trả lời câu hỏi này {where}, nên không đưa ra "
                      "con số hay thời hạn nào. Bạn thử hỏi cụ thể hơn (nêu số hiệu văn bản, "
                      "ví dụ «kế hoạch 0125», và điều cần biết: hạn, tiêu chí, nơi gửi). "
                      + self._known_documents(), found=False)

    def _known_documents(self, limit: int = 6) -> str:
        metas = [self.search.metadata(s) for s in self.search.sources()]
        metas.sort(key=lambda m: m.get("issued_date") or "", reverse=True)
        names = [Passage.from_metadata("", 0.0, m).document_name() for m in metas[:limit]]
        more = f" và {len(metas) - limit} văn bản khác" if len(metas) > limit else ""
        return f"Các văn bản tôi có: {', '.join(names)}{more}." if names else ""


def _remember(conversation: Conversation | None, question: Question, answer: Answer) -> Answer:
    if conversation is not None and answer.sources:
        conversation.sources = (answer.sources[0].file,)
        conversation.intent = question.intent
    return answer


def _with_items(pick: _Pick) -> str:
    """A sentence that announces a list ("… bao gồm:") quoted with the lines that follow it."""
    if not pick.sentence.rstrip().endswith(":"):
        return pick.sentence
    lines = pick.passage.text.split("\n")
    at = next((i for i, line in enumerate(lines) if pick.sentence in line), None)
    if at is None:
        return pick.sentence
    return " ".join([pick.sentence, *(line.strip() for line in lines[at + 1:at + 8])])


def _without_refs(question: Question) -> str:
    """The question without the document numbers it names ("kế hoạch 0124" -> "")."""
    text = fold(question.text)
    for ref in question.refs:
        text = text.replace(ref.text, " ")
    return text


def _intent_bonus(intent: Intent, sentence: str, passage: Passage) -> float:
    """How well a sentence has what the question asks for: a deadline, a date, an agency, a figure."""
    if intent is Intent.DEADLINE:
        if sentence_obligations(sentence, passage.issued_date):
            return 1.0
        return 0.6 if _DATE.search(sentence) else 0.0
    if intent is Intent.RECIPIENT and _RECIPIENT.search(sentence):
        return 1.0
    if intent is Intent.AMOUNT and _FIGURE.search(sentence):
        return 0.6
    return 0.0


# -- helpers ------------------------------------------------------------------------------------

def topic_terms(text: str) -> set[str]:
    return {s for s in syllables(text) if s not in _FILLER}


def overlap(wanted: set[str], sentence: str) -> float:
    """Share of the question's topic syllables that the sentence contains."""
    if not wanted:
        return 0.0
    return len(wanted & set(syllables(sentence))) / len(wanted)


def _searchable(passage: Passage) -> str:
    return f"{passage.document_name()} {passage.section} {passage.text}"


def coverage(question: str, passage: Passage) -> float:
    """Share of the question's topic syllables found in the passage (with its citation)."""
    return overlap(topic_terms(question), _searchable(passage))


def _pairs(text: str) -> set[tuple[str, str]]:
    words = syllables(text)
    return {(a, b) for a, b in zip(words, words[1:]) if not (a in _FILLER and b in _FILLER)}


def pair_coverage(question: str, passage: Passage) -> float:
    """Share of the question's adjacent syllable pairs found in the passage: a word-level match
    ("khen thưởng", not just "khen" and "thưởng" somewhere)."""
    wanted = _pairs(question)
    return len(wanted & _pairs(_searchable(passage))) / len(wanted) if wanted else 0.0


def passage_sentences(text: str) -> list[str]:
    return [s for line in text.split("\n") for s in sentences(line)] or [text]


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    return cut(text, limit)


def deadline_line(obligation: Obligation) -> str:
    """"Hạn gửi báo cáo về Sở Nội vụ: trước ngày 31/3/2026." """
    action = obligation.action.strip().rstrip(".,;:")
    head = f"Hạn {action[0].lower()}{action[1:]}" if action else "Thời hạn"
    return f"{head}: {obligation.deadline.text.strip().rstrip('.,;')}."


