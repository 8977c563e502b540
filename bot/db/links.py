"""One official on two messengers: link codes, and the account that typed one waiting for the
code's owner to confirm it (`bot.features.account_links` is the chat around it)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.db.audit import add_entry
from bot.db.engine import Repository
from bot.db.models.base import utc_now
from bot.db.models.people import Identity, InviteCode, LinkRequest, Official
from bot.db.people import LINK_ROLE, InviteError, InviteProblem, Member, check_invite, new_code, normalise_code, \
    redeem


@dataclass(frozen=True)
class PendingLink:
    """An account that typed a link code, waiting for the code's owner to confirm it."""

    code: str
    official_id: int  # the code's owner
    channel: str
    user_id: str
    chat_id: str
    name: str
    expires_at: datetime

    @property
    def account(self) -> str:
        return f"{self.channel}:{self.user_id}"


class LinkStore(Repository):
    """Link codes and the requests waiting on them."""

    def link_code(self, official_id: int, *, hours: int = 24, now: datetime | None = None) -> str:
        """A one-time code that links another messenger account to this official."""
        now = now or utc_now()
        with self._write() as session, session.begin():
            official = session.get_one(Official, official_id)
            if official.unit_id is None:
                raise ValueError("an official without a unit cannot link accounts by code")
            row = InviteCode(code=new_code(), unit_id=official.unit_id, role=LINK_ROLE, max_uses=1,
                             created_by=official_id, created_at=now,
                             expires_at=now + timedelta(hours=hours))
            session.add(row)
            return row.code

    def request_link(self, channel: str, user_id: str, chat_id: str, name: str, code: str,
                     now: datetime | None = None) -> PendingLink:
        """Hold a link code for this account until the code's owner confirms. InviteError when
        the code cannot be used, or when another account already waits on it (USED_UP)."""
        now = now or utc_now()
        with self._write() as session, session.begin():
            invite = session.get(InviteCode, normalise_code(code), with_for_update=True)
            check_invite(session, invite, now)
            assert invite is not None and invite.role == LINK_ROLE and invite.created_by is not None
            request = session.get(LinkRequest, invite.code)
            if request is not None and (request.channel, request.user_id) != (channel, user_id):
                raise InviteError(InviteProblem.USED_UP)
            if request is None:
                request = LinkRequest(code=invite.code, channel=channel, user_id=user_id, chat_id=chat_id,
                                      name=name, requested_at=now)
                session.add(request)
            return _pending(request, invite)

    def pending_links(self, official_id: int, now: datetime | None = None) -> list[PendingLink]:
        """Accounts waiting for this official to confirm them, on codes still valid."""
        stmt = (select(LinkRequest, InviteCode).join(InviteCode, InviteCode.code == LinkRequest.code)
                .where(InviteCode.created_by == official_id, InviteCode.revoked_at.is_(None),
                       InviteCode.expires_at > (now or utc_now()))
                .order_by(LinkRequest.requested_at))
        with self._read() as session:
            return [_pending(request, invite) for request, invite in session.execute(stmt)]

    def confirm_link(self, code: str, official_id: int,
                     now: datetime | None = None) -> tuple[PendingLink, Member, int | None]:
        """The owner confirms: the waiting account becomes theirs. Returns the request, the
        official now, and the official the account belonged to before (if another one).
        InviteError when the code is no longer usable, is not this official's, or nobody waits."""
        now = now or utc_now()
        with self._write() as session, session.begin():
            invite = session.get(InviteCode, normalise_code(code), with_for_update=True)
            request = session.get(LinkRequest, normalise_code(code))
            if invite is None or request is None or invite.role != LINK_ROLE or invite.created_by != official_id:
                raise InviteError(InviteProblem.UNKNOWN)
            check_invite(session, invite, now)
            pending = _pending(request, invite)
            before = session.get(Identity, (request.channel, request.user_id))
            previous = before.official_id if before is not None and before.official_id != official_id else None
            member = redeem(session, invite, request.channel, request.user_id, request.chat_id, request.name, now)
            session.delete(request)
            return pending, member, previous

    def refuse_link(self, code: str, official_id: int, *, channel: str) -> PendingLink | None:
        """The owner says it was not them: the request is dropped and the code revoked; the
        request, or None when there was none of theirs."""
        with self._write() as session, session.begin():
            invite = session.get(InviteCode, normalise_code(code), with_for_update=True)
            request = session.get(LinkRequest, normalise_code(code))
            if invite is None or request is None or invite.created_by != official_id:
                return None
            pending = _pending(request, invite)
            session.delete(request)
            invite.revoked_at = invite.revoked_at or utc_now()
            add_entry(session, official_id, channel, "link_refused",
                      f"từ chối nối {request.channel}:{request.user_id} bằng mã {invite.code}")
            return pending


def _pending(request: LinkRequest, invite: InviteCode) -> PendingLink:
    assert invite.created_by is not None
    return PendingLink(request.code, invite.created_by, request.channel, request.user_id, request.chat_id,
                       request.name, invite.expires_at)
