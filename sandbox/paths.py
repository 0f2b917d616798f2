"""The one place that knows where user files live.

Environment overrides (``SANDBOX_DATA_DIR``, ``SANDBOX_CONFIG_DIR``) let tests and portable
installs keep everything out of the real user directories.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "ReplySandbox"
APP_AUTHOR = "ReplySandbox"

REPO_ROOT = Path(__file__).resolve().parent.parent
SCENARIOS_DIR = Path(os.environ.get("SANDBOX_SCENARIOS_DIR", REPO_ROOT / "scenarios"))
ASSETS_DIR = REPO_ROOT / "assets"


def data_dir() -> Path:
    """Directory for the database, drafts and backups (created on demand)."""
    override = os.environ.get("SANDBOX_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    """Directory for settings and the organisation's signing key (created on demand)."""
    override = os.environ.get("SANDBOX_CONFIG_DIR")
    path = Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Where derived, rebuildable data is kept between runs (safe to delete at any time).

    ``SANDBOX_CACHE_DIR`` if set; else beside the data when ``SANDBOX_DATA_DIR`` is set (tests
    and portable installs stay out of the real user directories); else the user's cache folder.
    Not created here: writers create the sub-folder they need.
    """
    override = os.environ.get("SANDBOX_CACHE_DIR")
    if override:
        return Path(override)
    data = os.environ.get("SANDBOX_DATA_DIR")
    if data:
        return Path(data) / "cache"
    return Path(platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR))


def default_database_url() -> str:
    """``SANDBOX_DATABASE_URL`` if set, else a SQLite file in the data directory."""
    url = os.environ.get("SANDBOX_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{data_dir() / 'sandbox.db'}"
