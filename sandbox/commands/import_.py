"""``sandbox import``: verify and import transcript files from trainees."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAME = "import"
HELP = "import signed transcript files (or folders of them) into this database"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files", metavar="FILE", nargs="+", help="transcript .json files, or folders of them"
    )


def expand(paths: list[str]) -> list[Path]:
    """Files as given, and the *.json files inside any folder given (sorted)."""
    out: list[Path] = []
    for name in paths:
        p = Path(name)
        out.extend(sorted(p.glob("*.json")) if p.is_dir() else [p])
    return out


def run(args: argparse.Namespace) -> int:
    from sandbox.store import transcripts
    from sandbox.store.db import DatabaseError, open_database

    files = expand(args.files)
    if not files:
        print("sandbox import: no transcript files found.", file=sys.stderr)
        return 1
    rejected = 0
    try:
        key = transcripts.load_org_key()
        with open_database() as db, db.session() as session:
            for path in files:
                try:
                    result = transcripts.import_transcript(session, path, key)
                except transcripts.TranscriptRejected as exc:
                    rejected += 1
                    print(f"{path}: rejected: {exc.reason}", file=sys.stderr)
                    continue
                parts = [f"{result.attempts_added} new attempt(s)"]
                if result.attempts_updated:
                    parts.append(f"{result.attempts_updated} updated")
                if result.skipped:
                    parts.append(f"{result.skipped} already here")
                print(f"{path}: {result.profile.name}: {', '.join(parts)}")
    except (DatabaseError, transcripts.TranscriptError) as exc:
        print(f"sandbox import: {exc}", file=sys.stderr)
        return 1
    if rejected:
        print(f"{rejected} of {len(files)} file(s) rejected.", file=sys.stderr)
        return 1
    return 0
