"""``sandbox key``: show, share or install the organisation key that signs transcripts."""

from __future__ import annotations

import argparse
import sys

NAME = "key"
HELP = "show, export or import the organisation key that signs transcript files"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    what = parser.add_mutually_exclusive_group()
    what.add_argument(
        "--show", action="store_true", help="print the key itself (keep it among trainers)"
    )
    what.add_argument("--export", metavar="FILE", help="write the key to FILE to share it")
    what.add_argument(
        "--import", dest="import_file", metavar="FILE", help="install the key in FILE"
    )
    parser.add_argument(
        "--force", action="store_true", help="with --import: replace a different existing key"
    )


def run(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    from sandbox.store import transcripts

    try:
        if args.import_file:
            key, changed = transcripts.import_org_key(args.import_file, force=args.force)
            state = "installed" if changed else "already in use"
            print(f"Organisation key {transcripts.key_fingerprint(key)} {state}.")
            return 0
        key = transcripts.load_org_key()
        if args.show:
            print(key.hex())
        elif args.export:
            out = Path(args.export)
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(key.hex() + "\n")
            print(f"Wrote organisation key {transcripts.key_fingerprint(key)} to {out}")
        else:
            print(f"Organisation key {transcripts.key_fingerprint(key)}")
            print(f"Stored in {transcripts.org_key_path()}")
        return 0
    except transcripts.TranscriptError as exc:
        print(f"sandbox key: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"sandbox key: cannot use {exc.filename}: {exc.strerror}.", file=sys.stderr)
        return 1
