"""Manager queries give the right figures on both engines (small data, worked by hand)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from sandbox.scenario.models import Family
from sandbox.scoring.types import Finding, ScoreCard, Severity
from sandbox.store import crud, queries

MON = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def risk_card(overall: int, *rules: str) -> ScoreCard:
    return ScoreCard(
        scores={Family.risk: overall, Family.tone: 50, Family.timing: 100, Family.action: None},
        overall=overall,
        weights={Family.risk: 1.0},
        findings=tuple(
            Finding(
                rule=r,
                family=Family.risk,
                severity=Severity.error,
                start=0,
                end=3,
                match=f"m-{r}",
                message=f"message {r}",
            )
            for r in rules
        ),
    )


@pytest.fixture
def data(db):
    """Ann (team A): two finished flood attempts, weeks apart; Bob (team B): one bins attempt."""
    with db.session() as s:
        ann = crud.create_profile(s, name="Ann", team="A")
        bob = crud.create_profile(s, name="Bob", team="B")
        a1 = crud.start_attempt(
            s, profile_id=ann.id, scenario_id="flood", scenario_title="Flood", started_at=MON
        )
        # week 1: three posts answered at 10, 40 and (twice) 20/60 minutes
        for post, minutes, score, rules in [
            ("p1", 10, 40, ("risk.phone",)),
            ("p2", 40, 60, ("risk.phone", "risk.politics")),
            ("p3", 20, 80, ()),
            ("p3", 60, 100, ()),  # a second response to p3 does not change its first-reply time
        ]:
            crud.record_action(
                s,
                attempt_id=a1.id,
                post_id=post,
                kind="reply",
                text=f"reply to {post}",
                elapsed_minutes=minutes,
                score_card=risk_card(score, *rules),
                wall_at=MON + timedelta(hours=1),
            )
        crud.record_action(
            s, attempt_id=a1.id, post_id="p4", kind="like", elapsed_minutes=1, wall_at=MON
        )
        crud.finish_attempt(s, attempt_id=a1.id, score_overall=60)
        later = MON + timedelta(days=15)  # Tuesday two weeks later
        a2 = crud.start_attempt(s, profile_id=ann.id, scenario_id="flood", started_at=later)
        crud.record_action(
            s,
            attempt_id=a2.id,
            post_id="p1",
            kind="private_message",
            elapsed_minutes=5,
            score_card=risk_card(90),
            wall_at=later,
        )
        crud.finish_attempt(s, attempt_id=a2.id, score_overall=90)
        b1 = crud.start_attempt(
            s, profile_id=bob.id, scenario_id="bins", started_at=MON + timedelta(days=6)
        )
        for post, minutes in [("p1", 5), ("p2", 15)]:
            crud.record_action(
                s,
                attempt_id=b1.id,
                post_id=post,
                kind="escalate",
                team="Waste",
                elapsed_minutes=minutes,
                score_card=risk_card(70, "risk.phone"),
                wall_at=MON + timedelta(days=6, hours=2),  # Sunday: still week 1
            )
    return {"ann": ann, "bob": bob, "a1": a1, "a2": a2, "b1": b1}


def test_attempts_per_scenario(db, data):
    with db.session() as s:
        rows = queries.attempts_per_scenario(s)
        assert [(r.scenario_id, r.attempts, r.finished, r.people) for r in rows] == [
            ("flood", 2, 2, 1),
            ("bins", 1, 0, 1),
        ]
        assert rows[0].title == "Flood" and rows[0].average_overall == 75.0
        assert [r.scenario_id for r in queries.attempts_per_scenario(s, team="B")] == ["bins"]
        assert queries.attempts_per_scenario(s, since=MON + timedelta(days=7))[0].attempts == 1


def test_attempts_per_period(db, data):
    with db.session() as s:
        assert queries.attempts_per_period(s) == [(date(2026, 3, 2), 2), (date(2026, 3, 16), 1)]
        assert queries.attempts_per_period(s, period="month") == [(date(2026, 3, 1), 3)]
        assert queries.attempts_per_period(s, scenario_id="bins") == [(date(2026, 3, 2), 1)]


def test_weekly_family_scores(db, data):
    with db.session() as s:
        weeks = queries.weekly_family_scores(s)
        assert [w.week_start for w in weeks] == [date(2026, 3, 2), date(2026, 3, 16)]
        first = weeks[0]
        # week 1: Ann's 4 scored replies (40, 60, 80, 100) and Bob's two 70s
        assert first.replies == 6
        assert first.overall == pytest.approx((40 + 60 + 80 + 100 + 70 + 70) / 6, abs=0.01)
        assert first.tone == 50 and first.timing == 100 and first.action is None
        assert weeks[1].overall == 90
        only_b = queries.weekly_family_scores(s, team="B")
        assert [(w.replies, w.overall) for w in only_b] == [(2, 70)]


def test_first_reply_times(db, data):
    with db.session() as s:
        rows = {r.name: r for r in queries.first_reply_times(s)}
        # Ann: first responses 10, 40, 20 (week 1) and 5 (week 3) → median 15, mean 18.75
        assert (rows["Ann"].posts_answered, rows["Ann"].median_minutes) == (4, 15.0)
        assert rows["Ann"].mean_minutes == 18.75
        assert (rows["Bob"].posts_answered, rows["Bob"].median_minutes) == (2, 10.0)
        until = MON + timedelta(days=7)
        ann_week1 = next(r for r in queries.first_reply_times(s, until=until) if r.name == "Ann")
        assert (ann_week1.posts_answered, ann_week1.median_minutes) == (3, 20.0)


def test_top_risk_findings(db, data):
    with db.session() as s:
        top = queries.top_risk_findings(s, examples=2)
        assert [(t.rule, t.count, t.people) for t in top] == [
            ("risk.phone", 4, 2),
            ("risk.politics", 1, 1),
        ]
        phone = top[0]
        assert phone.message == "message risk.phone"
        assert len(phone.examples) == 2
        # latest attempt first: Bob's (started on the Sunday) before Ann's
        assert phone.examples[0].person == "Bob" and phone.examples[0].match == "m-risk.phone"
        assert phone.examples[0].at.tzinfo is not None
        assert queries.top_risk_findings(s, team="A", limit=1)[0].count == 2


def test_people_and_person_progress(db, data):
    with db.session() as s:
        people = {p.name: p for p in queries.people_progress(s)}
        ann = people["Ann"]
        assert (ann.attempts, ann.finished, ann.first_overall, ann.average_overall) == (
            2,
            2,
            60,
            75,
        )
        assert ann.best_overall == 90 and ann.last_attempt_at == MON + timedelta(days=15)
        assert (people["Bob"].finished, people["Bob"].average_overall) == (0, None)
        points = queries.person_progress(s, profile_id=data["ann"].id)
        assert [(p.scenario_id, p.overall) for p in points] == [("flood", 60), ("flood", 90)]
        assert points[0].started_at == MON
