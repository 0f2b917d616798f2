"""Cross-reference checks the models cannot express field by field.

They run on a scenario that already passed the models, and return each problem with its path in
the file so the loader can point at the exact line: unique ids, authors that exist, replies to
posts that exist, teams that exist, times inside the scenario, and filler templates that only use
known placeholders.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from datetime import timedelta
from typing import NamedTuple

from sandbox.scenario.models import ActionKind, Expectation, Scenario, format_offset
from sandbox.scenario.templates import split_template

Loc = tuple[str | int, ...]


class RefProblem(NamedTuple):
    """A problem at ``loc`` (a path like ``("posts", 2, "author")``); ``what`` follows the key."""

    loc: Loc
    what: str


def _suggest(word: str, known: Iterable[str], noun: str) -> str:
    names = list(dict.fromkeys(known))
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    if close:
        return f'; did you mean "{close[0]}"?'
    if not names:
        return f"; there are no {noun}s"
    shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
    return f"; the {noun}s are: {shown}"


def _unique(items: Iterable[tuple[Loc, str, str]]) -> list[RefProblem]:
    """Duplicate ids among ``(loc, id, description)`` items; the first use wins."""
    seen: dict[str, str] = {}
    problems: list[RefProblem] = []
    for loc, ident, description in items:
        if ident in seen:
            problems.append(
                RefProblem(
                    (*loc, "id"),
                    f'is "{ident}", already the id of {seen[ident]}; ids must be unique',
                )
            )
        else:
            seen[ident] = description
    return problems


def _check_expectation(loc: Loc, expect: Expectation | None, teams: list[str]) -> list[RefProblem]:
    if expect is None:
        return []
    problems: list[RefProblem] = []
    if expect.team is not None and expect.team not in teams:
        problems.append(
            RefProblem(
                (*loc, "expect", "team"),
                f'names team "{expect.team}", which is not in "teams"'
                + _suggest(expect.team, teams, "team"),
            )
        )
    if expect.team is None and list(expect.action) == [ActionKind.escalate]:
        problems.append(
            RefProblem(
                (*loc, "expect"),
                'needs a "team" when escalate is the only accepted action, e.g. team: highways',
            )
        )
    return problems


def check_references(scenario: Scenario) -> list[RefProblem]:
    """Every cross-reference problem in ``scenario`` (empty when it hangs together)."""
    problems: list[RefProblem] = []
    persona_ids = [p.id for p in scenario.personas]
    team_ids = [t.id for t in scenario.teams]
    personas = set(persona_ids)

    problems += _unique(
        (("personas", i), p.id, f"persona {i + 1}") for i, p in enumerate(scenario.personas)
    )
    problems += _unique((("teams", i), t.id, f"team {i + 1}") for i, t in enumerate(scenario.teams))
    problems += _unique(
        (("follow_ups", i), f.id, f"follow-up {i + 1}") for i, f in enumerate(scenario.follow_ups)
    )
    all_posts: list[tuple[Loc, str, str]] = [
        (("posts", i), p.id, f"post {i + 1}") for i, p in enumerate(scenario.posts)
    ]
    for i, fu in enumerate(scenario.follow_ups):
        all_posts += [
            (("follow_ups", i, "posts", j), p.id, f'post {j + 1} of follow-up "{fu.id}"')
            for j, p in enumerate(fu.posts)
        ]
    problems += _unique(all_posts)
    post_ids = [ident for _, ident, _ in all_posts]
    known_posts = set(post_ids)
    scripted_at = {p.id: p.at for p in scenario.posts}
    end = timedelta(minutes=scenario.duration_minutes)
    end_text = f"{format_offset(end)} (duration_minutes: {scenario.duration_minutes})"

    for i, post in enumerate(scenario.posts):
        loc: Loc = ("posts", i)
        if post.author not in personas:
            problems.append(
                RefProblem(
                    (*loc, "author"),
                    f'names "{post.author}", who is not in "personas"'
                    + _suggest(post.author, persona_ids, "persona"),
                )
            )
        if post.at > end:
            problems.append(
                RefProblem(
                    (*loc, "at"),
                    f"is {format_offset(post.at)}, after the scenario ends at {end_text}",
                )
            )
        if post.in_reply_to is not None:
            target = post.in_reply_to
            if target == post.id:
                problems.append(RefProblem((*loc, "in_reply_to"), "cannot be the post itself"))
            elif target not in known_posts:
                problems.append(
                    RefProblem(
                        (*loc, "in_reply_to"),
                        f'names post "{target}", which does not exist'
                        + _suggest(target, post_ids, "post"),
                    )
                )
            elif target in scripted_at and scripted_at[target] > post.at:
                problems.append(
                    RefProblem(
                        (*loc, "in_reply_to"),
                        f'names post "{target}", which appears later '
                        f"({format_offset(scripted_at[target])}); a reply must come after its post",
                    )
                )
        problems += _check_expectation(loc, post.expect, team_ids)

    for i, fu in enumerate(scenario.follow_ups):
        if fu.post not in known_posts:
            problems.append(
                RefProblem(
                    ("follow_ups", i, "post"),
                    f'names post "{fu.post}", which does not exist'
                    + _suggest(fu.post, post_ids, "post"),
                )
            )
        for j, fpost in enumerate(fu.posts):
            loc = ("follow_ups", i, "posts", j)
            if fpost.author not in personas:
                problems.append(
                    RefProblem(
                        (*loc, "author"),
                        f'names "{fpost.author}", who is not in "personas"'
                        + _suggest(fpost.author, persona_ids, "persona"),
                    )
                )
            if fpost.in_reply_to is not None:
                if fpost.in_reply_to == fpost.id:
                    problems.append(RefProblem((*loc, "in_reply_to"), "cannot be the post itself"))
                elif fpost.in_reply_to not in known_posts:
                    problems.append(
                        RefProblem(
                            (*loc, "in_reply_to"),
                            f'names post "{fpost.in_reply_to}", which does not exist'
                            + _suggest(fpost.in_reply_to, post_ids, "post"),
                        )
                    )
            problems += _check_expectation(loc, fpost.expect, team_ids)

    filler = scenario.filler
    if filler.over is not None and filler.over > end:
        problems.append(
            RefProblem(
                ("filler", "over"),
                f"is {format_offset(filler.over)}, longer than the scenario ({end_text})",
            )
        )
    for i, topic in enumerate(filler.topics):
        for j, template in enumerate(topic.templates):
            try:
                split_template(template)
            except ValueError as exc:
                problems.append(RefProblem(("filler", "topics", i, "templates", j), str(exc)))
    return problems
