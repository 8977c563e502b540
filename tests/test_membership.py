"""Registration, account linking and the secretariat's commands, through the real core; the
`units` command line. Both database backends where the data matters."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.__main__ import main
from bot.core.assistant import Assistant
from bot.db.models.delivery import OutboxMessage
from bot.db.models.people import Unit
from bot.db.people import Role
from bot.core.messages import CONSOLE, TELEGRAM, ZALO, Channel, ChatKind, Incoming, Sender
from tests.conftest import build_assistant

ADMIN = "900"  # telegram:900 is the config's admin
START = datetime(2026, 1, 15, 2, 0, tzinfo=UTC)
# Tests of wording and flow alone need not run on both backends.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


class Clock:
    """The core's clock, moved by the test."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def core(tmp_path: Path, database_url: str, clock: Clock) -> Iterator[Assistant]:
    assistant = build_assistant(tmp_path, database_url=database_url, now=clock,
                                access__admins=[f"telegram:{ADMIN}", "console:admin1"])
    assistant.people.import_units([("SNV", "Sở Nội vụ"), ("STC", "Sở Tài chính")])
    yield assistant
    assistant.people.engine.dispose()  # every store of the core shares this engine


def send(core: Assistant, text: str, user: str = "101", channel: Channel = TELEGRAM,
         kind: ChatKind = ChatKind.PRIVATE, name: str = "Chị An") -> str:
    """What the user reads after typing `text` (a command when it starts with "/")."""
    chat = user if kind is ChatKind.PRIVATE else "-100200"
    command, rest = None, text
    if text.startswith("/"):
        command, _, rest = text[1:].partition(" ")
    msg = Incoming(channel, chat, Sender(user, name), chat_kind=kind, text=rest, command=command)
    return "\n".join(r.text for r in core.handle(msg))


def new_code(core: Assistant, args: str = "SNV") -> str:
    """An invite code made by the admin with /taoma."""
    reply = send(core, f"/taoma {args}", ADMIN)
    found = re.search(r"/dangky ([A-Z0-9]{8})", reply)
    assert found, reply
    return found[1]


def member(core: Assistant, user: str, channel: str = "telegram"):
    return core.people.member(channel, user)


# -- registering -------------------------------------------------------------------------------

def test_register_with_a_code_joins_the_unit_as_reporter(core: Assistant) -> None:
    code = new_code(core)
    reply = send(core, f"/dangky {code.lower()}")
    assert "Đăng ký thành công! Bạn là cán bộ #" in reply and "Sở Nội vụ (SNV)" in reply
    assert "Vai trò: báo cáo của đơn vị." in reply and "/baocao" in reply
    me = member(core, "101")
    assert me is not None and me.role is Role.REPORTER and me.unit.code == "SNV" and me.name == "Chị An"
    whoami = send(core, "/toi")
    assert f"Cán bộ #{me.official_id}: Chị An" in whoami and "Đơn vị: Sở Nội vụ (SNV)" in whoami
    assert "telegram:101 (tài khoản này)" in whoami and "Mã người dùng Telegram của bạn: 101" in whoami
    actions = [(a[3], a[4]) for a in core.people.audit_log()]
    assert ("register", f"reporter bằng mã {code}") in actions
    assert any(a == "invite" and code in d for a, d in actions)


@SQLITE_ONLY
def test_a_reader_code_says_what_readers_can_do(core: Assistant) -> None:
    code = new_code(core, "STC xem 3")
    reply = send(core, f"/dangky {code}", "102")
    assert "Sở Tài chính (STC)" in reply and "Vai trò: chỉ xem." in reply and "không gửi báo cáo" in reply
    assert member(core, "102").role is Role.READER


