"""invoices and tax: tax rules per ticket type, organiser settings, buyer companies, invoices (issue 18, invoicing)

Revision ID: 0017_invoicing
Revises: 0014_questions
Create Date: 2026-12-03 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017_invoicing'
down_revision: str | None = '0014_questions'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'invoice_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('legal_name', sa.String(length=200), nullable=False),
        sa.Column('address', sa.String(length=500), nullable=False),
        sa.Column('vat_id', sa.String(length=20), nullable=False),
        sa.Column('footer', sa.String(length=500), nullable=False),
        sa.Column('prefix', sa.String(length=12), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'invoice_sequence',
        sa.Column('prefix', sa.String(length=12), nullable=False),
        sa.Column('last_number', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('prefix'),
    )
    op.create_table(
        'invoice_buyer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('company_name', sa.String(length=200), nullable=False),
        sa.Column('address', sa.String(length=500), nullable=False),
        sa.Column('vat_id', sa.String(length=20), nullable=False),
        sa.Column('reverse_charge', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['ticket_order.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_invoice_buyer_order_id', 'invoice_buyer', ['order_id'], unique=True)
    op.create_table(
        'invoice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('prefix', sa.String(length=12), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('corrects_id', sa.Integer(), nullable=True),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('net_minor', sa.Integer(), nullable=False),
        sa.Column('tax_minor', sa.Integer(), nullable=False),
        sa.Column('gross_minor', sa.Integer(), nullable=False),
        sa.Column('seller', sa.String(length=1300), nullable=False),
        sa.Column('buyer', sa.String(length=1100), nullable=False),
        sa.Column('footer', sa.String(length=500), nullable=False),
        sa.Column('reverse_charge', sa.Boolean(), nullable=False),
        sa.Column('locale', sa.String(length=8), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['ticket_order.id']),
        sa.ForeignKeyConstraint(['corrects_id'], ['invoice.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('prefix', 'number', name='uq_invoice_prefix_number'),
    )
    op.create_index('ix_invoice_code', 'invoice', ['code'], unique=True)
    op.create_index('ix_invoice_order_id', 'invoice', ['order_id'], unique=False)
    op.create_index('ix_invoice_issued_at', 'invoice', ['issued_at'], unique=False)
    op.create_table(
        'invoice_line',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('invoice_id', sa.Integer(), nullable=False),
        sa.Column('description', sa.String(length=300), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('rate_bp', sa.Integer(), nullable=False),
        sa.Column('net_minor', sa.Integer(), nullable=False),
        sa.Column('tax_minor', sa.Integer(), nullable=False),
        sa.Column('gross_minor', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_invoice_line_invoice_id', 'invoice_line', ['invoice_id'], unique=False)
    # Plain ALTER TABLE, as in 0011 and 0013: SQLite adds and drops these columns in place.
    op.add_column('tickettype', sa.Column('tax_rate_bp', sa.Integer(), server_default='0', nullable=False))
    op.add_column('tickettype', sa.Column('tax_included', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.add_column('tickettype', sa.Column('reverse_charge', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    op.drop_column('tickettype', 'reverse_charge')
    op.drop_column('tickettype', 'tax_included')
    op.drop_column('tickettype', 'tax_rate_bp')
    op.drop_index('ix_invoice_line_invoice_id', table_name='invoice_line')
    op.drop_table('invoice_line')
    op.drop_index('ix_invoice_issued_at', table_name='invoice')
    op.drop_index('ix_invoice_order_id', table_name='invoice')
    op.drop_index('ix_invoice_code', table_name='invoice')
    op.drop_table('invoice')
    op.drop_index('ix_invoice_buyer_order_id', table_name='invoice_buyer')
    op.drop_table('invoice_buyer')
    op.drop_table('invoice_sequence')
    op.drop_table('invoice_settings')
