"""One attempt in progress: the simulated clock, the engine, scoring and saving, without widgets.

The screens only talk to this object. It drives ``SimClock.tick`` from a ``QTimer``, advances
the Qt-free :class:`TimelineEngine`, scores off the GUI thread (``run_op``), and writes every
action, draft and clock position to the database through one serial writer thread so writes
happen in the order the learner made them — and are queued the moment they happen, so a crash
loses nothing that was sent.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal, Slot

from sandbox.scenario.models import ActionKind, Scenario
from sandbox.timeline.clock import SPEEDS, SimClock
from sandbox.ui.guard import if_alive
from sandbox.ui.ops import run_op
from sandbox.ui.trainee.composer import ComposedAction

log = logging.getLogger(__name__)

TICK_MS = 100
LIVE_DEBOUNCE_MS = 150
DRAFT_DEBOUNCE_MS = 800
CLOCK_SAVE_EVERY_MS = 5_000
WARM_UP_DELAY_MS = 300


class SerialWriter(QObject):
    """Runs database writes one at a time, in submission order, off the GUI thread."""

    failed = Signal(object)  # the exception
    _done = Signal(object, object)  # callback, result

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sandbox-writer")
        self._pending: list[Future[Any]] = []
        self._done.connect(self._deliver)

    def submit(self, fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None) -> None:
        def job() -> Any:
            try:
                result = fn()
            except BaseException as exc:
                log.exception("database write failed")
                self.failed.emit(exc)
                return None
            if on_done is not None:
                self._done.emit(on_done, result)
            return result

        self._pending = [f for f in self._pending if not f.done()]
        self._pending.append(self._executor.submit(job))

    @Slot(object, object)
    def _deliver(self, callback: Callable[[Any], None], result: Any) -> None:
        callback(result)

    def flush(self, timeout: float = 10.0) -> None:
        """Wait for queued writes (on close and in tests; never in an ordinary slot)."""
        for f in list(self._pending):
            with contextlib.suppress(Exception):
                f.result(timeout=timeout)
        self._pending = [f for f in self._pending if not f.done()]

    def idle(self) -> bool:
        return all(f.done() for f in self._pending)

    def shutdown(self) -> None:
        self.flush()
        self._executor.shutdown(wait=True)


@dataclass(frozen=True)
class AttemptInfo:
    """Which attempt this session writes to (None when nothing is stored, e.g. in a bench)."""

    attempt_id: str | None
    profile_name: str
    mode: str  # "practice" | "assessment"
    seed: int | None


class TrainingSession(QObject):
    """The live attempt. Emits signals the timeline screen turns into pixels."""

    posts_released = Signal(list)  # list[TimelinePost]
    clock_changed = Signal()
    action_recorded = Signal(object)  # LearnerAction as stored by the engine
    findings_ready = Signal(str, str, object)  # post id, text, ScoreCard
    send_failed = Signal(str)
    ended = Signal()  # the scenario's time is up (or the learner finished)
    saved = Signal()

    def __init__(
        self,
        scenario: Scenario,
        engine: Any,
        scorer: Any,
        *,
        info: AttemptInfo,
        db: Any = None,
        elapsed: timedelta = timedelta(0),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.scenario = scenario
        self.engine = engine
        self.scorer = scorer
        self.info = info
        self.db = db
        self.base_speed = scenario.clock.speed
        self.speed_step = SPEEDS[0]
        self.clock = SimClock(scenario.clock.start, self.base_speed, elapsed=elapsed, paused=True)
        self.writer = SerialWriter(self)
        self.writer.failed.connect(self._on_write_failed)
        self._finished = False
        self._sending = False

        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_tick)
        self._wall = QElapsedTimer()

        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(LIVE_DEBOUNCE_MS)
        self._live_timer.timeout.connect(self._score_live)
        self._live_request: tuple[str, str, ActionKind, str | None] | None = None
        self._live_generation = 0
        self._live_in_flight = False
        self._live_idle = QElapsedTimer()

        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DEBOUNCE_MS)
        self._draft_timer.timeout.connect(self._save_drafts)
        self._dirty_drafts: dict[str, str] = {}
        self._clock_saved = QElapsedTimer()
        self._clock_saved.start()

    @Slot(object)
    def _on_write_failed(self, exc: BaseException) -> None:
        self.send_failed.emit(f"Could not save your work: {exc}")

    # --- clock --------------------------------------------------------------------------
    @property
    def practice(self) -> bool:
        return self.info.mode == "practice"

    @property
    def running(self) -> bool:
        return self._timer.isActive() and not self.clock.paused

    @property
    def finished(self) -> bool:
        return self._finished

    def start(self) -> None:
        """Release whatever is due now and start the clock."""
        self._release()
        self.resume()

    def warm_up(self) -> None:
        """Soon after the first paint, build in the background what was left out of the start:
        the filler's name pools (Faker, unless cached) and a lazily built scorer.

        Waits ``WARM_UP_DELAY_MS`` first: the window's first paint needs the GUI thread, and a
        worker importing modules holds the interpreter lock for much of the time it runs.
        """
        QTimer.singleShot(WARM_UP_DELAY_MS, self, self._warm_up_now)

    @Slot()
    def _warm_up_now(self) -> None:
        prepare_filler = getattr(self.engine, "prepare_filler", None)
        if prepare_filler is not None:
            run_op(
                prepare_filler,
                on_success=lambda _r: None,
                on_failure=lambda exc: log.warning("filler: %r", exc),
            )
        get = getattr(self.scorer, "get", None)
        if get is not None and not getattr(self.scorer, "ready", True):
            run_op(
                get,
                on_success=lambda _s: None,
                on_failure=lambda exc: log.warning("scorer: %r", exc),
            )

    def resume(self) -> None:
        if self._finished:
            return
        self.clock.resume()
        self._wall.restart()
        self._timer.start()
        self.clock_changed.emit()

    def pause(self) -> None:
        self.clock.pause()
        self._timer.stop()
        self.save_clock()
        self.clock_changed.emit()

    def toggle_pause(self) -> None:
        if self.clock.paused:
            self.resume()
        else:
            self.pause()

    def set_speed(self, step: int) -> None:
        """Pick 1×, 5× or 20× the scenario's own pace."""
        if step not in SPEEDS:
            raise ValueError(f"speed must be one of {SPEEDS}")
        self.speed_step = step
        self.clock.speed = self.base_speed * step
        self.clock_changed.emit()

    def skip_to_next(self) -> bool:
        """Jump the clock to the next post; False when nothing else will appear."""
        at = self.engine.next_event_at()
        if at is None:
            return False
        if at > self.clock.elapsed:
            self.clock.jump_to(min(at, self.engine.end_at))
        self._release()
        self.clock_changed.emit()
        self._check_end()
        return True

    def advance_by(self, delta: timedelta) -> None:
        """Move simulated time forward (tests and benchmarks: no real waiting)."""
        self.clock.jump_to(self.clock.elapsed + delta)
        self._release()
        self.clock_changed.emit()
        self._check_end()

    @Slot()
    def _on_tick(self) -> None:
        real = self._wall.restart() / 1000.0
        self.clock.tick(min(real, 1.0))  # a stalled machine must not skip an hour at 20×
        self._release()
        self.clock_changed.emit()
        if self._clock_saved.elapsed() > CLOCK_SAVE_EVERY_MS:
            self.save_clock()
        self._check_end()

    def _release(self) -> None:
        new = self.engine.advance_to(self.clock.elapsed)
        if new:
            self.posts_released.emit(list(new))

    def _check_end(self) -> None:
        if not self._finished and self.engine.is_finished(self.clock.elapsed):
            self.clock.jump_to(max(self.clock.elapsed, self.engine.end_at))
            self.pause()
            self.ended.emit()

    # --- state queries for the model ----------------------------------------------------
    def status(self, post_id: str) -> tuple[Any, timedelta | None]:
        """(state, waiting time) of a post now; one engine query (this runs for every open post)."""
        now = self.clock.elapsed
        state = self.engine.state(post_id, now)
        if str(getattr(state, "value", state)) in ("needs_answer", "overdue"):
            return state, max(timedelta(0), now - self.engine.post(post_id).at)
        return state, None

    # --- live coaching ------------------------------------------------------------------
    def request_findings(self, post_id: str, text: str, kind: ActionKind, team: str | None) -> None:
        """Debounced live scoring: the first keystroke after a pause scores at once, a burst of
        typing is coalesced into one score ``LIVE_DEBOUNCE_MS`` after the last key."""
        if not self.practice:
            return
        self._live_request = (post_id, text, kind, team)
        idle = not self._live_idle.isValid() or self._live_idle.elapsed() > LIVE_DEBOUNCE_MS
        self._live_idle.restart()
        if idle and not self._live_timer.isActive() and not self._live_in_flight:
            self._score_live()
        else:
            self._live_timer.start()

    def cancel_findings(self) -> None:
        """Forget pending live scoring (results still in flight are dropped as stale)."""
        self._live_request = None
        self._live_timer.stop()
        self._live_generation += 1

    @Slot()
    def _score_live(self) -> None:
        if self._live_request is None:
            return
        post_id, text, kind, team = self._live_request
        self._live_request = None
        self._live_generation += 1
        generation = self._live_generation
        context = self.engine.scoring_context(post_id, kind, team, self.clock.elapsed)
        scorer = self.scorer
        self._live_in_flight = True

        def done(card: Any) -> None:
            self._live_in_flight = False
            if generation == self._live_generation:  # stale results are dropped
                self.findings_ready.emit(post_id, text, card)
            if self._live_request is not None and not self._live_timer.isActive():
                self._live_timer.start()

        def failed(exc: BaseException) -> None:
            self._live_in_flight = False
            log.warning("live scoring failed: %r", exc)

        run_op(
            lambda: scorer.score(text, context),
            on_success=if_alive(self, done),
            on_failure=if_alive(self, failed),
        )

    # --- drafts ---------------------------------------------------------------------------
    def draft_changed(self, post_id: str, text: str) -> None:
        self._dirty_drafts[post_id] = text
        self._draft_timer.start()

    @Slot()
    def _save_drafts(self) -> None:
        if self.db is None or self.info.attempt_id is None or not self._dirty_drafts:
            self._dirty_drafts.clear()
            return
        dirty, self._dirty_drafts = self._dirty_drafts, {}
        db, attempt_id = self.db, self.info.attempt_id

        def write() -> None:
            from sandbox.store import crud

            with db.session() as s:
                for post_id, text in dirty.items():
                    if text.strip():
                        crud.save_draft(s, attempt_id=attempt_id, post_id=post_id, text=text)
                    else:
                        crud.clear_draft(s, attempt_id=attempt_id, post_id=post_id)

        self.writer.submit(write, lambda _r: self.saved.emit())

    def save_clock(self) -> None:
        """Store the clock position with the attempt (resume puts the learner back here)."""
        self._clock_saved.restart()
        if self.db is None or self.info.attempt_id is None or self._finished:
            return
        db, attempt_id, seconds = self.db, self.info.attempt_id, self.clock.elapsed.total_seconds()

        def write() -> None:
            from sandbox.store.models import Attempt

            with db.session() as s:
                attempt = s.get(Attempt, attempt_id)
                if attempt is not None and attempt.status == "in_progress":
                    attempt.sim_elapsed_seconds = seconds
                    s.add(attempt)
                    s.commit()

        self.writer.submit(write)

    # --- sending --------------------------------------------------------------------------
    def send(self, composed: ComposedAction, on_sent: Callable[[Any], None] | None = None) -> None:
        """Score the action off the GUI thread, record it in the engine, queue it for saving."""
        if self._finished:
            return
        from sandbox.timeline.engine import LearnerAction

        sim_at = self.clock.elapsed
        context = self.engine.scoring_context(
            composed.post_id, composed.kind, composed.team, sim_at
        )
        scorer = self.scorer
        text = composed.note if composed.kind is ActionKind.escalate else composed.text
        self._sending = True

        def scored(card: Any) -> None:
            self._sending = False
            action = LearnerAction(
                post_id=composed.post_id,
                kind=composed.kind,
                text=composed.text,
                team=composed.team,
                note=composed.note,
                score=card,
                sim_at=sim_at,
            )
            stored = self.engine.record(action)
            self._dirty_drafts.pop(composed.post_id, None)
            self._persist_action(stored, context)
            self.action_recorded.emit(stored)
            self._release()
            if on_sent is not None:
                on_sent(stored)

        def failed(exc: BaseException) -> None:
            self._sending = False
            self.send_failed.emit(f"Could not score that action: {exc}")

        run_op(
            lambda: scorer.score(text, context),
            on_success=if_alive(self, scored),
            on_failure=if_alive(self, failed),
        )

    def _persist_action(self, action: Any, context: Any) -> None:
        if self.db is None or self.info.attempt_id is None:
            return
        db, attempt_id = self.db, self.info.attempt_id

        def write() -> None:
            from sandbox.store import crud

            with db.session() as s:
                crud.record_action(
                    s,
                    attempt_id=attempt_id,
                    post_id=action.post_id,
                    kind=action.kind,
                    text=action.text,
                    team=action.team,
                    note=action.note or None,
                    sim_at_seconds=action.sim_at.total_seconds(),
                    elapsed_minutes=context.elapsed_minutes,
                    target_minutes=context.target_minutes,
                    score_card=action.score,
                )

        self.writer.submit(write, lambda _r: self.saved.emit())
        self.save_clock()

    # --- finishing ----------------------------------------------------------------------------
    def finish(self, on_done: Callable[[Any], None]) -> None:
        """End the attempt: stop the clock, score missed posts, store the result."""
        if self._timer.isActive():
            self.pause()
        self._draft_timer.stop()
        self._save_drafts()
        now = (
            min(self.clock.elapsed, self.engine.end_at)
            if self.engine.is_finished(self.clock.elapsed)
            else self.clock.elapsed
        )
        engine, scorer = self.engine, self.scorer
        db, attempt_id = self.db, self.info.attempt_id

        def compute() -> Any:
            from sandbox.ui.trainee.outcome import build_outcome

            return build_outcome(
                engine, now, _missed_scorer(scorer), getattr(scorer, "weights", None)
            )

        def computed(outcome: Any) -> None:
            self._finished = True
            if db is not None and attempt_id is not None:

                def write() -> None:
                    from sandbox.store import crud

                    with db.session() as s:
                        crud.finish_attempt(
                            s,
                            attempt_id=attempt_id,
                            score_overall=outcome.overall,
                            score_risk=outcome.scores.get(_family("risk")),
                            score_tone=outcome.scores.get(_family("tone")),
                            score_timing=outcome.scores.get(_family("timing")),
                            score_action=outcome.scores.get(_family("action")),
                            sim_elapsed_seconds=now.total_seconds(),
                        )

                self.writer.submit(write)
            on_done(outcome)

        run_op(
            compute,
            on_success=if_alive(self, computed),
            on_failure=if_alive(
                self, lambda exc: self.send_failed.emit(f"Could not finish: {exc}")
            ),
        )

    def close(self) -> None:
        """Stop timers and flush writes (the window is closing or the learner left)."""
        self._timer.stop()
        self._live_timer.stop()
        if self._draft_timer.isActive():
            self._draft_timer.stop()
            self._save_drafts()
        if not self._finished:
            self.save_clock()
        self.writer.flush()


def _family(name: str) -> Any:
    from sandbox.scenario.models import Family

    return Family(name)


def _missed_scorer(scorer: Any) -> Callable[[Any], Any]:
    """The scorer's "no answer" card (module function or method, whichever exists)."""
    fn: Callable[[Any], Any] | None = getattr(scorer, "score_missed", None)
    if fn is not None:
        return fn
    from sandbox.scoring.engine import score_missed

    return score_missed
