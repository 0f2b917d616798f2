"""The scorer's validity on the labelled council replies stays at the issue's targets.

These guard against regressions; the full figures (and the politeness corpus) are printed by
``bench/eval_scoring.py``. The labelled set is written by people, not derived from the rules.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sandbox.scoring.evaluate import _quartiles, evaluate_labelled, load_labelled, rule_category
from sandbox.scoring.politeness import strategy_counts

LABELLED = Path(__file__).parent / "data" / "labelled_replies.jsonl"


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    if not LABELLED.exists():
        pytest.skip("tests/scoring/data/labelled_replies.jsonl is not present")
    rows = load_labelled(LABELLED)
    assert len(rows) >= 150
    return evaluate_labelled(rows)


def test_risk_recall_and_false_alarms(result) -> None:  # type: ignore[no-untyped-def]
    assert result.risk_line_recall >= 0.95
    assert result.false_alarm_good <= 0.05


def test_poor_tone_scores_below_good_tone(result) -> None:  # type: ignore[no-untyped-def]
    assert result.pair_ordering >= 0.90


def test_rule_categories() -> None:
    assert rule_category("risk.personal-data.phone") == "personal-data"
    assert rule_category("risk.troll.argue") == "argue-with-troll"
    assert rule_category("tone.jargon") is None


def test_politeness_strategies() -> None:
    polite = strategy_counts(
        "Hi, could you please have a look? Thanks so much, I really appreciate it."
    )
    rude = strategy_counts("Why did you delete it? You obviously didn't read it.")
    assert polite["gratitude"] >= 1 and polite["please"] == 1 and polite["greeting"] == 1
    assert polite["counterfactual_modal"] == 1
    assert (
        rude["direct_question"] == 1
        and rude["second_person_start"] == 1
        and rude["factuality"] == 1
    )


def test_quartile_protocol(tmp_path: Path) -> None:
    path = tmp_path / "mini.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Community", "Id", "Request", "Normalized Score"])
        for i in range(8):
            w.writerow(["x", i, f"request {i}", i - 4])
    texts, labels = _quartiles(path)
    assert labels.count(1) == labels.count(0) == 2
    assert [t for t, label in zip(texts, labels, strict=True) if label] == [
        "request 6",
        "request 7",
    ]
