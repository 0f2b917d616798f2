"""JSON Schema for scenario files, generated from the models so it can never drift.

Editors use it for completion and hover help, so it is touched up after generation: keys get
short descriptions for trainers, offset defaults read ``+00:00`` (not pydantic's ``PT0S``, which the
loader would refuse), and keys that accept one value or a list say so.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from pydantic import TypeAdapter

from sandbox.scenario.models import OFFSET_PATTERN, Scenario, format_offset

_OFFSET = "an offset from the scenario start, +HH:MM (e.g. +00:30)"

# (definition name or "" for the top level, key) -> hover text
DESCRIPTIONS: dict[tuple[str, str], str] = {
    ("", "schema_version"): "File format version; this app reads 1.",
    ("", "id"): "Short id, unique in the library: lower-case letters, digits, - and _.",
    ("", "title"): "Shown in the scenario library.",
    ("", "summary"): "The briefing the learner reads before starting.",
    ("", "objectives"): "Learning objectives, shown in the briefing and the report.",
    ("", "difficulty"): "intro, intermediate or advanced.",
    ("", "duration_minutes"): "Simulated length in minutes; every post's 'at' must fall inside it.",
    ("", "version"): "Your own version label (the app also records a hash of the file).",
    ("", "tags"): "Free words for searching the library.",
    ("", "account"): "The council's own account, which the learner speaks for.",
    ("", "platform"): "microblog (280 characters) or community page (threads, 2,000).",
    ("", "clock"): "When the scenario happens and how fast simulated time runs.",
    ("", "policy"): "Pre-election period and response targets.",
    ("", "teams"): "Teams posts can be escalated to; leave out for the standard council teams.",
    ("", "personas"): "The people and organisations who post.",
    ("", "posts"): "The scripted posts, each at an offset from the start.",
    (
        "",
        "follow_ups",
    ): "Posts released when the learner is slow or a response scores badly or well.",
    ("", "filler"): "Generated background posts that need no answer.",
    ("", "rules"): "Scoring adjustments for this scenario only.",
    ("Account", "handle"): 'The account handle, e.g. "@AldermoorCouncil" (quote it).',
    ("Account", "avatar"): "Image file name under assets/.",
    ("OfficeHours", "days"): "Staffed days: mon ... sun.",
    ("OfficeHours", "start"): 'Opening time, "HH:MM" (24-hour, quoted).',
    ("OfficeHours", "end"): 'Closing time, "HH:MM" (24-hour, quoted).',
    ("Platform", "char_limit"): "Override the reply length limit (20 to 10,000).",
    ("Clock", "start"): "Start date and time with a timezone, e.g. 2026-01-15T08:00:00+00:00.",
    ("Clock", "speed"): "Simulated minutes per real minute (up to 120).",
    ("Policy", "pre_election"): "true during a pre-election period (stricter political rules).",
    ("Policy", "response_targets"): "Minutes to a first response, by priority.",
    ("Persona", "id"): "Short id that posts use as 'author'.",
    ("Persona", "handle"): 'e.g. "@jo_bloggs" (quote it).',
    ("Persona", "verified"): "Show a verified tick.",
    ("Post", "id"): "Short id, unique across posts and follow-up posts.",
    ("Post", "at"): f"When it appears: {_OFFSET}.",
    ("Post", "author"): "A persona id.",
    ("Post", "text"): "What they wrote. Quote text containing ': ' or starting with @.",
    ("Post", "priority"): "emergency, high, normal or low: sets the response target.",
    ("Post", "in_reply_to"): "The id of an earlier post this one replies to.",
    ("Post", "expect"): "What the learner should do; leave out for posts that need nothing.",
    ("FollowUpPost", "at"): "When it appears, counted from when the follow-up fires (+HH:MM).",
    ("FollowUpPost", "author"): "A persona id.",
    ("FollowUpPost", "in_reply_to"): "The id of the post this one replies to.",
    (
        "Expectation",
        "action",
    ): "One or more of reply, private_message, escalate, hide, like, leave.",
    ("Expectation", "team"): "Team id to escalate to; needed when escalate is the only action.",
    ("Expectation", "target_minutes"): "This post's own response target in minutes.",
    ("Expectation", "covers"): "Points a good reply makes (label + any_of phrases).",
    ("Expectation", "must_not_say"): "Points a reply must never make (label + any_of phrases).",
    ("Expectation", "model_answers"): "Example good replies, shown after the attempt.",
    ("Expectation", "trainer_notes"): "Notes for the trainer's review screen.",
    ("Point", "label"): "What the learner is told this point is.",
    (
        "Point",
        "any_of",
    ): "Phrases, any of which counts; case-insensitive; word* matches any ending.",
    ("FollowUp", "post"): "The id of the watched post.",
    ("FollowUp", "when"): "Exactly one trigger condition.",
    ("FollowUp", "delay"): "Wait this long after the trigger fires (+HH:MM).",
    ("FollowUp", "posts"): "Posts to release; their 'at' counts from the firing.",
    (
        "Trigger",
        "unanswered_for",
    ): "Fires when the post has had no response for this long (+HH:MM).",
    ("Trigger", "score_below"): "Fires when the response scored below this (0-100).",
    ("Trigger", "score_at_least"): "Fires when the response scored at least this (0-100).",
    ("Trigger", "family"): "Use this family's score (risk, tone, timing, action) for score_*.",
    ("Trigger", "action_taken"): "Fires when the learner did this to the post.",
    ("Trigger", "action_not_taken"): "Fires when the learner had not done this within 'by'.",
    ("Trigger", "by"): "Deadline for action_not_taken, after the post appeared (+HH:MM).",
    ("Filler", "seed"): "Any whole number; the same seed always gives the same filler.",
    ("Filler", "count"): "How many filler posts (0 to 20,000).",
    ("Filler", "over"): "Spread filler over this span (+HH:MM); default the whole scenario.",
    ("FillerTopic", "weight"): "How often this topic is picked relative to the others.",
    ("FillerTopic", "templates"): (
        "Texts with {first_name} {name} {street} {town} {place} {weekday} {time} {number}."
    ),
    ("RuleSettings", "disable"): "Rule ids to switch off.",
    ("RuleSettings", "severity"): "Rule id to error, warning or info.",
    ("RuleSettings", "allow"): "Words never flagged in this scenario.",
    ("RuleSettings", "packs"): "Extra rule files, relative to this scenario file.",
}

# Keys whose models accept a single value in place of a one-item list.
ONE_OR_MANY: tuple[tuple[str, str], ...] = (
    ("Expectation", "action"),
    ("Expectation", "model_answers"),
    ("Point", "any_of"),
)


def _fix_offset_defaults(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("pattern") == OFFSET_PATTERN and isinstance(node.get("default"), str):
            node["default"] = format_offset(TypeAdapter(timedelta).validate_python(node["default"]))
        for value in node.values():
            _fix_offset_defaults(value)
    elif isinstance(node, list):
        for value in node:
            _fix_offset_defaults(value)


def scenario_schema() -> dict[str, Any]:
    schema: dict[str, Any] = Scenario.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Reply Sandbox scenario"
    defs: dict[str, Any] = schema.get("$defs", {})
    for (model, key), text in DESCRIPTIONS.items():
        props = (defs.get(model, {}) if model else schema).get("properties", {})
        if key in props:
            props[key]["description"] = text
    for model, key in ONE_OR_MANY:
        prop = defs[model]["properties"][key]
        many = {k: v for k, v in prop.items() if k not in ("title", "description", "default")}
        keep = {k: v for k, v in prop.items() if k in ("title", "description", "default")}
        defs[model]["properties"][key] = {**keep, "anyOf": [prop["items"], many]}
    _fix_offset_defaults(schema)
    return schema


def schema_json() -> str:
    return json.dumps(scenario_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
