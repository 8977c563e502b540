"""Units, officials, their messenger accounts and roles; invite codes. The audit log is
`bot.db.audit` (this store writes it); link codes and their confirmation are `bot.db.links`.

Who may do what is decided from what this store returns: `member()` is the one lookup every
command makes. Admins named in the config are admins from their first message on.
"""
from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from bot.db.audit import AuditLog, add_entry
from bot.db.models.base import utc_now
from bot.db.models.people import Identity, InviteCode, Official, Unit

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


class PeopleStore(AuditLog):
    """Reads and writes the people tables of a migrated database; each admin action is written
    to the audit log (`AuditLog`) in the same transaction."""

    def __init__(self, engine: Engine, admins: Iterable[str] = ()) -> None:
        super().__init__(engine)
        self.admins = frozenset(admins)

    # -- units ----------------------------------------------------------------------------------

    def import_units(self, units: Iterable[UnitSpec | tuple[str, str]]) -> tuple[int, int]:
        """Add or update units by code; (added, updated). Units not listed are kept."""
        added = updated = 0
        with self._write() as session, session.begin():
            existing = {u.code: u for u in session.scalars(select(Unit))}
            for spec in units:
                spec = spec if isinstance(spec, UnitSpec) else UnitSpec(*spec)
                code, name = normalise_code(spec.code), " ".join(spec.name.split())
                unit = existing.get(code)
                if unit is None:
                    unit = Unit(code=code, name=name, active=True, kind=spec.kind,
                                aliases="\n".join(spec.aliases or ()))
                    session.add(unit)
                    existing[code] = unit
                    added += 1
                elif _update_unit(unit, spec, name):
                    updated += 1
        return added, updated

    def units(self) -> list[UnitInfo]:
        with self._read() as session:
            return [_unit(u) for u in session.scalars(select(Unit).order_by(Unit.code))]

    def unit(self, code: str) -> UnitInfo | None:
        with self._read() as session:
            row = session.scalar(select(Unit).where(Unit.code == normalise_code(code)))
            return _unit(row) if row else None

    # -- who is writing -------------------------------------------------------------------------

    def member(self, channel: str, user_id: str, chat_id: str | None = None, name: str = "") -> Member | None:
        """The official behind a messenger account, or None if unregistered.

        A config admin gets an official record on first contact; every call refreshes the
        account's last use (replies and reminders go to the most recent account).
        """
        is_config_admin = f"{channel}:{user_id}" in self.admins
        with self._write() as session, session.begin():
            identity = session.get(Identity, (channel, user_id))
            if identity is None:
                if not is_config_admin:
                    return None
                official = Official(name=name, role=Role.ADMIN.value, active=True)
                session.add(official)
                session.flush()
                identity = Identity(channel=channel, user_id=user_id, official_id=official.id,
                                    chat_id=chat_id or user_id)
                session.add(identity)
            official = session.get_one(Official, identity.official_id)
            if is_config_admin and official.role != Role.ADMIN.value:
                official.role = Role.ADMIN.value
            if chat_id and identity.chat_id != chat_id and chat_id == user_id:
                identity.chat_id = chat_id
            identity.last_seen_at = utc_now()
            if name and not official.name:
                official.name = name
            if not identity.active:  # this account wrote again: it receives again
                identity.active = True
            unit = session.get(Unit, official.unit_id) if official.unit_id else None
            return Member(official.id, official.name, Role(official.role), _unit(unit) if unit else None)

    def register(self, channel: str, user_id: str, chat_id: str, name: str, code: str,
                 now: datetime | None = None) -> Member:
        """Redeem an invite code: join its unit with its role (or, for a link code, become
        another account of the official who made it: the chat asks the owner first, see
        `LinkStore.request_link`). Raises InviteError."""
        now = now or utc_now()
        with self._write() as session, session.begin():
            invite = session.get(InviteCode, normalise_code(code), with_for_update=True)
            check_invite(session, invite, now)
            assert invite is not None
            return redeem(session, invite, channel, user_id, chat_id, name, now)

    # -- invite codes ---------------------------------------------------------------------------

    def create_invite(self, unit_code: str, role: Role | str = Role.REPORTER, *, days: int = 7,
                      max_uses: int | None = None, by: int | None = None, channel: str = "cli",
                      now: datetime | None = None) -> Invite:
        """A fresh code for the unit; KeyError when there is no such unit."""
        now = now or utc_now()
        role = str(Role(role)) if role != LINK_ROLE else LINK_ROLE
        with self._write() as session, session.begin():
            unit = session.scalar(select(Unit).where(Unit.code == normalise_code(unit_code)))
            if unit is None:
                raise KeyError(unit_code)
            row = InviteCode(code=new_code(), unit_id=unit.id, role=role, max_uses=max_uses,
                             created_by=by, created_at=now, expires_at=now + timedelta(days=days))
            session.add(row)
            if role != LINK_ROLE:
                add_entry(session, by, channel, "invite",
                          f"mã {row.code} cho {unit.code}, vai trò {role}, "
                          f"{f'{max_uses} lượt' if max_uses else 'không giới hạn lượt'}, hết hạn sau {days} ngày")
            return Invite(row.code, _unit(unit), role, row.expires_at, 0, max_uses, created_by=by)

    def revoke_invite(self, code: str, *, by: int | None = None, channel: str = "cli") -> bool:
        with self._write() as session, session.begin():
            invite = session.get(InviteCode, normalise_code(code))
            if invite is None or invite.revoked_at is not None:
                return False
            invite.revoked_at = utc_now()
            add_entry(session, by, channel, "revoke", f"thu hồi mã {invite.code}")
            return True

    def invites(self, unit_code: str | None = None) -> list[Invite]:
        stmt = (select(InviteCode, Unit).join(Unit, Unit.id == InviteCode.unit_id)
                .where(InviteCode.role != LINK_ROLE).order_by(InviteCode.created_at.desc()))
        if unit_code:
            stmt = stmt.where(Unit.code == normalise_code(unit_code))
        with self._read() as session:
            return [_invite(i, u) for i, u in session.execute(stmt)]

    def invite(self, code: str) -> Invite | None:
        """One code (an invite or a link code) as it stands, or None."""
        stmt = (select(InviteCode, Unit).join(Unit, Unit.id == InviteCode.unit_id)
                .where(InviteCode.code == normalise_code(code)))
        with self._read() as session:
            row = session.execute(stmt).first()
            return _invite(*row) if row is not None else None

    # -- officials and roles --------------------------------------------------------------------

    def grant(self, official_id: int, role: Role, *, by: int | None, channel: str) -> bool:
        """Change an official's role; False when there is no such official."""
        with self._write() as session, session.begin():
            official = session.get(Official, official_id)
            if official is None:
                return False
            before, official.role = official.role, role.value
            add_entry(session, by, channel, "grant", f"cán bộ #{official_id}: {before} → {role.value}")
            return True

    def official(self, official_id: int) -> OfficialInfo | None:
        return next((o for o in self.officials(official_id=official_id)), None)

    def officials(self, unit_code: str | None = None, *, official_id: int | None = None) -> list[OfficialInfo]:
        stmt = select(Official).order_by(Official.unit_id, Official.id)
        with self._read() as session:
            units = {u.id: _unit(u) for u in session.scalars(select(Unit))}
            if unit_code:
                wanted = [u.id for u in units.values() if u.code == normalise_code(unit_code)]
                stmt = stmt.where(Official.unit_id.in_(wanted))
            identities = select(Identity).order_by(Identity.linked_at)
            if official_id is not None:
                stmt = stmt.where(Official.id == official_id)
                identities = identities.where(Identity.official_id == official_id)
            accounts: dict[int, list[Identity]] = {}
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
        stmt = (select(Official.id, Official.unit_id, Identity.channel, Identity.chat_id,
                       Identity.last_seen_at)
                .join(Identity, Identity.official_id == Official.id)
                .where(Official.active.is_(True), Identity.active.is_(True),
                       Official.role.in_([r.value for r in roles]),
                       Identity.channel.in_(("telegram", "zalo"))))
        if unit_ids is not None:
            stmt = stmt.where(Official.unit_id.in_(list(unit_ids)))
        if official_ids is not None:
            stmt = stmt.where(Official.id.in_(list(official_ids)))
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
        stmt = (update(Identity).where(Identity.channel == channel, Identity.chat_id == chat_id,
                                       Identity.active.is_(True))
                .values(active=False).execution_options(synchronize_session=False))
        with self._write() as session, session.begin():
            return int(session.execute(stmt).rowcount or 0)

    def move_chat(self, channel: str, old_chat_id: str, new_chat_id: str) -> int:
        """A chat got a new id (a Telegram group upgraded to a supergroup); how many accounts."""
        stmt = (update(Identity).where(Identity.channel == channel, Identity.chat_id == old_chat_id)
                .values(chat_id=new_chat_id).execution_options(synchronize_session=False))
        with self._write() as session, session.begin():
            return int(session.execute(stmt).rowcount or 0)

    def count_officials(self) -> int:
        with self._read() as session:
            return int(session.scalar(select(func.count()).select_from(Official)) or 0)


