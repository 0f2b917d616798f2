"""Digital Passport evaluation: pure functions over plain attempt records.

Why pure: whether a person may speak for the council is a decision managers must be able to
trust and trainers must be able to explain, so the rules live in one small place, take plain
data (no database, no Qt) and are tested case by case.

The rules, per competency:
- only *finished* attempts in *assessment* mode count (practice is for learning);
- an attempt passes a scenario when its competency score (the lowest of the competency's family
  scores, after trainer overrides) is at or above the threshold, no serious finding of the
  competency's rules stands (a trainer override of that family waives it, as a trainer's
  judgement), and a trainer signed it off (review outcome "passed");
- the competency is earned when at least ``min_passed`` of its scenarios are passed;
- it is *revoked* when it would be earned on the scores as scored, but a trainer's override
  lowered a score below the threshold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sandbox.reports.framework import Competency, Framework

__all__ = [
    "AttemptFacts",
    "CompetencyResult",
    "CompetencyStatus",
    "FindingFact",
    "OverrideFact",
    "Passport",
    "ScenarioCheck",
    "effective_scores",
    "evaluate_competency",
    "evaluate_passport",
    "is_earned",
]

ASSESSMENT = "assessment"
FINISHED = "finished"
PASSED = "passed"


class CompetencyStatus(StrEnum):
    earned = "earned"
    missing = "missing"
    revoked = "revoked"


@dataclass(frozen=True)
class OverrideFact:
    """A trainer's change to one attempt-level score (``family`` may be "overall")."""

    family: str
    new: int
    original: int | None
    at: datetime
    reason: str = ""
    reviewer: str = ""


@dataclass(frozen=True)
class FindingFact:
    rule: str
    family: str
    severity: str
    match: str = ""


@dataclass(frozen=True)
class AttemptFacts:
    """What the passport needs to know about one attempt, as plain values."""

    id: str
    profile_id: str
    scenario_id: str
    mode: str
    status: str
    started_at: datetime
    scores: Mapping[str, int | None]  # family value (and "overall") -> score as scored
    scenario_title: str = ""
    ended_at: datetime | None = None
    overrides: tuple[OverrideFact, ...] = ()
    findings: tuple[FindingFact, ...] = ()
    reviewed: bool = False
    outcome: str | None = None


@dataclass(frozen=True)
class ScenarioCheck:
    """How one attempt (or the lack of one) stands against one competency's scenario."""

    scenario_id: str
    passed: bool
    attempt: AttemptFacts | None
    score: int | None
    reason: str  # what is lacking, or how it passed


@dataclass(frozen=True)
class CompetencyResult:
    competency: Competency
    status: CompetencyStatus
    checks: tuple[ScenarioCheck, ...]
    lacking: tuple[str, ...]
    earned_at: datetime | None = None

    @property
    def evidence(self) -> tuple[AttemptFacts, ...]:
        """The attempts that count towards this competency."""
        return tuple(c.attempt for c in self.checks if c.passed and c.attempt is not None)


@dataclass(frozen=True)
class Passport:
    profile_id: str
    name: str
    team: str | None
    title: str
    results: tuple[CompetencyResult, ...] = field(default_factory=tuple)

    def with_status(self, status: CompetencyStatus) -> tuple[CompetencyResult, ...]:
        return tuple(r for r in self.results if r.status is status)

    @property
    def earned(self) -> tuple[CompetencyResult, ...]:
        return self.with_status(CompetencyStatus.earned)


def effective_scores(
    attempt: AttemptFacts, *, ignore_lowering: bool = False
) -> dict[str, int | None]:
    """Scores after trainer overrides, latest override per family winning.

    ``ignore_lowering`` skips overrides that lowered a score: used to tell "revoked" from
    "never earned".
    """
    scores = dict(attempt.scores)
    for ov in sorted(attempt.overrides, key=lambda o: o.at):
        current = scores.get(ov.family)
        if ignore_lowering and current is not None and ov.new < current:
            continue
        scores[ov.family] = ov.new
    return scores


def _competency_score(
    competency: Competency, scores: Mapping[str, int | None]
) -> tuple[int | None, str]:
    """Lowest of the competency's family scores, and which family it was."""
    lowest: tuple[int, str] | None = None
    for fam in competency.families:
        s = scores.get(fam.value)
        if s is None:
            continue
        if lowest is None or s < lowest[0]:
            lowest = (s, fam.value)
    if lowest is None:
        return None, ""
    return lowest


def _blocking(
    competency: Competency, attempt: AttemptFacts, *, ignore_lowering: bool
) -> list[FindingFact]:
    overridden = {
        o.family
        for o in attempt.overrides
        if not (ignore_lowering and o.original is not None and o.new < o.original)
    }
    return [
        f
        for f in attempt.findings
        if f.severity == "error" and competency.covers_rule(f.rule) and f.family not in overridden
    ]


