"""Screenshots of the trainee's screens for ``sandbox shoot`` (sign-in to results)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from PySide6.QtWidgets import QWidget

from sandbox.ui.shoot import ShotContext

POOR_DRAFT = (
    "Hi, we have sent your details to the team. Please post your address and phone number here "
    "so we can check. We guarantee it will be sorted today!!"
)


def _open_posts(screen: Any) -> list[Any]:
    from sandbox.ui.trainee.feed_model import OPEN_STATES, StateRole

    model = screen.model
    return [
        model.post_at(r)
        for r in range(model.rowCount())
        if model.index(r, 0).data(StateRole) in OPEN_STATES
    ]


def shots(ctx: ShotContext) -> Iterator[tuple[str, QWidget]]:
    from sandbox.scenario.models import ActionKind
    from sandbox.ui.trainee.picker import ScenarioPicker
    from sandbox.ui.trainee.results_screen import ResultsScreen
    from sandbox.ui.trainee.signin import SignInScreen
    from sandbox.ui.trainee.timeline_screen import TimelineScreen

    w = ctx.window
    w.show_sign_in()
    ctx.wait_until(
        lambda: (
            isinstance(w.current_screen(), SignInScreen) and w.current_screen().profiles.count() > 0
        ),
        what="the profile list",
    )
    yield "trainee-1-sign-in", w

    trainee = ctx.profile("trainee")
    w.sign_in(trainee)
    ctx.wait_until(
        lambda: (
            isinstance(w.current_screen(), ScenarioPicker) and w.current_screen().list.count() > 0
        ),
        what="the scenario library",
    )
    picker = w.current_screen()
    picker.select_scenario(ctx.scenario.id)
    yield "trainee-2-scenario-picker", w

    ready: list[Any] = []
    w.start_attempt(ctx.scenario_path, "practice", on_ready=ready.append)
    ctx.wait_until(lambda: bool(ready), what="the scenario to open")
    screen: TimelineScreen = ready[0]
    session = screen.session
    session.pause()
    session.set_speed(5)
    session.advance_by(timedelta(minutes=24))
    ctx.settle()

    # answer one post well (its model answer) so the feed shows the learner's own reply
    open_posts = _open_posts(screen)
    if open_posts:
        first = next((p for p in open_posts if p.expect and p.expect.model_answers), open_posts[0])
        screen.select_post(first.id)
        kind = first.expect.action[0] if first.expect else ActionKind.reply
        screen.composer.set_kind(
            kind if kind in (ActionKind.reply, ActionKind.private_message) else ActionKind.reply
        )
        answer = (
            first.expect.model_answers[0]
            if first.expect and first.expect.model_answers
            else "Thank you."
        )
        screen.composer.editor.setPlainText(answer[: ctx.scenario.platform.limit])
        n = len(session.engine.actions)
        screen.composer.send()
        ctx.wait_until(lambda: len(session.engine.actions) > n, what="the reply to be recorded")
    session.advance_by(timedelta(minutes=2))
    open_posts = _open_posts(screen)
    target = open_posts[0] if open_posts else None  # the newest: near the reply just sent
    screen.show_newest()
    if target is not None:
        screen.select_post(target.id)
    screen.view.setFocus()
    yield "trainee-3-timeline", w

    if target is not None:
        screen.composer.set_kind(ActionKind.reply)
        screen.composer.editor.setPlainText(POOR_DRAFT)
        ctx.wait_until(lambda: screen.composer.findings_model.rowCount() > 0, what="live findings")
    yield "trainee-4-composer-findings", w

    w.set_high_contrast(True)
    ctx.settle()
    yield "trainee-4b-high-contrast", w
    w.set_high_contrast(False)
    ctx.settle()

    screen.finish()
    ctx.wait_until(lambda: isinstance(w.current_screen(), ResultsScreen), what="the results")
    yield "trainee-5-results", w
    results = w.current_screen()
    bar = results.browser.verticalScrollBar()
    bar.setValue(bar.maximum() // 3)
    yield "trainee-6-results-post-by-post", w

    # the community-page look: cards, threaded comments, the learner's reply in its thread
    community = ctx.scenarios_dir / "bins-flytipping.yaml"
    if community.is_file():
        ready.clear()
        w.start_attempt(community, "assessment", on_ready=ready.append)
        ctx.wait_until(lambda: bool(ready), what="the community scenario to open")
        page: TimelineScreen = ready[0]
        page.session.pause()
        page.session.advance_by(timedelta(minutes=40))
        ctx.settle()
        threaded = [
            page.model.post_at(r)
            for r in range(page.model.rowCount())
            if page.model.post_at(r).in_reply_to
        ]
        if threaded:
            page.select_post(threaded[0].id)
            page.composer.set_kind(ActionKind.reply)
            page.composer.editor.setPlainText("Thanks for letting us know. We will look into it.")
        yield "trainee-7-community-assessment", w
