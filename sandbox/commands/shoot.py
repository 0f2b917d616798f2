"""``sandbox shoot --out DIR``: screenshots of every screen, rendered offscreen by the app itself."""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

NAME = "shoot"
HELP = "render every screen to PNG (offscreen, demo data, fixed scenario and seed)"


def _size(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d{3,4})x(\d{3,4})", text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f'size must look like 1280x800, got "{text}"')
    return int(m[1]), int(m[2])


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", metavar="DIR", type=Path, required=True, help="folder for the PNG files"
    )
    parser.add_argument(
        "--size",
        metavar="WxH",
        type=_size,
        action="append",
        help="window size (repeatable; default 1280x800 and 1024x640)",
    )
    parser.add_argument("--only", metavar="PREFIX", help="only shots whose name starts with PREFIX")
    parser.add_argument(
        "--scenarios", metavar="DIR", type=Path, default=None, help="scenario library folder"
    )


def run(args: argparse.Namespace) -> int:
    # Offscreen, and never the user's own settings or data: shots must be reproducible.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    tmp = Path(tempfile.mkdtemp(prefix="sandbox-shoot-home-"))
    os.environ["SANDBOX_CONFIG_DIR"] = str(tmp / "config")
    os.environ["SANDBOX_DATA_DIR"] = str(tmp / "data")

    from sandbox.ui.app import create_app
    from sandbox.ui.shoot import SIZES, ShotTimeout, render

    create_app(["sandbox-shoot"])
    try:
        files = render(
            args.out, sizes=args.size or SIZES, only=args.only, scenarios_dir=args.scenarios
        )
    except (ShotTimeout, FileNotFoundError, OSError) as exc:
        print(f"shoot: {exc}", file=sys.stderr)
        return 1
    print(f"{len(files)} screenshots in {args.out}")
    return 0
