"""Shared fixtures. Tests never touch the real user directories and never need a display."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Offscreen Qt: with no display and no platform set, Qt aborts with a misleading xcb message.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Keep every test away from the real user data/config dirs, whatever a test forgets to set.
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="sandbox-tests-"))
os.environ["SANDBOX_DATA_DIR"] = str(_SESSION_HOME / "data")
os.environ["SANDBOX_CONFIG_DIR"] = str(_SESSION_HOME / "config")
os.environ.pop("SANDBOX_DATABASE_URL", None)

import pytest  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
SCENARIOS_DIR = REPO_ROOT / "scenarios"
SHARED_DIR = REPO_ROOT.parent / "shared"


@pytest.fixture
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Fresh, empty user data/config dirs for one test."""
    monkeypatch.setenv("SANDBOX_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SANDBOX_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("SANDBOX_DATABASE_URL", raising=False)
    return tmp_path


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def scenarios_dir() -> Path:
    return SCENARIOS_DIR
