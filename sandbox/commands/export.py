"""``sandbox export``: write attempts to a signed transcript file (or CSV for spreadsheets)."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

NAME = "export"
HELP = "export an attempt, or all of a trainee's attempts, to a signed transcript file or CSV"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--attempt", metavar="ID", help="the attempt to export")
    which.add_argument(
        "--profile", metavar="NAME-OR-ID", help="export every attempt of this person"
    )
    parser.add_argument(
        "--out",
        metavar="FILE",
        help="file to write (default: transcript-<name>-<date>.json/.csv in this folder)",
    )
    parser.add_argument(
        "--csv",
        action="store_true",
        help="write one spreadsheet row per action (UTF-8 CSV) instead of a signed transcript",
    )


def _default_name(person: str, csv: bool) -> Path:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", person).strip("-").lower() or "trainee"
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    return Path(f"transcript-{slug}-{stamp}.{'csv' if csv else 'json'}")


def run(args: argparse.Namespace) -> int:
    from sqlmodel import select

    from sandbox.store import crud, transcripts
    from sandbox.store.db import DatabaseError, open_database
    from sandbox.store.models import Attempt

    def fail(message: str) -> int:
        print(f"sandbox export: {message}", file=sys.stderr)
        return 1

    try:
        with open_database() as db, db.session() as session:
            if args.attempt:
                attempt = crud.get_attempt(session, attempt_id=args.attempt)
                if attempt is None:
                    return fail(f"no attempt with id {args.attempt}.")
                profile = crud.get_profile(session, profile_id=attempt.profile_id)
                attempt_ids = [attempt.id]
            else:
                profile = crud.find_profile(session, name_or_id=args.profile)
                if profile is None:
                    return fail(f"no profile called {args.profile!r}.")
                attempt_ids = list(
                    session.exec(select(Attempt.id).where(Attempt.profile_id == profile.id))
                )
                if not attempt_ids:
                    return fail(f"{profile.name} has no attempts to export yet.")
            assert profile is not None
            out = Path(args.out) if args.out else _default_name(profile.name, args.csv)
            if args.csv:
                rows = transcripts.write_actions_csv(session, attempt_ids=attempt_ids, path=out)
                print(
                    f"Wrote {rows} actions from {len(attempt_ids)} attempt(s) of {profile.name} to {out}"
                )
                return 0
            key = transcripts.load_org_key()
            payload = transcripts.build_transcript(session, attempt_ids=attempt_ids, key=key)
            transcripts.write_transcript(out, payload)
            crud.audit(
                session,
                event="transcript.exported",
                target_type="profile",
                target_id=profile.id,
                details={"file": out.name, "attempt_ids": attempt_ids},
            )
            print(
                f"Exported {len(attempt_ids)} attempt(s) of {profile.name} to {out} "
                f"(signed with organisation key {transcripts.key_fingerprint(key)})"
            )
            return 0
    except (DatabaseError, crud.StoreError, transcripts.TranscriptError) as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(f"cannot write {exc.filename}: {exc.strerror}.")
