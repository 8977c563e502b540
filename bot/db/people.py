"""Units, officials, their messenger accounts and roles; invite codes; the audit log.

Who may do what is decided from what this store returns: `member()` is the one lookup every
command makes. Admins named in the config are admins from their first message on.
"""
from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, Engine, delete, func, select, update
from sqlalchemy.orm import Session

from bot.db import models as m
from bot.db.engine import Repository

# Invite codes: no 0/O, 1/I/L, so a code read aloud or off a screen is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
LINK_ROLE = "link"  # an invite that links a second messenger account to its creator


class Role(StrEnum):
    ADMIN = "admin"        # the secretariat: codes, roles, summaries, exports, broadcasts
    REPORTER = "reporter"  # reports for their own unit
    READER = "reader"      # registered, reads; reminders too, but no reports


ROLE_NAMES = {Role.ADMIN: "quản trị (văn phòng)", Role.REPORTER: "báo cáo của đơn vị",
              Role.READER: "chỉ xem"}
# What officials type for each role in /quyen and /taoma.
ROLE_WORDS = {"admin": Role.ADMIN, "quantri": Role.ADMIN, "baocao": Role.REPORTER,
              "reporter": Role.REPORTER, "xem": Role.READER, "reader": Role.READER}


UNIT_KINDS = ("so", "ubnd_xa", "nganh", "khac")  # see `bot.services.unit_match`


@dataclass(frozen=True)
class UnitInfo:
    id: int
    code: str
    name: str
    active: bool = True
    kind: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnitSpec:
    """A unit as a units file gives it; kind and aliases None when the file has no such column
    (the stored ones are then kept)."""

    code: str
    name: str
    kind: str | None = None
    aliases: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Member:
    """A registered official as seen from one of their messenger accounts."""

    official_id: int
    name: str
    role: Role
    unit: UnitInfo | None
    active: bool = True

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


@dataclass(frozen=True)
class Invite:
    code: str
    unit: UnitInfo
    role: str
    expires_at: datetime
    uses: int = 0
    max_uses: int | None = None
    revoked: bool = False
    created_by: int | None = None  # the admin (or, for a link code, the official) who made it


@dataclass(frozen=True)
class Recipient:
    """Where to write to an official: their most recently used messenger account."""

    official_id: int
    unit_id: int | None
    channel: str
    chat_id: str


@dataclass(frozen=True)
class OfficialInfo:
    official_id: int
    name: str
    role: Role
    unit: UnitInfo | None
    active: bool               # some account still receives (or none is linked yet)
    accounts: tuple[str, ...]  # "telegram:123", "zalo:abc"
    unreachable: tuple[str, ...] = ()  # accounts that stopped receiving (blocked the bot…)


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


@dataclass(frozen=True)
class AuditFilter:
    """Which audit entries to show: each given field narrows; `since` inclusive, `until` not."""

    action: str | None = None
    channel: str | None = None
    official_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        entry = m.AuditEntry
        found: list[ColumnElement[bool]] = []
        if self.action:
            found.append(entry.action == self.action)
        if self.channel:
            found.append(entry.channel == self.channel)
        if self.official_id is not None:
            found.append(entry.official_id == self.official_id)
        if self.since is not None:
            found.append(entry.at >= self.since)
        if self.until is not None:
            found.append(entry.at < self.until)
        return found


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    official_id: int | None
    official_name: str | None
    channel: str
    action: str
    detail: str


@dataclass(frozen=True)
class AuditChoices:
    actions: list[str]
    channels: list[str]
    officials: list[tuple[int, str]]  # (id, name) of those who appear in the log


