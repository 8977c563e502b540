"""One official on two messengers: /lienket gives a one-time code for the other account.

The code carries its owner's role (an admin's is full admin), so typing it does not link
anything by itself: the bot asks the owner, on an account already theirs, and the link takes
effect only when they confirm («Đồng ý»). «Không phải tôi» revokes the code.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.core.access import OFFICIALS, ButtonRule
from bot.core.callback import CallbackData, CallbackDataError
from bot.core.clock import clock_on_day
from bot.core.messages import Button, Incoming, Reply
from bot.db.links import LinkStore, PendingLink
from bot.db.outbox import Outbox
from bot.db.outbox_rows import NewMessage
from bot.db.people import ROLE_NAMES, InviteError, InviteProblem, Member, OfficialInfo, PeopleStore, Role
from bot.services.units import unit_text

if TYPE_CHECKING:
    from bot.core.assistant import Assistant

LINK_HOURS = 24
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "console": "dòng lệnh"}
OTHER_MESSENGER = {"telegram": "Zalo", "zalo": "Telegram"}
MESSENGERS = ("telegram", "zalo")  # the channels the outbox delivers to

NO_UNIT = ("Tài khoản của bạn chưa thuộc đơn vị nào nên chưa liên kết bằng mã được. Bạn đăng ký "
           "đơn vị bằng /dangky <mã> trước; quản trị theo cấu hình cũng có thể thêm tài khoản kia "
           "vào access.admins trong config.yaml.")
ROLE_WARNING = ("Lưu ý: mã này mang đúng vai trò của bạn ({role}){admin}: ai gõ được mã sẽ dùng bot "
                "với quyền đó. Chỉ gõ mã trên tài khoản của chính bạn, không gửi mã cho ai hay vào nhóm.")
ADMIN_POWERS = ", kể cả quyền quản trị: tạo mã mời, đổi vai trò, xem và xuất báo cáo, gửi thông báo"
CONFIRM_FIRST = ("Liên kết chỉ có hiệu lực khi bạn xác nhận trên tài khoản này: bot hỏi ngay khi mã được "
                 "gõ (hoặc gõ lại /lienket để xem yêu cầu).")
REQUESTED = ("Đã gửi yêu cầu nối tài khoản này với cán bộ #{official}. Liên kết có hiệu lực khi bạn xác "
             "nhận trên tài khoản đã đăng ký: chọn «Đồng ý» trong tin bot vừa gửi ở đó, hoặc gõ /lienket ở đó.")
ASK_OWNER = ("Tài khoản {messenger} «{name}» ({account}) vừa gõ mã liên kết {code} của bạn.\n"
             "Nếu đó là bạn, chọn «Đồng ý»: tài khoản ấy thành tài khoản của cán bộ #{official}, với vai trò "
             "của bạn. Nếu không phải bạn, chọn «Không phải tôi»: mã bị thu hồi, tài khoản ấy không được nối.")
LINKED_OWNER = "Đã nối tài khoản {messenger} {account} vào cán bộ #{official} của bạn.\nCác tài khoản: {accounts}."
LINKED_NEW = ("Đã liên kết: tài khoản {messenger} này và tài khoản trước của bạn là một người — {who}; "
              "vai trò: {role}.\nCác tài khoản: {accounts}.\nNhắc việc và thông báo gửi đến tài khoản bạn "
              "dùng gần nhất.")
MERGED = "Tài khoản {account} trước đăng ký riêng là cán bộ #{before}; nay gộp vào cán bộ #{after}."
REFUSED_OWNER = ("Đã từ chối: tài khoản {account} không được nối, mã {code} đã bị thu hồi. Bạn nên xem lại "
                 "mã đã lọt ra ngoài bằng cách nào.")
REFUSED_NEW = "Yêu cầu nối tài khoản bằng mã {code} đã bị từ chối; mã không còn dùng được."
ANSWER_PROBLEMS = {
    InviteProblem.EXPIRED: "Mã liên kết {code} đã hết hạn; tài khoản kia chưa được nối. Gõ /lienket để lấy mã mới.",
    InviteProblem.REVOKED: "Mã liên kết {code} đã bị thu hồi; tài khoản kia không được nối.",
}
GONE = "Yêu cầu liên kết này không còn (đã xử lý, đã bị từ chối, hoặc không phải của bạn)."


@dataclass(frozen=True)
class LinkAnswer(CallbackData, prefix="lk"):
    """The owner's answer to a link request: «Đồng ý» or «Không phải tôi»."""

    agree: bool
    code: str


# The answer is personal: officials only (the store checks it is the code's owner), never in a group.
LINK_RULE = ButtonRule("lk", OFFICIALS, private_only=True)


def official_info(people: PeopleStore, official_id: int, unit_code: str | None = None) -> OfficialInfo | None:
    return next((o for o in people.officials(unit_code) if o.official_id == official_id), None)


