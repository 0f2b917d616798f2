"""The scenario library: which scenario files a folder holds, what each is, and its version hash.

The hash is the SHA-256 of the file's bytes, so an attempt recorded against a scenario can later be
matched to exactly the text the learner saw, whatever the file's ``version`` field claims.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sandbox.scenario.errors import Problem, ScenarioError
from sandbox.scenario.loader import read_scenario_bytes
from sandbox.scenario.models import Difficulty, Scenario
from sandbox.scenario.yamlread import check_size

SCENARIO_SUFFIXES = (".yaml", ".yml")
# Folders under a scenario folder that hold other YAML: generated stress files, rule packs.
SKIPPED_FOLDERS = frozenset({"stress", "rules"})


@dataclass(frozen=True)
class ScenarioInfo:
    """A library entry; ``scenario`` is None and ``problems`` says why when the file is broken."""

    path: Path
    hash: str
    scenario: Scenario | None
    problems: tuple[Problem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.scenario is not None

    @property
    def id(self) -> str:
        return self.scenario.id if self.scenario else self.path.stem

    @property
    def title(self) -> str:
        return self.scenario.title if self.scenario else self.path.name

    @property
    def summary(self) -> str:
        return self.scenario.summary if self.scenario else ""

    @property
    def difficulty(self) -> Difficulty | None:
        return self.scenario.difficulty if self.scenario else None

    @property
    def duration_minutes(self) -> int:
        return self.scenario.duration_minutes if self.scenario else 0

    @property
    def objectives(self) -> list[str]:
        return list(self.scenario.objectives) if self.scenario else []


def scenario_hash(path: Path | str) -> str:
    """SHA-256 (hex) of the file's bytes: the scenario's version hash."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def scenario_files(folder: Path | str, skip: frozenset[str] = SKIPPED_FOLDERS) -> Iterator[Path]:
    """``*.yaml``/``*.yml`` files under ``folder`` in name order, not entering ``skip`` folders
    or hidden ones."""
    root = Path(folder)
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).parts
        if any(part.startswith(".") for part in rel) or any(part in skip for part in rel[:-1]):
            continue
        if path.suffix.lower() in SCENARIO_SUFFIXES and path.is_file():
            yield path


def read_info(path: Path) -> ScenarioInfo:
    """Load one file into a library entry, keeping its problems instead of raising."""
    try:
        check_size(path.stat().st_size, str(path))
        data = path.read_bytes()
    except ScenarioError as exc:
        return ScenarioInfo(path, "", None, tuple(exc.problems))
    except OSError as exc:
        problem = Problem(str(path), 1, 1, f"cannot read the file: {exc.strerror or exc}")
        return ScenarioInfo(path, "", None, (problem,))
    digest = hashlib.sha256(data).hexdigest()
    try:
        return ScenarioInfo(path, digest, read_scenario_bytes(data, str(path)))
    except ScenarioError as exc:
        return ScenarioInfo(path, digest, None, tuple(exc.problems))


def discover(folder: Path | str, include_stress: bool = False) -> list[ScenarioInfo]:
    """Every scenario file under ``folder`` (broken ones too, with their problems), by file name.

    ``stress/`` (generated load-test scenarios) is left out unless ``include_stress``.
    """
    skip = SKIPPED_FOLDERS - {"stress"} if include_stress else SKIPPED_FOLDERS
    return [read_info(path) for path in scenario_files(folder, skip)]
