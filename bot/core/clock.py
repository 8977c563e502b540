"""Vietnam time, the one clock officials read (UTC+7, no daylight saving)."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7), "ICT")
_DAY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_day(text: str) -> date:
    """A day as typed («31/3/2026», «31.03.2026») or as a date picker sends it («2026-03-31»);
    ValueError otherwise (argparse's «invalid value»)."""
    text = text.strip()
    match = _DAY.match(text)
    if match:
        d, m, y = (int(g) for g in match.groups())
        return date(y, m, d)
    return date.fromisoformat(text)


def in_vietnam(moment: datetime) -> datetime:
    return moment.astimezone(VIETNAM)


def vietnam_date(moment: datetime) -> date:
    """The calendar day it is in Vietnam at this moment."""
    return moment.astimezone(VIETNAM).date()


def clock_and_day(moment: datetime) -> str:
    """«09:05 18/11/2025»: receipts."""
    return in_vietnam(moment).strftime("%H:%M %d/%m/%Y")


def clock_on_day(moment: datetime) -> str:
    """«09:05 ngày 18/11/2025»: expiry of codes and similar sentences."""
    return in_vietnam(moment).strftime("%H:%M ngày %d/%m/%Y")


def day_and_clock(moment: datetime) -> str:
    """«18/11/2025 09:05»: tables on the command line."""
    return in_vietnam(moment).strftime("%d/%m/%Y %H:%M")
