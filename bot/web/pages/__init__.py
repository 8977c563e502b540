"""The dashboard's pages, one module each, in the order of the menu."""
from __future__ import annotations

from bot.web.pages import audit, broadcasts, overview, questions

PAGES = [overview.router, broadcasts.router, questions.router, audit.router]
