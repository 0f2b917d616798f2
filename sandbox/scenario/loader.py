"""Loading scenario files: YAML in, a checked :class:`Scenario` out, or located problems.

Three passes, each stopping the load if it finds anything: safe YAML reading
(:mod:`sandbox.scenario.yamlread`), the pydantic models, then the cross-reference checks
(:mod:`sandbox.scenario.checks`). Every problem becomes a one-line ``file:line:col: message``
naming the post or persona it is about; nothing raises anything but :class:`ScenarioError`.

Big files are parsed once: the 10,000-post stress scenario takes ~0.3 s to parse and check, so
the checked :class:`Scenario` is kept in the user's cache folder, keyed by the SHA-256 of the
file's bytes and by the code that checked it, and read back (~0.05 s) the next time.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import sys
import threading
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sandbox.paths import cache_dir
from sandbox.scenario import yamlread
from sandbox.scenario.checks import check_references
from sandbox.scenario.errors import Problem, ScenarioError
from sandbox.scenario.explain import context_and_field, explain, join_message
from sandbox.scenario.models import Scenario

__all__ = [
    "Problem",
    "ScenarioError",
    "cache_dir",
    "load_scenario",
    "load_scenario_text",
    "read_scenario_bytes",
]

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
    """Check raw bytes (as read from a file) and load them as a scenario called ``name``.

    A big file that loaded before is not parsed again: its checked form comes from the cache.
    """
    if len(data) < DISK_CACHE_MIN_BYTES:
        return load_scenario_text(yamlread.decode(data, name), name)
    digest = hashlib.sha256(data).hexdigest()
    scenario = _read_disk_cache(digest)
    if scenario is None:
        scenario = load_scenario_text(yamlread.decode(data, name), name)
        _write_disk_cache(digest, scenario)
    return scenario


# -- remembering loaded scenarios -------------------------------------------------------------
# Below this size a file parses in milliseconds: keeping a copy on disk is not worth it.
DISK_CACHE_MIN_BYTES = 128 * 1024
DISK_CACHE_FILES = 8  # newest kept; a trainer editing a big file leaves no trail of copies
_fingerprint: str | None = None


def _code_fingerprint() -> str:
    """What a cached copy depends on: the checking code, pydantic and Python versions.

    Empty when the code's source cannot be read (e.g. a frozen build): then nothing is cached,
    since a copy could not be told apart from one made by an older version of the app.
    """
    global _fingerprint
    if _fingerprint is None:
        import pydantic

        from sandbox.scenario import checks, models

        h = hashlib.sha256(f"{sys.version}|{pydantic.VERSION}|".encode())
        try:
            for module in (models, checks, yamlread, sys.modules[__name__]):
                h.update(Path(module.__file__ or "").read_bytes())
        except (OSError, TypeError):
            _fingerprint = ""
        else:
            _fingerprint = h.hexdigest()[:16]
    return _fingerprint


def _disk_cache_file(digest: str) -> Path | None:
    fingerprint = _code_fingerprint()
    if not fingerprint:
        return None
    return cache_dir() / "scenarios" / f"{digest}-{fingerprint}.pickle"


class _ScenarioUnpickler(pickle.Unpickler):
    """Rebuilds only scenario models and date/time values: anything else in a cache file (a
    damaged or planted one) is refused rather than run."""

    _DATETIME = frozenset({"datetime", "date", "time", "timedelta", "timezone"})

    def find_class(self, module: str, name: str) -> Any:
        from enum import Enum

        from pydantic import BaseModel

        from sandbox.scenario import models

        if module == "sandbox.scenario.models":
            value = getattr(models, name, None)
            if isinstance(value, type) and issubclass(value, (BaseModel, Enum)):
                return value
        elif module == "datetime" and name in self._DATETIME:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a scenario cache")


def _read_disk_cache(digest: str) -> Scenario | None:
    """The checked scenario for these bytes, if a copy made by this same code is on disk."""
    path = _disk_cache_file(digest)
    if path is None:
        return None
    try:
        data = path.read_bytes()
        scenario = _ScenarioUnpickler(io.BytesIO(data)).load()
    except Exception:  # missing, unreadable or damaged: parse the file (and write a new copy)
        return None
    return scenario if isinstance(scenario, Scenario) else None


def _write_disk_cache(digest: str, scenario: Scenario) -> None:
    """Best effort: a read-only or full disk only means parsing again next time."""
    path = _disk_cache_file(digest)
    if path is None:
        return
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(pickle.dumps(scenario, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)
        copies = sorted(path.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in copies[DISK_CACHE_FILES:]:
            old.unlink()
    except Exception:
        with contextlib.suppress(OSError):
            tmp.unlink()


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
