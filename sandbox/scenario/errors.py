"""Located scenario problems: what a trainer sees when a file is wrong.

Every problem names a file, a 1-based line and column, and says how to fix it, rendered the way
compilers do (``scenarios/flood.yaml:42:7: ...``) so editors can jump to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a scenario file, at a 1-based line and column."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class ScenarioError(Exception):
    """A scenario file could not be loaded; ``problems`` says where and why (never empty)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = sorted(problems)
        if not self.problems:  # pragma: no cover - a programming error, not a user error
            raise ValueError("ScenarioError needs at least one problem")
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def file(self) -> str:
        return self.problems[0].file
