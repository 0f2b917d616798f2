"""Small scenarios built in code, so the timeline tests depend on no scenario files.

Imported by the tests as ``timeline_factory`` (pytest puts this folder on sys.path).
"""

from __future__ import annotations

import copy
from typing import Any

from sandbox.scenario.models import Family, Scenario
from sandbox.scoring.types import ScoreCard

# Thursday 15 January 2026, 10:00 GMT: office hours (08:30–17:30, Mon–Fri) all morning.
THURSDAY_10AM = "2026-01-15T10:00:00+00:00"

BASE: dict[str, Any] = {
    "id": "timeline-test",
    "title": "Timeline test",
    "summary": "A small scenario for engine tests.",
    "objectives": ["Answer people"],
    "duration_minutes": 120,
    "account": {"name": "Anytown Council", "handle": "@anytowncouncil"},
    "clock": {"start": THURSDAY_10AM},
    "personas": [
        {"id": "resident", "name": "Sam Resident", "handle": "@samres"},
        {"id": "troll", "name": "Angry Andy", "handle": "@angryandy", "kind": "troll"},
        {"id": "journo", "name": "Jo Reporter", "handle": "@joreports", "kind": "journalist"},
    ],
    "posts": [
        {
            "id": "bins",
            "at": "+00:05",
            "author": "resident",
            "text": "My bins weren't collected again this week.",
            "expect": {"action": "reply"},
        },
        {
            "id": "rant",
            "at": "+00:10",
            "author": "troll",
            "text": "Useless council, all of you.",
            "expect": {"action": ["leave", "hide"]},
        },
        {
            "id": "flood",
            "at": "+00:20",
            "author": "resident",
            "text": "Water coming into the house on Mill Lane!",
            "priority": "emergency",
            "expect": {"action": ["reply", "escalate"], "team": "emergency_planning"},
        },
    ],
}


def build(**overrides: Any) -> Scenario:
    """BASE with top-level keys replaced (deep-copied so tests cannot leak into each other)."""
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(overrides))
    return Scenario.model_validate(data)


def card(overall: int, **families: int | None) -> ScoreCard:
    """A score card with the given overall score and family scores (others 100)."""
    scores: dict[Family, int | None] = {f: 100 for f in Family}
    scores.update({Family(k): v for k, v in families.items()})
    return ScoreCard(scores=scores, overall=overall, weights={f: 1.0 for f in Family})
