"""Starting a scenario quickly without changing it: lazy filler and the caches behind the launch.

The engine orders the timeline from filler ids and times alone and makes each filler post's text
and author when it is released; the name pools and big scenarios' checked form are kept on disk.
None of that may change what a learner sees for a given scenario and seed.
"""

from __future__ import annotations

import json
import pickle
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from sandbox.scenario import filler, loader
from sandbox.scenario.filler import FillerPlan, build_timeline, generate_filler, name_pools
from sandbox.scenario.loader import load_scenario, load_scenario_text
from sandbox.scenario.models import Scenario
from sandbox.timeline.engine import TimelineEngine
from tests.conftest import SCENARIOS_DIR
from tests.scenario.helpers import MINIMAL

STRESS = SCENARIOS_DIR / "stress" / "stress-10k.yaml"


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh cache folder per test, and no pools remembered in memory from other tests."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("SANDBOX_CACHE_DIR", str(cache))
    name_pools.cache_clear()
    yield cache
    name_pools.cache_clear()


@pytest.fixture
def scenario() -> Scenario:
    return load_scenario_text(MINIMAL, "minimal.yaml")


def released_without_follow_ups(engine: TimelineEngine) -> list[Any]:
    engine.advance_to(engine.end_at)
    return [p for p in engine.released if p.source != "follow_up"]


@pytest.mark.parametrize("seed", [None, 1, 99, 2026])
def test_lazy_engine_releases_exactly_the_eager_timeline(
    scenario: Scenario, seed: int | None
) -> None:
    eager = build_timeline(scenario, seed=seed)
    assert released_without_follow_ups(TimelineEngine(scenario, seed=seed)) == eager
    given = TimelineEngine(scenario, seed=seed, timeline=eager)
    assert released_without_follow_ups(given) == eager


@pytest.mark.parametrize("path", sorted(SCENARIOS_DIR.glob("*.yaml"))[:6], ids=lambda p: p.stem)
def test_lazy_engine_matches_eager_for_shipped_scenarios(path: Path) -> None:
    scenario = load_scenario(path)
    lazy = TimelineEngine(scenario, seed=scenario.filler.seed)
    eager = TimelineEngine(scenario, seed=scenario.filler.seed, timeline=build_timeline(scenario))
    for minutes in (0, 1, 7, 30, 90, scenario.duration_minutes):
        at = timedelta(minutes=minutes)
        assert lazy.advance_to(at) == eager.advance_to(at)
        assert lazy.next_event_at() == eager.next_event_at()
    assert lazy.released == eager.released


@pytest.mark.skipif(not STRESS.is_file(), reason="the stress scenario has not been generated")
def test_stress_scenario_lazy_equals_eager_in_ids_times_order_and_text() -> None:
    scenario = load_scenario(STRESS)
    eager = build_timeline(scenario, seed=11)
    lazy = released_without_follow_ups(TimelineEngine(scenario, seed=11))
    assert [(p.id, p.at) for p in lazy] == [(p.id, p.at) for p in eager]
    assert lazy == eager


def test_plan_knows_ids_and_times_before_any_text(scenario: Scenario) -> None:
    plan = FillerPlan(scenario)
    eager = generate_filler(scenario)
    assert not plan.prepared
    assert list(plan.ids) == [p.id for p in eager]
    assert list(plan.times) == [p.at for p in eager]


def test_posts_asked_for_out_of_order_are_the_same(scenario: Scenario) -> None:
    plan = FillerPlan(scenario)
    eager = generate_filler(scenario)
    assert plan.post(17) == eager[17]
    assert plan.post(3) == eager[3]
    assert plan.posts() == eager
    with pytest.raises(IndexError):
        plan.post(len(eager))


def test_preparing_on_another_thread_while_posts_are_read(scenario: Scenario) -> None:
    eager = generate_filler(scenario, seed=5)
    name_pools.cache_clear()
    plan = FillerPlan(scenario, seed=5)
    worker = threading.Thread(target=plan.prepare)
    worker.start()
    got = [plan.post(n) for n in range(len(eager))]
    worker.join()
    assert plan.prepared and got == eager


def test_engine_needs_no_names_until_a_filler_post_is_released(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_filler = FillerPlan(scenario).times[0]
    assert first_filler > timedelta(0)

    def no_names(seed: int) -> None:
        raise AssertionError("name pools loaded before any filler post was released")

    monkeypatch.setattr(filler, "name_pools", no_names)
    engine = TimelineEngine(scenario)
    engine.advance_to(first_filler - timedelta(seconds=1))
    assert all(p.source != "filler" for p in engine.released)
    with pytest.raises(AssertionError, match="name pools"):
        engine.advance_to(first_filler)


def test_name_pools_come_back_from_the_cache_unchanged(own_cache: Path) -> None:
    from_faker = filler.faker_name_pools(31)
    assert name_pools(31) == from_faker
    files = list((own_cache / "name-pools").glob("*seed31.json"))
    assert len(files) == 1
    name_pools.cache_clear()
    assert name_pools(31) == from_faker  # read back from the file this time


def test_a_damaged_pools_file_is_ignored_and_replaced(own_cache: Path) -> None:
    expected = filler.faker_name_pools(32)
    name_pools(32)
    (path,) = (own_cache / "name-pools").glob("*seed32.json")
    for bad in ("not json", json.dumps({"first_names": []}), json.dumps([1, 2])):
        path.write_text(bad, encoding="utf-8")
        name_pools.cache_clear()
        assert name_pools(32) == expected
    assert json.loads(path.read_text(encoding="utf-8"))["towns"] == list(expected.towns)


def big_scenario_file(tmp_path: Path) -> Path:
    """MINIMAL padded with a comment past the size from which the checked form is cached."""
    padding = "# " + "x" * 78 + "\n"
    text = MINIMAL + padding * (loader.DISK_CACHE_MIN_BYTES // len(padding) + 1)
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_big_scenario_is_read_back_from_the_cache(
    tmp_path: Path, own_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = big_scenario_file(tmp_path)
    first = load_scenario(path)
    assert len(list((own_cache / "scenarios").glob("*.pickle"))) == 1

    def no_parsing(*_args: object) -> None:
        raise AssertionError("parsed again although the checked form is cached")

    monkeypatch.setattr(loader, "load_scenario_text", no_parsing)
    again = load_scenario(path)
    assert again == first and again is not first


def test_a_planted_cache_file_is_refused_and_the_file_parsed(
    tmp_path: Path, own_cache: Path
) -> None:
    path = big_scenario_file(tmp_path)
    expected = load_scenario(path)
    (cached,) = (own_cache / "scenarios").glob("*.pickle")
    cached.write_bytes(pickle.dumps(threading.Thread))  # a class outside the scenario models
    assert load_scenario(path) == expected
    cached.write_bytes(b"\x80\x05garbage")
    assert load_scenario(path) == expected
    assert isinstance(pickle.loads(cached.read_bytes()), Scenario)  # rewritten by the parse


def test_changed_file_is_parsed_again(tmp_path: Path) -> None:
    path = big_scenario_file(tmp_path)
    assert load_scenario(path).title == "Test scenario"
    path.write_text(
        path.read_text(encoding="utf-8").replace("title: Test scenario", "title: Renamed"),
        encoding="utf-8",
    )
    assert load_scenario(path).title == "Renamed"


def test_small_scenarios_are_not_cached(tmp_path: Path, own_cache: Path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    load_scenario(path)
    assert not (own_cache / "scenarios").exists()