class AccountLinks:
    """/lienket, a link code typed in /dangky, and the owner's «Đồng ý» / «Không phải tôi»."""

    def __init__(self, core: "Assistant", people: PeopleStore, links: LinkStore, outbox: Outbox) -> None:
        self.core = core
        self.people = people
        self.links = links
        self.outbox = outbox

    def offer(self, msg: Incoming, member: Member) -> list[Reply]:
        """/lienket: a request waiting for this official's answer, else a fresh code."""
        now = self.core.now()
        waiting = self.links.pending_links(member.official_id, now)
        if waiting:
            return self.core.choices(msg, self._question(waiting[0]), _answer_rows(waiting[0].code))
        try:
            code = self.links.link_code(member.official_id, hours=LINK_HOURS, now=now)
        except ValueError:
            return self.core.texts(msg, NO_UNIT)
        other = OTHER_MESSENGER.get(msg.channel.name, "Telegram hoặc Zalo")
        admin = ADMIN_POWERS if member.role is Role.ADMIN else ""
        return self.core.texts(msg, "\n".join([
            f"Mã liên kết của bạn: {code}",
            f"Trên {other}, nhắn riêng cho bot: /dangky {code}",
            ROLE_WARNING.format(role=ROLE_NAMES[member.role], admin=admin),
            f"Mã dùng một lần, hết hạn lúc {clock_on_day(now + timedelta(hours=LINK_HOURS))}. {CONFIRM_FIRST}",
            f"Sau khi liên kết, hai tài khoản là một cán bộ #{member.official_id}: báo cáo từ tài khoản nào cũng "
            f"tính cho đơn vị, nhắc việc gửi đến tài khoản bạn dùng gần nhất."]))

    def request(self, msg: Incoming, code: str) -> list[Reply]:
        """A link code typed in /dangky: ask its owner. Raises InviteError."""
        pending = self.links.request_link(msg.channel.name, msg.sender.id, msg.chat_id, msg.sender.name, code,
                                           now=self.core.now())
        self.outbox.enqueue([NewMessage(f"link-request:{pending.code}", r.channel, r.chat_id,
                                        self._question(pending), _answer_rows(pending.code), r.official_id)
                             for r in self.people.recipients(official_ids=[pending.official_id])])
        return self.core.texts(msg, REQUESTED.format(official=pending.official_id))

    def answer(self, msg: Incoming, member: Member | None, data: str) -> list[Reply]:
        """The owner's «Đồng ý» or «Không phải tôi»."""
        assert member is not None  # the core lets only officials through
        try:
            answer = LinkAnswer.unpack(data)
        except CallbackDataError:
            return self._done(msg, GONE)
        if not answer.agree:
            return self._refuse(msg, member, answer.code)
        try:
            pending, after, before = self.links.confirm_link(answer.code, member.official_id, self.core.now())
        except InviteError as exc:
            return self._done(msg, ANSWER_PROBLEMS.get(exc.problem, GONE).format(code=answer.code))
        accounts = self._accounts(after)
        merged = MERGED.format(account=pending.account, before=before, after=after.official_id) if before else ""
        who = ", ".join(p for p in (f"cán bộ #{after.official_id}", after.name, unit_text(after)) if p)
        self._tell(pending, "link-done", "\n".join(filter(None, [LINKED_NEW.format(
            messenger=_messenger(pending.channel), who=who, role=ROLE_NAMES[after.role], accounts=accounts), merged])))
        return self._done(msg, "\n".join(filter(None, [LINKED_OWNER.format(
            messenger=_messenger(pending.channel), account=pending.account, official=after.official_id,
            accounts=accounts), merged])))

    def _refuse(self, msg: Incoming, member: Member, code: str) -> list[Reply]:
        pending = self.links.refuse_link(code, member.official_id, channel=msg.channel.name)
        if pending is None:
            return self._done(msg, GONE)
        self._tell(pending, "link-refused", REFUSED_NEW.format(code=pending.code))
        return self._done(msg, REFUSED_OWNER.format(account=pending.account, code=pending.code))

    def _question(self, pending: PendingLink) -> str:
        return ASK_OWNER.format(messenger=_messenger(pending.channel), name=pending.name or "(không tên)",
                                account=pending.account, code=pending.code, official=pending.official_id)

    def _accounts(self, member: Member) -> str:
        info = official_info(self.people, member.official_id, member.unit.code if member.unit else None)
        return ", ".join(info.accounts) if info else ""

    def _tell(self, pending: PendingLink, kind: str, text: str) -> None:
        """A message to the account that asked (where the outbox can reach it)."""
        if pending.channel in MESSENGERS:
            self.outbox.enqueue([NewMessage(f"{kind}:{pending.code}", pending.channel, pending.chat_id, text)])

    def _done(self, msg: Incoming, text: str) -> list[Reply]:
        """The outcome as text, and as the button's short acknowledgement where there is one."""
        replies = self.core.texts(msg, text)
        if msg.button and msg.channel.buttons:
            replies[0] = replace(replies[0], notice=text[:200])
        return replies


def _answer_rows(code: str) -> tuple[tuple[Button, ...], ...]:
    return ((Button("✅ Đồng ý, đó là tôi", LinkAnswer(True, code).pack()),),
            (Button("❌ Không phải tôi", LinkAnswer(False, code).pack()),))


def _messenger(channel: str) -> str:
    return CHANNEL_NAMES.get(channel, channel)
