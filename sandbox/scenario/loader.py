"""Loading scenario files: YAML in, a checked :class:`Scenario` out, or located problems.

Three passes, each stopping the load if it finds anything: safe YAML reading
(:mod:`sandbox.scenario.yamlread`), the pydantic models, then the cross-reference checks
(:mod:`sandbox.scenario.checks`). Every problem becomes a one-line ``file:line:col: message``
naming the post or persona it is about; nothing raises anything but :class:`ScenarioError`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sandbox.scenario import yamlread
from sandbox.scenario.checks import check_references
from sandbox.scenario.errors import Problem, ScenarioError
from sandbox.scenario.explain import context_and_field, explain, join_message
from sandbox.scenario.models import Scenario

__all__ = ["Problem", "ScenarioError", "load_scenario", "load_scenario_text", "read_scenario_bytes"]

MAX_PROBLEMS = 100


def _display_name(path: Path | str) -> str:
    return os.fspath(path)


def load_scenario(path: Path | str) -> Scenario:
    """Load and check one scenario file; the file is refused unread if it is over 5 MB."""
    name = _display_name(path)
    p = Path(path)
    try:
        yamlread.check_size(p.stat().st_size, name)
        data = p.read_bytes()
    except ScenarioError:
        raise
    except IsADirectoryError:
        raise ScenarioError([Problem(name, 1, 1, "is a folder, not a scenario file")]) from None
    except FileNotFoundError:
        raise ScenarioError([Problem(name, 1, 1, "no such file")]) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ScenarioError([Problem(name, 1, 1, f"cannot read the file: {reason}")]) from None
    if p.is_dir():  # some platforms let read_bytes on a folder fail differently
        raise ScenarioError([Problem(name, 1, 1, "is a folder, not a scenario file")])
    return read_scenario_bytes(data, name)


def read_scenario_bytes(data: bytes, name: str) -> Scenario:
    """Check raw bytes (as read from a file) and load them as a scenario called ``name``."""
    return load_scenario_text(yamlread.decode(data, name), name)


def load_scenario_text(text: str, name: str = "<scenario>") -> Scenario:
    """Load a scenario from YAML text; ``name`` is used as the file name in problems."""
    if len(text) > yamlread.MAX_BYTES:
        yamlread.check_size(len(text.encode("utf-8", errors="replace")), name)
    if not text.strip():
        raise ScenarioError(
            [Problem(name, 1, 1, "file is empty; a scenario needs id, title, posts and so on")]
        )
    data = yamlread.parse(text, name)
    if data is None:
        raise ScenarioError(
            [
                Problem(
                    name,
                    1,
                    1,
                    "file has no content (only comments?); a scenario needs id, title, posts and so on",
                )
            ]
        )
    if not isinstance(data, dict):
        line, col = yamlread.locate(yamlread.compose(text), ())
        kind = "a list" if isinstance(data, list) else "a single value"
        raise ScenarioError(
            [
                Problem(
                    name,
                    line,
                    col,
                    f"the file must be a mapping of keys at the top (id:, title:, posts: ...), "
                    f"got {kind}",
                )
            ]
        )
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_validation_problems(exc, data, text, name)) from None
    refs = check_references(scenario)
    if refs:
        root = yamlread.compose(text)
        problems = []
        for ref in refs[:MAX_PROBLEMS]:
            line, col = yamlread.locate(root, ref.loc)
            context, field = context_and_field(data, ref.loc)
            problems.append(Problem(name, line, col, join_message(context, field, ref.what)))
        raise ScenarioError(problems)
    return scenario


def _validation_problems(exc: ValidationError, data: Any, text: str, name: str) -> list[Problem]:
    root = yamlread.compose(text)
    problems: dict[tuple[int, int, str], Problem] = {}
    for error in exc.errors(include_url=False)[:MAX_PROBLEMS]:
        loc = tuple(error.get("loc", ()))
        kind = error.get("type", "")
        if kind == "missing":
            line, col = yamlread.locate(root, loc[:-1])
        else:
            line, col = yamlread.locate(root, loc, at_key=kind == "extra_forbidden")
        message = explain(dict(error), data)
        problems.setdefault((line, col, message), Problem(name, line, col, message))
    return list(problems.values())
