"""Workshop mode: pick a scenario and a post, see everyone's reply side by side, best first.

Made for projecting: cards in a grid, big scores, names hidden on request ("Trainee A…").
Results come from imported transcript files or, on a shared PostgreSQL database, live: the
screen polls every few seconds off the GUI thread and redraws only when something changed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from sandbox.auth import require_review
from sandbox.review.render import SEVERITY_WORD, action_words, esc, highlight_spans, offset_text
from sandbox.review.scenarios import find_scenario
from sandbox.review.workshop import (
    WorkshopPost,
    WorkshopReply,
    compare_replies,
    workshop_posts,
    workshop_scenarios,
)
from sandbox.scenario.models import Scenario
from sandbox.scoring.types import Severity
from sandbox.store.models import Profile
from sandbox.ui.ops import run_op, show_error
from sandbox.ui.theme import colours, heading, scaled_font

__all__ = ["LIVE_POLL_MS", "ReplyCard", "WorkshopView"]

LIVE_POLL_MS = 4000
CARD_MIN_WIDTH = 330
_PERIODS = (("Today", 1), ("Last 7 days", 7), ("Last 30 days", 30), ("Any time", None))


class ReplyCard(QFrame):
    """One trainee's response: who (or a letter), score, what they did and when, the text."""

    def __init__(self, reply: WorkshopReply, rank: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reply = reply
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.setAccessibleName(f"Reply card: {reply.label}")
        who = QLabel(f"{rank}. {reply.label}")
        who.setFont(scaled_font(who.font(), 1.15, bold=True))
        score = QLabel("–" if reply.score is None else str(reply.score))
        score.setFont(scaled_font(score.font(), 1.8, bold=True))
        score.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        score.setAccessibleName("Score")
        top = QHBoxLayout()
        top.addWidget(who, 1)
        top.addWidget(score)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        meta = QLabel(self._meta_text())
        meta.setWordWrap(True)
        layout.addWidget(meta)
        if reply.text:
            body = QLabel()
            body.setTextFormat(Qt.TextFormat.RichText)
            body.setWordWrap(True)
            body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            worth_marking = (Severity.error, Severity.warning)
            spans = sorted(
                (f for f in reply.findings if f.end > f.start and f.severity in worth_marking),
                key=lambda f: f.start,
            )
            body.setText(highlight_spans(reply.text, spans, printable=False))
            body.setAccessibleName("Reply text")
            layout.addWidget(body)
        notes = self._notes()
        if notes:
            found = QLabel(notes)
            found.setTextFormat(Qt.TextFormat.RichText)
            found.setWordWrap(True)
            layout.addWidget(found)

    def _meta_text(self) -> str:
        r = self.reply
        if r.missed:
            return "✖ No response: the attempt ended without an answer to this post."
        parts = [action_words(r.kind or "")]
        if r.team:
            parts[0] += f" to {r.team.replace('_', ' ')}"
        if r.minutes_after is not None:
            after = f"after {round(r.minutes_after)} min"
            if r.office_minutes is not None and abs(r.office_minutes - r.minutes_after) >= 1:
                after += f" ({round(r.office_minutes)} in office hours)"
            parts.append(after)
            if r.target_minutes is not None:
                parts.append("on time" if r.on_time else "LATE")
        if r.in_progress:
            parts.append("still playing")
        return " · ".join(parts)

    def _notes(self) -> str:
        shown = [
            f for f in self.reply.findings if f.severity in (Severity.error, Severity.warning)
        ][:3]
        if not shown:
            return ""
        c = colours()
        items = "".join(
            f"<li><span style='color:{c.severity(f.severity).name()}'><b>"
            f"{SEVERITY_WORD[f.severity]}</b></span>: {esc(f.message)}</li>"
            for f in shown
        )
        return f"<ul style='margin-left:-20px'>{items}</ul>"


class WorkshopView(QWidget):
    """Scenario and post pickers above a grid of reply cards."""

    import_requested = Signal()
    refreshed = Signal(int)  # number of cards shown

    def __init__(
        self,
        db: Any,
        viewer: Profile,
        parent: QWidget | None = None,
        *,
        scenarios_dir: Path | None = None,
    ) -> None:
        super().__init__(parent)
        require_review(viewer)
        self.db = db
        self.viewer = viewer
        self.scenarios_dir = scenarios_dir
        self.scenario: Scenario | None = None
        self.posts: list[WorkshopPost] = []
        self.replies: list[WorkshopReply] = []
        self._signature: tuple[Any, ...] | None = None
        self._polling = False

        self.scenario_box = QComboBox()
        self.scenario_box.setAccessibleName("Scenario")
        self.scenario_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.scenario_box.setMinimumContentsLength(24)
        self.post_box = QComboBox()
        self.post_box.setAccessibleName("Post")
        self.post_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.post_box.setMinimumContentsLength(28)
        self.period = QComboBox()
        self.period.setAccessibleName("Period")
        for text, days in _PERIODS:
            self.period.addItem(text, days)
        self.period.setCurrentIndex(len(_PERIODS) - 1)
        self.hide_names = QCheckBox("Hide names")
        self.hide_names.setToolTip("Show Trainee A, B, C… instead of names, for projecting")
        self.live = QCheckBox("Live")
        self.live.setToolTip(
            "Refresh every few seconds as results arrive (needs a shared PostgreSQL database)"
        )
        self.import_button = QPushButton("Import transcripts…")
        self.refresh_button = QPushButton("Refresh")

        row1 = QHBoxLayout()
        row1.addWidget(self.scenario_box, 2)
        row1.addWidget(self.post_box, 3)
        row2 = QHBoxLayout()
        row2.addWidget(self.period)
        row2.addWidget(self.hide_names)
        row2.addWidget(self.live)
        row2.addStretch(1)
        row2.addWidget(self.refresh_button)
        row2.addWidget(self.import_button)

        self.post_label = QLabel("Pick a scenario and a post.")
        self.post_label.setWordWrap(True)
        self.post_label.setTextFormat(Qt.TextFormat.RichText)
        self.post_label.setAccessibleName("The post")
        self.count_label = QLabel("")
        heading(self.count_label, 1.05)

        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self.grid_host)
        self.scroll_area.setAccessibleName("Replies side by side")

        layout = QVBoxLayout(self)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(self.post_label)
        layout.addWidget(self.count_label)
        layout.addWidget(self.scroll_area, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(LIVE_POLL_MS)
        self._timer.timeout.connect(self._poll)
        shared = not getattr(db, "is_sqlite", True)
        self.live.setEnabled(shared)
        if not shared:
            self.live.setToolTip(
                "Live refresh needs a shared PostgreSQL database; import files instead."
            )
        self.live.toggled.connect(self._live_toggled)
        self.live.setChecked(shared)

        self.scenario_box.currentIndexChanged.connect(self._scenario_changed)
        self.post_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.hide_names.toggled.connect(lambda _on: self.refresh())
        self.period.currentIndexChanged.connect(lambda _i: self.load_scenarios())
        self.refresh_button.clicked.connect(self.refresh)
        self.import_button.clicked.connect(self.import_requested)
        self.load_scenarios()

    # -- choices
    def since(self) -> datetime | None:
        days = self.period.currentData()
        if days is None:
            return None
        today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        return today - timedelta(days=days - 1)

    def load_scenarios(self) -> None:
        db, viewer, since = self.db, self.viewer, self.since()

        def work() -> list[tuple[str, str, int]]:
            with db.session() as s:
                return workshop_scenarios(s, viewer, since=since)

        run_op(work, on_success=self._fill_scenarios, on_failure=lambda e: show_error(e, self))

    def _fill_scenarios(self, rows: list[tuple[str, str, int]]) -> None:
        keep = self.scenario_box.currentData()
        self.scenario_box.blockSignals(True)
        self.scenario_box.clear()
        for sid, title, n in rows:
            self.scenario_box.addItem(f"{title} ({n} attempt{'s' if n != 1 else ''})", sid)
        if not rows:
            self.scenario_box.addItem("No attempts in this period", None)
        self.scenario_box.setCurrentIndex(max(0, self.scenario_box.findData(keep)))
        self.scenario_box.blockSignals(False)
        self._scenario_changed()

    def _scenario_changed(self) -> None:
        sid = self.scenario_box.currentData()
        if sid is None:
            self.scenario = None
            self.post_box.clear()
            self._show([], None)
            return
        db, viewer, since, sdir = self.db, self.viewer, self.since(), self.scenarios_dir

        def work() -> tuple[Scenario | None, list[WorkshopPost]]:
            scenario = find_scenario(sid, sdir)
            if scenario is None:
                return None, []
            with db.session() as s:
                return scenario, workshop_posts(s, viewer, scenario, since=since)

        run_op(work, on_success=self._fill_posts, on_failure=lambda e: show_error(e, self))

    def _fill_posts(self, result: tuple[Scenario | None, list[WorkshopPost]]) -> None:
        scenario, posts = result
        self.scenario = scenario
        self.posts = posts
        keep = self.post_box.currentData()
        self.post_box.blockSignals(True)
        self.post_box.clear()
        if scenario is None:
            self.post_box.addItem("This scenario is not in the library on this computer", None)
        for p in posts:
            label = f"{offset_text(p.at) if p.source == 'scripted' else 'follow-up'} · {p.author}: {p.text}"
            if len(label) > 90:
                label = label[:89] + "…"
            self.post_box.addItem(f"{label} ({p.replies})", p.id)
        index = self.post_box.findData(keep)
        if index < 0 and posts:  # start on the post most people answered
            best = max(range(len(posts)), key=lambda i: posts[i].replies)
            index = best
        self.post_box.setCurrentIndex(max(0, index))
        self.post_box.blockSignals(False)
        self.refresh()

    def select(self, scenario_id: str, post_id: str) -> None:
        """Choose a scenario and post programmatically (tests, links from the transcript)."""
        i = self.scenario_box.findData(scenario_id)
        if i >= 0:
            self.scenario_box.setCurrentIndex(i)
        j = self.post_box.findData(post_id)
        if j >= 0:
            self.post_box.setCurrentIndex(j)

    def current_post(self) -> WorkshopPost | None:
        pid = self.post_box.currentData()
        return next((p for p in self.posts if p.id == pid), None)

    # -- replies
    def refresh(self, *, quiet: bool = False) -> None:
        post = self.current_post()
        sid = self.scenario_box.currentData()
        if post is None or sid is None:
            self._show([], None)
            return
        db, viewer, hide, since = self.db, self.viewer, self.hide_names.isChecked(), self.since()
        post_at = post.at if post.source == "scripted" else None

        def work() -> list[WorkshopReply]:
            with db.session() as s:
                return compare_replies(
                    s,
                    viewer,
                    scenario_id=sid,
                    post_id=post.id,
                    hide_names=hide,
                    since=since,
                    post_at=post_at,
                )

        self._polling = True
        run_op(
            work,
            on_success=lambda rows: self._show(rows, post),
            on_failure=self._refresh_failed if quiet else (lambda e: show_error(e, self)),
        )

    def _refresh_failed(self, exc: BaseException) -> None:
        self._polling = False
        self.count_label.setText(f"Live refresh failed: {exc}")

    def _poll(self) -> None:
        if not self._polling and self.isVisible():
            self.refresh(quiet=True)

    def _live_toggled(self, on: bool) -> None:
        if on:
            self._timer.start()
        else:
            self._timer.stop()

    def _show(self, rows: list[WorkshopReply], post: WorkshopPost | None) -> None:
        self._polling = False
        signature = (
            post.id if post else None,
            self.hide_names.isChecked(),
            tuple((r.attempt_id, r.action_id, r.score, r.label, r.missed) for r in rows),
        )
        if signature == self._signature:
            return  # nothing new since the last poll: keep the scroll position
        self._signature = signature
        self.replies = rows
        if post is not None:
            self.post_label.setText(f"<b>{esc(post.author)}</b>: {esc(post.text)}")
        answered = sum(1 for r in rows if not r.missed)
        self.count_label.setText(
            f"{answered} repl{'ies' if answered != 1 else 'y'}"
            + (f", {len(rows) - answered} missed" if len(rows) > answered else "")
            + (" — best first" if rows else "")
        )
        self._relayout()
        self.refreshed.emit(len(rows))

    def _columns(self) -> int:
        width = self.scroll_area.viewport().width() or self.width()
        return max(1, min(4, width // CARD_MIN_WIDTH))

    def _relayout(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.deleteLater()
        cols = self._columns()
        for c in range(4):
            self.grid.setColumnStretch(c, 1 if c < cols else 0)
        for i, reply in enumerate(self.replies):
            self.grid.addWidget(ReplyCard(reply, i + 1), i // cols, i % cols)
        self._laid_out_cols = cols

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.replies and getattr(self, "_laid_out_cols", None) != self._columns():
            self._relayout()

    def cards(self) -> list[ReplyCard]:
        return self.grid_host.findChildren(ReplyCard)