def test_every_invite_problem_is_explained(core: Assistant, clock: Clock) -> None:
    assert send(core, "/dangky").startswith("Bạn gõ mã mời sau lệnh, ví dụ: /dangky")
    assert send(core, "/dangky ZZZZ2222").startswith("Mã «ZZZZ2222» không đúng.")

    expiring = new_code(core, "SNV 1 ngày")
    clock.at = START + timedelta(days=1, seconds=1)
    assert send(core, f"/dangky {expiring}") == f"Mã «{expiring}» đã hết hạn. Bạn xin văn phòng cấp mã mới."

    revoked = new_code(core)
    assert send(core, f"/thuhoima {revoked}", ADMIN).startswith(f"Đã thu hồi mã {revoked}")
    assert send(core, f"/dangky {revoked}").startswith(f"Mã «{revoked}» đã bị văn phòng thu hồi.")

    single = core.people.create_invite("SNV", max_uses=1, now=clock.at).code
    assert send(core, f"/dangky {single}", "201").startswith("Đăng ký thành công!")
    assert send(core, f"/dangky {single}", "202").startswith(f"Mã «{single}» đã dùng hết số lượt")

    closing = new_code(core, "STC")
    with core.people.engine.begin() as connection:
        connection.execute(update(Unit).where(Unit.code == "STC").values(active=False))
    assert send(core, f"/dangky {closing}", "203").startswith(f"Đơn vị của mã «{closing}» đã ngừng hoạt động")
    for user in ("101", "202", "203"):
        assert member(core, user) is None


def test_a_code_registers_one_official_unless_made_for_more(core: Assistant) -> None:
    single = new_code(core)
    assert "dùng được cho một cán bộ" in send(core, "/taoma SNV", ADMIN)
    assert send(core, f"/dangky {single}", "201").startswith("Đăng ký thành công!")
    assert send(core, f"/dangky {single}", "202").startswith(f"Mã «{single}» đã dùng hết số lượt")

    shared = new_code(core, "SNV xem 5")
    for user in ("211", "212", "213", "214", "215"):
        assert send(core, f"/dangky {shared}", user).startswith("Đăng ký thành công!")
    assert send(core, f"/dangky {shared}", "216").startswith(f"Mã «{shared}» đã dùng hết số lượt")
    uses = {i.code: (i.uses, i.max_uses) for i in core.people.invites()}
    assert (uses[single], uses[shared]) == ((1, 1), (5, 5))


def outbox_texts(core: Assistant, chat_id: str) -> list[str]:
    with core.people.engine.connect() as connection:
        return list(connection.scalars(select(OutboxMessage.text).where(OutboxMessage.chat_id == chat_id)
                                       .order_by(OutboxMessage.id)))


def test_the_issuing_admin_hears_of_each_use_of_a_code(core: Assistant) -> None:
    code = new_code(core, "SNV 2")
    send(core, f"/dangky {code}", "101", name="Chị An")
    send(core, f"/dangky {code}", "zl-7", ZALO, name="Anh Bình")
    first, second = member(core, "101").official_id, member(core, "zl-7", "zalo").official_id
    assert outbox_texts(core, ADMIN) == [
        f"Chị An (telegram:101) đã đăng ký vào SNV bằng mã {code}: cán bộ #{first}, vai trò báo cáo của "
        f"đơn vị. Mã còn dùng được 1 lượt; thu hồi bằng /thuhoima {code} nếu không cần nữa.",
        f"Anh Bình (zalo:zl-7) đã đăng ký vào SNV bằng mã {code}: cán bộ #{second}, vai trò báo cáo của "
        "đơn vị. Mã đã dùng hết lượt."]
    send(core, f"/dangky {code}", "102")  # used up: nothing to tell
    assert len(outbox_texts(core, ADMIN)) == 2


@SQLITE_ONLY
def test_wrong_codes_are_audited_and_throttled_per_person(core: Assistant, clock: Clock) -> None:
    good = new_code(core)
    for attempt in range(5):
        assert send(core, f"/dangky WRONG{attempt}2").startswith(f"Mã «WRONG{attempt}2» không đúng.")
    # The sixth try waits for the next hour, even with a good code: guessing gains nothing.
    assert send(core, f"/dangky {good}") == ("Bạn đã nhập sai mã quá nhiều lần. Vui lòng đợi 60 phút rồi thử "
                                             "lại, hoặc liên hệ văn phòng để kiểm tra mã.")
    assert member(core, "101") is None
    failed = [a for a in core.people.audit_log() if a[3] == "register_failed"]
    assert len(failed) == 5 and failed[0][1:3] == (None, "telegram")
    assert failed[0][4] == "telegram:101: «WRONG42» — mã không tồn tại"
    clock.at = START + timedelta(hours=1)
    assert send(core, f"/dangky {good}").startswith("Đăng ký thành công!")


