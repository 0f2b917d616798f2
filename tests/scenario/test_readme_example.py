"""The full example in scenarios/README.md is a valid scenario (docs that cannot rot)."""

from __future__ import annotations

import re

from sandbox.scenario.filler import build_timeline
from sandbox.scenario.loader import load_scenario_text
from tests.conftest import SCENARIOS_DIR


def test_readme_example_loads_and_builds_a_timeline() -> None:
    readme = (SCENARIOS_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("## A complete small scenario", 1)[1]
    match = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert match, "README lost its example"
    scenario = load_scenario_text(match[1], "README example")
    assert scenario.id == "bins-missed"
    timeline = build_timeline(scenario)
    assert len(timeline) == len(scenario.posts) + scenario.filler.count
