"""Seeded filler and the merged timeline: deterministic, ordered, and never needing an answer."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from sandbox.scenario.filler import build_timeline, filler_personas, generate_filler
from sandbox.scenario.loader import load_scenario_text
from sandbox.scenario.models import PersonaKind, Priority, Scenario
from sandbox.scenario.templates import PLACEHOLDERS, split_template
from sandbox.scenario.timeline_posts import TimelinePost
from tests.scenario.helpers import MINIMAL


@pytest.fixture
def scenario() -> Scenario:
    return load_scenario_text(MINIMAL, "minimal.yaml")


def test_same_seed_gives_identical_timeline(scenario: Scenario) -> None:
    assert build_timeline(scenario) == build_timeline(scenario)
    assert build_timeline(scenario, seed=99) == build_timeline(scenario, seed=99)


def test_seed_defaults_to_the_scenario_seed(scenario: Scenario) -> None:
    assert build_timeline(scenario) == build_timeline(scenario, seed=scenario.filler.seed)


def test_different_seeds_give_different_filler(scenario: Scenario) -> None:
    a = [(p.at, p.text, p.author.name) for p in generate_filler(scenario, seed=1)]
    b = [(p.at, p.text, p.author.name) for p in generate_filler(scenario, seed=2)]
    assert a != b


def test_timeline_merges_scripted_and_filler_in_time_order(scenario: Scenario) -> None:
    timeline = build_timeline(scenario)
    assert len(timeline) == len(scenario.posts) + scenario.filler.count
    assert [p.at for p in timeline] == sorted(p.at for p in timeline)
    scripted = [p for p in timeline if p.source == "scripted"]
    assert [p.id for p in scripted] == ["p1", "p2"]
    assert scripted[0].author.id == "maria"
    assert scripted[0].expect == scenario.posts[0].expect
    assert scripted[1].in_reply_to == "p1"


def test_filler_posts_need_no_answer(scenario: Scenario) -> None:
    filler = [p for p in build_timeline(scenario) if p.source == "filler"]
    assert [p.id for p in filler] == [f"f{n:04d}" for n in range(1, 31)]
    for post in filler:
        assert post.expect is None and not post.needs_answer
        assert post.priority is Priority.low
        assert post.author.kind is PersonaKind.resident
        assert post.follow_up_id is None
        assert timedelta(0) <= post.at <= timedelta(minutes=scenario.duration_minutes)
        assert "{" not in post.text and "}" not in post.text


def test_scripted_posts_come_first_on_equal_times() -> None:
    text = MINIMAL.replace('at: "+00:05"', 'at: "+00:00"').replace(
        "  seed: 7\n", '  seed: 7\n  over: "+00:00"\n'
    )
    timeline = build_timeline(load_scenario_text(text, "ties.yaml"))
    assert timeline[0].id == "p1" and timeline[0].at == timedelta(0)
    assert all(p.source == "filler" for p in timeline[1:31])


def test_filler_over_limits_the_span() -> None:
    text = MINIMAL.replace("  seed: 7\n", '  seed: 7\n  over: "+00:10"\n')
    filler = generate_filler(load_scenario_text(text, "over.yaml"))
    assert max(p.at for p in filler) <= timedelta(minutes=10)


def test_no_filler_when_count_is_zero(scenario: Scenario) -> None:
    quiet = scenario.model_copy(update={"filler": scenario.filler.model_copy(update={"count": 0})})
    assert [p.source for p in build_timeline(quiet)] == ["scripted", "scripted"]


def test_placeholders_are_all_filled() -> None:
    template = " | ".join("{" + p + "}" for p in PLACEHOLDERS)
    text = MINIMAL.replace(
        '        - "Pothole on {street} in {town} is getting worse"\n',
        f'        - "{template}"\n',
    ).replace('        - "{first_name} says {place} is closed on {weekday} at {time}"\n', "")
    for post in generate_filler(load_scenario_text(text, "all.yaml")):
        values = post.text.split(" | ")
        assert len(values) == len(PLACEHOLDERS) and all(values)
        assert values[5] in (
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        )
        assert re.fullmatch(r"\d{1,2}(:\d\d)?(am|pm)", values[6])
        assert 2 <= int(values[7]) <= 30


def test_repeated_placeholder_gets_the_same_value() -> None:
    text = MINIMAL.replace(
        '        - "Pothole on {street} in {town} is getting worse"\n',
        '        - "{street} / {street}"\n',
    ).replace('        - "{first_name} says {place} is closed on {weekday} at {time}"\n', "")
    for post in generate_filler(load_scenario_text(text, "same.yaml")):
        left, right = post.text.split(" / ")
        assert left == right


def test_literal_braces_survive() -> None:
    pieces = split_template("{{hello}} {town}")
    assert "".join(literal for literal, _ in pieces) == "{hello} "
    assert [field for _, field in pieces if field] == ["town"]


def test_filler_personas_are_valid_and_distinct(scenario: Scenario) -> None:
    people = filler_personas(scenario, seed=3, count=200)
    assert len({p.id for p in people}) == 200
    assert len({p.handle.lower() for p in people}) == 200
    assert not {p.id for p in people} & {p.id for p in scenario.personas}
    assert all(p.handle.startswith("@") and len(p.handle) <= 31 for p in people)


def test_timeline_post_is_frozen(scenario: Scenario) -> None:
    post = build_timeline(scenario)[0]
    assert isinstance(post, TimelinePost)
    with pytest.raises(AttributeError):
        post.text = "changed"  # type: ignore[misc]


def test_filler_ids_avoid_scripted_ids() -> None:
    text = MINIMAL.replace("  - id: p2\n", "  - id: f0001\n")
    timeline = build_timeline(load_scenario_text(text, "clash.yaml"))
    ids = [p.id for p in timeline]
    assert len(ids) == len(set(ids)) and "filler-0001" in ids