def test_wrong_codes_from_everyone_pause_registration(tmp_path: Path, database_url: str, clock: Clock) -> None:
    core = build_assistant(tmp_path, database_url=database_url, now=clock, access__admins=[f"telegram:{ADMIN}"],
                           access__failed_registrations_per_hour_all=3)
    try:
        core.people.import_units([("SNV", "Sở Nội vụ")])
        good = new_code(core)
        for user in ("301", "302", "303"):
            assert "không đúng" in send(core, "/dangky ZZZZ2222", user)
        paused = send(core, f"/dangky {good}", "304")
        assert paused == ("Đăng ký bằng mã đang tạm dừng vì có quá nhiều lần nhập sai mã. "
                          "Vui lòng thử lại sau 60 phút.")
        clock.at = START + timedelta(minutes=45)
        assert send(core, f"/dangky {good}", "304").endswith("thử lại sau 15 phút.")
        clock.at = START + timedelta(hours=1)
        assert send(core, f"/dangky {good}", "304").startswith("Đăng ký thành công!")
    finally:
        core.people.engine.dispose()


@SQLITE_ONLY
def test_registration_is_done_in_a_private_chat(core: Assistant) -> None:
    code = new_code(core)
    reply = send(core, f"/dangky {code}", kind=ChatKind.GROUP)
    assert reply.startswith("Lệnh /dangky dùng trong tin nhắn riêng với bot")
    assert member(core, "101") is None


def test_another_units_code_moves_the_official(core: Assistant) -> None:
    send(core, f"/dangky {new_code(core, 'SNV')}")
    before = member(core, "101")
    reply = send(core, f"/dangky {new_code(core, 'STC xem')}")
    assert reply.startswith(f"Đã chuyển bạn (cán bộ #{before.official_id}) từ Sở Nội vụ (SNV) "
                            "sang Sở Tài chính (STC).")
    after = member(core, "101")
    assert after.official_id == before.official_id and after.unit.code == "STC" and after.role is Role.READER


# -- who may do what ---------------------------------------------------------------------------

@SQLITE_ONLY
def test_unregistered_user_asks_questions_but_cannot_make_codes(core: Assistant) -> None:
    assert send(core, "kh 0125 gửi hồ sơ về đâu", "301").startswith("Nơi gửi: Sở Nội vụ")
    refusal = send(core, "/taoma SNV", "301")
    assert refusal == ("Lệnh /taoma chỉ dành cho vai trò quản trị (văn phòng). "
                       "Bạn chưa đăng ký (gõ /toi để xem mã người dùng của bạn).")
    whoami = send(core, "/toi", "301")
    assert whoami.startswith("Bạn chưa đăng ký. Gõ /dangky <mã>")
    assert "Mã người dùng Telegram của bạn: 301 (trong cấu hình ghi là «telegram:301»)" in whoami
    assert core.people.invites() == []


@SQLITE_ONLY
def test_a_reporter_cannot_make_codes_or_grant_roles(core: Assistant) -> None:
    send(core, f"/dangky {new_code(core)}")
    me = member(core, "101")
    for command in ("/taoma SNV", f"/quyen {me.official_id} admin", "/canbo", "/dsma", "/donvi", "/thuhoima X"):
        name = command[1:].split()[0]
        assert send(core, command) == (f"Lệnh /{name} chỉ dành cho vai trò quản trị (văn phòng). "
                                       "Vai trò của bạn: báo cáo của đơn vị.")
    assert member(core, "101").role is Role.REPORTER
    assert len(core.people.invites()) == 1


