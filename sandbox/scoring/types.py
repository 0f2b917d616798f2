"""Result types of the scorer: what every other layer (UI, store, reports) consumes.

Kept small and plain (frozen dataclasses) so they serialise to JSON and to the database as-is.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from sandbox.scenario.models import ActionKind, Expectation, Family, PlatformKind

__all__ = ["ActionKind", "Family", "Finding", "ScoreCard", "ScoringContext", "Severity"]


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"
    praise = "praise"  # something done well: costs nothing, shown to trainers


@dataclass(frozen=True, slots=True)
class Finding:
    """One explainable observation about a response, like a linter message.

    ``start``/``end`` are character offsets into the reply text (0/0 when the finding is about
    the response as a whole, e.g. timing or action). ``points`` is what it cost its family.
    """

    rule: str  # stable namespaced id, e.g. "risk.personal-data.phone"
    family: Family
    severity: Severity
    start: int
    end: int
    match: str
    message: str
    suggestion: str | None = None
    source: str | None = None  # the guidance it comes from
    points: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["family"] = self.family.value
        d["severity"] = self.severity.value
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        return cls(
            rule=d["rule"],
            family=Family(d["family"]),
            severity=Severity(d["severity"]),
            start=int(d["start"]),
            end=int(d["end"]),
            match=d.get("match", ""),
            message=d["message"],
            suggestion=d.get("suggestion"),
            source=d.get("source"),
            points=float(d.get("points", 0.0)),
        )


@dataclass(frozen=True, slots=True)
class ScoreCard:
    """0–100 per family and overall. ``None`` for a family that does not apply
    (e.g. action when no expectation is known). Every point lost traces to a finding."""

    scores: dict[Family, int | None]
    overall: int
    weights: dict[Family, float]
    findings: tuple[Finding, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "scores": {f.value: s for f, s in self.scores.items()} | {"overall": self.overall},
            "weights": {f.value: w for f, w in self.weights.items()},
            "findings": [f.to_dict() for f in self.findings],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ScoreCard:
        scores = {Family(k): v for k, v in d["scores"].items() if k != "overall"}
        return cls(
            scores=scores,
            overall=int(d["scores"]["overall"]),
            weights={Family(k): float(v) for k, v in d["weights"].items()},
            findings=tuple(Finding.from_dict(f) for f in d["findings"]),
        )


@dataclass(frozen=True, slots=True)
class ScoringContext:
    """Everything about the situation a response is judged in, besides its text."""

    post_text: str
    action: ActionKind = ActionKind.reply
    team: str | None = None  # for escalate
    elapsed_minutes: float | None = None  # office-time minutes from post to response
    target_minutes: float | None = None
    pre_election: bool = False
    platform: PlatformKind = PlatformKind.microblog
    char_limit: int = 280
    author_kind: str | None = None  # persona kind of the post's author (troll, journalist, …)
    expectation: Expectation | None = None
    disabled_rules: frozenset[str] = field(default_factory=frozenset)
    severity_overrides: dict[str, str] = field(default_factory=dict)
    allow_words: tuple[str, ...] = ()
    # The organisation's own contact details: never flagged as personal data.
    org_phone_numbers: tuple[str, ...] = ()
    org_email_domains: tuple[str, ...] = ()
