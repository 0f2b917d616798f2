"""Validity checks for the scorer: the labelled council replies and the politeness corpus.

Kept in the package (not only in bench/) so tests can check the figures' plumbing and the lead
can rerun them: ``python bench/eval_scoring.py``. Uses numpy only (already installed with
matplotlib); nothing here is imported by the app at run time.
"""

from __future__ import annotations

import csv
import itertools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sandbox.scenario.models import Family, PlatformKind
from sandbox.scoring.engine import Scorer, default_scorer
from sandbox.scoring.types import ScoreCard, ScoringContext, Severity

__all__ = [
    "RISK_CATEGORIES",
    "LabelledResult",
    "evaluate_labelled",
    "evaluate_politeness",
    "load_labelled",
    "rule_category",
]

# Which rule ids count as which labelled risk category.
RISK_CATEGORIES: dict[str, tuple[str, ...]] = {
    "personal-data": ("risk.personal-data.",),
    "staff-details": ("risk.staff.",),
    "politics": ("risk.politics.",),
    "liability": ("risk.liability.",),
    "guarantee": ("risk.guarantee",),
    "abuse": ("risk.abuse.",),
    "argue-with-troll": ("risk.troll.",),
    "crisis-without-help": ("risk.crisis.",),
}
TONE_ISSUES: dict[str, tuple[str, ...]] = {
    "jargon": ("tone.jargon",),
    "shouting": ("tone.shouting.",),
    "dismissive": ("tone.dismissive", "tone.curt", "tone.brush-off"),
    "no-empathy": ("tone.empathy.missing", "tone.apology.missing", "tone.empathy.no-warmth"),
    "no-next-step": ("tone.next-step.missing", "tone.no-specifics"),
    "sarcasm": ("risk.abuse.sarcasm",),
    "defensive": (
        "tone.politeness.factuality",
        "tone.dismissive",
        "tone.defensive",
        "risk.troll.argue",
    ),
    "blaming": ("tone.dismissive", "tone.accusing-question", "tone.blaming"),
    "too-long": ("tone.too-long",),
}
_ALARM = (Severity.error, Severity.warning)  # info findings are notes, not alarms


def rule_category(rule_id: str) -> str | None:
    if rule_id.startswith("risk.learned."):  # the learned signal names its category last
        cat = rule_id.removeprefix("risk.learned.")
        return cat if cat in RISK_CATEGORIES else None
    for cat, prefixes in RISK_CATEGORIES.items():
        if any(rule_id.startswith(p) for p in prefixes):
            return cat
    return None


def load_labelled(path: str | Path) -> list[dict[str, Any]]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rows.append(json.loads(line))
    return rows


def _context(row: dict[str, Any]) -> ScoringContext:
    ctx = row.get("context") or {}
    platform = PlatformKind(ctx.get("platform", "microblog"))
    return ScoringContext(
        post_text=row["post"],
        pre_election=bool(ctx.get("pre_election", False)),
        author_kind=ctx.get("author_kind"),
        platform=platform,
        char_limit=280 if platform is PlatformKind.microblog else 2000,
        org_email_domains=("aldermoor.gov.uk",),
    )


def predicted_risks(card: ScoreCard) -> set[str]:
    out = set()
    for f in card.findings:
        if f.family is Family.risk and f.severity in _ALARM:
            cat = rule_category(f.rule)
            out.add(cat or "other")
    return out


def _predicted_tone_issues(card: ScoreCard) -> set[str]:
    rules = {f.rule for f in card.findings if f.severity is not Severity.praise}
    return {
        issue
        for issue, prefixes in TONE_ISSUES.items()
        if any(r.startswith(p) for r in rules for p in prefixes)
    }


@dataclass
class LabelledResult:
    n: int
    per_category: dict[str, dict[str, float]]
    risk_line_recall: float
    risk_line_precision: float
    false_alarm_good: float
    false_alarm_clean: float
    pair_ordering: float
    pairs: int
    tone_accuracy: float
    tone_threshold: int
    tone_issue_recall: dict[str, float]
    tone_poor_precision: float = math.nan
    tone_poor_recall: float = math.nan
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    misordered: list[str] = field(default_factory=list)