class InviteProblem(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED_UP = "used_up"
    UNIT_CLOSED = "unit_closed"


class InviteError(Exception):
    def __init__(self, problem: InviteProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


class PeopleStore(Repository):
    """Reads and writes the people tables of a migrated database."""

    def __init__(self, engine: Engine, admins: Iterable[str] = ()) -> None:
        super().__init__(engine)
        self.admins = frozenset(admins)

    # -- units ----------------------------------------------------------------------------------

    def import_units(self, units: Iterable[UnitSpec | tuple[str, str]]) -> tuple[int, int]:
        """Add or update units by code; (added, updated). Units not listed are kept."""
        added = updated = 0
        with self._write() as session, session.begin():
            existing = {u.code: u for u in session.scalars(select(m.Unit))}
            for spec in units:
                spec = spec if isinstance(spec, UnitSpec) else UnitSpec(*spec)
                code, name = normalise_code(spec.code), " ".join(spec.name.split())
                unit = existing.get(code)
                if unit is None:
                    unit = m.Unit(code=code, name=name, active=True, kind=spec.kind,
                                  aliases="\n".join(spec.aliases or ()))
                    session.add(unit)
                    existing[code] = unit
                    added += 1
                elif _update_unit(unit, spec, name):
                    updated += 1
        return added, updated

    def units(self) -> list[UnitInfo]:
        with self._read() as session:
            return [_unit(u) for u in session.scalars(select(m.Unit).order_by(m.Unit.code))]

    def unit(self, code: str) -> UnitInfo | None:
        with self._read() as session:
            row = session.scalar(select(m.Unit).where(m.Unit.code == normalise_code(code)))
            return _unit(row) if row else None

    # -- who is writing -------------------------------------------------------------------------

    def member(self, channel: str, user_id: str, chat_id: str | None = None, name: str = "") -> Member | None:
        """The official behind a messenger account, or None if unregistered.

        A config admin gets an official record on first contact; every call refreshes the
        account's last use (replies and reminders go to the most recent account).
        """
        is_config_admin = f"{channel}:{user_id}" in self.admins
        with self._write() as session, session.begin():
            identity = session.get(m.Identity, (channel, user_id))
            if identity is None:
                if not is_config_admin:
                    return None
                official = m.Official(name=name, role=Role.ADMIN.value, active=True)
                session.add(official)
                session.flush()
                identity = m.Identity(channel=channel, user_id=user_id, official_id=official.id,
                                      chat_id=chat_id or user_id)
                session.add(identity)
            official = session.get_one(m.Official, identity.official_id)
            if is_config_admin and official.role != Role.ADMIN.value:
                official.role = Role.ADMIN.value
            if chat_id and identity.chat_id != chat_id and chat_id == user_id:
                identity.chat_id = chat_id
            identity.last_seen_at = m.utc_now()
            if name and not official.name:
                official.name = name
            if not identity.active:  # this account wrote again: it receives again
                identity.active = True
            unit = session.get(m.Unit, official.unit_id) if official.unit_id else None
            return Member(official.id, official.name, Role(official.role), _unit(unit) if unit else None)

    def register(self, channel: str, user_id: str, chat_id: str, name: str, code: str,
                 now: datetime | None = None) -> Member:
        """Redeem an invite code: join its unit with its role (or, for a link code, become
        another account of the official who made it: the chat asks the owner first, see
        `request_link`). Raises InviteError."""
        now = now or m.utc_now()
        with self._write() as session, session.begin():
            invite = session.get(m.InviteCode, normalise_code(code), with_for_update=True)
            _check_invite(session, invite, now)
            assert invite is not None
            return _redeem(session, invite, channel, user_id, chat_id, name, now)

    # -- linking a second account, confirmed by the first --------------------------------------

    def request_link(self, channel: str, user_id: str, chat_id: str, name: str, code: str,
                     now: datetime | None = None) -> PendingLink:
        """Hold a link code for this account until the code's owner confirms. InviteError when
        the code cannot be used, or when another account already waits on it (USED_UP)."""
        now = now or m.utc_now()
        with self._write() as session, session.begin():
            invite = session.get(m.InviteCode, normalise_code(code), with_for_update=True)
            _check_invite(session, invite, now)
            assert invite is not None and invite.role == LINK_ROLE and invite.created_by is not None
            request = session.get(m.LinkRequest, invite.code)
            if request is not None and (request.channel, request.user_id) != (channel, user_id):
                raise InviteError(InviteProblem.USED_UP)
            if request is None:
                request = m.LinkRequest(code=invite.code, channel=channel, user_id=user_id, chat_id=chat_id,
                                        name=name, requested_at=now)
                session.add(request)
            return _pending(request, invite)

    def pending_links(self, official_id: int, now: datetime | None = None) -> list[PendingLink]:
        """Accounts waiting for this official to confirm them, on codes still valid."""
        stmt = (select(m.LinkRequest, m.InviteCode).join(m.InviteCode, m.InviteCode.code == m.LinkRequest.code)
                .where(m.InviteCode.created_by == official_id, m.InviteCode.revoked_at.is_(None),
                       m.InviteCode.expires_at > (now or m.utc_now()))
                .order_by(m.LinkRequest.requested_at))
        with self._read() as session:
            return [_pending(request, invite) for request, invite in session.execute(stmt)]

    def confirm_link(self, code: str, official_id: int,
                     now: datetime | None = None) -> tuple[PendingLink, Member, int | None]:
        """The owner confirms: the waiting account becomes theirs. Returns the request, the
        official now, and the official the account belonged to before (if another one).
        InviteError when the code is no longer usable, is not this official's, or nobody waits."""
        now = now or m.utc_now()
        with self._write() as session, session.begin():
            invite = session.get(m.InviteCode, normalise_code(code), with_for_update=True)
            request = session.get(m.LinkRequest, normalise_code(code))
            if invite is None or request is None or invite.role != LINK_ROLE or invite.created_by != official_id:
                raise InviteError(InviteProblem.UNKNOWN)
            _check_invite(session, invite, now)
            pending = _pending(request, invite)
            before = session.get(m.Identity, (request.channel, request.user_id))
            previous = before.official_id if before is not None and before.official_id != official_id else None
            member = _redeem(session, invite, request.channel, request.user_id, request.chat_id, request.name, now)
            session.delete(request)
            return pending, member, previous

    def refuse_link(self, code: str, official_id: int, *, channel: str) -> PendingLink | None:
        """The owner says it was not them: the request is dropped and the code revoked; the
        request, or None when there was none of theirs."""
        with self._write() as session, session.begin():
            invite = session.get(m.InviteCode, normalise_code(code), with_for_update=True)
            request = session.get(m.LinkRequest, normalise_code(code))
            if invite is None or request is None or invite.created_by != official_id:
                return None
            pending = _pending(request, invite)
            session.delete(request)
            invite.revoked_at = invite.revoked_at or m.utc_now()
            _audit(session, official_id, channel, "link_refused",
                   f"từ chối nối {request.channel}:{request.user_id} bằng mã {invite.code}")
            return pending

    # -- invite codes ---------------------------------------------------------------------------

    def create_invite(self, unit_code: str, role: Role | str = Role.REPORTER, *, days: int = 7,
                      max_uses: int | None = None, by: int | None = None, channel: str = "cli",
                      now: datetime | None = None) -> Invite:
        """A fresh code for the unit; KeyError when there is no such unit."""
        now = now or m.utc_now()
        role = str(Role(role)) if role != LINK_ROLE else LINK_ROLE
        with self._write() as session, session.begin():
            unit = session.scalar(select(m.Unit).where(m.Unit.code == normalise_code(unit_code)))
            if unit is None:
                raise KeyError(unit_code)
            row = m.InviteCode(code=new_code(), unit_id=unit.id, role=role, max_uses=max_uses,
                               created_by=by, created_at=now, expires_at=now + timedelta(days=days))
            session.add(row)
            if role != LINK_ROLE:
                _audit(session, by, channel, "invite",
                       f"mã {row.code} cho {unit.code}, vai trò {role}, "
                       f"{f'{max_uses} lượt' if max_uses else 'không giới hạn lượt'}, hết hạn sau {days} ngày")
            return Invite(row.code, _unit(unit), role, row.expires_at, 0, max_uses, created_by=by)

    def link_code(self, official_id: int, *, hours: int = 24, now: datetime | None = None) -> str:
        """A one-time code that links another messenger account to this official."""
        now = now or m.utc_now()
        with self._write() as session, session.begin():
            official = session.get_one(m.Official, official_id)
            if official.unit_id is None:
                raise ValueError("an official without a unit cannot link accounts by code")
            row = m.InviteCode(code=new_code(), unit_id=official.unit_id, role=LINK_ROLE, max_uses=1,
                               created_by=official_id, created_at=now,
                               expires_at=now + timedelta(hours=hours))
            session.add(row)
            return row.code

    def revoke_invite(self, code: str, *, by: int | None = None, channel: str = "cli") -> bool:
        with self._write() as session, session.begin():
            invite = session.get(m.InviteCode, normalise_code(code))
            if invite is None or invite.revoked_at is not None:
                return False
            invite.revoked_at = m.utc_now()
            _audit(session, by, channel, "revoke", f"thu hồi mã {invite.code}")
            return True

    def invites(self, unit_code: str | None = None) -> list[Invite]:
        stmt = (select(m.InviteCode, m.Unit).join(m.Unit, m.Unit.id == m.InviteCode.unit_id)
                .where(m.InviteCode.role != LINK_ROLE).order_by(m.InviteCode.created_at.desc()))
        if unit_code:
            stmt = stmt.where(m.Unit.code == normalise_code(unit_code))
        with self._read() as session:
            return [_invite(i, u) for i, u in session.execute(stmt)]

    def invite(self, code: str) -> Invite | None:
        """One code (an invite or a link code) as it stands, or None."""
        stmt = (select(m.InviteCode, m.Unit).join(m.Unit, m.Unit.id == m.InviteCode.unit_id)
                .where(m.InviteCode.code == normalise_code(code)))
        with self._read() as session:
            row = session.execute(stmt).first()
            return _invite(*row) if row is not None else None

    # -- officials and roles --------------------------------------------------------------------

    def grant(self, official_id: int, role: Role, *, by: int | None, channel: str) -> bool:
        """Change an official's role; False when there is no such official."""
        with self._write() as session, session.begin():
            official = session.get(m.Official, official_id)
            if official is None:
                return False
            before, official.role = official.role, role.value
            _audit(session, by, channel, "grant", f"cán bộ #{official_id}: {before} → {role.value}")
            return True

    def official(self, official_id: int) -> OfficialInfo | None:
        return next((o for o in self.officials(official_id=official_id)), None)

    def officials(self, unit_code: str | None = None, *, official_id: int | None = None) -> list[OfficialInfo]:
        stmt = select(m.Official).order_by(m.Official.unit_id, m.Official.id)
        with self._read() as session:
            units = {u.id: _unit(u) for u in session.scalars(select(m.Unit))}
            if unit_code:
                wanted = [u.id for u in units.values() if u.code == normalise_code(unit_code)]
                stmt = stmt.where(m.Official.unit_id.in_(wanted))
            identities = select(m.Identity).order_by(m.Identity.linked_at)
            if official_id is not None:
                stmt = stmt.where(m.Official.id == official_id)
                identities = identities.where(m.Identity.official_id == official_id)
            accounts: dict[int, list[m.Identity]] = {}
            for ident in session.scalars(identities):
                accounts.setdefault(ident.official_id, []).append(ident)
            return [_official_info(o, units.get(o.unit_id) if o.unit_id else None, accounts.get(o.id, []))
                    for o in session.scalars(stmt)]

    def recipients(self, unit_ids: Iterable[int] | None = None, *,
                   roles: Iterable[Role] = (Role.REPORTER, Role.READER, Role.ADMIN),
                   official_ids: Iterable[int] | None = None) -> list[Recipient]:
        """Active officials (of these units, or all; or these officials), each once, at their
        most recent messenger account that still receives (console accounts are never sent to:
        their rows would never settle)."""
        stmt = (select(m.Official.id, m.Official.unit_id, m.Identity.channel, m.Identity.chat_id,
                       m.Identity.last_seen_at)
                .join(m.Identity, m.Identity.official_id == m.Official.id)
                .where(m.Official.active.is_(True), m.Identity.active.is_(True),
                       m.Official.role.in_([r.value for r in roles]),
                       m.Identity.channel.in_(("telegram", "zalo"))))
        if unit_ids is not None:
            stmt = stmt.where(m.Official.unit_id.in_(list(unit_ids)))
        if official_ids is not None:
            stmt = stmt.where(m.Official.id.in_(list(official_ids)))
        best: dict[int, tuple[datetime, Recipient]] = {}
        with self._read() as session:
            for official_id, unit_id, channel, chat_id, seen in session.execute(stmt):
                if official_id not in best or seen > best[official_id][0]:
                    best[official_id] = (seen, Recipient(official_id, unit_id, channel, chat_id))
        return [r for _, r in sorted(best.values(), key=lambda p: p[1].official_id)]

    def reachable_account(self, official_id: int) -> Recipient | None:
        """The official's most recent account that still receives, whatever their role."""
        found = self.recipients(roles=tuple(Role), official_ids=[official_id])
        return found[0] if found else None

    def deactivate(self, channel: str, chat_id: str) -> int:
        """Mark the accounts behind a chat as no longer receiving (blocked the bot, never started
        it, deleted); the officials' other accounts still receive. How many accounts."""
        stmt = (update(m.Identity).where(m.Identity.channel == channel, m.Identity.chat_id == chat_id,
                                         m.Identity.active.is_(True))
                .values(active=False).execution_options(synchronize_session=False))
        with self._write() as session, session.begin():
            return int(session.execute(stmt).rowcount or 0)

    def move_chat(self, channel: str, old_chat_id: str, new_chat_id: str) -> int:
        """A chat got a new id (a Telegram group upgraded to a supergroup); how many accounts."""
        stmt = (update(m.Identity).where(m.Identity.channel == channel, m.Identity.chat_id == old_chat_id)
                .values(chat_id=new_chat_id).execution_options(synchronize_session=False))
        with self._write() as session, session.begin():
            return int(session.execute(stmt).rowcount or 0)

    # -- audit ----------------------------------------------------------------------------------

    def audit(self, official_id: int | None, channel: str, action: str, detail: str = "") -> None:
        with self._write() as session, session.begin():
            _audit(session, official_id, channel, action, detail)

    def audit_log(self, limit: int = 100) -> list[tuple[datetime, int | None, str, str, str]]:
        stmt = select(m.AuditEntry).order_by(m.AuditEntry.id.desc()).limit(limit)
        with self._read() as session:
            return [(a.at, a.official_id, a.channel, a.action, a.detail) for a in session.scalars(stmt)]

    def audit_entries(self, wanted: AuditFilter | None = None, *, offset: int = 0,
                      limit: int = 50) -> tuple[list[AuditRow], int]:
        """One page of the entries that match, newest first, with who made them; and how many
        entries match in all."""
        conditions = (wanted or AuditFilter()).conditions()
        entry = m.AuditEntry
        stmt = (select(entry.id, entry.at, entry.official_id, m.Official.name, entry.channel, entry.action,
                       entry.detail)
                .outerjoin(m.Official, m.Official.id == entry.official_id).where(*conditions)
                .order_by(entry.id.desc()).offset(offset).limit(limit))
        count = select(func.count()).select_from(entry).where(*conditions)
        with self._read() as session:
            rows = [AuditRow(*row) for row in session.execute(stmt)]
            return rows, int(session.scalar(count) or 0)

    def audit_choices(self) -> AuditChoices:
        """The actions, channels and officials the log holds, for its filters."""
        entry = m.AuditEntry
        officials = (select(m.Official.id, m.Official.name).where(
            m.Official.id.in_(select(entry.official_id).where(entry.official_id.is_not(None)).distinct()))
            .order_by(m.Official.name, m.Official.id))
        with self._read() as session:
            actions = list(session.scalars(select(entry.action).distinct().order_by(entry.action)))
            channels = list(session.scalars(select(entry.channel).distinct().order_by(entry.channel)))
            return AuditChoices(actions, channels, [(i, n) for i, n in session.execute(officials)])

    def prune_audit(self, before: datetime) -> int:
        """Delete audit entries written before this moment; how many."""
        with self._write() as session, session.begin():
            result = session.execute(delete(m.AuditEntry).where(m.AuditEntry.at < before))
            return int(result.rowcount or 0)

    def count_officials(self) -> int:
        with self._read() as session:
            return int(session.scalar(select(func.count()).select_from(m.Official)) or 0)


def normalise_code(code: str) -> str:
    return "".join(code.split()).upper()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _redeem(session: Session, invite: m.InviteCode, channel: str, user_id: str, chat_id: str, name: str,
            now: datetime) -> Member:
    """Use a checked code for this account: join its unit with its role, or (a link code)
    become another account of its owner."""
    invite.uses += 1
    identity = session.get(m.Identity, (channel, user_id))
    if invite.role == LINK_ROLE:
        official = session.get_one(m.Official, invite.created_by)
    elif identity is not None:
        official = session.get_one(m.Official, identity.official_id)
        if official.role != Role.ADMIN.value:
            official.role = invite.role
        official.unit_id = invite.unit_id
    else:
        official = m.Official(name=name, unit_id=invite.unit_id, role=invite.role, active=True)
        session.add(official)
        session.flush()
    if identity is None:
        session.add(m.Identity(channel=channel, user_id=user_id, official_id=official.id, chat_id=chat_id))
    else:
        identity.official_id, identity.chat_id, identity.last_seen_at = official.id, chat_id, now
    official.name = official.name or name
    _audit(session, official.id, channel, "register",
           f"{'liên kết' if invite.role == LINK_ROLE else invite.role} bằng mã {invite.code}")
    unit = session.get(m.Unit, official.unit_id) if official.unit_id else None
    return Member(official.id, official.name, Role(official.role), _unit(unit) if unit else None)


def _pending(request: m.LinkRequest, invite: m.InviteCode) -> PendingLink:
    assert invite.created_by is not None
    return PendingLink(request.code, invite.created_by, request.channel, request.user_id, request.chat_id,
                       request.name, invite.expires_at)


def _check_invite(session: Session, invite: m.InviteCode | None, now: datetime) -> None:
    if invite is None:
        raise InviteError(InviteProblem.UNKNOWN)
    if invite.revoked_at is not None:
        raise InviteError(InviteProblem.REVOKED)
    if invite.expires_at <= now:
        raise InviteError(InviteProblem.EXPIRED)
    if invite.max_uses is not None and invite.uses >= invite.max_uses:
        raise InviteError(InviteProblem.USED_UP)
    unit = session.get(m.Unit, invite.unit_id)
    if unit is None or not unit.active:
        raise InviteError(InviteProblem.UNIT_CLOSED)


def _audit(session: Session, official_id: int | None, channel: str, action: str, detail: str) -> None:
    session.add(m.AuditEntry(official_id=official_id, channel=channel, action=action, detail=detail))


def _update_unit(unit: m.Unit, spec: UnitSpec, name: str) -> bool:
    """Bring a stored unit in line with the file's row; whether anything changed."""
    wanted = {"name": name, "active": True}
    if spec.kind is not None:
        wanted["kind"] = spec.kind
    if spec.aliases is not None:
        wanted["aliases"] = "\n".join(spec.aliases)
    changed = {k: v for k, v in wanted.items() if getattr(unit, k) != v}
    for field_name, value in changed.items():
        setattr(unit, field_name, value)
    return bool(changed)


def _invite(row: m.InviteCode, unit: m.Unit) -> Invite:
    return Invite(row.code, _unit(unit), row.role, row.expires_at, row.uses, row.max_uses,
                  row.revoked_at is not None, row.created_by)


def _unit(row: m.Unit) -> UnitInfo:
    return UnitInfo(row.id, row.code, row.name, row.active, row.kind,
                    tuple(a for a in (row.aliases or "").splitlines() if a))


def _official_info(official: m.Official, unit: UnitInfo | None, identities: list[m.Identity]) -> OfficialInfo:
    accounts = tuple(f"{i.channel}:{i.user_id}" for i in identities)
    unreachable = tuple(f"{i.channel}:{i.user_id}" for i in identities if not i.active)
    reachable = not identities or len(unreachable) < len(identities)
    return OfficialInfo(official.id, official.name, Role(official.role), unit, official.active and reachable,
                        accounts, unreachable)
