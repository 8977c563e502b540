"""Tables of the application database, as SQLAlchemy 2 typed declarative models, one module per
area, all on the one `Base` of `base.py`:

- `documents.py` ingested documents, their obligations and criteria lists;
- `conversations.py` chat state, questions asked and feedback, seen updates, dialogs in progress;
- `people.py` units, officials, their accounts, invite and link codes, the audit log;
- `reports.py` progress reports;
- `tasks.py` the task register;
- `web.py` the dashboard's sign-in links and sessions;
- `delivery.py` broadcasts, the outbox, reminder mutes, rate counters, flags, leases.

Importing this package loads every area, so that `Base.metadata` holds every table: the
migrations compare against it, and a foreign key to another area's table always resolves.
"""
from __future__ import annotations

from bot.db.models import conversations, delivery, documents, people, reports, tasks, web  # noqa: F401
from bot.db.models.base import Base

__all__ = ["Base"]
