"""No network: importing and scoring must never open a socket."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import REPO_ROOT


def test_scoring_opens_no_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: socket.socket, *args: object) -> None:
        raise AssertionError(f"network connection attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    from sandbox.scoring.engine import Scorer, _default_pack
    from sandbox.scoring.types import ScoringContext

    scorer = Scorer(_default_pack())
    card = scorer.score(
        "Sorry to hear that. Call 999 or Samaritans on 116 123; email help@example.com.",
        ScoringContext(post_text="I want to end it all", elapsed_minutes=5, target_minutes=15),
    )
    assert card.findings


def test_fresh_import_and_score_open_no_connection() -> None:
    code = textwrap.dedent(
        """
        import socket
        def refuse(*a, **k):
            raise SystemExit("network connection attempted")
        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from sandbox.scoring.engine import score_reply
        from sandbox.scoring.types import ScoringContext
        card = score_reply("Thanks, we'll fix it tomorrow.", ScoringContext(post_text="pothole"))
        print(card.overall)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().isdigit()
