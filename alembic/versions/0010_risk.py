"""risk: block lists, assessments, payment attempts, alerts, order review

Revision ID: 0010_risk
Revises: 0009
Create Date: 2026-12-02 02:45:34.722163
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0010_risk'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('security_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('window_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'window_key', name='uq_security_alert_kind_window')
    )
    with op.batch_alter_table('security_alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_security_alert_created_at'), ['created_at'], unique=False)

    op.create_table('risk_block',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'value', name='uq_risk_block_kind_value')
    )
    op.create_table('risk_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('ip', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('device', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('decision', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['ticket_order.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('risk_assessment', schema=None) as batch_op:
        batch_op.create_index('ix_risk_assessment_device_at', ['device', 'at'], unique=False)
        batch_op.create_index('ix_risk_assessment_email_at', ['email', 'at'], unique=False)
        batch_op.create_index('ix_risk_assessment_ip_at', ['ip', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_assessment_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_risk_assessment_user_at', ['user_id', 'at'], unique=False)

    op.create_table('risk_payment_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('ip', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('device', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('card', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('declined', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['ticket_order.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('risk_payment_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_payment_attempt_at'), ['at'], unique=False)
        batch_op.create_index('ix_risk_payment_attempt_device_at', ['device', 'at'], unique=False)
        batch_op.create_index('ix_risk_payment_attempt_email_at', ['email', 'at'], unique=False)
        batch_op.create_index('ix_risk_payment_attempt_ip_at', ['ip', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_payment_attempt_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('ticket_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_state', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch_op.create_index(batch_op.f('ix_ticket_order_review_state'), ['review_state'], unique=False)



def downgrade() -> None:
    # Plain ALTER TABLE (SQLite ≥ 3.35 drops columns): a batch copy of ticket_order would break the
    # foreign keys that point at it in a database with orders.
    op.drop_index('ix_ticket_order_review_state', table_name='ticket_order')
    op.drop_column('ticket_order', 'review_state')

    with op.batch_alter_table('risk_payment_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_payment_attempt_user_id'))
        batch_op.drop_index('ix_risk_payment_attempt_ip_at')
        batch_op.drop_index('ix_risk_payment_attempt_email_at')
        batch_op.drop_index('ix_risk_payment_attempt_device_at')
        batch_op.drop_index(batch_op.f('ix_risk_payment_attempt_at'))

    op.drop_table('risk_payment_attempt')
    with op.batch_alter_table('risk_assessment', schema=None) as batch_op:
        batch_op.drop_index('ix_risk_assessment_user_at')
        batch_op.drop_index(batch_op.f('ix_risk_assessment_order_id'))
        batch_op.drop_index('ix_risk_assessment_ip_at')
        batch_op.drop_index('ix_risk_assessment_email_at')
        batch_op.drop_index('ix_risk_assessment_device_at')

    op.drop_table('risk_assessment')
    op.drop_table('risk_block')
    with op.batch_alter_table('security_alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_security_alert_created_at'))

    op.drop_table('security_alert')
