"""Who is who: officials register with their unit's invite code, link their Telegram and Zalo
accounts, and the secretariat (admins) manages codes, roles and sees units and officials.

Every reply is Vietnamese; every admin action is audited (codes, revocations and roles by the
people store, listings here as "view").
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.core.clock import clock_on_day
from bot.core.numbers import whole_number
from bot.db.counters import Counters, window_left
from bot.db.links import LinkStore
from bot.db.outbox import Outbox
from bot.db.outbox_rows import NewMessage
from bot.db.people import LINK_ROLE, ROLE_NAMES, Invite, InviteError, InviteProblem, Member, \
    OfficialInfo, PeopleStore, Role, normalise_code
from bot.core.access import REGISTER_FIRST, ButtonRule
from bot.core.messages import Command, Incoming, Reply
from bot.features.account_links import CHANNEL_NAMES, LINK_RULE, AccountLinks, official_info
from bot.retrieval.vietnamese import fold
from bot.services.units import (DEFAULT_INVITE_USES, MAX_INVITE_DAYS, MAX_INVITE_USES, demotion_refusal,
                                invite_state, official_counts, official_line, parse_role, typed_code, unit_text)

if TYPE_CHECKING:
    from bot.core.assistant import Assistant, ButtonHandler, DialogHandler, Handler
    from bot.config import Settings

MAX_LISTED = 100  # lines of /dsma and /canbo before "… và N nữa"

MENU = [
    Command("dangky", "Đăng ký bằng mã mời của đơn vị: /dangky <mã>", private_only=True),
    Command("toi", "Thông tin của bạn: đơn vị, vai trò, mã người dùng", private_only=True),
    Command("lienket", "Lấy mã để nối tài khoản Telegram với Zalo", private_only=True),
    Command("taoma", "Tạo mã mời: /taoma <MÃ_ĐƠN_VỊ> [baocao|xem] [số lượt] [số ngày]", roles=("admin",),
            private_only=True),
    Command("thuhoima", "Thu hồi mã mời: /thuhoima <mã>", roles=("admin",), private_only=True),
    Command("dsma", "Các mã mời và tình trạng: /dsma [MÃ_ĐƠN_VỊ]", roles=("admin",), private_only=True),
    Command("quyen", "Đổi vai trò: /quyen <số cán bộ> <admin|baocao|xem>", roles=("admin",), private_only=True),
    Command("donvi", "Các đơn vị và số cán bộ đã đăng ký", roles=("admin",), private_only=True),
    Command("canbo", "Danh sách cán bộ: /canbo [MÃ_ĐƠN_VỊ]", roles=("admin",), private_only=True),
]

REGISTER_USAGE = ("Bạn gõ mã mời sau lệnh, ví dụ: /dangky K7Q2M9XA. Mã do văn phòng cấp cho đơn vị "
                  "của bạn; nếu chưa có, hãy liên hệ văn phòng.")
INVITE_PROBLEMS = {
    InviteProblem.UNKNOWN: ("Mã «{code}» không đúng. Bạn kiểm tra lại (mã gồm 8 chữ và số, không có "
                            "chữ O, I, L và số 0, 1) hoặc xin văn phòng mã mới."),
    InviteProblem.EXPIRED: "Mã «{code}» đã hết hạn. Bạn xin văn phòng cấp mã mới.",
    InviteProblem.REVOKED: "Mã «{code}» đã bị văn phòng thu hồi. Bạn xin văn phòng cấp mã mới.",
    InviteProblem.USED_UP: ("Mã «{code}» đã dùng hết số lượt cho phép. Nếu là mã liên kết, bạn gõ "
                            "/lienket trên tài khoản đã đăng ký để lấy mã mới; nếu không, xin văn phòng mã mới."),
    InviteProblem.UNIT_CLOSED: ("Đơn vị của mã «{code}» đã ngừng hoạt động trong hệ thống. "
                                "Bạn liên hệ văn phòng để được cấp mã của đơn vị hiện nay."),
}
CAN_DO = {
    Role.REPORTER: ("Bây giờ bạn có thể: /baocao — báo cáo tiến độ thực hiện nhiệm vụ của đơn vị; "
                    "bạn cũng nhận nhắc hạn và vẫn hỏi đáp về văn bản như trước."),
    Role.READER: ("Bạn nhận nhắc hạn, thông báo của văn phòng và hỏi đáp về văn bản; vai trò «chỉ xem» "
                  "không gửi báo cáo (cần báo cáo thì xin văn phòng mã vai trò báo cáo)."),
    Role.ADMIN: "Bạn dùng được các lệnh quản trị: /taoma, /dsma, /thuhoima, /quyen, /donvi, /canbo (xem /help).",
}
LINK_HINT = "Dùng cả Telegram và Zalo? Gõ /lienket để nối hai tài khoản thành một cán bộ."
TAOMA_USAGE = ("Cách dùng: /taoma <MÃ_ĐƠN_VỊ> [baocao|xem] [số lượt] [số ngày], ví dụ: /taoma SNV xem 5 "
               "(5 cán bộ dùng được) hoặc /taoma SNV baocao 1 14 ngày. Mặc định vai trò báo cáo, "
               "1 lượt, hạn {days} ngày. Gõ /donvi để xem mã các đơn vị.")
QUYEN_USAGE = ("Cách dùng: /quyen <số cán bộ> <admin|baocao|xem>, ví dụ: /quyen 12 baocao. "
               "Gõ /canbo để xem số cán bộ.")
UNKNOWN_UNIT = "Không có đơn vị mã «{code}». Gõ /donvi để xem mã các đơn vị."
BAD_USES = "Số lượt dùng phải từ 1 đến {limit}."
BAD_DAYS = "Số ngày hiệu lực phải từ 1 đến {limit}."
CODE_USED = ("{who} ({account}) đã đăng ký vào {unit} bằng mã {code}: cán bộ #{official}, vai trò "
             "{role}. {left}")
USES_LEFT = "Mã còn dùng được {left} lượt; thu hồi bằng /thuhoima {code} nếu không cần nữa."
NO_USES_LEFT = "Mã đã dùng hết lượt."
HOUR = timedelta(hours=1)
ALL_FAILURES = "dangky:*"  # the counter of wrong codes typed by anyone
TOO_MANY_TRIES = ("Bạn đã nhập sai mã quá nhiều lần. Vui lòng đợi {minutes} phút rồi thử lại, "
                  "hoặc liên hệ văn phòng để kiểm tra mã.")
REGISTRATION_PAUSED = ("Đăng ký bằng mã đang tạm dừng vì có quá nhiều lần nhập sai mã. "
                       "Vui lòng thử lại sau {minutes} phút.")
PROBLEM_WORDS = {InviteProblem.UNKNOWN: "mã không tồn tại", InviteProblem.EXPIRED: "mã hết hạn",
                 InviteProblem.REVOKED: "mã đã thu hồi", InviteProblem.USED_UP: "mã hết lượt",
                 InviteProblem.UNIT_CLOSED: "đơn vị ngừng hoạt động"}
# Words that say what a number after /taoma counts («5 lượt», «14 ngày», «14ngay»), folded.
USES_WORDS = {"luot", "lan", "nguoi", "canbo"}
DAYS_WORDS = {"ngay"}
NUMBER_WORD = re.compile(r"(\d+)(\D*)")


@dataclass(frozen=True)
class InviteTerms:
    """What /taoma was asked for beyond the unit."""

    role: Role
    uses: int | None  # None: the default
    days: int | None


class Membership:
    """Registration, account linking and the secretariat's commands for codes, roles and people."""

    def __init__(self, core: "Assistant", settings: "Settings", *, counters: Counters, outbox: Outbox,
                 links: LinkStore) -> None:
        assert core.people is not None, "membership needs the people store"
        self.core = core
        self.people: PeopleStore = core.people
        self.invite_days = settings.access.invite_days
        self.failures_per_hour = settings.access.failed_registrations_per_hour
        self.failures_per_hour_all = settings.access.failed_registrations_per_hour_all
        self.counters = counters
        self.outbox = outbox
        self.links = AccountLinks(core, core.people, links, outbox)
        self.commands: dict[str, Handler] = {
            "dangky": self.register, "lienket": self.link, "toi": self.whoami,
            "taoma": self.create_code, "thuhoima": self.revoke_code, "dsma": self.list_codes,
            "quyen": self.grant, "donvi": self.list_units, "canbo": self.list_officials}
        self.buttons: dict[str, ButtonHandler] = {LINK_RULE.prefix: self.links.answer}
        self.button_rules: list[ButtonRule] = [LINK_RULE]
        self.dialogs: dict[str, DialogHandler] = {}
        self.menu: list[Command] = list(MENU)

    # -- everyone ----------------------------------------------------------------------------------

    def register(self, msg: Incoming, member: Member | None) -> list[Reply]:
        """/dangky <mã>: join a unit (or move to another), or link this account by a link code."""
        code = typed_code(msg.text)
        if not code:
            return self.core.texts(msg, REGISTER_USAGE)
        wait = self._registration_wait(msg)
        if wait:
            return self.core.texts(msg, wait)
        invite = self.people.invite(code)
        link_owner = invite.created_by if invite is not None and invite.role == LINK_ROLE else None
        if link_owner is not None and member is not None and member.official_id == link_owner:
            return self.core.texts(msg, (f"Tài khoản này đã là của cán bộ #{member.official_id}. Mã liên kết "
                                         f"«{code}» dùng trên tài khoản còn lại (Telegram hoặc Zalo)."))
        try:
            if link_owner is not None:  # the code's owner confirms before anything is linked
                return self.links.request(msg, code)
            after = self.people.register(msg.channel.name, msg.sender.id, msg.chat_id, msg.sender.name,
                                         code, now=self.core.now())
        except InviteError as exc:
            self._failed_registration(msg, member, code, exc.problem)
            return self.core.texts(msg, INVITE_PROBLEMS[exc.problem].format(code=code))
        if invite is not None:
            self._notify_issuer(msg, invite, after)
        return self.core.texts(msg, self._welcome_text(member, after))

    def link(self, msg: Incoming, member: Member | None) -> list[Reply]:
        """/lienket: a one-time code for the official's other messenger account, or the
        request waiting for their answer."""
        if member is None:  # listed for everyone in /help, so it says how to register
            return self.core.texts(msg, REGISTER_FIRST)
        return self.links.offer(msg, member)

    def whoami(self, msg: Incoming, member: Member | None) -> list[Reply]:
        """/toi: who the bot thinks you are, and your user id for the config's admin list."""
        account = f"{msg.channel.name}:{msg.sender.id}"
        id_line = (f"Mã người dùng {CHANNEL_NAMES.get(msg.channel.name, msg.channel.name)} của bạn: "
                   f"{msg.sender.id} (trong cấu hình ghi là «{account}»).")
        if member is None:
            return self.core.texts(msg, "\n".join([REGISTER_FIRST, id_line]))
        info = self._official(member.official_id, member.unit.code if member.unit else None)
        accounts = info.accounts if info else (account,)
        lines = [f"Cán bộ #{member.official_id}: {member.name or '(chưa có tên)'}",
                 f"Đơn vị: {unit_text(member)}",
                 f"Vai trò: {ROLE_NAMES[member.role]}"
                 + (" (theo cấu hình access.admins)" if account in self.people.admins else ""),
                 "Tài khoản: " + ", ".join(f"{a} (tài khoản này)" if a == account else a for a in accounts),
                 id_line]
        if len(accounts) < 2:
            lines.append(LINK_HINT)
        return self.core.texts(msg, "\n".join(lines))

    # -- the secretariat ---------------------------------------------------------------------------

    def create_code(self, msg: Incoming, member: Member) -> list[Reply]:
        """/taoma <MÃ_ĐƠN_VỊ> [baocao|xem] [số lượt] [số ngày]."""
        args = msg.text.split()
        usage = TAOMA_USAGE.format(days=self.invite_days)
        if not args:
            return self.core.texts(msg, usage)
        unit = self.people.unit(args[0])
        if unit is None:
            return self.core.texts(msg, UNKNOWN_UNIT.format(code=normalise_code(args[0])))
        terms = invite_terms(args[1:])
        if terms is None:
            return self.core.texts(msg, usage)
        if terms.role is Role.ADMIN:
            return self.core.texts(msg, ("Mã mời chỉ cấp vai trò báo cáo (baocao) hoặc chỉ xem (xem). "
                                         "Quyền quản trị cấp bằng /quyen <số cán bộ> admin."))
        uses = DEFAULT_INVITE_USES if terms.uses is None else terms.uses
        days = self.invite_days if terms.days is None else terms.days
        if not 1 <= uses <= MAX_INVITE_USES:
            return self.core.texts(msg, BAD_USES.format(limit=MAX_INVITE_USES))
        if not 1 <= days <= MAX_INVITE_DAYS:
            return self.core.texts(msg, BAD_DAYS.format(limit=MAX_INVITE_DAYS))
        invite = self.people.create_invite(unit.code, terms.role, days=days, max_uses=uses, by=member.official_id,
                                           channel=msg.channel.name, now=self.core.now())
        who = "một cán bộ" if uses == 1 else f"{uses} cán bộ"
        return self.core.texts(msg, "\n".join([
            f"Mã mời {invite.code} cho {unit.name} ({unit.code}), vai trò: {ROLE_NAMES[terms.role]}, "
            f"dùng được cho {who}, hết hạn lúc {clock_on_day(invite.expires_at)}.",
            f"Cán bộ của đơn vị nhắn riêng cho bot: /dangky {invite.code}",
            f"Mỗi lần mã được dùng, bạn nhận tin báo ai đã đăng ký; thu hồi bằng /thuhoima {invite.code}."]))

    def revoke_code(self, msg: Incoming, member: Member) -> list[Reply]:
        """/thuhoima <mã>."""
        code = typed_code(msg.text)
        if not code:
            return self.core.texts(msg, "Cách dùng: /thuhoima <mã>. Gõ /dsma để xem các mã.")
        if self.people.revoke_invite(code, by=member.official_id, channel=msg.channel.name):
            return self.core.texts(msg, (f"Đã thu hồi mã {code}: không ai đăng ký thêm bằng mã này được nữa. "
                                         "Cán bộ đã đăng ký bằng mã này vẫn giữ đăng ký."))
        known = next((i for i in self.people.invites() if i.code == code), None)
        if known is not None and known.revoked:
            return self.core.texts(msg, f"Mã {code} đã được thu hồi từ trước.")
        return self.core.texts(msg, f"Không có mã mời «{code}». Gõ /dsma để xem các mã.")

    def _unit_argument(self, msg: Incoming) -> str | None | list[Reply]:
        """The unit code typed after a listing command (None: every unit), or the refusal."""
        unit_code = normalise_code(msg.text) or None
        if unit_code and self.people.unit(unit_code) is None:
            return self.core.texts(msg, UNKNOWN_UNIT.format(code=unit_code))
        return unit_code

    def _audit_view(self, msg: Incoming, member: Member, what: str) -> None:
        self.people.audit(member.official_id, msg.channel.name, "view", what)

    def list_codes(self, msg: Incoming, member: Member) -> list[Reply]:
        """/dsma [MÃ_ĐƠN_VỊ]: codes newest first with their state and uses."""
        unit_code = self._unit_argument(msg)
        if isinstance(unit_code, list):
            return unit_code
        self._audit_view(msg, member, f"danh sách mã mời {unit_code or 'mọi đơn vị'}")
        invites = self.people.invites(unit_code)
        if not invites:
            where = f" cho {unit_code}" if unit_code else ""
            return self.core.texts(msg, f"Chưa có mã mời nào{where}. Tạo mã bằng /taoma <MÃ_ĐƠN_VỊ>.")
        now = self.core.now()
        lines = [f"Mã mời{f' của {unit_code}' if unit_code else ''} (mới nhất trước):"]
        for invite in invites[:MAX_LISTED]:
            uses = f"{invite.uses}/{invite.max_uses}" if invite.max_uses is not None else str(invite.uses)
            lines.append(f"{invite.code} — {invite.unit.code}, {ROLE_NAMES[Role(invite.role)]}, "
                         f"{invite_state(invite.revoked, invite.expires_at, invite.uses, invite.max_uses, now)}, "
                         f"đã dùng {uses}, hạn {clock_on_day(invite.expires_at)}")
        if len(invites) > MAX_LISTED:
            lines.append(f"… và {len(invites) - MAX_LISTED} mã cũ hơn.")
        return self.core.texts(msg, "\n".join(lines))

    def grant(self, msg: Incoming, member: Member) -> list[Reply]:
        """/quyen <số cán bộ> <admin|baocao|xem>."""
        args = msg.text.split()
        number = whole_number(args[0].lstrip("#")) if args else None
        role = parse_role("".join(args[1:])) if len(args) > 1 else None
        if number is None or role is None:
            return self.core.texts(msg, QUYEN_USAGE)
        target = self._official(number)
        if target is None:
            return self.core.texts(msg, f"Không có cán bộ #{number}. Gõ /canbo để xem số cán bộ.")
        who = f"cán bộ #{target.official_id} {target.name}".rstrip()
        if target.role is role:
            return self.core.texts(msg, f"{who[0].upper()}{who[1:]} đã có vai trò {ROLE_NAMES[role]}.")
        if target.role is Role.ADMIN:
            refusal = demotion_refusal(self.people, target, member.official_id)
            if refusal:
                return self.core.texts(msg, refusal)
        self.people.grant(target.official_id, role, by=member.official_id, channel=msg.channel.name)
        lines = [f"Đã đổi vai trò của {who} ({target.unit.code if target.unit else 'chưa thuộc đơn vị'}): "
                 f"{ROLE_NAMES[target.role]} → {ROLE_NAMES[role]}."]
        if role is Role.REPORTER and target.unit is None:
            lines.append("Cán bộ này chưa thuộc đơn vị nào: cần /dangky bằng mã của đơn vị để gửi báo cáo.")
        return self.core.texts(msg, "\n".join(lines))

    def list_units(self, msg: Incoming, member: Member) -> list[Reply]:
        """/donvi: units with how many officials each has."""
        self._audit_view(msg, member, "danh sách đơn vị")
        units = self.people.units()
        if not units:
            return self.core.texts(msg, ("Chưa có đơn vị nào. Văn phòng nạp danh sách bằng lệnh: "
                                         "python -m bot units import units.csv"))
        counts = official_counts(self.people)
        lines = [f"Các đơn vị ({len(units)}):"]
        for unit in units:
            closed = " (ngừng hoạt động)" if not unit.active else ""
            lines.append(f"{unit.code} — {unit.name}: {counts.get(unit.id, 0)} cán bộ{closed}")
        if counts.get(None):
            lines.append(f"Chưa thuộc đơn vị nào: {counts[None]} cán bộ")
        return self.core.texts(msg, "\n".join(lines))

    def list_officials(self, msg: Incoming, member: Member) -> list[Reply]:
        """/canbo [MÃ_ĐƠN_VỊ]: officials with number, role, unit, accounts; inactive marked."""
        unit_code = self._unit_argument(msg)
        if isinstance(unit_code, list):
            return unit_code
        self._audit_view(msg, member, f"danh sách cán bộ {unit_code or 'mọi đơn vị'}")
        officials = self.people.officials(unit_code)
        if not officials:
            where = f" của {unit_code}" if unit_code else ""
            return self.core.texts(msg, f"Chưa có cán bộ nào{where} đăng ký.")
        lines = [f"Cán bộ{f' của {unit_code}' if unit_code else ''} ({len(officials)}):"]
        lines += [official_line(o) for o in officials[:MAX_LISTED]]
        if len(officials) > MAX_LISTED:
            lines.append(f"… và {len(officials) - MAX_LISTED} cán bộ nữa; "
                         "gõ /canbo <MÃ_ĐƠN_VỊ> để xem theo đơn vị.")
        return self.core.texts(msg, "\n".join(lines))

    # -- helpers -----------------------------------------------------------------------------------

    def _official(self, official_id: int, unit_code: str | None = None) -> OfficialInfo | None:
        return official_info(self.people, official_id, unit_code)

    def _registration_wait(self, msg: Incoming) -> str | None:
        """Why this account may not try a code now: too many wrong codes from it, or from
        everyone, in this hour; None when it may."""
        now = self.core.now()
        minutes = math.ceil(window_left(now, HOUR).total_seconds() / 60)
        if self.counters.hits(_failure_key(msg), HOUR, now) >= self.failures_per_hour:
            return TOO_MANY_TRIES.format(minutes=minutes)
        if self.counters.hits(ALL_FAILURES, HOUR, now) >= self.failures_per_hour_all:
            return REGISTRATION_PAUSED.format(minutes=minutes)
        return None

    def _failed_registration(self, msg: Incoming, member: Member | None, code: str,
                             problem: InviteProblem) -> None:
        """Count a wrong code against the account and everyone, and audit it."""
        now = self.core.now()
        self.counters.hit(_failure_key(msg), HOUR, now)
        self.counters.hit(ALL_FAILURES, HOUR, now)
        self.people.audit(member.official_id if member else None, msg.channel.name, "register_failed",
                          f"{msg.channel.name}:{msg.sender.id}: «{code[:32]}» — {PROBLEM_WORDS[problem]}")

    def _notify_issuer(self, msg: Incoming, invite: Invite, after: Member) -> None:
        """Tell the admin who made the code who has just used it (through the outbox)."""
        if invite.created_by is None or invite.created_by == after.official_id:
            return
        now_used = self.people.invite(invite.code) or invite
        left = (now_used.max_uses - now_used.uses) if now_used.max_uses is not None else None
        text = CODE_USED.format(
            who=after.name or msg.sender.name or "Một cán bộ", account=f"{msg.channel.name}:{msg.sender.id}",
            unit=invite.unit.code, code=invite.code, official=after.official_id, role=ROLE_NAMES[after.role],
            left=NO_USES_LEFT if left == 0 else USES_LEFT.format(left=left if left else "nhiều", code=invite.code))
        key = f"invite-use:{invite.code}:{msg.channel.name}:{msg.sender.id}"
        self.outbox.enqueue([NewMessage(key, r.channel, r.chat_id, text, official_id=r.official_id)
                             for r in self.people.recipients(official_ids=[invite.created_by])])

    @staticmethod
    def _welcome_text(before: Member | None, after: Member) -> str:
        unit = unit_text(after)
        if before is None or before.unit is None:
            head = f"Đăng ký thành công! Bạn là cán bộ #{after.official_id} của {unit}."
        elif after.unit is not None and before.unit.id != after.unit.id:
            head = (f"Đã chuyển bạn (cán bộ #{after.official_id}) từ {unit_text(before)} sang {unit}. "
                    "Từ nay báo cáo và nhắc việc của bạn thuộc đơn vị mới.")
        else:
            head = f"Bạn (cán bộ #{after.official_id}) đã thuộc {unit}; đăng ký được cập nhật."
        role = f"Vai trò: {ROLE_NAMES[after.role]}."
        if before is not None and before.role is Role.ADMIN:
            role = f"Vai trò: {ROLE_NAMES[after.role]} (giữ nguyên)."
        return "\n".join([head, role, CAN_DO[after.role], LINK_HINT])