def test_admin_grants_a_role_and_it_is_audited(core: Assistant) -> None:
    send(core, f"/dangky {new_code(core)}")
    official = member(core, "101").official_id
    admin = member(core, ADMIN).official_id
    reply = send(core, f"/quyen #{official} xem", ADMIN)
    assert reply == f"Đã đổi vai trò của cán bộ #{official} Chị An (SNV): báo cáo của đơn vị → chỉ xem."
    assert member(core, "101").role is Role.READER
    grants = [a for a in core.people.audit_log() if a[3] == "grant"]
    assert [(g[1], g[2], g[4]) for g in grants] == [(admin, "telegram", f"cán bộ #{official}: reporter → reader")]
    assert send(core, f"/quyen {official} xem", ADMIN) == f"Cán bộ #{official} Chị An đã có vai trò chỉ xem."
    assert send(core, "/quyen 999 xem", ADMIN).startswith("Không có cán bộ #999.")
    assert send(core, f"/quyen {official} sep", ADMIN).startswith("Cách dùng: /quyen <số cán bộ>")


@SQLITE_ONLY
def test_the_last_admin_and_config_admins_keep_their_role(core: Assistant) -> None:
    send(core, f"/dangky {new_code(core)}")
    deputy = member(core, "101").official_id
    assert "→ quản trị (văn phòng)" in send(core, f"/quyen {deputy} admin", ADMIN)
    config_admin = member(core, ADMIN).official_id
    refusal = send(core, f"/quyen {config_admin} baocao")  # the new admin tries to demote the config admin
    assert refusal.startswith(f"Cán bộ #{config_admin} là quản trị theo cấu hình (access.admins)")
    core.people.grant(config_admin, Role.READER, by=None, channel="cli")  # as if taken out of the config
    core.people.admins = frozenset()
    assert send(core, f"/quyen {deputy} baocao").startswith("Bạn là quản trị duy nhất")
    assert member(core, "101").role is Role.ADMIN


@SQLITE_ONLY
def test_admin_commands_stay_out_of_groups(core: Assistant) -> None:
    reply = send(core, "/canbo", ADMIN, kind=ChatKind.GROUP)
    assert reply.startswith("Lệnh /canbo dùng trong tin nhắn riêng với bot")


@SQLITE_ONLY
def test_help_shows_admin_commands_only_to_admins(core: Assistant) -> None:
    admin_help = send(core, "/help", ADMIN)
    for name in ("dangky", "toi", "lienket", "taoma", "thuhoima", "dsma", "quyen", "donvi", "canbo"):
        assert f"/{name} — " in admin_help
    send(core, f"/dangky {new_code(core)}")
    for user in ("101", "555"):  # a reporter, an unregistered user
        text = send(core, "/help", user)
        assert "/dangky — " in text and "/toi — " in text and "/lienket — " in text
        assert "/taoma" not in text and "/quyen" not in text and "/canbo" not in text
    assert "taoma" not in {c.name for c in core.menu()} and "dangky" in {c.name for c in core.menu()}


# -- one person, two messengers ----------------------------------------------------------------

def test_telegram_and_zalo_accounts_are_one_official(core: Assistant) -> None:
    send(core, f"/dangky {new_code(core)}")
    me = member(core, "101")
    official, unit_id = me.official_id, me.unit.id
    offer = send(core, "/lienket")
    code = re.search(r"Mã liên kết của bạn: ([A-Z0-9]{8})", offer)[1]
    assert f"Trên Zalo, nhắn riêng cho bot: /dangky {code}" in offer
    assert "hết hạn lúc 09:00 ngày 16/01/2026" in offer  # 24 h after 09:00 on 15/01, Vietnam time
    assert send(core, f"/dangky {code}").startswith(f"Tài khoản này đã là của cán bộ #{official}")

    asked = send(core, f"/dangky {code}", "zl-abc", ZALO, name="An Zalo")
    assert asked.startswith(f"Đã gửi yêu cầu nối tài khoản này với cán bộ #{official}.")
    assert member(core, "zl-abc", "zalo") is None  # nothing is linked before the owner confirms
    assert outbox_texts(core, "101")[-1].startswith(
        f"Tài khoản Zalo «An Zalo» (zalo:zl-abc) vừa gõ mã liên kết {code} của bạn.")
    confirmed = press(core, "101", answer_button(core, "101", "Đồng ý"))
    assert confirmed.startswith(f"Đã nối tài khoản Zalo zalo:zl-abc vào cán bộ #{official} của bạn.")
    linked = outbox_texts(core, "zl-abc")[-1]
    assert linked.startswith("Đã liên kết: tài khoản Zalo này và tài khoản trước của bạn là một người")
    assert "Các tài khoản: telegram:101, zalo:zl-abc." in linked
    assert member(core, "zl-abc", "zalo").official_id == official
    whoami = send(core, "/toi", "zl-abc", ZALO)
    assert "Tài khoản: telegram:101, zalo:zl-abc (tài khoản này)" in whoami
    assert send(core, f"/dangky {code}", "zl-other", ZALO).startswith(f"Mã «{code}» đã dùng hết số lượt")

    recipients = core.people.recipients([unit_id])
    assert [(r.official_id, r.channel, r.chat_id) for r in recipients] == [(official, "zalo", "zl-abc")]
    send(core, "/toi")  # written from Telegram last: reminders go there now
    assert [(r.channel, r.chat_id) for r in core.people.recipients([unit_id])] == [("telegram", "101")]


