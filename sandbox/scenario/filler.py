"""Seeded background chatter, and the merged timeline of scripted and filler posts.

Real feeds are mostly noise; filler makes the learner find the posts that matter. It is generated,
not written: each :class:`FillerTopic` template gets its placeholders from small pools of names,
streets and towns drawn once per seed from Faker("en_GB") (Faker costs ~0.5 ms per value, so it is
never called per post), then every choice is made by one ``random.Random(seed)``. Same scenario and
seed, same timeline, on every machine running the same Faker version.

Starting a scenario must not wait for Faker (~0.5 s to import) or for 8,000 posts' text, so a
:class:`FillerPlan` draws ids and times first (no names needed) and makes each post's text and
author only when it is asked for; the pools are cached on disk per seed and Faker version.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from operator import attrgetter
from pathlib import Path

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


_POOLS_LOCK = threading.Lock()


def _faker_version() -> str | None:
    """Faker's installed version, read from its metadata (importing Faker costs ~0.5 s)."""
    from importlib import metadata

    try:
        return metadata.version("faker")
    except metadata.PackageNotFoundError:
        return None


def _pools_cache_file(seed: int) -> Path | None:
    """Keyed by seed, Faker's version and this module's code (the recipe); None if either of
    the last two cannot be read, so pools from another recipe are never reused."""
    import hashlib

    version = _faker_version()
    try:
        recipe = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    except OSError:
        return None
    if version is None:
        return None
    from sandbox.paths import cache_dir

    return cache_dir() / "name-pools" / f"faker{version}-{recipe}-seed{seed}.json"


def _read_cached_pools(path: Path) -> NamePools | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    limits = {
        "first_names": FIRST_NAMES,
        "last_names": LAST_NAMES,
        "streets": STREETS,
        "towns": TOWNS,
    }
    if not isinstance(raw, dict) or set(raw) != set(limits):
        return None
    values: dict[str, tuple[str, ...]] = {}
    for key, limit in limits.items():
        items = raw[key]
        if (
            not isinstance(items, list)
            or not 0 < len(items) <= limit
            or not all(isinstance(v, str) and v for v in items)
        ):
            return None
        values[key] = tuple(items)
    return NamePools(**values)


def _write_cached_pools(path: Path, pools: NamePools) -> None:
    """Best effort: a read-only or full disk only means Faker runs again next time."""
    data = {
        "first_names": list(pools.first_names),
        "last_names": list(pools.last_names),
        "streets": list(pools.streets),
        "towns": list(pools.towns),
    }
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


@lru_cache(maxsize=16)
def name_pools(seed: int) -> NamePools:
    """The pools for ``seed``: from the cache when Faker built them before, else from Faker.

    Faker is the slow part of filler (~0.5 s to import), so its values are kept on disk keyed by
    seed, Faker version and this recipe: the same values Faker would give, without loading it.
    """
    with _POOLS_LOCK:  # two threads asking at once: one runs Faker, the other reads its file
        path = _pools_cache_file(seed)
        if path is not None:
            cached = _read_cached_pools(path)
            if cached is not None:
                return cached
        pools = faker_name_pools(seed)
        if path is not None:
            _write_cached_pools(path, pools)
        return pools


def faker_name_pools(seed: int) -> NamePools:
    """Faker("en_GB") values for ``seed`` (always runs Faker; see :func:`name_pools`)."""
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


