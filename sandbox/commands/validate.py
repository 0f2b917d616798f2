"""``sandbox validate PATH...``: check scenario files and print one line per problem.

Folders are searched for ``*.yaml``/``*.yml`` (rule-pack folders named ``rules`` are skipped).
Exit status: 0 all good, 1 some problem found, 2 a path does not exist or holds no scenario files.
"""

from __future__ import annotations

import argparse
import sys

NAME = "validate"
HELP = "check scenario files (or folders of them) and report every problem with its line"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="scenario file or folder")


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sandbox.scenario.errors import ScenarioError
    from sandbox.scenario.library import scenario_files
    from sandbox.scenario.loader import load_scenario

    files: list[Path] = []
    for raw in args.paths:
        path = Path(raw)
        if path.is_dir():
            found = list(scenario_files(path, frozenset({"rules"})))
            if not found:
                print(f"sandbox validate: no .yaml or .yml files in {raw}", file=sys.stderr)
                return 2
            files += found
        elif path.exists():
            files.append(path)
        else:
            print(f"sandbox validate: no such file or folder: {raw}", file=sys.stderr)
            return 2

    problems = 0
    for path in files:
        try:
            load_scenario(path)
        except ScenarioError as exc:
            for problem in exc.problems:
                print(problem)
            problems += len(exc.problems)
    print(f"{_plural(len(files), 'file')}, {_plural(problems, 'problem')}")
    return 1 if problems else 0