def invite_terms(words: list[str]) -> InviteTerms | None:
    """Role, uses and days of /taoma's words after the unit: «xem 5» (5 uses), «baocao 1 14»,
    «5 lượt 30 ngày», «30ngay». Unlabelled numbers are the uses, then the days; None when the
    words do not say one role, at most one number of each."""
    labelled: dict[str, int] = {}
    unlabelled: list[int] = []
    role_words: list[str] = []
    for word in words:
        if unlabelled and fold(word) in USES_WORDS | DAYS_WORDS:  # «5 lượt»: the number before's label
            word = f"{unlabelled.pop()}{word}"
        found = NUMBER_WORD.fullmatch(word)
        number = whole_number(found[1]) if found else None
        label = fold(found[2]) if found else ""
        if number is None or (label and label not in USES_WORDS | DAYS_WORDS):
            role_words.append(word)
            continue
        if not label:
            unlabelled.append(number)
        elif labelled.setdefault("days" if label in DAYS_WORDS else "uses", number) != number:
            return None
    for slot in ("uses", "days"):
        if unlabelled and slot not in labelled:
            labelled[slot] = unlabelled.pop(0)
    role = parse_role("".join(role_words)) if role_words else Role.REPORTER
    if role is None or unlabelled:
        return None
    return InviteTerms(role, labelled.get("uses"), labelled.get("days"))


def _failure_key(msg: Incoming) -> str:
    return f"dangky:{msg.channel.name}:{msg.sender.id}"
