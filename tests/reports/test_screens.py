"""Manager screens on demo data (pytest-qt, offscreen): dashboard, passport, exports, cancel."""

from __future__ import annotations

import csv
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from sandbox.reports.export import write_csv
from sandbox.store.db import Database, open_database

pytest.importorskip("pytestqt")


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """The shared demo data plus signed-off assessments, seeded once and copied per test."""
    from sandbox.demo import seed_demo
    from sandbox.ui.reports.demo_data import add_passport_evidence

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    db = open_database(f"sqlite:///{path}")
    try:
        seed_demo(db, trainees=4, seed=7)
        extra = add_passport_evidence(db)
    finally:
        db.close()
    return path, extra


@pytest.fixture
def demo_db(demo_file: tuple[Path, Any], tmp_path: Path) -> Iterator[Database]:
    copy = tmp_path / "demo.db"
    shutil.copy(demo_file[0], copy)
    db = open_database(f"sqlite:///{copy}")
    yield db
    from sandbox.ui.ops import wait_for_ops

    wait_for_ops()
    db.close()


@pytest.fixture
def home(qtbot: Any, demo_db: Database) -> Any:
    from sandbox.store import crud
    from sandbox.ui.reports.home import ManagerHome

    with demo_db.session() as s:
        manager = crud.list_profiles(s, role="manager")[0]
    window = SimpleNamespace(db=demo_db, scenarios_dir=None, sign_out=lambda: None)
    widget = ManagerHome(window, manager)
    qtbot.add_widget(widget)
    qtbot.waitUntil(
        lambda: widget.dashboard.data is not None and bool(widget.passport.passports),
        timeout=20_000,
    )
    return widget


def test_dashboard_shows_the_demo_figures(home: Any, qtbot: Any) -> None:
    dash = home.dashboard
    data = dash.data
    assert data.counts["attempts"] > 10
    assert dash.fig_attempts.value.text() == f"{data.counts['attempts']:,}"
    assert dash.fig_median.value.text().endswith("min")
    assert dash.people.rowCount() == 4
    names = {dash.people.item(r, 0).text() for r in range(dash.people.rowCount())}
    assert names == {p.name for p in data.people}
    assert dash.risks.rowCount() == len(data.risks) > 0
    assert dash.risks.item(0, 0).text() == data.risks[0].rule
    axes = dash.figure.get_axes()
    assert len(axes) == 2 and len(axes[0].get_lines()) >= 3  # a line per family
    assert dash.team.count() == 3  # all teams + the two demo teams
    assert "Refreshed in" in dash.status.text()


def test_team_filter_narrows_the_people(home: Any, qtbot: Any) -> None:
    dash = home.dashboard
    team = dash.team.itemData(1)
    before = dash.data
    dash.team.setCurrentIndex(1)
    with qtbot.waitSignal(dash.refreshed, timeout=10_000) as blocker:
        dash.refresh()
    data = blocker.args[0]
    assert data is not before and data.filter.team == team
    assert {p.team for p in data.people} == {team}
    assert dash.people.rowCount() == len(data.people) < 4


def test_passport_screen_and_certificate(
    home: Any, qtbot: Any, tmp_path: Path, demo_file: tuple[Path, Any]
) -> None:
    extra = demo_file[1]
    home.show_passport(extra.star_id)
    assert home.tabs.currentWidget() is home.passport
    shown = home.passport.current()
    assert shown.profile_id == extra.star_id
    text = home.passport.detail.toPlainText()
    assert "[Earned] Answers emergencies in time" in text
    assert "Evidence:" in text and "signed off" in text
    assert "[Missing]" in text
    from sandbox.reports.framework import scenario_titles

    titles = scenario_titles() or {}
    if "council-tax-account" in titles:  # what is missing is named by scenario title
        assert f"{titles['council-tax-account']}: not attempted yet" in text
    out = home.passport.print_certificate(tmp_path / "cert.pdf")
    assert out is not None and out.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        pdf = subprocess.run(
            ["pdftotext", str(out), "-"], capture_output=True, check=True
        ).stdout.decode()
        pdf = " ".join(pdf.split())
        assert shown.name in pdf and "Answers emergencies in time" in pdf

    home.passport.select(extra.revoked_id)
    assert (
        "[Revoked] Stays neutral in the pre-election period" in home.passport.detail.toPlainText()
    )


def test_csv_and_pdf_export_from_the_dashboard(home: Any, qtbot: Any, tmp_path: Path) -> None:
    dash = home.dashboard
    job = dash.export_csv(tmp_path / "replies.csv")
    with qtbot.waitSignal(job.done, timeout=20_000) as blocker:
        pass
    rows = list(csv.reader((tmp_path / "replies.csv").open(encoding="utf-8-sig", newline="")))
    assert blocker.args[0] == len(rows) - 1 == dash.data.replies
    job = dash.export_pdf(tmp_path / "report.pdf")
    with qtbot.waitSignal(job.done, timeout=30_000):
        pass
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")


def test_cancelling_a_long_export_writes_nothing(home: Any, qtbot: Any, tmp_path: Path) -> None:
    from sandbox.ui.reports.jobs import ExportJob

    reached, go_on = threading.Event(), threading.Event()
    out_dir = tmp_path / "exports"
    out_dir.mkdir()
    target = out_dir / "long.csv"

    def chunks() -> Iterator[list[tuple[int]]]:
        yield [(i,) for i in range(1000)]
        reached.set()
        go_on.wait(10)
        for n in range(1, 100):
            yield [(n * 1000 + i,) for i in range(1000)]

    job = ExportJob(
        home,
        "Exporting",
        lambda progress, cancel: write_csv(
            target, ["n"], chunks(), total=100_000, progress=progress, cancel=cancel
        ),
        target,
    )
    seen: list[tuple[int, int]] = []
    job.progressed.connect(lambda d, t: seen.append((d, t)))
    job.start()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen[0] == (1000, 100_000)
    assert job.dialog.maximum() == 100_000 and job.dialog.value() == 1000
    with qtbot.waitSignal(job.cancelled, timeout=10_000):
        from PySide6.QtWidgets import QPushButton

        job.dialog.findChild(QPushButton).click()  # the dialog's Cancel button
        go_on.set()
    assert not target.exists()
    assert list(out_dir.iterdir()) == []  # not even a partial file
