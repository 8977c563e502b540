"""Which units a document's actor names: «Sở Y tế» to that unit, «các sở, ban, ngành» to every
department, «UBND các xã, phường» to every commune, «các cơ quan, đơn vị, địa phương» to all.

Matching ignores case and diacritics and reads «UBND» as «Ủy ban nhân dân», «TP» as «thành
phố». A unit is named by its name, its code or one of its aliases (from the units file). What
matches no unit is returned as unknown, for the secretariat to assign by hand.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.db.people import UnitInfo
from bot.facts.units import normalise, split_units

# Classes of units (on normalised text) and the kinds they address; None: every unit.
_CLASSES: tuple[tuple[re.Pattern[str], frozenset[str] | None], ...] = (
    (re.compile(r"\bcac (?:co quan|don vi|dia phuong)(?:,? (?:co quan|don vi|dia phuong|to chuc))+\b"
                r"(?! (?:lien quan|co lien quan|duoc giao))"), None),
    (re.compile(r"\b(?:cac |)so,? ban,? nganh\b|\bcac so,? nganh\b|\bso,? nganh\b"),
     frozenset({"so", "nganh"})),
    (re.compile(r"\bcac so\b|\bcac co quan chuyen mon\b"), frozenset({"so"})),
    (re.compile(r"\b(?:uy ban nhan dan )?(?:cac |)(?:xa|phuong|dac khu)(?:,? (?:xa|phuong|dac khu|thi tran))+\b"
                r"|\b(?:uy ban nhan dan )?cap xa\b|\bcac (?:xa|phuong)\b(?! (?:an|thuc|tien|huong|hoi)\b)"
                r"|\b(?:uy ban nhan dan )?(?:cac |)(?:huyen|quan)(?:,? (?:huyen|quan|thi xa|thanh pho))+\b"
                r"|\b(?:uy ban nhan dan )?cap huyen\b"), frozenset({"ubnd_xa"})),
    (re.compile(r"\bcac nganh\b"), frozenset({"nganh"})),
)


@dataclass(frozen=True)
class Resolved:
    unit_ids: tuple[int, ...]   # in the order the actor names them
    unknown: tuple[str, ...]    # parts of the actor that name no known unit


class UnitMatcher:
    """Resolves actors against the active units."""

    def __init__(self, units: Iterable[UnitInfo]) -> None:
        self.units = [u for u in units if u.active]
        # (normalised name, unit id), longest first so that "so tai chinh" beats "so".
        names = {(normalise(n), u.id) for u in self.units for n in (u.name, u.code, *u.aliases) if n.strip()}
        self.names = sorted(names, key=lambda p: (-len(p[0]), p[1]))

    def resolve(self, actor: str | None) -> Resolved:
        """The units an actor names; an actor listing several units gives each of them."""
        if not actor or not actor.strip():
            return Resolved((), ())
        found: list[int] = []
        unknown: list[str] = []
        for part in split_units(actor) or (actor,):
            ids = self._part(normalise(part))
            if ids:
                found.extend(i for i in ids if i not in found)
            else:
                unknown.append(part.strip())
        return Resolved(tuple(found), tuple(unknown))

    def resolve_all(self, actors: Sequence[str]) -> Resolved:
        ids: list[int] = []
        unknown: list[str] = []
        for actor in actors:
            one = self.resolve(actor)
            ids.extend(i for i in one.unit_ids if i not in ids)
            unknown.extend(one.unknown)
        return Resolved(tuple(ids), tuple(unknown))

    def _part(self, text: str) -> list[int]:
        """Named units first (a name inside the part, or the part inside one unit's longer
        name); else every unit of the classes the part addresses («các sở, ban, ngành, UBND
        các xã, phường» is both)."""
        named = self._named(text)
        if named:
            return named
        kinds: set[str] = set()
        for pattern, addressed in _CLASSES:
            if pattern.search(text):
                if addressed is None:
                    return [u.id for u in self.units]
                kinds |= addressed
        return [u.id for u in self.units if u.kind in kinds]

    def _named(self, text: str) -> list[int]:
        padded = f" {text.replace(',', ' ')} "
        ids: list[int] = []
        for name, unit_id in self.names:
            if f" {name.replace(',', ' ')} " in padded and unit_id not in ids:
                ids.append(unit_id)
                padded = padded.replace(f" {name.replace(',', ' ')} ", " ¦ ")
        if ids:
            return ids
        # «Sở Nội vụ» in a document, «Sở Nội vụ tỉnh Đắk Lắk» in the units file: one unit only.
        if len(text.split()) >= 2:
            inside = {unit_id for name, unit_id in self.names if f" {text} " in f" {name} "}
            if len(inside) == 1:
                return list(inside)
        return []
