"""Sign-in links and sessions of the web dashboard, with no password stored anywhere.

A link carries a random 256-bit token; the database keeps only its SHA-256, so a copy of the
database opens nothing. Redeeming a link is one conditional UPDATE (unused, unexpired), so a link
works exactly once even when two browsers race for it. A session is a second random token in an
HttpOnly cookie, kept server-side as its hash with a CSRF token; it ends on «Đăng xuất» or after
the idle timeout (the official's role and activity are read again on every request).
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import update

from bot.db.engine import Repository
from bot.db.models import web as m
from bot.db.models.base import utc_now

TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often


class LinkProblem(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


class LinkError(Exception):
    def __init__(self, problem: LinkProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class WebSession:
    token: str        # the cookie's value (only its hash is stored)
    official_id: int
    csrf: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class WebStore(Repository):
    def create_link(self, official_id: int, minutes: int, now: datetime | None = None) -> str:
        """A one-time sign-in token for this official, valid `minutes`."""
        now = now or utc_now()
        token = secrets.token_urlsafe(32)
        with self._write() as session, session.begin():
            session.add(m.WebLink(token_hash=_hash(token), official_id=official_id, created_at=now,
                                  expires_at=now + timedelta(minutes=minutes)))
        return token

    def redeem(self, token: str, now: datetime | None = None) -> WebSession:
        """Spend a link and open a session; LinkError says why not."""
        now = now or utc_now()
        key = _hash(token)
        with self._write() as session, session.begin():
            spent = session.execute(update(m.WebLink).where(
                m.WebLink.token_hash == key, m.WebLink.used_at.is_(None), m.WebLink.expires_at > now)
                .values(used_at=now).returning(m.WebLink.official_id)).scalar_one_or_none()
            if spent is None:
                link = session.get(m.WebLink, key)
                raise LinkError(LinkProblem.UNKNOWN if link is None else
                                LinkProblem.USED if link.used_at is not None else LinkProblem.EXPIRED)
            opened = WebSession(secrets.token_urlsafe(32), spent, secrets.token_urlsafe(24))
            session.add(m.WebSession(token_hash=_hash(opened.token), official_id=spent, csrf=opened.csrf,
                                     created_at=now, last_seen_at=now))
        return opened

    def session(self, token: str, idle: timedelta, now: datetime | None = None) -> WebSession | None:
        """The live session of this cookie, or None (unknown, ended, or idle too long)."""
        now = now or utc_now()
        key = _hash(token)
        with self._read() as session:
            row = session.get(m.WebSession, key)
            if row is None or row.ended_at is not None or row.last_seen_at + idle < now:
                return None
            found = WebSession(token, row.official_id, row.csrf)
            stale = row.last_seen_at + TOUCH_EVERY < now
        if stale:
            with self._write() as session, session.begin():
                session.execute(update(m.WebSession).where(m.WebSession.token_hash == key)
                                .values(last_seen_at=now))
        return found

    def end(self, token: str, now: datetime | None = None) -> bool:
        with self._write() as session, session.begin():
            result = session.execute(update(m.WebSession).where(
                m.WebSession.token_hash == _hash(token), m.WebSession.ended_at.is_(None))
                .values(ended_at=now or utc_now()))
            return bool(result.rowcount)
