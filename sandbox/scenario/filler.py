"""Seeded background chatter, and the merged timeline of scripted and filler posts.

Real feeds are mostly noise; filler makes the learner find the posts that matter. It is generated,
not written: each :class:`FillerTopic` template gets its placeholders from small pools of names,
streets and towns drawn once per seed from Faker("en_GB") (Faker costs ~0.5 ms per value, so it is
never called per post), then every choice is made by one ``random.Random(seed)``. Same scenario and
seed, same timeline, on every machine running the same Faker version.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from operator import attrgetter

from sandbox.scenario.models import Persona, PersonaKind, Priority, Scenario
from sandbox.scenario.templates import split_template
from sandbox.scenario.timeline_posts import TimelinePost

FIRST_NAMES = 48
LAST_NAMES = 48
STREETS = 32
TOWNS = 16
MAX_FILLER_PERSONAS = 400

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_PLACES = (
    "the library on {street}",
    "{town} leisure centre",
    "the park off {street}",
    "{town} high street",
    "the {street} car park",
    "the recycling centre in {town}",
    "{town} station",
    "the primary school on {street}",
    "the community centre on {street}",
    "the bus stop on {street}",
)
_NOT_WORD = re.compile(r"[^A-Za-z0-9_]")
# British street and town shapes; Faker's en_GB street and city names are too often American
# ("Stravenue", "Port Harriet"), which breaks the spell of a local council's feed.
_STREET_STEMS = (
    "Church",
    "Mill",
    "Station",
    "Park",
    "Victoria",
    "Albert",
    "Queen's",
    "King's",
    "Oak",
    "Elm",
    "Willow",
    "Chapel",
    "Market",
    "Bridge",
    "School",
    "Orchard",
    "Cedar",
    "Meadow",
)
_STREET_KINDS = (
    "Road",
    "Street",
    "Lane",
    "Avenue",
    "Close",
    "Drive",
    "Way",
    "Crescent",
    "Grove",
    "Gardens",
    "Terrace",
    "Place",
    "Court",
    "Walk",
    "Rise",
    "Mews",
)
_TOWN_ENDINGS = ("ton", "bury", "ford", "ley", "ham", "by", "field", "wick", "borough", "stow")


@dataclass(frozen=True)
class NamePools:
    """Small, seeded pools of Faker values that filler draws from."""

    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    streets: tuple[str, ...]
    towns: tuple[str, ...]


@lru_cache(maxsize=16)
def name_pools(seed: int) -> NamePools:
    """Faker("en_GB") values for ``seed``; cached because Faker is the slow part of filler."""
    from faker import Faker  # heavy import (~0.25 s): only when filler is actually needed

    fake = Faker("en_GB", use_weighting=False)
    fake.seed_instance(seed)

    def distinct(make: object, n: int) -> tuple[str, ...]:
        values: dict[str, None] = {}
        for _ in range(n * 4):
            values.setdefault(make(), None)  # type: ignore[operator]
            if len(values) >= n:
                break
        return tuple(values)

    rng = random.Random(f"places:{seed}")

    def street() -> str:
        stem = rng.choice(_STREET_STEMS) if rng.random() < 0.5 else fake.last_name()
        return f"{stem} {rng.choice(_STREET_KINDS)}"

    def town() -> str:
        stem = _NOT_WORD.sub("", fake.last_name())
        if rng.random() < 0.2:
            return f"{stem} {rng.choice(('Green', 'Heath', 'Cross', 'Bridge'))}"
        return stem.rstrip("aeiouy")[:7] + rng.choice(_TOWN_ENDINGS)

    return NamePools(
        first_names=distinct(fake.first_name, FIRST_NAMES),
        last_names=distinct(fake.last_name, LAST_NAMES),
        streets=distinct(street, STREETS),
        towns=distinct(town, TOWNS),
    )


def _handle(rng: random.Random, first: str, last: str, taken: set[str]) -> str:
    f, la = _NOT_WORD.sub("", first), _NOT_WORD.sub("", last)
    style = rng.randrange(5)
    if style == 0:
        base = f"{f}{la}"
    elif style == 1:
        base = f"{f.lower()}_{la[:1].lower()}"
    elif style == 2:
        base = f"{f[:1].lower()}{la.lower()}{rng.randint(1, 99)}"
    elif style == 3:
        base = f"{f}{rng.randint(60, 99)}"
    else:
        base = f"{la}{f[:1]}"
    base = (base or "resident")[:26]
    handle, n = base, 1
    while handle.lower() in taken:
        n += 1
        handle = f"{base}{n}"
    taken.add(handle.lower())
    return "@" + handle


def filler_personas(scenario: Scenario, seed: int, count: int) -> list[Persona]:
    """``count`` generated residents, with ids and handles that cannot clash with the script's."""
    pools = name_pools(seed)
    rng = random.Random(f"personas:{seed}")
    taken_ids = {p.id for p in scenario.personas}
    taken_handles = {p.handle.lstrip("@").lower() for p in scenario.personas}
    people: list[Persona] = []
    for n in range(1, count + 1):
        first, last = rng.choice(pools.first_names), rng.choice(pools.last_names)
        ident = f"filler-{n:03d}"
        while ident in taken_ids:
            ident += "x"
        people.append(
            Persona(
                id=ident,
                name=f"{first} {last}",
                handle=_handle(rng, first, last, taken_handles),
                kind=PersonaKind.resident,
            )
        )
    return people


