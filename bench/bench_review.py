"""How long the trainer's review list takes to open with 10,000 attempts in the database.

Seeds N finished attempts in bulk (200 trainees, 10 scenarios, 120 days, a few hundred
reviewed, some with trainer overrides), then times:
- the queries alone: count + first page, for the default order and sorted by score (after
  overrides), and with a trainee filter;
- opening the screen: building ``ReviewListWidget`` until its first page is painted
  (query off the GUI thread + model reset + paint), offscreen.
- fetching the next page while scrolling.

Run: .venv/bin/python bench/bench_review.py [--attempts N] [--runs R] [--pg ADMIN_URL]
(--pg defaults to $SANDBOX_TEST_PG_URL; a scratch database is created and dropped there.)
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import insert  # noqa: E402

from sandbox.review.listing import ReviewFilter, SortKey, count_attempts, fetch_page  # noqa: E402
from sandbox.store.db import Database, open_database  # noqa: E402
from sandbox.store.models import Attempt, Profile, ScoreOverride  # noqa: E402

NOW = datetime(2026, 3, 20, 17, 0, tzinfo=UTC)


def seed(db: Database, attempts: int, rng: random.Random) -> tuple[Profile, list[str]]:
    """Bulk-insert people and finished attempts (no actions: the list never reads them)."""
    trainer = Profile(id=str(uuid.uuid4()), name="Bench Trainer", role="trainer")
    people = [
        {
            "id": str(uuid.uuid4()),
            "name": f"Trainee {i:03d}",
            "role": "trainee",
            "team": f"Team {i % 6}",
            "created_at": NOW - timedelta(days=200),
            "archived": False,
        }
        for i in range(200)
    ]
    rows: list[dict[str, Any]] = []
    for i in range(attempts):
        started = NOW - timedelta(days=rng.uniform(0, 120))
        score = rng.randint(20, 100)
        reviewed = rng.random() < 0.3
        rows.append(
            {
                "id": str(uuid.uuid4()),
                "profile_id": people[i % len(people)]["id"],
                "scenario_id": f"scenario-{i % 10}",
                "scenario_title": f"Benchmark scenario {i % 10}",
                "scenario_version": "1",
                "scenario_hash": "",
                "seed": i,
                "mode": "assessment" if i % 4 == 0 else "practice",
                "status": "finished",
                "started_at": started,
                "ended_at": started + timedelta(minutes=30),
                "sim_elapsed_seconds": 5400.0,
                "score_overall": score,
                "score_risk": score,
                "score_tone": score,
                "score_timing": score,
                "score_action": score,
                "reviewed": reviewed,
                "outcome": ("passed" if score >= 70 else "not_yet") if reviewed else None,
            }
        )
    overrides = [
        {
            "id": str(uuid.uuid4()),
            "attempt_id": r["id"],
            "action_id": None,
            "family": "overall",
            "original": r["score_overall"],
            "new": min(100, int(r["score_overall"]) + 10),
            "reason": "bench",
            "reviewer_id": trainer.id,
            "at": NOW,
        }
        for r in rows[:: max(1, attempts // 300)]
    ]
    with db.session() as s:
        s.add(trainer)
        s.commit()
        s.execute(insert(Profile), people)
        for start in range(0, len(rows), 2000):
            s.execute(insert(Attempt), rows[start : start + 2000])
        s.execute(insert(ScoreOverride), overrides)
        s.commit()
    return trainer, [str(p["id"]) for p in people]


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    """(median ms, max ms) over ``runs``."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), max(times)


def bench_queries(db: Database, trainer: Profile, people: list[str], runs: int) -> None:
    cases = {
        "newest first": ReviewFilter(),
        "sorted by score (after overrides)": ReviewFilter(sort=SortKey.score),
        "one trainee": ReviewFilter(trainee_id=people[3]),
        "to review, assessments": ReviewFilter(mode="assessment", review_status="unreviewed"),  # type: ignore[arg-type]
    }
    for name, f in cases.items():

        def run(f: ReviewFilter = f) -> None:
            with db.session() as s:
                count_attempts(s, trainer, f)
                fetch_page(s, trainer, f)

        med, worst = timed(run, runs)
        print(f"  query {name:<36} median {med:7.1f} ms   max {worst:7.1f} ms")


def bench_screen(db: Database, trainer: Profile, runs: int) -> None:
    from PySide6.QtWidgets import QApplication

    from sandbox.ui.review.review_list import ReviewListWidget

    app = QApplication.instance() or QApplication([])
    open_times, page_times = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        widget = ReviewListWidget(db, trainer)
        widget.resize(1280, 800)
        widget.show()
        model = widget.model
        while model.rowCount() == 0:
            app.processEvents()
            time.sleep(0.001)
        widget.table.viewport().repaint()  # the first paint with rows
        open_times.append((time.perf_counter() - t0) * 1000)
        rows = model.rowCount()
        t1 = time.perf_counter()
        model.fetchMore()
        while model.rowCount() == rows:
            app.processEvents()
            time.sleep(0.001)
        widget.table.viewport().repaint()
        page_times.append((time.perf_counter() - t1) * 1000)
        widget.close()
        widget.deleteLater()
        app.processEvents()
    print(
        f"  open review list (query + first paint)  median {statistics.median(open_times):7.1f} ms"
        f"   max {max(open_times):7.1f} ms"
    )
    print(
        f"  next page while scrolling               median {statistics.median(page_times):7.1f} ms"
        f"   max {max(page_times):7.1f} ms"
    )


def run_on(url: str, label: str, attempts: int, runs: int) -> None:
    db = open_database(url)
    try:
        t0 = time.perf_counter()
        trainer, people = seed(db, attempts, random.Random(7))
        print(f"{label}: seeded {attempts:,} attempts in {time.perf_counter() - t0:.1f} s")
        bench_queries(db, trainer, people, runs)
        bench_screen(db, trainer, runs)
    finally:
        db.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pg", default=os.environ.get("SANDBOX_TEST_PG_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run_on(f"sqlite:///{Path(tmp) / 'bench.db'}", "SQLite", args.attempts, args.runs)
    if args.pg:
        import psycopg
        from sqlalchemy.engine import make_url

        admin = make_url(args.pg)
        conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
        name = f"sandbox_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            url = admin.set(database=name).render_as_string(hide_password=False)
            run_on(url, "PostgreSQL", args.attempts, args.runs)
        finally:
            with psycopg.connect(conninfo, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        print("PostgreSQL: skipped (set --pg or SANDBOX_TEST_PG_URL)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
