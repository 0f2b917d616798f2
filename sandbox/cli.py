"""Command-line entry point: parses arguments and dispatches to ``sandbox.commands.*``.

Each command lives in its own module exposing ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``; modules import their heavy dependencies inside ``run`` so that
``sandbox --help`` stays fast. No command logic lives here.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence
from types import ModuleType

import sandbox.commands
from sandbox import __version__


def _command_modules() -> list[ModuleType]:
    mods = []
    for info in sorted(pkgutil.iter_modules(sandbox.commands.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        mods.append(importlib.import_module(f"sandbox.commands.{info.name}"))
    return mods


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    parser = argparse.ArgumentParser(
        prog="sandbox",
        description="Reply Sandbox: practise answering the public on social media, offline.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help="database URL (default: SANDBOX_DATABASE_URL, else SQLite in the user data dir)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    table: dict[str, ModuleType] = {}
    for mod in _command_modules():
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        table[mod.NAME] = mod
    return parser, table


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sandbox COMMAND``; with no command, open the desktop app."""
    parser, table = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.db:
        import os

        os.environ["SANDBOX_DATABASE_URL"] = args.db
    name = args.command or "app"
    if name not in table:
        parser.error(f"unknown command {name!r}")
    if args.command is None:
        args = parser.parse_args(["app"])
    try:
        return int(table[name].run(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
