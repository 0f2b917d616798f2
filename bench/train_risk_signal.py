"""Train the learned risk signal (sandbox/scoring/learned_risk.npz) from the development files.

    python bench/train_risk_signal.py [--max-added-false-alarm 0.012]
                                      [--max-post-false-alarm 0.005] [--out PATH]

Training data: the development files in tests/scoring/data (``TRAINING_FILES``) and the scenario
library's model answers (as risk-clean, good-tone lines); the held-out files are never read.
Three kinds of head:

- **Sentences.** Each reply sentence is an example. In a risk-clean line every sentence is a
  negative. In a risky line, the sentences a rule flags with a finding of a labelled category
  are positives for it; when a labelled category has no flagged sentence (unclear where it is),
  all the line's sentences are positives for it; the remaining sentences are negatives. One head
  per category names what a sentence resembles; an any-risk head pools them all.
- **Replies.** One head reads the whole reply (its first MAX_REPLY_CHARS characters): a line is
  a positive when it carries any risk label. Out of file it told risky from clean replies far
  better than any single sentence could (a put-down often needs the sentence before it).
- **Posts.** Crisis-without-help is what a reply lacks, not something a sentence says, so one
  head reads the post instead: "does this read like someone at risk?" A post is a positive when
  a line answering it is labelled crisis-without-help, or a risk-clean reply to it gives urgent
  help (999, 111, Samaritans…); other posts are negatives.

Thresholds come from out-of-file predictions: each file is scored by heads trained without it
(files are dealt into five groups, left out a group at a time), and the other files were written
by other people, so the figures say how the signal carries to a new writer. Two thresholds are
chosen, each the lowest whose added out-of-file false alarms on risk-clean good-tone lines stay
within budget: one for a sentence's any-risk probability on its own (SENTENCE_BUDGET), then one
for the blend of reply and sentence heads on replies no rule flagged (--max-added-false-alarm in
all: on the last fresh sets the rules used 3.8 of the 5 points a new writer's clean replies
allow, so the signal may spend the remaining 1.2). The post threshold is the lowest whose
out-of-file false alarms (a risk-clean good reply without urgent help, to a post scored as a
crisis) stay within --max-post-false-alarm. Each is then raised, if needed, until no scenario
model answer (good practice by definition, and counted as MODEL_ANSWER_COPIES lines in training)
gets a learned warning. Deterministic: no randomness anywhere.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
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
    CRISIS,
    DIM,
    MAX_POST_CHARS,
    MAX_REPLY_CHARS,
    MAX_SENTENCES,
    WEIGHTS_PATH,
    SparseRows,
    context_tokens,
    featurize,
    fit_heads,
)
from sandbox.scoring.rulepack import PhraseMatcher  # noqa: E402
from sandbox.scoring.types import Family, Severity  # noqa: E402

DATA = ROOT / "tests" / "scoring" / "data"
TRAINING_FILES = (
    "labelled_replies.jsonl",
    "synthetic_variants.jsonl",
    "heldout_replies.jsonl",
    "heldout2_replies.jsonl",
    "dev3_replies.jsonl",
    "dev4_replies.jsonl",
    "dev5_replies.jsonl",
    "dev6_replies.jsonl",
    "dev7_replies.jsonl",
    "dev8_replies.jsonl",
    "dev9_replies.jsonl",
    "dev10_replies.jsonl",
    "dev11_replies.jsonl",
    "dev12_replies.jsonl",
    "dev13_replies.jsonl",
    "dev14_replies.jsonl",
    "heldout3_replies.jsonl",
    "heldout4_replies.jsonl",
    "dev15_replies.jsonl",
    "dev16_replies.jsonl",
    "dev17_replies.jsonl",
    "dev18_replies.jsonl",
    "heldout5_replies.jsonl",
    "heldout6_replies.jsonl",
    "heldout7_replies.jsonl",
    "heldout8_replies.jsonl",
    "heldout9_replies.jsonl",
    "heldout10_replies.jsonl",
    "heldout11_replies.jsonl",
    "heldout12_replies.jsonl",
    "heldout13_replies.jsonl",
    "heldout14_replies.jsonl",
    "heldout15_replies.jsonl",
    "heldout16_replies.jsonl",
    "heldout17_replies.jsonl",
    "heldout18_replies.jsonl",
    # the third session's final measure, then development in the fourth
    "heldout19_replies.jsonl",
    "heldout20_replies.jsonl",
    "heldout21_replies.jsonl",
    "heldout22_replies.jsonl",
    # the fourth session's training sets for the quiet categories (abuse, politics)
    "dev19_replies.jsonl",
    "dev20_replies.jsonl",
    "dev21_replies.jsonl",
)
HELD_OUT = (
    "heldout23_replies.jsonl",
    "heldout24_replies.jsonl",
    "heldout25_replies.jsonl",
    "heldout26_replies.jsonl",
)
MODEL_ANSWERS = "scenario model answers"
L2 = 3e-5  # category heads; chosen by leave-one-file-out recall (3e-5 > 1e-4 > 1e-3)
# The any-risk and reply heads are regularised as C = 10 in scikit-learn's terms (l2 = 1 / (C n)):
# out of file, C = 10 beat 1 and 3 and matched 30 on both heads (fit_binary).
C_ANY = 10.0
C_REPLY = 10.0
REPLY_MIX = 0.5  # the blend's weight on the reply head (the sentence head has the rest)
SENTENCE_BUDGET = 0.005  # added false alarms allowed to a sentence on its own
MODEL_ANSWER_COPIES = 10
ITERS = 300
# Help only a crisis needs: marks a post as a crisis when a clean reply gives it. (The pack's
# wider urgent-help list also holds 101 and "helpline", which routine posts get too.)
CRISIS_HELP = (
    "999",
    "111",
    "116 123",
    "116123",
    "Samaritans",
    "Childline",
    "0800 1111",
    "0808 2000 247",
    "0800 111 999",
    "A&E",
    "emergency services",
    "ambulance",
)
_ALARM = (Severity.error, Severity.warning)


@dataclass
class Line:
    """One labelled reply with everything the heads and the threshold search need."""

    row: dict[str, Any]
    file: str
    sentence_feats: list[tuple[Any, Any]]
    reply_feats: tuple[Any, Any]
    sentence_labels: list[list[float]]
    unflagged: list[bool]  # sentence not overlapping a rule's risk finding
    rules_alarm: bool
    rules_crisis: bool
    has_help: bool  # the reply has one of the pack's urgent-help words
    crisis_post: bool  # this line alone marks its post as a crisis (see CRISIS_HELP)

    @property
    def risky(self) -> bool:
        return bool(self.row["labels"]["risk"])

    @property
    def clean_good(self) -> bool:
        return not self.risky and self.row["labels"]["tone"] == "good"


def load_lines(scorer: Scorer, names: tuple[str, ...] = TRAINING_FILES) -> list[Line]:
    out: list[Line] = []
    for name in names:
        assert name not in HELD_OUT, "held-out files are never trained on"
        path = DATA / name
        if not path.exists():
            print(f"(skipping {name}: not present)")
            continue
        for text in path.read_text(encoding="utf-8").splitlines():
            if text.strip():
                out.append(_line(json.loads(text), name, scorer))
    out += [_line(row, MODEL_ANSWERS, scorer) for row in model_answer_rows()]
    # a post is a crisis when any line answering it says so
    crisis = {ln.row["post"] for ln in out if ln.crisis_post}
    for ln in out:
        ln.crisis_post = ln.row["post"] in crisis
    return out


def _model_answers() -> Iterator[tuple[str, Any, str | None, bool, str]]:
    """(row id, post, author kind, pre-election, answer) for every scenario model answer."""
    from sandbox.scenario.loader import load_scenario

    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        scenario = load_scenario(path)
        kinds = {p.id: p.kind.value for p in scenario.personas}
        posts = list(scenario.posts) + [fp for fu in scenario.follow_ups for fp in fu.posts]
        for post in posts:
            if post.expect is None:
                continue
            for answer in post.expect.model_answers:
                yield (
                    f"{path.stem}:{post.id}",
                    post,
                    kinds.get(post.author),
                    scenario.policy.pre_election,
                    answer,
                )


def model_answer_rows() -> list[dict[str, Any]]:
    """Every scenario model answer as a risk-clean, good-tone labelled line: good practice by
    definition, and long careful replies unlike most labelled lines, so the heads learn that
    thoroughness is not risk."""
    return [
        {
            "id": row_id,
            "post": post.text,
            "reply": answer,
            "context": {
                "pre_election": pre_election,
                "author_kind": kind or "resident",
                "platform": "community",
            },
            "labels": {"risk": [], "tone": "good", "tone_issues": []},
        }
        for row_id, post, kind, pre_election, answer in _model_answers()
    ]


@lru_cache(maxsize=1)
def _help_matchers() -> tuple[PhraseMatcher, PhraseMatcher]:
    """(the pack's urgent-help words, CRISIS_HELP)."""
    rule = next(r for r in default_scorer().rules if r.id == "risk.learned")
    return PhraseMatcher(tuple(rule.params.get("urgent_help", ()))), PhraseMatcher(CRISIS_HELP)


def _line(row: dict[str, Any], name: str, scorer: Scorer) -> Line:
    cats = set(row["labels"]["risk"]) - {CRISIS}
    urgent, crisis_help = _help_matchers()
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
        reply_feats=featurize(row["reply"], tokens, limit=MAX_REPLY_CHARS),
        sentence_labels=y,
        unflagged=[not any(a < e and s < b for a, b in flagged) for s, e in sentences],
        rules_alarm=bool(alarms),
        rules_crisis=any(f.rule.startswith("risk.crisis") for f in alarms),
        has_help=urgent.search(row["reply"]) is not None,
        crisis_post=CRISIS in row["labels"]["risk"]
        or (not row["labels"]["risk"] and crisis_help.search(row["reply"]) is not None),
    )


