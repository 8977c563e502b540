"""Hardening: shared rate counters (failed registrations, messages per person).

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-10
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('rate_counters',
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', 'window_start', name=op.f('pk_rate_counters'))
    )
    with op.batch_alter_table('rate_counters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_counters_window_start'), ['window_start'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('rate_counters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_counters_window_start'))
    op.drop_table('rate_counters')