@SQLITE_ONLY
def test_linking_an_account_registered_separately_merges_it(core: Assistant) -> None:
    send(core, f"/dangky {new_code(core, 'SNV')}")
    send(core, f"/dangky {new_code(core, 'STC')}", "z9", ZALO)
    official, separate = member(core, "101").official_id, member(core, "z9", "zalo").official_id
    code = re.search(r"Mã liên kết của bạn: ([A-Z0-9]{8})", send(core, "/lienket"))[1]
    send(core, f"/dangky {code}", "z9", ZALO)
    reply = press(core, "101", answer_button(core, "101", "Đồng ý"))
    assert f"Tài khoản zalo:z9 trước đăng ký riêng là cán bộ #{separate}; nay gộp vào cán bộ #{official}." in reply
    assert "nay gộp vào" in outbox_texts(core, "z9")[-1]
    assert member(core, "z9", "zalo").official_id == official
    units = send(core, "/donvi", ADMIN)
    assert "SNV — Sở Nội vụ: 1 cán bộ" in units and "STC — Sở Tài chính: 0 cán bộ" in units


def press(core: Assistant, user: str, data: str, channel: Channel = TELEGRAM) -> str:
    msg = Incoming(channel, user, Sender(user), button=data)
    return "\n".join(r.text for r in core.handle(msg))


def answer_button(core: Assistant, user: str, label: str) -> str:
    """The data of a button of the link request /lienket shows its owner."""
    replies = core.handle(Incoming(TELEGRAM, user, Sender(user), text="", command="lienket"))
    found = [b.data for r in replies for row in r.buttons for b in row if label in b.label]
    assert found, replies
    return found[0]


def test_a_link_code_says_it_carries_the_role_and_waits_for_the_owner(core: Assistant) -> None:
    send(core, f"/dangky {new_code(core)}", ADMIN)  # the admin joins a unit, so they can link
    offer = send(core, "/lienket", ADMIN)
    code = re.search(r"Mã liên kết của bạn: ([A-Z0-9]{8})", offer)[1]
    assert ("mã này mang đúng vai trò của bạn (quản trị (văn phòng)), kể cả quyền quản trị: tạo mã mời, "
            "đổi vai trò, xem và xuất báo cáo, gửi thông báo: ai gõ được mã sẽ dùng bot với quyền đó") in offer
    assert "Liên kết chỉ có hiệu lực khi bạn xác nhận trên tài khoản này" in offer

    # A stranger who got hold of the code asks; nobody else can while they wait.
    send(core, f"/dangky {code}", "zl-evil", ZALO, name="Kẻ lạ")
    assert send(core, f"/dangky {code}", "zl-other", ZALO).startswith(f"Mã «{code}» đã dùng hết số lượt")
    assert member(core, "zl-evil", "zalo") is None
    assert send(core, "/taoma SNV", "zl-evil", ZALO).startswith("Lệnh /taoma chỉ dành cho vai trò quản trị")
    # Another official cannot answer for the owner.
    send(core, f"/dangky {new_code(core)}", "101")
    stolen = answer_button(core, ADMIN, "Đồng ý")
    assert press(core, "101", stolen).startswith("Yêu cầu liên kết này không còn")
    assert member(core, "zl-evil", "zalo") is None
    # The owner says it was not them: the code is revoked, the stranger told.
    refused = press(core, ADMIN, answer_button(core, ADMIN, "Không phải tôi"))
    assert refused.startswith(f"Đã từ chối: tài khoản zalo:zl-evil không được nối, mã {code} đã bị thu hồi.")
    assert outbox_texts(core, "zl-evil") == [
        f"Yêu cầu nối tài khoản bằng mã {code} đã bị từ chối; mã không còn dùng được."]
    assert press(core, ADMIN, stolen).startswith("Yêu cầu liên kết này không còn")
    assert member(core, "zl-evil", "zalo") is None
    assert send(core, f"/dangky {code}", "zl-evil", ZALO).startswith(f"Mã «{code}» đã bị văn phòng thu hồi.")
    assert ("link_refused", f"từ chối nối zalo:zl-evil bằng mã {code}") in [
        (a[3], a[4]) for a in core.people.audit_log()]