def _ratio(a: int, b: int) -> float:
    return a / b if b else math.nan


def evaluate_labelled(
    rows: Sequence[dict[str, Any]], scorer: Scorer | None = None
) -> LabelledResult:
    scorer = scorer or default_scorer()
    cards = {r["id"]: scorer.score(r["reply"], _context(r)) for r in rows}
    per: dict[str, dict[str, float]] = {}
    for cat in RISK_CATEGORIES:
        tp = fp = fn = 0
        for r in rows:
            truth = cat in r["labels"]["risk"]
            pred = cat in predicted_risks(cards[r["id"]])
            tp += truth and pred
            fp += pred and not truth
            fn += truth and not pred
        per[cat] = {
            "support": tp + fn,
            "precision": _ratio(tp, tp + fp),
            "recall": _ratio(tp, tp + fn),
        }
    risky = [r for r in rows if r["labels"]["risk"]]
    flagged = [r for r in rows if predicted_risks(cards[r["id"]])]
    hit = [r for r in risky if predicted_risks(cards[r["id"]])]
    clean = [r for r in rows if not r["labels"]["risk"]]
    good_clean = [r for r in clean if r["labels"]["tone"] == "good"]
    alarm_good = [r for r in good_clean if predicted_risks(cards[r["id"]])]
    alarm_clean = [r for r in clean if predicted_risks(cards[r["id"]])]

    pairs: dict[str, dict[str, dict[str, Any]]] = {}
    for r in rows:
        if r.get("pair"):
            pairs.setdefault(r["pair"], {})[r["labels"]["tone"]] = r
    ordered = 0
    misordered = []
    complete = [p for p in pairs.values() if "good" in p and "poor" in p]
    for p in complete:
        g = cards[p["good"]["id"]].scores[Family.tone] or 0
        b = cards[p["poor"]["id"]].scores[Family.tone] or 0
        if b < g:
            ordered += 1
        else:
            misordered.append(f"{p['poor']['id']} ({b}) vs {p['good']['id']} ({g})")

    # Tone as a verdict: best single threshold on the tone score (reported with the threshold).
    best = (0.0, 0)
    for t in range(50, 101):
        correct = sum(
            ((cards[r["id"]].scores[Family.tone] or 0) >= t) == (r["labels"]["tone"] == "good")
            for r in rows
        )
        best = max(best, (correct / len(rows), t))
    t = best[1]
    pred_poor = {r["id"] for r in rows if (cards[r["id"]].scores[Family.tone] or 0) < t}
    true_poor = {r["id"] for r in rows if r["labels"]["tone"] == "poor"}
    tone_poor_precision = _ratio(len(pred_poor & true_poor), len(pred_poor))
    tone_poor_recall = _ratio(len(pred_poor & true_poor), len(true_poor))
    issue_recall = {}
    for issue in TONE_ISSUES:
        lines = [r for r in rows if issue in r["labels"].get("tone_issues", [])]
        if lines:
            got = sum(issue in _predicted_tone_issues(cards[r["id"]]) for r in lines)
            issue_recall[issue] = got / len(lines)
    misses = [
        f"{r['id']} {sorted(set(r['labels']['risk']) - predicted_risks(cards[r['id']]))}: {r['reply'][:90]}"
        for r in risky
        if set(r["labels"]["risk"]) - predicted_risks(cards[r["id"]])
    ]
    false_alarms = [
        f"{r['id']} {sorted(predicted_risks(cards[r['id']]))} "
        f"{[f.match for f in cards[r['id']].findings if f.family is Family.risk and f.severity in _ALARM]}: "
        f"{r['reply'][:90]}"
        for r in alarm_clean
    ]
    return LabelledResult(
        n=len(rows),
        per_category=per,
        risk_line_recall=_ratio(len(hit), len(risky)),
        risk_line_precision=_ratio(len([r for r in flagged if r["labels"]["risk"]]), len(flagged)),
        false_alarm_good=_ratio(len(alarm_good), len(good_clean)),
        false_alarm_clean=_ratio(len(alarm_clean), len(clean)),
        pair_ordering=_ratio(ordered, len(complete)),
        pairs=len(complete),
        tone_accuracy=best[0],
        tone_threshold=best[1],
        tone_issue_recall=issue_recall,
        tone_poor_precision=tone_poor_precision,
        tone_poor_recall=tone_poor_recall,
        misses=misses,
        false_alarms=false_alarms,
        misordered=misordered,
    )