def normalise_code(code: str) -> str:
    return "".join(code.split()).upper()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def redeem(session: Session, invite: InviteCode, channel: str, user_id: str, chat_id: str, name: str,
           now: datetime) -> Member:
    """Use a checked code for this account: join its unit with its role, or (a link code)
    become another account of its owner."""
    invite.uses += 1
    identity = session.get(Identity, (channel, user_id))
    if invite.role == LINK_ROLE:
        official = session.get_one(Official, invite.created_by)
    elif identity is not None:
        official = session.get_one(Official, identity.official_id)
        if official.role != Role.ADMIN.value:
            official.role = invite.role
        official.unit_id = invite.unit_id
    else:
        official = Official(name=name, unit_id=invite.unit_id, role=invite.role, active=True)
        session.add(official)
        session.flush()
    if identity is None:
        session.add(Identity(channel=channel, user_id=user_id, official_id=official.id, chat_id=chat_id))
    else:
        identity.official_id, identity.chat_id, identity.last_seen_at = official.id, chat_id, now
    official.name = official.name or name
    add_entry(session, official.id, channel, "register",
              f"{'liên kết' if invite.role == LINK_ROLE else invite.role} bằng mã {invite.code}")
    unit = session.get(Unit, official.unit_id) if official.unit_id else None
    return Member(official.id, official.name, Role(official.role), _unit(unit) if unit else None)


