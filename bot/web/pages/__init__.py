"""The dashboard's pages, one module each, in the order of the menu."""
from __future__ import annotations

from bot.web.pages import audit, broadcasts, documents, matrix, overview, questions, tasks, unit, units

# The units list and its actions (/don-vi, /don-vi/nhap …) before one unit's page (/don-vi/CODE).
PAGES = [overview.router, tasks.router, matrix.router, documents.router, units.router, unit.router,
         broadcasts.router, questions.router, audit.router]
