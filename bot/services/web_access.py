"""Sign-in links to the web dashboard, for /web in chat and `python -m bot web-login`."""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from bot.db.people import PeopleStore
from bot.db.web import WebStore

if TYPE_CHECKING:
    import argparse

    from bot.config import Settings


def sign_in_link(web: WebStore, settings: "Settings", official_id: int) -> str:
    """A one-time link (valid `web.link_minutes`) that opens a session for this official."""
    token = web.create_link(official_id, settings.web.link_minutes)
    return f"{settings.web.address}/dang-nhap/{token}"


def web_login_cli(settings: "Settings", args: "argparse.Namespace") -> int:
    """`python -m bot web-login --official N`: print a sign-in link for the first set-up."""
    from bot.db.engine import shared_engine

    engine = shared_engine(settings.database_url)
    try:
        people = PeopleStore(engine, settings.access.admins)
        official = people.official(args.official)
        if official is None or not official.active:
            print(f"Không có cán bộ #{args.official} (xem: python -m bot units officials).", file=sys.stderr)
            return 1
        link = sign_in_link(WebStore(engine), settings, official.official_id)
        people.audit(None, "cli", "web_link", f"liên kết đăng nhập cho cán bộ #{official.official_id}")
        print(f"Liên kết đăng nhập cho #{official.official_id} {official.name} "
              f"(dùng một lần, hết hạn sau {settings.web.link_minutes} phút):")
        print(link)
        return 0
    finally:
        engine.dispose()