def _check_attempt(
    competency: Competency, attempt: AttemptFacts, *, ignore_lowering: bool
) -> ScenarioCheck:
    scores = effective_scores(attempt, ignore_lowering=ignore_lowering)
    score, family = _competency_score(competency, scores)
    sid = attempt.scenario_id
    if score is None:
        return ScenarioCheck(
            sid,
            False,
            attempt,
            None,
            "no score for " + "/".join(f.value for f in competency.families),
        )
    if score < competency.threshold:
        lowered = [
            o
            for o in attempt.overrides
            if o.family == family and o.original is not None and o.new < o.original
        ]
        why = f"{family} score {score} is below {competency.threshold}"
        if lowered and not ignore_lowering:
            why += f" after a trainer override ({lowered[-1].reason or 'no reason given'})"
        return ScenarioCheck(sid, False, attempt, score, why)
    blocking = _blocking(competency, attempt, ignore_lowering=ignore_lowering)
    if blocking:
        rules = ", ".join(sorted({f.rule for f in blocking}))
        return ScenarioCheck(sid, False, attempt, score, f"serious finding not cleared: {rules}")
    if attempt.outcome != PASSED:
        why = "trainer marked it not yet" if attempt.outcome else "awaiting a trainer's sign-off"
        return ScenarioCheck(sid, False, attempt, score, why)
    return ScenarioCheck(sid, True, attempt, score, f"passed with {score}, signed off")


def _check_scenario(
    competency: Competency,
    scenario_id: str,
    attempts: list[AttemptFacts],
    *,
    ignore_lowering: bool,
) -> ScenarioCheck:
    mine = [a for a in attempts if a.scenario_id == scenario_id]
    if not mine:
        return ScenarioCheck(scenario_id, False, None, None, "not attempted yet")
    assessed = [a for a in mine if a.mode == ASSESSMENT and a.status == FINISHED]
    if not assessed:
        if any(a.mode == ASSESSMENT for a in mine):
            return ScenarioCheck(scenario_id, False, None, None, "assessment not finished")
        return ScenarioCheck(scenario_id, False, None, None, "practised only; needs an assessment")
    checks = [_check_attempt(competency, a, ignore_lowering=ignore_lowering) for a in assessed]
    passing = [c for c in checks if c.passed]
    if passing:  # the most recent pass is the evidence
        return max(passing, key=lambda c: c.attempt.started_at if c.attempt else datetime.min)
    return max(checks, key=lambda c: c.attempt.started_at if c.attempt else datetime.min)


def _evaluate(
    competency: Competency, attempts: list[AttemptFacts], *, ignore_lowering: bool
) -> tuple[bool, tuple[ScenarioCheck, ...]]:
    checks = tuple(
        _check_scenario(competency, s, attempts, ignore_lowering=ignore_lowering)
        for s in competency.scenarios
    )
    return sum(c.passed for c in checks) >= competency.min_passed, checks


def is_earned(competency: Competency, attempts: Iterable[AttemptFacts]) -> bool:
    """Whether the competency is earned (cheaper than :func:`evaluate_competency`)."""
    return _evaluate(competency, list(attempts), ignore_lowering=False)[0]


def evaluate_competency(
    competency: Competency, attempts: Iterable[AttemptFacts]
) -> CompetencyResult:
    """Earned, missing or revoked, with the checks per scenario and what is lacking."""
    items = list(attempts)
    earned, checks = _evaluate(competency, items, ignore_lowering=False)
    passed = [c for c in checks if c.passed]
    if earned:
        ends = [c.attempt.ended_at or c.attempt.started_at for c in passed if c.attempt]
        return CompetencyResult(
            competency, CompetencyStatus.earned, checks, (), max(ends) if ends else None
        )
    need = competency.min_passed - len(passed)
    n = len(competency.scenarios)
    if competency.min_passed < n:
        lacking = [f"pass {need} more of its {n} scenarios"]
    else:
        lacking = ["pass its scenario" if n == 1 else f"pass all {n} of its scenarios"]
    lacking += [f"{c.scenario_id}: {c.reason}" for c in checks if not c.passed]
    would_earn, _ = _evaluate(competency, items, ignore_lowering=True)
    status = CompetencyStatus.revoked if would_earn else CompetencyStatus.missing
    return CompetencyResult(competency, status, checks, tuple(lacking))


def evaluate_passport(
    framework: Framework,
    attempts: Iterable[AttemptFacts],
    *,
    profile_id: str,
    name: str,
    team: str | None = None,
) -> Passport:
    """One person's passport: every competency of the framework evaluated on their attempts."""
    mine = [a for a in attempts if a.profile_id == profile_id]
    results = tuple(evaluate_competency(c, mine) for c in framework.competencies)
    return Passport(
        profile_id=profile_id, name=name, team=team, title=framework.title, results=results
    )
