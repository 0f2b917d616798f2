"""Every module of sandbox.reports loads without Qt, so the CLI and other tools can use it."""

from __future__ import annotations

import subprocess
import sys


def test_reports_modules_import_no_qt() -> None:
    code = (
        "import sys\n"
        "import sandbox.reports.charts, sandbox.reports.dashboard, sandbox.reports.export\n"
        "import sandbox.reports.framework, sandbox.reports.passport, sandbox.reports.queries\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
