"""Announcements to officials: who an audience is, and planning one message per recipient.

Audiences: "all"; "unit:<CODE>"; "missing:<obligation key>:<due YYYY-MM-DD>" (units the task is
assigned to with no report on that occurrence). Planning only writes outbox rows; the delivery
engine sends them.
"""
from __future__ import annotations

from datetime import date

from bot.db.models.people import AuditEntry
from bot.db.outbox import Outbox
from bot.db.outbox_rows import NewMessage
from bot.db.people import PeopleStore, Recipient
from bot.db.report_views import reported_units
from bot.db.tasks import TaskStore


class AudienceError(ValueError):
    """The audience names no unit or obligation we know; the message is for the user."""


def audience_recipients(people: PeopleStore, audience: str) -> list[Recipient]:
    kind, _, rest = audience.partition(":")
    if kind == "all" and not rest:
        return people.recipients()
    if kind == "unit":
        unit = people.unit(rest)
        if unit is None:
            raise AudienceError(f"Không có đơn vị mã «{rest}».")
        return people.recipients([unit.id])
    if kind == "missing":
        key, _, due = rest.partition(":")
        try:
            due_date = date.fromisoformat(due)
        except ValueError:
            raise AudienceError(f"Đối tượng «{audience}» không hợp lệ.") from None
        done = reported_units(people.engine, key, due_date)
        task = TaskStore(people.engine).get(key)
        owing = set(task.units) if task is not None else None  # the units the task is assigned to
        return people.recipients([u.id for u in people.units()
                                  if u.active and u.id not in done and (owing is None or u.id in owing)])
    raise AudienceError(f"Không hiểu đối tượng nhận «{audience}»: dùng all, unit:<MÃ> hoặc missing:….")


def describe_audience(people: PeopleStore, audience: str, title_limit: int = 90) -> str:
    """The audience in words: «tất cả cán bộ», «đơn vị SNV (Sở Nội vụ)», «các đơn vị chưa báo
    cáo về «…» (hạn 31/12/2025)»."""
    kind, _, rest = audience.partition(":")
    if kind == "unit":
        unit = people.unit(rest)
        return f"đơn vị {rest}" + (f" ({unit.name})" if unit else "")
    if kind == "missing":
        key, _, due = rest.partition(":")
        task = TaskStore(people.engine).get(key)
        title = f"«{_shorten(task.action, title_limit)}»" if task else "nhiệm vụ đã chọn"
        try:
            return f"các đơn vị chưa báo cáo về {title} (hạn {date.fromisoformat(due):%d/%m/%Y})"
        except ValueError:
            return f"các đơn vị chưa báo cáo về {title}"
    return "tất cả cán bộ" if audience == "all" else audience


def _shorten(action: str, limit: int) -> str:
    text = action[:1].upper() + action[1:]
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def plan_broadcast(outbox: Outbox, people: PeopleStore, text: str, audience: str, *,
                   created_by: int | None = None, report_to: tuple[str, str] | None = None,
                   channel: str | None = None) -> tuple[int, int]:
    """Record the broadcast, one pending message per recipient and its audit entry on
    `channel` (by default the chat's channel, or "cli" without a chat) in one transaction;
    (broadcast id, recipients)."""
    recipients = audience_recipients(people, audience)

    def messages(broadcast_id: int) -> list[NewMessage]:
        return [NewMessage(f"bc:{broadcast_id}:{r.official_id}", r.channel, r.chat_id, text,
                           official_id=r.official_id) for r in recipients]

    def audit(broadcast_id: int) -> AuditEntry:
        return AuditEntry(official_id=created_by, channel=channel or (report_to[0] if report_to else "cli"),
                          action="broadcast",
                          detail=f"thông báo #{broadcast_id} tới {audience}: {len(recipients)} người")

    broadcast_id, _ = outbox.plan_broadcast("announcement", text, audience, messages, created_by=created_by,
                                            report_to=report_to, audit=audit)
    return broadcast_id, len(recipients)
