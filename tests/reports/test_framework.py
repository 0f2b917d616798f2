"""The competency framework file: the shipped one loads, and mistakes get clear messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.reports.framework import (
    DEFAULT_FRAMEWORK_PATH,
    FrameworkError,
    known_rule_ids,
    known_scenario_ids,
    load_framework,
    parse_framework,
)

RULES = {"risk.personal-data.phone", "risk.personal-data.account-number", "tone.jargon"}
SCENARIOS = {"council-tax-account", "damp-mould", "flu-jab"}


def good(**changes: object) -> dict[str, object]:
    item: dict[str, object] = {
        "id": "personal-data",
        "name": "Handles personal data safely",
        "families": ["risk"],
        "rules": ["risk.personal-data.*"],
        "scenarios": ["council-tax-account", "damp-mould"],
        "threshold": 75,
    }
    item.update(changes)
    return {"competencies": [item]}


def problems(data: object) -> list[str]:
    with pytest.raises(FrameworkError) as info:
        parse_framework(data, source="passport.yaml", rule_ids=RULES, scenario_ids=SCENARIOS)
    return info.value.problems


def test_a_good_framework_parses() -> None:
    fw = parse_framework(good(), rule_ids=RULES, scenario_ids=SCENARIOS)
    (c,) = fw.competencies
    assert c.min_passed == 2  # default: all listed scenarios
    assert c.covers_rule("risk.personal-data.phone")
    assert not c.covers_rule("risk.political.party")


def test_unknown_rule_and_scenario_ids_are_named() -> None:
    found = problems(
        good(rules=["risk.personal-data.phonee", "risk.nothing.*"], scenarios=["damp-mold"])
    )
    assert (
        'passport.yaml: competency "personal-data": unknown rule id "risk.personal-data.phonee" in the rule pack'
        in found
    )
    assert (
        'passport.yaml: competency "personal-data": no rule starts with "risk.nothing." in the rule pack'
        in found
    )
    assert (
        'passport.yaml: competency "personal-data": unknown scenario "damp-mold" (not in the scenario library)'
        in found
    )


def test_bad_values_are_all_reported_at_once() -> None:
    found = problems(
        good(families=["risky"], threshold=120, min_passed=5, colour="red", id="Bad Id")
    )
    text = "\n".join(found)
    assert 'unknown family "risky"' in text
    assert "threshold must be a whole number from 0 to 100, got 120" in text
    assert "min_passed is 5 but only 2 scenarios are listed" in text
    assert 'unknown key "colour"' in text
    assert "id must be lower-case letters" in text
    assert len(found) == 5


def test_duplicate_ids_and_empty_lists() -> None:
    data = good()
    data["competencies"] = [*data["competencies"], *good()["competencies"]]  # type: ignore[misc]
    assert any("id is used twice" in p for p in problems(data))
    assert any("scenarios must list at least one" in p for p in problems(good(scenarios=[])))
    assert problems({"title": "x"}) == [
        "passport.yaml: competencies: needs at least one competency"
    ]


def test_yaml_syntax_error_gives_file_line_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("competencies:\n  - id: x\n    name: [unclosed\n", encoding="utf-8")
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    (message,) = info.value.problems
    assert message.startswith(f"{path}:")
    assert "not valid YAML" in message


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError) as info:
        load_framework(tmp_path / "nope.yaml")
    assert "cannot read the framework file" in str(info.value)


def test_shipped_framework_is_valid_against_the_installed_pack_and_library() -> None:
    rules = known_rule_ids()
    scenarios = known_scenario_ids()
    fw = load_framework(DEFAULT_FRAMEWORK_PATH, rule_ids=rules, scenario_ids=None)
    names = {c.name for c in fw.competencies}
    assert {
        "Handles personal data safely",
        "Answers emergencies in time",
        "Stays neutral in the pre-election period",
        "De-escalates abuse",
        "Points people in crisis to urgent help",
        "Writes in plain English",
    } <= names
    if scenarios is not None:
        missing = {s for c in fw.competencies for s in c.scenarios} - scenarios
        if missing:  # the library is still being written by the scenario author
            pytest.skip(f"scenario library does not have {sorted(missing)} yet")
        load_framework(DEFAULT_FRAMEWORK_PATH, rule_ids=rules, scenario_ids=scenarios)
