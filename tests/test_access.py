"""Access rules are enforced in one place, the core's router, before any handler runs.

The cases come from the router's own registry: a command or button added tomorrow with admin
roles is covered here without anyone writing a new test, and one added without an access rule
is refused when its feature is plugged in.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.core.assistant import Assistant
from bot.core.access import ADMIN, ButtonRule, refusal
from bot.core.messages import TELEGRAM, ChatKind, Command, Incoming, Reply, Sender
from tests.conftest import build_assistant

ADMIN_ID, REPORTER_ID, READER_ID, STRANGER_ID = "900", "901", "902", "903"
GROUP = "-4001"


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    assistant = build_assistant(tmp_path_factory.mktemp("access"), access__admins=[f"telegram:{ADMIN_ID}"])
    people = assistant.people
    assert people is not None
    people.import_units([("SNV", "Sở Nội vụ")])
    for user, role in ((REPORTER_ID, "reporter"), (READER_ID, "reader")):
        code = people.create_invite("SNV", role).code
        [reply] = assistant.handle(_msg(user, command="dangky", text=code))
        assert reply.text.startswith("Đăng ký thành công"), reply.text
    yield assistant
    people.engine.dispose()


def _msg(user: str, *, command: str | None = None, button: str | None = None, text: str = "",
         group: bool = False) -> Incoming:
    return Incoming(TELEGRAM, GROUP if group else user, Sender(user, f"Cán bộ {user}"),
                    ChatKind.GROUP if group else ChatKind.PRIVATE, text=text, command=command, button=button)


def _said(replies: list[Reply]) -> str:
    return "\n".join(r.text or r.notice for r in replies)


# Who tries, and whether they do it in a group.
PEOPLE = {"reporter": (REPORTER_ID, False), "reader": (READER_ID, False),
          "unregistered": (STRANGER_ID, False), "admin in a group": (ADMIN_ID, True)}


def test_the_registry_declares_the_admin_commands_and_buttons(core: Assistant) -> None:
    admin_commands = {c.name for c in core.command_rules() if c.roles == (ADMIN,)}
    assert {"taoma", "thuhoima", "dsma", "quyen", "donvi", "canbo", "tonghop", "xuatbaocao",
            "thongbao", "lichnhac"} <= admin_commands
    assert {"tb", "th"} <= {b.prefix for b in core.button_rules() if b.roles == (ADMIN,)}


@pytest.mark.parametrize("who", list(PEOPLE))
def test_every_admin_command_and_button_is_refused(core: Assistant, who: str) -> None:
    """A reporter, a reader, a stranger, or an admin inside a group: every admin command and
    button answers with the refusal, and nothing an admin action leaves behind appears."""
    user, group = PEOPLE[who]
    people = core.people
    assert people is not None
    audit, invites = len(people.audit_log(1000)), len(people.invites())
    member = people.member("telegram", user)
    rules: list[tuple[Command | ButtonRule, Incoming]] = []
    for command in core.command_rules():
        if command.roles == (ADMIN,):
            rules.append((command, _msg(user, command=command.name, text="SNV", group=group)))
    for button in core.button_rules():
        if button.roles == (ADMIN,):
            rules.append((button, _msg(user, button=f"{button.prefix}:send", group=group)))
    assert rules
    for rule, msg in rules:
        expected = refusal(rule, msg, member)
        assert expected, f"{rule} is open to {who}"
        said = _said(core.handle(msg))
        assert said.startswith(expected[:40]), (rule, said)
        assert "quản trị (văn phòng)" in said or "tin nhắn riêng" in said, said
    assert len(people.audit_log(1000)) == audit and len(people.invites()) == invites
    assert core.dialog(_msg(user, group=group)) is None  # no admin dialog was started


def test_a_feature_with_an_undeclared_command_is_refused_at_start_up(core: Assistant) -> None:
    class Careless:
        commands: dict[str, Any] = {"bimat": lambda msg, member: []}
        buttons: dict[str, Any] = {}
        dialogs: dict[str, Any] = {}
        menu: list[Command] = []
        button_rules: list[ButtonRule] = []

    with pytest.raises(ValueError, match="bimat"):
        core.add_feature(Careless())


# Personal data (/toi, one's mutes) and global switches (the reminder pause) stay out of groups.
PERSONAL = {"toi", "tatnhacnho", "batnhacnho", "lichnhac"}


def test_personal_commands_are_declared_private(core: Assistant) -> None:
    declared = {c.name: c for c in core.command_rules()}
    assert all(declared[name].private_only for name in PERSONAL)
    assert next(b for b in core.button_rules() if b.prefix == "nn").private_only


@pytest.mark.parametrize("user, command, text", [
    (REPORTER_ID, "toi", ""), (STRANGER_ID, "toi", ""), (REPORTER_ID, "tatnhacnho", "tất cả"),
    (REPORTER_ID, "tatnhacnho", ""), (REPORTER_ID, "batnhacnho", "tất cả"), (ADMIN_ID, "lichnhac", ""),
    (ADMIN_ID, "lichnhac", "tamdung"), (ADMIN_ID, "lichnhac", "tieptuc")])
def test_personal_commands_are_refused_in_groups(core: Assistant, user: str, command: str, text: str) -> None:
    from bot.db.reminders import ReminderStore

    store = ReminderStore(core.people.engine)
    before = (store.paused(), store.mutes(), len(core.people.audit_log(1000)))
    said = _said(core.handle(_msg(user, command=command, text=text, group=True)))
    assert said.startswith(f"Lệnh /{command} dùng trong tin nhắn riêng với bot"), said
    assert user not in said  # no user id, unit or role shown to the group
    assert (store.paused(), store.mutes(), len(core.people.audit_log(1000))) == before
    mute = _said(core.handle(_msg(user, button="nn:mute:*", group=True)))
    assert store.mutes() == before[1] and ("tin nhắn riêng" in mute or "đăng ký" in mute), mute
