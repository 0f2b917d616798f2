"""Scenario models: the one vocabulary every other package reads.

Scenario files are hand-written YAML, so the models are strict (unknown keys are errors)
but friendly to write: time offsets are ``+HH:MM`` strings, single values may stand for lists.
Nothing here imports Qt.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    field_validator,
    model_validator,
)

SCHEMA_VERSION = 1

_OFFSET_RE = re.compile(r"^\+(\d{1,3}):([0-5]\d)(?::([0-5]\d))?$")
OFFSET_PATTERN = r"^\+\d{1,3}:[0-5]\d(:[0-5]\d)?$"


def parse_offset(value: Any) -> timedelta:
    """Parse ``+HH:MM`` or ``+HH:MM:SS`` (hours may exceed 24) into a timedelta."""
    if isinstance(value, timedelta):
        return value
    if not isinstance(value, str):
        raise ValueError(f"must look like +HH:MM, got {value!r}")
    m = _OFFSET_RE.match(value.strip())
    if not m:
        raise ValueError(f'must look like +HH:MM, got "{value}"')
    hours, minutes, seconds = int(m[1]), int(m[2]), int(m[3] or 0)
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


def format_offset(value: timedelta) -> str:
    """Inverse of :func:`parse_offset`."""
    total = int(value.total_seconds())
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"+{hours:02d}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")


Offset = Annotated[
    timedelta,
    BeforeValidator(parse_offset),
    PlainSerializer(format_offset, return_type=str),
    WithJsonSchema({"type": "string", "pattern": OFFSET_PATTERN, "examples": ["+00:30"]}),
]

_HHMM_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", min_length=1, max_length=64)]


def _as_list(value: Any) -> Any:
    """Let a single value stand for a one-item list (``action: reply``)."""
    if value is None:
        return []
    if isinstance(value, (str, dict)):
        return [value]
    return value


class Strict(BaseModel):
    """Base for all scenario models: unknown keys are errors, values are not coerced loosely."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Difficulty(StrEnum):
    intro = "intro"
    intermediate = "intermediate"
    advanced = "advanced"


class PlatformKind(StrEnum):
    microblog = "microblog"  # 280-character posts, flat replies
    community = "community"  # community page: threaded comments, longer replies


class Priority(StrEnum):
    emergency = "emergency"
    high = "high"
    normal = "normal"
    low = "low"


class PersonaKind(StrEnum):
    resident = "resident"
    journalist = "journalist"
    councillor = "councillor"
    candidate = "candidate"
    troll = "troll"
    organisation = "organisation"
    staff = "staff"
    parody = "parody"


class ActionKind(StrEnum):
    """What a learner can do with a post. ``leave`` is a deliberate choice, not inaction."""

    reply = "reply"
    private_message = "private_message"
    escalate = "escalate"
    hide = "hide"
    like = "like"
    leave = "leave"


class Family(StrEnum):
    """Score families; every finding belongs to exactly one."""

    risk = "risk"
    tone = "tone"
    timing = "timing"
    action = "action"


class Weekday(StrEnum):
    mon = "mon"
    tue = "tue"
    wed = "wed"
    thu = "thu"
    fri = "fri"
    sat = "sat"
    sun = "sun"


WEEKDAYS = list(Weekday)


class OfficeHours(Strict):
    """When the account is staffed; replies outside these hours are timed in office time."""

    days: list[Weekday] = Field(default_factory=lambda: WEEKDAYS[:5])
    start: str = Field(default="08:30", pattern=_HHMM_RE.pattern)
    end: str = Field(default="17:30", pattern=_HHMM_RE.pattern)

    @model_validator(mode="after")
    def _ordered(self) -> OfficeHours:
        if self.start >= self.end:
            raise ValueError(
                f'office hours must start before they end, got "{self.start}"–"{self.end}"'
            )
        return self


class Account(Strict):
    """The organisation's own account, which the learner speaks for."""

    name: str = Field(min_length=1)
    handle: str = Field(pattern=r"^@?\w{1,30}$")
    bio: str = ""
    avatar: str | None = None  # file name under assets/
    office_hours: OfficeHours = Field(default_factory=OfficeHours)


