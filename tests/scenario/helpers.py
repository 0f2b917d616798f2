"""A small valid scenario with known line numbers, and ways to break it one line at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.scenario.errors import ScenarioError
from sandbox.scenario.loader import load_scenario

MINIMAL = """\
id: test-scenario
title: Test scenario
summary: A small scenario for tests.
objectives:
  - Reply kindly.
duration_minutes: 120
account:
  name: Testford Council
  handle: "@TestfordCouncil"
clock:
  start: 2026-01-15T08:00:00+00:00
personas:
  - id: maria
    name: Maria Lopez
    handle: "@maria_l"
  - id: dave
    name: Dave Smith
    handle: "@dave_s"
posts:
  - id: p1
    at: "+00:05"
    author: maria
    text: Bins not collected again on Mill Lane.
    expect:
      action: reply
      covers:
        - label: apology
          any_of: [sorry, apologise]
  - id: p2
    at: "+00:20"
    author: dave
    text: Is the tip open on Sunday?
    in_reply_to: p1
follow_ups:
  - id: fu1
    post: p1
    when:
      unanswered_for: "+00:30"
    posts:
      - id: p1-again
        author: maria
        text: Still waiting for an answer!
        expect:
          action: [reply, escalate]
          team: waste
filler:
  seed: 7
  count: 30
  topics:
    - name: roads
      templates:
        - "Pothole on {street} in {town} is getting worse"
        - "{first_name} says {place} is closed on {weekday} at {time}"
"""


def replace_line(text: str, line: int, new: str | None) -> str:
    """``text`` with 1-based ``line`` replaced by ``new`` (or removed when None)."""
    lines = text.split("\n")
    assert 1 <= line <= len(lines)
    if new is None:
        del lines[line - 1]
    else:
        lines[line - 1] = new
    return "\n".join(lines)


def write(tmp_path: Path, text: str | bytes, name: str = "broken.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    """The one-line problems loading ``path`` reports (fails the test if it loads)."""
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    lines = [str(p) for p in caught.value.problems]
    assert all("\n" not in line for line in lines)
    return lines


def assert_problem(path: Path, line: int, column: int, *fragments: str) -> str:
    """Exactly one reported problem is at ``path:line:column`` and contains every fragment."""
    found = problems_of(path)
    prefix = f"{path}:{line}:{column}: "
    matching = [p for p in found if p.startswith(prefix) and all(f in p for f in fragments)]
    assert matching, f"no problem at {prefix} containing {fragments!r}; got:\n" + "\n".join(found)
    return matching[0]
