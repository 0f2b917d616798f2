"""Train the learned risk signal (sandbox/scoring/learned_risk.npz) from the development sets.

    python bench/train_risk_signal.py [--seed 0] [--max-false-alarm 0.03] [--out PATH]

Training data: tests/scoring/data/labelled_replies.jsonl and synthetic_variants.jsonl only (the
held-out sets stay unseen). Each line becomes sentence examples:
- a risk-clean line: every sentence is a negative;
- a risky line: the sentences the rules flag with a finding of a labelled category are positives
  for that category; when a labelled category has no flagged sentence (unclear where it is), all
  the line's sentences are positives for it; the remaining sentences are negatives;
- lines labelled crisis-without-help are left out (that risk is what a reply lacks, not a sentence).

The threshold is chosen by 10-fold cross-validation over lines: the lowest threshold whose
out-of-fold false alarms on risk-clean good-tone lines stay at or below --max-false-alarm. It is
then raised, if needed, until no scenario model answer (scenarios/*.yaml, good practice by
definition) gets a learned warning; both thresholds and their CV figures are printed.
Deterministic for a given seed (fold split); the fit itself has no randomness.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sandbox.scoring.detectors import Doc  # noqa: E402
from sandbox.scoring.engine import Scorer, default_scorer  # noqa: E402
from sandbox.scoring.evaluate import _context, rule_category  # noqa: E402
from sandbox.scoring.learned import (  # noqa: E402
    CATEGORIES,
    DIM,
    MAX_SENTENCES,
    WEIGHTS_PATH,
    SparseRows,
    context_tokens,
    featurize,
    fit_heads,
)
from sandbox.scoring.types import Severity  # noqa: E402

DATA = ROOT / "tests" / "scoring" / "data"
TRAINING_FILES = ("labelled_replies.jsonl", "synthetic_variants.jsonl")
L2 = 1e-4
ITERS = 300


def load_rows() -> list[dict[str, Any]]:
    rows = []
    for name in TRAINING_FILES:
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


def sentence_examples(
    rows: list[dict[str, Any]], scorer: Scorer
) -> tuple[list[tuple[Any, Any]], Any, Any]:
    """Features, multi-hot labels (n, K) and the line index of every training sentence."""
    feats: list[tuple[Any, Any]] = []
    labels: list[list[float]] = []
    line_of: list[int] = []
    for i, row in enumerate(rows):
        cats = set(row["labels"]["risk"])
        if "crisis-without-help" in cats:
            continue
        ctx = _context(row)
        doc = Doc(text=row["reply"], ctx=ctx)
        sentences = doc.sentences[:MAX_SENTENCES]
        y = [[0.0] * len(CATEGORIES) for _ in sentences]
        if cats:
            card = scorer.score(row["reply"], ctx)
            covered: set[str] = set()
            for f in card.findings:
                cat = rule_category(f.rule)
                if cat not in cats or cat not in CATEGORIES or f.start == f.end:
                    continue
                if f.severity not in (Severity.error, Severity.warning):
                    continue
                for j, (s, e) in enumerate(sentences):
                    if s < f.end and f.start < e:
                        y[j][CATEGORIES.index(cat)] = 1.0
                        covered.add(cat)
            for cat in cats - covered:
                if cat in CATEGORIES:
                    for j in range(len(sentences)):
                        y[j][CATEGORIES.index(cat)] = 1.0
        tokens = context_tokens(ctx.author_kind, ctx.pre_election)
        for j, (s, e) in enumerate(sentences):
            feats.append(featurize(row["reply"][s:e], tokens))
            labels.append(y[j])
            line_of.append(i)
    return feats, np.asarray(labels), np.asarray(line_of)


def predict(w: Any, b: Any, feats: list[tuple[Any, Any]]) -> Any:
    return np.asarray([1.0 / (1.0 + np.exp(-(w[c].T @ v + b))) for c, v in feats])


def cross_validate(
    rows: list[dict[str, Any]],
    feats: list[tuple[Any, Any]],
    y: Any,
    line_of: Any,
    *,
    seed: int,
    max_false_alarm: float,
    folds: int = 10,
) -> dict[str, Any]:
    """Out-of-fold line scores (the top sentence probability) and the threshold they support."""
    lines = np.unique(line_of)
    rng = np.random.default_rng(seed)
    parts = np.array_split(rng.permutation(lines), folds)
    best_p = np.zeros(len(feats))
    best_k = np.zeros(len(feats), dtype=np.int64)
    for part in parts:
        test = np.isin(line_of, part)
        train_idx = np.flatnonzero(~test)
        x = SparseRows([feats[i] for i in train_idx])
        w, b = fit_heads(x, y[train_idx], l2=L2, iters=ITERS)
        test_idx = np.flatnonzero(test)
        p = predict(w, b, [feats[i] for i in test_idx])
        best_p[test_idx] = p.max(axis=1)
        best_k[test_idx] = p.argmax(axis=1)
    line_score = {int(i): float(best_p[line_of == i].max()) for i in lines}
    cv = _figures(rows, lines, line_score, best_p, best_k, line_of, max_false_alarm, floor=0.0)
    cv["line_score"] = line_score
    cv["best_p"], cv["best_k"] = best_p, best_k
    return cv


def _figures(
    rows: list[dict[str, Any]],
    lines: Any,
    line_score: dict[int, float],
    best_p: Any,
    best_k: Any,
    line_of: Any,
    max_false_alarm: float,
    floor: float,
) -> dict[str, Any]:
    good_clean = [
        int(i)
        for i in lines
        if not rows[i]["labels"]["risk"] and rows[i]["labels"]["tone"] == "good"
    ]
    risky = [int(i) for i in lines if rows[i]["labels"]["risk"]]
    candidates = np.round(np.arange(0.05, 0.951, 0.01), 2)
    threshold = max(0.95, floor)
    for t in candidates:
        if t < floor:
            continue
        fa = np.mean([line_score[i] >= t for i in good_clean])
        if fa <= max_false_alarm:
            threshold = float(t)
            break
    # category right: some sentence above threshold predicts one of the line's categories
    cat_hit = 0
    for i in risky:
        sel = np.flatnonzero((line_of == i) & (best_p >= threshold))
        if any(CATEGORIES[best_k[j]] in rows[i]["labels"]["risk"] for j in sel):
            cat_hit += 1
    return {
        "threshold": threshold,
        "false_alarm_good_clean": float(np.mean([line_score[i] >= threshold for i in good_clean])),
        "false_alarm_all_clean": float(
            np.mean([line_score[i] >= threshold for i in lines if not rows[i]["labels"]["risk"]])
        ),
        "line_recall": float(np.mean([line_score[i] >= threshold for i in risky])),
        "line_recall_right_category": cat_hit / max(1, len(risky)),
        "good_clean_lines": len(good_clean),
        "risky_lines": len(risky),
    }


def model_answer_top(w: Any, b: Any, scorer: Scorer) -> float:
    """The highest sentence probability among scenario model answers the rules leave alone."""
    from sandbox.scenario.loader import load_scenario
    from sandbox.scoring.types import ScoringContext

    top = 0.0
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        scenario = load_scenario(path)
        kinds = {p.id: p.kind.value for p in scenario.personas}
        posts = list(scenario.posts) + [fp for fu in scenario.follow_ups for fp in fu.posts]
        for post in posts:
            if post.expect is None:
                continue
            kind = kinds.get(post.author)
            ctx = ScoringContext(
                post_text=post.text, author_kind=kind, pre_election=scenario.policy.pre_election
            )
            tokens = context_tokens(kind, scenario.policy.pre_election)
            for answer in post.expect.model_answers:
                card = scorer.score(answer, ctx)
                flagged = [
                    (f.start, f.end)
                    for f in card.findings
                    if f.family.value == "risk"
                    and f.severity in (Severity.error, Severity.warning)
                    and f.start != f.end
                ]
                for s, e in Doc(text=answer, ctx=ctx).sentences[:MAX_SENTENCES]:
                    if any(a < e and s < z for a, z in flagged):
                        continue
                    p = predict(w, b, [featurize(answer[s:e], tokens)])[0]
                    top = max(top, float(p.max()))
    return top


def train(seed: int = 0, max_false_alarm: float = 0.03) -> tuple[dict[str, Any], dict[str, Any]]:
    """Arrays for the .npz file and the cross-validation figures."""
    rows = load_rows()
    scorer = default_scorer().with_settings(disable=["risk.learned"])
    feats, y, line_of = sentence_examples(rows, scorer)
    cv = cross_validate(rows, feats, y, line_of, seed=seed, max_false_alarm=max_false_alarm)
    w, b = fit_heads(SparseRows(feats), y, l2=L2, iters=ITERS)
    guard = model_answer_top(w, b, scorer)
    lines = np.unique(line_of)
    shipped = _figures(
        rows,
        lines,
        cv.pop("line_score"),
        cv.pop("best_p"),
        cv.pop("best_k"),
        line_of,
        max_false_alarm,
        floor=float(np.ceil(guard * 100 + 1e-9) / 100),
    )
    cv = {"cv_threshold": cv, "model_answer_top_probability": round(guard, 4), "shipped": shipped}
    cv["threshold"] = max(shipped["threshold"], cv["cv_threshold"]["threshold"])
    arrays = {
        "weights": np.ascontiguousarray(w.T.astype(np.float32)),
        "bias": b.astype(np.float32),
        "threshold": np.float32(cv["threshold"]),
        "categories": np.asarray(CATEGORIES),
        "dim": np.int64(DIM),
        "seed": np.int64(seed),
    }
    cv["sentences"] = len(feats)
    cv["positives"] = {c: int(y[:, k].sum()) for k, c in enumerate(CATEGORIES)}
    return arrays, cv


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-false-alarm", type=float, default=0.03)
    ap.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    args = ap.parse_args()
    t0 = time.perf_counter()
    arrays, cv = train(args.seed, args.max_false_alarm)
    np.savez_compressed(args.out, **arrays)
    print(json.dumps(cv, indent=2))
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size / 1e6:.2f} MB) in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
