"""Store on each action whether it is the attempt's first response to its post.

First-reply time reports used to find the earliest response to every post at query time (a
grouped MIN over ~90,000 posts at 100,000 replies, 170–400 ms). ``first_response`` records the
fact when the action is written (``crud.record_action``, transcript import), so the reports
become plain aggregates over ``ix_action_first_response``. Existing rows are backfilled here
with one set-based UPDATE: an action is a first response when it is a response kind and no
response to the same post in the same attempt has a lower sequence number.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sandbox.timeline.engine import RESPONSE_KINDS

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("action_record", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("first_response", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index(
            "ix_action_first_response", ["attempt_id", "first_response", "elapsed_minutes"]
        )
    # Backfill outside the batch (a plain UPDATE works in place on both engines): every row is
    # False after add_column, so only the first responses need writing.
    action = sa.table(
        "action_record",
        sa.column("attempt_id", sa.String),
        sa.column("post_id", sa.String),
        sa.column("kind", sa.String),
        sa.column("seq", sa.Integer),
        sa.column("first_response", sa.Boolean),
    )
    earlier = action.alias("earlier")
    kinds = sorted(k.value for k in RESPONSE_KINDS)
    op.execute(
        sa.update(action)
        .where(
            action.c.kind.in_(kinds),
            ~sa.exists().where(
                earlier.c.attempt_id == action.c.attempt_id,
                earlier.c.post_id == action.c.post_id,
                earlier.c.kind.in_(kinds),
                earlier.c.seq < action.c.seq,
            ),
        )
        .values(first_response=sa.true())
    )


def downgrade() -> None:
    with op.batch_alter_table("action_record", schema=None) as batch_op:
        batch_op.drop_index("ix_action_first_response")
        batch_op.drop_column("first_response")
