"""The dashboard's pages, one module each, in the order of the menu."""
from __future__ import annotations

from bot.web.pages import audit, broadcasts, documents, overview, questions, units

PAGES = [overview.router, documents.router, units.router, broadcasts.router, questions.router, audit.router]