def _sig(z: Any) -> Any:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


@dataclass
class Heads:
    w: Any  # (DIM, K) category heads
    b: Any
    aw: Any  # (DIM,) any-risk sentence head
    ab: float
    rw: Any  # (DIM,) reply head
    rb: float
    pw: Any  # (DIM,) post head
    pb: float

    def sentence_score(self, feats: list[tuple[Any, Any]], free: list[bool]) -> float:
        """The top any-risk probability among sentences no rule flagged."""
        best = 0.0
        for (c, v), ok in zip(feats, free, strict=True):
            if ok:
                best = max(best, float(_sig(self.aw[c] @ v + self.ab)))
        return best

    def reply_score(self, feats: tuple[Any, Any]) -> float:
        c, v = feats
        return float(_sig(self.rw[c] @ v + self.rb))

    def post_score(self, post: str) -> float:
        c, v = featurize(post[:MAX_POST_CHARS])
        return float(_sig(self.pw[c] @ v + self.pb))


def fit_binary(rows: list[tuple[Any, Any]], y: Any, *, c: float) -> tuple[Any, float]:
    """One L2 logistic regression, regularised as scikit-learn's ``C`` (l2 = 1 / (C n)), solved
    to convergence with L-BFGS: the weakly regularised heads need it, where plain gradient
    descent stops short. Deterministic (zero start). scipy is a development dependency only;
    the app itself needs numpy alone."""
    import scipy.sparse as sp
    from scipy.optimize import minimize

    x = SparseRows(rows)
    m = sp.csr_matrix((x.data, x.indices, x.indptr), shape=(x.n, x.dim))
    mt = m.T.tocsr()
    y = np.asarray(y, dtype=np.float64)
    n = len(y)

    def objective(theta: Any) -> tuple[float, Any]:
        w, b = theta[:-1], theta[-1]
        z = m @ w + b
        loss = float((np.logaddexp(0.0, z) - y * z).sum() / n + (w @ w) / (2 * c * n))
        r = (_sig(z) - y) / n
        grad = np.empty_like(theta)
        grad[:-1] = mt @ r + w / (c * n)
        grad[-1] = r.sum()
        return loss, grad

    res = minimize(
        objective,
        np.zeros(x.dim + 1),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 3000, "gtol": 1e-6},
    )
    return res.x[:-1], float(res.x[-1])


