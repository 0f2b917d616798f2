"""Getting an attempt ready off the GUI thread: load, build the timeline, start or resume (Qt-free).

Building a 10,000-post timeline and replaying stored actions take long enough to freeze a
window, so the GUI runs these functions through ``run_op`` and only builds widgets afterwards.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sandbox.scenario.models import Scenario


class ResumeError(Exception):
    """An unfinished attempt cannot be rebuilt (e.g. its scenario file has gone)."""


@dataclass
class PreparedAttempt:
    scenario: Scenario
    path: Path
    engine: Any  # TimelineEngine
    scorer: Any  # Scorer
    mode: str
    seed: int
    attempt_id: str | None
    elapsed: timedelta = timedelta(0)
    drafts: dict[str, str] = field(default_factory=dict)
    resumed: bool = False


def scorer_for(scenario: Scenario, path: Path) -> Any:
    from sandbox.scoring.engine import default_scorer

    return default_scorer().for_scenario(scenario, base_dir=path.parent)


class LazyScorer:
    """The scenario's scorer, built on first use (on a worker thread, never the GUI's).

    Loading the rule pack and the sentiment lexicon takes about half a second; the timeline can
    be on screen before that. Thread-safe: the first caller builds, others wait for it.
    """

    def __init__(self, scenario: Scenario, path: Path) -> None:
        self._args = (scenario, path)
        self._lock = threading.Lock()
        self._scorer: Any = None

    def get(self) -> Any:
        with self._lock:
            if self._scorer is None:
                self._scorer = scorer_for(*self._args)
            return self._scorer

    @property
    def ready(self) -> bool:
        return self._scorer is not None

    def score(self, reply_text: str, context: Any) -> Any:
        return self.get().score(reply_text, context)

    def score_missed(self, context: Any) -> Any:
        return self.get().score_missed(context)

    @property
    def weights(self) -> Any:
        return self.get().weights


def prepare_new(
    db: Any, profile_id: str | None, path: Path, mode: str, seed: int | None = None
) -> PreparedAttempt:
    """Load the scenario, build its timeline, and record the start of the attempt."""
    from sandbox.scenario.library import scenario_hash
    from sandbox.scenario.loader import load_scenario
    from sandbox.timeline.engine import TimelineEngine

    scenario = load_scenario(path)
    seed = scenario.filler.seed if seed is None else seed
    engine = TimelineEngine(scenario, seed=seed)
    # Release what is due at the start here, off the GUI thread: a filler post among it needs
    # the name pools (Faker on a seed's first run). Later filler is made as it is released.
    engine.advance_to(timedelta(0))
    scorer = LazyScorer(scenario, path)
    attempt_id = None
    if db is not None and profile_id is not None:
        from sandbox.store import crud

        with db.session() as s:
            attempt = crud.start_attempt(
                s,
                profile_id=profile_id,
                scenario_id=scenario.id,
                scenario_title=scenario.title,
                scenario_version=scenario.version,
                scenario_hash=scenario_hash(path),
                seed=seed,
                mode=mode,
            )
            attempt_id = attempt.id
    return PreparedAttempt(scenario, path, engine, scorer, mode, seed, attempt_id)


def find_scenario_file(scenarios_dir: Path, scenario_id: str) -> Path | None:
    from sandbox.scenario.library import discover

    for info in discover(scenarios_dir, include_stress=True):
        if info.ok and info.id == scenario_id:
            return info.path
    return None


def prepare_resume(db: Any, attempt_id: str, scenarios_dir: Path) -> PreparedAttempt:
    """Rebuild an interrupted attempt: same scenario and seed, every stored action replayed."""
    from sandbox.scenario.loader import load_scenario
    from sandbox.store import crud
    from sandbox.timeline.engine import LearnerAction, TimelineEngine

    with db.session() as s:
        attempt = crud.get_attempt(s, attempt_id=attempt_id)
        if attempt is None:
            raise ResumeError("That attempt no longer exists.")
        records = crud.list_actions(s, attempt_id=attempt_id)
        drafts = crud.get_drafts(s, attempt_id=attempt_id)
        actions = [
            LearnerAction(
                post_id=r.post_id,
                kind=_kind(r.kind),
                text=r.text or "",
                team=r.team,
                note=r.note or "",
                score=crud.action_score_card(r),
                sim_at=timedelta(seconds=r.sim_at_seconds),
            )
            for r in records
        ]
        scenario_id, seed, mode = attempt.scenario_id, attempt.seed, attempt.mode
        saved = attempt.sim_elapsed_seconds or 0.0
    path = find_scenario_file(scenarios_dir, scenario_id)
    if path is None:
        raise ResumeError(
            f'The scenario "{scenario_id}" is no longer in the library, so this attempt cannot resume.'
        )
    scenario = load_scenario(path)
    until = max([timedelta(seconds=saved)] + [a.sim_at for a in actions])
    try:
        engine = TimelineEngine.replay(scenario, seed, actions, until)
    except (ValueError, KeyError) as exc:
        raise ResumeError(
            f"The scenario file has changed since this attempt began, so it cannot resume ({exc})."
        ) from exc
    return PreparedAttempt(
        scenario,
        path,
        engine,
        scorer_for(scenario, path),
        mode,
        seed,
        attempt_id,
        until,
        drafts,
        resumed=True,
    )


def _kind(value: str) -> Any:
    from sandbox.scenario.models import ActionKind

    return ActionKind(value)
