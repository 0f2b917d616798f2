"""Benchmark: releasing a 10,000-post timeline with the timeline engine.

Run: .venv/bin/python bench/timeline_release.py [--posts 10000]
Prints timings only; the tests never assert on them.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import timedelta
from typing import Any

from sandbox.scenario.filler import build_timeline
from sandbox.scenario.models import ActionKind, Scenario
from sandbox.timeline.engine import LearnerAction, TimelineEngine
from sandbox.timeline.stats import response_times, summary


def stress_scenario(posts: int) -> Scenario:
    scripted: list[dict[str, Any]] = [
        {
            "id": f"s{n:03d}",
            "at": f"+{n * 4 // 60:02d}:{n * 4 % 60:02d}",
            "author": "resident",
            "text": f"Question {n} about my bins",
            "priority": "emergency" if n % 10 == 0 else "normal",
            "expect": {"action": "reply"},
        }
        for n in range(1, 101)
    ]
    follow_ups = [
        {
            "id": f"fu{n:03d}",
            "post": f"s{n:03d}",
            "when": {"unanswered_for": "+00:30"},
            "posts": [{"id": f"fu{n:03d}-p", "author": "resident", "text": "Hello?"}],
        }
        for n in range(1, 101)
    ]
    return Scenario.model_validate(
        {
            "id": "stress",
            "title": "Stress",
            "summary": "Many posts",
            "objectives": ["Cope"],
            "duration_minutes": 480,
            "account": {"name": "Anytown Council", "handle": "@anytown"},
            "clock": {"start": "2026-01-15T09:00:00+00:00"},
            "personas": [{"id": "resident", "name": "Sam Resident", "handle": "@sam"}],
            "posts": scripted,
            "follow_ups": follow_ups,
            "filler": {
                "seed": 1,
                "count": posts - len(scripted),
                "topics": [
                    {"name": "chat", "templates": ["Lovely day in {town}", "{street} is busy"]},
                    {"name": "moan", "templates": ["Potholes on {street} again, {first_name}"]},
                ],
            },
        }
    )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    scenario = stress_scenario(args.posts)
    end = timedelta(minutes=scenario.duration_minutes)
    build_timeline(scenario, seed=1)  # warm Faker's pools, as the app does once per scenario

    builds, one_call, ticking, states = [], [], [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        timeline = build_timeline(scenario, seed=1)
        builds.append(time.perf_counter() - t0)

        engine = TimelineEngine(scenario, seed=1, timeline=timeline)
        t0 = time.perf_counter()
        released = engine.advance_to(end)
        one_call.append(time.perf_counter() - t0)
        assert len(released) == args.posts + 100  # every post plus every fired follow-up

        # The GUI's way: one advance per frame at 20× (60 frames a second of real time).
        engine = TimelineEngine(scenario, seed=1, timeline=timeline)
        step = timedelta(seconds=20 / 60)
        now = timedelta(0)
        t0 = time.perf_counter()
        frames = 0
        while now < end:
            now += step
            engine.advance_to(now)
            frames += 1
        ticking.append(time.perf_counter() - t0)

        t0 = time.perf_counter()
        for post in engine.released:
            engine.state(post.id, end)
        states.append(time.perf_counter() - t0)

    engine = TimelineEngine(scenario, seed=1, timeline=timeline)
    for n in range(1, 101, 2):
        at = timedelta(minutes=n * 4 + n % 7 + 1)
        engine.advance_to(at)
        engine.record(LearnerAction(f"s{n:03d}", ActionKind.reply, text="Thanks", sim_at=at))
    engine.advance_to(end)
    t0 = time.perf_counter()
    med, mean, count = summary(response_times(engine))
    stats_time = time.perf_counter() - t0

    print(f"posts: {args.posts} (+100 follow-up posts), median of {args.repeat} runs")
    print(f"build_timeline (filler, warm Faker):   {ms(statistics.median(builds))}")
    print(f"advance_to(end) in one call:           {ms(statistics.median(one_call))}")
    print(
        f"advance_to per frame at 20x ({frames} frames): {ms(statistics.median(ticking))}"
        f"  ({statistics.median(ticking) / frames * 1e6:.1f} µs/frame)"
    )
    print(f"state() of every released post:        {ms(statistics.median(states))}")
    print(
        f"response_times + summary (50 answered): {ms(stats_time)}  median={med:.1f} mean={mean:.1f} n={count}"
    )


if __name__ == "__main__":
    main()