@SQLITE_ONLY
def test_a_link_request_expires_with_its_code(core: Assistant, clock: Clock) -> None:
    send(core, f"/dangky {new_code(core)}")
    code = re.search(r"Mã liên kết của bạn: ([A-Z0-9]{8})", send(core, "/lienket"))[1]
    send(core, f"/dangky {code}", "zl-late", ZALO)
    agree = answer_button(core, "101", "Đồng ý")
    clock.at = START + timedelta(hours=24)
    assert press(core, "101", agree).startswith(f"Mã liên kết {code} đã hết hạn; tài khoản kia chưa được nối.")
    assert member(core, "zl-late", "zalo") is None
    assert send(core, "/lienket").startswith("Mã liên kết của bạn:")  # nothing waits: a new code


@SQLITE_ONLY
def test_link_needs_registration(core: Assistant) -> None:
    assert send(core, "/lienket", "404").startswith("Bạn chưa đăng ký. Gõ /dangky <mã>")


# -- the secretariat's lists -------------------------------------------------------------------

def test_code_unit_and_official_lists(core: Assistant, clock: Clock) -> None:
    live = new_code(core, "SNV 3")
    old = new_code(core, "STC xem 1 ngày")
    gone = new_code(core, "SNV")
    send(core, f"/thuhoima {gone}", ADMIN)
    send(core, f"/dangky {live}", "101")
    send(core, f"/dangky {live}", "102", name="Anh Bình")
    clock.at = START + timedelta(days=2)
    codes = send(core, "/dsma", ADMIN).split("\n")
    assert codes[0] == "Mã mời (mới nhất trước):"
    line = {c.split(" — ")[0]: c for c in codes[1:]}
    assert "còn hạn, đã dùng 2/3" in line[live] and "SNV, báo cáo của đơn vị" in line[live]
    assert "hết hạn, đã dùng 0/1" in line[old] and "STC, chỉ xem" in line[old]
    assert "đã thu hồi" in line[gone]
    assert old not in send(core, "/dsma snv", ADMIN)

    units = send(core, "/donvi", ADMIN)
    assert "SNV — Sở Nội vụ: 2 cán bộ" in units and "STC — Sở Tài chính: 0 cán bộ" in units

    core.people.deactivate("telegram", "102")
    people = send(core, "/canbo SNV", ADMIN).split("\n")
    assert people[0] == "Cán bộ của SNV (2):"
    bob = member(core, "102").official_id  # member() marks them active again: read the list first
    assert f"#{bob} Anh Bình — SNV, báo cáo của đơn vị; telegram:102 — ngừng nhận tin (đã chặn bot)" in people
    assert send(core, "/canbo XYZ", ADMIN) == "Không có đơn vị mã «XYZ». Gõ /donvi để xem mã các đơn vị."
    views = [a[4] for a in core.people.audit_log() if a[3] == "view"]
    assert views == ["danh sách cán bộ SNV", "danh sách đơn vị", "danh sách mã mời SNV",
                     "danh sách mã mời mọi đơn vị"]


