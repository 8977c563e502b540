"""Typed button data: a prefix and typed fields, packed as `prefix:field:…` in one place and
within Telegram's 64-byte limit, so the module that builds a button and the one that reads it
share one class instead of an f-string and a split.

    @dataclass(frozen=True)
    class StartReport(CallbackData, prefix="rp:start"):
        key: str
        due: date | None = None

    StartReport("k1", date(2026, 3, 31)).pack() == "rp:start:k1:20260331"
    StartReport.unpack("rp:start:k1") == StartReport("k1")
"""
from __future__ import annotations

import dataclasses
import types
from datetime import date, datetime
from typing import Any, ClassVar, Self, Union, get_args, get_origin, get_type_hints

MAX_BYTES = 64  # Telegram's limit for callback_data
SEP = ":"
DATE = "%Y%m%d"


class CallbackDataError(ValueError):
    """Data that do not belong to this class, or do not fit in a button."""


class CallbackData:
    """Base of the typed button data. Subclass as a frozen dataclass with `prefix="…"`.

    Fields are str, int, bool or date, optionally `| None` (packed as an empty part); the last
    field may contain ":"; empty trailing parts are left out."""

    prefix: ClassVar[str] = ""

    def __init_subclass__(cls, prefix: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if prefix:
            cls.prefix = prefix

    def pack(self) -> str:
        parts = [_encode(getattr(self, f.name)) for f in dataclasses.fields(self)]  # type: ignore[arg-type]
        while parts and parts[-1] == "":
            parts.pop()
        data = SEP.join([self.prefix, *parts])
        if len(data.encode("utf-8")) > MAX_BYTES:
            raise CallbackDataError(f"button data over {MAX_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def matches(cls, data: str) -> bool:
        return data == cls.prefix or data.startswith(cls.prefix + SEP)

    @classmethod
    def unpack(cls, data: str) -> Self:
        if not cls.matches(data):
            raise CallbackDataError(f"not {cls.__name__} data: {data!r}")
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        rest = data[len(cls.prefix) + 1:]
        raw = rest.split(SEP, len(fields) - 1) if fields and rest else []
        hints = get_type_hints(cls)
        try:
            values = {f.name: _decode(hints[f.name], part) for f, part in zip(fields, raw)}
            return cls(**values)
        except (TypeError, ValueError) as exc:
            raise CallbackDataError(f"bad {cls.__name__} data {data!r}: {exc}") from None


def _encode(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date):
        return value.strftime(DATE)
    return str(value)


def _decode(kind: Any, raw: str) -> Any:
    if get_origin(kind) in (Union, types.UnionType):
        if raw == "":
            return None
        kind = next(k for k in get_args(kind) if k is not type(None))
    if kind is bool:
        if raw not in ("0", "1"):
            raise ValueError(f"not 0/1: {raw!r}")
        return raw == "1"
    if kind is int:
        return int(raw)
    if kind is date:
        return datetime.strptime(raw, DATE).date()
    return raw
