"""Answers from the documents: the fact first, then the clause it comes from, then its source.

Nothing here invents: every date, list or agency in an answer is copied from a retrieved
passage (or from facts extracted from the same documents), and when the evidence is weak the
answer says the documents do not cover the question.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from bot.config import Answers as AnswerConfig
from bot.facts.extract import sentence_obligations
from bot.facts.model import ListKind, Obligation
from bot.retrieval.asked_units import UnitSentences
from bot.retrieval.doc_refs import DocRef, cited_numbers, matching
from bot.retrieval.evidence import (FILLER, Pick, SentenceScorer, asks_through, cue_at, excerpt, goods_code, overlap,
                                    pairs, passage_sentences, recipient, table_caption, table_cells, table_header,
                                    takes_effect, topic_terms, without_refs)
from bot.retrieval.issuers import display, places, without_places
from bot.retrieval.listings import criteria_text
from bot.retrieval.listings import shorten as cut
from bot.retrieval.questions import CODE_ASKING, Intent, Question, described, named_title, own_topic, understand
from bot.retrieval.scope import IMPLEMENTING, Focus, Scopes, lacks_licensed, lacks_own_figure, of_another_unit
from bot.retrieval.search import Passage, PassageSearch
from bot.retrieval.vietnamese import fold, nfc, spelled_out_chat, syllables

if TYPE_CHECKING:
    from bot.db.facts import CriteriaEntry, FactStore

QUOTE_CHARS = 500
# A named document is read whole when it has at most this many passages.
FOCUS_MAX_PASSAGES = 120
# How much more of the question's word pairs another issuer's best passage must hold than the asked
# place's for the topic to be that issuer's alone (tuning half of bench/data/qa_dev*).
ELSEWHERE_MARGIN = 0.25
# The last answer's document answers a question that stands alone when it covers at least this
# share of what the best of the whole store covers (tuning half of the follow-up pairs).
MERIT_SHARE = 0.75
# A document is the one a question names by its title («Quy chế … của tỉnh X: …») when its title
# and opening hold at least this share of the title's word pairs (tuning half: the documents
# named 0.5 and above, the others 0.33 and below).
TITLE_SHARE = 0.4
TITLE_HEAD_CHARS = 1500
# Words of a place's name: the place decides the scope, not which of its documents is named.
_PLACE_WORDS = {"tinh", "thanh", "pho", "tp"}
_TAG_QUESTION = re.compile(r"\b(?:la )?(?:dung hay sai|dung hay khong|dung khong|phai khong|co dung khong|"
                           r"la dung|la sai)\b")
# How a question asks from when a text applies, in words every text's last article holds: none says
# which text is meant.
EFFECT_ASKING = re.compile(r"\b(?:co hieu luc|hieu luc|ap dung|thi hanh|ban hanh|tu ngay nao|ngay nao|khi nao|"
                           r"tu khi nao|bao gio)\b")
# «Bãi bỏ Quyết định số 636/QĐ-UBND …» (the number to look for replaced by a NUL): the text repeals it.
_VOIDS = re.compile(r"\b(bai bo|thay the)\b[^.;\0]{0,120}\0")
_VOID_ROLES = {"bai bo": "bãi bỏ", "thay the": "thay thế"}
# «Thông báo về kết quả xác định trước mã số»: a customs notice about one goods.
_ONE_GOODS = re.compile(r"\bket qua xac dinh truoc ma so\b")
_TRADE_NAME = re.compile(r"Tên\s+thương\s+mại\s*:\s*([^\n|]{2,120})", re.IGNORECASE)
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
    """What a follow-up question may lean on: the documents the last answer came from, and when."""

    sources: tuple[str, ...] = ()
    intent: Intent | None = None
    at: datetime | None = None

    def recent(self, minutes: float) -> bool:
        """Whether the last answer is recent enough for a follow-up to lean on."""
        if not self.sources:
            return False
        if self.at is None:
            return True
        at = self.at if self.at.tzinfo else self.at.replace(tzinfo=UTC)
        return datetime.now(UTC) - at <= timedelta(minutes=minutes)


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
        self.scopes = Scopes(search)

    def prepare(self) -> "Answerer":
        """Build what questions consult across the whole store (the numbers each document
        cites, the places each answers for) now, so the first question does not wait for it."""
        self.scopes.prepare()
        return self

    # -- entry point ------------------------------------------------------------------------

    def ask(self, text: str, conversation: Conversation | None = None) -> Answer:
        started = time.perf_counter()
        typed = nfc(text).strip()
        answer = self._answer(spelled_out_chat(typed), conversation)
        answer.question = typed  # the shorthand is spelled out for reading only
        answer.latency_ms = 1000 * (time.perf_counter() - started)
        return answer

    def _answer(self, text: str, conversation: Conversation | None) -> Answer:
        if not text:
            return Answer(text, "Bạn hãy gõ một câu hỏi về các văn bản, ví dụ: «hạn nộp báo cáo là khi nào?».",
                          found=False)
        question = understand(text)
        recent = conversation is not None and conversation.recent(self.config.followup_minutes)
        focus = self.scopes.named(question, conversation.sources if recent and conversation else ())
        if focus.sources == []:
            return self._unknown_document(question)
        unheard = self.scopes.unheard(question)
        if unheard:
            return self._unheard(question, unheard)
        wider = focus
        focus, asked = self.scopes.by_place(question, focus)
        sources = focus.sources
        if question.intent is Intent.CRITERIA and focus.named and sources:
            # A named document's criteria are in the fact table, whatever words the question uses.
            listed = self._criteria_answer(question, self.scopes.numbers_of(sources), None)
            if listed:
                if focus.cited:
                    listed.text = self._implementing(listed.sources[0].file, focus.cited) + "\n" + listed.text
                return _remember(conversation, question, listed)
        if focus.named and not focus.cited and not topic_terms(without_refs(question)):
            return _remember(conversation, question, self._document_card(question, sources))
        passages = self.search.search(text, self.config.candidates, sources=sources) if sources != [] else []
        if focus.sources is None and not asked:
            focus, passages = self._on_merit(question, conversation, focus, passages)
            sources = focus.sources
        # A follow-up with words of its own («còn tỷ lệ chi trả thì sao?») must match them there.
        strict = focus.followed and bool(own_topic(question.text))
        if focus.followed and not (passages and self._confident(question, passages, focused=not strict)):
            # Nothing in the last answer's document: the whole store, saying where it answers from.
            elsewhere = self._answer(text, None)
            if elsewhere.found and elsewhere.sources:
                elsewhere.text = self._moved_on(sources or [], elsewhere) + elsewhere.text
                return _remember(conversation, question, elsewhere)
        # The place asked decides where to look, so its name is no evidence that a document of
        # that place answers («Điều lệ Quỹ … tỉnh Nghệ An» against any Nghệ An decision).
        judged = replace(question, text=without_places(question.text)) if asked else question
        # Plans that cite a document answer only what they say themselves: no named-document leniency.
        lenient = focus.named and not focus.cited
        if not passages or not self._confident(judged, passages, focused=lenient):
            if asked and self._answerable(question, wider):
                return self._other_issuer(question, asked)  # another issuer's document would answer
            return self._not_found(question, sources if focus.named else None)
        mismatch = self.scopes.mismatch(question, passages[0])
        if mismatch:
            # the issuer asked may still hold a lesser candidate that answers («Bộ Văn hóa, Thể thao và Du lịch công
            # bố thủ tục …» ranked below another body's decision on the same procedures)
            own = self._confident_among(judged, passages, lambda p: self.scopes.issued_by_asked(question, p), lenient)
            if not own:
                return self._other_issuer(question, mismatch)
            passages = own
        if asked and not focus.named and self._better_elsewhere(judged, passages, wider):
            return self._other_issuer(question, asked)
        answer = self._compose(question, passages, focus)
        if answer is None:
            return self._not_found(question, None)
        unnamed = self.scopes.unmentioned_units(question, answer.sources[0].file) if answer.sources else []
        if unnamed:
            return self._not_about(question, answer.sources[0].file, unnamed)
        first = answer.sources[0] if answer.sources else None
        question_words = _asked(without_refs(question))
        # A sum or a span asked is stated by the quote or not at all, in a document named by its number too.
        if first is not None and lacks_own_figure(question_words, first.quote):
            return self._not_found(question, None)
        if asked and focus.cited and first is not None and not self._speaks_for(first, asked):
            # a central text that cites the document asked answers for no place it does not name: a place's
            # plan carrying out «Nghị quyết 57-NQ/TW» is not the Government Office's notice citing it
            return self._other_issuer(question, asked)
        named_places = places(question.text) if focus.named and not focus.cited and not focus.by_name else set()
        if named_places and first is not None and not self._speaks_for(first, named_places):
            # a central text named by its number answers for a place only where it names it: the mine of Lào Cai
            # in «Quyết định 2581/QĐ-TTg … mỏ nào của Bình Phước?» is no answer for Bình Phước
            return self._not_for_place(question, first.file, named_places)
        quoted = first if first is not None and (not focus.named or focus.by_name) else None
        if quoted is not None:
            # The sentence quoted must answer, not just sit in a passage that matched.
            if asked and not self._speaks_for(quoted, asked):
                # a central text's line for no place in particular: the place's own texts may answer
                local = self._confident_among(judged, passages, lambda p: self.scopes.is_of(p.source, asked), lenient)
                answer = self._compose(question, local, focus) if local else None
                if answer is None or not answer.sources or lacks_own_figure(question_words, answer.sources[0].quote):
                    return self._other_issuer(question, asked)
                quoted = answer.sources[0]
            what = without_places(question_words)
            said = quoted.quote
            if question.intent is Intent.CODE or question.intent is Intent.EFFECTIVE and takes_effect(said) \
                    or self._one_goods(quoted.file) or focus.by_name:
                # A customs notice settles one goods' code, in a line that names no goods: they
                # are what the rest of the notice describes (its screen size, its DHA, as much as
                # its code); so does «Quyết định này có hiệu lực kể từ ngày …» speak for the whole text,
                # and a letter about the one firm the question names for that firm's case.
                said = " ".join(p.text for p in self.search.document_passages(quoted.file))
                asking = CODE_ASKING if question.intent is Intent.CODE else EFFECT_ASKING
                what = asking.sub(" ", what)
            if self.scopes.unsupported(what, quoted.file, quoted.section, said):
                return self._not_found(question, None)
        # a licence's, a trade's or a profession's line is about that one (the date a text takes effect about all)
        last = quoted or first
        if last is not None and question.intent is not Intent.EFFECTIVE \
                and lacks_licensed(question_words, f"{last.section} {last.quote}"):
            return self._not_found(question, None)
        if self.rewriter is not None:
            answer.text = self.rewriter.rewrite(text, passages, answer) or answer.text
        return _remember(conversation, question, answer)

    # -- focus and confidence ---------------------------------------------------------------

    def _on_merit(self, question: Question, conversation: Conversation | None, focus: Focus,
                  passages: list[Passage]) -> tuple[Focus, list[Passage]]:
        """A question that stands alone may still be about the last answer's document: that
        document answers when it covers the question's word pairs nearly as well as the best of
        the whole store («bao lâu phải đổi mật khẩu một lần» after a question on one quy chế)."""
        if conversation is None or not conversation.recent(self.config.followup_minutes):
            return focus, passages
        held = [s for s in conversation.sources if s in self.search.sources()]
        previous = self.search.search(question.text, self.config.candidates, sources=held) if held else []
        if not previous or not self._confident(question, previous, focused=False):
            return focus, passages
        if _best_pairs(question, previous) >= MERIT_SHARE * _best_pairs(question, passages):
            return Focus(held, named=True, followed=True), previous
        return focus, passages

    def _speaks_for(self, quoted: Source, asked: set[str]) -> bool:
        return self.scopes.speaks_for(quoted.file, quoted.section, asked, quoted.quote)

    def _better_elsewhere(self, judged: Question, passages: list[Passage], wider: Focus) -> bool:
        """Whether another issuer's documents answer the question far better than the asked place's
        best: the place's documents then hold only its words («Đắk Lắk … bầu cử» in a plan on
        something else of the same election), and the topic is another issuer's."""
        here = _best_pairs(judged, passages)
        own = {p.source for p in passages}
        found = self.search.search(judged.text, self.config.candidates, sources=wider.sources)
        there = _best_pairs(judged, [p for p in found if p.source not in own])
        return there - here >= ELSEWHERE_MARGIN

    def _answerable(self, question: Question, focus: Focus) -> bool:
        """Whether the documents outside the asked place would answer the question."""
        unplaced = replace(question, text=without_places(question.text))
        passages = self.search.search(unplaced.text, self.config.candidates, sources=focus.sources)
        return bool(passages) and self._confident(unplaced, passages, focused=focus.named)

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

    def _confident_among(self, question: Question, passages: list[Passage], keep: Callable[[Passage], bool],
                         focused: bool) -> list[Passage]:
        """The passages `keep` accepts, where they alone are strong enough to answer; else none."""
        kept = [p for p in passages if keep(p)]
        return kept if kept and self._confident(question, kept, focused=focused) else []

    # -- composition --------------------------------------------------------------------------

    def _compose(self, question: Question, passages: list[Passage], focus: Focus) -> Answer | None:
        if question.intent is Intent.CRITERIA:
            numbers = [n for n in dict.fromkeys(p.doc_number for p in passages[:3]) if n]
            listed = self._criteria_answer(question, numbers, passages[0])
            if listed:
                return listed
        scorer, pick = self._pick(question, passages, focus)
        if question.intent is Intent.DEADLINE and scorer.units is not None \
                and scorer.units.others(pick.sentence, pick.passage.source):
            return None  # the unit asked has no such task: another's date is no answer for it
        if of_another_unit(question, f"{pick.heading} {pick.quoted}", pick.passage.section):
            return None  # another department's or ministry's rule is no answer for the one asked
        if focus.cited and not scorer.supports(pick, self._title_citing(pick.passage.source, focus.cited)):
            return None  # the plans citing the document do not say what is asked of it
        if not focus.named and not self._is_named(question, pick.passage.source):
            return None  # the question names a document by title, and this is another one
        fact = self._fact(question, pick, scorer.wanted)
        quoted = _with_items(pick)
        quote = excerpt(quoted, QUOTE_CHARS + 300, cue_at(question.intent, quoted, scorer.wanted, scorer.unit))
        lead = fact or f"Theo {pick.passage.document_name()}:"
        if focus.cited:
            lead = f"{self._implementing(pick.passage.source, focus.cited)}\n{lead}"
        text = f"{lead}\nTrích: «{quote}»\n— {pick.passage.citation()}."
        return Answer(question.text, text, found=True, sources=self._sources(pick, passages, scorer))

    def _is_named(self, question: Question, source: str) -> bool:
        """Whether the document could be the one the question names by title: its title and
        opening hold the title's word pairs («Quy tắc ứng xử của công chức hải quan» is not the
        Cục Thuế's «Quy tắc ứng xử với người nộp thuế»). True when no title is named."""
        title = named_title(question)
        wanted = title_pairs(title) if title else set()
        if len(wanted) < 2:
            return True
        meta = self.search.metadata(source)
        head = fold(" ".join([meta.get("title") or "", meta.get("issuer") or ""]
                             + [p.text for p in self.search.document_passages(source)]))[:TITLE_HEAD_CHARS]
        return len(wanted & pairs(head)) / len(wanted) >= TITLE_SHARE

    def _one_goods(self, source: str) -> bool:
        """Whether the document is a notice about one goods' code (every line of it is about them)."""
        return bool(_ONE_GOODS.search(fold(self.search.metadata(source).get("title") or "")))

    def _goods_name(self, source: str) -> str:
        """The trade name a customs notice gives its goods («Tên thương mại: Samsung Smart Tag 2»), with its issuer."""
        named = (_TRADE_NAME.search(p.text) for p in self.search.document_passages(source))
        found = next((m.group(1) for m in named if m), "")
        return f"{found} {self.search.metadata(source).get('issuer') or ''}"

    def _title_citing(self, source: str, cited: Sequence[DocRef]) -> str:
        """The document's title when it names the number asked: a text that repeals, amends or carries out
        the one asked («Thông tư 111/2025/TT-BTC bãi bỏ Thông tư 73/2017/TT-BTC về ngân sách hỗ trợ …») says
        in its title what that one is about, and each of its lines is about it."""
        title = self.search.metadata(source).get("title") or ""
        return title if matching(cited, cited_numbers(title)) else ""

    def _implementing(self, source: str, cited: Sequence[DocRef]) -> str:
        """«Tôi chưa có văn bản 57-NQ/TW; trả lời theo Kế hoạch 12/KH-UBND của …, văn bản triển
        khai 57-NQ/TW:» — the store holds the plan, not the document it implements."""
        whole = self.search.document_passages(source)
        text = " ".join(p.text for p in whole)
        named = matching(cited, cited_numbers(text))
        what = named[0] if named else cited[0].text
        issuer = f" của {whole[0].issuer}" if whole and whole[0].issuer else ""
        # A plan carries the document out; a letter answering a firm only cites it; a decision may repeal it.
        meta = self.search.metadata(source)
        plan = IMPLEMENTING.search(fold(f"{meta.get('doc_type') or ''} {meta.get('title') or ''}"))
        voids = _VOIDS.search(fold(text).replace(fold(what), "\0"))
        role = _VOID_ROLES[voids.group(1)] if voids else "triển khai" if plan else "có dẫn chiếu"
        return f"Tôi chưa có văn bản {what}; trả lời theo {self._name(source)}{issuer}, văn bản {role} {what}:"

    def _pick(self, question: Question, passages: list[Passage], focus: Focus) -> tuple[SentenceScorer, Pick]:
        """The sentence that best answers, among the retrieved passages and - for a named
        document - every passage of that document."""
        top = passages[0].score or 1.0
        candidates: list[tuple[Passage, float]] = [(p, max(p.score, 0.0) / top) for p in passages]
        # «Quyết định 2284 … công nhận xã, phường miền núi: sở nào chủ trì?» — the words that name the
        # document by its title say which document, as its own title does, not which sentence.
        titles: list[str] = [passages[0].title or "", named_title(question) or "", described(question)]
        # The answering sentence may sit in a passage of the same document that ranked lower:
        # a named document is read whole, else the document of the best passage.
        named = focus.named and focus.sources and len(focus.sources) <= 3
        seen = {p.chunk_id for p in passages}
        for source in focus.sources if named else [passages[0].source]:
            whole = self.search.document_passages(source)
            if len(whole) <= FOCUS_MAX_PASSAGES:
                candidates += [(p, 0.0) for p in whole if p.chunk_id not in seen]
            titles.append(self.search.metadata(source).get("title") or "")
        # A customs notice names its goods in most of its lines: the goods' name says which notice, not
        # which of its lines tells the weight or the battery asked about.
        # (not for its code: the code line names no goods, and the name tells one notice's code from another's)
        if question.intent is not Intent.CODE:
            titles += [self._goods_name(s) for s in {p.source for p, _ in candidates} if self._one_goods(s)]
        scorer = SentenceScorer(question, topic_terms(" ".join(titles)), named=bool(named),
                                units=self._unit_sentences(question, {p.source for p, _ in candidates}))
        return scorer, scorer.best([(p, share, passage_sentences(p.text, *self._table_before(p)))
                                    for p, share in candidates])

    def _unit_sentences(self, question: Question, sources: set[str]) -> UnitSentences | None:
        """Whose each stored dated sentence of the candidate documents is, and the unit the question
        names as acting."""
        if self.facts is None:
            return None
        return UnitSentences.read(question.text, self.facts.document_obligations(sources))

    def _table_before(self, passage: Passage) -> tuple[list[str] | None, str]:
        """The header row and the caption of a table that began in an earlier passage of the same
        document (the caption only for a passage that opens with the table's rows)."""
        if " | " not in passage.text:
            return None, ""
        whole = self.search.document_passages(passage.source)
        index = next((i for i, p in enumerate(whole) if p.chunk_id == passage.chunk_id), 0)
        before = [p.text for p in whole[max(0, index - 3):index]]
        opens_table = table_cells(passage.text.lstrip().split("\n", 1)[0]) is not None
        return table_header(before), table_caption(before) if opens_table else ""

    def _fact(self, question: Question, pick: Pick, wanted: set[str]) -> str | None:
        """The one-line fact that leads the answer, when the intent has one: of a sentence's
        several deadlines, the one whose task shares most of the question's words («(1) Thanh tra
        Chính phủ ban hành trước ngày 25/11; (2) … các bộ gửi kết quả rà soát … trước ngày 10/12»)."""
        if question.intent is Intent.DEADLINE:
            found = sentence_obligations(pick.sentence, pick.passage.issued_date)
            if found:
                return deadline_line(max(found, key=lambda o: overlap(wanted, f"{o.actor or ''} {o.action}")))
        if question.intent is Intent.RECIPIENT:
            through = asks_through(question.text)
            agency = recipient(pick.sentence, through)
            if agency:
                return f"{'Gửi qua' if through else 'Nơi gửi'}: {agency['agency'].strip()}."
        if question.intent is Intent.CODE:
            code = goods_code(pick.sentence, wanted)
            if code:
                return f"Mã số: {code}."
        if question.intent is Intent.EFFECTIVE:
            when = takes_effect(pick.sentence)
            if when:
                return f"Áp dụng {when.rstrip(',')}."
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

    def _sources(self, pick: Pick, passages: list[Passage], scorer: SentenceScorer) -> list[Source]:
        p = pick.passage
        at = cue_at(scorer.question.intent, pick.quoted, scorer.wanted, scorer.unit)
        out = [Source(p.source, p.doc_number, p.section, excerpt(pick.quoted, QUOTE_CHARS, at), p.score)]
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
        asked = ", ".join(ref.typed for ref in question.refs)
        return Answer(question.text, f"Tôi chưa có văn bản «{asked}» trong kho văn bản đang tra cứu. "
                                     + self._known_documents(), found=False)

    def _moved_on(self, previous: Sequence[str], answer: Answer) -> str:
        """«Kế hoạch 0125/KH-UBND không nói điều này; trả lời theo Kế hoạch 982/KH-UBND:»"""
        before = ", ".join(self._name(s) for s in previous)
        return f"{before} không nói điều này; trả lời theo {self._name(answer.sources[0].file)}:\n"

    def _name(self, source: str) -> str:
        return Passage.from_metadata("", 0.0, self.search.metadata(source)).document_name()

    def _other_issuer(self, question: Question, asked: set[str]) -> Answer:
        """The question names a place or ministry whose documents the store lacks: say so
        rather than quote another issuer's dates."""
        whose = ", ".join(sorted(display(a) for a in asked))
        return Answer(question.text,
                      f"Tôi chưa có văn bản nào của {whose} về nội dung này. Các văn bản tương tự tôi có "
                      "là của cơ quan, địa phương khác, nên tôi không lấy thời hạn hay con số của chúng "
                      "để trả lời. " + self._known_documents(), found=False)

    def _not_about(self, question: Question, source: str, units: Sequence[str]) -> Answer:
        """The closest document never names the unit the question is about."""
        named = ", ".join(units)
        return Answer(question.text,
                      f"Văn bản gần nhất với câu hỏi ({self._name(source)}) không nhắc đến {named}, nên tôi "
                      "không lấy thời hạn hay con số của nó để trả lời. " + self._known_documents(), found=False)

    def _not_for_place(self, question: Question, source: str, asked: set[str]) -> Answer:
        """The document named says what is asked only for other places, or for none in particular."""
        whose = ", ".join(sorted(display(a) for a in asked))
        return Answer(question.text,
                      f"Trong {self._name(source)}, đoạn gần nhất với câu hỏi không nói đến {whose}, nên tôi không lấy "
                      "thời hạn hay con số của đoạn đó để trả lời. " + self._known_documents(), found=False)

    def _not_found(self, question: Question, sources: Sequence[str] | None) -> Answer:
        names = [self._name(s) for s in sources or []]
        where = f"trong {', '.join(names)}" if names else "trong các văn bản tôi đang có"
        return Answer(question.text,
                      f"Tôi không tìm thấy nội dung trả lời câu hỏi này {where}, nên không đưa ra "
                      "con số hay thời hạn nào. Bạn thử hỏi cụ thể hơn (nêu số hiệu văn bản, "
                      "ví dụ «kế hoạch 0125», và điều cần biết: hạn, tiêu chí, nơi gửi). "
                      + self._known_documents(), found=False)

    def _unheard(self, question: Question, words: Sequence[str]) -> Answer:
        """The question asks about something no document mentions."""
        named = ", ".join(f"«{w}»" for w in words)
        return Answer(question.text,
                      f"Tôi chưa có văn bản nào nhắc đến {named}, nên không trả lời được câu hỏi này. "
                      "Nếu gõ nhầm, bạn sửa lại rồi hỏi lại nhé. " + self._known_documents(), found=False)

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
        conversation.at = datetime.now(UTC)
    return answer


