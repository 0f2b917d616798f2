"""Every class of mistake in a scenario file gives one located, human line (never a traceback)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from sandbox.scenario.errors import ScenarioError
from sandbox.scenario.loader import load_scenario, load_scenario_text
from tests.scenario.helpers import MINIMAL, assert_problem, problems_of, replace_line, write


def test_minimal_scenario_loads(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, MINIMAL, "ok.yaml"))
    assert scenario.id == "test-scenario"
    assert scenario.posts[0].at == timedelta(minutes=5)
    assert scenario.follow_ups[0].posts[0].expect is not None


# -- values -------------------------------------------------------------------------------------
def test_bad_offset_names_post_and_shows_fix(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 21, "    at: 5 mins"))
    message = assert_problem(path, 21, 9, 'post "p1": "at" must look like +HH:MM, got "5 mins"')
    assert '"+00:05"' in message


def test_offset_without_plus_suggests_adding_it(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 21, "    at: 10:30"))
    assert_problem(path, 21, 9, 'add a "+" in front: "+10:30"')


def test_sexagesimal_looking_offset_stays_text(tmp_path: Path) -> None:
    """YAML 1.1 reads +10:30 as the number 37800; scenario files mean ten and a half hours."""
    text = replace_line(replace_line(MINIMAL, 30, "    at: +1:30"), 6, "duration_minutes: 600")
    scenario = load_scenario(write(tmp_path, text))
    assert scenario.posts[1].at == timedelta(hours=1, minutes=30)


def test_unknown_key_has_did_you_mean_hint(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 22, "    autor: maria"))
    assert_problem(path, 22, 5, 'post "p1": unknown key "autor"; did you mean "author"?')


def test_unknown_top_level_key_lists_hint(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("summary:", "sumary:"))
    assert_problem(path, 3, 1, 'unknown key "sumary"; did you mean "summary"?')


def test_unknown_key_in_nested_model(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 28, "          any_off: [sorry]"))
    assert_problem(path, 28, 11, 'post "p1"', 'unknown key "any_off"; did you mean "any_of"?')


def test_missing_required_field(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 23, None))
    assert_problem(path, 20, 5, 'post "p1": missing required key "text"')


def test_wrong_type(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 6, "duration_minutes: ninety"))
    assert_problem(path, 6, 19, '"duration_minutes" must be a whole number, got "ninety"')


def test_yes_no_text_gets_quote_hint(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 23, "    text: no"))
    assert_problem(path, 23, 11, '"text" must be text', "put it in quotes")


def test_bad_enum_value_suggests(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 25, "      action: replied"))
    assert_problem(path, 25, 15, "must be one of reply,", 'did you mean "reply"?')


def test_bad_id_explains_the_shape(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 20, "  - id: Post One"))
    assert_problem(path, 20, 9, '"id" must be a short id of lower-case letters')


def test_naive_datetime_needs_timezone(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 11, "  start: 2026-01-15T08:00:00"))
    assert_problem(path, 11, 10, '"clock.start" must include a timezone')


def test_trigger_needs_exactly_one_condition(tmp_path: Path) -> None:
    text = replace_line(MINIMAL, 38, '      unanswered_for: "+00:30"\n      score_below: 50')
    assert_problem(write(tmp_path, text), 38, 7, 'follow-up "fu1"', "exactly one of")


def test_empty_list_needs_an_item(tmp_path: Path) -> None:
    text = MINIMAL.replace("objectives:\n  - Reply kindly.", "objectives: []")
    assert_problem(write(tmp_path, text), 4, 13, '"objectives" needs at least 1 item')


# -- references ---------------------------------------------------------------------------------
def test_post_author_must_be_a_persona(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 22, "    author: mariah"))
    assert_problem(path, 22, 13, 'post "p1": "author" names "mariah"', 'did you mean "maria"?')


def test_follow_up_post_author_must_be_a_persona(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 41, "        author: bob"))
    assert_problem(path, 41, 17, 'follow-up "fu1", post "p1-again": "author" names "bob"')


def test_in_reply_to_must_exist(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 33, "    in_reply_to: p9"))
    assert_problem(path, 33, 18, 'post "p2": "in_reply_to" names post "p9", which does not exist')


def test_in_reply_to_may_name_a_follow_up_post(tmp_path: Path) -> None:
    scenario = load_scenario(
        write(tmp_path, replace_line(MINIMAL, 33, "    in_reply_to: p1-again"))
    )
    assert scenario.posts[1].in_reply_to == "p1-again"


def test_in_reply_to_must_not_come_later(tmp_path: Path) -> None:
    text = replace_line(MINIMAL, 33, None) + "\n"
    text = text.replace(
        "    text: Bins not collected again on Mill Lane.\n",
        "    text: Bins not collected again on Mill Lane.\n    in_reply_to: p2\n",
    )
    assert_problem(write(tmp_path, text), 24, 18, 'post "p1"', "appears later")


def test_follow_up_must_watch_an_existing_post(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 36, "    post: p7"))
    assert_problem(path, 36, 11, 'follow-up "fu1": "post" names post "p7", which does not exist')


def test_expect_team_must_exist(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 45, "          team: wasted"))
    assert_problem(path, 45, 17, '"expect.team" names team "wasted"', 'did you mean "waste"?')


def test_escalate_only_needs_a_team(tmp_path: Path) -> None:
    text = replace_line(replace_line(MINIMAL, 45, None), 44, "          action: escalate")
    assert_problem(write(tmp_path, text), 44, 11, 'post "p1-again"', 'needs a "team"')


def test_post_after_the_end_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 30, '    at: "+03:00"'))
    assert_problem(path, 30, 9, 'post "p2": "at" is +03:00, after the scenario ends at +02:00')


def test_duplicate_post_id(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 29, "  - id: p1"))
    assert_problem(path, 29, 9, '"id" is "p1", already the id of post 1')


def test_follow_up_post_ids_share_the_post_namespace(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 40, "      - id: p2"))
    assert_problem(path, 40, 13, 'is "p2", already the id of post 2')


def test_duplicate_persona_id(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 16, "  - id: maria"))
    assert_problem(path, 16, 9, 'persona "maria": "id" is "maria", already the id of persona 1')


def test_duplicate_team_id(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "personas:\n",
        "teams:\n  - {id: waste, name: Waste}\n  - {id: waste, name: Bins}\npersonas:\n",
    )
    assert_problem(write(tmp_path, text), 14, 10, 'team "waste": "id" is "waste", already the id')


def test_duplicate_follow_up_id(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "filler:\n",
        "  - id: fu1\n    post: p2\n    when: {unanswered_for: '+00:10'}\n"
        "    posts: [{id: p3, author: dave, text: Hello?}]\nfiller:\n",
    )
    assert_problem(write(tmp_path, text), 46, 9, 'follow-up "fu1": "id" is "fu1", already the id')


def test_filler_template_with_unknown_placeholder(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 52, '        - "Pothole on {postcode}"'))
    assert_problem(path, 52, 11, 'filler topic "roads"', "{postcode}, which is not a placeholder")


def test_filler_template_cannot_reach_attributes(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 52, '        - "{name.__class__}"'))
    assert_problem(path, 52, 11, "is not a placeholder")


# -- the file itself ----------------------------------------------------------------------------
def test_empty_file(tmp_path: Path) -> None:
    assert_problem(write(tmp_path, ""), 1, 1, "file is empty")


def test_comments_only_file(tmp_path: Path) -> None:
    assert_problem(write(tmp_path, "# nothing yet\n"), 1, 1, "only comments")


def test_binary_junk(tmp_path: Path) -> None:
    junk = bytes(range(256)) * 4
    assert_problem(write(tmp_path, junk), 1, 1, "binary file", "NUL byte at byte 0")


def test_binary_junk_without_nul_is_refused_as_not_utf8(tmp_path: Path) -> None:
    junk = b"id: x\n" + bytes(range(128, 256))
    assert_problem(write(tmp_path, junk), 2, 1, "not valid UTF-8 at byte 6 (0x80)")


def test_top_level_list(tmp_path: Path) -> None:
    assert_problem(write(tmp_path, "- id: x\n- id: y\n"), 1, 1, "must be a mapping", "got a list")


def test_top_level_scalar(tmp_path: Path) -> None:
    assert_problem(write(tmp_path, "just some words\n"), 1, 1, "got a single value")


def test_ten_megabyte_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as fh:
        fh.write(b"# " + b"x" * (10 * 1024 * 1024) + b"\n")
    assert_problem(path, 1, 1, "file is 10.0 MB", "limited to 5.0 MB")


def test_bad_utf8_reports_byte_offset_line_and_column(tmp_path: Path) -> None:
    data = MINIMAL.encode().replace(b"Mill Lane", b"Mill L\xe9ne")
    offset = data.index(b"\xe9")
    assert_problem(write(tmp_path, data), 23, 45, f"not valid UTF-8 at byte {offset} (0xe9)")


def test_utf16_file_is_named(tmp_path: Path) -> None:
    assert_problem(write(tmp_path, MINIMAL.encode("utf-16")), 1, 1, "UTF-16")


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    assert load_scenario(write(tmp_path, b"\xef\xbb\xbf" + MINIMAL.encode())).id == "test-scenario"


def test_yaml_syntax_error(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 23, "    text: Bins: not collected"))
    assert_problem(path, 23, 15, "YAML syntax error", "put the whole value in quotes")


def test_unclosed_quote(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 23, '    text: "Bins not collected'))
    assert any("YAML syntax error" in p for p in problems_of(path))


def test_tab_indentation_is_explained(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 23, "\ttext: hello"))
    assert_problem(path, 23, 1, "tabs cannot indent YAML; use spaces")


def test_unquoted_handle_is_explained(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 15, "    handle: @maria_l"))
    assert_problem(path, 15, 13, "values starting with @ must be in quotes")


def test_duplicate_key(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 23, "    author: dave"))
    assert_problem(path, 23, 5, 'duplicate key "author" (first on line 22)')


def test_second_document_is_refused(tmp_path: Path) -> None:
    assert_problem(write(tmp_path, MINIMAL + "---\nid: other\n"), 54, 1, "one YAML document")


def test_python_tags_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 2, "title: !!python/object/apply:os.system [ls]"))
    assert_problem(path, 2, 8, "is not allowed in scenario files")


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, 9):
        refs = ", ".join([f"*a{n - 1}"] * 10)
        lines.append(f"a{n}: &a{n} [{refs}]")
    found = problems_of(write(tmp_path, "\n".join(lines) + "\n"))
    assert len(found) == 1 and "aliases expand to over 100,000 values" in found[0]
    assert f"{tmp_path / 'broken.yaml'}:5:" in found[0]


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    assert_problem(write(tmp_path, "a: &a [1, *a]\n"), 1, 11, 'alias "*a" refers to itself')


def test_small_anchors_and_merge_keys_work(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "    expect:\n      action: reply\n", "    expect: &apology\n      action: reply\n"
    ).replace("    in_reply_to: p1\n", "    in_reply_to: p1\n    expect: *apology\n")
    scenario = load_scenario(write(tmp_path, text))
    assert scenario.posts[1].expect == scenario.posts[0].expect


def test_deep_nesting_is_refused_without_crashing(tmp_path: Path) -> None:
    """libyaml's composer recurses in C; 100,000 open brackets would crash the process."""
    path = write(tmp_path, "a: " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert_problem(path, 1, 67, "nesting deeper than 64 levels")


def test_deep_compact_sequences_are_refused(tmp_path: Path) -> None:
    assert any("nesting deeper" in p for p in problems_of(write(tmp_path, "- " * 50_000 + "x\n")))


def test_control_character_is_located(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 23, "    text: bell\x07here"))
    assert_problem(path, 23, 15, "U+0007 is not allowed")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert_problem(tmp_path / "nope.yaml", 1, 1, "no such file")
    assert_problem(tmp_path, 1, 1, "is a folder")


