"""The review list: every attempt, filtered and sorted in the database, loaded page by page.

Why not a QSortFilterProxyModel over everything: with tens of thousands of attempts the list
would have to load them all first. The model asks the database for the count and one page;
sorting a column re-asks the database in that order, and scrolling fetches the next page
(``canFetchMore``/``fetchMore``). All queries run off the GUI thread via ``run_op``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sandbox.auth import require_review
from sandbox.review.listing import (
    PAGE_SIZE,
    FilterChoices,
    ReviewFilter,
    ReviewRow,
    ReviewStatus,
    SortKey,
    count_attempts,
    fetch_page,
    filter_choices,
)
from sandbox.store.models import Profile
from sandbox.ui.filters import date_range_inputs
from sandbox.ui.ops import run_op, show_error

__all__ = ["COLUMNS", "ReviewListModel", "ReviewListWidget"]

# (header, sort key or None)
COLUMNS: tuple[tuple[str, SortKey | None], ...] = (
    ("Started", SortKey.started),
    ("Trainee", SortKey.trainee),
    ("Team", None),
    ("Scenario", SortKey.scenario),
    ("Mode", SortKey.mode),
    ("Score", SortKey.score),
    ("Review", SortKey.reviewed),
)
AttemptIdRole = Qt.ItemDataRole.UserRole + 1
RowRole = Qt.ItemDataRole.UserRole + 2


def review_text(row: ReviewRow) -> str:
    if row.status == "abandoned":
        prefix = "Abandoned · "
    elif row.status == "in_progress":
        prefix = "In progress · "
    else:
        prefix = ""
    if not row.reviewed:
        return prefix + "To review"
    return prefix + {"passed": "Passed", "not_yet": "Not yet"}.get(row.outcome or "", "Reviewed")


class ReviewListModel(QAbstractTableModel):
    """Attempts for the review list, fetched lazily from the database."""

    loaded = Signal(int)  # total matching attempts, after the first page arrived
    failed = Signal(str)

    def __init__(self, db: Any, viewer: Profile, parent: Any = None) -> None:
        super().__init__(parent)
        require_review(viewer)
        self.db = db
        self.viewer = viewer
        self.filter = ReviewFilter()
        self._rows: list[ReviewRow] = []
        self._total = 0
        self._generation = 0
        self._fetching = False
        self.loading = False

    # -- loading
    def set_filter(self, f: ReviewFilter) -> None:
        """Show the attempts matching ``f`` (replaces what is shown once the query returns)."""
        self.filter = f
        self.reload()

    def reload(self) -> None:
        self._generation += 1
        gen = self._generation
        f, db, viewer = self.filter, self.db, self.viewer
        self.loading = True

        def work() -> tuple[int, list[ReviewRow]]:
            with db.session() as s:
                return count_attempts(s, viewer, f), fetch_page(s, viewer, f, limit=PAGE_SIZE)

        run_op(work, on_success=lambda r: self._first_page(gen, r), on_failure=self._failure)

    def _first_page(self, gen: int, result: tuple[int, list[ReviewRow]]) -> None:
        if gen != self._generation:
            return  # a newer filter replaced this query
        total, rows = result
        self.beginResetModel()
        self._rows = list(rows)
        self._total = total
        self._fetching = False
        self.endResetModel()
        self.loading = False
        self.loaded.emit(total)

    def _failure(self, exc: BaseException) -> None:
        self.loading = False
        self._fetching = False
        self.failed.emit(str(exc) or exc.__class__.__name__)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._fetching and len(self._rows) < self._total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._fetching or len(self._rows) >= self._total:
            return
        self._fetching = True
        gen, offset = self._generation, len(self._rows)
        f, db, viewer = self.filter, self.db, self.viewer

        def work() -> list[ReviewRow]:
            with db.session() as s:
                return fetch_page(s, viewer, f, offset=offset, limit=PAGE_SIZE)

        run_op(work, on_success=lambda r: self._more(gen, offset, r), on_failure=self._failure)

    def _more(self, gen: int, offset: int, rows: list[ReviewRow]) -> None:
        if gen != self._generation or offset != len(self._rows):
            return
        self._fetching = False
        if not rows:
            self._total = len(self._rows)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    # -- model API
    @property
    def total(self) -> int:
        return self._total

    def row_at(self, row: int) -> ReviewRow:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == 0:
                return row.started_at.astimezone().strftime("%d %b %Y %H:%M")
            if column == 1:
                return row.trainee
            if column == 2:
                return row.team or ""
            if column == 3:
                return row.scenario_title
            if column == 4:
                return row.mode.capitalize()
            if column == 5:
                if row.score_overall is None:
                    return "–"
                return f"{row.score_overall}" + (" (changed)" if row.overridden else "")
            if column == 6:
                return review_text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and column == 6 and not row.reviewed:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 5 and row.overridden:
                was = "–" if row.original_overall is None else row.original_overall
                return f"A trainer changed a score in this attempt (overall as scored: {was})."
            if column == 3:
                return row.scenario_title
        if role == AttemptIdRole:
            return row.attempt_id
        if role == RowRole:
            return row
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][1]
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if key == self.filter.sort and descending == self.filter.descending and self._rows:
            return
        self.set_filter(self.filter.sorted_by(key, descending))


def _qdate(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())


class ReviewListWidget(QWidget):
    """Filters above a table of attempts; double-click (or Enter) opens the transcript."""

    open_attempt = Signal(str)  # attempt id

    def __init__(self, db: Any, viewer: Profile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        require_review(viewer)
        self.db = db
        self.viewer = viewer
        self.model = ReviewListModel(db, viewer, self)

        self.trainee = QComboBox()
        self.trainee.setAccessibleName("Trainee filter")
        self.scenario = QComboBox()
        self.scenario.setAccessibleName("Scenario filter")
        self.mode = QComboBox()
        self.mode.setAccessibleName("Mode filter")
        for text, value in (
            ("Any mode", None),
            ("Practice", "practice"),
            ("Assessment", "assessment"),
        ):
            self.mode.addItem(text, value)
        self.status = QComboBox()
        self.status.setAccessibleName("Review status filter")
        for text, st in (
            ("Any status", ReviewStatus.any),
            ("To review", ReviewStatus.unreviewed),
            ("Reviewed", ReviewStatus.reviewed),
            ("Passed", ReviewStatus.passed),
            ("Not yet", ReviewStatus.not_yet),
        ):
            self.status.addItem(text, st.value)
        self.use_dates, self.date_from, self.date_to = date_range_inputs("Between", days_back=30)
        self.refresh_button = QPushButton("Refresh")
        self.open_button = QPushButton("Open transcript")
        self.open_button.setEnabled(False)

        row1 = QHBoxLayout()
        row1.addWidget(self.trainee, 2)
        row1.addWidget(self.scenario, 3)
        row1.addWidget(self.mode, 1)
        row1.addWidget(self.status, 1)
        row2 = QHBoxLayout()
        row2.addWidget(self.use_dates)
        row2.addWidget(self.date_from)
        row2.addWidget(QLabel("and"))
        row2.addWidget(self.date_to)
        row2.addStretch(1)
        self.count_label = QLabel("Loading…")
        self.count_label.setAccessibleName("Number of attempts")
        row2.addWidget(self.count_label)
        row2.addWidget(self.refresh_button)
        row2.addWidget(self.open_button)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setAccessibleName("Attempts to review")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        fm = self.fontMetrics()
        for col, sample in (
            (0, "00 Mmm 0000 00:00"),
            (1, "Xxxxxxxxx Xxxxxxxxxx"),
            (2, "Xxxxxxxxxxxxxx"),
            (4, "Assessment"),
            (5, "100 (changed)"),
            (6, "To review"),
        ):
            self.table.setColumnWidth(col, fm.horizontalAdvance(sample) + 24)

        layout = QVBoxLayout(self)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(self.table, 1)

        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(self._failed)
        self.table.doubleClicked.connect(self._open_index)
        self.table.activated.connect(self._open_index)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.open_button.clicked.connect(self._open_selected)
        self.refresh_button.clicked.connect(self.apply_filters)
        for box in (self.trainee, self.scenario, self.mode, self.status):
            box.currentIndexChanged.connect(self.apply_filters)
        self.use_dates.toggled.connect(self.apply_filters)
        self.date_from.dateChanged.connect(self.apply_filters)
        self.date_to.dateChanged.connect(self.apply_filters)

        self._choices_loaded = False
        self.trainee.addItem("Every trainee", None)
        self.scenario.addItem("Every scenario", None)
        self.load_choices()
        self.apply_filters()

    def load_choices(self) -> None:
        """Fill the trainee and scenario boxes (off the GUI thread)."""
        db, viewer = self.db, self.viewer

        def work() -> FilterChoices:
            with db.session() as s:
                return filter_choices(s, viewer)

        run_op(work, on_success=self._fill_choices, on_failure=show_error)

    def _fill_choices(self, choices: FilterChoices) -> None:
        keep_t, keep_s = self.trainee.currentData(), self.scenario.currentData()
        for box in (self.trainee, self.scenario):
            box.blockSignals(True)
            while box.count() > 1:
                box.removeItem(1)
        for pid, name, team in choices.trainees:
            self.trainee.addItem(f"{name} ({team})" if team else name, pid)
        for sid, title in choices.scenarios:
            self.scenario.addItem(title, sid)
        self.trainee.setCurrentIndex(max(0, self.trainee.findData(keep_t)))
        self.scenario.setCurrentIndex(max(0, self.scenario.findData(keep_s)))
        for box in (self.trainee, self.scenario):
            box.blockSignals(False)
        self._choices_loaded = True

    def current_filter(self) -> ReviewFilter:
        f = self.model.filter
        return ReviewFilter(
            trainee_id=self.trainee.currentData(),
            scenario_id=self.scenario.currentData(),
            mode=self.mode.currentData(),
            review_status=ReviewStatus(self.status.currentData()),
            date_from=_qdate(self.date_from.date()) if self.use_dates.isChecked() else None,
            date_to=_qdate(self.date_to.date()) if self.use_dates.isChecked() else None,
            sort=f.sort,
            descending=f.descending,
        )

    def apply_filters(self) -> None:
        self.count_label.setText("Loading…")
        self.model.set_filter(self.current_filter())

    def _loaded(self, total: int) -> None:
        self.count_label.setText(f"{total:,} attempt{'s' if total != 1 else ''}")
        self.open_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def _failed(self, message: str) -> None:
        self.count_label.setText("Could not load the attempts")
        show_error(RuntimeError(message), self, "Could not load the review list")

    def _selection_changed(self) -> None:
        self.open_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_attempt.emit(self.model.row_at(index.row()).attempt_id)

    def _open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._open_index(rows[0])
