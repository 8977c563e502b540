"""Units, officials and invite codes without a chat: the helpers the chat commands share, and
`python -m bot units …` (import, list, invite, revoke, officials)."""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING


from bot.core.clock import clock_on_day
from bot.db.people import ROLE_NAMES, ROLE_WORDS, Member, \
    OfficialInfo, PeopleStore, Role, normalise_code
from bot.services.units_file import UnitsFileError, read_units_file
from bot.retrieval.vietnamese import fold

if TYPE_CHECKING:
    from bot.config import Settings

MAX_INVITE_DAYS = 365
DEFAULT_INVITE_USES = 1  # a code forwarded beyond its official must not let others in
MAX_INVITE_USES = 500
# Role words beyond the store's (typed in /taoma and /quyen, diacritics and spaces ignored).
EXTRA_ROLE_WORDS = {"chixem": Role.READER, "quantrivien": Role.ADMIN}


def typed_code(text: str) -> str:
    """A code as typed: spaces, dashes and quotes dropped, upper case."""
    return normalise_code("".join(ch for ch in text if ch.isalnum()))


def parse_role(word: str) -> Role | None:
    """«baocao», «báo cáo», «xem», «admin»… → Role."""
    key = "".join(fold(word).split())
    return ROLE_WORDS.get(key) or EXTRA_ROLE_WORDS.get(key)


def invite_state(revoked: bool, expires_at: datetime, uses: int, max_uses: int | None, now: datetime) -> str:
    if revoked:
        return "đã thu hồi"
    if expires_at <= now:
        return "hết hạn"
    if max_uses is not None and uses >= max_uses:
        return "đã dùng hết"
    return "còn hạn"


def demotion_refusal(people: PeopleStore, target: OfficialInfo, by_official_id: int) -> str | None:
    """Why an admin may not lose the role: set in the config, or the last admin left."""
    if any(a in people.admins for a in target.accounts):
        return (f"Cán bộ #{target.official_id} là quản trị theo cấu hình (access.admins): muốn bỏ quyền, "
                "văn phòng bỏ tài khoản khỏi config.yaml, khởi động lại bot rồi mới đổi vai trò.")
    admins = [o for o in people.officials() if o.role is Role.ADMIN and o.active]
    if len(admins) <= 1:
        you = "Bạn là" if target.official_id == by_official_id else f"Cán bộ #{target.official_id} là"
        return f"{you} quản trị duy nhất; cấp quyền quản trị cho người khác trước rồi mới đổi vai trò này."
    return None


def unit_text(member: Member | OfficialInfo) -> str:
    return f"{member.unit.name} ({member.unit.code})" if member.unit else "chưa thuộc đơn vị nào"


def official_counts(people: PeopleStore) -> Counter[int | None]:
    """Officials per unit id (None: no unit), counting only those who still have an account."""
    return Counter(o.unit.id if o.unit else None for o in people.officials() if o.accounts)


def official_line(o: OfficialInfo) -> str:
    unit = o.unit.code if o.unit else "chưa thuộc đơn vị"
    accounts = ", ".join(o.accounts) or "không còn tài khoản nào"
    if not o.active:
        inactive = " — ngừng nhận tin (đã chặn bot)"
    elif o.unreachable:
        inactive = f" — ngừng nhận tin trên {', '.join(o.unreachable)} (đã chặn bot)"
    else:
        inactive = ""
    return f"#{o.official_id} {o.name or '(chưa có tên)'} — {unit}, {ROLE_NAMES[o.role]}; {accounts}{inactive}"


# -- command line: python -m bot units … --------------------------------------------------------

CLI_ROLES = {"baocao": Role.REPORTER, "xem": Role.READER}


def units_cli(settings: "Settings", args: argparse.Namespace) -> int:
    """`units import|list|invite|revoke|officials` over the configured database; exit code."""
    from bot.db.engine import shared_engine

    engine = shared_engine(settings.database_url)
    try:
        people = PeopleStore(engine, settings.access.admins)
        action = {"import": _cli_import, "list": _cli_list, "invite": _cli_invite,
                  "revoke": _cli_revoke, "officials": _cli_officials}[args.units_command]
        return action(people, settings, args)
    finally:
        engine.dispose()


