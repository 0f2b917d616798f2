"""The app never opens a network connection: every screen, report and command runs with
internet sockets refused (Unix-domain sockets, which local IPC may use, stay allowed)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import REPO_ROOT

GUARD = textwrap.dedent(
    """
    import socket, sys
    _real_connect = socket.socket.connect
    _real_connect_ex = socket.socket.connect_ex
    attempts = []

    def _check(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            attempts.append(address)
            raise OSError(f"network connection attempted: {address!r}")

    def connect(self, address):
        _check(self, address)
        return _real_connect(self, address)

    def connect_ex(self, address):
        _check(self, address)
        return _real_connect_ex(self, address)

    def getaddrinfo(host, *a, **k):
        attempts.append(host)
        raise OSError(f"name lookup attempted: {host!r}")

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.getaddrinfo = getaddrinfo

    from sandbox.cli import main
    out = sys.argv[1]
    codes = [
        main(["validate", "scenarios"]),
        main(["demo", "--trainees", "2"]),
        main(["report", "--out", out + "/cohort.pdf", "--quiet"]),
        main(["report", "--out", out + "/replies.csv", "--quiet"]),
        main(["score", "--post", "Bins missed again", "--reply", "Sorry, we'll collect tomorrow."]),
        main(["shoot", "--out", out + "/shots", "--size", "1024x640"]),
    ]
    print("codes", codes, "attempts", attempts)
    sys.exit(1 if attempts or any(codes) else 0)
    """
)


def test_whole_app_runs_with_network_refused(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        SANDBOX_DATA_DIR=str(tmp_path / "data"),
        SANDBOX_CONFIG_DIR=str(tmp_path / "config"),
    )
    env.pop("SANDBOX_DATABASE_URL", None)
    proc = subprocess.run(
        [sys.executable, "-c", GUARD, str(tmp_path)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "attempts []" in proc.stdout
    shots = sorted(p.name for p in (tmp_path / "shots").glob("*.png"))
    assert any(n.startswith("trainee-") for n in shots)
    assert any(n.startswith("review-") for n in shots)
    assert any(n.startswith("manager-") for n in shots)
    assert (tmp_path / "cohort.pdf").read_bytes().startswith(b"%PDF")
