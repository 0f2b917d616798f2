"""``sandbox score``: linter-style text, --json, and the stable --batch schema."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from sandbox.cli import main

FINDING_KEYS = {"rule", "family", "severity", "start", "end", "match", "message"}
SCORE_KEYS = {"tone", "timing", "risk", "action", "overall"}


def test_text_output_underlines_the_span(capsys: pytest.CaptureFixture[str]) -> None:
    reply = "Call me on 07700 900123"
    rc = main(["score", "--post", "Bin missed", "--reply", reply])
    out = capsys.readouterr().out
    assert rc == 0
    assert "risk.personal-data.phone" in out
    lines = out.splitlines()
    i = next(n for n, line in enumerate(lines) if line.endswith(reply))
    caret = lines[i + 1]
    start = caret.index("^")
    assert caret.count("^") == len("07700 900123")
    assert lines[i][start : start + 12] == "07700 900123"
    assert "overall" in lines[-1]


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(
        [
            "score",
            "--post",
            "Who should I vote for?",
            "--reply",
            "Vote for the Greens!",
            "--pre-election",
            "--elapsed-minutes",
            "600",
            "--target-minutes",
            "60",
            "--json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert rc == 0
    assert set(data["scores"]) == SCORE_KEYS
    assert data["scores"]["timing"] == 0
    assert data["scores"]["action"] is None
    rules = {f["rule"] for f in data["findings"]}
    assert {"risk.politics.vote", "risk.politics.party-pre-election", "timing.late"} <= rules
    assert set(data["weights"]) == {"risk", "tone", "timing"}


def _batch(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_batch_schema_and_error_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _batch(
        tmp_path,
        [
            json.dumps({"id": "a", "post": "Bin missed again", "reply": "Noted."}),
            "{not json",
            json.dumps({"id": "b", "post": "hi"}),
            json.dumps(
                {
                    "id": "c",
                    "post": "Vote?",
                    "reply": "Vote Labour",
                    "context": {"pre_election": True},
                }
            ),
            json.dumps({"id": "d", "post": "hi", "reply": "Hello", "context": {"colour": "red"}}),
            json.dumps(
                {
                    "id": 5,
                    "post": "hi",
                    "reply": "Hello",
                    "elapsed_minutes": 500,
                    "target_minutes": 60,
                }
            ),
            json.dumps({"id": "e", "post": "hi", "reply": "Hello", "elapsed_minutes": "soon"}),
        ],
    )
    rc = main(["score", "--batch", str(path)])
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.splitlines()]
    assert rc == 1 and "4 line(s) could not be scored" in captured.err
    assert [r["id"] for r in rows] == ["a", None, "b", "c", "d", 5, "e"]
    ok = [r for r in rows if "error" not in r]
    errors = [r for r in rows if "error" in r]
    assert [r["id"] for r in ok] == ["a", "c", 5]
    for r in ok:
        assert set(r) == {"id", "scores", "findings"}
        assert set(r["scores"]) == SCORE_KEYS
        assert all(isinstance(r["scores"][k], int) for k in ("tone", "timing", "risk", "overall"))
        assert r["scores"]["action"] is None
        for f in r["findings"]:
            assert set(f) == FINDING_KEYS
    for e in errors:
        assert set(e) == {"id", "error"} and e["error"].startswith("line ")
    assert "not valid JSON" in errors[0]["error"]
    assert '"reply" must be a string' in errors[1]["error"]
    assert "unknown context key" in errors[2]["error"]
    assert "elapsed_minutes must be a number" in errors[3]["error"]
    assert rows[5]["scores"]["timing"] == 0
    assert "risk.politics.vote" in {f["rule"] for f in rows[3]["findings"]}


def test_batch_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    line = json.dumps({"id": 1, "post": "hi", "reply": "Hello, how can we help today?"})
    monkeypatch.setattr("sys.stdin", io.StringIO(line + "\n\n"))
    assert main(["score", "--batch", "-"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in rows] == [1]


def test_cli_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "--batch", str(tmp_path / "nope.jsonl")]) == 2
    assert capsys.readouterr().err.startswith("error: cannot read")
    assert main(["score", "--post", "hi"]) == 2
    assert "give --post TEXT and --reply TEXT" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules: [1]\n", encoding="utf-8")
    assert main(["score", "--post", "hi", "--reply", "x", "--rules", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {bad}:1:9:") and "Traceback" not in err


def test_extra_rules_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = tmp_path / "org.yaml"
    pack.write_text("extend:\n  risk.abuse.insult:\n    tokens: [wazzock]\n", encoding="utf-8")
    main(["score", "--post", "hi", "--reply", "You wazzock.", "--rules", str(pack), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert "risk.abuse.insult" in {f["rule"] for f in data["findings"]}
