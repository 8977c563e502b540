"""The dashboard's pages, one module each, in the order of the menu."""
from __future__ import annotations

from bot.web.pages import matrix, overview, tasks, unit

PAGES = [overview.router, tasks.router, matrix.router, unit.router]
