"""The manager dashboard: filters, headline figures, weekly charts, risks and people.

Every query runs on the background pool (``run_op``); a refresh that is overtaken by a newer
one is dropped, so quick filter changes never show stale figures. Charts are matplotlib on its
Qt canvas (Agg renderer), the same drawing the PDF report uses.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sandbox.reports.charts import draw_dashboard_charts
from sandbox.reports.dashboard import DashboardData, refresh_dashboard
from sandbox.reports.framework import Framework
from sandbox.reports.queries import LONDON, ReportFilter, filter_options
from sandbox.ui.filters import date_range_inputs
from sandbox.ui.guard import if_alive
from sandbox.ui.ops import run_op, show_error
from sandbox.ui.reports.pdf import format_minutes

__all__ = ["DashboardScreen"]


def _qdate(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())


class _Figure(QFrame):
    """One headline number with its caption."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = QLabel("–")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel(caption)
        self.caption.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 6, 10, 6)
        lay.addWidget(self.value)
        lay.addWidget(self.caption)
        self.value.setAccessibleName(caption)

    def set(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.setToolTip(detail)


_SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class _Item(QTableWidgetItem):
    """Sorts by its sort key when it has one (dates shown as "21 Nov 2026")."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(_SORT_ROLE), other.data(_SORT_ROLE)
        if mine is not None and theirs is not None:
            return bool(mine < theirs)
        return super().__lt__(other)


class _Table(QTableWidget):
    def __init__(self, headers: list[str], name: str) -> None:
        super().__init__(0, len(headers))
        self.setHorizontalHeaderLabels(headers)
        self.setAccessibleName(name)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(True)

    def fill(self, rows: list[list[Any]]) -> None:
        self.setSortingEnabled(False)
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem()
                if isinstance(value, date):
                    item.setData(
                        Qt.ItemDataRole.DisplayRole, QDate(value.year, value.month, value.day)
                    )
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    item.setData(Qt.ItemDataRole.DisplayRole, value)
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                else:
                    item.setText("–" if value is None else str(value))
                self.setItem(r, c, item)
        self.resizeRowsToContents()


def _example(risk: Any) -> str:
    """The first example of a risk finding, in one line: the words flagged, in their reply."""
    if not risk.examples:
        return risk.message
    ex = risk.examples[0]
    text = " ".join(ex.text.split())
    flagged = f"“{ex.match}” in " if ex.match.strip() else ""
    return f"{flagged}“{text}” ({ex.person})"


class DashboardScreen(QWidget):
    """Filters on top; figures, charts, risks and per-person progress below."""

    refreshed = Signal(object)  # DashboardData
    open_passport = Signal(str)  # profile id

    def __init__(self, db: Any, framework: Framework | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.framework = framework
        self.data: DashboardData | None = None
        self._generation = 0
        self._jobs: list[Any] = []

        self.team = QComboBox()
        self.team.setAccessibleName("Team or cohort")
        self.team.addItem("All teams", None)
        self.scenario = QComboBox()
        self.scenario.setAccessibleName("Scenario")
        self.scenario.addItem("All scenarios", None)
        self.use_dates, self.date_from, self.date_to = date_range_inputs("From", days_back=56)
        self.refresh_button = QPushButton("&Refresh")
        self.csv_button = QPushButton("Export &CSV…")
        self.csv_button.setToolTip("Every reply matching the filters, for spreadsheets")
        self.pdf_button = QPushButton("Export &PDF…")
        self.pdf_button.setToolTip("This dashboard as a printable report")
        self.status = QLabel("Loading…")
        self.status.setAccessibleName("Dashboard status")

        filters = QHBoxLayout()
        filters.addWidget(QLabel("Team:"))
        filters.addWidget(self.team, 2)
        filters.addWidget(QLabel("Scenario:"))
        filters.addWidget(self.scenario, 3)
        filters.addWidget(self.use_dates)
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel("to"))
        filters.addWidget(self.date_to)
        filters.addWidget(self.refresh_button)
        filters.addStretch(1)
        filters.addWidget(self.csv_button)
        filters.addWidget(self.pdf_button)

        self.fig_attempts = _Figure("attempts")
        self.fig_completion = _Figure("finished")
        self.fig_passed = _Figure("assessments signed off as passed")
        self.fig_median = _Figure("first reply, median (office time)")
        self.fig_mean = _Figure("first reply, average")
        self.fig_people = _Figure("people")
        figures = QHBoxLayout()
        for f in (
            self.fig_attempts,
            self.fig_completion,
            self.fig_passed,
            self.fig_median,
            self.fig_mean,
            self.fig_people,
        ):
            figures.addWidget(f, 1)

        self.figure = Figure(figsize=(9, 2.6), dpi=96)
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setMinimumHeight(200)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setAccessibleName("Scores per family per week")

        self.risks = _Table(
            ["Risk finding", "Count", "People", "Example"], "Most frequent risk findings"
        )
        self.risks.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        people_headers = [
            "Person",
            "Team",
            "Attempts",
            "Finished",
            "Scenarios",
            "Passed",
            "Average score",
            "First reply (median)",
            "Last activity",
        ]
        if framework is not None:
            people_headers.insert(8, "Competencies")
        self.people = _Table(people_headers, "Progress by person")
        self.people.horizontalHeader().setStretchLastSection(True)
        self.people.doubleClicked.connect(self._person_activated)
        self.people.setToolTip("Double-click a person to open their passport")

        # Full-width tables in tabs: the examples of risk findings need the width to be read.
        self.tables = QTabWidget()
        self.tables.setDocumentMode(True)
        self.tables.addTab(self.people, "Progress by person")
        self.tables.addTab(self.risks, "Most frequent risk findings")

        body = QWidget()
        col = QVBoxLayout(body)
        col.setContentsMargins(0, 0, 0, 0)
        col.addLayout(figures)
        col.addWidget(self.canvas, 3)
        col.addWidget(self.tables, 4)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        body.setMinimumHeight(520)

        outer = QVBoxLayout(self)
        outer.addLayout(filters)
        outer.addWidget(self.status)
        outer.addWidget(scroll, 1)

        self.refresh_button.clicked.connect(self.refresh)
        self.team.activated.connect(self.refresh)
        self.scenario.activated.connect(self.refresh)
        self.use_dates.toggled.connect(self.refresh)
        self.date_from.dateChanged.connect(self._dates_changed)
        self.date_to.dateChanged.connect(self._dates_changed)
        self.csv_button.clicked.connect(self.export_csv)
        self.pdf_button.clicked.connect(self.export_pdf)

    # --- data -------------------------------------------------------------------------
    def current_filter(self) -> ReportFilter:
        dates = self.use_dates.isChecked()
        return ReportFilter(
            team=self.team.currentData(),
            scenario_id=self.scenario.currentData(),
            date_from=_qdate(self.date_from.date()) if dates else None,
            date_to=_qdate(self.date_to.date()) if dates else None,
        )

    def _dates_changed(self) -> None:
        if self.use_dates.isChecked():
            self.refresh()

    def load_options(self) -> None:
        """Fill the team and scenario lists from the data (then refresh)."""
        db = self.db

        def work() -> tuple[list[str], list[tuple[str, str]]]:
            with db.session() as session:
                return filter_options(session)

        run_op(
            work,
            on_success=if_alive(self, self._options_loaded),
            on_failure=if_alive(self, self._failed),
        )

    def _options_loaded(self, result: tuple[list[str], list[tuple[str, str]]]) -> None:
        teams, scenarios = result
        keep_team, keep_scenario = self.team.currentData(), self.scenario.currentData()
        self.team.clear()
        self.team.addItem("All teams", None)
        for t in teams:
            self.team.addItem(t, t)
        self.scenario.clear()
        self.scenario.addItem("All scenarios", None)
        for sid, title in scenarios:
            self.scenario.addItem(title, sid)
        for combo, keep in ((self.team, keep_team), (self.scenario, keep_scenario)):
            i = combo.findData(keep)
            combo.setCurrentIndex(max(i, 0))
        self.refresh()

    def refresh(self) -> None:
        """Reload every figure for the current filters, off the GUI thread."""
        self._generation += 1
        generation = self._generation
        flt = self.current_filter()
        db, framework = self.db, self.framework
        self.status.setText("Loading…")

        def work() -> DashboardData:
            return refresh_dashboard(db, flt, framework=framework)

        def done(data: DashboardData) -> None:
            if generation == self._generation:
                self.show_data(data)

        run_op(work, on_success=if_alive(self, done), on_failure=if_alive(self, self._failed))

    def _failed(self, exc: BaseException) -> None:
        self.status.setText("Could not load the figures: " + (str(exc) or exc.__class__.__name__))
        show_error(exc, self)

    def show_data(self, data: DashboardData) -> None:
        self.data = data
        c = data.counts
        rate = data.completion_rate
        self.fig_attempts.set(f"{c['attempts']:,}", f"{data.replies:,} recorded replies")
        self.fig_completion.set(
            "–" if rate is None else f"{rate:.0%}",
            f"{c['finished']:,} finished, {c['in_progress']:,} in progress, "
            f"{c['abandoned']:,} abandoned",
        )
        self.fig_passed.set(f"{c['passed']:,} of {c['assessments']:,}")
        self.fig_median.set(
            format_minutes(data.first_reply_median),
            f"over {data.first_reply_count:,} first replies",
        )
        self.fig_mean.set(format_minutes(data.first_reply_mean))
        self.fig_people.set(f"{c['people']:,}")
        draw_dashboard_charts(self.figure, data)
        self.canvas.draw_idle()

        self.risks.fill([[r.rule, r.count, r.people, _example(r)] for r in data.risks])
        self.tables.setTabText(0, f"Progress by person ({len(data.people)})")
        self.tables.setTabText(1, f"Most frequent risk findings ({len(data.risks)})")
        for column in (0, 1, 2):
            self.risks.resizeColumnToContents(column)
        self.risks.resizeRowsToContents()
        for i, risk in enumerate(data.risks):
            item = self.risks.item(i, 0)
            if item is not None:
                item.setToolTip(risk.message)
        rows: list[list[Any]] = []
        for p in data.people:
            row: list[Any] = [
                p.name,
                p.team or "–",
                p.attempts,
                p.finished,
                p.scenarios_finished,
                p.passed,
                round(p.average_overall) if p.average_overall is not None else None,
                format_minutes(p.first_reply_median),
            ]
            if self.framework is not None:
                row.append(f"{p.competencies_earned or 0} of {data.competencies_total}")
            row.append(p.last_activity.astimezone(LONDON).date() if p.last_activity else None)
            rows.append(row)
        self.people.fill(rows)
        for i, p in enumerate(data.people):
            item = self.people.item(i, 0)
            if item is not None:
                item.setData(Qt.ItemDataRole.UserRole, p.profile_id)
        self.people.resizeColumnsToContents()
        self.people.setSortingEnabled(True)
        self.people.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        total_ms = sum(data.timings_ms.values())
        cached = " (no new data)" if "unchanged data (cached)" in data.timings_ms else ""
        self.status.setText(
            f"{data.filter.describe().capitalize()}. Scores are after trainer overrides; "
            f"reply times in office hours. Refreshed in {total_ms:.0f} ms{cached}."
        )
        self.refreshed.emit(data)

    def _person_activated(self, index: Any) -> None:
        item = self.people.item(index.row(), 0)
        if item is not None and item.data(Qt.ItemDataRole.UserRole):
            self.open_passport.emit(item.data(Qt.ItemDataRole.UserRole))

    # --- exports ----------------------------------------------------------------------
    def export_csv(self, path: str | Path | None = None) -> Any:
        """Every reply matching the filters to a CSV file, with progress and Cancel."""
        if not path:
            path, _ = QFileDialog.getSaveFileName(
                self, "Export replies as CSV", "replies.csv", "CSV for spreadsheets (*.csv)"
            )
            if not path:
                return None
        from sandbox.reports.export import export_replies_csv
        from sandbox.ui.reports.jobs import ExportJob

        flt, db = self.current_filter(), self.db
        job = ExportJob(
            self,
            "Exporting replies",
            lambda progress, cancel: export_replies_csv(
                db, flt, Path(path), progress=progress, cancel=cancel
            ),
            Path(path),
        )
        job.done.connect(lambda n: self.status.setText(f"Exported {n:,} replies to {path}."))
        job.cancelled.connect(lambda: self.status.setText("Export cancelled; no file was written."))
        self._jobs.append(job)
        job.start()
        return job

    def export_pdf(self, path: str | Path | None = None) -> Any:
        """This dashboard as a PDF report."""
        if not path:
            path, _ = QFileDialog.getSaveFileName(
                self, "Export report as PDF", "report.pdf", "PDF (*.pdf)"
            )
            if not path:
                return None
        from sandbox.ui.reports.jobs import ExportJob
        from sandbox.ui.reports.pdf import write_dashboard_pdf

        flt, db, framework = self.current_filter(), self.db, self.framework

        def work(progress: Any, cancel: Any) -> Path:
            data = refresh_dashboard(db, flt, framework=framework)
            cancel.check()
            return write_dashboard_pdf(data, Path(path), progress=progress, cancel=cancel)

        job = ExportJob(self, "Writing the PDF report", work, Path(path))
        job.done.connect(lambda p: self.status.setText(f"Wrote the report to {p}."))
        job.cancelled.connect(lambda: self.status.setText("Export cancelled; no file was written."))
        self._jobs.append(job)
        job.start()
        return job
