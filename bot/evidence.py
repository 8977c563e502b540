"""Which sentence answers a question: every sentence of the candidate passages, scored.

A document names its topic in its title and preamble, so the words a question shares with the
*document* say nothing about which of its sentences answers. The score therefore counts the
question's words minus the document's title words, the kind of answer the question asks for
(a dated clause, a receiving agency, a figure, a list item, a unit in charge), the unit and
action it names, and the passage's retrieval rank; preambles («Căn cứ …», «Thực hiện Quyết
định …»), recipient lists and headings never lead. Table rows are read with their column
headers, so «Hàng năm» under «Thời gian» counts as a time.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.facts.extract import sentence_obligations
from bot.questions import Intent, Question
from bot.search import Passage
from bot.vietnamese import fold, sentences, syllables

MIN_SENTENCE_CHARS = 25  # shorter lines ("KẾ HOẠCH", "2. Nội dung") are headings, not answers

# Folded words that carry no topic: they do not count when matching a question to a sentence.
FILLER = set("""la gi nao cua the nhu co khong bao gio khi ve dau o va cac nhung thi sao duoc cho
toi minh ai nay do voi trong theo can phai hay hoi xin vui long giup biet muon noi gom ra sao
nhieu bao lau cai mot viec so""".split())
# Words that say what kind of answer is wanted, not what it is about.
_INTENT_WORDS = set("""han thoi chot ngay thang nam luc truoc cham nhat deadline diem moc""".split())
# Words of the documents' own framing: every plan "triển khai" / "thực hiện" something.
_FRAME_WORDS = set("""ke hoach chi thi quyet dinh cong van thong bao huong dan van ban nghi quyet
trien khai thuc hien ban hanh""".split())

# «Căn cứ Luật …», «Thực hiện Quyết định số …», «Theo đề nghị của …»: why the document exists.
_PREAMBLE = re.compile(
    r"^(?:\W*)(?:can cu|xet de nghi|theo de nghi|kinh gui|noi nhan|"
    r"thuc hien (?:cac |y kien |su chi dao |chi dao )?(?:(?:quyet dinh|nghi quyet|chi thi|ke hoach|"
    r"cong van|cong dien|thong bao|thong tu|nghi dinh|luat|van ban|ket luan|huong dan)\b[^.;]{0,40}?"
    r"(?:so\s+)?\d|(?:quyet dinh|nghi quyet|chi thi|ke hoach|cong van|chi dao|y kien)[^.;]{0,200}"
    r"ban hanh (?:ke hoach|chi thi|quyet dinh|huong dan)))")
_SIGNATURE = re.compile(r"^(?:kt\.|tm\.|tl\.|ktl\.|q\.)\s|^(?:chu tich|pho chu tich|giam doc|pho giam doc)$")
RECIPIENT = re.compile(
    r"\b(?:gửi|nộp|báo cáo|chuyển|trình)\b[^.;:]{0,120}?\b(?:về|cho|đến|tới)\s+"
    r"(?P<agency>(?:Sở|Ban|Bộ|Ủy ban|Uỷ ban|UBND|Văn phòng|Phòng|Hội đồng|Cục|Chi cục|Trung tâm|"
    r"Thường trực|Tỉnh ủy|Tỉnh uỷ|Thành ủy|Thành uỷ|Công an|Kho bạc|Cơ quan thường trực|"
    r"cơ quan thường trực|Liên đoàn|Mặt trận)[^,.;:()\n]{0,80}(?:\([^)]{0,80}\))?)")
# Any date ("20/11/2025", "ngày 20 tháng 11 năm 2025", "tháng 10/2025") or a period of time.
_DATE = re.compile(r"\b\d{1,2}/\d{1,2}(?:/\d{4})?\b|\bngày\s+\d{1,2}\s+tháng\s+\d{1,2}|"
                   r"\btháng\s+\d{1,2}(?:/|\s+năm\s+)\d{4}|\bquý\s+[IV1-4]+\b", re.IGNORECASE)
_PERIOD = re.compile(r"\b(?:hang|hàng|hằng)\s+(?:năm|quý|tháng|tuần|ngày)\b|\bđịnh kỳ\b|"
                     r"\btrong thời hạn\b|\bthường xuyên\b|\bnăm \d{4}\b", re.IGNORECASE)
_FIGURE = re.compile(r"\d+(?:[.,]\d+)?\s*%|\b\d+(?:[.,]\d+)*\s+(?:người|đơn vị|triệu|tỷ|đồng|lần|điểm|"
                     r"xã|phường|hộ|trường|cơ sở|km|ha|tấn|chỉ tiêu|ngày)\b", re.IGNORECASE)
_LEAD = re.compile(r"\b(?:chủ trì|giao|phụ trách|chịu trách nhiệm|đầu mối|phối hợp|tham mưu|thường trực)\b",
                   re.IGNORECASE)
_AGENCY = re.compile(r"\b(?:Sở|Ban|Bộ|Ủy ban|Uỷ ban|UBND|Văn phòng|Phòng|Hội đồng|Cục|Công an|"
                     r"Bộ Chỉ huy|Đài|Báo|Trung tâm)\s+\w", re.IGNORECASE)
_ITEM = re.compile(r"^\s*(?:[-–+•]|\d+(?:\.\d+)*[.)]|[a-zđ]\))\s")
# Column headers that make a table cell a time, a unit in charge, or a task.
_TIME_HEADER = re.compile(r"thoi gian|thoi han|tien do|hoan thanh|moc")
_LEAD_HEADER = re.compile(r"chu tri|don vi|co quan|trach nhiem|phoi hop")


@dataclass(frozen=True)
class Weights:
    """How much each part counts; chosen on the tuning half of bench/data/qa_dev.jsonl."""

    topic: float = 2.0
    pairs: float = 1.0
    section: float = 0.5
    intent: float = 1.0
    rank: float = 0.8
    short: float = 0.5


@dataclass(frozen=True)
class Pick:
    """The sentence an answer quotes, and the passage it is in."""

    sentence: str
    passage: Passage
    score: float


def topic_terms(text: str) -> set[str]:
    return {s for s in syllables(text) if s not in FILLER}


def overlap(wanted: set[str], text: str) -> float:
    """Share of the wanted syllables that the text contains."""
    if not wanted:
        return 0.0
    return len(wanted & set(syllables(text))) / len(wanted)


def pairs(text: str) -> set[tuple[str, str]]:
    words = syllables(text)
    return {(a, b) for a, b in zip(words, words[1:]) if not (a in FILLER and b in FILLER)}


def is_preamble(sentence: str) -> bool:
    folded = fold(sentence).strip()
    return bool(_PREAMBLE.match(folded) or _SIGNATURE.match(folded))


def table_cells(line: str) -> list[str] | None:
    """The cells of a table row ("a | b | c"), None for prose."""
    if " | " not in line and not line.strip().startswith("|"):
        return None
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    return cells if len(cells) >= 2 else None


def _is_header_row(cells: Sequence[str]) -> bool:
    """A row of labels: no figures beyond an «STT», mostly short words."""
    text = fold(" ".join(cells))
    return not re.search(r"\d", text) and any(
        re.search(r"\b(stt|noi dung|thoi gian|thoi han|don vi|chu tri|phoi hop|nhiem vu|san pham|"
                  r"co quan|ket qua|ghi chu|tien do)\b", fold(c)) for c in cells)


def read_row(cells: Sequence[str], header: Sequence[str] | None) -> str:
    """A row as «Header: cell; …», so a lone «Hàng năm» reads as a time."""
    if not header or len(header) != len(cells):
        return " | ".join(c for c in cells if c)
    return "; ".join(f"{h}: {c}" for h, c in zip(header, cells) if c and h and fold(h) != "stt")


def passage_sentences(text: str, header: Sequence[str] | None = None) -> list[str]:
    """A passage cut into sentences; table rows read whole, with the nearest header row."""
    out: list[str] = []
    for line in text.split("\n"):
        cells = table_cells(line)
        if cells is None:
            out.extend(sentences(line))
        elif _is_header_row(cells):
            header = cells
        else:
            out.append(read_row(cells, header))
    return [s for s in out if s.strip()] or [text]


def table_header(texts: Iterable[str]) -> list[str] | None:
    """The last header row in the given passages (a table that runs on into the next chunk)."""
    found = None
    for text in texts:
        for line in text.split("\n"):
            cells = table_cells(line)
            if cells and _is_header_row(cells):
                found = cells
    return found


def intent_cue(intent: Intent, sentence: str, passage: Passage) -> float:
    """How much a sentence has what the question asks for: a deadline, an agency, a figure."""
    if intent is Intent.DEADLINE:
        if sentence_obligations(sentence, passage.issued_date):
            return 1.0
        if _DATE.search(sentence) or _time_cell(sentence):
            return 0.6
        return 0.4 if _PERIOD.search(sentence) else 0.0
    if intent is Intent.RECIPIENT:
        return 1.0 if RECIPIENT.search(sentence) else 0.0
    if intent is Intent.AMOUNT:
        return 0.6 if _FIGURE.search(sentence) else 0.0
    if intent is Intent.RESPONSIBLE:
        return (0.6 if _LEAD.search(sentence) else 0.0) + (0.4 if _AGENCY.search(sentence) else 0.0)
    if intent is Intent.CRITERIA:
        return 0.4 if _ITEM.match(sentence) or sentence.rstrip().endswith(":") else 0.0
    return 0.0


def _time_cell(sentence: str) -> bool:
    return any(_TIME_HEADER.search(fold(part.split(":", 1)[0])) and ":" in part
               for part in sentence.split("; "))


class SentenceScorer:
    """Scores sentences for one question (see the module's docstring)."""

    def __init__(self, question: Question, title_words: Iterable[str] = (),
                 weights: Weights = Weights()) -> None:
        self.question = question
        self.weights = weights
        asked = topic_terms(without_refs(question))
        framing = set(title_words) | _FRAME_WORDS
        # The document's title words count only when nothing else is left to match.
        self.wanted = (asked - _INTENT_WORDS - framing) or (asked - _INTENT_WORDS) or asked
        self.pairs = {p for p in pairs(without_refs(question)) if not set(p) <= framing | _INTENT_WORDS}

    def score(self, sentence: str, passage: Passage, rank_share: float) -> float:
        w = self.weights
        words = set(syllables(sentence))
        topic = len(self.wanted & words) / len(self.wanted) if self.wanted else 0.0
        paired = len(self.pairs & pairs(sentence)) / len(self.pairs) if self.pairs else 0.0
        in_section = overlap(self.wanted - words, passage.section) if passage.section else 0.0
        score = (w.topic * topic + w.pairs * paired + w.section * in_section
                 + w.intent * intent_cue(self.question.intent, sentence, passage) + w.rank * rank_share)
        if len(sentence) < MIN_SENTENCE_CHARS:
            score -= w.short
        return score

    def best(self, candidates: Sequence[tuple[Passage, float, list[str]]]) -> Pick:
        """The best sentence among (passage, rank share, its sentences); preambles only when
        nothing else is there."""
        best: Pick | None = None
        fallback: Pick | None = None
        for passage, share, cut in candidates:
            for sentence in cut:
                pick = Pick(sentence, passage, self.score(sentence, passage, share))
                if is_preamble(sentence):
                    fallback = pick if fallback is None or pick.score > fallback.score else fallback
                elif best is None or pick.score > best.score:
                    best = pick
        chosen = best or fallback
        assert chosen is not None  # a passage always has at least one sentence
        return chosen


def without_refs(question: Question) -> str:
    """The question without the document numbers it names ("kế hoạch 0124" -> "")."""
    text = fold(question.text)
    for ref in question.refs:
        text = text.replace(ref.text, " ")
    return text
