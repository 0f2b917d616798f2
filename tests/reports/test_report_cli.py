"""`sandbox report`: PDF and CSV from the command line, with the dashboard's figures in them."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from sandbox.cli import main
from sandbox.store.db import Database
from tests.reports.conftest import AWKWARD_REPLY, PHONE, Sample

FRAMEWORK_YAML = {
    "title": "Test passport",
    "competencies": [
        {
            "id": "personal-data",
            "name": "Handles personal data safely",
            "families": ["risk"],
            "rules": [],
            "scenarios": ["council-tax-account", "damp-mould"],
            "threshold": 75,
        },
        {
            "id": "plain-english",
            "name": "Writes in plain English",
            "families": ["tone"],
            "scenarios": ["flu-jab"],
            "threshold": 70,
        },
    ],
}


@pytest.fixture
def cli_env(
    report_db: Database, sample: Sample, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    monkeypatch.setenv("SANDBOX_DATABASE_URL", report_db.url)
    fw = tmp_path / "framework.yaml"
    fw.write_text(yaml.safe_dump(FRAMEWORK_YAML), encoding="utf-8")
    scen = tmp_path / "scenarios"
    scen.mkdir()
    for sid in ("council-tax-account", "damp-mould", "flu-jab"):
        (scen / f"{sid}.yaml").write_text(f"id: {sid}\n", encoding="utf-8")
    monkeypatch.setattr("sandbox.paths.SCENARIOS_DIR", scen)
    return fw


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def test_csv_of_every_reply(
    cli_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "replies.csv"
    assert main(["report", "--out", str(out), "--team", "Highways", "--quiet"]) == 0
    assert "Wrote 4 replies (team Highways" in capsys.readouterr().out
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == 4
    bob = next(r for r in rows if r["Person"] == "Bob Ali")
    assert bob["Reply text"] == AWKWARD_REPLY
    assert bob["Findings"] == f"{PHONE} (error)"
    assert bob["Minutes to respond"] == "20.0"
    assert bob["Trainer outcome"] == "not_yet"


def test_pdf_report_has_the_dashboard_figures(
    cli_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.pdf"
    assert main(["report", "--out", str(out), "--framework", str(cli_env)]) == 0
    assert "5 attempts" in capsys.readouterr().out
    assert out.read_bytes().startswith(b"%PDF")
    text = pdf_text(out)
    for expected in (
        "Reply Sandbox: manager report",
        "all teams, all scenarios, all dates",
        "Most frequent risk findings",
        PHONE,
        "Progress by person",
        "Ann Jones",
        "Bob Ali",
        "Cat Ng",
        "20 min",  # median first reply
        "25 min",  # average first reply
        "1 of 2",  # Ann's passport
    ):
        assert expected in text, expected


def test_passport_certificate(
    cli_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ann.pdf"
    assert (
        main(["report", "--passport", "Ann Jones", "--out", str(out), "--framework", str(cli_env)])
        == 0
    )
    assert "1 of 2 earned" in capsys.readouterr().out
    text = pdf_text(out)
    assert "Ann Jones (Highways)" in text
    assert "Handles personal data safely" in text
    assert "Council Tax Account" in text  # evidence
    assert "Still to do" in text and "Writes in plain English" in text


def test_clear_errors(cli_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--out", str(tmp_path / "x.txt")]) == 2
    assert "must end in .pdf or .csv" in capsys.readouterr().err
    assert (
        main(
            [
                "report",
                "--out",
                str(tmp_path / "x.csv"),
                "--from",
                "2026-03-09",
                "--to",
                "2026-03-01",
            ]
        )
        == 2
    )
    assert "--from is after --to" in capsys.readouterr().err
    assert (
        main(
            [
                "report",
                "--passport",
                "Nobody",
                "--out",
                str(tmp_path / "n.pdf"),
                "--framework",
                str(cli_env),
            ]
        )
        == 2
    )
    assert "nobody called 'Nobody'" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        yaml.safe_dump(
            {"competencies": [{**FRAMEWORK_YAML["competencies"][0], "scenarios": ["nope"]}]}
        )
    )
    assert main(["report", "--check-framework", "--framework", str(bad)]) == 2
    assert 'unknown scenario "nope"' in capsys.readouterr().err
    assert main(["report", "--check-framework", "--framework", str(cli_env)]) == 0


def test_certificate_wording_without_anything_earned() -> None:
    from datetime import UTC, datetime

    from sandbox.reports.framework import parse_framework
    from sandbox.reports.passport import AttemptFacts, evaluate_passport
    from sandbox.ui.reports.pdf import certificate_html

    fw = parse_framework(FRAMEWORK_YAML)
    practice = AttemptFacts(
        id="a",
        profile_id="p",
        scenario_id="flu-jab",
        mode="practice",
        status="finished",
        started_at=datetime(2026, 3, 2, tzinfo=UTC),
        scores={"tone": 95},
    )
    page = certificate_html(
        evaluate_passport(fw, [practice], profile_id="p", name="Siân <O'Neill>")
    )
    assert "Siân &lt;O&#x27;Neill&gt;" in page  # names are escaped
    assert "has not yet earned a competency" in page
    assert "Writes in plain English</b>: pass its scenario" in page
