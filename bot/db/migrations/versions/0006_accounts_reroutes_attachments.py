"""One person, two messengers: an account that stops receiving (blocked the bot, never started
it, deleted) is marked instead of the official, so the other account keeps receiving; a
message moved to that other account points at the one it replaces. Report attachments get a
local copy (messenger links may expire) and a count of download attempts.

Officials marked inactive before this revision had every account silenced: their accounts
are marked instead, and the official is active again (an account that writes is reachable).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('identities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))
    op.execute("UPDATE identities SET active = false WHERE official_id IN "
               "(SELECT id FROM officials WHERE active = false)")
    op.execute("UPDATE officials SET active = true WHERE active = false")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rerouted_from', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_outbox_rerouted_from_outbox'), 'outbox',
                                    ['rerouted_from'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachment_file', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('attachment_tries', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_column('attachment_tries')
        batch_op.drop_column('attachment_file')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_rerouted_from_outbox'), type_='foreignkey')
        batch_op.drop_column('rerouted_from')
    op.execute("UPDATE officials SET active = false WHERE id IN (SELECT official_id FROM identities) "
               "AND id NOT IN (SELECT official_id FROM identities WHERE active = true)")
    with op.batch_alter_table('identities', schema=None) as batch_op:
        batch_op.drop_column('active')