class Platform(Strict):
    kind: PlatformKind = PlatformKind.microblog
    char_limit: int | None = Field(default=None, ge=20, le=10_000)

    @property
    def limit(self) -> int:
        """The reply length limit: 280 on a microblog, 2,000 on a community page unless set."""
        if self.char_limit is not None:
            return self.char_limit
        return 280 if self.kind is PlatformKind.microblog else 2000


class Clock(Strict):
    start: datetime
    speed: float = Field(default=1.0, gt=0, le=120)

    @field_validator("start")
    @classmethod
    def _aware(cls, v: datetime) -> datetime:
        if v.tzinfo is None or v.utcoffset() is None:
            raise ValueError(
                "start must include a timezone, e.g. 2026-01-15T08:00:00+00:00 or ...Z"
            )
        return v


def _default_targets() -> dict[Priority, int]:
    return {Priority.emergency: 15, Priority.high: 60, Priority.normal: 240, Priority.low: 1440}


class Policy(Strict):
    pre_election: bool = False
    # minutes to first reply, by priority (normal: within half a working day; S1/S2 of the guidance)
    response_targets: dict[Priority, int] = Field(default_factory=_default_targets)

    @field_validator("response_targets")
    @classmethod
    def _fill(cls, v: dict[Priority, int]) -> dict[Priority, int]:
        merged = _default_targets()
        merged.update(v)
        for k, minutes in merged.items():
            if minutes <= 0:
                raise ValueError(
                    f"response target for {k.value} must be a positive number of minutes"
                )
        return merged


class Team(Strict):
    id: Slug
    name: str


DEFAULT_TEAMS: tuple[Team, ...] = (
    Team(id="press_office", name="Press office"),
    Team(id="safeguarding", name="Safeguarding"),
    Team(id="highways", name="Highways"),
    Team(id="housing", name="Housing repairs"),
    Team(id="waste", name="Waste and recycling"),
    Team(id="emergency_planning", name="Emergency planning"),
    Team(id="customer_services", name="Customer services"),
    Team(id="elections", name="Electoral services"),
    Team(id="information_governance", name="Information governance"),
    Team(id="public_health", name="Public health"),
    Team(id="police", name="Police (via 101/999)"),
)


class Persona(Strict):
    id: Slug
    name: str = Field(min_length=1)
    handle: str = Field(pattern=r"^@?\w{1,30}$")
    kind: PersonaKind = PersonaKind.resident
    bio: str = ""
    avatar: str | None = None
    verified: bool = False


class Point(Strict):
    """Something a good reply covers (or must not say), matched by any of its phrases.

    Phrases are plain text, case-insensitive; ``*`` at the end of a word matches any ending.
    """

    label: str = Field(min_length=1)
    any_of: Annotated[list[str], BeforeValidator(_as_list)] = Field(min_length=1)


class Expectation(Strict):
    """What the learner is expected to do with a post, and how the reply is judged."""

    action: Annotated[list[ActionKind], BeforeValidator(_as_list)] = Field(min_length=1)
    team: str | None = None  # team id, required when escalate is the only acceptable action
    target_minutes: int | None = Field(default=None, gt=0)
    covers: list[Point] = Field(default_factory=list)
    must_not_say: list[Point] = Field(default_factory=list)
    model_answers: Annotated[list[str], BeforeValidator(_as_list)] = Field(default_factory=list)
    trainer_notes: str = ""

    @property
    def needs_answer(self) -> bool:
        """Silence is rude: any expectation but leave/hide/like needs a response."""
        return any(
            a in (ActionKind.reply, ActionKind.private_message, ActionKind.escalate)
            for a in self.action
        )


class Post(Strict):
    id: Slug
    at: Offset
    author: Slug  # persona id
    text: str = Field(min_length=1, max_length=5000)
    priority: Priority = Priority.normal
    in_reply_to: Slug | None = None  # post id: threads on a community page
    expect: Expectation | None = None


class FollowUpPost(Strict):
    """A post released when a follow-up fires; ``at`` is relative to the firing time."""

    id: Slug
    at: Offset = timedelta(0)
    author: Slug
    text: str = Field(min_length=1, max_length=5000)
    priority: Priority = Priority.normal
    in_reply_to: Slug | None = None
    expect: Expectation | None = None


