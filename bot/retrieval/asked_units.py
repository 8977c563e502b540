"""Which unit a question asks about, and which sentences are that unit's.

A procedure or a plan gives each unit its own steps, often in the same words: «Lập báo cáo kết
quả … gửi Ủy ban nhân dân tỉnh trong thời hạn 25 ngày» is the communes' step, «Lập báo cáo kết
quả … gửi Bộ Dân tộc và Tôn giáo trong thời hạn 45 ngày» the province's, and only the heading
several lines above («- Cấp tỉnh (Ủy ban nhân dân tỉnh):») tells them apart. Ingestion has read
whose each dated sentence is (`bot.facts`: the sentence, its item, the nearest unit heading);
a question that names one of those units as the one acting («UBND tỉnh gửi báo cáo … trong bao
lâu?») prefers that unit's sentences.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.facts.model import Obligation
from bot.facts.units import normalise, split_units
from bot.retrieval.issuers import named_units

# Levels written several ways: «UBND cấp xã» = «Ủy ban nhân dân các xã, phường, đặc khu», «UBND
# cấp tỉnh» = «Ủy ban nhân dân tỉnh» (on normalised text).
_LEVELS = ((re.compile(r"\buy ban nhan dan (?:cap xa|(?:cac )?(?:xa|phuong|dac khu)(?:,? (?:xa|phuong|dac khu|"
                       r"thi tran))*)\b"), "ubnd_xa"),
           (re.compile(r"\buy ban nhan dan (?:cap )?(?:tinh|thanh pho)\b"), "ubnd_tinh"))
_LEADING = re.compile(r"^(?:cac|moi|tung) ")
# Names that say no one in particular («cơ quan», «các đơn vị liên quan»): they tell no step apart.
_GENERIC = set("co quan don vi to chuc ca nhan lien quan cac dia phuong nganh cap co tham quyen".split())
_MINISTRY_OR_DEPARTMENT = re.compile(r"^(?:bo|so) ")
_QUOTE_PART = 40  # of a stored quote, enough to find it in a sentence that holds more


def unit_key(name: str) -> str:
    """A unit's name as it is compared: normalised, its level spelled one way, without «các»."""
    text = normalise(name)
    for pattern, key in _LEVELS:
        text = pattern.sub(key, text)
    return _LEADING.sub("", text).strip(" ,")


def _bare(text: str) -> str:
    return "".join(normalise(text).split())


@dataclass
class UnitSentences:
    """The acting unit of each stored dated sentence of some documents, and the unit a question
    names as acting, if it is one of them."""

    quotes: dict[str, list[tuple[str, frozenset[str]]]] = field(default_factory=dict)  # source -> (quote, units)
    asked: str | None = None

    @classmethod
    def read(cls, question: str, obligations: dict[str, Sequence[Obligation]]) -> "UnitSentences":
        quotes = {source: [(_bare(o.quote), units) for o in found if (units := _units(o))]
                  for source, found in obligations.items()}
        known = {unit for held in quotes.values() for _, units in held for unit in units}
        # a ministry or department asked that has no dated sentence here is still the one asked about
        named = {unit_key(typed) for typed in named_units(question).values()}
        return cls(quotes, asked_unit(question, known) or asked_unit(question, named))

    def _units_of(self, sentence: str, source: str) -> list[frozenset[str]]:
        """The units of each stored dated sentence of the source that the sentence is (or holds)."""
        bare = _bare(sentence)
        return [units for quote, units in self.quotes.get(source, ()) if bare in quote or quote[:_QUOTE_PART] in bare]

    def acts(self, sentence: str, source: str) -> bool:
        """Whether the sentence is one the asked unit acts in."""
        return self.asked is not None and any(self.asked in units for units in self._units_of(sentence, source))

    def others(self, sentence: str, source: str) -> bool:
        """Whether the sentence is a dated sentence of other units only, while the question names one acting
        («Bộ Quốc phòng phải hoàn thành … trước ngày nào» against Bộ Giáo dục và Đào tạo's task)."""
        if self.asked is None or not _MINISTRY_OR_DEPARTMENT.match(self.asked):
            return False  # (a board, a firm or a level is read under too many names to tell)
        whose = self._units_of(sentence, source)
        # «Sở Nội vụ» asked is «Sở Nội vụ thành phố Hà Nội» in the text
        return bool(whose) and not any(unit.startswith(self.asked) or self.asked.startswith(unit)
                                       for units in whose for unit in units)


def _units(obligation: Obligation) -> frozenset[str]:
    named = obligation.lead or obligation.actor
    return frozenset(key for part in split_units(named) if _specific(key := unit_key(part))) if named else frozenset()


def _specific(key: str) -> bool:
    return len(key.split()) >= 2 and not set(key.split()) <= _GENERIC or "_" in key


def asked_unit(question: str, known: Iterable[str]) -> str | None:
    """Of the known units, the one the question names as acting: the subject its asking part opens
    with, after the colon that ends a description of the document («Quyết định 2708 … Quảng Trị:
    UBND cấp xã gửi … trong bao lâu?») or a comma («Quảng Trị, UBND cấp xã gửi …»); not a unit
    named further on, as a recipient or an agent («các cơ quan được Sở Xây dựng lấy ý kiến …»).
    None when it opens with none of them."""
    asking = question.rsplit(":", 1)[-1]
    for clause in asking.split(","):
        text = unit_key(clause)
        opening = [key for key in known if re.match(rf"{re.escape(key)}(?!\w)", text)]
        if opening:
            return max(opening, key=len)
    return None