def fit(lines: list[Line]) -> Heads:
    # a scenario model answer is good practice by definition, so it counts as several lines:
    # one writer's odd wording should not set the bar the model answers are held to
    lines = lines + [ln for ln in lines if ln.file == MODEL_ANSWERS] * (MODEL_ANSWER_COPIES - 1)
    feats = [f for ln in lines for f in ln.sentence_feats]
    y = np.asarray([lab for ln in lines for lab in ln.sentence_labels], dtype=np.float64)
    w, b = fit_heads(SparseRows(feats), y, l2=L2, iters=ITERS)
    aw, ab = fit_binary(feats, y.max(axis=1), c=C_ANY)  # any risk at all
    rw, rb = fit_binary(
        [ln.reply_feats for ln in lines], [float(ln.risky) for ln in lines], c=C_REPLY
    )
    posts = {ln.row["post"]: ln.crisis_post for ln in lines}
    order = sorted(posts)
    px = SparseRows([featurize(p[:MAX_POST_CHARS]) for p in order])
    pw, pb = fit_heads(px, np.asarray([[float(posts[p])] for p in order]), l2=L2, iters=ITERS)
    return Heads(
        w=w,
        b=b,
        aw=aw,
        ab=ab,
        rw=rw,
        rb=rb,
        pw=pw[:, 0],
        pb=float(pb[0]),
    )


