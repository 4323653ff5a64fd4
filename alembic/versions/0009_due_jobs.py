"""due jobs: work that must follow a commit (ARCHITECTURE.md "Durable side effects")

Revision ID: 0009
Revises: 0008_totp
Create Date: 2026-12-01 23:35:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008_totp'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('due_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('payload', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'key', name='uq_due_job_kind_key')
    )
    with op.batch_alter_table('due_job', schema=None) as batch_op:
        batch_op.create_index('ix_due_job_undone', ['done_at', 'next_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('due_job', schema=None) as batch_op:
        batch_op.drop_index('ix_due_job_undone')
    op.drop_table('due_job')