class Trigger(Strict):
    """Exactly one condition on the watched post."""

    unanswered_for: Offset | None = None  # no response this long after the post appeared
    score_below: int | None = Field(default=None, ge=0, le=100)
    score_at_least: int | None = Field(default=None, ge=0, le=100)
    family: Family | None = None  # for score_*: None means the overall score
    action_taken: ActionKind | None = None
    action_not_taken: ActionKind | None = None
    by: Offset | None = None  # deadline for action_not_taken, after the post appeared

    @model_validator(mode="after")
    def _exactly_one(self) -> Trigger:
        keys = [
            "unanswered_for",
            "score_below",
            "score_at_least",
            "action_taken",
            "action_not_taken",
        ]
        given = [k for k in keys if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "a trigger needs exactly one of " + ", ".join(keys) + f"; got {given or 'none'}"
            )
        if self.action_not_taken is not None and self.by is None:
            raise ValueError('action_not_taken needs "by", e.g. by: "+01:00"')
        return self


class FollowUp(Strict):
    id: Slug
    post: Slug  # the watched post
    when: Trigger
    delay: Offset = timedelta(0)
    posts: list[FollowUpPost] = Field(min_length=1)


class FillerTopic(Strict):
    """A family of background posts. Templates use {first_name}, {name}, {street}, {town},
    {place}, {weekday}, {time}, {number} placeholders filled by a seeded Faker("en_GB")."""

    name: str
    weight: float = Field(default=1.0, gt=0)
    templates: list[str] = Field(min_length=1)


class Filler(Strict):
    seed: int = 1
    count: int = Field(default=0, ge=0, le=20_000)
    over: Offset | None = None  # spread over this span; default: the scenario's duration
    topics: list[FillerTopic] = Field(default_factory=list)

    @model_validator(mode="after")
    def _topics_when_count(self) -> Filler:
        if self.count and not self.topics:
            raise ValueError("filler with a count needs at least one topic")
        return self


class RuleSettings(Strict):
    """Per-scenario adjustments to the scoring rule pack (ids are checked by the scorer)."""

    disable: list[str] = Field(default_factory=list)
    severity: dict[str, str] = Field(default_factory=dict)
    allow: list[str] = Field(default_factory=list)  # words never flagged in this scenario
    packs: list[str] = Field(default_factory=list)  # extra rule files, relative to the scenario


class Scenario(Strict):
    schema_version: int = SCHEMA_VERSION
    id: Slug
    title: str = Field(min_length=1, max_length=120)
    summary: str = Field(min_length=1)
    objectives: list[str] = Field(min_length=1)
    difficulty: Difficulty = Difficulty.intro
    duration_minutes: int = Field(gt=0, le=7 * 24 * 60)
    version: str = Field(default="1", min_length=1)
    tags: list[str] = Field(default_factory=list)
    account: Account
    platform: Platform = Field(default_factory=Platform)
    clock: Clock
    policy: Policy = Field(default_factory=Policy)
    teams: list[Team] = Field(default_factory=lambda: list(DEFAULT_TEAMS))
    personas: list[Persona] = Field(min_length=1)
    posts: list[Post] = Field(min_length=1)
    follow_ups: list[FollowUp] = Field(default_factory=list)
    filler: Filler = Field(default_factory=Filler)
    rules: RuleSettings = Field(default_factory=RuleSettings)

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, v: int) -> int:
        if v != SCHEMA_VERSION:
            raise ValueError(
                f"schema_version {v} is not supported by this app (it reads {SCHEMA_VERSION})"
            )
        return v

    # Convenience look-ups (not serialised)
    def persona(self, persona_id: str) -> Persona:
        for p in self.personas:
            if p.id == persona_id:
                return p
        raise KeyError(persona_id)

    def team(self, team_id: str) -> Team:
        for t in self.teams:
            if t.id == team_id:
                return t
        raise KeyError(team_id)

    def target_minutes(self, post: Post | FollowUpPost) -> int:
        """The reply-time target for a post: its own, else its priority's."""
        if post.expect and post.expect.target_minutes:
            return post.expect.target_minutes
        return self.policy.response_targets[post.priority]
