"""A large ``--batch`` is spread over forked workers; the output must be exactly the serial one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

REPLIES = [
    "Sorry your bin was missed. We'll collect it tomorrow morning.",
    "Noted. Please be advised this has been actioned.",
    "Call me on 07700 900123 and I'll sort it.",
    "Thanks for telling us. Please send us a private message with your address.",
    "Vote Labour on Thursday!",
]

SERIAL = (
    "import sandbox.commands.score as s; s._parallel_workers = lambda: 0; "
    "from sandbox.cli import main; raise SystemExit(main(['score', '--batch', {path!r}]))"
)


@pytest.mark.skipif(sys.platform == "win32", reason="workers need fork")
def test_parallel_batch_equals_serial(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": f"r{i}", "post": "My bins were missed", "reply": REPLIES[i % 5]})
        for i in range(1200)
    ]
    lines[700] = "{not json"  # an error record in a worker's chunk keeps its place
    lines.insert(900, "")  # blank lines give no output
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    parallel = subprocess.run(
        [sys.executable, "-m", "sandbox", "score", "--batch", str(path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    serial = subprocess.run(
        [sys.executable, "-c", SERIAL.format(path=str(path))],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert parallel.returncode == serial.returncode == 1  # one bad line
    assert parallel.stdout == serial.stdout
    out = [json.loads(line) for line in parallel.stdout.splitlines()]
    assert len(out) == 1200
    assert "error" in out[700] and "scores" in out[701]
    assert [o["id"] for o in out[:3]] == ["r0", "r1", "r2"]
    assert out[-1]["id"] == "r1199"