def test_load_scenario_text_uses_the_given_name() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(replace_line(MINIMAL, 21, "    at: soon"), "scenarios/flood.yaml")
    assert str(caught.value).startswith("scenarios/flood.yaml:21:9: ")
    assert caught.value.file == "scenarios/flood.yaml"


def test_all_problems_are_reported_in_line_order(tmp_path: Path) -> None:
    text = replace_line(replace_line(MINIMAL, 21, "    at: soon"), 6, "duration_minutes: -5")
    found = problems_of(write(tmp_path, text))
    assert [p.split(":")[1] for p in found] == ["6", "21"]


def test_a_flood_of_problems_is_capped(tmp_path: Path) -> None:
    text = "a: 1\n" * 5000
    found = problems_of(write(tmp_path, text))
    assert 1 <= len(found) <= 100
    assert all("duplicate key" in p for p in found)


def test_windows_line_endings_are_fine(tmp_path: Path) -> None:
    path = write(tmp_path, replace_line(MINIMAL, 21, "    at: soon").replace("\n", "\r\n"))
    assert_problem(path, 21, 9, '"at" must look like +HH:MM')


def test_pure_python_parser_gives_the_same_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without libyaml the loader falls back to PyYAML's Python parser; behaviour must not change."""
    import yaml

    from sandbox.scenario import yamlread

    monkeypatch.setattr(yamlread, "_Loader", yaml.SafeLoader)
    assert load_scenario(write(tmp_path, MINIMAL, "ok.yaml")).id == "test-scenario"
    assert_problem(write(tmp_path, "a: \x01\n", "ctl.yaml"), 1, 4, "U+0001 is not allowed")
    assert_problem(write(tmp_path, "a: " + "[" * 5000, "deep.yaml"), 1, 67, "nesting deeper")
    path = write(tmp_path, replace_line(MINIMAL, 21, "    at: soon"))
    assert_problem(path, 21, 9, '"at" must look like +HH:MM')
