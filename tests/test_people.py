"""PeopleStore edge cases on SQLite and PostgreSQL: units, invites, accounts, recipients, roles."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, update

from bot.db.links import LinkStore
from bot.db.models.people import Unit
from bot.db.people import InviteError, InviteProblem, PeopleStore, Role

T0 = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)


@pytest.fixture
def people(db_engine: Engine) -> PeopleStore:
    store = PeopleStore(db_engine, admins=["telegram:1"])
    store.import_units([("SNV", "Sở Nội vụ"), ("STC", "Sở Tài chính")])
    return store


def problem(people: PeopleStore, code: str, user: str, now: datetime) -> InviteProblem:
    with pytest.raises(InviteError) as caught:
        people.register("telegram", user, user, "", code, now=now)
    return caught.value.problem


def test_importing_twice_updates_names_and_keeps_other_units(people: PeopleStore) -> None:
    assert people.import_units([("snv", "Sở  Nội vụ"), ("STC", "Sở Tài chính")]) == (0, 0)
    assert people.import_units([(" snv ", "Sở Nội vụ tỉnh"), ("SYT", "Sở Y tế")]) == (1, 1)
    assert [(u.code, u.name) for u in people.units()] == [
        ("SNV", "Sở Nội vụ tỉnh"), ("STC", "Sở Tài chính"), ("SYT", "Sở Y tế")]
    assert people.unit("syt").name == "Sở Y tế" and people.unit("XYZ") is None


def test_an_invite_works_until_its_expiry(people: PeopleStore) -> None:
    invite = people.create_invite("SNV", Role.READER, days=7, now=T0)
    assert invite.expires_at == T0 + timedelta(days=7)
    last_second = T0 + timedelta(days=7, seconds=-1)
    joined = people.register("telegram", "10", "10", "Chị An", invite.code.lower(), now=last_second)
    assert (joined.role, joined.unit.code, joined.name) == (Role.READER, "SNV", "Chị An")
    assert problem(people, invite.code, "11", T0 + timedelta(days=7)) is InviteProblem.EXPIRED
    assert people.member("telegram", "11") is None
    with pytest.raises(KeyError):
        people.create_invite("XYZ", now=T0)


def test_invite_problems_in_order_of_importance(people: PeopleStore) -> None:
    assert problem(people, "NOSUCH22", "20", T0) is InviteProblem.UNKNOWN
    single = people.create_invite("SNV", max_uses=1, now=T0).code
    people.register("telegram", "20", "20", "", single, now=T0)
    assert problem(people, single, "21", T0) is InviteProblem.USED_UP
    assert people.revoke_invite(single) and not people.revoke_invite(single)
    assert problem(people, single, "21", T0) is InviteProblem.REVOKED  # revoked beats used up
    closed = people.create_invite("STC", now=T0).code
    with people.engine.begin() as connection:
        connection.execute(update(Unit).where(Unit.code == "STC").values(active=False))
    assert problem(people, closed, "21", T0) is InviteProblem.UNIT_CLOSED
    people.import_units([("STC", "Sở Tài chính")])  # listed again: open again
    assert people.register("telegram", "21", "21", "", closed, now=T0).unit.code == "STC"
    assert [(i.code, i.uses, i.revoked) for i in people.invites("SNV")] == [(single, 1, True)]


def test_config_admin_is_created_on_first_contact_and_kept_admin(people: PeopleStore) -> None:
    admin = people.member("telegram", "1", "1", "Anh Ba")
    assert admin is not None and admin.is_admin and admin.name == "Anh Ba" and admin.unit is None
    assert people.member("telegram", "1").official_id == admin.official_id
    assert people.count_officials() == 1
    people.grant(admin.official_id, Role.READER, by=None, channel="cli")
    assert people.member("telegram", "1").role is Role.ADMIN  # the config wins
    code = people.create_invite("SNV", Role.READER, now=T0).code
    joined = people.register("telegram", "1", "1", "", code, now=T0)
    assert (joined.role, joined.unit.code) == (Role.ADMIN, "SNV")  # an admin joining a unit stays admin
    assert people.member("telegram", "2") is None and people.count_officials() == 1


def test_recipients_use_the_most_recent_account_once_per_official(people: PeopleStore) -> None:
    code = people.create_invite("SNV").code  # real time: last use is stamped with the real clock
    official = people.register("telegram", "30", "30", "Chị An", code).official_id
    link = LinkStore(people.engine).link_code(official)
    assert people.register("zalo", "z30", "z30", "", link).official_id == official
    people.register("telegram", "31", "31", "Anh Bình", code)
    snv = people.unit("SNV").id

    people.member("zalo", "z30")
    assert [(r.official_id, r.channel, r.chat_id) for r in people.recipients([snv])] == [
        (official, "zalo", "z30"), (official + 1, "telegram", "31")]
    people.member("telegram", "30", "30")
    assert [(r.channel, r.chat_id) for r in people.recipients([snv])][0] == ("telegram", "30")
    assert people.recipients([people.unit("STC").id]) == []
    assert {r.official_id for r in people.recipients(roles=[Role.READER])} == set()
    info = next(o for o in people.officials("SNV") if o.official_id == official)
    assert info.accounts == ("telegram:30", "zalo:z30")


def test_a_link_code_is_single_use_and_for_officials_with_a_unit(people: PeopleStore) -> None:
    code = people.create_invite("SNV", now=T0).code
    official = people.register("telegram", "40", "40", "", code, now=T0).official_id
    link = LinkStore(people.engine).link_code(official, now=T0)
    people.register("zalo", "z40", "z40", "", link, now=T0)
    assert problem(people, link, "41", T0) is InviteProblem.USED_UP
    assert people.invites() and all(i.role != "link" for i in people.invites())
    late = LinkStore(people.engine).link_code(official, hours=24, now=T0)
    assert problem(people, late, "42", T0 + timedelta(hours=24)) is InviteProblem.EXPIRED
    admin = people.member("telegram", "1")
    with pytest.raises(ValueError):
        LinkStore(people.engine).link_code(admin.official_id, now=T0)


def test_deactivate_stops_messages_until_they_write_again(people: PeopleStore) -> None:
    code = people.create_invite("SNV", now=T0).code
    official = people.register("telegram", "50", "50", "", code, now=T0).official_id
    assert people.deactivate("telegram", "50") == 1
    assert people.deactivate("telegram", "nobody") == 0
    assert official not in {r.official_id for r in people.recipients()}
    assert not next(o for o in people.officials() if o.official_id == official).active
    people.member("telegram", "50", "50")
    assert [r.official_id for r in people.recipients([people.unit("SNV").id])] == [official]


def test_grant_is_audited_and_unknown_officials_are_refused(people: PeopleStore) -> None:
    code = people.create_invite("SNV", now=T0, by=None).code
    official = people.register("zalo", "60", "60", "", code, now=T0).official_id
    assert people.grant(official, Role.ADMIN, by=None, channel="cli")
    assert not people.grant(official + 99, Role.ADMIN, by=None, channel="cli")
    assert people.member("zalo", "60").is_admin
    log = [(a[2], a[3], a[4]) for a in people.audit_log()]
    assert log[0] == ("cli", "grant", f"cán bộ #{official}: reporter → admin")
    assert [a[1] for a in log] == ["grant", "register", "invite"]