@SQLITE_ONLY
def test_bad_taoma_arguments_are_explained(core: Assistant) -> None:
    assert send(core, "/taoma", ADMIN).startswith("Cách dùng: /taoma <MÃ_ĐƠN_VỊ> [baocao|xem] [số lượt] [số ngày]")
    assert send(core, "/taoma ABC", ADMIN) == "Không có đơn vị mã «ABC». Gõ /donvi để xem mã các đơn vị."
    assert send(core, "/taoma SNV admin", ADMIN).startswith("Mã mời chỉ cấp vai trò báo cáo")
    assert send(core, "/taoma SNV 1 400", ADMIN) == "Số ngày hiệu lực phải từ 1 đến 365."
    assert send(core, "/taoma SNV 600", ADMIN) == "Số lượt dùng phải từ 1 đến 500."
    assert send(core, "/taoma SNV xem ²", ADMIN).startswith("Cách dùng: /taoma")
    reply = send(core, "/taoma snv báo cáo 10 ngày", ADMIN)
    assert ("cho Sở Nội vụ (SNV), vai trò: báo cáo của đơn vị, dùng được cho một cán bộ, "
            "hết hạn lúc 09:00 ngày 25/01/2026.") in reply


@SQLITE_ONLY
@pytest.mark.parametrize("typed", ["²", "#①", "9" * 5000])
def test_quyen_reads_decimal_digits_only(core: Assistant, typed: str) -> None:
    assert send(core, f"/quyen {typed} xem", ADMIN).startswith("Cách dùng: /quyen <số cán bộ>")


@SQLITE_ONLY
def test_console_admin_from_config(core: Assistant) -> None:
    reply = send(core, "/taoma STC", "admin1", CONSOLE)
    assert reply.startswith("Mã mời ") and "Sở Tài chính (STC)" in reply


# -- rate limit --------------------------------------------------------------------------------

def test_the_21st_command_in_a_minute_is_asked_to_wait(tmp_path: Path, clock: Clock) -> None:
    core = build_assistant(tmp_path, now=clock)
    for _ in range(20):
        assert send(core, "/toi").startswith("Bạn chưa đăng ký")
        clock.at += timedelta(seconds=1)
    assert send(core, "/toi") == "Bạn gửi lệnh nhanh quá. Vui lòng đợi 40 giây rồi thử lại."
    assert send(core, "/toi") == ""  # said once a minute; then silence
    assert send(core, "/toi", "another").startswith("Bạn chưa đăng ký")  # the limit is per person
    assert send(core, "kh 0125 gửi hồ sơ về đâu").startswith("Nơi gửi")  # questions are not commands
    clock.at += timedelta(seconds=40)
    assert send(core, "/toi").startswith("Bạn chưa đăng ký")


# -- command line ------------------------------------------------------------------------------

