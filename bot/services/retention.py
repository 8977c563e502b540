"""Logs are not kept for ever: questions asked (with their answers and votes) and the audit log
are deleted after `retention.*` days, and rate counters once their window is long over. Run
hourly beside a bot (`bot.channels.background`) and by `python -m bot prune`."""
from __future__ import annotations

import sys
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.db.audit import AuditLog
from bot.db.chats import ChatStore
from bot.db.counters import Counters

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bot.config import Retention, Settings


def prune(engine: "Engine", config: "Retention", now: datetime) -> dict[str, int]:
    """Delete what is past its retention; rows deleted per table."""
    return {"asked_questions": ChatStore(engine).prune_questions(now - timedelta(days=config.questions_days)),
            "audit_log": AuditLog(engine).prune_audit(now - timedelta(days=config.audit_days)),
            "rate_counters": Counters(engine).prune(now)}


def prune_cli(settings: "Settings") -> int:
    """`python -m bot prune`: prune once and say what went."""
    from bot.db.engine import shared_engine
    from bot.db.models.base import utc_now

    removed = prune(shared_engine(settings.database_url), settings.retention, utc_now())
    print(f"Đã xóa {removed['asked_questions']} câu hỏi cũ hơn {settings.retention.questions_days} ngày, "
          f"{removed['audit_log']} dòng nhật ký quản trị cũ hơn {settings.retention.audit_days} ngày, "
          f"{removed['rate_counters']} bộ đếm đã hết hạn.", file=sys.stdout)
    return 0
