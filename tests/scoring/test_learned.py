"""The learned risk signal: shipped weights, determinism, and how it sits beside the rules."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sandbox.scenario.models import ActionKind
from sandbox.scoring.detectors import Doc
from sandbox.scoring.engine import Scorer
from sandbox.scoring.learned import (
    CATEGORIES,
    CRISIS,
    DIM,
    MAX_SENTENCES,
    WEIGHTS_PATH,
    LearnedModel,
    SparseRows,
    context_tokens,
    featurize,
    fit_heads,
    learned_findings,
    load_model,
)
from sandbox.scoring.types import ScoringContext, Severity

# Not in the training files; no liability rule matches it.
PARAPHRASE = "Our tree did the damage, so we'll sort out the repair for you."
POST = "A council tree fell on my car last night"


def _learned(card_findings: tuple[object, ...]) -> list[object]:
    return [f for f in card_findings if getattr(f, "rule", "").startswith("risk.learned")]


def test_shipped_weights_have_the_expected_shape() -> None:
    model = load_model()
    assert model is not None
    assert WEIGHTS_PATH.stat().st_size < 2_000_000
    assert model.weights.shape == (len(CATEGORIES), DIM)
    assert model.bias.shape == (len(CATEGORIES),)
    assert model.categories == CATEGORIES
    assert 0.0 < model.threshold < 1.0
    assert np.isfinite(model.weights).all()
    # the any-risk sentence head and the whole-reply head, blended when no rule found a risk
    assert model.any_weights.shape == (DIM,) and model.reply_weights.shape == (DIM,)
    assert np.isfinite(model.any_weights).all() and np.isfinite(model.reply_weights).all()
    assert 0.0 < model.reply_mix < 1.0
    assert 0.0 < model.sentence_threshold < 1.0


def test_features_and_training_are_deterministic() -> None:
    sentences = [
        ("We'll pay for the repair, it was our fault.", [0, 0, 0, 1, 0, 0, 0]),
        ("Thanks, we've asked the crew to come back tomorrow.", [0] * 7),
        ("You are an idiot.", [0, 0, 0, 0, 0, 1, 0]),
        ("Report it at aldermoor.gov.uk/report and we'll check it.", [0] * 7),
    ]
    ctx = context_tokens("resident", False)
    a = [featurize(s, ctx) for s, _ in sentences]
    b = [featurize(s, ctx) for s, _ in sentences]
    for (ca, va), (cb, vb) in zip(a, b, strict=True):
        assert np.array_equal(ca, cb) and np.array_equal(va, vb)
        assert abs(float(np.linalg.norm(va)) - 1.0) < 1e-5
    y = np.asarray([lab for _, lab in sentences], dtype=np.float64)
    w1, b1 = fit_heads(SparseRows(a), y, iters=50)
    w2, b2 = fit_heads(SparseRows(b), y, iters=50)
    assert np.array_equal(w1, w2) and np.array_equal(b1, b2)
    # it learned something: the liability sentence scores highest on the liability head
    probs = 1.0 / (1.0 + np.exp(-(np.stack([w1[c].T @ v for c, v in a]) + b1)))
    assert int(np.argmax(probs[:, CATEGORIES.index("liability")])) == 0


def test_adds_a_warning_for_a_risky_paraphrase_the_rules_miss(scorer: Scorer) -> None:
    card = scorer.score(PARAPHRASE, ScoringContext(post_text=POST))
    learned = [f for f in card.findings if f.rule.startswith("risk.learned")]
    assert [f.rule for f in learned] == ["risk.learned.liability"]
    f = learned[0]
    assert f.severity is Severity.warning and f.points == 10
    assert (f.start, f.end) == (0, len(PARAPHRASE))
    assert "learned signal; check it" in f.message and "fault" in f.message
    assert f.source == "learned from labelled council replies"
    other_risk = [g for g in card.findings if g.family.value == "risk" and g not in learned]
    assert not [g for g in other_risk if g.severity in (Severity.error, Severity.warning)]


def test_no_duplicate_on_a_sentence_the_rules_flagged(scorer: Scorer) -> None:
    reply = "It will be filled by Friday, you have my word, no question."
    ctx = ScoringContext(post_text="Huge pothole on Mill Lane")
    model = load_model()
    assert model is not None
    # the model alone would fire on it …
    assert learned_findings(Doc(text=reply, ctx=ctx), {}) != []
    card = scorer.score(reply, ctx)
    # … but a rule already flagged the sentence, so the learned signal stays quiet
    assert any(f.rule.startswith("risk.guarantee") for f in card.findings)
    assert not [f for f in card.findings if f.rule.startswith("risk.learned")]


def test_disabling_the_rule_removes_it(scorer: Scorer) -> None:
    quiet = scorer.with_settings(disable=["risk.learned"])
    card = quiet.score(PARAPHRASE, ScoringContext(post_text=POST))
    assert not [f for f in card.findings if f.rule.startswith("risk.learned")]
    ctx = ScoringContext(post_text=POST, disabled_rules=frozenset({"risk.learned"}))
    assert not [f for f in scorer.score(PARAPHRASE, ctx).findings if f.rule.startswith("risk.")]
    assert "risk.learned" in {r.id for r in scorer.rules}


def test_private_messages_and_clean_replies_get_nothing(scorer: Scorer) -> None:
    pm = ScoringContext(post_text=POST, action=ActionKind.private_message)
    assert not [f for f in scorer.score(PARAPHRASE, pm).findings if f.rule.startswith("risk.")]
    clean = (
        "Sorry about your car. Please send photos and details through our claims form at "
        "aldermoor.gov.uk/claims and our insurance team will look into it."
    )
    card = scorer.score(clean, ScoringContext(post_text=POST))
    assert not [f for f in card.findings if f.rule.startswith("risk.learned")]


def test_long_input_is_bounded(scorer: Scorer) -> None:
    text = (PARAPHRASE + " ") * 2000  # about 130,000 characters
    ctx = ScoringContext(post_text=POST)
    hits = learned_findings(Doc(text=text, ctx=ctx), {})
    assert 0 < len(hits) <= MAX_SENTENCES
    card = scorer.score(text, ctx)
    assert sum(f.points for f in card.findings if f.rule.startswith("risk.learned")) <= 20


def _post_model(bias: float) -> LearnedModel:
    """The shipped sentence heads with a post head that calls every post (bias > 0) or no post
    (bias < 0) a crisis, so the crisis logic can be checked apart from what was learned."""
    model = load_model()
    assert model is not None
    return replace(
        model, post_weights=np.zeros(DIM, dtype=np.float32), post_bias=bias, post_threshold=0.5
    )


HELP = ("999", "Samaritans", "116 123")
CRISIS_POST = "I don't think I can keep going much longer, nobody would even notice"


def test_a_crisis_post_answered_with_admin_gets_a_crisis_warning() -> None:
    doc = Doc(
        text="Please fill in the form on our website.", ctx=ScoringContext(post_text=CRISIS_POST)
    )
    hits = learned_findings(doc, {"urgent_help": HELP}, model=_post_model(5.0))
    assert [c for c, _ in hits] == [CRISIS]
    assert (hits[0][1].start, hits[0][1].end) == (0, 0)
    assert "urgent help" in hits[0][1].detail
    # not when the post doesn't read like a crisis
    assert learned_findings(doc, {"urgent_help": HELP}, model=_post_model(-5.0)) == []


def test_no_crisis_warning_when_help_is_given_or_a_rule_already_said_so() -> None:
    ctx = ScoringContext(post_text=CRISIS_POST)
    helped = Doc(text="Please call Samaritans on 116 123 now, any time.", ctx=ctx)
    assert learned_findings(helped, {"urgent_help": HELP}, model=_post_model(5.0)) == []
    admin = Doc(text="Please fill in the form on our website.", ctx=ctx)
    hits = learned_findings(
        admin, {"urgent_help": HELP}, model=_post_model(5.0), crisis_flagged=True
    )
    assert hits == []
    # without the pack's urgent-help words the head stays silent rather than guess
    assert learned_findings(admin, {}, model=_post_model(5.0)) == []


def test_shipped_post_head_and_the_engine_never_double_report_a_crisis(scorer: Scorer) -> None:
    model = load_model()
    assert model is not None and model.post_weights is not None
    assert model.post_weights.shape == (DIM,) and 0.0 < model.post_threshold < 1.0
    # an explicit crisis post: the rule fires, so the learned crisis warning stays quiet
    post = "I've taken a load of tablets and I want to end it all"
    card = scorer.score("Thanks, please email us.", ScoringContext(post_text=post))
    rules = {f.rule for f in card.findings}
    assert any(r.startswith("risk.crisis") for r in rules)
    assert f"risk.learned.{CRISIS}" not in rules
    assert model.crisis_probability(post) > model.crisis_probability(
        "When is bin day on Mill Lane?"
    )


TWO_SENTENCES = "Thanks for getting in touch. Honestly, some people will moan about anything."


def _reply_model(reply_bias: float, any_bias: float) -> LearnedModel:
    """The shipped category heads with flat any-risk and reply heads, so the blend's logic can
    be checked apart from what was learned."""
    model = load_model()
    assert model is not None
    flat = np.zeros(DIM, dtype=np.float32)
    return replace(
        model,
        any_weights=flat,
        any_bias=any_bias,
        reply_weights=flat,
        reply_bias=reply_bias,
        reply_mix=0.5,
        threshold=0.6,
        sentence_threshold=0.9,
    )


def test_the_blend_warns_once_when_no_rule_found_a_risk() -> None:
    doc = Doc(text=TWO_SENTENCES, ctx=ScoringContext(post_text="Bins not collected again"))
    # reply head sure (p ~ 1), sentences unsure (p = 0.5): blend 0.75 >= 0.6, one warning only
    hits = learned_findings(doc, {}, model=_reply_model(10.0, 0.0))
    assert len(hits) == 1
    cat, hit = hits[0]
    assert cat in CATEGORIES and (hit.start, hit.end) in doc.sentences
    # a rule already found a risk in the reply: the blend stays out of it ...
    assert learned_findings(doc, {}, model=_reply_model(10.0, 0.0), rules_alarmed=True) == []
    # ... and the reply head alone cannot carry the blend over the threshold
    assert learned_findings(doc, {}, model=_reply_model(10.0, -10.0)) == []
    # a pack can raise the threshold
    assert learned_findings(doc, {"threshold": 0.8}, model=_reply_model(10.0, 0.0)) == []


def test_a_sure_sentence_warns_beside_a_rule_finding() -> None:
    doc = Doc(text=TWO_SENTENCES, ctx=ScoringContext(post_text="Bins not collected again"))
    first = doc.sentences[0]
    # every sentence is sure (p ~ 1 >= 0.9); the first is skipped as if a rule flagged it
    hits = learned_findings(doc, {}, skip=[first], model=_reply_model(-10.0, 10.0))
    assert [(h.start, h.end) for _, h in hits] == [doc.sentences[1]]
