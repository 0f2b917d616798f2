"""Packaging guards: the PySide6 pin, the console script, no lock file in the repo."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def _pyside_requirements() -> list[Requirement]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    reqs = [Requirement(r) for r in data["project"]["dependencies"]]
    return [r for r in reqs if r.name.lower().startswith("pyside6")]


def test_pyside_612_is_never_allowed_on_python_311() -> None:
    """PySide6 6.12.0 drops a reference to None on every void call on 3.11 (none_dealloc abort)."""
    env = {"python_version": "3.11", "python_full_version": "3.11.7"}
    applicable = [r for r in _pyside_requirements() if r.marker is None or r.marker.evaluate(env)]
    assert applicable, "no PySide6 requirement applies on Python 3.11"
    for req in applicable:
        assert not req.specifier.contains(Version("6.12.0"), prereleases=True), str(req)
        assert req.specifier.contains(Version("6.11.3")), str(req)


def test_installed_pyside_is_not_the_broken_release() -> None:
    import PySide6

    if sys.version_info < (3, 12):
        assert not PySide6.__version__.startswith("6.12."), PySide6.__version__


def test_void_qt_calls_keep_none_refcount() -> None:
    """The symptom itself: many void Qt calls must leave None's refcount where it was."""
    from PySide6.QtCore import QObject, QTimer

    obj = QObject()
    timer = QTimer()
    before = sys.getrefcount(None)
    for i in range(20_000):
        obj.setObjectName(f"o{i % 7}")
        timer.setInterval(i % 100)
    after = sys.getrefcount(None)
    assert after >= before - 100, (before, after)


def test_uv_lock_is_ignored() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "uv.lock" in ignored


def test_console_script_help_runs() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "sandbox", "--help"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert "validate" in out.stdout or "schema" in out.stdout


@pytest.mark.parametrize(
    "package",
    ["sandbox.scenario", "sandbox.timeline", "sandbox.scoring", "sandbox.store", "sandbox.reports"],
)
def test_core_packages_import_no_qt(package: str) -> None:
    """The core stays Qt-free (napari/Anki style): importing it must not pull in PySide6."""
    code = (
        "import importlib, pkgutil, sys\n"
        f"pkg = importlib.import_module({package!r})\n"
        "for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(k for k in sys.modules if k.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, f"{package} imports Qt: {out.stdout} {out.stderr}"