@pytest.fixture
def cli(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
    """Run `python -m bot units …` on this test's database; (exit code, stdout, stderr)."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    store = tmp_path / "store"

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["units", *args, "--store", str(store)])
        out = capsys.readouterr()
        return code, out.out, out.err
    return run


def test_cli_imports_csv_with_bom_and_names_bad_rows(cli, tmp_path: Path) -> None:
    csv = tmp_path / "donvi.csv"
    csv.write_bytes("mã,tên\r\nSNV,Sở Nội vụ\r\n,Không mã\r\nSTC,Sở Tài chính\r\nSYT,\r\nsnv,Trùng\r\n"
                    .encode("utf-8-sig"))
    code, out, err = cli("import", str(csv))
    assert code == 1
    assert out.strip() == "Đã nạp donvi.csv: thêm 2, cập nhật 0, không đổi 0 đơn vị."
    assert f"{csv}:3: thiếu mã đơn vị" in err and f"{csv}:5: thiếu tên đơn vị cho mã SYT" in err
    assert f"{csv}:6: mã SNV trùng với dòng 2" in err
    code, out, _ = cli("list")
    assert code == 0 and out.splitlines() == ["SNV — Sở Nội vụ: 0 cán bộ", "STC — Sở Tài chính: 0 cán bộ"]


def test_cli_imports_yaml_and_windows_csv_and_updates_names(cli, tmp_path: Path) -> None:
    listed = tmp_path / "units.yaml"
    listed.write_text("- code: SNV\n  name: Sở Nội vụ\n- {code: STC, name: Sở Tài chính}\n- name: thiếu mã\n",
                      encoding="utf-8")
    code, out, err = cli("import", str(listed))
    assert code == 1 and "thêm 2," in out and f"{listed}:4: thiếu mã đơn vị" in err
    mapping = tmp_path / "units.yml"
    mapping.write_text("SNV: Sở Nội vụ tỉnh\nSYT: Sở Y tế\n", encoding="utf-8")
    assert cli("import", str(mapping))[:2] == (0, "Đã nạp units.yml: thêm 1, cập nhật 1, không đổi 0 đơn vị.\n")
    windows = tmp_path / "excel.csv"
    windows.write_bytes(cp1258("code;name\nSNV;Sở Nội vụ tỉnh\nSGDDT;Sở Giáo dục và Đào tạo\n"))
    assert cli("import", str(windows))[:2] == (0, "Đã nạp excel.csv: thêm 1, cập nhật 0, không đổi 1 đơn vị.\n")
    _, out, _ = cli("list")
    assert "SGDDT — Sở Giáo dục và Đào tạo: 0 cán bộ" in out and "SNV — Sở Nội vụ tỉnh: 0 cán bộ" in out


def cp1258(text: str) -> bytes:
    """Text as Windows-1258 stores it: vowels with their shape precomposed, tone marks combining."""
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        tone = "".join(c for c in parts if c in TONE_MARKS)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS)) + tone)
    return "".join(out).encode("cp1258")


@SQLITE_ONLY
def test_cli_rejects_a_file_without_header(cli, tmp_path: Path) -> None:
    bare = tmp_path / "bare.csv"
    bare.write_text("SNV,Sở Nội vụ\n", encoding="utf-8")
    code, _, err = cli("import", str(bare))
    assert code == 1 and "dòng 1: thiếu tiêu đề cột «code,name»" in err
    assert cli("import", str(tmp_path / "missing.csv"))[0] == 1


def test_cli_invite_revoke_and_officials(cli, tmp_path: Path, database_url: str) -> None:
    from bot.db.engine import connect
    from bot.db.people import PeopleStore

    (tmp_path / "u.csv").write_text("code,name\nSNV,Sở Nội vụ\n", encoding="utf-8")
    cli("import", str(tmp_path / "u.csv"))
    code, out, _ = cli("invite", "snv")
    assert code == 0 and "Số lượt: 1 (mỗi cán bộ đăng ký dùng một lượt)" in out
    code, out, _ = cli("invite", "snv", "--role", "xem", "--days", "3", "--uses", "2")
    assert code == 0
    invite = re.search(r"^Mã mời: ([A-Z0-9]{8})$", out, re.M)[1]
    assert "Đơn vị: Sở Nội vụ (SNV)" in out and "Vai trò: chỉ xem" in out and "Số lượt: 2" in out
    assert re.search(r"Hết hạn: \d\d:\d\d ngày \d\d/\d\d/\d{4} \(giờ Việt Nam\)", out)
    assert cli("invite", "XYZ")[0] == 1

    engine = connect(database_url)
    try:
        people = PeopleStore(engine)
        people.register("zalo", "z1", "z1", "Chị Hoa", invite)
        _, out, _ = cli("officials", "--unit", "SNV")
        assert out.strip().endswith("Chị Hoa — SNV, chỉ xem; zalo:z1")
        assert cli("revoke", invite)[:2] == (0, f"Đã thu hồi mã {invite}.\n")
        assert cli("revoke", invite)[0] == 1
        assert people.invites()[0].revoked
        assert [a[2:4] for a in people.audit_log()][:3] == [
            ("cli", "revoke"), ("zalo", "register"), ("cli", "invite")]
    finally:
        engine.dispose()


@SQLITE_ONLY
def test_shipped_example_units_file_imports_cleanly(cli) -> None:
    from bot.config import ROOT

    code, out, err = cli("import", str(ROOT / "units.example.csv"))
    assert (code, err) == (0, "") and "thêm 9," in out
