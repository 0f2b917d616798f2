"""``sandbox demo``: fill the database with demo people and scored attempts to explore the app.

Trainers and managers evaluating Reply Sandbox need something to look at before anyone has
practised; this plays real scenarios through the timeline and scorer (``sandbox.demo``).
"""

from __future__ import annotations

import argparse
import sys

NAME = "demo"
HELP = "add demo trainees, a trainer, a manager and scored attempts to the database"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--trainees", type=int, default=8, help="how many trainees (default 8)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument(
        "--force",
        action="store_true",
        help="add the demo data even if the database already has profiles",
    )


def run(args: argparse.Namespace) -> int:
    from sandbox.demo import seed_demo
    from sandbox.store import crud
    from sandbox.store.db import DatabaseError, open_database

    if not 1 <= args.trainees <= 200:
        print("sandbox demo: --trainees must be between 1 and 200.", file=sys.stderr)
        return 2
    try:
        with open_database() as db:
            with db.session() as session:
                existing = crud.list_profiles(session)
            if existing and not args.force:
                print(
                    f"sandbox demo: this database already has {len(existing)} profile(s); "
                    "use --force to add demo data anyway.",
                    file=sys.stderr,
                )
                return 1
            summary = seed_demo(db, trainees=args.trainees, seed=args.seed)
    except DatabaseError as exc:
        print(f"sandbox demo: {exc}", file=sys.stderr)
        return 1
    print(
        f"Added {len(summary.trainee_ids)} trainees, {len(summary.attempt_ids)} attempts "
        f"({summary.actions} actions, {summary.reviewed} reviewed)."
    )
    print(f'Trainer passphrase: "{summary.trainer_passphrase}"')
    print(f'Manager passphrase: "{summary.manager_passphrase}"')
    return 0
