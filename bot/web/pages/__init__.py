"""The dashboard's pages, one module each, in the order of the menu."""
from __future__ import annotations

from bot.web.pages import overview, tasks, unit

PAGES = [overview.router, tasks.router, unit.router]
