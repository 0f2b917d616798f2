"""Time the scorer: per reply, 10,000 replies through ``sandbox score --batch``, proselint on the
same replies, and regex safety on 100,000-character adversarial input.

    python bench/bench_scoring.py [--replies N]

Targets (issue 3): ≤ 2 ms median per reply after warm-up; 10,000 replies via --batch ≤ 10 s on a
2-core machine. The regex check prints each adversarial input's time against a 2-second bound.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sandbox.scoring.engine import default_scorer  # noqa: E402
from sandbox.scoring.types import ScoringContext  # noqa: E402

LABELLED = ROOT / "tests" / "scoring" / "data" / "labelled_replies.jsonl"
ADVERSARIAL_BOUND_S = 2.0

_FALLBACK = [
    ("My bin was missed again", "Sorry your bin was missed again. We'll collect it tomorrow."),
    ("Pothole on Mill Lane", "Thanks for letting us know. Report it at example.gov.uk/potholes."),
    ("Where do I vote?", "Find your polling station at example.gov.uk/elections."),
    ("clowns", "Please keep it civil; we hide abusive comments under our house rules."),
]


def corpus(n: int, seed: int = 7) -> list[dict[str, object]]:
    """n (post, reply) lines: the labelled set's pairs, cycled with light, seeded variation."""
    pairs: list[tuple[str, str]] = []
    if LABELLED.exists():
        for line in LABELLED.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                pairs.append((row["post"], row["reply"]))
    pairs = pairs or _FALLBACK
    rng = random.Random(seed)
    tails = ["", " Thanks.", " Sorry again.", " Call 0300 123 4567.", " More at example.gov.uk."]
    out = []
    for i in range(n):
        post, reply = pairs[i % len(pairs)]
        out.append(
            {
                "id": i,
                "post": post,
                "reply": reply + rng.choice(tails),
                "elapsed_minutes": rng.randint(0, 600),
                "target_minutes": rng.choice([15, 60, 240]),
            }
        )
    return out


def bench_per_reply(lines: list[dict[str, object]]) -> list[float]:
    scorer = default_scorer()
    ctxs = [
        ScoringContext(
            post_text=str(x["post"]),
            elapsed_minutes=float(x["elapsed_minutes"]),  # type: ignore[arg-type]
            target_minutes=float(x["target_minutes"]),  # type: ignore[arg-type]
        )
        for x in lines
    ]
    for x, ctx in zip(lines[:200], ctxs[:200], strict=True):  # warm-up: caches, VADER load
        scorer.score(str(x["reply"]), ctx)
    times = []
    for x, ctx in zip(lines, ctxs, strict=True):
        t0 = time.perf_counter()
        scorer.score(str(x["reply"]), ctx)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def bench_batch(lines: list[dict[str, object]]) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "batch.jsonl"
        path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
        t0 = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "sandbox", "score", "--batch", str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
    return elapsed, len(done.stdout.splitlines())


def bench_proselint(lines: list[dict[str, object]]) -> list[float] | None:
    try:
        from proselint.checks import __register__
        from proselint.registry import CheckRegistry
        from proselint.tools import LintFile
    except ImportError:
        return None
    CheckRegistry().register_many(__register__)  # what `proselint` does at start-up
    if not LintFile("reply", "This is very unique.").lint():
        print("(proselint found nothing in a known-bad sentence: its API changed)")
        return None
    for x in lines[:50]:
        LintFile("reply", str(x["reply"])).lint()
    times = []
    for x in lines:
        t0 = time.perf_counter()
        LintFile("reply", str(x["reply"])).lint()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def adversarial() -> list[tuple[str, str]]:
    n = 100_000
    rng = random.Random(1)
    return [
        ("letters", "a" * n),
        ("digits", "1" * n),
        ("digits and spaces", "0 " * (n // 2)),
        ("at signs", "a@" * (n // 2)),
        ("long email-ish", "a." * (n // 2) + "@" + "b." * 100),
        ("caps words", "SHOUT " * (n // 6)),
        ("exclamations", "!" * n),
        ("your address", "your " * (n // 5)),
        ("street-like", "12 Mill " * (n // 8)),
        ("postcode-like", "AB1 " * (n // 4)),
        ("apostrophes", "we'" * (n // 3)),
        ("no sentence ends", "word " * (n // 5)),
        ("dots", ". " * (n // 2)),
        ("random printable", "".join(rng.choice("aA1 .@!?'-/") for _ in range(n))),
    ]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--replies", type=int, default=10_000)
    args = ap.parse_args()
    lines = corpus(args.replies)
    mean_len = statistics.mean(len(str(x["reply"])) for x in lines)
    print(f"Replies: {len(lines)} (mean {mean_len:.0f} characters)")

    times = bench_per_reply(lines)
    q = statistics.quantiles(times, n=100)
    print(
        f"sandbox scorer, in process: median {statistics.median(times):.3f} ms, p95 {q[94]:.3f} ms,"
        f" max {max(times):.1f} ms per reply   (target median <= 2 ms)"
    )
    elapsed, out_lines = bench_batch(lines)
    print(
        f"sandbox score --batch, {len(lines)} replies incl. start-up: {elapsed:.2f} s"
        f" ({out_lines} lines out)   (target <= 10 s)"
    )
    prose = bench_proselint(lines[: min(len(lines), 2000)])
    if prose is not None:
        print(
            f"proselint 0.16 on the first {len(prose)} of the same replies: median "
            f"{statistics.median(prose):.3f} ms per reply"
            f" ({statistics.median(prose) / statistics.median(times):.1f}x the scorer)"
        )

    print(f"\nAdversarial 100,000-character replies (bound {ADVERSARIAL_BOUND_S:.0f} s each):")
    scorer = default_scorer()
    ctx = ScoringContext(post_text="a" * 100_000, elapsed_minutes=10)
    worst = 0.0
    for name, text in adversarial():
        t0 = time.perf_counter()
        card = scorer.score(text, ctx)
        dt = time.perf_counter() - t0
        worst = max(worst, dt)
        flag = "ok" if dt <= ADVERSARIAL_BOUND_S else "TOO SLOW"
        print(f"  {name:<20} {dt * 1000:8.0f} ms  {len(card.findings):5d} findings  {flag}")
    print(
        f"  worst {worst:.2f} s: {'within' if worst <= ADVERSARIAL_BOUND_S else 'OVER'} the bound"
    )
    return 0 if worst <= ADVERSARIAL_BOUND_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
