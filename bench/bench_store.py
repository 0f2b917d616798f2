"""Seed 100,000 recorded replies and time the queries the manager screens need.

Goal: each query ≤ 300 ms on SQLite. Seeds with bulk Core inserts (one transaction), then
times every ``sandbox.store.queries`` function unfiltered and filtered (team, last 90 days,
one scenario) as the median of several warm runs; also the reports dashboard's own queries
when that package is present, and single ``record_action`` latency on the full database.

Run: .venv/bin/python bench/bench_store.py [--replies N] [--runs R] [--pg ADMIN_URL]
(--pg: also run on PostgreSQL, in a scratch database created and dropped on that server;
defaults to $SANDBOX_TEST_PG_URL when set.)
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import insert, text  # noqa: E402

from sandbox.store import crud, queries  # noqa: E402
from sandbox.store.db import Database, open_database  # noqa: E402
from sandbox.store.models import (  # noqa: E402
    ActionRecord,
    Attempt,
    FindingRecord,
    Profile,
)

GOAL_MS = 300.0
ACTIONS_PER_ATTEMPT = 10
TEAMS = [f"Team {c}" for c in "ABCDEFGHIJKL"]
SCENARIOS = [f"scenario-{i:02d}" for i in range(15)]
RISK_RULES = [f"risk.rule-{i:02d}" for i in range(20)]
TONE_RULES = [f"tone.rule-{i:02d}" for i in range(10)]
KINDS = ["reply"] * 7 + ["private_message", "escalate", "leave"]
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def seed(db: Database, replies: int, rng: random.Random) -> dict[str, Any]:
    """Bulk-insert people, attempts, replies and findings spread over the last year."""
    n_attempts = replies // ACTIONS_PER_ATTEMPT
    people = [
        {
            "id": str(uuid.uuid4()),
            "name": f"Person {i:03d}",
            "role": "trainee",
            "team": TEAMS[i % len(TEAMS)],
            "passphrase_hash": None,
            "created_at": NOW - timedelta(days=400),
            "archived": False,
        }
        for i in range(240)
    ]
    attempts, actions, findings = [], [], []
    for _ in range(n_attempts):
        person = rng.choice(people)
        started = NOW - timedelta(minutes=rng.randrange(365 * 24 * 60))
        aid = str(uuid.uuid4())
        overall = rng.randint(20, 100)
        attempts.append(
            {
                "id": aid,
                "profile_id": person["id"],
                "scenario_id": (sid := rng.choice(SCENARIOS)),
                "scenario_title": sid.replace("-", " ").title(),
                "scenario_version": "1",
                "scenario_hash": "x" * 64,
                "seed": rng.randrange(1000),
                "mode": rng.choice(["practice", "practice", "assessment"]),
                "status": rng.choice(["finished"] * 8 + ["in_progress", "abandoned"]),
                "started_at": started,
                "ended_at": started + timedelta(minutes=40),
                "sim_elapsed_seconds": 2400.0,
                "score_overall": overall,
                "score_risk": rng.randint(0, 100),
                "score_tone": rng.randint(0, 100),
                "score_timing": rng.randint(0, 100),
                "score_action": rng.randint(0, 100),
                "reviewed": False,
                "outcome": None,
                "app_version": "bench",
            }
        )
        for seq in range(1, ACTIONS_PER_ATTEMPT + 1):
            rid = str(uuid.uuid4())
            kind = rng.choice(KINDS)
            score = rng.randint(0, 100)
            actions.append(
                {
                    "id": rid,
                    "attempt_id": aid,
                    "seq": seq,
                    "post_id": f"post-{seq}",
                    "kind": kind,
                    "text": "Thanks for letting us know, we're looking into it. " * 2,
                    "team": "Highways" if kind == "escalate" else None,
                    "note": None,
                    "sim_at_seconds": seq * 200.0,
                    "wall_at": started + timedelta(minutes=seq * 3),
                    "elapsed_minutes": rng.expovariate(1 / 25),
                    "target_minutes": 30.0,
                    "score_card_json": '{"scores": {}}',
                    "score_overall": score,
                    "score_risk": rng.randint(0, 100),
                    "score_tone": rng.randint(0, 100),
                    "score_timing": rng.randint(0, 100),
                    "score_action": rng.randint(0, 100),
                }
            )
            for _ in range(rng.choice([0, 0, 1, 1, 2])):
                risky = rng.random() < 0.6
                rule = (
                    RISK_RULES[min(int(rng.paretovariate(1.2)) - 1, len(RISK_RULES) - 1)]
                    if risky
                    else rng.choice(TONE_RULES)
                )
                findings.append(
                    {
                        "id": str(uuid.uuid4()),
                        "action_id": rid,
                        "attempt_id": aid,
                        "rule": rule,
                        "family": "risk" if risky else "tone",
                        "severity": rng.choice(["error", "warning", "info"]),
                        "start": 0,
                        "end": 6,
                        "match": "Thanks",
                        "message": f"About {rule}",
                        "suggestion": None,
                        "source": None,
                        "points": 10.0,
                    }
                )
    t0 = time.perf_counter()
    with db.engine.begin() as conn:
        for table, rows in (
            (Profile.__table__, people),  # type: ignore[attr-defined]
            (Attempt.__table__, attempts),  # type: ignore[attr-defined]
            (ActionRecord.__table__, actions),  # type: ignore[attr-defined]
            (FindingRecord.__table__, findings),  # type: ignore[attr-defined]
        ):
            for i in range(0, len(rows), 5000):
                conn.execute(insert(table), rows[i : i + 5000])
    # bulk rows bypass record_action: flag first responses as the rev0003 backfill does
    t_flag = time.perf_counter()
    with db.session() as s:
        flagged = crud.mark_first_responses(s)
        s.commit()
    flag_seconds = time.perf_counter() - t_flag
    if db.engine.dialect.name == "postgresql":
        # what autovacuum does shortly after a bulk load; SQLite runs without statistics
        with db.engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    return {
        "seconds": time.perf_counter() - t0,
        "people": len(people),
        "attempts": len(attempts),
        "actions": len(actions),
        "findings": len(findings),
        "first_responses": flagged,
        "flag_seconds": flag_seconds,
        "profile_id": people[0]["id"],
        "attempt_id": attempts[0]["id"],
    }


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    result = fn()  # warm-up (statement compile caches, page cache)
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), result


def run_suite(db: Database, label: str, replies: int, runs: int) -> int:
    rng = random.Random(20261121)
    facts = seed(db, replies, rng)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"\n== {label} (load average {load:.1f} on {os.cpu_count()} CPUs): seeded {facts['actions']:,} replies, {facts['findings']:,} findings, "
        f"{facts['attempts']:,} attempts, {facts['people']} people in {facts['seconds']:.1f} s"
        f"\n   (first responses flagged set-based, as the rev0003 backfill: "
        f"{facts['first_responses']:,} rows in {facts['flag_seconds'] * 1000:.0f} ms)"
    )
    recent = NOW - timedelta(days=90)
    team = TEAMS[0]
    sid = SCENARIOS[0]
    over = 0
    with db.session() as s:
        cases: list[tuple[str, Callable[[], Any]]] = [
            ("attempts per scenario", lambda: queries.attempts_per_scenario(s)),
            ("attempts per scenario, team", lambda: queries.attempts_per_scenario(s, team=team)),
            ("attempts per week", lambda: queries.attempts_per_period(s)),
            (
                "attempts per month, 90 days",
                lambda: queries.attempts_per_period(s, period="month", since=recent),
            ),
            ("weekly family scores", lambda: queries.weekly_family_scores(s)),
            ("weekly family scores, team", lambda: queries.weekly_family_scores(s, team=team)),
            (
                "weekly family scores, 90 days",
                lambda: queries.weekly_family_scores(s, since=recent),
            ),
            ("first-reply median/mean per person", lambda: queries.first_reply_times(s)),
            (
                "first-reply per person, scenario",
                lambda: queries.first_reply_times(s, scenario_id=sid),
            ),
            ("first-reply per person, team", lambda: queries.first_reply_times(s, team=team)),
            ("top risk findings + examples", lambda: queries.top_risk_findings(s)),
            ("top risk findings, 90 days", lambda: queries.top_risk_findings(s, since=recent)),
            ("people progress", lambda: queries.people_progress(s)),
            ("people progress, team", lambda: queries.people_progress(s, team=team)),
            (
                "one person's progress",
                lambda: queries.person_progress(s, profile_id=facts["profile_id"]),
            ),
            (
                "one attempt's actions (review)",
                lambda: crud.list_actions(s, attempt_id=facts["attempt_id"]),
            ),
        ]
        try:  # the reports package's own dashboard queries, when present
            from sandbox.reports import queries as rq

            flt = rq.ReportFilter()
            for name in (
                "attempt_counts",
                "weekly_score_sums",
                "first_reply_buckets",
                "top_risks",
                "people_rows",
            ):
                fn = getattr(rq, name, None)
                if fn is not None:
                    cases.append((f"reports: {name}", functools.partial(fn, s, flt)))
        except (ImportError, AttributeError) as exc:
            print(f"(reports queries not timed: {exc})")
        width = max(len(name) for name, _ in cases)
        for name, fn in cases:
            ms, result = timed(fn, runs)
            rows = len(result) if hasattr(result, "__len__") else 1
            flag = "ok" if ms <= GOAL_MS else "OVER GOAL"
            over += ms > GOAL_MS
            print(f"  {name:<{width}}  {ms:8.1f} ms  ({rows} rows)  {flag}")

    # a learner's write on the full database: commit latency (synchronous=FULL on SQLite)
    with db.session() as s:
        attempt = crud.start_attempt(s, profile_id=facts["profile_id"], scenario_id="latency")
        lat = []
        for i in range(200):
            t0 = time.perf_counter()
            crud.record_action(s, attempt_id=attempt.id, post_id=f"p{i}", kind="reply", text="hi")
            lat.append((time.perf_counter() - t0) * 1000)
    lat.sort()
    print(
        f"  record_action commit latency: median {statistics.median(lat):.1f} ms, "
        f"p95 {lat[int(len(lat) * 0.95)]:.1f} ms"
    )
    return over


@contextlib.contextmanager
def scratch_pg_database(admin_url: str) -> Iterator[Database]:
    """A fresh PostgreSQL database on the server at ``admin_url``, dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(admin_url)
    conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"sandbox_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        db = open_database(admin.set(database=name).render_as_string(hide_password=False))
        try:
            yield db
        finally:
            db.close()
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replies", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pg", metavar="ADMIN_URL", default=os.environ.get("SANDBOX_TEST_PG_URL"))
    args = ap.parse_args(argv[1:])
    over = 0
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        try:
            over += run_suite(db, "SQLite", args.replies, args.runs)
        finally:
            db.close()
    if args.pg:
        with scratch_pg_database(args.pg) as db:
            run_suite(db, "PostgreSQL", args.replies, args.runs)
    print(f"\nSQLite queries over the {GOAL_MS:.0f} ms goal: {over}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
