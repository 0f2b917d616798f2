"""Score cards: points trace to findings, scenario overrides, actions, determinism, threads."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sandbox.scenario.models import ActionKind, Expectation, Family, Scenario
from sandbox.scoring.engine import Scorer, default_scorer, score_missed, score_reply
from sandbox.scoring.rulepack import RulePackError
from sandbox.scoring.types import ScoreCard, ScoringContext, Severity
from tests.scoring.conftest import rules_of

Score = Callable[..., ScoreCard]

BAD = (
    "NOT OUR PROBLEM!!! Please be advised this will be actioned in due course. Call my mobile "
    "07700 900123 or reply with your address. Actually, we guarantee it, you muppet."
)


def _check_card(card: ScoreCard, reply: str) -> None:
    for fam, value in card.scores.items():
        lost = sum(f.points for f in card.findings if f.family is fam)
        if value is None:
            assert lost == 0
        else:
            assert value == 100 - min(100, lost), fam
    for f in card.findings:
        assert 0 <= f.start <= f.end <= len(reply)
        assert reply[f.start : f.end] == f.match or (f.start == f.end and f.match == "")
        assert f.message and "{" not in f.message
        if f.severity is Severity.praise:
            assert f.points == 0


def test_every_point_lost_traces_to_a_finding(score: Score) -> None:
    card = score(BAD, post="My bin was missed again", elapsed_minutes=300, target_minutes=120)
    _check_card(card, BAD)
    assert card.scores[Family.risk] == 0  # capped: the findings add up to exactly 100
    assert sum(f.points for f in card.findings if f.family is Family.risk) == 100
    assert card.scores[Family.timing] == 50  # halfway between the target and 4x the target


def test_overall_is_the_weighted_mean_of_applicable_families(score: Score) -> None:
    card = score(
        "Thanks, we'll fix it tomorrow.", post="Pothole", elapsed_minutes=10, target_minutes=60
    )
    assert card.scores[Family.action] is None
    assert Family.action not in card.weights
    assert sum(card.weights.values()) == pytest.approx(1.0, abs=1e-3)
    expected = sum((card.scores[f] or 0) * w for f, w in card.weights.items())
    assert card.overall == round(expected)


def test_good_reply_scores_above_poor_reply(score: Score) -> None:
    post = "Third week my bin has been missed. Fed up."
    good = score(
        "Sorry your bin was missed again, that's frustrating. We'll collect it tomorrow.", post=post
    )
    poor = score("Noted.", post=post)
    assert good.scores[Family.tone] > poor.scores[Family.tone]
    assert good.overall > poor.overall


def test_scoring_is_deterministic(scorer: Scorer) -> None:
    ctx = ScoringContext(post_text="My bin was missed again", elapsed_minutes=30)
    first = scorer.score(BAD, ctx).to_dict()
    assert all(scorer.score(BAD, ctx).to_dict() == first for _ in range(5))
    assert ScoreCard.from_dict(first).to_dict() == first


def test_thread_safe(scorer: Scorer) -> None:
    ctx = ScoringContext(post_text="Bin missed again!")
    replies = [BAD, "Noted.", "Sorry, we'll come back tomorrow."] * 30
    expected = [scorer.score(r, ctx).to_dict() for r in replies]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda r: scorer.score(r, ctx).to_dict(), replies))
    assert got == expected


def test_module_helpers_use_the_cached_default() -> None:
    assert default_scorer() is default_scorer()
    ctx = ScoringContext(post_text="hi")
    assert score_reply("Hello!", ctx) == default_scorer().score("Hello!", ctx)


# ----------------------------------------------------------------------------- actions


def _exp(*actions: str, team: str | None = None) -> Expectation:
    return Expectation(action=list(actions), team=team)


def test_silence_is_rude() -> None:
    card = score_missed(
        ScoringContext(post_text="Is the tip open?", expectation=_exp("reply"), target_minutes=60)
    )
    assert card.scores[Family.timing] == 0 and card.scores[Family.action] == 0
    assert card.scores[Family.tone] is None and card.scores[Family.risk] is None
    assert {"timing.missed", "action.missed"} <= rules_of(card)
    assert card.overall == 0


def test_unanswered_troll_is_fine() -> None:
    card = score_missed(ScoringContext(post_text="clowns", expectation=_exp("leave", "hide")))
    assert card.scores[Family.action] == 100 and card.scores[Family.timing] is None
    assert card.overall == 100


def test_escalation_to_the_right_and_wrong_team(scorer: Scorer) -> None:
    exp = _exp("escalate", team="press_office")
    right = scorer.score(
        "Journalist asking about the roof bill; deadline 2pm.",
        ScoringContext(
            post_text="Can you comment?",
            action=ActionKind.escalate,
            team="press_office",
            expectation=exp,
        ),
    )
    assert right.scores[Family.action] == 100
    assert "action.expected" in rules_of(right, praise=True)
    assert right.scores[Family.tone] is None  # an internal note is not public text
    wrong = scorer.score(
        "Call me on 07700 900123",
        ScoringContext(
            post_text="Can you comment?",
            action=ActionKind.escalate,
            team="highways",
            expectation=exp,
        ),
    )
    assert wrong.scores[Family.action] == 50
    assert "risk.personal-data.phone" not in rules_of(wrong)  # escalation notes are internal


def test_replying_when_a_private_message_was_expected(scorer: Scorer) -> None:
    exp = _exp("private_message")
    card = scorer.score(
        "Thanks, we'll look into it.", ScoringContext(post_text="My account", expectation=exp)
    )
    assert card.scores[Family.action] == 0
    assert "action.wrong" in rules_of(card)


def test_private_message_text_still_checked_for_tone(scorer: Scorer) -> None:
    ctx = ScoringContext(post_text="Bin missed again", action=ActionKind.private_message)
    card = scorer.score("NOT OUR PROBLEM!!! Send your address.", ctx)
    assert {"tone.dismissive", "tone.shouting.caps"} <= rules_of(card)
    assert "risk.personal-data.solicited" not in rules_of(card)


def test_leaving_a_troll_alone() -> None:
    exp = _exp("leave", "hide")
    card = default_scorer().score(
        "", ScoringContext(post_text="clowns", action=ActionKind.leave, expectation=exp)
    )
    assert card.scores[Family.action] == 100
    assert card.overall == 100
    hidden = default_scorer().score(
        "", ScoringContext(post_text="clowns", action=ActionKind.hide, expectation=exp)
    )
    assert hidden.scores[Family.action] == 100


def test_expectation_covers_and_must_not_say(scorer: Scorer) -> None:
    exp = Expectation.model_validate(
        {
            "action": "reply",
            "covers": [{"label": "Says when", "any_of": ["tomorrow", "by friday"]}],
            "must_not_say": [{"label": "Blames the crew", "any_of": ["crew's fault"]}],
        }
    )
    card = scorer.score(
        "It was the crew's fault.", ScoringContext(post_text="Bin?", expectation=exp)
    )
    assert {"tone.covers.missing", "risk.must-not-say"} <= rules_of(card)
    card = scorer.score(
        "We'll come back tomorrow.", ScoringContext(post_text="Bin?", expectation=exp)
    )
    assert "tone.covers.met" in rules_of(card, praise=True)


# ----------------------------------------------------------------------------- overrides


def _scenario(rules: dict[str, object]) -> Scenario:
    return Scenario.model_validate(
        {
            "id": "t",
            "title": "T",
            "summary": "S",
            "objectives": ["o"],
            "duration_minutes": 30,
            "account": {"name": "Council", "handle": "@council"},
            "clock": {"start": "2026-01-15T08:00:00+00:00"},
            "personas": [{"id": "p", "name": "P", "handle": "@p"}],
            "posts": [{"id": "a", "at": "+00:01", "author": "p", "text": "Hi"}],
            "rules": rules,
        }
    )


def test_scenario_disables_rules_and_changes_severities(scorer: Scorer) -> None:
    reply = "Please be advised: call 07700 900123."
    ctx = ScoringContext(post_text="hi")
    custom = scorer.for_scenario(
        _scenario({"disable": ["tone.jargon"], "severity": {"risk.personal-data.phone": "info"}})
    )
    card = custom.score(reply, ctx)
    assert "tone.jargon" not in rules_of(card)
    phone = next(f for f in card.findings if f.rule == "risk.personal-data.phone")
    assert phone.severity is Severity.info and phone.points == 5
    # the shared default is untouched
    assert "tone.jargon" in rules_of(scorer.score(reply, ctx))


def test_per_call_overrides_in_the_context(scorer: Scorer) -> None:
    ctx = ScoringContext(
        post_text="hi",
        disabled_rules=frozenset({"tone.jargon"}),
        severity_overrides={"risk.personal-data.phone": "warning"},
    )
    card = scorer.score("Please be advised: call 07700 900123.", ctx)
    assert "tone.jargon" not in rules_of(card)
    assert next(f for f in card.findings if f.rule == "risk.personal-data.phone").points == 15


def test_scenario_allow_words_and_extra_packs(scorer: Scorer, tmp_path: Path) -> None:
    pack = tmp_path / "org.yaml"
    pack.write_text(
        "pack: aldermoor\n"
        "extend:\n"
        "  tone.jargon:\n"
        "    swap: {bin day slippage: a late collection}\n"
        "rules:\n"
        "  - id: tone.aldermoor.brand\n"
        "    family: tone\n"
        "    severity: warning\n"
        "    type: existence\n"
        "    tokens: [Aldermoor BC]\n"
        "    message: 'Write the full name, not \"{match}\".'\n"
        "    source: Aldermoor house style\n",
        encoding="utf-8",
    )
    custom = scorer.for_scenario(
        _scenario({"packs": ["org.yaml"], "allow": ["01632 960 120", "press@aldermoor.gov.uk"]}),
        tmp_path,
    )
    card = custom.score(
        "Aldermoor BC regrets the bin day slippage. Call 01632 960 120 or press@aldermoor.gov.uk.",
        ScoringContext(post_text="hi"),
    )
    found = rules_of(card)
    assert "tone.aldermoor.brand" in found
    assert any(f.rule == "tone.jargon" and f.match == "bin day slippage" for f in card.findings)
    assert not {r for r in found if r.startswith("risk.personal-data")}


def test_unknown_rule_ids_in_a_scenario_are_errors(scorer: Scorer) -> None:
    with pytest.raises(RulePackError, match=r'cannot disable "tone\.nope"'):
        scorer.for_scenario(_scenario({"disable": ["tone.nope"]}))
    with pytest.raises(RulePackError, match="must be error, warning, info or praise"):
        scorer.for_scenario(_scenario({"severity": {"tone.jargon": "loud"}}))