def _cli_import(people: PeopleStore, settings: "Settings", args: argparse.Namespace) -> int:
    path: Path = args.file
    try:
        parsed = read_units_file(path)
    except OSError as exc:
        print(f"Không đọc được tệp {path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except UnitsFileError as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 1
    added, updated = people.import_units(parsed.specs())
    unchanged = len(parsed.rows) - added - updated
    summary = f"thêm {added}, cập nhật {updated}, không đổi {unchanged} đơn vị"
    people.audit(None, "cli", "import", f"{path.name}: {summary}")
    print(f"Đã nạp {path.name}: {summary}.")
    _reassign_tasks(people, settings)
    for line, problem in parsed.problems:
        print(f"{path}:{line}: {problem}", file=sys.stderr)
    if parsed.problems:
        print(f"{len(parsed.problems)} dòng lỗi bị bỏ qua (các dòng đúng đã được nạp); sửa rồi nạp lại.",
              file=sys.stderr)
        return 1
    return 0


def _reassign_tasks(people: PeopleStore, settings: "Settings") -> None:
    """Tasks no person assigned are matched again against the new list of units."""
    from bot.services.tasks import TaskRegister

    register = TaskRegister(people.engine, settings, people=people)
    register.sync()
    unassigned = [r for r in register.store.records() if not r.lead and r.status.value != "dismissed"]
    if unassigned:
        print(f"{len(unassigned)} nhiệm vụ chưa xác định được đơn vị chủ trì: xem «python -m bot tasks list».")


def _cli_list(people: PeopleStore, settings: "Settings", args: argparse.Namespace) -> int:
    units = people.units()
    if not units:
        print("Chưa có đơn vị nào. Nạp danh sách bằng: python -m bot units import units.example.csv")
        return 0
    counts = official_counts(people)
    for unit in units:
        closed = " (ngừng hoạt động)" if not unit.active else ""
        print(f"{unit.code} — {unit.name}: {counts.get(unit.id, 0)} cán bộ{closed}")
    return 0


def _cli_invite(people: PeopleStore, settings: "Settings", args: argparse.Namespace) -> int:
    days = settings.access.invite_days if args.days is None else args.days
    if not 1 <= days <= MAX_INVITE_DAYS:
        print(f"--days phải từ 1 đến {MAX_INVITE_DAYS}.", file=sys.stderr)
        return 2
    uses = DEFAULT_INVITE_USES if args.uses is None else args.uses
    if not 1 <= uses <= MAX_INVITE_USES:
        print(f"--uses phải từ 1 đến {MAX_INVITE_USES}.", file=sys.stderr)
        return 2
    role = CLI_ROLES[args.role]
    try:
        invite = people.create_invite(args.unit, role, days=days, max_uses=uses, channel="cli")
    except KeyError:
        print(f"Không có đơn vị mã «{normalise_code(args.unit)}». Xem: python -m bot units list",
              file=sys.stderr)
        return 1
    print(f"Mã mời: {invite.code}")
    print(f"Đơn vị: {invite.unit.name} ({invite.unit.code})")
    print(f"Vai trò: {ROLE_NAMES[role]}")
    print(f"Hết hạn: {clock_on_day(invite.expires_at)} (giờ Việt Nam)")
    print(f"Số lượt: {uses} (mỗi cán bộ đăng ký dùng một lượt)")
    print(f"Cán bộ nhắn riêng cho bot: /dangky {invite.code}")
    return 0


def _cli_revoke(people: PeopleStore, settings: "Settings", args: argparse.Namespace) -> int:
    code = typed_code(args.code)
    if people.revoke_invite(code, channel="cli"):
        print(f"Đã thu hồi mã {code}.")
        return 0
    print(f"Không có mã mời {code}, hoặc mã đã được thu hồi từ trước.", file=sys.stderr)
    return 1


def _cli_officials(people: PeopleStore, settings: "Settings", args: argparse.Namespace) -> int:
    if args.unit and people.unit(args.unit) is None:
        print(f"Không có đơn vị mã «{normalise_code(args.unit)}».", file=sys.stderr)
        return 1
    officials = people.officials(args.unit)
    if not officials:
        print("Chưa có cán bộ nào đăng ký.")
        return 0
    for official in officials:
        print(official_line(official))
    return 0
