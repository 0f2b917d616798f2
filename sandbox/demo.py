"""Realistic demo data: people, and attempts played through the real timeline and scorer.

Why not made-up numbers: the review, workshop and report screens are judged by what they show,
so the demo learners really play the scenarios — each post is released by the timeline engine,
each reply is scored by the shipped rule pack, follow-ups fire from what the learner did — and
everything is written through ``sandbox.store.crud`` exactly as the app writes it. Stronger
learners mostly send the scenario's model answers on time; weaker ones send the kind of replies
trainers see in real workshops (corporate jargon, asking for personal details in public,
promises, arguing with trolls) and answer late or not at all. The same seed gives the same data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sandbox.scenario.models import ActionKind, Expectation, Family, Scenario
from sandbox.scenario.timeline_posts import TimelinePost

__all__ = [
    "DEMO_MANAGER_PASSPHRASE",
    "DEMO_TRAINER_PASSPHRASE",
    "DemoSummary",
    "play_attempt",
    "seed_demo",
]

DEMO_TRAINER_PASSPHRASE = "demo trainer passphrase"
DEMO_MANAGER_PASSPHRASE = "demo manager passphrase"
DEMO_TEAMS = ("Customer services", "Communications")
DEFAULT_SCENARIOS = ("flood-rumours", "bins-flytipping", "traffic-light-down")


@dataclass
class DemoSummary:
    """What :func:`seed_demo` made (ids, so screens and tests can open them)."""

    trainer_id: str
    manager_id: str
    trainee_ids: list[str]
    attempt_ids: list[str] = field(default_factory=list)
    scenario_ids: list[str] = field(default_factory=list)
    actions: int = 0
    reviewed: int = 0
    trainer_passphrase: str = DEMO_TRAINER_PASSPHRASE
    manager_passphrase: str = DEMO_MANAGER_PASSPHRASE


# ------------------------------------------------------------------ reply banks

_POOR_GENERIC = (
    "Please be advised that your enquiry has been actioned and will be dealt with in due course.",
    "Thank you for your feedback. Your comments have been noted and passed to the relevant department.",
    "Can you reply with your full address and date of birth so we can look into this for you?",
    "We guarantee this will be sorted by tomorrow, 100%.",
    "Maybe check our website before posting next time, it's all on there.",
    "PLEASE READ OUR UPDATES BEFORE POSTING!!!",
    "Thanks for your message.",
    "Sorry about that, it's our fault and we'll pay for any damage caused.",
    "Honestly the government cuts are to blame for this mess, not us.",
    "We are aware. Please refer to the council website for further information in due course.",
)
_POOR_TROLL = (
    "That's simply not true and you know it. Stop spreading rubbish.",
    "Do your own research before posting nonsense like this.",
)
_ESCALATION_NOTES = (
    "Resident needs help urgently — please pick this up now.",
    "Passing this on: see the post on our timeline, needs your team.",
    "FYI",
)


def _poor_reply(rng: random.Random, post: TimelinePost) -> str:
    """A realistic weak reply: often the very thing the scenario says not to say."""
    expect = post.expect
    if expect is not None and expect.must_not_say and rng.random() < 0.45:
        point = rng.choice(expect.must_not_say)
        phrase = rng.choice(point.any_of).replace("*", "")
        opener = rng.choice(("Thanks for getting in touch.", "Hi there.", "Noted."))
        return f"{opener} {phrase[:1].upper()}{phrase[1:]}."
    if post.author.kind.value in ("troll", "parody"):
        return rng.choice(_POOR_TROLL)
    return rng.choice(_POOR_GENERIC)


def _good_reply(rng: random.Random, expect: Expectation) -> str:
    if expect.model_answers:
        answer = rng.choice(expect.model_answers)
        sentences = [x for x in answer.replace("! ", "!|").replace(". ", ".|").split("|") if x]
        if len(sentences) > 2 and rng.random() < 0.45:
            # Real good replies are rarely word-perfect: one sentence dropped.
            del sentences[rng.randrange(1, len(sentences))]
            answer = " ".join(sentences)
        return answer
    labels = [p.label.lower() for p in expect.covers]
    return "Thanks for letting us know. " + (f"We'll {labels[0]}." if labels else "We're on it.")


@dataclass
class _Plan:
    due: timedelta
    post: TimelinePost
    kind: ActionKind
    text: str = ""
    team: str | None = None
    note: str = ""


def _plan_for(
    rng: random.Random, post: TimelinePost, skill: float, target: int | None, end: timedelta
) -> list[_Plan]:
    """What a learner of ``skill`` (0–1) does with a post, and when.

    Long targets (a working day) are squeezed into the session: learners answer within the
    scenario's time, the good ones well within the target, the weak ones often past it.
    """
    expect = post.expect
    if expect is None:
        return []
    good = rng.random() < skill
    minutes = min(float(target or 60), 30.0)
    if expect.needs_answer:
        if rng.random() < (1 - skill) * 0.35:
            return []  # missed: silence is rude
        factor = rng.uniform(0.15, 0.7) if good else rng.uniform(0.6, 2.2)
        due = post.at + timedelta(minutes=max(1.0, minutes * factor))
        if due >= end:
            due = post.at + (end - post.at) * rng.uniform(0.5, 0.95)
        kinds = list(expect.action)
        plans: list[_Plan] = []
        text_kind = next(
            (k for k in kinds if k in (ActionKind.reply, ActionKind.private_message)), None
        )
        if text_kind is None and not good:
            text_kind = ActionKind.reply
        if text_kind is not None:
            text = _good_reply(rng, expect) if good else _poor_reply(rng, post)
            plans.append(_Plan(due, post, text_kind, text=text))
        if ActionKind.escalate in kinds and (good or rng.random() < 0.4):
            team = expect.team or "customer_services"
            note = (
                f"Please pick this up: {post.author.name} ({post.author.handle}) needs help."
                if good
                else rng.choice(_ESCALATION_NOTES)
            )
            plans.append(
                _Plan(due + timedelta(minutes=1), post, ActionKind.escalate, team=team, note=note)
            )
        return plans
    # Posts that want leaving alone, hiding or a like.
    due = post.at + timedelta(minutes=rng.uniform(2, 20))
    if good:
        return [_Plan(due, post, expect.action[0])]
    if rng.random() < 0.6:
        return [_Plan(due, post, ActionKind.reply, text=_poor_reply(rng, post))]
    return []


# ------------------------------------------------------------------ one attempt


def play_attempt(
    session: Any,
    *,
    scenario: Scenario,
    scorer: Any,
    profile_id: str,
    seed: int,
    skill: float,
    mode: str,
    started_at: datetime,
    rng: random.Random,
    finish: bool = True,
    scenario_hash: str = "",
) -> tuple[str, int]:
    """Play one attempt through the timeline engine and store it; (attempt id, actions)."""
    from sandbox.store import crud
    from sandbox.timeline.engine import LearnerAction, TimelineEngine
    from sandbox.ui.trainee.outcome import build_outcome

    engine = TimelineEngine(scenario, seed=seed)
    attempt = crud.start_attempt(
        session,
        profile_id=profile_id,
        scenario_id=scenario.id,
        scenario_title=scenario.title,
        scenario_version=scenario.version,
        scenario_hash=scenario_hash,
        seed=seed,
        mode=mode,
        started_at=started_at,
    )
    pace = 4.0  # demo learners play at 4× on average: wall time = sim time / 4
    end = engine.end_at
    stop_at = end if finish else end * rng.uniform(0.3, 0.6)
    pending: list[_Plan] = []
    count = 0

    def take(posts: list[TimelinePost]) -> None:
        for post in posts:
            target = engine.target_minutes(post.id)
            pending.extend(_plan_for(rng, post, skill, target, end))
        pending.sort(key=lambda p: p.due)

    take(engine.advance_to(timedelta(0)))
    while True:
        next_post = engine.next_event_at()
        next_plan = pending[0].due if pending else None
        if next_plan is not None and (next_post is None or next_plan <= next_post):
            if next_plan > stop_at:
                break
            plan = pending.pop(0)
            context = engine.scoring_context(plan.post.id, plan.kind, plan.team, plan.due)
            scored_text = plan.note if plan.kind is ActionKind.escalate else plan.text
            card = scorer.score(scored_text, context)
            stored = engine.record(
                LearnerAction(
                    post_id=plan.post.id,
                    kind=plan.kind,
                    text=plan.text,
                    team=plan.team,
                    note=plan.note,
                    score=card,
                    sim_at=plan.due,
                )
            )
            crud.record_action(
                session,
                attempt_id=attempt.id,
                post_id=stored.post_id,
                kind=stored.kind,
                text=stored.text,
                team=stored.team,
                note=stored.note or None,
                sim_at_seconds=stored.sim_at.total_seconds(),
                elapsed_minutes=context.elapsed_minutes,
                target_minutes=context.target_minutes,
                score_card=card,
                wall_at=started_at + stored.sim_at / pace,
            )
            count += 1
            take(engine.advance_to(stored.sim_at))
        elif next_post is not None and next_post <= stop_at:
            take(engine.advance_to(next_post))
        else:
            break
    if finish:
        engine.advance_to(end)
        outcome = build_outcome(engine, end, scorer.score_missed)
        crud.finish_attempt(
            session,
            attempt_id=attempt.id,
            score_overall=outcome.overall,
            score_risk=outcome.scores.get(Family.risk),
            score_tone=outcome.scores.get(Family.tone),
            score_timing=outcome.scores.get(Family.timing),
            score_action=outcome.scores.get(Family.action),
            sim_elapsed_seconds=end.total_seconds(),
            ended_at=started_at + end / pace,
        )
    else:
        from sandbox.store.models import Attempt

        row = session.get(Attempt, attempt.id)
        if row is not None:
            row.sim_elapsed_seconds = stop_at.total_seconds()
            session.add(row)
            session.commit()
    return attempt.id, count


# ------------------------------------------------------------------ the whole demo


def _load_scenarios(scenarios_dir: Path | None, wanted: tuple[str, ...]) -> list[Scenario]:
    from sandbox.review.scenarios import find_scenario

    found = [s for s in (find_scenario(sid, scenarios_dir) for sid in wanted) if s is not None]
    if not found:
        from sandbox.review.scenarios import scenario_files
        from sandbox.scenario.loader import load_scenario

        found = [load_scenario(p) for p in scenario_files(scenarios_dir)[:3]]
    if not found:
        raise RuntimeError("No scenarios found for the demo data.")
    return found


def seed_demo(
    db: Any,
    *,
    trainees: int = 8,
    seed: int = 7,
    scenarios_dir: Path | None = None,
    scenario_ids: tuple[str, ...] = DEFAULT_SCENARIOS,
    now: datetime | None = None,
    reviews: bool = True,
) -> DemoSummary:
    """Fill ``db`` with a trainer, a manager, trainees in two teams and their attempts.

    Each trainee plays every demo scenario in practice over the past weeks, and most also sit
    an assessment of one of them; the trainer has reviewed about half the finished attempts
    (with comments, and one score override). One attempt is left in progress.
    Passphrases: :data:`DEMO_TRAINER_PASSPHRASE` and :data:`DEMO_MANAGER_PASSPHRASE`.
    """
    from faker import Faker

    from sandbox import auth
    from sandbox.review import actions as review_actions
    from sandbox.scoring.engine import default_scorer
    from sandbox.store import crud

    rng = random.Random(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    now = now or datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    scenarios = _load_scenarios(scenarios_dir, scenario_ids)
    base_scorer = default_scorer()
    scorers = {s.id: base_scorer.for_scenario(s) for s in scenarios}
    hashes: dict[str, str] = {}
    try:
        from sandbox.review.scenarios import scenario_files
        from sandbox.scenario.library import scenario_hash

        for p in scenario_files(scenarios_dir):
            for s in scenarios:
                if p.stem == s.id:
                    hashes[s.id] = scenario_hash(p)
    except ImportError:
        pass

    with db.session() as s:
        trainer = crud.find_profile(s, name_or_id="Tess Whitfield")
        if trainer is None or trainer.role != "trainer":
            trainer = auth.create_protected_profile(
                s,
                name="Tess Whitfield",
                role="trainer",
                team="Learning and development",
                passphrase=DEMO_TRAINER_PASSPHRASE,
                repeat=DEMO_TRAINER_PASSPHRASE,
                actor=None if not auth.protected_profiles_exist(s) else _first_reviewer(s),
            )
        manager = crud.find_profile(s, name_or_id="Marcus Osei")
        if manager is None or manager.role != "manager":
            manager = auth.create_protected_profile(
                s,
                name="Marcus Osei",
                role="manager",
                team="Communications",
                passphrase=DEMO_MANAGER_PASSPHRASE,
                repeat=DEMO_MANAGER_PASSPHRASE,
                actor=trainer,
            )
        summary = DemoSummary(
            trainer_id=trainer.id,
            manager_id=manager.id,
            trainee_ids=[],
            scenario_ids=[sc.id for sc in scenarios],
        )
        people: list[tuple[str, float]] = []
        used: set[str] = set()
        for i in range(trainees):
            name = fake.name()
            while name in used:
                name = fake.name()
            used.add(name)
            person = crud.create_profile(s, name=name, role="trainee", team=DEMO_TEAMS[i % 2])
            skill = 0.1 + 0.85 * ((i * 0.618 + rng.random() * 0.3) % 1.0)
            people.append((person.id, skill))
            summary.trainee_ids.append(person.id)

        finished: list[str] = []
        sits_assessment = [i % 4 != 3 for i in range(len(people))]
        # The last person sitting an assessment is still doing it (an attempt in progress).
        unfinished = max((i for i, sits in enumerate(sits_assessment) if sits), default=-1)
        for i, (pid, skill) in enumerate(people):
            for j, sc in enumerate(scenarios):
                days_ago = 35 - 9 * j - rng.randint(0, 4)
                start = now - timedelta(days=days_ago, hours=rng.randint(0, 6))
                grown = min(0.97, skill + 0.08 * j)  # people improve with practice
                attempt_seed = rng.randint(1, 10_000)
                aid, n = play_attempt(
                    s,
                    scenario=sc,
                    scorer=scorers[sc.id],
                    profile_id=pid,
                    seed=attempt_seed,
                    skill=grown,
                    mode="practice",
                    started_at=start,
                    rng=rng,
                    scenario_hash=hashes.get(sc.id, ""),
                )
                summary.attempt_ids.append(aid)
                summary.actions += n
                finished.append(aid)
            if sits_assessment[i]:  # most sit an assessment at the end
                sc = scenarios[i % len(scenarios)]
                start = now - timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 6))
                last = i == unfinished
                aid, n = play_attempt(
                    s,
                    scenario=sc,
                    scorer=scorers[sc.id],
                    profile_id=pid,
                    seed=rng.randint(1, 10_000),
                    skill=min(0.97, skill + 0.15),
                    mode="assessment",
                    started_at=start,
                    rng=rng,
                    finish=not last,
                    scenario_hash=hashes.get(sc.id, ""),
                )
                summary.attempt_ids.append(aid)
                summary.actions += n
                if not last:
                    finished.append(aid)

        if reviews:
            summary.reviewed = _review_some(s, trainer, finished, rng, review_actions)
    return summary


def _first_reviewer(session: Any) -> Any:
    from sqlmodel import col, select

    from sandbox.store.models import Profile

    return session.exec(
        select(Profile).where(col(Profile.role).in_(["trainer", "manager"])).limit(1)
    ).first()


def _review_some(
    session: Any, trainer: Any, attempt_ids: list[str], rng: random.Random, ra: Any
) -> int:
    """The trainer has worked through the older half of the attempts."""
    from sandbox.store import crud

    reviewed = 0
    overridden = False
    for aid in attempt_ids[: len(attempt_ids) // 2]:
        if rng.random() < 0.35:
            continue
        attempt = crud.get_attempt(session, attempt_id=aid)
        if attempt is None:
            continue
        actions = [a for a in crud.list_actions(session, attempt_id=aid) if a.text]
        if actions:
            worst = min(
                actions, key=lambda a: a.score_overall if a.score_overall is not None else 100
            )
            if (worst.score_overall or 100) < 70:
                ra.add_comment(
                    session,
                    reviewer=trainer,
                    attempt_id=aid,
                    action_id=worst.id,
                    text=rng.choice(
                        (
                            "Have another look at the guidance on personal details in public replies.",
                            "Good instinct to answer quickly, but say what happens next.",
                            "Too corporate: read it aloud — would you say this to a neighbour?",
                            "Never promise what the service can't guarantee.",
                        )
                    ),
                )
            best = max(actions, key=lambda a: a.score_tone if a.score_tone is not None else 0)
            if not overridden and best.score_tone is not None and best.score_tone < 95:
                ra.override_score(
                    session,
                    reviewer=trainer,
                    attempt_id=aid,
                    action_id=best.id,
                    family="tone",
                    new=min(100, best.score_tone + 15),
                    reason="Warm and human for this audience; the formality flag is too strict here.",
                )
                overridden = True
        outcome = "passed" if (attempt.score_overall or 0) >= 70 else "not_yet"
        ra.mark_reviewed(session, reviewer=trainer, attempt_id=aid, outcome=outcome)
        reviewed += 1
    return reviewed
