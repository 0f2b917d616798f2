"""JSON Schema for scenario files, generated from the models so it can never drift."""

from __future__ import annotations

import json

from sandbox.scenario.models import Scenario


def scenario_schema() -> dict[str, object]:
    schema = Scenario.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Reply Sandbox scenario"
    return schema


def schema_json() -> str:
    return json.dumps(scenario_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
