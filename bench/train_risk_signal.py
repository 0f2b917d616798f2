"""Train the learned risk signal (sandbox/scoring/learned_risk.npz) from the development files.

    python bench/train_risk_signal.py [--max-added-false-alarm 0.015] [--out PATH]

Training data: the development files in tests/scoring/data (``TRAINING_FILES``); the held-out
files are never read. Each reply sentence is an example. In a risk-clean line every sentence is
a negative. In a risky line, the sentences a rule flags with a finding of a labelled category are
positives for it; when a labelled category has no flagged sentence (unclear where it is), all
the line's sentences are positives for it; the remaining sentences are negatives.
Crisis-without-help is not a sentence's risk (it is what the reply lacks), so it has no head.

The threshold comes from leave-one-file-out predictions: each file is scored by heads trained on
the other files, which were written by other people, so the figures say how the signal carries
to a new writer. It is the threshold with the best out-of-file line recall (rules plus signal)
whose added false alarms on risk-clean good-tone lines stay within --max-added-false-alarm, then
raised, if needed, until no scenario model answer (good practice by definition) gets a learned
warning. Deterministic: no randomness anywhere.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
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
from sandbox.scoring.types import Family, Severity  # noqa: E402

DATA = ROOT / "tests" / "scoring" / "data"
TRAINING_FILES = (
    "labelled_replies.jsonl",
    "synthetic_variants.jsonl",
    "heldout_replies.jsonl",
    "heldout2_replies.jsonl",
    "dev3_replies.jsonl",
    "dev4_replies.jsonl",
)
L2 = 3e-5  # chosen by leave-one-file-out recall (3e-5 > 1e-4 > 1e-3)
ITERS = 300
_ALARM = (Severity.error, Severity.warning)


@dataclass
class Line:
    """One labelled reply with everything the heads and the threshold search need."""

    row: dict[str, Any]
    file: str
    sentence_feats: list[tuple[Any, Any]]
    sentence_labels: list[list[float]]
    unflagged: list[bool]  # sentence not overlapping a rule's risk finding
    rules_alarm: bool

    @property
    def risky(self) -> bool:
        return bool(self.row["labels"]["risk"])

    @property
    def clean_good(self) -> bool:
        return not self.risky and self.row["labels"]["tone"] == "good"


def load_lines(scorer: Scorer, names: tuple[str, ...] = TRAINING_FILES) -> list[Line]:
    out = []
    for name in names:
        assert not name.startswith(("heldout3", "heldout4")), "held-out files are never trained on"
        path = DATA / name
        if not path.exists():
            print(f"(skipping {name}: not present)")
            continue
        for text in path.read_text(encoding="utf-8").splitlines():
            if text.strip():
                out.append(_line(json.loads(text), name, scorer))
    return out


def _line(row: dict[str, Any], name: str, scorer: Scorer) -> Line:
    cats = set(row["labels"]["risk"]) - {"crisis-without-help"}
    ctx = _context(row)
    doc = Doc(text=row["reply"], ctx=ctx)
    sentences = doc.sentences[:MAX_SENTENCES]
    card = scorer.score(row["reply"], ctx)
    alarms = [f for f in card.findings if f.family is Family.risk and f.severity in _ALARM]
    flagged = [(f.start, f.end) for f in alarms if f.start != f.end]
    y = [[0.0] * len(CATEGORIES) for _ in sentences]
    covered: set[str] = set()
    for f in alarms:
        cat = rule_category(f.rule)
        if cat not in cats or cat not in CATEGORIES or f.start == f.end:
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
    return Line(
        row=row,
        file=name,
        sentence_feats=[featurize(row["reply"][s:e], tokens) for s, e in sentences],
        sentence_labels=y,
        unflagged=[not any(a < e and s < b for a, b in flagged) for s, e in sentences],
        rules_alarm=bool(alarms),
    )


@dataclass
class Heads:
    w: Any
    b: Any

    def sentence_scores(self, ln: Line) -> tuple[float, int]:
        """The top probability among sentences no rule flagged, and its category."""
        best, best_k = 0.0, 0
        for (c, v), free in zip(ln.sentence_feats, ln.unflagged, strict=True):
            if not free:
                continue
            p = 1.0 / (1.0 + np.exp(-(self.w[c].T @ v + self.b)))
            k = int(np.argmax(p))
            if p[k] > best:
                best, best_k = float(p[k]), k
        return best, best_k


def fit(lines: list[Line]) -> Heads:
    feats = [f for ln in lines for f in ln.sentence_feats]
    y = np.asarray([lab for ln in lines for lab in ln.sentence_labels], dtype=np.float64)
    w, b = fit_heads(SparseRows(feats), y, l2=L2, iters=ITERS)
    return Heads(w=w, b=b)


def out_of_file(lines: list[Line]) -> list[float]:
    """Every line's top unflagged-sentence probability, from heads trained without its file."""
    out = [0.0] * len(lines)
    for name in sorted({ln.file for ln in lines}):
        train = [ln for ln in lines if ln.file != name]
        heads = fit(train)
        for i, ln in enumerate(lines):
            if ln.file == name:
                out[i] = heads.sentence_scores(ln)[0]
    return out


