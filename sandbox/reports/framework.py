"""The competency framework behind the Digital Passport, loaded from YAML and checked.

Why a checked data file: trainers and managers edit the framework, and a typo in a rule or
scenario id would silently make a competency impossible to earn. Loading therefore checks every
id against the rule pack and the scenario library and reports each problem on one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sandbox.scenario.models import Family

__all__ = [
    "DEFAULT_FRAMEWORK_PATH",
    "Competency",
    "Framework",
    "FrameworkError",
    "known_rule_ids",
    "known_scenario_ids",
    "load_default_framework",
    "load_framework",
    "parse_framework",
    "scenario_titles",
]

DEFAULT_FRAMEWORK_PATH = Path(__file__).resolve().parent / "competencies.yaml"
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_KEYS = {"id", "name", "description", "families", "rules", "scenarios", "min_passed", "threshold"}


class FrameworkError(ValueError):
    """The framework file is wrong; ``problems`` are one-line messages naming the place."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Competency:
    """One thing a person must show, with how it is measured."""

    id: str
    name: str
    description: str
    families: tuple[Family, ...]
    rules: tuple[str, ...]  # exact rule ids or "prefix.*"
    scenarios: tuple[str, ...]
    min_passed: int
    threshold: int

    def covers_rule(self, rule_id: str) -> bool:
        """True when a finding of ``rule_id`` is about this competency."""
        for ref in self.rules:
            if ref.endswith(".*"):
                if rule_id.startswith(ref[:-1]):
                    return True
            elif rule_id == ref:
                return True
        return False


@dataclass(frozen=True)
class Framework:
    title: str
    competencies: tuple[Competency, ...]
    source: str = ""

    def competency(self, competency_id: str) -> Competency:
        for c in self.competencies:
            if c.id == competency_id:
                return c
        raise KeyError(competency_id)


def _ref_matches(ref: str, known: set[str]) -> bool:
    if ref.endswith(".*"):
        prefix = ref[:-1]
        return any(r.startswith(prefix) for r in known)
    return ref in known


def parse_framework(
    data: Any,
    *,
    source: str = "<framework>",
    rule_ids: Iterable[str] | None = None,
    scenario_ids: Iterable[str] | None = None,
) -> Framework:
    """Build a :class:`Framework` from parsed YAML, collecting every problem before failing.

    ``rule_ids``/``scenario_ids`` are what exists; ``None`` skips that check (e.g. no pack yet).
    """
    problems: list[str] = []
    rules_known = set(rule_ids) if rule_ids is not None else None
    scenarios_known = set(scenario_ids) if scenario_ids is not None else None

    def bad(where: str, message: str) -> None:
        problems.append(f"{source}: {where}: {message}")

    if not isinstance(data, dict):
        raise FrameworkError([f"{source}: the file must be a mapping with a competencies list"])
    if data.get("version", 1) != 1:
        bad("version", f"version {data.get('version')!r} is not supported (this app reads 1)")
    title = str(data.get("title") or "Digital Passport")
    raw = data.get("competencies")
    if not isinstance(raw, list) or not raw:
        raise FrameworkError([f"{source}: competencies: needs at least one competency"])

    seen: set[str] = set()
    out: list[Competency] = []
    for i, item in enumerate(raw, start=1):
        where = f"competency {i}"
        if not isinstance(item, dict):
            bad(where, "must be a mapping with id, name, families, scenarios and threshold")
            continue
        cid = item.get("id")
        if isinstance(cid, str) and _ID_RE.match(cid):
            where = f'competency "{cid}"'
            if cid in seen:
                bad(where, "id is used twice")
            seen.add(cid)
        else:
            bad(where, f"id must be lower-case letters, digits and dashes, got {cid!r}")
            cid = f"competency-{i}"
        for key in sorted(set(item) - _KEYS):
            bad(where, f'unknown key "{key}" (allowed: {", ".join(sorted(_KEYS))})')
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            bad(where, "name is required")
            name = cid

        families: list[Family] = []
        raw_families = item.get("families")
        if not isinstance(raw_families, list) or not raw_families:
            bad(where, "families must list at least one of risk, tone, timing, action")
        else:
            for f in raw_families:
                try:
                    families.append(Family(f))
                except ValueError:
                    bad(where, f'unknown family "{f}" (use risk, tone, timing or action)')

        rules = item.get("rules") or []
        if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
            bad(where, "rules must be a list of rule ids")
            rules = []
        if rules_known is not None:
            for r in rules:
                if not _ref_matches(r, rules_known):
                    what = "no rule starts with" if r.endswith(".*") else "unknown rule id"
                    bad(where, f'{what} "{r[:-1] if r.endswith(".*") else r}" in the rule pack')

        scenarios = item.get("scenarios")
        if not isinstance(scenarios, list) or not scenarios:
            bad(where, "scenarios must list at least one scenario id")
            scenarios = []
        elif scenarios_known is not None:
            for s in scenarios:
                if s not in scenarios_known:
                    bad(where, f'unknown scenario "{s}" (not in the scenario library)')

        threshold = item.get("threshold")
        if (
            isinstance(threshold, bool)
            or not isinstance(threshold, int)
            or not 0 <= threshold <= 100
        ):
            bad(where, f"threshold must be a whole number from 0 to 100, got {threshold!r}")
            threshold = 100
        min_passed = item.get("min_passed", len(scenarios))
        if isinstance(min_passed, bool) or not isinstance(min_passed, int) or min_passed < 1:
            bad(where, f"min_passed must be a whole number of at least 1, got {min_passed!r}")
            min_passed = len(scenarios)
        elif scenarios and min_passed > len(scenarios):
            bad(where, f"min_passed is {min_passed} but only {len(scenarios)} scenarios are listed")

        out.append(
            Competency(
                id=cid,
                name=str(name).strip(),
                description=" ".join(str(item.get("description") or "").split()),
                families=tuple(families),
                rules=tuple(rules),
                scenarios=tuple(str(s) for s in scenarios),
                min_passed=int(min_passed),
                threshold=int(threshold),
            )
        )
    if problems:
        raise FrameworkError(problems)
    return Framework(title=title, competencies=tuple(out), source=source)


