"""What an editor sees: every valid scenario passes scenarios/schema.json, mistakes do not.

Editors check files against the schema as trainers type, so a schema stricter than the loader
would paint valid files red (as pydantic's raw output did for ``action: reply`` and ``PT0S``).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

jsonschema = pytest.importorskip("jsonschema")

from sandbox.scenario import yamlread  # noqa: E402
from tests.conftest import SCENARIOS_DIR  # noqa: E402
from tests.scenario.helpers import MINIMAL, replace_line  # noqa: E402


def _as_editor_sees(value: Any) -> Any:
    """YAML 1.2 editors read timestamps as strings."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_editor_sees(v) for v in value]
    return value


def _errors(text: str) -> list[str]:
    schema = json.loads((SCENARIOS_DIR / "schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    data = _as_editor_sees(yamlread.parse(text, "x.yaml"))
    return [e.message for e in validator.iter_errors(data)]


def _library() -> list[Path]:
    return sorted(SCENARIOS_DIR.glob("*.yaml"))


def test_minimal_scenario_passes_the_schema() -> None:
    assert _errors(MINIMAL) == []


@pytest.mark.parametrize("path", _library(), ids=lambda p: p.name)
def test_library_scenario_passes_the_schema(path: Path) -> None:
    assert _errors(path.read_text(encoding="utf-8")) == []


def test_schema_flags_an_unknown_key() -> None:
    errors = _errors(replace_line(MINIMAL, 22, "    autor: maria"))
    assert any("autor" in e for e in errors)


def test_offset_defaults_are_written_as_offsets() -> None:
    text = (SCENARIOS_DIR / "schema.json").read_text(encoding="utf-8")
    assert "PT0S" not in text and '"default": "+00:00"' in text