class FillerPlan:
    """One scenario's filler for one seed: ids and times at once, text and authors on demand.

    The ids and times come from the first draws of ``random.Random(seed)`` and need no names, so
    a timeline can be ordered and started without Faker. Each post's text and author continue
    the same generator in post order, so :meth:`post` materialises posts up to the one asked
    for; the result is exactly what eager generation gives (:func:`generate_filler` is this
    plan, materialised). Thread-safe: a worker may :meth:`prepare` while the GUI reads posts.
    """

    def __init__(self, scenario: Scenario, seed: int | None = None) -> None:
        filler = scenario.filler
        self.seed = filler.seed if seed is None else seed
        self._scenario = scenario
        self._lock = threading.Lock()
        self._posts: list[TimelinePost] = []
        self._make: Callable[[int], TimelinePost] | None = None
        if filler.count == 0 or not filler.topics:
            self.ids: tuple[str, ...] = ()
            self.times: tuple[timedelta, ...] = ()
            return
        rng = random.Random(self.seed)
        span = (
            filler.over if filler.over is not None else timedelta(minutes=scenario.duration_minutes)
        )
        span_seconds = max(0, int(span.total_seconds()))
        count = filler.count
        cum_weights: list[float] = []
        total = 0.0
        for topic in filler.topics:
            total += topic.weight
            cum_weights.append(total)
        self._chosen = rng.choices(range(len(filler.topics)), cum_weights=cum_weights, k=count)
        randint = rng.randint
        seconds = sorted([randint(0, span_seconds) for _ in range(count)])
        self._rng = rng  # continues, post by post, in materialise order
        taken_ids = {p.id for p in scenario.posts} | {
            p.id for fu in scenario.follow_ups for p in fu.posts
        }
        ids = []
        for n in range(count):
            ident = f"f{n + 1:04d}"
            ids.append(ident if ident not in taken_ids else f"filler-{n + 1:04d}")
        self.ids = tuple(ids)
        self.times = tuple(timedelta(seconds=s) for s in seconds)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def prepared(self) -> bool:
        """Whether the name pools and the crowd of residents are ready (posts are then cheap)."""
        return self._make is not None or not self.ids

    def prepare(self) -> None:
        """Get the name pools and residents ready (Faker, unless cached: call off the GUI thread)."""
        if self.prepared:
            return
        with self._lock:
            if self._make is None:
                self._make = self._post_maker()

    def post(self, n: int) -> TimelinePost:
        """Filler post ``n`` (0-based, in time order), materialising any before it first."""
        posts = self._posts
        if n < len(posts):
            return posts[n]
        if not 0 <= n < len(self.ids):
            raise IndexError(f"filler post {n} is out of range")
        with self._lock:
            if self._make is None:
                self._make = self._post_maker()
            make = self._make
            while len(posts) <= n:
                posts.append(make(len(posts)))
        return posts[n]

    def posts(self) -> list[TimelinePost]:
        """Every filler post, in time order."""
        if self.ids:
            self.post(len(self.ids) - 1)
        return list(self._posts)

    def _post_maker(self) -> Callable[[int], TimelinePost]:
        scenario, seed, rng = self._scenario, self.seed, self._rng
        pools = name_pools(seed)
        count = len(self.ids)
        crowd = filler_personas(scenario, seed, max(8, min(MAX_FILLER_PERSONAS, count // 5 + 1)))
        templates = [
            [split_template(t) for t in topic.templates] for topic in scenario.filler.topics
        ]
        chosen, ids, times = self._chosen, self.ids, self.times
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

        def make(n: int) -> TimelinePost:
            pieces = choice(templates[chosen[n]])
            drawn: dict[str, str] = {}
            text = "".join(
                literal + (value(field, drawn) if field is not None else "")
                for literal, field in pieces
            )
            return TimelinePost(
                id=ids[n],
                at=times[n],
                author=choice(crowd),
                text=text.strip() or "…",
                priority=Priority.low,
                source="filler",
            )

        return make


def generate_filler(scenario: Scenario, seed: int | None = None) -> list[TimelinePost]:
    """The scenario's background posts, ids ``f0001``..., sorted by time; none needs an answer."""
    return FillerPlan(scenario, seed).posts()


def scripted_posts(scenario: Scenario) -> list[TimelinePost]:
    """The scenario's own posts as timeline posts, in file order (authors resolved)."""
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
    return scripted


def build_timeline(scenario: Scenario, seed: int | None = None) -> list[TimelinePost]:
    """Scripted posts and filler merged by time; on equal times scripted posts come first.

    ``seed`` defaults to ``scenario.filler.seed``; the same seed always gives the same timeline.
    Follow-up posts are not here: the timeline engine releases them when their triggers fire.
    """
    # sort is stable: scripted posts (listed first, in file order) stay ahead of filler on ties
    return sorted(scripted_posts(scenario) + generate_filler(scenario, seed), key=attrgetter("at"))
