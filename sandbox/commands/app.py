"""``sandbox app``: open the desktop app (also what ``sandbox`` and ``python main.py`` do)."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "app"
HELP = "open the desktop app (the default when no command is given)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scenarios",
        metavar="DIR",
        type=Path,
        default=None,
        help="scenario library folder (default: scenarios/)",
    )


def run(args: argparse.Namespace) -> int:
    from sandbox.ui.app import run_app

    return run_app(scenarios_dir=getattr(args, "scenarios", None))
