"""``sandbox schema``: print the scenario JSON Schema generated from the models."""

from __future__ import annotations

import argparse

NAME = "schema"
HELP = "print the scenario file JSON Schema (for editor autocompletion)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")


def run(args: argparse.Namespace) -> int:
    from sandbox.scenario.schema import schema_json

    text = schema_json()
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    else:
        print(text, end="")
    return 0
