"""Time to load + validate + build the timeline (filler included) of the 10,000-post scenario.

Prints the first (cold: Faker imported on first use) run, then the median of several runs with
the Faker name pools rebuilt each time, split into phases. Goal: under 1 s.
Run: .venv/bin/python bench/bench_scenario_load.py [RUNS]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from sandbox.scenario import filler, yamlread  # noqa: E402
from sandbox.scenario.filler import build_timeline  # noqa: E402
from sandbox.scenario.loader import load_scenario  # noqa: E402

STRESS = REPO_ROOT / "scenarios" / "stress" / "stress-10k.yaml"


def ensure_stress_file() -> Path:
    if not STRESS.exists():
        sys.path.insert(0, str(REPO_ROOT / "bench"))
        import make_stress_scenario

        make_stress_scenario.main(["make", str(STRESS)])
    return STRESS


def one_run(path: Path) -> tuple[float, float, float, int]:
    """(parse seconds, load total seconds, timeline seconds, posts)."""
    filler.name_pools.cache_clear()
    t0 = time.perf_counter()
    yamlread.parse(yamlread.decode(path.read_bytes(), str(path)), str(path))
    t1 = time.perf_counter()
    scenario = load_scenario(path)  # read + parse + models + reference checks
    t2 = time.perf_counter()
    timeline = build_timeline(scenario)
    t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2, len(timeline)


def main(argv: list[str]) -> int:
    runs = int(argv[1]) if len(argv) > 1 else 7
    path = ensure_stress_file()
    size = path.stat().st_size
    _, cold_load, cold_timeline, posts = one_run(path)
    print(f"{path.relative_to(REPO_ROOT)}: {size:,} bytes, {posts:,} timeline posts")
    print(
        f"cold (first run, imports Faker): load {cold_load * 1000:.0f} ms + "
        f"timeline {cold_timeline * 1000:.0f} ms = {(cold_load + cold_timeline) * 1000:.0f} ms"
    )
    results = [one_run(path) for _ in range(runs)]
    parse = statistics.median(r[0] for r in results)
    load = statistics.median(r[1] for r in results)
    timeline = statistics.median(r[2] for r in results)
    total = statistics.median(r[1] + r[2] for r in results)
    print(
        f"median of {runs}: YAML parse {parse * 1000:.0f} ms (part of load); "
        f"load+validate {load * 1000:.0f} ms; build_timeline {timeline * 1000:.0f} ms"
    )
    print(f"load + validate + build_timeline: {total * 1000:.0f} ms (goal < 1000 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
