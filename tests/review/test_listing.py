"""The review list query: filters, sorting by (overridden) score, paging, permissions."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from sandbox.auth import PermissionDenied
from sandbox.review import actions
from sandbox.review.listing import (
    ReviewFilter,
    ReviewStatus,
    SortKey,
    count_attempts,
    fetch_page,
    filter_choices,
)

from .helpers import make_attempt, make_trainee, make_trainer


@pytest.fixture
def people(session: Session) -> dict[str, object]:
    trainer = make_trainer(session)
    ann = make_trainee(session, "Ann Ashby", "Team North")
    bob = make_trainee(session, "Bob Barker", "Team South")
    a1 = make_attempt(session, ann, score=80, day=0)
    a2 = make_attempt(session, ann, score=40, day=2, mode="assessment")
    b1 = make_attempt(session, bob, score=60, day=1, scenario_id="gritting", title="Gritting")
    make_attempt(session, bob, day=3, finished=False)
    return {"trainer": trainer, "ann": ann, "bob": bob, "a1": a1, "a2": a2, "b1": b1}


def ids(rows: list) -> list[str]:
    return [r.attempt_id for r in rows]


def test_filters(session: Session, people: dict) -> None:
    t = people["trainer"]
    everything = ReviewFilter()
    assert count_attempts(session, t, everything) == 3  # the unfinished one is left out
    assert count_attempts(session, t, ReviewFilter(include_in_progress=True)) == 4
    ann = ReviewFilter(trainee_id=people["ann"].id)
    assert set(ids(fetch_page(session, t, ann))) == {people["a1"].id, people["a2"].id}
    assert ids(fetch_page(session, t, ReviewFilter(scenario_id="gritting"))) == [people["b1"].id]
    assert ids(fetch_page(session, t, ReviewFilter(mode="assessment"))) == [people["a2"].id]
    assert ids(fetch_page(session, t, ReviewFilter(team="Team South"))) == [people["b1"].id]
    days = ReviewFilter(date_from=date(2026, 2, 10), date_to=date(2026, 2, 11))
    assert set(ids(fetch_page(session, t, days))) == {people["a2"].id, people["b1"].id}
    choices = filter_choices(session, t)
    assert [name for _, name, _ in choices.trainees] == ["Ann Ashby", "Bob Barker"]
    assert {sid for sid, _ in choices.scenarios} == {"flood-rumours", "gritting"}


def test_review_status_and_sort_by_effective_score(session: Session, people: dict) -> None:
    t = people["trainer"]
    by_score = ReviewFilter(sort=SortKey.score, descending=True)
    assert ids(fetch_page(session, t, by_score)) == [
        people["a1"].id,
        people["b1"].id,
        people["a2"].id,
    ]
    actions.override_score(
        session,
        reviewer=t,
        attempt_id=people["a2"].id,
        family="overall",
        new=95,
        reason="The reply was right for this resident; the rule misfired.",
    )
    actions.mark_reviewed(session, reviewer=t, attempt_id=people["a2"].id, outcome="passed")
    rows = fetch_page(session, t, by_score)
    assert ids(rows)[0] == people["a2"].id
    assert rows[0].score_overall == 95 and rows[0].original_overall == 40 and rows[0].overridden
    ascending = fetch_page(session, t, by_score.sorted_by(SortKey.score, False))
    assert ids(ascending)[0] == people["b1"].id
    passed = ReviewFilter(review_status=ReviewStatus.passed)
    assert ids(fetch_page(session, t, passed)) == [people["a2"].id]
    todo = ReviewFilter(review_status=ReviewStatus.unreviewed)
    assert count_attempts(session, t, todo) == 2


def test_paging(session: Session, people: dict) -> None:
    t = people["trainer"]
    f = ReviewFilter(sort=SortKey.started, descending=False)
    first = fetch_page(session, t, f, offset=0, limit=2)
    rest = fetch_page(session, t, f, offset=2, limit=2)
    assert len(first) == 2 and len(rest) == 1
    assert ids(first + rest) == [people["a1"].id, people["b1"].id, people["a2"].id]


def test_trainee_cannot_list(session: Session, people: dict) -> None:
    with pytest.raises(PermissionDenied):
        count_attempts(session, people["ann"], ReviewFilter())
    with pytest.raises(PermissionDenied):
        fetch_page(session, people["ann"], ReviewFilter())
