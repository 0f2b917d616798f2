"""``sandbox shoot``: render every screen to PNG offscreen, from the app itself.

Each screen-owning package has a ``shots`` module with ``shots(ctx) -> Iterable[(name, widget)]``;
it drives the real window into a state (on a fresh demo database, with a fixed scenario and
seed) and yields; the widget is grabbed right after each yield, so one generator can walk a
whole flow. Nothing here draws a screen of its own: the PNGs are what users see.
"""

from __future__ import annotations

import importlib
import logging
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QThread, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from sandbox import paths

log = logging.getLogger(__name__)

SHOT_MODULES = ["sandbox.ui.trainee.shots", "sandbox.ui.review.shots", "sandbox.ui.reports.shots"]
SIZES: tuple[tuple[int, int], ...] = ((1280, 800), (1024, 640))
DEMO_SCENARIO = "flood-rumours"
DEMO_SEED = 7

ShotFn = Callable[["ShotContext"], Iterable[tuple[str, QWidget]]]


def settle(until: Callable[[], bool] | None = None, timeout: float = 20.0) -> None:
    """Let background ops finish and their callbacks run (until ``until()`` is true)."""
    from sandbox.ui.ops import pool

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pool().waitForDone(50)
        QApplication.processEvents()
        if (until is None and pool().activeThreadCount() == 0) or (until is not None and until()):
            break
    QApplication.processEvents()


class ShotTimeout(RuntimeError):
    """A screen did not reach the state a shot needs (a bug to report, not to hide)."""


@dataclass
class ShotContext:
    """What a shots module gets: a fresh demo database, the window, the demo scenario."""

    db: Any
    window: Any  # MainWindow
    scenarios_dir: Path
    scenario_path: Path
    scenario: Any  # Scenario
    seed: int
    size: tuple[int, int]
    demo: Any = None  # DemoSummary when sandbox.demo is available
    extra: dict[str, Any] = field(default_factory=dict)

    def settle(self, msecs: int = 150) -> None:
        """Let queued events, layouts and paints run."""
        loop = QEventLoop()
        QTimer.singleShot(msecs, loop.quit)
        loop.exec()

    def wait_until(
        self, predicate: Callable[[], bool], timeout: float = 20.0, what: str = "the screen"
    ) -> None:
        """Process events until ``predicate()`` is true; ShotTimeout after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise ShotTimeout(f"timed out waiting for {what}")
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            QThread.msleep(10)
        self.settle(100)

    def profile(self, role: str) -> Any:
        """A profile of ``role`` from the demo data (created if the demo made none)."""
        from sandbox.store import crud

        with self.db.session() as s:
            found = crud.list_profiles(s, role=role)
            if found:
                return found[0]
            return crud.create_profile(s, name="Priya Shah", role=role, team="Customer services")


def _demo_scenario(scenarios_dir: Path) -> Path:
    preferred = scenarios_dir / f"{DEMO_SCENARIO}.yaml"
    if preferred.is_file():
        return preferred
    from sandbox.scenario.library import discover

    for info in discover(scenarios_dir):
        if info.ok:
            return info.path
    raise FileNotFoundError(f"no usable scenario in {scenarios_dir}")


def _seed(db: Any, scenarios_dir: Path) -> Any:
    try:
        from sandbox.demo import seed_demo
    except ImportError:
        return None
    return seed_demo(db, trainees=8, seed=DEMO_SEED, scenarios_dir=scenarios_dir)


def shot_functions(modules: Iterable[str] = SHOT_MODULES) -> list[tuple[str, ShotFn]]:
    """The ``shots`` functions of the modules that exist (a missing package is skipped)."""
    found = []
    for name in modules:
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                log.info("no shots from %s (not installed)", name)
                continue
            raise
        found.append((name, mod.shots))
    return found


def render(
    out_dir: Path,
    *,
    sizes: Iterable[tuple[int, int]] = SIZES,
    modules: Iterable[str] = SHOT_MODULES,
    only: str | None = None,
    scenarios_dir: Path | None = None,
    progress: Callable[[str], None] = print,
) -> list[Path]:
    """Render every shot at every size into ``out_dir``; returns the files written."""
    from sandbox.scenario.loader import load_scenario
    from sandbox.store.db import open_database
    from sandbox.ui.main_window import MainWindow
    from sandbox.ui.theme import apply_palette

    app = QApplication.instance()
    assert isinstance(app, QApplication), "create_app() first"
    out_dir.mkdir(parents=True, exist_ok=True)
    folder = Path(scenarios_dir or paths.SCENARIOS_DIR)
    scenario_path = _demo_scenario(folder)
    scenario = load_scenario(scenario_path)
    functions = shot_functions(modules)
    written: list[Path] = []
    for width, height in sizes:
        with tempfile.TemporaryDirectory(prefix="sandbox-shoot-") as tmp:
            db = open_database(f"sqlite:///{Path(tmp) / 'shots.db'}")
            try:
                demo = _seed(db, folder)
                for mod_name, fn in functions:
                    apply_palette(app, high_contrast=False)
                    window = MainWindow(db, scenarios_dir=folder)
                    window.resize(width, height)
                    window.show()
                    ctx = ShotContext(
                        db,
                        window,
                        folder,
                        scenario_path,
                        scenario,
                        DEMO_SEED,
                        (width, height),
                        demo,
                    )
                    try:
                        for name, widget in _shots(fn, ctx):
                            if only and not name.startswith(only):
                                continue
                            ctx.settle(120)
                            path = out_dir / f"{name}-{width}x{height}.png"
                            if not widget.grab().save(str(path)):
                                raise OSError(f"could not write {path}")
                            written.append(path)
                            progress(str(path))
                    finally:
                        # let background ops that screens started deliver while they still exist
                        from sandbox.ui.ops import wait_for_ops

                        wait_for_ops(30_000)
                        ctx.settle(100)
                        window._end_session()
                        window.close()
                        window.deleteLater()
                        ctx.settle(50)
                    log.debug("shots from %s done", mod_name)
            finally:
                from sandbox.ui.ops import wait_for_ops

                wait_for_ops(30_000)
                db.close()
    return written


def _shots(fn: ShotFn, ctx: ShotContext) -> Iterator[tuple[str, QWidget]]:
    yield from fn(ctx)