def _time_of_day(rng: random.Random) -> str:
    hour, minute = rng.randint(6, 22), rng.choice((0, 15, 30, 45))
    suffix = "am" if hour < 12 else "pm"
    hour12 = hour if hour <= 12 else hour - 12
    return f"{hour12}{suffix}" if minute == 0 else f"{hour12}:{minute:02d}{suffix}"


def generate_filler(scenario: Scenario, seed: int | None = None) -> list[TimelinePost]:
    """The scenario's background posts, ids ``f0001``..., sorted by time; none needs an answer."""
    filler = scenario.filler
    if filler.count == 0 or not filler.topics:
        return []
    seed = filler.seed if seed is None else seed
    pools = name_pools(seed)
    rng = random.Random(seed)
    span = filler.over if filler.over is not None else timedelta(minutes=scenario.duration_minutes)
    span_seconds = max(0, int(span.total_seconds()))
    count = filler.count

    crowd = filler_personas(scenario, seed, max(8, min(MAX_FILLER_PERSONAS, count // 5 + 1)))
    topics = filler.topics
    templates = [[split_template(t) for t in topic.templates] for topic in topics]
    cum_weights: list[float] = []
    total = 0.0
    for topic in topics:
        total += topic.weight
        cum_weights.append(total)
    chosen = rng.choices(range(len(topics)), cum_weights=cum_weights, k=count)
    seconds = sorted(rng.randint(0, span_seconds) for _ in range(count))

    taken_ids = {p.id for p in scenario.posts} | {
        p.id for fu in scenario.follow_ups for p in fu.posts
    }
    first_names, last_names = pools.first_names, pools.last_names
    streets, towns = pools.streets, pools.towns
    choice, randint = rng.choice, rng.randint

    def value(field: str, drawn: dict[str, str]) -> str:
        if field in drawn:
            return drawn[field]
        if field == "first_name":
            v = choice(first_names)
        elif field == "name":
            v = f"{choice(first_names)} {choice(last_names)}"
        elif field == "street":
            v = choice(streets)
        elif field == "town":
            v = choice(towns)
        elif field == "place":
            v = choice(_PLACES).format(street=choice(streets), town=choice(towns))
        elif field == "weekday":
            v = choice(_WEEKDAYS)
        elif field == "time":
            v = _time_of_day(rng)
        else:  # number
            v = str(randint(2, 30))
        drawn[field] = v
        return v

    posts: list[TimelinePost] = []
    for n in range(count):
        pieces = choice(templates[chosen[n]])
        drawn: dict[str, str] = {}
        text = "".join(
            literal + (value(field, drawn) if field is not None else "")
            for literal, field in pieces
        )
        ident = f"f{n + 1:04d}"
        if ident in taken_ids:
            ident = f"filler-{n + 1:04d}"
        posts.append(
            TimelinePost(
                id=ident,
                at=timedelta(seconds=seconds[n]),
                author=choice(crowd),
                text=text.strip() or "…",
                priority=Priority.low,
                source="filler",
            )
        )
    return posts


def build_timeline(scenario: Scenario, seed: int | None = None) -> list[TimelinePost]:
    """Scripted posts and filler merged by time; on equal times scripted posts come first.

    ``seed`` defaults to ``scenario.filler.seed``; the same seed always gives the same timeline.
    Follow-up posts are not here: the timeline engine releases them when their triggers fire.
    """
    personas = {p.id: p for p in scenario.personas}
    scripted: list[TimelinePost] = []
    for p in scenario.posts:
        author = personas.get(p.author)
        if author is None:
            raise ValueError(f'post "{p.id}": author "{p.author}" is not a persona')
        scripted.append(
            TimelinePost(
                id=p.id,
                at=p.at,
                author=author,
                text=p.text,
                priority=p.priority,
                in_reply_to=p.in_reply_to,
                expect=p.expect,
                source="scripted",
            )
        )
    # sort is stable: scripted posts (listed first, in file order) stay ahead of filler on ties
    return sorted(scripted + generate_filler(scenario, seed), key=attrgetter("at"))
