"""Nothing a learner did may be lost: SIGKILL mid-stream, and many writers at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from sandbox.store import crud
from sandbox.store.db import open_database
from sandbox.store.models import ActionRecord, Attempt, FindingRecord

WRITER = Path(__file__).with_name("store_writer.py")
REPO = Path(__file__).resolve().parents[2]


def _spawn(url: str, profile_id: str, count: int) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen(
        [sys.executable, str(WRITER), url, profile_id, str(count)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=env,
    )


def _wait_ready(proc: subprocess.Popen[str]) -> None:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != "ready":
        err = proc.stderr.read() if proc.stderr else ""
        pytest.fail(f"writer did not start: {line!r} {err}")


def _new_profile(url: str) -> str:
    with open_database(url) as db, db.session() as s:
        return crud.create_profile(s, name="Stress").id


@pytest.mark.slow
def test_sigkill_mid_stream_loses_no_committed_action(sqlite_database_url: str):
    profile_id = _new_profile(sqlite_database_url)
    proc = _spawn(sqlite_database_url, profile_id, 0)
    _wait_ready(proc)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("go\n")
    proc.stdin.flush()
    reported: list[str] = []
    for line in proc.stdout:
        if line.startswith("committed "):
            reported.append(line.split()[1])
        if len(reported) >= 150:
            proc.send_signal(signal.SIGKILL)
            break
    # whatever the child printed before dying was committed too
    reported += [ln.split()[1] for ln in proc.stdout if ln.startswith("committed ")]
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    db = open_database(sqlite_database_url)
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        with db.session() as s:
            stored = set(s.exec(select(ActionRecord.id)).all())
            missing = set(reported) - stored
            assert not missing, f"{len(missing)} committed actions lost"
            assert len(stored) >= len(reported) >= 150
            # every stored action kept its finding (written in the same transaction)
            n_findings = s.exec(select(func.count()).select_from(FindingRecord)).one()
            assert n_findings == len(stored)
            seqs = sorted(s.exec(select(ActionRecord.seq)).all())
            assert seqs == list(range(1, len(seqs) + 1))
    finally:
        db.close()


@pytest.mark.slow
def test_eight_writers_at_once_lose_nothing(db_url: str):
    processes, per_process = 8, 200
    profile_id = _new_profile(db_url)
    procs = [_spawn(db_url, profile_id, per_process) for _ in range(processes)]
    for proc in procs:
        _wait_ready(proc)
    for proc in procs:  # release them together
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = [proc.communicate(timeout=600) for proc in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert "database is locked" not in err
        assert proc.returncode == 0, err[-2000:]
        assert out.count("committed ") == per_process

    with open_database(db_url) as db, db.session() as s:
        total = s.exec(select(func.count()).select_from(ActionRecord)).one()
        assert total == processes * per_process
        attempts = s.exec(select(Attempt).where(Attempt.profile_id == profile_id)).all()
        assert len(attempts) == processes
        for attempt in attempts:
            seqs = s.exec(
                select(ActionRecord.seq)
                .where(ActionRecord.attempt_id == attempt.id)
                .order_by(col(ActionRecord.seq))
            ).all()
            assert list(seqs) == list(range(1, per_process + 1))
        assert s.exec(select(func.count()).select_from(FindingRecord)).one() == total
