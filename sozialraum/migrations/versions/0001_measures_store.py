"""Measures store: measures, milestones, audit trail, users, meta.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "measures",
        sa.Column("measure_id", sa.String(64), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("leitlinien", sa.String(20), nullable=False),
        sa.Column("primary_leitlinie", sa.Integer, nullable=False),
        sa.Column("area_ids", sa.Text, nullable=False),
        sa.Column("responsible", sa.String(200)),
        sa.Column("traeger", sa.String(200)),
        sa.Column("partners", sa.String(500)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("start", sa.Date),
        sa.Column("planned_end", sa.Date),
        sa.Column("actual_end", sa.Date),
        sa.Column("progress", sa.Integer),
        sa.Column("budget_planned", sa.Float),
        sa.Column("budget_spent", sa.Float),
        sa.Column("funding", sa.String(200)),
        sa.Column("target_indicators", sa.Text, nullable=False),
        sa.Column("target_values", sa.Text, nullable=False),
        sa.Column("priority", sa.String(10)),
        sa.Column("source", sa.String(200)),
        sa.Column("archived", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
    )
    op.create_table(
        "milestones",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("measure_id", sa.String(64), sa.ForeignKey("measures.measure_id"), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("done", sa.Boolean, nullable=False),
    )
    op.create_index("ix_milestones_measure", "milestones", ["measure_id"])
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("change_id", sa.String(32), nullable=False),
        sa.Column("measure_id", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("field", sa.String(40), nullable=False),
        sa.Column("old_value", sa.Text),
        sa.Column("new_value", sa.Text),
        sa.Column("comment", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_audit_measure", "audit", ["measure_id", "id"])
    op.create_table(
        "users",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    for table in ("meta", "users", "audit", "milestones", "measures"):
        op.drop_table(table)
