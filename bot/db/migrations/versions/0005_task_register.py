"""The task register: tasks the secretariat tracks, proposed or dismissed, and the units each
is assigned to; units gain a kind and aliases so that a document's actors can be matched.

Existing reports, mutes and broadcasts keep their obligation keys: the register uses the same
keys, and its first sync tracks every task a unit has already reported on.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('aliases', sa.Text(), nullable=False, server_default=''))
    op.create_table('tasks',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(length=1024), nullable=False),
    sa.Column('doc_number', sa.String(length=64), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('actor', sa.Text(), nullable=True),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('section', sa.Text(), nullable=False),
    sa.Column('deadline', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('manual', sa.Boolean(), nullable=False),
    sa.Column('deadline_corrected', sa.Boolean(), nullable=False),
    sa.Column('units_confirmed', sa.Boolean(), nullable=False),
    sa.Column('announced', sa.Boolean(), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by'], ['officials.id'], name=op.f('fk_tasks_decided_by_officials'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_tasks'))
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tasks_source'), ['source'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_doc_number'), ['doc_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_status'), ['status'], unique=False)
    op.create_table('task_units',
    sa.Column('task_key', sa.String(length=32), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['task_key'], ['tasks.key'], name=op.f('fk_task_units_task_key_tasks'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_task_units_unit_id_units'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('task_key', 'unit_id', name=op.f('pk_task_units'))
    )
    with op.batch_alter_table('task_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_units_unit_id'), ['unit_id'], unique=False)


def downgrade() -> None:
    op.drop_table('task_units')
    op.drop_table('tasks')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_column('aliases')
        batch_op.drop_column('kind')
