"""Obligations read as tasks: whether a dated sentence is a task (and why not), its lead and
coordinating units, its recurrence, and whether its due date is an estimate.

Rows stored before this revision count as tasks with no lead until their document is extracted
again (ingestion re-extracts every document when the extractor's version changes).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('obligations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_task', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('not_task', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('lead', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('coordinate', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('recurrence', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('due_estimated', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('obligations', schema=None) as batch_op:
        for column in ('due_estimated', 'recurrence', 'coordinate', 'lead', 'not_task', 'is_task'):
            batch_op.drop_column(column)
