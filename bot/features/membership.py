"""Who is who: officials register with their unit's invite code, link their Telegram and Zalo
accounts, and the secretariat (admins) manages codes, roles and sees units and officials.

Every reply is Vietnamese; every admin action is audited (codes, revocations and roles by the
people store, listings here as "view").
"""
from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.clock import clock_on_day
from bot.db import models as m
from bot.db.people import LINK_ROLE, ROLE_NAMES, InviteError, InviteProblem, Member, \
    OfficialInfo, PeopleStore, Role, normalise_code
from bot.core.access import REGISTER_FIRST, ButtonRule
from bot.core.messages import Command, Incoming, Reply
from bot.services.units import (MAX_INVITE_DAYS, demotion_refusal, invite_state, official_counts, official_line,
                                parse_role, typed_code, unit_text)

if TYPE_CHECKING:
    from bot.core.assistant import Assistant, ButtonHandler, DialogHandler, Handler
    from bot.config import Settings

LINK_HOURS = 24
MAX_LISTED = 100  # lines of /dsma and /canbo before "… và N nữa"
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "console": "dòng lệnh"}
OTHER_MESSENGER = {"telegram": "Zalo", "zalo": "Telegram"}

MENU = [
    Command("dangky", "Đăng ký bằng mã mời của đơn vị: /dangky <mã>", private_only=True),
    Command("toi", "Thông tin của bạn: đơn vị, vai trò, mã người dùng"),
    Command("lienket", "Lấy mã để nối tài khoản Telegram với Zalo", private_only=True),
    Command("taoma", "Tạo mã mời: /taoma <MÃ_ĐƠN_VỊ> [baocao|xem] [số ngày]", roles=("admin",), private_only=True),
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
TAOMA_USAGE = ("Cách dùng: /taoma <MÃ_ĐƠN_VỊ> [baocao|xem] [số ngày], ví dụ: /taoma SNV baocao 7. "
               "Mặc định vai trò báo cáo, hạn {days} ngày. Gõ /donvi để xem mã các đơn vị.")
QUYEN_USAGE = ("Cách dùng: /quyen <số cán bộ> <admin|baocao|xem>, ví dụ: /quyen 12 baocao. "
               "Gõ /canbo để xem số cán bộ.")
UNKNOWN_UNIT = "Không có đơn vị mã «{code}». Gõ /donvi để xem mã các đơn vị."


class Membership:
    """Registration, account linking and the secretariat's commands for codes, roles and people."""

    def __init__(self, core: "Assistant", settings: "Settings") -> None:
        assert core.people is not None, "membership needs the people store"
        self.core = core
        self.people: PeopleStore = core.people
        self.invite_days = settings.access.invite_days
        self.commands: dict[str, Handler] = {
            "dangky": self.register, "lienket": self.link, "toi": self.whoami,
            "taoma": self.create_code, "thuhoima": self.revoke_code, "dsma": self.list_codes,
            "quyen": self.grant, "donvi": self.list_units, "canbo": self.list_officials}
        self.buttons: dict[str, ButtonHandler] = {}
        self.button_rules: list[ButtonRule] = []
        self.dialogs: dict[str, DialogHandler] = {}
        self.menu: list[Command] = list(MENU)

    # -- everyone ----------------------------------------------------------------------------------

    def register(self, msg: Incoming, member: Member | None) -> list[Reply]:
        """/dangky <mã>: join a unit (or move to another), or link this account by a link code."""
        code = typed_code(msg.text)
        if not code:
            return self.core.texts(msg, REGISTER_USAGE)
        link_owner = self._link_owner(code)
        if link_owner is not None and member is not None and member.official_id == link_owner:
            return self.core.texts(msg, (f"Tài khoản này đã là của cán bộ #{member.official_id}. Mã liên kết "
                                         f"«{code}» dùng trên tài khoản còn lại (Telegram hoặc Zalo)."))
        try:
            after = self.people.register(msg.channel.name, msg.sender.id, msg.chat_id, msg.sender.name,
                                         code, now=self.core.now())
        except InviteError as exc:
            return self.core.texts(msg, INVITE_PROBLEMS[exc.problem].format(code=code))
        if link_owner is not None:
            text = self._linked_text(msg, after)
            if member is not None and member.official_id != after.official_id:
                text += (f"\nTài khoản này trước đăng ký riêng là cán bộ #{member.official_id}; "
                         f"nay gộp vào cán bộ #{after.official_id}.")
            return self.core.texts(msg, text)
        return self.core.texts(msg, self._welcome_text(member, after))

    def link(self, msg: Incoming, member: Member | None) -> list[Reply]:
        """/lienket: a one-time code for the official's other messenger account."""
        if member is None:  # listed for everyone in /help, so it says how to register
            return self.core.texts(msg, REGISTER_FIRST)
        now = self.core.now()
        try:
            code = self.people.link_code(member.official_id, hours=LINK_HOURS, now=now)
        except ValueError:
            return self.core.texts(msg, (
                "Tài khoản của bạn chưa thuộc đơn vị nào nên chưa liên kết bằng mã được. Bạn đăng ký "
                "đơn vị bằng /dangky <mã> trước; quản trị theo cấu hình cũng có thể thêm tài khoản kia "
                "vào access.admins trong config.yaml."))
        other = OTHER_MESSENGER.get(msg.channel.name, "Telegram hoặc Zalo")
        return self.core.texts(msg, "\n".join([
            f"Mã liên kết của bạn: {code}",
            f"Trên {other}, nhắn riêng cho bot: /dangky {code}",
            f"Mã dùng một lần, hết hạn lúc {clock_on_day(now + timedelta(hours=LINK_HOURS))}. Sau khi liên kết, "
            f"hai tài khoản là một cán bộ #{member.official_id}: báo cáo từ tài khoản nào cũng tính cho "
            f"đơn vị, nhắc việc gửi đến tài khoản bạn dùng gần nhất."]))

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
        """/taoma <MÃ_ĐƠN_VỊ> [baocao|xem] [số ngày]."""
        args = msg.text.split()
        usage = TAOMA_USAGE.format(days=self.invite_days)
        if not args:
            return self.core.texts(msg, usage)
        unit = self.people.unit(args[0])
        if unit is None:
            return self.core.texts(msg, UNKNOWN_UNIT.format(code=normalise_code(args[0])))
        numbers = [a for a in args[1:] if a.isdigit()]
        words = "".join(a for a in args[1:] if not a.isdigit())
        role = parse_role(words) if words else Role.REPORTER
        if role is None or len(numbers) > 1:
            return self.core.texts(msg, usage)
        if role is Role.ADMIN:
            return self.core.texts(msg, ("Mã mời chỉ cấp vai trò báo cáo (baocao) hoặc chỉ xem (xem). "
                                         "Quyền quản trị cấp bằng /quyen <số cán bộ> admin."))
        days = int(numbers[0]) if numbers else self.invite_days
        if not 1 <= days <= MAX_INVITE_DAYS:
            return self.core.texts(msg, f"Số ngày hiệu lực phải từ 1 đến {MAX_INVITE_DAYS}.")
        invite = self.people.create_invite(unit.code, role, days=days, by=member.official_id,
                                           channel=msg.channel.name, now=self.core.now())
        return self.core.texts(msg, "\n".join([
            f"Mã mời {invite.code} cho {unit.name} ({unit.code}), vai trò: {ROLE_NAMES[role]}, "
            f"hết hạn lúc {clock_on_day(invite.expires_at)}.",
            f"Cán bộ của đơn vị nhắn riêng cho bot: /dangky {invite.code}",
            f"Một mã dùng được cho nhiều cán bộ đến khi hết hạn; thu hồi bằng /thuhoima {invite.code}."]))

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
        number = args[0].lstrip("#") if args else ""
        role = parse_role("".join(args[1:])) if len(args) > 1 else None
        if not number.isdigit() or role is None:
            return self.core.texts(msg, QUYEN_USAGE)
        target = self._official(int(number))
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
        return next((o for o in self.people.officials(unit_code) if o.official_id == official_id), None)

    def _link_owner(self, code: str) -> int | None:
        """The official who made this link code; None for an invite code or an unknown one."""
        with Session(self.people.engine) as session:
            row = session.scalar(select(m.InviteCode).where(m.InviteCode.code == code))
            return row.created_by if row is not None and row.role == LINK_ROLE else None

    def _linked_text(self, msg: Incoming, after: Member) -> str:
        info = self._official(after.official_id, after.unit.code if after.unit else None)
        accounts = ", ".join(info.accounts) if info else f"{msg.channel.name}:{msg.sender.id}"
        who = ", ".join(p for p in (f"cán bộ #{after.official_id}", after.name, unit_text(after)) if p)
        return (f"Đã liên kết: tài khoản {CHANNEL_NAMES.get(msg.channel.name, msg.channel.name)} này và "
                f"tài khoản trước của bạn là một người — {who}; vai trò: {ROLE_NAMES[after.role]}.\n"
                f"Các tài khoản: {accounts}.\nNhắc việc và thông báo gửi đến tài khoản bạn dùng gần nhất.")

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