def load_framework(
    path: Path,
    *,
    rule_ids: Iterable[str] | None = None,
    scenario_ids: Iterable[str] | None = None,
) -> Framework:
    """Read and check a framework file; :class:`FrameworkError` on any problem."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise FrameworkError([f"{path}: cannot read the framework file ({exc.strerror})"]) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise FrameworkError([f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})"]) from exc
    return parse_framework(data, source=str(path), rule_ids=rule_ids, scenario_ids=scenario_ids)


def known_rule_ids() -> set[str] | None:
    """Ids in the default rule pack, or ``None`` when no pack is installed."""
    try:
        from sandbox.scoring.rulepack import DEFAULT_PACK_PATH, RulePackError, load_rule_pack
    except ImportError:
        return None
    if not DEFAULT_PACK_PATH.exists():
        return None
    try:
        pack = load_rule_pack(DEFAULT_PACK_PATH)
    except RulePackError:  # the scorer reports a broken pack itself; don't hide the passport
        return None
    return {rule.id for rule in pack.rules}


def scenario_titles(scenarios_dir: Path | None = None) -> dict[str, str] | None:
    """Scenario id -> title for the files in the library (``None`` without a library)."""
    from sandbox import paths

    folder = Path(scenarios_dir or paths.SCENARIOS_DIR)
    if not folder.is_dir():
        return None
    titles: dict[str, str] = {}
    for path in sorted(folder.glob("*.y*ml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            titles[data["id"]] = str(data.get("title") or data["id"])
    return titles


def known_scenario_ids(scenarios_dir: Path | None = None) -> set[str] | None:
    """Ids of the scenario files in the library (read from each file's ``id:``)."""
    titles = scenario_titles(scenarios_dir)
    return None if titles is None else set(titles)


def load_default_framework(
    path: Path | None = None, *, scenarios_dir: Path | None = None, check: bool = True
) -> Framework:
    """The framework the app uses, checked against the installed rule pack and scenarios."""
    return load_framework(
        path or DEFAULT_FRAMEWORK_PATH,
        rule_ids=known_rule_ids() if check else None,
        scenario_ids=known_scenario_ids(scenarios_dir) if check else None,
    )
