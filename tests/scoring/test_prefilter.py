"""The engine's pre-filter skips rules by a word test; it must never skip a rule that would fire."""

from __future__ import annotations

import pytest

from sandbox.scoring.engine import default_scorer
from sandbox.scoring.rulepack import PhraseMatcher
from sandbox.scoring.types import ScoringContext

TEXTS = [
    "We’ll DEFINITELY fix it, stupidity aside 🙄",
    "Keep an eye on who votes against it 👀 ✊",
    "ſtupid \u212aeep İt ı — e-mails to A&E: #VoteNow!!!",
    "Idiots 🤦\u200d♂️ honestly 😂😂",
    "Sorry your bin was missed. We'll collect it tomorrow.",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_gate_index_agrees_with_every_matchers_own_word_test(text: str) -> None:
    """One pass over the reply's words answers for all matchers exactly as each would alone."""
    gates = default_scorer()._gates
    expected = frozenset(j for j, m in enumerate(gates._matchers) if m._may_match(text))
    assert gates.possible(text) == expected


@pytest.mark.parametrize("text", TEXTS)
def test_symbol_phrases_are_found_behind_the_word_test(text: str) -> None:
    """Emoji and "!!" phrases have no word to test; their first character stands in."""
    for phrase in ("🙄", "👀", "🤦\u200d♂️", "😂", "!!", "✊"):
        pm = PhraseMatcher([phrase, "stupid*"])
        assert pm.required_words is not None
        plain = [m.span() for m in pm._regex.finditer(text)] if pm._regex else []
        assert [m.span() for m in pm.finditer(text)] == plain, phrase


def test_gated_rules_still_fire() -> None:
    """A cue rule behind the pre-filter still finds its emoji when the topic is in play."""
    card = default_scorer().score(
        "Keep an eye on who votes against it 👀",
        ScoringContext(post_text="Who should I vote for in the election?", pre_election=True),
    )
    assert any(f.rule.startswith("risk.politics") for f in card.findings)
