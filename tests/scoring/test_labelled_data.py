"""Every labelled file follows the schema in tests/scoring/data/README.md.

The evaluation's figures are only as good as its labels: a misspelt category would silently
count as a miss, and a pair with two good halves would skew the tone ordering.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sandbox.scenario.models import PersonaKind
from sandbox.scoring.evaluate import RISK_CATEGORIES, TONE_ISSUES

DATA = Path(__file__).parent / "data"
FILES = sorted(DATA.glob("*.jsonl"))
KEYS = {"id", "post", "reply", "context", "labels"}


def test_the_expected_files_are_present() -> None:
    names = {p.name for p in FILES}
    assert {"labelled_replies.jsonl", "heldout3_replies.jsonl", "heldout4_replies.jsonl"} <= names


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_lines_follow_the_schema(path: Path) -> None:
    ids: set[str] = set()
    pairs: dict[str, list[str]] = {}
    kinds = {k.value for k in PersonaKind}
    for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not text.strip():
            continue
        row = json.loads(text)
        where = f"{path.name}:{n}"
        assert KEYS <= set(row) <= KEYS | {"pair"}, where
        assert row["id"] not in ids, f"{where}: duplicate id {row['id']}"
        ids.add(row["id"])
        assert row["post"].strip() and row["reply"].strip(), where
        ctx = row["context"]
        assert isinstance(ctx["pre_election"], bool), where
        assert ctx["author_kind"] in kinds, where
        assert ctx["platform"] in ("microblog", "community"), where
        labels = row["labels"]
        assert set(labels["risk"]) <= set(RISK_CATEGORIES), where
        assert labels["tone"] in ("good", "poor"), where
        assert set(labels["tone_issues"]) <= set(TONE_ISSUES), where
        if labels["tone"] == "good":
            assert labels["tone_issues"] == [], where
        if "pair" in row:
            pairs.setdefault(row["pair"], []).append(labels["tone"])
    assert len(ids) >= 150
    for pair, tones in pairs.items():
        assert sorted(tones) == ["good", "poor"], f"{path.name}: pair {pair} is {tones}"
