"""Where an answer may come from: the documents a question names, the plans that cite a
number it names, the documents of the place it names, or the last answer's document.

A document number the store lacks is a hint, not a filter: the plans citing it are searched
instead. A province, city or ministry named in a question is a filter: another issuer's
document never answers for it.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.retrieval.doc_refs import DocRef, cited_numbers, matching
from bot.retrieval.evidence import (FILLER, HOURS_WRITTEN, INTENT_WORDS, MEASURES, TIME_UNITS, UNTIL_ASKED, YEAR,
                                    pairs, without_refs)
from bot.retrieval.issuers import (asked_district, asked_ministries, is_national, mentioned_places, ministries, ministry_name,
                                   named_units, owning_ministries, places, without_places)
from bot.retrieval.issuers import document_places as own_places
from bot.retrieval.questions import Intent, Question, strip_refs
from bot.retrieval.search import Passage, PassageSearch
from bot.retrieval.vietnamese import fold, syllables

# «Kế hoạch … triển khai Quyết định 213/QĐ-TTg», «Thông tư hướng dẫn Nghị định …»: the question
# asks about a document that carries out the one it names, not about that document's own text.
IMPLEMENTING = re.compile(r"\b(?:trien khai|thuc hien|cu the hoa|ke hoach|"
                          r"(?:thong tu|van ban|quyet dinh|nghi quyet) huong dan)\b")
# «Huế bãi bỏ Quyết định 42/2018/QĐ-UBND …», «Thông tư bãi bỏ Thông tư 73/2017/TT-BTC …»: the text that
# repeals or replaces the one named is asked about, and it cites the number it repeals.
_REPEALING = re.compile(r"\b(?:bai bo|thay the)\b")
# «… quy định tại điều nào của Nghị định 08/2015/NĐ-CP?»: which of its articles governs a case is
# what the letters citing it say («… được quy định tại Điều 88 Nghị định số 08/2015/NĐ-CP»).
_WHICH_ARTICLE = re.compile(r"\b(?:dieu|khoan|diem) (?:nao|may|so may)\b")
# «… bị bãi bỏ theo quyết định nào của Bộ Tài chính?»: the ministry's document is what is asked
# for, and the province's document citing it answers.
_WHICH_DOCUMENT = re.compile(r"\b(?:quyet dinh|thong tu|van ban|cong van|nghi dinh|chi thi|huong dan|ke hoach) "
                             r"(?:nao|gi|so may|so bao nhieu) (?:cua|do) (?:bo|byt|bnv)")
# A question about a province's own text that names the ministry it follows («kế hoạch của tỉnh theo
# hướng dẫn của Bộ Nội vụ») asks the province's text, not the ministry's.
# (not «xã hội», «phương án», «phương thức»: folded, they read as «xa», «phuong»)
_LOCAL_ASKED = re.compile(r"\b(?:tinh|thanh pho|ubnd|uy ban nhan dan|hdnd|xa(?! hoi\b)"
                          r"|phuong(?! (?:an|thuc|phap|tien|huong|cham|tay)\b)|dia phuong)\b|"
                          r"\b(?:theo|trien khai|thuc hien|huong dan)\b[^?.;]{0,40}\b(?:bo|byt|bnv)\b")

# The quoted sentence, read with its heading, its section and its document's title, must hold
# this share of the question's word pairs: the passages around it may match the question while
# the sentence an answer quotes is about something else (tuning half of bench/data/qa_dev*: the
# unanswerable questions answered anyway 0.09-0.23, the answerable ones 0.26 and above).
QUOTE_PAIR_SHARE = 0.25
# A quote that does not state the figure asked must hold this share of the question's word pairs
# (the usual quarter is not enough): «nghỉ phép năm bao nhiêu ngày» answered by a resolution's
# «thay thế Nghị quyết … ngày 10 tháng 12» (tuning half: the unanswerable questions answered this
# way 0.27-0.45, the answerable ones whose quote lacks the figure 0.57 and above).
FIGURE_PAIR_SHARE = 0.5
# How a figure is asked: «bao nhiêu ngày», «mấy tháng», «tháng mấy», a bare «bao nhiêu».
_ASKED_FIGURE = re.compile(r"\b(?:bao nhieu|may)\s+(\w+)|\b(thang)\s+may\b|\bbao nhieu\b")
# «từ mấy giờ», «đến mấy giờ»: a time of day, not a span of hours
_TIME_OF_DAY = re.compile(r"\b(?:tu|den|luc|sau|truoc) may gio\b")
# Units whose figure the documents write next to them («05 ngày», «30%»); how often («mấy lần
# mỗi ngày») they may write as a schedule («sáng và chiều», «hằng tuần») instead.
_SPAN_UNITS = {"ngay", "thang", "nam", "gio", "tuan", "phut", "quy", "phan"}
_NUMBER = r"(?:\d[\d.,]*|\b(?:mot|hai|ba|bon|bay|tam|chin|muoi|tram|nghin|ngan|trieu|ty|ruoi))"
# A sum of money asked («mức lương», «lệ phí», «học phí», «bao nhiêu tiền») is written with its currency.
_MONEY_ASKED = re.compile(r"\b(?:muc (?:luong|thuong|phi|thu|chi|kinh phi|ho tro)|le phi|hoc phi|muc tien|"
                          r"bao nhieu tien|tien thuong|(?:muc|tien) luong toi thieu|luong toi thieu vung|"
                          r"(?:tien )?ky quy)\b")
# «… là bao nhiêu», «bao nhiêu tiền», «bao nhiêu phần trăm»: how much, not how many of a thing («bao nhiêu TTHC»)
_HOW_MUCH = re.compile(r"\bbao nhieu(?=\s*(?:$|[^\w\s]|(?:tien|phan tram|dong|mot|moi)\b))")
# What says where something ends: «đến hết ngày 31/12/2030», «cho đến khi …».
_ENDS = re.compile(r"\b(?:den|toi|het)\b")
# «bao nhiêu ngày», «mấy tháng»: a span of time counted
_SPAN_ASKED = re.compile(rf"\b(?:bao nhieu|may) {TIME_UNITS}\b")
# A sum («4.960.000 đồng», «200 tỷ», «40 triệu đồng», a table's «đồng/lượt/khách | 20.000» with its unit a column
# before); a rate («0,5%») is money too, unless «bao nhiêu tiền» asks a sum.
_SUM = (r"\d[\d.,]*\s*(?:dong|d\b|vnd|trieu|ty|nghin|ngan|usd)|\b(?:trieu|ty|nghin|ngan) dong\b"
        r"|\bdong(?:/\w+)*\s*\|\s*\d")
_MONEY = re.compile(rf"{_SUM}|\d[\d.,]*\s*%|phan tram")
_ANY_FIGURE = re.compile(r"\d|\b(?:muoi|tram|nghin|ngan|trieu|ty)\b")
# A measure asked by its unit («bao nhiêu m2», «nặng bao nhiêu gam») is written with that unit («200 m2», «27g»).
_MEASURE_ASKED = re.compile(rf"\bbao nhieu ({'|'.join(sorted(MEASURES, key=len, reverse=True))})\b")


# A name no document holds («phí thẩm định kinh doanh casino», «C/O mẫu EUR.1») cannot be what
# they answer about: the karaoke fee is no answer. Only words that are no Vietnamese syllable
# count — a syllable the texts happen not to use («mùa xuân», «luôn», a slip such as «páp
# luật») says nothing of the topic — and not the loanwords people chat in, abbreviations
# without a vowel or words of one or two letters.
_SYLLABLE = re.compile(r"^(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?$")
_CHAT_WORDS = set("""online offline file email mail link web website app zalo facebook ok oke form check update
admin bot""".split())
_VOWEL = re.compile(r"[aeiouy]")
_ROMAN = re.compile(r"^[ivxlcdm]+$")  # «Đại hội XIV», «Chương XVI»: no names
# Web and mail addresses name no firm or goods: «@hanoi.gov.vn».
_ADDRESS = re.compile(r"\S+@\S+|(?:https?://|www\.)\S+|\S+\.(?:gov|com|org|edu|net)\.vn\S*", re.IGNORECASE)
# A name typed in a question that at most this many documents hold («Nippon Zoki», «Kester 275
# SAC305», «Pregnavie Complete»: the firm or the goods of one tax or customs letter) names them, as
# a document number would; a name more documents share («Huawei» in a dozen notices) does not.
NAME_DOCS = 2


def is_name(folded: str) -> bool:
    """A word of three letters or more that is no Vietnamese syllable, no abbreviation without
    a vowel and no loanword people chat in: «casino», «zoki», «sac305»."""
    return (len(folded) >= 3 and bool(_VOWEL.search(folded)) and not _SYLLABLE.match(folded)
            and folded not in _CHAT_WORDS and not folded.isdigit() and not _ROMAN.match(folded))


@dataclass(frozen=True)
class Focus:
    """Where to look: the files of the documents a question names (or of the last answer),
    None for the whole store; `cited` holds the numbers the store knows only because these
    files cite them («Kế hoạch … triển khai Nghị quyết 57-NQ/TW»)."""

    sources: list[str] | None
    cited: tuple[DocRef, ...] = ()
    named: bool = False     # the question (or its conversation) named these documents
    by_name: bool = False   # ... by a name only they hold (not their number): what is quoted must still answer
    followed: bool = False  # they are the last answer's, for a follow-up


_LOCAL_CODE = re.compile(r"\b(?:ubnd|hdnd)\b")


def asks_for_implementing(question: Question) -> bool:
    """Whether a document the store only knows as cited is asked about through the plans that
    carry it out (their words, or a province naming whose plan) rather than for its own content
    («Nghị định 23/2025/NĐ-CP: chứng thư có thời hạn bao lâu?» is the decree's own rule)."""
    text = strip_refs(fold(question.text), question.refs)
    # a province's own text («Quyết định 3470/QĐ-UBND … của UBND thành phố Huế») is asked with its place:
    # the place names its issuer, not a plan carrying it out
    local = any(_LOCAL_CODE.search(ref.code or "") for ref in question.refs)
    return bool(IMPLEMENTING.search(text) or _WHICH_ARTICLE.search(text) or _REPEALING.search(text)
                or places(question.text) and not local)


def lacks_figure(asked: str, quote: str) -> bool:
    """Whether the question asks for a figure the quote does not state: «bao nhiêu ngày» needs a
    number of days («05 ngày», not «ngày 10 tháng 12»), «bao nhiêu phần trăm» a share, «tháng
    mấy» a month, a bare «bao nhiêu» any number but a year. `asked` is folded."""
    found = _ASKED_FIGURE.search(asked)
    if not found:
        return False
    text = fold(quote)
    measure = _MEASURE_ASKED.search(asked)
    if measure:
        return not re.search(rf"{_NUMBER}\s*(?:{MEASURES[measure.group(1)]})(?!\w)", text)
    unit, month = found.group(1), found.group(2)
    if unit in _SPAN_UNITS:
        # «từ mấy giờ», «đến mấy giờ» ask a time of day: «56 giờ làm việc» is a span, no time of day
        hours = rf"{HOURS_WRITTEN}\b" + (r"(?! lam viec)" if _TIME_OF_DAY.search(asked) else "")
        written = {"phan": r"(?:%|phan tram\b)", "gio": hours}.get(unit, rf"{unit}\b")
        return not re.search(rf"{_NUMBER}\s*(?:\([^)]*\)\s*)?{written}", text)
    if month:
        return not re.search(r"\bthang\s+\d", text)
    if found.group(0).startswith("bao nhieu"):
        if _MONEY_ASKED.search(asked):  # «mức lương … bao nhiêu» needs a sum, not «gần 2 tháng»
            return not re.search(_SUM if "bao nhieu tien" in asked else _MONEY, text)
        return not _ANY_FIGURE.search(YEAR.sub(" ", text))
    return False


def lacks_own_figure(asked: str, quote: str) -> bool:
    """Whether a sum of money, a span of time or an end is asked and the quote does not state it: that figure is
    stated by the quote itself or not at all, even in the document the question names — a catalogue row
    naming the licence is no fee («lệ phí cấp giấy phép xuất bản bản tin là bao nhiêu»), a line on who
    takes leave no length of it («nghỉ phép bao nhiêu ngày»), a report's deadline no budget («mức kinh
    phí tối đa … là bao nhiêu»). `asked` is folded."""
    own_figure = bool(_MONEY_ASKED.search(asked) and _HOW_MUCH.search(asked) or _SPAN_ASKED.search(asked)
                      or _MEASURE_ASKED.search(asked))
    # «… đến bao giờ?» asks where something ends: a line that ends nothing («trong thời hạn 03 ngày làm việc
    # xây dựng quy trình …») does not say it
    ends = not UNTIL_ASKED.search(asked) or bool(_ENDS.search(fold(quote)))
    return own_figure and lacks_figure(asked, quote) or not ends


# What a licence, a trade or a profession is for, as a question names it: «giấy phép kinh doanh rạp chiếu phim»,
# «chứng chỉ hành nghề kiến trúc», «thành lập trung tâm ngoại ngữ», «giấy phép lái xe quốc tế» — up to the words
# that go on to ask.
_ASKING_ON = (r"(?:la|bao|gom|duoc|o|tai|cho|khi|thi|co|can|phai|nhu|the|nao|gi|trong|mat|giai|hien|nay|cua|va|doi"
              r"|voi|theo|de|thu|mot|do|se|da|dang|bi|neu|nham|khong)")
_LICENSED = re.compile(rf"\b(?:kinh doanh(?: dich vu)?|hanh nghe|giay phep(?! kinh doanh| hanh nghe)(?: hoat dong)?"
                       rf"|thanh lap(?: moi)?)\s+(?P<what>(?:(?!{_ASKING_ON}\b)\w+\s*){{1,4}})")


def lacks_licensed(asked: str, said: str) -> bool:
    """Whether the quote (with its section) leaves out what the licence, trade or profession asked about is for:
    the fee of a karaoke licence is no answer about a cinema's, a broker of real estate is no stockbroker. `asked`
    is folded."""
    named = _LICENSED.search(asked)
    if named is None:
        return False
    text = fold(said)
    return not all(re.search(rf"\b{word}\b", text) for word in named["what"].split())


_WHICH_UNIT = re.compile(r"\b(?:bo|so|co quan|don vi|noi) nao\b|\bai\b")


def of_another_unit(question: Question, quote: str, section: str | None) -> bool:
    """Whether the quote is about other departments or ministries than the ones the question names:
    it names some, and none of those asked («Sở Tư pháp được quyết định điều chuyển tài sản … từ bao
    nhiêu» against «Sở Tài chính quyết định điều chuyển …»)."""
    if question.intent in (Intent.RESPONSIBLE, Intent.RECIPIENT) or _WHICH_UNIT.search(fold(question.text)):
        return False  # the unit asked for is another («… phải có ý kiến thống nhất của bộ nào»)
    asked = named_units(question.text)
    said = named_units(f"{section or ''} {quote}")
    return bool(asked) and bool(said) and not set(asked) & set(said)


class Scopes:
    """The scopes of one store; the maps of cited numbers and of places are built on first use."""

    def __init__(self, search: PassageSearch) -> None:
        self.search = search
        # Maps built on first use (or by prepare), each assigned only once complete: a question
        # answered on another thread meanwhile builds its own rather than reading half of one.
        self._citing: dict[str, list[str]] | None = None        # cited number -> files citing it
        self._places: dict[str, set[str] | None] | None = None  # file -> places it answers for
        self._vocabulary: frozenset[str] | None = None           # every folded word of the store
        self._holders: dict[str, set[str]] | None = None          # a name (no syllable) -> files

    def named(self, question: Question, previous: Sequence[str] = ()) -> Focus:
        """Files to search: those of the documents named, else of documents that cite the
        number named, else of the last answer (`previous`, when recent) for a follow-up; no files when the question
        names documents the store neither holds nor cites."""
        if question.refs:
            numbers = set(matching(question.refs, self.numbers_of(self.search.sources())))
            held = [s for s in self.search.sources() if self.search.metadata(s).get("doc_number") in numbers]
            if held:
                return Focus(held, named=True)
            # «cv 3316/CT-CS … triển khai NĐ 175/2025 hướng dẫn gì»: the first number is the text asked
            # about, the later ones what it is about — only the plans citing the first stand in for it
            asked = question.refs[:1]
            citing = self.citing_files(replace(question, refs=asked)) if asks_for_implementing(question) else []
            return Focus(citing, cited=asked, named=bool(citing))
        if question.follow_up and previous:
            held = [s for s in previous if s in self.search.sources()]
            if held:
                return Focus(held, named=True, followed=True)
        by_name = self.holding_names(question)
        return Focus(by_name, named=True, by_name=True) if by_name else Focus(None)

    def holding_names(self, question: Question) -> list[str]:
        """The files that hold every uncommon name the question types (`NAME_DOCS`), when it
        types one; none when no file holds them all."""
        holders = self.holders()
        held: set[str] | None = None
        for word in set(syllables(without_places(without_refs(question)))):
            files = holders.get(word)
            if files is not None and len(files) <= NAME_DOCS:
                held = files if held is None else held & files
        return sorted(held or ())

    def numbers_of(self, sources: Sequence[str]) -> list[str]:
        return [n for s in sources if (n := self.search.metadata(s).get("doc_number"))]

    def citing_files(self, question: Question) -> list[str]:
        """Files that cite a number the question names (the plans implementing it)."""
        citing = self.citing()
        found = matching(question.refs, citing)
        return sorted({s for number in found for s in citing[number]})

    def citing(self) -> dict[str, list[str]]:
        """Cited number -> the files that cite it."""
        if self._citing is None:
            citing: dict[str, list[str]] = {}
            for text, meta in self.search.passages.values():
                for number in cited_numbers(text):
                    files = citing.setdefault(number, [])
                    if meta.get("source") not in files:
                        files.append(meta.get("source", ""))
            self._citing = citing
        return self._citing

    def document_places(self) -> dict[str, set[str] | None]:
        """The places each document answers for: its own (by issuer, title or text); for a
        central body's document every place it names; None when nothing ties it to a place."""
        if self._places is None:
            found: dict[str, set[str] | None] = {}
            for source in self.search.sources():
                meta = self.search.metadata(source)
                whole = [p.text for p in self.search.document_passages(source)]
                if is_national(meta.get("issuer"), meta.get("doc_number")):
                    found[source] = mentioned_places(whole)
                else:
                    found[source] = own_places(meta.get("issuer"), meta.get("title"), whole) or None
            self._places = found
        return self._places

    def by_place(self, question: Question, focus: Focus) -> tuple[Focus, set[str]]:
        """A question that names a province or city searches only that place's documents; when
        the store holds none, no files (and the places asked), so nobody else's date answers."""
        asked = places(question.text)
        if not asked or focus.named and not focus.cited:
            return focus, set()
        owned = {s for s, own in self.document_places().items() if own is None or own & asked}
        scope = owned if focus.sources is None else owned & set(focus.sources)
        return Focus(sorted(scope), focus.cited, focus.named), asked

    def mismatch(self, question: Question, top: Passage) -> set[str]:
        """The places or ministries the question names that the answering document is not of."""
        asked = places(question.text)
        own = self.document_places().get(top.source)
        if asked and own is not None and not asked & own:
            return asked
        district = asked_district(question.text)
        if district and fold(district) not in fold(top.issuer or ""):
            return {district}
        # A ministry asked is answered by its own documents: not another ministry's, nor a
        # province's plan that carries it out («Quy chế … của Bộ Y tế» against a province's).
        wanted = asked_ministries(question.text)
        issuer = ministries(top.issuer or "")
        folded = fold(question.text)
        local = bool(top.issuer) and not is_national(top.issuer, top.doc_number) \
            and not _WHICH_DOCUMENT.search(folded) and not _LOCAL_ASKED.search(folded)
        if wanted and (issuer or local) and not wanted & issuer:
            return {ministry_name(w) for w in wanted}
        # «theo văn bản của Ngân hàng Nhà nước»: no other central body's text is the ministry's, a Government
        # resolution included (a province's plan that follows the ministry is left to the rule above)
        owner = owning_ministries(question.text)
        if owner and top.issuer and is_national(top.issuer, top.doc_number) and not owner & issuer \
                and not _WHICH_DOCUMENT.search(folded):
            return {ministry_name(w) for w in owner}
        return set()

    def issued_by_asked(self, question: Question, passage: Passage) -> bool:
        """Whether a passage's document is issued by a ministry the question names."""
        return bool(asked_ministries(question.text) & ministries(passage.issuer or ""))

    def unmentioned_units(self, question: Question, source: str) -> list[str]:
        """The departments or ministries the question is about that the document never names
        («Sở Ngoại vụ» asked, a decision on the land registry office found), as typed."""
        named = named_units(question.text)
        if not named:
            return []
        meta = self.search.metadata(source)
        whole = fold(" ".join([meta.get("title") or ""] + [p.text for p in self.search.document_passages(source)]))
        return [typed for name, typed in named.items() if name not in whole]

    # -- whether the answer found answers what was asked -------------------------------------

    def unsupported(self, asked: str, file: str, section: str | None, quote: str) -> bool:
        """Whether the sentence an answer would quote does not answer the question: the quote
        (with its heading, section and document title) holds too few of the question's word
        pairs (half of them when it does not state the figure asked).
        `asked` is the folded question without its places, document numbers and tag («đúng
        không?»)."""
        title = self.search.metadata(file).get("title") or ""
        wanted = {p for p in pairs(asked) if not set(p) <= FILLER | INTENT_WORDS}
        around = pairs(fold(" ".join((quote, section or "", title))))
        share = len(wanted & around) / len(wanted) if wanted else 1.0
        return share < QUOTE_PAIR_SHARE or share < FIGURE_PAIR_SHARE and lacks_figure(asked, quote) \
            or lacks_own_figure(asked, quote)

    def vocabulary(self) -> frozenset[str]:
        """Every folded word of the store's passages and document titles."""
        if self._vocabulary is None:
            self._read_words()
        assert self._vocabulary is not None
        return self._vocabulary

    def holders(self) -> dict[str, set[str]]:
        """Each name of the store (a word that is no Vietnamese syllable: `is_name`) -> the files holding it."""
        if self._holders is None:
            self._read_words()
        assert self._holders is not None
        return self._holders

    def _read_words(self) -> None:
        words: set[str] = set()
        holders: dict[str, set[str]] = {}
        for text, meta in self.search.passages.values():
            own = syllables(text)
            words.update(own, syllables(f"{meta.get('title') or ''} {meta.get('issuer') or ''}"))
            # the text is read again only where an address is to be left out
            named = syllables(_ADDRESS.sub(" ", text)) if _ADDRESS.search(text) else own
            for word in filter(is_name, named):
                holders.setdefault(word, set()).add(meta.get("source", ""))
        self._holders = holders
        self._vocabulary = frozenset(words)

    def unheard(self, question: Question) -> list[str]:
        """The names in the question (its places and document numbers aside) that no document
        holds, as typed: «casino», «EUR»."""
        known = self.vocabulary()
        typed = re.findall(r"[^\W\d_]+", question.text)
        asked = set(syllables(without_places(without_refs(question))))
        return list(dict.fromkeys(word for word in typed if (f := fold(word)) in asked and is_name(f) and f not in known))

    def prepare(self) -> None:
        """Build every map now rather than on the first question that needs one: over the
        whole corpus they take seconds, and questions answered at once on several threads
        must not each start building them."""
        self.citing()
        self.document_places()
        self._read_words()

    def is_of(self, source: str, asked: set[str]) -> bool:
        """Whether a document is the own text of a place asked (by its issuer, title or text), not a central
        body's text that names the place."""
        meta = self.search.metadata(source)
        return not is_national(meta.get("issuer"), meta.get("doc_number")) \
            and bool((self.document_places().get(source) or set()) & asked)

    def speaks_for(self, file: str, section: str | None, asked: set[str], quote: str) -> bool:
        """Whether a document answers for the places asked where it is quoted: a central body's
        document speaks for a province only where it names it (its title or opening, the quoted
        section's headings, or the quote itself), not because it names the province somewhere else —
        a telegram's footnotes list many provinces, each for its own figure."""
        meta = self.search.metadata(file)
        if not asked or not is_national(meta.get("issuer"), meta.get("doc_number")):
            return True
        opening = self.search.document_passages(file)[:1]  # a letter's addressee: «Kính gửi: Thuế tỉnh Ninh Bình»
        return bool(asked & mentioned_places([meta.get("title") or "", section or "", quote] + [p.text for p in opening]))