def choose(lines: list[Line], scores: list[float], max_added: float) -> float:
    """The threshold with the best out-of-file recall within the false-alarm budget."""
    rules = np.asarray([ln.rules_alarm for ln in lines])
    s = np.asarray(scores)
    good = np.asarray([ln.clean_good for ln in lines])
    risky = np.asarray([ln.risky for ln in lines])
    base_fa = rules[good].mean()
    best = (-1.0, 0.0, 1.0)
    for t in np.round(np.arange(0.30, 0.991, 0.01), 2):
        a = rules | (s >= t)
        added = float(a[good].mean() - base_fa)
        if added <= max_added + 1e-12:
            best = max(best, (float(a[risky].mean()), -added, float(t)))
    return best[2]


def report(lines: list[Line], scores: list[float], t: float) -> dict[str, Any]:
    a = [ln.rules_alarm or s >= t for ln, s in zip(lines, scores, strict=True)]
    out: dict[str, Any] = {}
    for name in [*sorted({ln.file for ln in lines}), "all"]:
        idx = [i for i, ln in enumerate(lines) if name in ("all", ln.file)]
        good = [i for i in idx if lines[i].clean_good]
        risky = [i for i in idx if lines[i].risky]
        out[name] = {
            "risky": len(risky),
            "clean_good": len(good),
            "recall_rules": round(float(np.mean([lines[i].rules_alarm for i in risky])), 4),
            "recall_with_signal": round(float(np.mean([a[i] for i in risky])), 4),
            "false_alarm_rules": round(float(np.mean([lines[i].rules_alarm for i in good])), 4),
            "false_alarm_with_signal": round(float(np.mean([a[i] for i in good])), 4),
        }
    return out


def model_answer_floor(heads: Heads, scorer: Scorer) -> float:
    """The threshold below which some scenario model answer would get a learned warning."""
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
                    if f.family is Family.risk and f.severity in _ALARM and f.start != f.end
                ]
                for s, e in Doc(text=answer, ctx=ctx).sentences[:MAX_SENTENCES]:
                    if any(a < e and s < z for a, z in flagged):
                        continue
                    c, v = featurize(answer[s:e], tokens)
                    p = 1.0 / (1.0 + np.exp(-(heads.w[c].T @ v + heads.b)))
                    top = max(top, float(p.max()))
    return float(np.ceil(top * 100 + 1e-9) / 100)


def train(max_added: float) -> tuple[dict[str, Any], dict[str, Any]]:
    """Arrays for the .npz file and the figures behind its threshold."""
    scorer = default_scorer().with_settings(disable=["risk.learned"])
    lines = load_lines(scorer)
    scores = out_of_file(lines)
    chosen = choose(lines, scores, max_added)
    heads = fit(lines)
    floor = model_answer_floor(heads, scorer)
    threshold = max(chosen, floor)
    figures = {
        "lines": len(lines),
        "files": sorted({ln.file for ln in lines}),
        "sentences": sum(len(ln.sentence_feats) for ln in lines),
        "positives": {
            c: int(sum(lab[k] for ln in lines for lab in ln.sentence_labels))
            for k, c in enumerate(CATEGORIES)
        },
        "chosen_threshold": chosen,
        "model_answer_floor": floor,
        "shipped_threshold": threshold,
        "leave_one_file_out_at_shipped": report(lines, scores, threshold),
        "rules_only": report(lines, scores, 2.0),
    }
    arrays = {
        "weights": np.ascontiguousarray(heads.w.T.astype(np.float32)),
        "bias": heads.b.astype(np.float32),
        "threshold": np.float32(threshold),
        "categories": np.asarray(CATEGORIES),
        "dim": np.int64(DIM),
    }
    return arrays, figures


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--max-added-false-alarm", type=float, default=0.015)
    ap.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    args = ap.parse_args()
    t0 = time.perf_counter()
    arrays, figures = train(args.max_added_false_alarm)
    np.savez_compressed(args.out, **arrays)
    print(json.dumps(figures, indent=2))
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size / 1e6:.2f} MB) in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
