"""Print the scorer's validity figures.

    python bench/eval_scoring.py [--verbose] [--no-politeness] [--sets all|development|held-out]

1. Labelled council replies, each file reported on its own: the development files (the rules were
   tuned on them, so their figures are optimistic) and the held-out files (written by labellers
   who never saw the rules, and never used to change them: the honest figure). Precision/recall
   per risk category, line-level risk recall, false alarms on risk-clean good replies, pair
   ordering on tone, best-threshold tone accuracy and tone-issue recall.
2. Stanford Politeness Corpus (../shared/data/politeness/), the paper's protocol: top vs bottom
   quartile per community, accuracy, beside Danescu-Niculescu-Mizil et al. (2013).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sandbox.scoring.evaluate import evaluate_labelled, evaluate_politeness, load_labelled  # noqa: E402

DATA = ROOT / "tests" / "scoring" / "data"
# Files the rules have been tuned on (see tests/scoring/data/README.md for who wrote which).
DEVELOPMENT = (
    (DATA / "labelled_replies.jsonl", "development set"),
    (DATA / "synthetic_variants.jsonl", "synthetic variants (development)"),
    (DATA / "heldout_replies.jsonl", "first held-out set, now development"),
    (DATA / "heldout2_replies.jsonl", "second held-out set, now development"),
    (DATA / "dev3_replies.jsonl", "development set 3"),
    (DATA / "dev4_replies.jsonl", "development set 4"),
    (DATA / "dev5_replies.jsonl", "development set 5"),
    (DATA / "dev6_replies.jsonl", "development set 6"),
    (DATA / "dev7_replies.jsonl", "development set 7"),
    (DATA / "dev8_replies.jsonl", "development set 8"),
    (DATA / "dev9_replies.jsonl", "development set 9"),
    (DATA / "dev10_replies.jsonl", "development set 10"),
    (DATA / "dev11_replies.jsonl", "development set 11"),
    (DATA / "dev12_replies.jsonl", "development set 12"),
    (DATA / "dev13_replies.jsonl", "development set 13"),
    (DATA / "dev14_replies.jsonl", "development set 14"),
    (DATA / "dev15_replies.jsonl", "development set 15 (scored once in session 2, then tuned on)"),
    (DATA / "dev16_replies.jsonl", "development set 16 (scored once in session 2, then tuned on)"),
    (DATA / "dev17_replies.jsonl", "development set 17 (scored once in session 2, then tuned on)"),
    (DATA / "dev18_replies.jsonl", "development set 18 (scored once in session 2, then tuned on)"),
    # held out until the second rule round, measured once, then used for the third round
    (DATA / "heldout3_replies.jsonl", "held-out set 3, now development"),
    (DATA / "heldout4_replies.jsonl", "held-out set 4, now development"),
    # the final measure of session 2, then used for session 3's rule round
    (DATA / "heldout5_replies.jsonl", "held-out set 5, now development"),
    (DATA / "heldout6_replies.jsonl", "held-out set 6, now development"),
    # the final measure of session 3's round 4, then used for round 5
    (DATA / "heldout7_replies.jsonl", "held-out set 7, now development"),
    (DATA / "heldout8_replies.jsonl", "held-out set 8, now development"),
    (DATA / "heldout9_replies.jsonl", "held-out set 9, now development"),
    (DATA / "heldout10_replies.jsonl", "held-out set 10, now development"),
    # the final measure of session 3's round 5, then used for round 6
    (DATA / "heldout11_replies.jsonl", "held-out set 11, now development"),
    (DATA / "heldout12_replies.jsonl", "held-out set 12, now development"),
    (DATA / "heldout13_replies.jsonl", "held-out set 13, now development"),
    (DATA / "heldout14_replies.jsonl", "held-out set 14, now development"),
    # the final measure of session 3's round 6, then used for round 7
    (DATA / "heldout15_replies.jsonl", "held-out set 15, now development"),
    (DATA / "heldout16_replies.jsonl", "held-out set 16, now development"),
    (DATA / "heldout17_replies.jsonl", "held-out set 17, now development"),
    (DATA / "heldout18_replies.jsonl", "held-out set 18, now development"),
    # the third session's final measure, then training data for the fourth session's learned signal
    (DATA / "heldout19_replies.jsonl", "held-out set 19, now development"),
    (DATA / "heldout20_replies.jsonl", "held-out set 20, now development"),
    (DATA / "heldout21_replies.jsonl", "held-out set 21, now development"),
    (DATA / "heldout22_replies.jsonl", "held-out set 22, now development"),
    # written in the fourth session to train the learned signal on the quiet categories
    (DATA / "dev19_replies.jsonl", "development set 19 (abuse and politics said quietly)"),
    (DATA / "dev20_replies.jsonl", "development set 20 (abuse and politics said quietly)"),
    (DATA / "dev21_replies.jsonl", "development set 21 (abuse and politics said quietly)"),
)
# Written by labellers who never saw the rules, and never used to change them: the honest figure.
HELD_OUT = (
    (DATA / "heldout23_replies.jsonl", "held-out set 23"),
    (DATA / "heldout24_replies.jsonl", "held-out set 24"),
    (DATA / "heldout25_replies.jsonl", "held-out set 25"),
    (DATA / "heldout26_replies.jsonl", "held-out set 26"),
    # written while 23-26 were being measured, scored once with the same finished scorer
    (DATA / "heldout27_replies.jsonl", "held-out set 27"),
    (DATA / "heldout28_replies.jsonl", "held-out set 28"),
    (DATA / "heldout29_replies.jsonl", "held-out set 29"),
    (DATA / "heldout30_replies.jsonl", "held-out set 30"),
)
POLITENESS = ROOT.parent / "shared" / "data" / "politeness"
PAPER = {"wikipedia": (83.79, 79.84, 86.72), "stack-exchange": (78.19, 74.47, 80.89)}


def pct(x: float) -> str:
    return "  n/a" if x != x else f"{100 * x:5.1f}%"


def report_labelled(data: Path, title: str, *, verbose: bool) -> None:
    """Print precision/recall, false alarms and tone ordering for one labelled file."""
    rows = load_labelled(data)
    r = evaluate_labelled(rows)
    print(f"Labelled council replies, {title}: {r.n} lines ({data.relative_to(ROOT)})")
    print(f"  {'risk category':<22}{'support':>8}{'precision':>11}{'recall':>9}")
    for cat, m in r.per_category.items():
        print(f"  {cat:<22}{int(m['support']):>8}{pct(m['precision']):>11}{pct(m['recall']):>9}")
    print(
        f"  any risk, line level: recall {pct(r.risk_line_recall)}, precision {pct(r.risk_line_precision)}"
        "   (target recall >= 95%)"
    )
    print(
        f"  false alarms on risk-clean good replies: {pct(r.false_alarm_good)}   (target <= 5%);"
        f" on all risk-clean lines: {pct(r.false_alarm_clean)}"
    )
    print(
        f"  tone pair ordering (poor < good): {pct(r.pair_ordering)} of {r.pairs} pairs   (target >= 90%)"
    )
    print(
        f"  tone family, good/poor at the best threshold (good = tone >= {r.tone_threshold}):"
        f" accuracy {pct(r.tone_accuracy)}; 'poor' precision {pct(r.tone_poor_precision)},"
        f" recall {pct(r.tone_poor_recall)}"
    )
    print(
        "  tone-issue recall: "
        + ", ".join(f"{k} {pct(v).strip()}" for k, v in r.tone_issue_recall.items())
    )
    if verbose:
        for title, items in (
            ("missed", r.misses),
            ("false alarms", r.false_alarms),
            ("misordered", r.misordered),
        ):
            print(f"  -- {title} ({len(items)})")
            for item in items:
                print("    " + item)


SECOND_LABELS = DATA / "second_labels"


def report_agreement(data: Path, second: Path) -> None:
    """How far two labellers agree on which replies are risky, and the scorer on their consensus.

    The second labeller saw only id, post, reply and context (shuffled, no labels), so the
    agreement says how sharp the line between risky and clean is for people; the scorer's recall
    on the lines both call risky is the figure without that disagreement.
    """
    from sandbox.scoring.engine import default_scorer
    from sandbox.scoring.evaluate import _context, predicted_risks

    rows = load_labelled(data)
    other: dict[str, set[str]] = {}
    for line in second.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            other[item["id"]] = set(item["risk"])
    rows = [r for r in rows if r["id"] in other]
    first = {r["id"]: set(r["labels"]["risk"]) for r in rows}
    a = [bool(first[r["id"]]) for r in rows]
    b = [bool(other[r["id"]]) for r in rows]
    n = len(rows)
    agree = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    chance = pa * pb + (1 - pa) * (1 - pb)
    kappa = (agree - chance) / (1 - chance) if chance < 1 else float("nan")
    both = [r for r, x, y in zip(rows, a, b, strict=True) if x and y]
    second_recall = len(both) / max(1, sum(a))
    scorer = default_scorer()
    flagged = {r["id"]: bool(predicted_risks(scorer.score(r["reply"], _context(r)))) for r in rows}
    clean_good = [
        r
        for r, x, y in zip(rows, a, b, strict=True)
        if not x and not y and r["labels"]["tone"] == "good"
    ]
    print(f"Two labellers, {data.name} ({n} lines, second labels {second.relative_to(ROOT)}):")
    print(
        f"  risky or clean, line level: agreement {pct(agree)}, Cohen's kappa {kappa:.2f};"
        f" the second labeller calls {pct(second_recall).strip()} of the first's risky lines risky"
        f" ({sum(a)} first, {sum(b)} second, {len(both)} both)"
    )
    print(
        f"  scorer on the consensus: recall {pct(sum(flagged[r['id']] for r in both) / max(1, len(both)))}"
        f" of {len(both)} lines both call risky; false alarms"
        f" {pct(sum(flagged[r['id']] for r in clean_good) / max(1, len(clean_good)))}"
        f" on {len(clean_good)} both call clean (good tone)"
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--verbose", action="store_true", help="list misses, false alarms and misordered pairs"
    )
    ap.add_argument("--no-politeness", action="store_true")
    ap.add_argument(
        "--sets",
        choices=("all", "development", "held-out"),
        default="all",
        help="which labelled files to score (rule writers use 'development' only)",
    )
    args = ap.parse_args()

    sets = {
        "all": DEVELOPMENT + HELD_OUT,
        "development": DEVELOPMENT,
        "held-out": HELD_OUT,
    }[args.sets]
    for data, title in sets:
        if not data.exists():
            print(f"(no {title} at {data.relative_to(ROOT)})")
            continue
        report_labelled(data, title, verbose=args.verbose)
        second = SECOND_LABELS / data.name
        if second.exists():
            report_agreement(data, second)

    if not args.no_politeness:
        if not POLITENESS.exists():
            print(f"(politeness corpus not found at {POLITENESS})")
            return 0
        t0 = time.perf_counter()
        res = evaluate_politeness(POLITENESS)
        print(
            f"\nPoliteness corpus, top vs bottom quartile, accuracy ({time.perf_counter() - t0:.0f} s):"
        )
        print(
            f"  {'':<16}{'n':>6}{'sign sum':>10}{'strat':>8}{'+VADER':>8}{'+uni/bigrams':>14}"
            "   paper: strategies+BOW / BOW / humans"
        )
        for name, m in res.items():
            paper = PAPER[name]
            print(
                f"  {name:<16}{int(m['n']):>6}{pct(m['untrained_sign_sum']):>10}"
                f"{pct(m['strategies_lr_cv10']):>8}{pct(m['strategies_vader_lr_cv10']):>8}"
                f"{pct(m['strategies_vader_bow_lr_cv10']):>14}"
                f"   {paper[0]:.2f}% / {paper[1]:.2f}% / {paper[2]:.2f}%"
            )
        print("  sign sum: untrained sum of the paper's strategy signs, split at the median.")
        print("  strat / +VADER / +uni/bigrams: logistic regression (numpy), 10-fold CV accuracy;")
        print("  +uni/bigrams is the mean of three CV shuffles:")
        for name, m in res.items():
            print(
                f"    {name}: {pct(m['strategies_vader_bow_lr_cv10_min'])}"
                f" to {pct(m['strategies_vader_bow_lr_cv10_max'])}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
