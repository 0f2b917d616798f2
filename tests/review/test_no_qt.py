"""The review logic, auth and demo data stay Qt-free, so the CLI and reports can use them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_review_core_imports_no_qt(tmp_path: Path) -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import sandbox.auth, sandbox.demo, sandbox.review\n"
        "for m in pkgutil.walk_packages(sandbox.review.__path__, 'sandbox.review.'):\n"
        "    importlib.import_module(m.name)\n"
        "from sandbox.store.db import open_database\n"
        f"db = open_database('sqlite:///{tmp_path / 'd.db'}')\n"
        "sandbox.demo.seed_demo(db, trainees=1, scenario_ids=('flood-rumours',))\n"
        "bad = sorted(k for k in sys.modules if k.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, f"imports Qt: {out.stdout} {out.stderr}"