def _with_items(pick: Pick) -> str:
    """The sentence under its heading; one that announces a list ("… bao gồm:") with the lines
    that follow it."""
    if not pick.sentence.rstrip().endswith(":"):
        return pick.quoted
    lines = pick.passage.text.split("\n")
    at = next((i for i, line in enumerate(lines) if pick.sentence in line), None)
    if at is None:
        return pick.quoted
    return " ".join([pick.quoted, *(line.strip() for line in lines[at + 1:at + 8])])


def _searchable(passage: Passage) -> str:
    """A passage with what identifies its document: name, issuer, title and section."""
    return "\n".join(p for p in (passage.document_name(), passage.issuer, passage.title, passage.section,
                                  passage.text) if p)


def _best_pairs(question: Question, passages: list[Passage]) -> float:
    return max((pair_coverage(question.text, p) for p in passages[:3]), default=0.0)


def _asked(question: str) -> str:
    """The question without its tag («…, đúng hay sai?», «… đúng không?»): words no passage holds."""
    return _TAG_QUESTION.sub(" ", fold(question))


def coverage(question: str, passage: Passage) -> float:
    """Share of the question's topic syllables found in the passage (with its citation)."""
    return overlap(topic_terms(_asked(question)), _searchable(passage))


def pair_coverage(question: str, passage: Passage) -> float:
    """Share of the question's adjacent syllable pairs found in the passage: a word-level match
    ("khen thưởng", not just "khen" and "thưởng" somewhere)."""
    wanted = pairs(_asked(question))
    return len(wanted & pairs(_searchable(passage))) / len(wanted) if wanted else 0.0


def title_pairs(title: str) -> set[tuple[str, str]]:
    """The word pairs that say what a named title is about: no place, number or filler word."""
    text = re.sub(r"\d\S*", " ", without_places(title))
    return {p for p in pairs(text) if not set(p) & (FILLER | _PLACE_WORDS)}


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    return cut(text, limit)


# A table row's number cell before its task («3 | Đơn vị trực tiếp quản lý gửi hồ sơ …»): no part of the task.
_ROW_NUMBER = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*\.?|[IVX]{1,4}|[a-zđ]\))\s*\|\s*")


def deadline_line(obligation: Obligation) -> str:
    """"Hạn gửi báo cáo về Sở Nội vụ: trước ngày 31/3/2026." """
    action = _ROW_NUMBER.sub("", obligation.action.strip()).rstrip(".,;:")
    head = f"Hạn {action[0].lower()}{action[1:]}" if action else "Thời hạn"
    return f"{head}: {obligation.deadline.text.strip().rstrip('.,;')}."