@dataclass
class Scores:
    """Out-of-file scores, one per line."""

    sentence: list[float]  # top any-risk probability among unflagged sentences
    blend: list[float]  # REPLY_MIX * reply + (1 - REPLY_MIX) * sentence
    post: list[float]


def out_of_file(lines: list[Line], folds: int = 5) -> Scores:
    """Every line's scores from heads trained without its file. Files are dealt round-robin into
    ``folds`` groups (a group's files are left out together), which keeps training to ``folds``
    fits."""
    names = sorted({ln.file for ln in lines})
    group = {name: i % folds for i, name in enumerate(names)}
    n = len(lines)
    sent, blend, post = [0.0] * n, [0.0] * n, [0.0] * n
    for g in range(min(folds, len(names))):
        heads = fit([ln for ln in lines if group[ln.file] != g])
        for i, ln in enumerate(lines):
            if group[ln.file] == g:
                sent[i] = heads.sentence_score(ln.sentence_feats, ln.unflagged)
                blend[i] = REPLY_MIX * heads.reply_score(ln.reply_feats) + (1 - REPLY_MIX) * sent[i]
                post[i] = heads.post_score(ln.row["post"])
    return Scores(sent, blend, post)


def choose_post(lines: list[Line], post: list[float], max_fa: float) -> float:
    """The lowest post threshold whose out-of-file false alarms stay within the budget."""
    open_good = np.asarray([ln.clean_good and not ln.has_help for ln in lines])
    n_good = sum(ln.clean_good for ln in lines)
    p = np.asarray(post)
    for t in np.round(np.arange(0.30, 0.991, 0.01), 2):
        if (open_good & (p >= t)).sum() / max(1, n_good) <= max_fa + 1e-12:
            return float(t)
    return 1.0


def _signal(lines: list[Line], sc: Scores, t: float | None, ts: float) -> Any:
    """Where the learned signal (not the post head) raises an alarm: a sentence alone, or the
    blend (unless ``t`` is None) when no rule found a risk."""
    alone = np.asarray(sc.sentence) >= ts
    if t is None:
        return alone
    rules = np.asarray([ln.rules_alarm for ln in lines])
    return alone | (~rules & (np.asarray(sc.blend) >= t))


def choose(lines: list[Line], sc: Scores, max_added: float) -> tuple[float, float]:
    """(blend threshold, sentence threshold): the lowest whose out-of-file added false alarms
    stay within the budgets (SENTENCE_BUDGET for a sentence alone, ``max_added`` in all).

    Not the thresholds with the best recall on these files: the rules were written from them
    and already catch nearly every risky line, so here the signal seems to add little at any
    threshold. On a new writer's wording the rules miss far more, and what the signal adds there
    grows as the threshold falls; its false alarms on clean replies do not depend on the rules'
    tuning, so they are the honest thing to budget.
    """
    rules = np.asarray([ln.rules_alarm for ln in lines])
    good = np.asarray([ln.clean_good for ln in lines])
    base_fa = rules[good].mean()
    grid = np.round(np.arange(0.30, 0.991, 0.01), 2)

    def added(t: float | None, ts: float) -> float:
        a = rules | _signal(lines, sc, t, ts)
        return float(a[good].mean() - base_fa)

    ts = next((float(x) for x in grid if added(None, x) <= SENTENCE_BUDGET + 1e-12), 1.0)
    t = next((float(x) for x in grid if added(x, ts) <= max_added + 1e-12), 1.0)
    return t, ts


def alarms(lines: list[Line], sc: Scores, t: float, ts: float, tp: float) -> list[bool]:
    signal = _signal(lines, sc, t, ts)
    return [
        ln.rules_alarm or bool(s) or (not ln.rules_crisis and not ln.has_help and p >= tp)
        for ln, s, p in zip(lines, signal, sc.post, strict=True)
    ]


def report(lines: list[Line], sc: Scores, t: float, ts: float, tp: float) -> dict[str, Any]:
    a = alarms(lines, sc, t, ts, tp)
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


