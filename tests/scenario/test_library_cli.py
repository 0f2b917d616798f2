"""The scenario library, ``sandbox validate`` exit codes and the checked-in schema."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from sandbox.cli import main
from sandbox.scenario.library import discover, scenario_hash
from sandbox.scenario.schema import schema_json
from tests.conftest import SCENARIOS_DIR
from tests.scenario.helpers import MINIMAL, replace_line


def _folder(tmp_path: Path) -> Path:
    (tmp_path / "good.yaml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "bad.yml").write_text(replace_line(MINIMAL, 21, "    at: soon"), encoding="utf-8")
    (tmp_path / "stress").mkdir()
    (tmp_path / "stress" / "big.yaml").write_text(
        MINIMAL.replace("test-scenario", "big"), encoding="utf-8"
    )
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "pack.yaml").write_text("rules: []\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a scenario", encoding="utf-8")
    return tmp_path


def test_discover_lists_files_with_details_and_hash(tmp_path: Path) -> None:
    infos = discover(_folder(tmp_path))
    assert [i.path.name for i in infos] == ["bad.yml", "good.yaml"]
    bad, good = infos
    assert good.ok and good.title == "Test scenario" and good.duration_minutes == 120
    assert good.objectives == ["Reply kindly."] and good.difficulty is not None
    assert good.hash == hashlib.sha256((tmp_path / "good.yaml").read_bytes()).hexdigest()
    assert good.hash == scenario_hash(tmp_path / "good.yaml")
    assert not bad.ok and bad.problems and ":21:9:" in str(bad.problems[0])
    assert bad.title == "bad.yml"


def test_discover_can_include_stress(tmp_path: Path) -> None:
    names = [i.id for i in discover(_folder(tmp_path), include_stress=True)]
    assert "big" in names


def test_hash_changes_with_content(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    before = scenario_hash(path)
    path.write_text(MINIMAL + "# edited\n", encoding="utf-8")
    assert scenario_hash(path) != before


def test_validate_good_file_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out == "1 file, 0 problems\n"


def test_validate_reports_each_problem_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path)
    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f'{folder / "bad.yml"}:21:9: post "p1": "at" must look like +HH:MM')
    # stress/ is validated (it must stay valid); rules/ holds rule packs and is skipped
    assert out[-1] == "3 files, 1 problem"


def test_validate_missing_path_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_validate_empty_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path)]) == 2
    assert "no .yaml or .yml files" in capsys.readouterr().err


def test_validate_junk_file_exits_1_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "junk.yaml"
    path.write_bytes(b"\x00\x01\x02" * 100)
    assert main(["validate", str(path)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert f"{path}:1:1: this looks like a binary file" in captured.out


def test_validate_requires_a_path(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["validate"])
    assert caught.value.code == 2


def test_checked_in_schema_matches_the_models() -> None:
    checked_in = SCENARIOS_DIR / "schema.json"
    assert checked_in.read_text(encoding="utf-8") == schema_json(), (
        "scenarios/schema.json is stale: run `sandbox schema --out scenarios/schema.json`"
    )
    schema = json.loads(schema_json())
    assert {"id", "title", "posts", "personas", "clock"} <= set(schema["properties"])


def test_schema_command_prints_the_schema(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == schema_json()
    out = tmp_path / "schema.json"
    assert main(["schema", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == schema_json()


def test_every_library_scenario_validates(capsys: pytest.CaptureFixture[str]) -> None:
    if not any(SCENARIOS_DIR.glob("*.yaml")):
        pytest.skip("no scenario files in scenarios/ yet")
    code = main(["validate", str(SCENARIOS_DIR)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.splitlines()[-1].endswith(", 0 problems")
