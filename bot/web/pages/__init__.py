"""The dashboard's pages, one module each, in the order of the menu."""
from __future__ import annotations

from bot.web.pages import documents, overview, units

PAGES = [overview.router, documents.router, units.router]