def model_answer_floors(heads: Heads, scorer: Scorer) -> tuple[float, float, float]:
    """(blend, sentence, post) thresholds below which a scenario model answer would get a
    learned warning."""
    from sandbox.scoring.types import ScoringContext

    urgent, _ = _help_matchers()
    top_b = top_s = top_p = 0.0
    for _id, post, kind, pre_election, answer in _model_answers():
        ctx = ScoringContext(post_text=post.text, author_kind=kind, pre_election=pre_election)
        tokens = context_tokens(kind, pre_election)
        card = scorer.score(answer, ctx)
        risk = [f for f in card.findings if f.family is Family.risk and f.severity in _ALARM]
        flagged = [(f.start, f.end) for f in risk if f.start != f.end]
        spans = Doc(text=answer, ctx=ctx).sentences[:MAX_SENTENCES]
        feats = [featurize(answer[s:e], tokens) for s, e in spans]
        free = [not any(a < e and s < z for a, z in flagged) for s, e in spans]
        sent = heads.sentence_score(feats, free)
        top_s = max(top_s, sent)
        if not risk:
            reply = heads.reply_score(featurize(answer, tokens, limit=MAX_REPLY_CHARS))
            top_b = max(top_b, REPLY_MIX * reply + (1 - REPLY_MIX) * sent)
        if urgent.search(answer) is None and not any(
            f.rule.startswith("risk.crisis") for f in risk
        ):
            top_p = max(top_p, heads.post_score(post.text))
    return _above(top_b), _above(top_s), _above(top_p)


def _above(p: float) -> float:
    return float(np.ceil(p * 100 + 1e-9) / 100)


def train(max_added: float, max_post: float) -> tuple[dict[str, Any], dict[str, Any]]:
    """Arrays for the .npz file and the figures behind its thresholds."""
    scorer = default_scorer().with_settings(disable=["risk.learned"])
    lines = load_lines(scorer)
    sc = out_of_file(lines)
    chosen, chosen_sentence = choose(lines, sc, max_added)
    chosen_post = choose_post(lines, sc.post, max_post)
    heads = fit(lines)
    floor, floor_sentence, floor_post = model_answer_floors(heads, scorer)
    t, ts, tp = (
        max(chosen, floor),
        max(chosen_sentence, floor_sentence),
        max(chosen_post, floor_post),
    )
    figures = {
        "lines": len(lines),
        "files": sorted({ln.file for ln in lines}),
        "sentences": sum(len(ln.sentence_feats) for ln in lines),
        "positives": {
            c: int(sum(lab[k] for ln in lines for lab in ln.sentence_labels))
            for k, c in enumerate(CATEGORIES)
        },
        "risky_lines": sum(ln.risky for ln in lines),
        "posts": len({ln.row["post"] for ln in lines}),
        "crisis_posts": len({ln.row["post"] for ln in lines if ln.crisis_post}),
        "chosen_thresholds": {"blend": chosen, "sentence": chosen_sentence, "post": chosen_post},
        "model_answer_floors": {"blend": floor, "sentence": floor_sentence, "post": floor_post},
        "shipped_thresholds": {"blend": t, "sentence": ts, "post": tp},
        "out_of_file_at_shipped": report(lines, sc, t, ts, tp),
    }
    arrays = {
        "weights": np.ascontiguousarray(heads.w.T.astype(np.float32)),
        "bias": heads.b.astype(np.float32),
        "threshold": np.float32(t),
        "categories": np.asarray(CATEGORIES),
        "post_weights": heads.pw.astype(np.float32),
        "post_bias": np.float32(heads.pb),
        "post_threshold": np.float32(tp),
        "any_weights": heads.aw.astype(np.float32),
        "any_bias": np.float32(heads.ab),
        "reply_weights": heads.rw.astype(np.float32),
        "reply_bias": np.float32(heads.rb),
        "reply_mix": np.float32(REPLY_MIX),
        "sentence_threshold": np.float32(ts),
        "dim": np.int64(DIM),
    }
    return arrays, figures


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--max-added-false-alarm", type=float, default=0.012)
    ap.add_argument("--max-post-false-alarm", type=float, default=0.005)
    ap.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    args = ap.parse_args()
    t0 = time.perf_counter()
    arrays, figures = train(args.max_added_false_alarm, args.max_post_false_alarm)
    np.savez_compressed(args.out, **arrays)
    print(json.dumps(figures, indent=2))
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size / 1e6:.2f} MB) in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
