"""Alembic migrations of the application database (see env.py)."""
