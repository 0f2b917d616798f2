"""Initial schema: profiles, attempts, actions, findings, drafts, reviews, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-21 06:07:59.073765
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("event", sa.String(length=100), nullable=False),
        sa.Column("target_type", sa.String(length=50), nullable=False),
        sa.Column("target_id", sa.String(length=200), nullable=False),
        sa.Column("details_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)

    op.create_table(
        "profile",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("team", sa.String(length=200), nullable=True),
        sa.Column("passphrase_hash", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("profile", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_profile_name"), ["name"], unique=False)

    op.create_table(
        "attempt",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("profile_id", sa.String(length=36), nullable=False),
        sa.Column("scenario_id", sa.String(length=200), nullable=False),
        sa.Column("scenario_title", sa.String(length=500), nullable=False),
        sa.Column("scenario_version", sa.String(length=50), nullable=False),
        sa.Column("scenario_hash", sa.String(length=128), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sim_elapsed_seconds", sa.Float(), nullable=True),
        sa.Column("score_overall", sa.Integer(), nullable=True),
        sa.Column("score_risk", sa.Integer(), nullable=True),
        sa.Column("score_tone", sa.Integer(), nullable=True),
        sa.Column("score_timing", sa.Integer(), nullable=True),
        sa.Column("score_action", sa.Integer(), nullable=True),
        sa.Column("reviewed", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profile.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attempt_started_at"), ["started_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_attempt_status"), ["status"], unique=False)

    op.create_table(
        "action_record",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("attempt_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("team", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("sim_at_seconds", sa.Float(), nullable=False),
        sa.Column("wall_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("elapsed_minutes", sa.Float(), nullable=True),
        sa.Column("target_minutes", sa.Float(), nullable=True),
        sa.Column("score_card_json", sa.Text(), nullable=True),
        sa.Column("score_overall", sa.Integer(), nullable=True),
        sa.Column("score_risk", sa.Integer(), nullable=True),
        sa.Column("score_tone", sa.Integer(), nullable=True),
        sa.Column("score_timing", sa.Integer(), nullable=True),
        sa.Column("score_action", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["attempt_id"], ["attempt.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("attempt_id", "seq", name="uq_action_attempt_seq"),
    )
    op.create_table(
        "draft",
        sa.Column("attempt_id", sa.String(length=36), nullable=False),
        sa.Column("post_id", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["attempt_id"], ["attempt.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("attempt_id", "post_id"),
    )
    op.create_table(
        "comment",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("attempt_id", sa.String(length=36), nullable=False),
        sa.Column("action_id", sa.String(length=36), nullable=True),
        sa.Column("author_id", sa.String(length=36), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["action_record.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["attempt_id"], ["attempt.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["profile.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comment_attempt_id"), ["attempt_id"], unique=False)

    op.create_table(
        "finding_record",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("action_id", sa.String(length=36), nullable=False),
        sa.Column("attempt_id", sa.String(length=36), nullable=False),
        sa.Column("rule", sa.String(length=200), nullable=False),
        sa.Column("family", sa.String(length=20), nullable=False),
        sa.Column("severity", sa.String(length=20), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("match", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("suggestion", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("points", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["action_record.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["attempt_id"], ["attempt.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("finding_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_finding_record_action_id"), ["action_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_finding_record_attempt_id"), ["attempt_id"], unique=False
        )

    op.create_table(
        "score_override",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("attempt_id", sa.String(length=36), nullable=False),
        sa.Column("action_id", sa.String(length=36), nullable=True),
        sa.Column("family", sa.String(length=20), nullable=False),
        sa.Column("original", sa.Integer(), nullable=True),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reviewer_id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["action_record.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["attempt_id"], ["attempt.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["profile.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("score_override", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_score_override_attempt_id"), ["attempt_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("score_override", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_override_attempt_id"))

    op.drop_table("score_override")
    with op.batch_alter_table("finding_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finding_record_attempt_id"))
        batch_op.drop_index(batch_op.f("ix_finding_record_action_id"))

    op.drop_table("finding_record")
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comment_attempt_id"))

    op.drop_table("comment")
    op.drop_table("draft")
    op.drop_table("action_record")
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attempt_status"))
        batch_op.drop_index(batch_op.f("ix_attempt_started_at"))

    op.drop_table("attempt")
    with op.batch_alter_table("profile", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_profile_name"))

    op.drop_table("profile")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
