"""Manager-report indexes, and the app version that recorded each attempt.

The indexes serve the dashboard queries in ``sandbox.store.queries`` (attempts per person and
per scenario over a period, findings by family and rule, replies by week); measured with
``bench/bench_store.py``. ``attempt.app_version`` helps support tell which release recorded an
attempt found in a transcript.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 06:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("app_version", sa.String(length=50), nullable=False, server_default="")
        )
        batch_op.create_index("ix_attempt_profile_started", ["profile_id", "started_at"])
        batch_op.create_index("ix_attempt_scenario_started", ["scenario_id", "started_at"])
    with op.batch_alter_table("action_record", schema=None) as batch_op:
        batch_op.create_index("ix_action_wall_at", ["wall_at"])
        batch_op.create_index(
            "ix_action_first_reply", ["attempt_id", "post_id", "kind", "elapsed_minutes"]
        )
    with op.batch_alter_table("finding_record", schema=None) as batch_op:
        batch_op.create_index(
            "ix_finding_family_rule", ["family", "rule", "severity", "attempt_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("finding_record", schema=None) as batch_op:
        batch_op.drop_index("ix_finding_family_rule")
    with op.batch_alter_table("action_record", schema=None) as batch_op:
        batch_op.drop_index("ix_action_first_reply")
        batch_op.drop_index("ix_action_wall_at")
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_attempt_scenario_started")
        batch_op.drop_index("ix_attempt_profile_started")
        batch_op.drop_column("app_version")
