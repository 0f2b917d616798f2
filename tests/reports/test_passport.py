"""Passport rules: earned, missing, revoked by an override, assessment-only, needs sign-off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sandbox.reports.framework import parse_framework
from sandbox.reports.passport import (
    AttemptFacts,
    CompetencyStatus,
    FindingFact,
    OverrideFact,
    evaluate_competency,
    evaluate_passport,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

FRAMEWORK = parse_framework(
    {
        "title": "Test passport",
        "competencies": [
            {
                "id": "personal-data",
                "name": "Handles personal data safely",
                "families": ["risk"],
                "rules": ["risk.personal-data.*"],
                "scenarios": ["council-tax-account", "damp-mould"],
                "threshold": 75,
            },
            {
                "id": "plain-english",
                "name": "Writes in plain English",
                "families": ["tone"],
                "scenarios": ["gritting-potholes", "bins-flytipping", "flu-jab"],
                "min_passed": 1,
                "threshold": 70,
            },
        ],
    }
)
PD = FRAMEWORK.competency("personal-data")
PLAIN = FRAMEWORK.competency("plain-english")


def attempt(
    scenario: str,
    *,
    risk: int = 90,
    tone: int = 80,
    mode: str = "assessment",
    status: str = "finished",
    outcome: str | None = "passed",
    overrides: tuple[OverrideFact, ...] = (),
    findings: tuple[FindingFact, ...] = (),
    day: int = 0,
    aid: str | None = None,
) -> AttemptFacts:
    return AttemptFacts(
        id=aid or f"{scenario}-{mode}-{day}",
        profile_id="p1",
        scenario_id=scenario,
        mode=mode,
        status=status,
        started_at=T0 + timedelta(days=day),
        ended_at=T0 + timedelta(days=day, hours=1),
        scores={"overall": 85, "risk": risk, "tone": tone, "timing": 80, "action": 100},
        overrides=overrides,
        findings=findings,
        reviewed=outcome is not None,
        outcome=outcome,
    )


def test_earned_when_every_scenario_passed_in_assessment_with_sign_off() -> None:
    result = evaluate_competency(PD, [attempt("council-tax-account"), attempt("damp-mould", day=1)])
    assert result.status is CompetencyStatus.earned
    assert [a.scenario_id for a in result.evidence] == ["council-tax-account", "damp-mould"]
    assert result.earned_at == T0 + timedelta(days=1, hours=1)
    assert result.lacking == ()


def test_missing_says_which_scenario_is_lacking() -> None:
    result = evaluate_competency(PD, [attempt("council-tax-account")])
    assert result.status is CompetencyStatus.missing
    assert "damp-mould: not attempted yet" in result.lacking
    assert result.lacking[0] == "pass all 2 of its scenarios"
    assert [a.scenario_id for a in result.evidence] == ["council-tax-account"]


def test_practice_attempts_never_count() -> None:
    result = evaluate_competency(
        PD,
        [attempt("council-tax-account", mode="practice"), attempt("damp-mould", mode="practice")],
    )
    assert result.status is CompetencyStatus.missing
    assert "council-tax-account: practised only; needs an assessment" in result.lacking
    assert result.evidence == ()


def test_unfinished_assessment_does_not_count() -> None:
    result = evaluate_competency(
        PD, [attempt("council-tax-account", status="in_progress"), attempt("damp-mould")]
    )
    assert result.status is CompetencyStatus.missing
    assert "council-tax-account: assessment not finished" in result.lacking


def test_needs_a_trainers_sign_off() -> None:
    awaiting = evaluate_competency(
        PD, [attempt("council-tax-account", outcome=None), attempt("damp-mould")]
    )
    assert awaiting.status is CompetencyStatus.missing
    assert "council-tax-account: awaiting a trainer's sign-off" in awaiting.lacking
    not_yet = evaluate_competency(
        PD, [attempt("council-tax-account", outcome="not_yet"), attempt("damp-mould")]
    )
    assert "council-tax-account: trainer marked it not yet" in not_yet.lacking


def test_score_below_threshold_is_missing_with_the_score() -> None:
    result = evaluate_competency(
        PD, [attempt("council-tax-account", risk=60), attempt("damp-mould")]
    )
    assert result.status is CompetencyStatus.missing
    assert "council-tax-account: risk score 60 is below 75" in result.lacking


def test_threshold_is_inclusive() -> None:
    result = evaluate_competency(
        PD, [attempt("council-tax-account", risk=75), attempt("damp-mould")]
    )
    assert result.status is CompetencyStatus.earned


def test_override_that_drops_a_score_below_threshold_revokes() -> None:
    drop = OverrideFact(
        "risk", 50, 90, T0 + timedelta(days=3), reason="read out the account number"
    )
    result = evaluate_competency(
        PD, [attempt("council-tax-account", overrides=(drop,)), attempt("damp-mould")]
    )
    assert result.status is CompetencyStatus.revoked
    assert any(
        "after a trainer override (read out the account number)" in s for s in result.lacking
    )
    assert [a.scenario_id for a in result.evidence] == ["damp-mould"]


def test_override_that_raises_a_score_can_earn() -> None:
    lift = OverrideFact("risk", 80, 60, T0 + timedelta(days=3), reason="false alarm")
    result = evaluate_competency(
        PD, [attempt("council-tax-account", risk=60, overrides=(lift,)), attempt("damp-mould")]
    )
    assert result.status is CompetencyStatus.earned


def test_latest_override_wins() -> None:
    first = OverrideFact("risk", 40, 90, T0 + timedelta(days=3), reason="harsh")
    second = OverrideFact("risk", 85, 40, T0 + timedelta(days=4), reason="second look")
    result = evaluate_competency(
        PD, [attempt("council-tax-account", overrides=(second, first)), attempt("damp-mould")]
    )
    assert result.status is CompetencyStatus.earned


def test_a_serious_finding_of_the_competencys_rules_blocks_unless_overridden() -> None:
    leak = FindingFact("risk.personal-data.account-number", "risk", "error", "1234 5678")
    blocked = evaluate_competency(
        PD, [attempt("council-tax-account", findings=(leak,)), attempt("damp-mould")]
    )
    assert blocked.status is CompetencyStatus.missing
    assert any("risk.personal-data.account-number" in s for s in blocked.lacking)
    # a warning, or an error of another competency's rule, does not block
    other = FindingFact("risk.political.party", "risk", "error", "vote")
    warn = FindingFact("risk.personal-data.address", "risk", "warning", "12 High St")
    fine = evaluate_competency(
        PD, [attempt("council-tax-account", findings=(other, warn)), attempt("damp-mould")]
    )
    assert fine.status is CompetencyStatus.earned
    # a trainer who reviewed the risk score waives the finding
    waived = OverrideFact("risk", 90, 90, T0 + timedelta(days=2), reason="it was a council number")
    cleared = evaluate_competency(
        PD,
        [
            attempt("council-tax-account", findings=(leak,), overrides=(waived,)),
            attempt("damp-mould"),
        ],
    )
    assert cleared.status is CompetencyStatus.earned


def test_min_passed_and_most_recent_pass_is_evidence() -> None:
    result = evaluate_competency(
        PLAIN,
        [
            attempt("flu-jab", tone=50, day=0),
            attempt("flu-jab", tone=90, day=1, aid="old-pass"),
            attempt("flu-jab", tone=95, day=2, aid="new-pass"),
        ],
    )
    assert result.status is CompetencyStatus.earned
    assert [a.id for a in result.evidence] == ["new-pass"]


def test_passport_evaluates_every_competency_for_one_person_only() -> None:
    someone_else = AttemptFacts(
        id="x",
        profile_id="p2",
        scenario_id="flu-jab",
        mode="assessment",
        status="finished",
        started_at=T0,
        scores={"tone": 99},
        outcome="passed",
    )
    passport = evaluate_passport(
        FRAMEWORK,
        [attempt("gritting-potholes"), someone_else],
        profile_id="p1",
        name="Siân O'Neill",
        team="Highways",
    )
    statuses = {r.competency.id: r.status for r in passport.results}
    assert statuses == {
        "personal-data": CompetencyStatus.missing,
        "plain-english": CompetencyStatus.earned,
    }
    assert [r.competency.id for r in passport.earned] == ["plain-english"]


def test_median_from_minute_buckets_is_exact_for_distinct_minutes() -> None:
    from sandbox.reports.queries import median_from_buckets, median_mean_from_buckets

    values = [10.0, 30.0, 5.0, 20.0, 60.0, 20.4]
    buckets: dict[int, list[float]] = {}
    for v in values:
        b = buckets.setdefault(int(v), [0, 0.0])
        b[0] += 1
        b[1] += v
    rows = [(m, int(c), t) for m, (c, t) in buckets.items()]
    median, mean = median_mean_from_buckets(rows)
    assert median is not None and abs(median - 20.2) < 1  # true median 20.2; within a minute
    assert mean == sum(values) / len(values)
    assert median_from_buckets([(3, 1, 3.5)]) == 3.5
    assert median_from_buckets([]) is None
