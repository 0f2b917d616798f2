"""Rule files are data, validated with file:line:col errors; the default pack is well formed."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.scoring.detectors import DETECTORS
from sandbox.scoring.rulepack import (
    DEFAULT_PACK_PATH,
    PhraseMatcher,
    RulePackError,
    load_rule_pack,
    parse_rule_pack,
)

GOOD_RULE = """\
rules:
  - id: tone.example
    family: tone
    severity: warning
    type: existence
    tokens: [thingy]
    message: 'Avoid "{match}".'
"""


def problems(text: str, **kw: object) -> list[str]:
    with pytest.raises(RulePackError) as info:
        parse_rule_pack(text, "org.yaml", **kw)  # type: ignore[arg-type]
    return info.value.problems


def test_default_pack_loads_and_every_rule_cites_a_source() -> None:
    pack = load_rule_pack(DEFAULT_PACK_PATH)
    assert len(pack.rules) >= 40
    for rule in pack.rules:
        assert rule.source, rule.id
        assert rule.id.startswith(rule.family.value + ".")
        if rule.type == "detector":
            assert rule.detector in DETECTORS
    families = {r.family.value for r in pack.rules}
    assert families == {"risk", "tone", "timing", "action"}
    assert "Scunthorpe" in pack.allow


def test_a_valid_minimal_pack() -> None:
    pack = parse_rule_pack(GOOD_RULE, "org.yaml")
    assert [r.id for r in pack.rules] == ["tone.example"]
    assert pack.rules[0].where == "org.yaml:2:5"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            GOOD_RULE.replace("type: existence", "type: regex"),
            'org.yaml:5:11: unknown rule type "regex"',
        ),
        (GOOD_RULE.replace("family: tone", "family: mood"), 'org.yaml:3:13: unknown family "mood"'),
        (
            GOOD_RULE.replace("severity: warning", "severity: fatal"),
            'org.yaml:4:15: unknown severity "fatal"',
        ),
        (GOOD_RULE.replace("tokens:", "tokenz:"), 'org.yaml:6:5: unknown rule key "tokenz"'),
        (GOOD_RULE.replace("{match}", "{name}"), 'org.yaml:7:14: unknown placeholder "{name}"'),
        (
            GOOD_RULE.replace("id: tone.example", "id: risk.example"),
            'must start with its family "tone."',
        ),
        (GOOD_RULE.replace("id: tone.example", "id: Tone Example"), "must look like family.name"),
        (GOOD_RULE.replace("[thingy]", "[thi*ngy]"), '"*" may only end a word'),
        (GOOD_RULE.replace("[thingy]", "[yes]"), 'write "yes" in quotes'),
        (
            GOOD_RULE.replace("    tokens: [thingy]\n", ""),
            'org.yaml:5:11: a rule of type "existence" needs a "tokens" list',
        ),
        (
            GOOD_RULE.replace("    message: 'Avoid \"{match}\".'\n", ""),
            'org.yaml:2:5: rule is missing "message"',
        ),
        ("rules: [", "org.yaml:1:9: not valid YAML"),
        ("", "org.yaml:1:1: the rule file is empty"),
        ("colour: blue\n", 'org.yaml:1:1: unknown top-level key "colour"'),
        (
            GOOD_RULE.replace("type: existence", "type: detector\n    detector: mind_reader"),
            'unknown detector "mind_reader"',
        ),
        (
            GOOD_RULE + GOOD_RULE.replace("rules:\n", ""),
            'rule id "tone.example" is already used at org.yaml:2:5',
        ),
    ],
)
def test_validation_errors_name_file_line_and_column(text: str, expected: str) -> None:
    found = problems(text)
    assert any(expected in p for p in found), found
    assert all(p.startswith("org.yaml:") for p in found)


def test_extra_pack_cannot_reuse_or_extend_unknown_ids() -> None:
    base = load_rule_pack(DEFAULT_PACK_PATH)
    found = problems(GOOD_RULE.replace("tone.example", "tone.jargon"), base=base)
    assert any('use "extend"' in p for p in found)
    found = problems("extend:\n  tone.nothing:\n    tokens: [x]\n", base=base)
    assert any('cannot extend "tone.nothing"' in p for p in found)


def test_unreadable_file_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(RulePackError, match="cannot read the rule file"):
        load_rule_pack(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "rules: !!python/object/apply:os.system ['echo hacked']\n",
        "rules:\n  - !!python/object/apply:os.system ['echo hacked']\n",
        "pack: !!python/name:os.system\n",
    ],
)
def test_nothing_in_a_rule_file_is_executed(text: str) -> None:
    found = problems(text)
    assert len(found) == 1 and found[0].startswith("org.yaml:")


def test_phrases_are_literal_not_regexes() -> None:
    pm = PhraseMatcher(["(a+)+$", "bollock*", "we'll"])
    assert pm.search("aaaa") is None
    assert pm.search("x (a+)+$ y") is not None
    assert pm.search("Bollocks!").group() == "Bollocks"  # type: ignore[union-attr]
    assert pm.search("we’ll fix it") is not None  # typographic apostrophe
    assert pm.search("unbollocks") is None  # word edges


@pytest.mark.parametrize(
    "text",
    [
        "We’ll DEFINITELY fix it, stupidity aside",
        "e-mails to A&E: #VoteNow!!!",
        "ſtupid \u212aeep İt ı",  # letters IGNORECASE equates with ASCII ones
        "thanks,we'llfix",
        "nothing relevant here at all",
        "",
    ],
)
def test_the_word_prefilter_never_changes_a_match(text: str) -> None:
    """The shared-word test only skips texts the pattern cannot match: same spans either way."""
    phrases = [
        "we'll definitely",
        "stupid*",
        "a&e",
        "e-mail*",
        "#votenow",
        "!!!",
        "keep it",
        "it",
        "fix",
        "thanks to you",
    ]
    for phrase in phrases:
        pm = PhraseMatcher([phrase])
        plain = [m.span() for m in pm._regex.finditer(text)] if pm._regex else []
        assert [m.span() for m in pm.finditer(text)] == plain, phrase
        assert (pm.search(text) is None) == (not plain), phrase


def test_the_default_pack_reads_the_same_without_libyaml() -> None:
    """The pack is parsed with libyaml for speed and with the pure-Python parser where libyaml is
    missing (and for error messages); libyaml accepts a few plain scalars ("these days?," in a
    flow list) that the Python parser rejects, so the pack must stay within what both read."""
    import yaml

    text = DEFAULT_PACK_PATH.read_text(encoding="utf-8")
    pure = yaml.load(text, Loader=yaml.SafeLoader)
    assert pure == yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