def check_invite(session: Session, invite: InviteCode | None, now: datetime) -> None:
    """InviteError unless the code can be used now (its unit still active)."""
    if invite is None:
        raise InviteError(InviteProblem.UNKNOWN)
    if invite.revoked_at is not None:
        raise InviteError(InviteProblem.REVOKED)
    if invite.expires_at <= now:
        raise InviteError(InviteProblem.EXPIRED)
    if invite.max_uses is not None and invite.uses >= invite.max_uses:
        raise InviteError(InviteProblem.USED_UP)
    unit = session.get(Unit, invite.unit_id)
    if unit is None or not unit.active:
        raise InviteError(InviteProblem.UNIT_CLOSED)


def _update_unit(unit: Unit, spec: UnitSpec, name: str) -> bool:
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


def _invite(row: InviteCode, unit: Unit) -> Invite:
    return Invite(row.code, _unit(unit), row.role, row.expires_at, row.uses, row.max_uses,
                  row.revoked_at is not None, row.created_by)


def _unit(row: Unit) -> UnitInfo:
    return UnitInfo(row.id, row.code, row.name, row.active, row.kind,
                    tuple(a for a in (row.aliases or "").splitlines() if a))


def _official_info(official: Official, unit: UnitInfo | None, identities: list[Identity]) -> OfficialInfo:
    accounts = tuple(f"{i.channel}:{i.user_id}" for i in identities)
    unreachable = tuple(f"{i.channel}:{i.user_id}" for i in identities if not i.active)
    reachable = not identities or len(unreachable) < len(identities)
    return OfficialInfo(official.id, official.name, Role(official.role), unit, official.active and reachable,
                        accounts, unreachable)
