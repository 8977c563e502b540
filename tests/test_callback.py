"""Typed button data: what a button carries comes back as it was sent, and never outgrows Telegram."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from bot.core.callback import CallbackData, CallbackDataError


@dataclass(frozen=True)
class Start(CallbackData, prefix="rp:start"):
    key: str
    due: date | None = None


@dataclass(frozen=True)
class Vote(CallbackData, prefix="fb"):
    useful: bool
    question: int


def test_pack_and_unpack_round_trip() -> None:
    assert Start("k1", date(2026, 3, 31)).pack() == "rp:start:k1:20260331"
    assert Start("k1").pack() == "rp:start:k1"  # an empty trailing part is left out
    assert Start.unpack("rp:start:k1:20260331") == Start("k1", date(2026, 3, 31))
    assert Start.unpack("rp:start:k1") == Start("k1")
    assert Vote.unpack(Vote(True, 42).pack()) == Vote(True, 42)
    assert Vote(False, 7).pack() == "fb:0:7"


def test_foreign_or_broken_data_are_refused() -> None:
    assert not Start.matches("rp:s:done") and not Start.matches("rp:startx:1")
    for data in ("rp:s:done", "fb:2:1", "fb:1:x", "rp:start:k1:2026"):
        with pytest.raises(CallbackDataError):
            (Vote if data.startswith("fb") else Start).unpack(data)


def test_data_over_64_bytes_are_refused_when_packed() -> None:
    with pytest.raises(CallbackDataError, match="64 bytes"):
        Start("đ" * 40).pack()
