"""Alembic environment: migrations run in code through `bot.db.engine.migrate`.

`migrate` passes its connection (already in a transaction, holding the migration lock) in
`config.attributes["connection"]`. Without one, as when a developer generates a revision, the
URL comes from the `sqlalchemy.url` option or else from the project's settings:

    .venv/bin/python -c "from alembic import command; from bot.db.engine import alembic_config; \\
        c = alembic_config(); c.set_main_option('sqlalchemy.url', 'sqlite:////tmp/dev.db'); \\
        command.upgrade(c, 'head'); command.revision(c, 'what changed', autogenerate=True)"
"""
from __future__ import annotations

from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection, TypeDecorator

from bot.db.models import Base

config = context.config
target_metadata = Base.metadata


def render_item(kind: str, obj: Any, autogen: AutogenContext) -> str | bool:
    """Generated revisions spell our own column types as their plain SQLAlchemy type, so a
    revision never imports application code that may change after it was written."""
    if kind == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    # Inside the caller's transaction this does not commit: the caller does.
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    from bot.config import load_settings
    from bot.db.engine import open_engine

    engine = open_engine(config.get_main_option("sqlalchemy.url")
                         or load_settings().database_url)
    try:
        with engine.connect() as connection:
            run_migrations(connection)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run them against a database")
run_online()