# ------------------------------------------------------------------------------ politeness


POLITE_SIGNS: dict[str, int] = {
    # Signs from Danescu-Niculescu-Mizil et al. (2013), table 3: + polite, - impolite.
    "gratitude": 1,
    "deference": 1,
    "greeting": 1,
    "positive_lexicon": 1,
    "apologizing": 1,
    "please": 1,
    "please_start": -1,
    "indirect_btw": 1,
    "hedges": 1,
    "indirect_greeting_question": 1,
    "counterfactual_modal": 1,
    "indicative_modal": 1,
    "first_person_plural": 1,
    "first_person_start": 1,
    "second_person_start": -1,
    "direct_question": -1,
    "direct_start": -1,
    "factuality": -1,
    "negative_lexicon": -1,
}


def _quartiles(path: Path) -> tuple[list[str], list[int]]:
    """Bottom and top quarter of requests by ``Normalized Score`` (n // 4 each: balanced)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    order = sorted(range(len(rows)), key=lambda i: float(rows[i]["Normalized Score"]))
    k = len(rows) // 4
    chosen = [(i, 0) for i in order[:k]] + [(i, 1) for i in order[len(order) - k :]]
    chosen.sort()
    return [rows[i]["Request"] for i, _ in chosen], [label for _, label in chosen]


def _features(texts: Iterable[str]) -> tuple[Any, list[str]]:
    import numpy as np

    from sandbox.scoring.politeness import STRATEGIES, strategy_counts

    names = list(STRATEGIES)
    rows = [[min(c[k], 3) for k in names] for c in map(strategy_counts, texts)]
    return np.asarray(rows, dtype=np.float64), names


def _bow(texts: Sequence[str], min_count: int = 3) -> Any:
    """Binary unigram and bigram presence (terms seen in at least ``min_count`` requests)."""
    import re

    import numpy as np

    tok = re.compile(r"[a-z']+|[?!]")
    docs = []
    for t in texts:
        words = tok.findall(t.lower())
        docs.append(set(words) | {f"{a} {b}" for a, b in itertools.pairwise(words)})
    counts: dict[str, int] = {}
    for d in docs:
        for w in d:
            counts[w] = counts.get(w, 0) + 1
    vocab = {w: i for i, w in enumerate(sorted(w for w, c in counts.items() if c >= min_count))}
    x = np.zeros((len(texts), len(vocab)), dtype=np.float64)
    for i, d in enumerate(docs):
        for w in d:
            j = vocab.get(w)
            if j is not None:
                x[i, j] = 1.0
    return x


def _fit_logistic(x: Any, y: Any, l2: float, iters: int = 400) -> Any:
    """L2-regularised logistic regression by full-batch gradient descent with Nesterov momentum."""
    import numpy as np

    n, d = x.shape
    w = np.zeros(d + 1)
    v = np.zeros(d + 1)
    xb = np.hstack([x, np.ones((n, 1))])
    # largest eigenvalue of X'X by power iteration (a full SVD is far slower on bag-of-words)
    vec = np.ones(d + 1) / math.sqrt(d + 1)
    for _ in range(30):
        vec = xb.T @ (xb @ vec)
        vec /= np.linalg.norm(vec) or 1.0
    top = float(np.linalg.norm(xb @ vec) ** 2)
    lipschitz = 0.25 * top / n + l2
    lr = 1.0 / lipschitz
    for _ in range(iters):
        look = w + 0.9 * v
        p = 1.0 / (1.0 + np.exp(-(xb @ look)))
        grad = xb.T @ (p - y) / n
        grad[:-1] += l2 * look[:-1]
        v = 0.9 * v - lr * grad
        w = w + v
    return w


def _cv_accuracy(
    x: Any,
    y: Any,
    l2: float,
    folds: int = 10,
    seed: int = 0,
    *,
    dense: int | None = None,
    bow_weight: float = 1.0,
) -> float:
    """k-fold CV accuracy. The first ``dense`` columns are standardised on each training fold;
    the rest (binary word presence) are only multiplied by ``bow_weight``: standardising a word
    seen in a handful of requests would blow its column up and let the model memorise it."""
    import numpy as np

    rng = np.random.default_rng(seed)
    idx = rng.permutation(len(y))
    parts = np.array_split(idx, folds)
    correct = 0
    for k in range(folds):
        test = parts[k]
        train = np.concatenate([parts[j] for j in range(folds) if j != k])
        mu = x[train].mean(axis=0)
        sd = x[train].std(axis=0) + 1e-9
        if dense is not None:
            mu[dense:] = 0.0
            sd[dense:] = 1.0 / bow_weight
        w = _fit_logistic((x[train] - mu) / sd, y[train], l2)
        xt = (x[test] - mu) / sd
        pred = (np.hstack([xt, np.ones((len(test), 1))]) @ w) > 0
        correct += int((pred == (y[test] == 1)).sum())
    return correct / len(y)


# Strategies + VADER + bag of words: the words enter unstandardised at weight 3 with λ = 0.03,
# chosen on Stack Exchange (mean of 3 CV shuffles, from weights {1, 3} x λ {0.01, 0.03, 0.1}
# and weight 10 at λ 0.01), then applied to Wikipedia unchanged.
BOW_WEIGHT = 3.0
BOW_L2 = 0.03
CV_SEEDS = (0, 1, 2)


def evaluate_politeness(corpus_dir: str | Path) -> dict[str, dict[str, float]]:
    """Paper protocol: top vs bottom quartile of Normalized Score per community, accuracy.

    Reports an untrained score (sum of the paper's strategy signs, split at the median) and
    10-fold CV accuracy of logistic regression on (a) our strategy features, (b) strategies plus
    VADER compound, (c) strategies, VADER, unigrams and bigrams — the paper's best classifier is
    strategies plus bag of words; (c) is the mean over ``CV_SEEDS`` shuffles, with its range.
    Regularisation: (a)/(b) λ=0.1; (c) see ``BOW_WEIGHT``.
    """
    import numpy as np

    from sandbox.scoring.detectors import _vader
    from sandbox.scoring.politeness import strategy_counts

    out: dict[str, dict[str, float]] = {}
    files = (
        ("wikipedia", "wikipedia.annotated.csv"),
        ("stack-exchange", "stack-exchange.annotated.csv"),
    )
    for name, fname in files:
        path = Path(corpus_dir) / fname
        if not path.exists():
            continue
        texts, labels = _quartiles(path)
        y = np.asarray(labels, dtype=np.float64)
        signs = []
        for t in texts:
            c = strategy_counts(t)
            signs.append(sum(POLITE_SIGNS.get(k, 0) * min(v, 1) for k, v in c.items()))
        s = np.asarray(signs, dtype=np.float64)
        untrained = float(((s > float(np.median(s))) == (y == 1)).mean())
        x_str, _ = _features(texts)
        vader = np.asarray([[_vader().polarity_scores(t)["compound"]] for t in texts])
        out[name] = {
            "n": float(len(y)),
            "untrained_sign_sum": untrained,
            "strategies_lr_cv10": _cv_accuracy(x_str, y, l2=0.1),
            "strategies_vader_lr_cv10": _cv_accuracy(np.hstack([x_str, vader]), y, l2=0.1),
        }
        # the paper's best classifier is strategies plus bag of words; averaged over CV_SEEDS
        # shuffles, since one 10-fold split moves the figure by up to a point
        x_all = np.hstack([x_str, vader, _bow(texts)])
        runs = [
            _cv_accuracy(
                x_all, y, l2=BOW_L2, seed=seed, dense=x_str.shape[1] + 1, bow_weight=BOW_WEIGHT
            )
            for seed in CV_SEEDS
        ]
        out[name]["strategies_vader_bow_lr_cv10"] = float(np.mean(runs))
        out[name]["strategies_vader_bow_lr_cv10_min"] = min(runs)
        out[name]["strategies_vader_bow_lr_cv10_max"] = max(runs)
    return out
