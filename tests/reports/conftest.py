"""Fixtures for report tests: a fresh database on SQLite (and PostgreSQL when given) with a
small, hand-made set of attempts whose figures the tests can work out by hand."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sandbox.reports.framework import Framework, parse_framework
from sandbox.scenario.models import Family
from sandbox.scoring.types import Finding, ScoreCard, Severity
from sandbox.store import crud
from sandbox.store.db import Database, open_database

PG_URL = os.environ.get("SANDBOX_TEST_PG_URL")
BASE = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday
AWKWARD_REPLY = 'Sorry, Siân — we\'ll "fix" it,\nthen call 0300 123 4567 🙂'


def _pg_schema_url(name: str) -> str:
    import psycopg

    plain = PG_URL.replace("postgresql+psycopg://", "postgresql://")  # type: ignore[union-attr]
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    sep = "&" if "?" in PG_URL else "?"  # type: ignore[operator]
    return f"{PG_URL}{sep}options=-csearch_path%3D{name}"


def _drop_pg_schema(name: str) -> None:
    import psycopg

    plain = PG_URL.replace("postgresql+psycopg://", "postgresql://")  # type: ignore[union-attr]
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{name}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def report_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        db = open_database(f"sqlite:///{tmp_path / 'reports.db'}")
        yield db
        db.close()
        return
    if not PG_URL:
        pytest.skip("PostgreSQL not given: set SANDBOX_TEST_PG_URL to run this on PostgreSQL")
    schema = "reports_" + uuid.uuid4().hex[:10]
    db = open_database(_pg_schema_url(schema))
    try:
        yield db
    finally:
        db.close()
        _drop_pg_schema(schema)


def card(
    *,
    overall: int,
    risk: int,
    tone: int,
    timing: int | None = 80,
    findings: tuple[Finding, ...] = (),
) -> ScoreCard:
    return ScoreCard(
        scores={Family.risk: risk, Family.tone: tone, Family.timing: timing, Family.action: 100},
        overall=overall,
        weights={Family.risk: 0.4, Family.tone: 0.3, Family.timing: 0.2, Family.action: 0.1},
        findings=findings,
    )


def finding(rule: str, match: str, severity: Severity = Severity.error) -> Finding:
    return Finding(
        rule=rule,
        family=Family(rule.split(".")[0]),
        severity=severity,
        start=0,
        end=len(match),
        match=match,
        message=f"Message for {rule}.",
        points=40.0,
    )


PHONE = "risk.personal-data.phone"
POLITICAL = "risk.political.party"


@dataclass
class Sample:
    ann: str
    bob: str
    cat: str
    trainer: str
    manager: str
    ann_tax: str  # Ann's council-tax assessment, signed off, later overridden down
    bob_tax: str


@pytest.fixture
def sample(report_db: Database) -> Sample:
    """Three trainees in two teams.

    - Ann (Highways): council-tax-account assessment, risk 90, signed off; damp-mould assessment
      signed off; a practice attempt on flu-jab the week after. Replies at 10 and 30 minutes.
    - Bob (Highways): council-tax-account assessment with a phone-number finding (risk 50),
      not yet; reply at 20 minutes with awkward text.
    - Cat (Housing): one unfinished practice attempt; reply at 60 minutes.
    """
    with report_db.session() as s:
        trainer = crud.create_profile(s, name="Tess Trainer", role="trainer")
        manager = crud.create_profile(s, name="Mo Manager", role="manager")
        ann = crud.create_profile(s, name="Ann Jones", role="trainee", team="Highways")
        bob = crud.create_profile(s, name="Bob Ali", role="trainee", team="Highways")
        cat = crud.create_profile(s, name="Cat Ng", role="trainee", team="Housing")

        def run(
            pid: str,
            scenario: str,
            mode: str,
            day: int,
            replies: list[tuple[str, float, ScoreCard]],
            scores: ScoreCard | None,
            finish: bool = True,
        ) -> str:
            at = BASE + timedelta(days=day)
            a = crud.start_attempt(
                s,
                profile_id=pid,
                scenario_id=scenario,
                scenario_title=scenario.replace("-", " ").title(),
                mode=mode,
                started_at=at,
            )
            for i, (text, minutes, c) in enumerate(replies):
                crud.record_action(
                    s,
                    attempt_id=a.id,
                    post_id=f"post-{i}",
                    kind="reply",
                    text=text,
                    elapsed_minutes=minutes,
                    target_minutes=60,
                    score_card=c,
                    wall_at=at + timedelta(minutes=minutes),
                )
            if finish and scores is not None:
                crud.finish_attempt(
                    s,
                    attempt_id=a.id,
                    score_overall=scores.overall,
                    score_risk=scores.scores[Family.risk],
                    score_tone=scores.scores[Family.tone],
                    score_timing=scores.scores[Family.timing],
                    score_action=scores.scores[Family.action],
                    ended_at=at + timedelta(hours=1),
                )
            return a.id

        good = card(overall=88, risk=90, tone=85)
        ann_tax = run(
            ann.id,
            "council-tax-account",
            "assessment",
            0,
            [("Thanks for telling us. Please send us a private message.", 10, good)],
            good,
        )
        crud.set_review(
            s, attempt_id=ann_tax, reviewed=True, outcome="passed", reviewer_id=trainer.id
        )
        ann_damp = run(
            ann.id,
            "damp-mould",
            "assessment",
            1,
            [("We're sorry about the damp. Please DM us your address.", 30, good)],
            good,
        )
        crud.set_review(
            s, attempt_id=ann_damp, reviewed=True, outcome="passed", reviewer_id=trainer.id
        )
        run(
            ann.id,
            "flu-jab",
            "practice",
            7,
            [("Book your jab at the pharmacy.", 5, card(overall=70, risk=100, tone=60))],
            card(overall=70, risk=100, tone=60),
        )

        bad = card(overall=55, risk=50, tone=70, findings=(finding(PHONE, "07700 900123"),))
        bob_tax = run(
            bob.id, "council-tax-account", "assessment", 2, [(AWKWARD_REPLY, 20, bad)], bad
        )
        crud.set_review(
            s, attempt_id=bob_tax, reviewed=True, outcome="not_yet", reviewer_id=trainer.id
        )

        pol = card(
            overall=60,
            risk=55,
            tone=80,
            findings=(
                finding(POLITICAL, "vote Labour"),
                finding(PHONE, "01632 960 000", Severity.warning),
            ),
        )
        run(
            cat.id,
            "pre-election-share",
            "practice",
            3,
            [("Please vote Labour, call 01632 960 000", 60, pol)],
            None,
            finish=False,
        )
    return Sample(ann.id, bob.id, cat.id, trainer.id, manager.id, ann_tax, bob_tax)


@pytest.fixture
def framework() -> Framework:
    return parse_framework(
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
                    "scenarios": ["flu-jab"],
                    "threshold": 70,
                },
            ],
        }
    )
