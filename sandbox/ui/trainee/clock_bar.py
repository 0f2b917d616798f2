"""The simulated clock's controls: visible time, pause, 1×/5×/20×, skip, finish early."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from sandbox.timeline.clock import SPEEDS
from sandbox.ui.theme import scaled_font
from sandbox.ui.trainee.formatting import clock_offset


class ClockBar(QWidget):
    """Shows simulated time and lets the learner control it (all buttons also have keys)."""

    pause_toggled = Signal()
    speed_chosen = Signal(int)
    skip_requested = Signal()
    finish_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clockBar")
        self.setAccessibleName("Simulated clock")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)

        self.time_label = QLabel("--:--")
        self.time_label.setFont(scaled_font(self.font(), 1.35, bold=True))
        self.time_label.setAccessibleName("Simulated time")
        layout.addWidget(self.time_label)

        self.day_label = QLabel("")
        self.day_label.setAccessibleName("Simulated date")
        layout.addWidget(self.day_label)

        self.progress = QProgressBar()
        self.progress.setAccessibleName("Scenario progress")
        self.progress.setTextVisible(True)
        self.progress.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.progress.setMinimumWidth(self.fontMetrics().averageCharWidth() * 12)
        layout.addWidget(self.progress, 1)

        self.pause_button = QPushButton("Pause")
        self.pause_button.setToolTip("Pause or resume the clock (Space)")
        self.pause_button.setAccessibleName("Pause or resume the clock")
        self.pause_button.clicked.connect(self.pause_toggled)
        layout.addWidget(self.pause_button)

        self.speed_group = QButtonGroup(self)
        self.speed_buttons: dict[int, QPushButton] = {}
        for i, step in enumerate(SPEEDS, start=1):
            b = QPushButton(f"{step}×")
            b.setCheckable(True)
            b.setToolTip(f"Run the clock at {step}× the scenario's pace (key {i})")
            b.setAccessibleName(f"Speed {step} times")
            self.speed_group.addButton(b, step)
            self.speed_buttons[step] = b
            layout.addWidget(b)
        self.speed_buttons[SPEEDS[0]].setChecked(True)
        self.speed_group.idClicked.connect(self.speed_chosen)

        self.skip_button = QPushButton("Next post »")
        self.skip_button.setToolTip("Skip the clock to the next post (N)")
        self.skip_button.setAccessibleName("Skip to the next post")
        self.skip_button.clicked.connect(self.skip_requested)
        layout.addWidget(self.skip_button)

        self.finish_button = QPushButton("Finish early…")
        self.finish_button.setToolTip("End the scenario now and see your results")
        self.finish_button.setAccessibleName("Finish early")
        self.finish_button.clicked.connect(self.finish_requested)
        layout.addWidget(self.finish_button)

        for b in self.findChildren(QPushButton):
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)

    def show_time(
        self,
        now_text: str,
        day_text: str,
        elapsed: timedelta,
        end: timedelta,
        *,
        paused: bool,
        speed: int,
    ) -> None:
        self.time_label.setText(now_text)
        self.day_label.setText(day_text)
        total = max(1, int(end.total_seconds()))
        self.progress.setRange(0, total)
        self.progress.setValue(min(total, int(elapsed.total_seconds())))
        self.progress.setFormat(f"{clock_offset(elapsed)} of {clock_offset(end)}")
        self.pause_button.setText("Resume" if paused else "Pause")
        self.pause_button.setAccessibleDescription(
            "The clock is paused" if paused else "The clock is running"
        )
        b = self.speed_buttons.get(speed)
        if b is not None and not b.isChecked():
            b.setChecked(True)
