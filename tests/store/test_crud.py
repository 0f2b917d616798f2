"""CRUD round-trips on both engines (the ``db`` fixture runs each test on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from sandbox.scenario.models import Family
from sandbox.scoring.types import Finding, ScoreCard, Severity
from sandbox.store import crud
from sandbox.store.models import AuditLog


def make_card(overall: int = 72, risk: int = 60) -> ScoreCard:
    return ScoreCard(
        scores={Family.risk: risk, Family.tone: 85, Family.timing: None, Family.action: 100},
        overall=overall,
        weights={Family.risk: 0.4, Family.tone: 0.3, Family.timing: 0.2, Family.action: 0.1},
        findings=(
            Finding(
                rule="risk.personal-data.phone",
                family=Family.risk,
                severity=Severity.error,
                start=10,
                end=21,
                match="07700 900123",
                message="A phone number in a public reply.",
                suggestion="Move it to a private message.",
                source="reply-rules §2",
                points=40.0,
            ),
            Finding(
                rule="tone.praise.empathy",
                family=Family.tone,
                severity=Severity.praise,
                start=0,
                end=5,
                match="Sorry",
                message="Acknowledges the problem.",
            ),
        ),
    )


def test_profile_round_trip(db):
    with db.session() as s:
        ann = crud.create_profile(s, name="  Ann Jones ", role="trainee", team="Cohort 3")
        crud.create_profile(s, name="Tom", role="trainer")
        crud.create_profile(s, name="Mo", role="manager")
    with db.session() as s:
        got = crud.get_profile(s, profile_id=ann.id)
        assert got is not None
        assert (got.name, got.role, got.team, got.archived) == (
            "Ann Jones",
            "trainee",
            "Cohort 3",
            False,
        )
        assert got.created_at.tzinfo is not None
        assert [p.name for p in crud.list_profiles(s)] == ["Ann Jones", "Mo", "Tom"]
        assert [p.name for p in crud.list_profiles(s, role="trainer")] == ["Tom"]
        assert crud.find_profile(s, name_or_id="ann jones").id == ann.id
        assert crud.find_profile(s, name_or_id=ann.id).id == ann.id
        assert crud.find_profile(s, name_or_id="nobody") is None
        crud.update_profile(s, profile_id=ann.id, archived=True, passphrase_hash="$argon2id$x")
        assert [p.name for p in crud.list_profiles(s)] == ["Mo", "Tom"]
        assert len(crud.list_profiles(s, include_archived=True)) == 3
        assert crud.get_profile(s, profile_id=ann.id).passphrase_hash == "$argon2id$x"


def test_invalid_values_are_refused_with_clear_messages(db):
    with db.session() as s:
        with pytest.raises(crud.InvalidValue, match="Role must be one of"):
            crud.create_profile(s, name="X", role="boss")
        with pytest.raises(crud.InvalidValue, match="needs a name"):
            crud.create_profile(s, name="  ")
        p = crud.create_profile(s, name="Ann")
        with pytest.raises(crud.NotFound):
            crud.start_attempt(s, profile_id="missing", scenario_id="s")
        a = crud.start_attempt(s, profile_id=p.id, scenario_id="s")
        with pytest.raises(crud.InvalidValue, match="Action must be one of"):
            crud.record_action(s, attempt_id=a.id, post_id="p", kind="shout")
        with pytest.raises(crud.NotFound):
            crud.record_action(s, attempt_id="missing", post_id="p", kind="reply")


def test_attempt_actions_findings_round_trip(db):
    card = make_card()
    with db.session() as s:
        p = crud.create_profile(s, name="Ann")
        a = crud.start_attempt(
            s,
            profile_id=p.id,
            scenario_id="flood-warning",
            scenario_title="Flood warning",
            scenario_version="3",
            scenario_hash="abc123",
            seed=42,
            mode="assessment",
        )
        r1 = crud.record_action(
            s,
            attempt_id=a.id,
            post_id="post-1",
            kind="reply",
            text="Sorry, call 07700 900123",
            sim_at_seconds=125.5,
            elapsed_minutes=12.0,
            target_minutes=30.0,
            score_card=card,
        )
        r2 = crud.record_action(
            s, attempt_id=a.id, post_id="post-2", kind="escalate", team="Highways", note="pothole"
        )
        crud.finish_attempt(
            s,
            attempt_id=a.id,
            score_overall=72,
            score_risk=60,
            score_tone=85,
            score_timing=None,
            score_action=100,
            sim_elapsed_seconds=3600.0,
        )
    assert (r1.seq, r2.seq) == (1, 2)
    with db.session() as s:
        got = crud.get_attempt(s, attempt_id=a.id)
        assert got is not None
        assert (got.status, got.mode, got.seed, got.score_overall, got.score_timing) == (
            "finished",
            "assessment",
            42,
            72,
            None,
        )
        assert got.ended_at is not None and got.ended_at >= got.started_at
        actions = crud.list_actions(s, attempt_id=a.id)
        assert [x.post_id for x in actions] == ["post-1", "post-2"]
        first = actions[0]
        assert (first.score_overall, first.score_risk, first.score_timing) == (72, 60, None)
        assert first.wall_at.tzinfo is not None
        assert crud.action_score_card(first) == card
        assert json.loads(first.score_card_json)["scores"]["overall"] == 72
        assert actions[1].team == "Highways" and actions[1].score_card_json is None
        findings = crud.list_findings(s, attempt_id=a.id)
        assert [f.rule for f in findings] == ["tone.praise.empathy", "risk.personal-data.phone"]
        phone = findings[1]
        assert (phone.start, phone.end, phone.match, phone.points) == (10, 21, "07700 900123", 40.0)
        assert phone.action_id == first.id


def test_drafts_autosave_and_clear_on_send(db):
    with db.session() as s:
        p = crud.create_profile(s, name="Ann")
        a = crud.start_attempt(s, profile_id=p.id, scenario_id="s")
        crud.save_draft(s, attempt_id=a.id, post_id="p1", text="Hel")
        crud.save_draft(s, attempt_id=a.id, post_id="p1", text="Hello")
        crud.save_draft(s, attempt_id=a.id, post_id="p2", text="Other")
    with db.session() as s:
        assert crud.get_drafts(s, attempt_id=a.id) == {"p1": "Hello", "p2": "Other"}
        crud.record_action(s, attempt_id=a.id, post_id="p1", kind="reply", text="Hello")
        assert crud.get_drafts(s, attempt_id=a.id) == {"p2": "Other"}
        crud.clear_draft(s, attempt_id=a.id, post_id="p2")
        assert crud.get_drafts(s, attempt_id=a.id) == {}


def test_resume_and_list_filters(db):
    t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with db.session() as s:
        ann = crud.create_profile(s, name="Ann", team="A")
        bob = crud.create_profile(s, name="Bob", team="B")
        old = crud.start_attempt(s, profile_id=ann.id, scenario_id="flood", started_at=t0)
        new = crud.start_attempt(
            s, profile_id=ann.id, scenario_id="bins", started_at=t0 + timedelta(days=1)
        )
        crud.start_attempt(s, profile_id=bob.id, scenario_id="flood", started_at=t0)
        assert crud.find_resumable_attempt(s, profile_id=ann.id).id == new.id
        assert crud.find_resumable_attempt(s, profile_id=ann.id, scenario_id="flood").id == old.id
        crud.abandon_attempt(s, attempt_id=new.id)
        crud.finish_attempt(s, attempt_id=old.id, score_overall=50)
        assert crud.find_resumable_attempt(s, profile_id=ann.id) is None
        assert [x.id for x in crud.list_attempts(s, profile_id=ann.id)] == [new.id, old.id]
        assert len(crud.list_attempts(s, scenario_id="flood")) == 2
        assert len(crud.list_attempts(s, team="B")) == 1
        assert len(crud.list_attempts(s, status="finished")) == 1
        assert [x.id for x in crud.list_attempts(s, since=t0 + timedelta(hours=1))] == [new.id]
        assert len(crud.list_attempts(s, until=t0 + timedelta(hours=1))) == 2


def test_review_overrides_comments_and_audit(db):
    with db.session() as s:
        ann = crud.create_profile(s, name="Ann")
        tom = crud.create_profile(s, name="Tom", role="trainer")
        a = crud.start_attempt(s, profile_id=ann.id, scenario_id="s")
        act = crud.record_action(
            s, attempt_id=a.id, post_id="p", kind="reply", text="x", score_card=make_card()
        )
        crud.finish_attempt(s, attempt_id=a.id, score_overall=72, score_risk=60)
        with pytest.raises(crud.InvalidValue, match="reason"):
            crud.add_override(
                s, attempt_id=a.id, family="risk", new=90, reason=" ", reviewer_id=tom.id
            )
        ov = crud.add_override(
            s,
            attempt_id=a.id,
            action_id=act.id,
            family="risk",
            new=90,
            reason="The number is the council's public switchboard.",
            reviewer_id=tom.id,
        )
        assert ov.original == 60
        crud.add_override(
            s, attempt_id=a.id, family="overall", new=80, reason="Follows", reviewer_id=tom.id
        )
        crud.add_comment(s, attempt_id=a.id, author_id=tom.id, text="Good empathy.")
        crud.add_comment(s, attempt_id=a.id, action_id=act.id, author_id=tom.id, text="Nice.")
        crud.set_review(s, attempt_id=a.id, reviewed=True, outcome="passed", reviewer_id=tom.id)
    with db.session() as s:
        assert crud.effective_scores(s, attempt_id=a.id)["overall"] == 80
        assert crud.effective_scores(s, attempt_id=a.id, action_id=act.id)["risk"] == 90
        assert [c.text for c in crud.list_comments(s, attempt_id=a.id)] == [
            "Good empathy.",
            "Nice.",
        ]
        got = crud.get_attempt(s, attempt_id=a.id)
        assert (got.reviewed, got.outcome) == (True, "passed")
        events = [e.event for e in crud.list_audit(s, actor_id=tom.id)]
        assert sorted(events) == sorted(
            [
                "score.override",
                "score.override",
                "comment.added",
                "comment.added",
                "attempt.reviewed",
            ]
        )
        entry = crud.list_audit(s, target_id=act.id, events=["score.override"])[0]
        assert json.loads(entry.details_json)["reason"].startswith("The number")
        row = crud.audit(s, event="transcript.exported", target_type="attempt", target_id=a.id)
        assert isinstance(row, AuditLog) and row.at.tzinfo is not None


def test_naive_datetimes_are_refused(db):
    with db.session() as s:
        p = crud.create_profile(s, name="Ann")
        with pytest.raises(Exception, match="naive datetime"):
            crud.start_attempt(s, profile_id=p.id, scenario_id="s", started_at=datetime(2026, 1, 1))


def test_user_text_is_stored_verbatim(db):
    """Quotes, SQL-looking text and non-ASCII go through bound parameters untouched."""
    nasty = "Robert'); DROP TABLE attempt;-- « café » 🚒 \\ %"
    with db.session() as s:
        p = crud.create_profile(s, name=nasty)
        a = crud.start_attempt(s, profile_id=p.id, scenario_id="s")
        crud.record_action(s, attempt_id=a.id, post_id="p", kind="reply", text=nasty)
    with db.session() as s:
        assert crud.find_profile(s, name_or_id=nasty).id == p.id
        assert crud.list_actions(s, attempt_id=a.id)[0].text == nasty
