"""Finding the scenario an attempt was played on, so its posts can be shown again.

Attempts store the scenario id (and a content hash); the scenario files live in the library
folder. Loaded scenarios are cached by file modification time: the review list opens many
transcripts of the same few scenarios.
"""

from __future__ import annotations

import threading
from pathlib import Path

from sandbox import paths
from sandbox.scenario.errors import ScenarioError
from sandbox.scenario.loader import load_scenario
from sandbox.scenario.models import Scenario

__all__ = ["find_scenario", "scenario_files"]

_lock = threading.Lock()
_cache: dict[Path, tuple[float, Scenario | None]] = {}


def scenario_files(scenarios_dir: Path | None = None) -> list[Path]:
    """Scenario files in the library folder (YAML), sorted by name."""
    root = Path(scenarios_dir or paths.SCENARIOS_DIR)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def _load_cached(path: Path) -> Scenario | None:
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    with _lock:
        hit = _cache.get(path)
        if hit is not None and hit[0] == mtime:
            return hit[1]
    try:
        scenario: Scenario | None = load_scenario(path)
    except (ScenarioError, OSError):
        scenario = None  # a broken file is reported by `sandbox validate`, not here
    with _lock:
        _cache[path] = (mtime, scenario)
    return scenario


def find_scenario(scenario_id: str, scenarios_dir: Path | None = None) -> Scenario | None:
    """The scenario with this id from the library folder, or None if it is not there."""
    files = scenario_files(scenarios_dir)
    # Files are usually named after their id: try that one first.
    files.sort(key=lambda p: p.stem != scenario_id)
    for path in files:
        scenario = _load_cached(path)
        if scenario is not None and scenario.id == scenario_id:
            return scenario
    return None
