"""Choose a scenario (title, difficulty, duration, objectives, your last result) and a mode.

An unfinished attempt (a crash, a power cut, a closed window) is offered first as "Resume".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from sandbox.ui.guard import if_alive
from sandbox.ui.ops import run_op, show_error
from sandbox.ui.theme import colours, heading, scaled_font
from sandbox.ui.trainee.formatting import duration_text


@dataclass(frozen=True)
class PickerData:
    infos: list[Any]  # ScenarioInfo
    last_results: dict[str, Any]  # scenario id -> newest finished Attempt
    resumable: Any  # Attempt | None


def load_picker_data(db: Any, profile_id: str | None, scenarios_dir: Path) -> PickerData:
    """Library and this person's history, read off the GUI thread."""
    from sandbox.scenario.library import discover

    infos = discover(scenarios_dir)
    last: dict[str, Any] = {}
    resumable = None
    if db is not None and profile_id is not None:
        from sandbox.store import crud

        with db.session() as s:
            for a in crud.list_attempts(s, profile_id=profile_id, status="finished"):
                last.setdefault(a.scenario_id, a)
            resumable = crud.find_resumable_attempt(s, profile_id=profile_id)
    return PickerData(infos, last, resumable)


class ScenarioPicker(QWidget):
    """Emits ``start_requested(path, mode)``, ``resume_requested(attempt_id)``, ``sign_out_requested``."""

    start_requested = Signal(object, str)
    resume_requested = Signal(str)
    discard_requested = Signal(str)
    sign_out_requested = Signal()

    def __init__(
        self, db: Any, profile: Any, scenarios_dir: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("scenarioPicker")
        self.db = db
        self.profile = profile
        self.scenarios_dir = scenarios_dir
        self._data: PickerData | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 10, 16, 10)
        top = QHBoxLayout()
        hello = QLabel(f"Hello, {profile.name}")
        hello.setTextFormat(Qt.TextFormat.PlainText)
        heading(hello, 1.5)
        top.addWidget(hello, 1)
        self.sign_out_button = QPushButton("Sign out")
        self.sign_out_button.setAccessibleName("Sign out")
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        top.addWidget(self.sign_out_button)
        outer.addLayout(top)

        self.resume_box = QFrame()
        self.resume_box.setFrameShape(QFrame.Shape.StyledPanel)
        rl = QHBoxLayout(self.resume_box)
        self.resume_label = QLabel("")
        self.resume_label.setTextFormat(Qt.TextFormat.PlainText)
        self.resume_label.setWordWrap(True)
        rl.addWidget(self.resume_label, 1)
        self.resume_button = QPushButton("Resume")
        self.resume_button.setAccessibleName("Resume the unfinished attempt")
        self.resume_button.clicked.connect(self._resume)
        self.discard_button = QPushButton("Discard")
        self.discard_button.setAccessibleName("Discard the unfinished attempt")
        self.discard_button.clicked.connect(self._discard)
        rl.addWidget(self.resume_button)
        rl.addWidget(self.discard_button)
        self.resume_box.hide()
        outer.addWidget(self.resume_box)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        outer.addWidget(splitter, 1)

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        label = QLabel("&Scenarios")
        label.setFont(scaled_font(self.font(), 1.1, bold=True))
        ll.addWidget(label)
        self.list = QListWidget()
        self.list.setAccessibleName("Scenarios")
        self.list.setWordWrap(True)
        self.list.setSpacing(3)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.setMinimumWidth(self.fontMetrics().averageCharWidth() * 42)
        label.setBuddy(self.list)
        self.list.currentItemChanged.connect(lambda *_a: self._show_details())
        self.list.itemActivated.connect(lambda _i: self.start())
        ll.addWidget(self.list, 1)
        splitter.addWidget(left)

        right = QWidget()
        rl2 = QVBoxLayout(right)
        rl2.setContentsMargins(8, 0, 0, 0)
        self.details_scroll = QScrollArea()
        self.details_scroll.setWidgetResizable(True)
        self.details_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.details = QLabel("Loading the scenario library…")
        self.details.setTextFormat(Qt.TextFormat.RichText)  # built from escaped text only
        self.details.setWordWrap(True)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setAccessibleName("Scenario details")
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_scroll.setWidget(self.details)
        rl2.addWidget(self.details_scroll, 1)

        mode_box = QGroupBox("Mode")
        ml = QVBoxLayout(mode_box)
        self.practice_radio = QRadioButton("&Practice — coaching appears as you type")
        self.assessment_radio = QRadioButton(
            "&Assessment — no hints; feedback and model answers at the end"
        )
        self.practice_radio.setChecked(True)
        self.mode_group = QButtonGroup(self)
        self.mode_group.addButton(self.practice_radio)
        self.mode_group.addButton(self.assessment_radio)
        ml.addWidget(self.practice_radio)
        ml.addWidget(self.assessment_radio)
        rl2.addWidget(mode_box)
        self.start_button = QPushButton("Start scenario")
        self.start_button.setAccessibleName("Start the selected scenario")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        rl2.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignRight)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        self.start_button.setEnabled(False)

    # --- data ---------------------------------------------------------------------------
    def refresh(self, on_loaded: Any = None) -> None:
        db, pid, folder = self.db, getattr(self.profile, "id", None), self.scenarios_dir

        def loaded(data: PickerData) -> None:
            self.set_data(data)
            if on_loaded is not None:
                on_loaded()

        run_op(
            lambda: load_picker_data(db, pid, folder),
            on_success=if_alive(self, loaded),
            on_failure=if_alive(
                self, lambda exc: show_error(exc, self, "Could not load the scenario library")
            ),
        )

    def set_data(self, data: PickerData) -> None:
        self._data = data
        self.list.clear()
        for info in data.infos:
            if info.ok:
                difficulty = info.difficulty.value.capitalize() if info.difficulty else ""
                text = f"{info.title}\n{difficulty} · {duration_text(float(info.duration_minutes))}"
                last = data.last_results.get(info.id)
                if last is not None and last.score_overall is not None:
                    text += f" · last score {last.score_overall}"
            else:
                text = f"{info.path.name}\nCannot be opened: {info.problems[0].message if info.problems else 'unknown problem'}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, info)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, text.replace("\n", ", "))
            if not info.ok:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.list.addItem(item)
        for row in range(self.list.count()):
            if self.list.item(row).flags() & Qt.ItemFlag.ItemIsEnabled:
                self.list.setCurrentRow(row)
                break
        if not data.infos:
            self.details.setText(f"No scenarios found in {self.scenarios_dir}.")
        r = data.resumable
        if r is not None:
            minutes = (r.sim_elapsed_seconds or 0) / 60
            self.resume_label.setText(
                f"You have an unfinished attempt at “{r.scenario_title or r.scenario_id}” "
                f"({r.mode}, {duration_text(minutes)} into the scenario). Resume where you left off?"
            )
            self.resume_box.show()
        else:
            self.resume_box.hide()
        self._show_details()

    def select_scenario(self, scenario_id: str) -> bool:
        for row in range(self.list.count()):
            info = self.list.item(row).data(Qt.ItemDataRole.UserRole)
            if info.ok and info.id == scenario_id:
                self.list.setCurrentRow(row)
                return True
        return False

    def current_info(self) -> Any:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _show_details(self) -> None:
        import html

        info = self.current_info()
        self.start_button.setEnabled(info is not None and info.ok)
        if info is None or not info.ok:
            return
        s = info.scenario
        e = html.escape
        muted = colours().muted_text.name()
        parts = [f"<h2>{e(s.title)}</h2>"]
        parts.append(
            f"<p style='color:{muted}'>{e(s.difficulty.value.capitalize())} · "
            f"{e(duration_text(float(s.duration_minutes)))} of simulated time · "
            f"{'community page with threaded comments' if s.platform.kind.value == 'community' else 'microblog'}"
            f" · you are {e(s.account.name)}</p>"
        )
        parts.append(f"<p>{e(s.summary)}</p>")
        parts.append(
            "<h3>Objectives</h3><ul>" + "".join(f"<li>{e(o)}</li>" for o in s.objectives) + "</ul>"
        )
        last = self._data.last_results.get(info.id) if self._data else None
        if last is not None:
            when = last.ended_at.strftime("%d %b %Y") if last.ended_at else ""
            parts.append(
                f"<p><b>Your last result:</b> {last.score_overall if last.score_overall is not None else '–'} / 100 "
                f"in {e(last.mode)} mode {e(when)}</p>"
            )
        else:
            parts.append("<p><b>Your last result:</b> not tried yet.</p>")
        self.details.setText("".join(parts))

    # --- actions ------------------------------------------------------------------------
    def mode(self) -> str:
        return "assessment" if self.assessment_radio.isChecked() else "practice"

    def start(self) -> None:
        info = self.current_info()
        if info is not None and info.ok:
            self.start_requested.emit(info.path, self.mode())

    def _resume(self) -> None:
        if self._data and self._data.resumable is not None:
            self.resume_requested.emit(self._data.resumable.id)

    def _discard(self) -> None:
        if self._data and self._data.resumable is not None:
            self.discard_requested.emit(self._data.resumable.id)
            self.resume_box.hide()
