"""Vietnam time, the one clock officials read (UTC+7, no daylight saving)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7), "ICT")


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
