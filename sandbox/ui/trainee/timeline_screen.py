"""The live scenario: clock bar, the feed (model/view) and the composer, plus every shortcut.

New posts are announced, never thrust at the learner: the scroll position and the selection
stay where they were, a "3 new posts" pill and the status bar say what arrived, screen readers
get an announcement, and keyboard focus does not move.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QListView,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from sandbox.scenario.models import ActionKind, PlatformKind
from sandbox.timeline.clock import SPEEDS
from sandbox.ui.guard import if_alive
from sandbox.ui.theme import scaled_font
from sandbox.ui.trainee.clock_bar import ClockBar
from sandbox.ui.trainee.composer import ComposedAction, Composer
from sandbox.ui.trainee.feed_delegate import PostDelegate
from sandbox.ui.trainee.feed_model import FeedFilter, FeedFilterProxy, PostRole, TimelineModel
from sandbox.ui.trainee.formatting import action_label, duration_text
from sandbox.ui.trainee.session import TrainingSession


class FeedView(QListView):
    """The feed list: per-pixel scrolling, no editing, a floating "new posts" pill."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setUniformItemSizes(False)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(200)
        self.setMouseTracking(False)
        self.setAccessibleName("Timeline")
        self.setAccessibleDescription("Posts, newest first. J and K move between posts.")
        self.pill = QPushButton("", self)
        self.pill.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # announcing must never steal focus
        self.pill.setAccessibleName("Show new posts")
        self.pill.setCursor(Qt.CursorShape.PointingHandCursor)
        self.pill.setStyleSheet(
            "QPushButton { background: palette(highlight); color: palette(highlighted-text);"
            " border-radius: 12px; padding: 4px 14px; font-weight: bold; }"
        )
        self.pill.hide()

    def place_pill(self) -> None:
        self.pill.adjustSize()
        x = (self.width() - self.pill.width()) // 2
        self.pill.move(max(0, x), 8)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.place_pill()


class TimelineScreen(QWidget):
    """The whole live-attempt screen. Emits ``finished(outcome)`` when the results are ready."""

    finished = Signal(object)  # AttemptOutcome

    def __init__(self, session: TrainingSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineScreen")
        self.session = session
        scenario = session.scenario
        self._threaded = scenario.platform.kind is PlatformKind.community
        self._unseen = 0
        self._finishing = False

        self.model = TimelineModel(threaded=self._threaded, parent=self)
        self.model.set_status_source(session.status)
        self.proxy = FeedFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.delegate = PostDelegate(
            threaded=self._threaded,
            account_name=scenario.account.name,
            account_handle=scenario.account.handle,
            account_avatar=scenario.account.avatar,
            team_names={t.id: t.name for t in scenario.teams},
            parent=self,
        )

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        header = QHBoxLayout()
        header.setContentsMargins(10, 6, 10, 0)
        self.title = QLabel(scenario.title)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setFont(scaled_font(self.font(), 1.2, bold=True))
        header.addWidget(self.title, 1)
        mode = (
            "Practice — coaching as you type"
            if session.practice
            else "Assessment — feedback at the end"
        )
        self.mode_label = QLabel(
            f"{mode} · {scenario.platform.kind.value} · {scenario.account.name}"
        )
        self.mode_label.setTextFormat(Qt.TextFormat.PlainText)
        header.addWidget(self.mode_label)
        outer.addLayout(header)

        self.clock_bar = ClockBar()
        outer.addWidget(self.clock_bar)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        outer.addWidget(self.splitter, 1)

        feed_pane = QWidget()
        feed_pane.setAccessibleName("Timeline pane")
        fl = QVBoxLayout(feed_pane)
        fl.setContentsMargins(8, 4, 4, 8)
        filters = QHBoxLayout()
        self.filter_group = QButtonGroup(self)
        self.filter_buttons: dict[str, QPushButton] = {}
        for mode_id, label in (
            (FeedFilter.all, "All posts"),
            (FeedFilter.needs_answer, "Needs an answer"),
            (FeedFilter.handled, "Handled"),
        ):
            b = QPushButton(label)
            b.setCheckable(True)
            b.setAccessibleName(f"Show {label.lower()}")
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            self.filter_group.addButton(b)
            self.filter_buttons[mode_id] = b
            filters.addWidget(b)
            b.clicked.connect(lambda _c=False, m=mode_id: self.set_filter(m))
        self.filter_buttons[FeedFilter.all].setChecked(True)
        filters.addStretch(1)
        fl.addLayout(filters)

        self.view = FeedView()
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(self.delegate)
        self.view.pill.clicked.connect(self.show_newest)
        self.view.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.view.selectionModel().currentChanged.connect(self._on_current_changed)
        fl.addWidget(self.view, 1)
        self.empty_label = QLabel("")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        fl.addWidget(self.empty_label)
        self.splitter.addWidget(feed_pane)

        self.composer = Composer(
            teams=scenario.teams, char_limit=scenario.platform.limit, practice=session.practice
        )
        self.splitter.addWidget(self.composer)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        # wiring
        session.posts_released.connect(self._on_posts_released)
        session.clock_changed.connect(self._on_clock)
        session.action_recorded.connect(self._on_action_recorded)
        session.findings_ready.connect(self._on_findings)
        session.send_failed.connect(self._on_send_failed)
        session.ended.connect(self._on_ended)
        self.composer.text_edited.connect(self._on_text_edited)
        self.composer.kind_changed.connect(lambda _k: self._rescore())
        self.composer.team_combo.currentIndexChanged.connect(lambda _i: self._rescore())
        self.composer.send_requested.connect(self._on_send)
        self.clock_bar.pause_toggled.connect(session.toggle_pause)
        self.clock_bar.speed_chosen.connect(session.set_speed)
        self.clock_bar.skip_requested.connect(self.skip)
        self.clock_bar.finish_requested.connect(self.finish_early)
        self._install_shortcuts()
        self._on_clock()
        self._update_empty()

    def start(self, *, running: bool = True) -> None:
        """Show what is already released (a resumed attempt has history) and start the clock."""
        s = self.session
        s.engine.advance_to(s.clock.elapsed)
        self._on_posts_released(list(s.engine.released))
        for post_id in {a.post_id for a in s.engine.actions}:
            self.model.set_actions(post_id, s.engine.actions_for(post_id))
        if running:
            s.start()
        else:
            self._on_clock()
        QTimer.singleShot(0, s.warm_up)  # after the first paint

    # --- shortcuts ---------------------------------------------------------------------
    def _install_shortcuts(self) -> None:
        ctx = Qt.ShortcutContext.WidgetWithChildrenShortcut

        def add(keys: str, slot: Any) -> None:
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(ctx)
            sc.activated.connect(slot)

        add("J", lambda: self.move_selection(+1))
        add("K", lambda: self.move_selection(-1))
        add("R", lambda: self.choose(ActionKind.reply))
        add("P", lambda: self.choose(ActionKind.private_message))
        add("E", lambda: self.choose(ActionKind.escalate))
        add("H", lambda: self.choose(ActionKind.hide))
        add("L", lambda: self.choose(ActionKind.leave))
        add("Ctrl+Return", self.composer.send)
        add("Ctrl+Enter", self.composer.send)
        add("Space", self.session.toggle_pause)
        for i, step in enumerate(SPEEDS, start=1):
            add(str(i), lambda s=step: self.session.set_speed(s))
        add("N", self.skip)
        add("F6", lambda: self.cycle_panes(+1))
        add("Shift+F6", lambda: self.cycle_panes(-1))

    def panes(self) -> list[QWidget]:
        editor_or_send = (
            self.composer.editor if self.composer.editor.isVisible() else self.composer.send_button
        )
        panes: list[QWidget] = [self.view, editor_or_send]
        if self.composer.findings_view.isVisible():
            panes.append(self.composer.findings_view)
        panes.append(self.clock_bar.pause_button)
        return panes

    def cycle_panes(self, step: int) -> None:
        panes = self.panes()
        focused = self.focusWidget()
        current = (
            next((i for i, p in enumerate(panes) if p is focused or p.isAncestorOf(focused)), -1)
            if focused
            else -1
        )
        target = panes[(current + step) % len(panes)]
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def move_selection(self, step: int) -> None:
        """Next (J) / previous (K) post in the feed."""
        rows = self.proxy.rowCount()
        if rows == 0:
            return
        cur = self.view.currentIndex()
        if not cur.isValid():
            row = 0
        elif not self.view.selectionModel().isSelected(cur):
            row = cur.row()  # focus put the cursor on a post without choosing it: choose it
        else:
            row = max(0, min(rows - 1, cur.row() + step))
        idx = self.proxy.index(row, 0)
        self.view.selectionModel().setCurrentIndex(
            idx, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.view.scrollTo(idx)

    def choose(self, kind: ActionKind) -> None:
        """R/P/E/H/L: pick an action for the selected post and go to the composer."""
        if self.composer.post is None:
            self.move_selection(0)
        self.composer.set_kind(kind)
        if self.composer.editor.isVisible() and kind is not ActionKind.escalate:
            self.composer.editor.setFocus(Qt.FocusReason.ShortcutFocusReason)
        elif kind is ActionKind.escalate:
            self.composer.team_combo.setFocus(Qt.FocusReason.ShortcutFocusReason)
        else:
            self.composer.send_button.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # --- feed ---------------------------------------------------------------------------
    def set_filter(self, mode: str) -> None:
        self.proxy.set_mode(mode)
        self.filter_buttons[mode].setChecked(True)
        self._update_empty()

    def select_post(self, post_id: str) -> bool:
        idx = self.proxy.mapFromSource(self.model.index_of(post_id))
        if not idx.isValid():
            return False
        self.view.selectionModel().setCurrentIndex(
            idx, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.view.scrollTo(idx)
        return True

    def selected_post(self) -> Any:
        idx = self.view.currentIndex()
        return idx.data(PostRole) if idx.isValid() else None

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        post = current.data(PostRole) if current.isValid() else None
        if post is self.composer.post:
            return
        self.composer.set_post(post, history=self._history(post))
        if post is not None and self.session.practice:
            self._rescore()

    def _history(self, post: Any) -> str:
        if post is None:
            return ""
        actions = self.session.engine.actions_for(post.id)
        if not actions:
            return ""
        parts = []
        for a in actions:
            minutes = max(0.0, (a.sim_at - post.at).total_seconds() / 60)
            parts.append(f"{action_label(a.kind.value)} after {duration_text(minutes)}")
        return "Already done: " + "; ".join(parts) + "."

    def _on_posts_released(self, posts: list[Any]) -> None:
        view = self.view
        bar = view.verticalScrollBar()
        first_load = self.model.rowCount() == 0
        anchor: QPersistentModelIndex | None = None
        offset = 0
        if not first_load:
            top = view.indexAt(QPoint(4, 4))
            if top.isValid():
                anchor = QPersistentModelIndex(top)
                offset = view.visualRect(top).top()
        before = self.model.rowCount()
        self.model.add_posts(posts)
        added = self.model.rowCount() - before
        if added <= 0:
            return
        if anchor is not None and anchor.isValid():
            view.doItemsLayout()
            delta = view.visualRect(self.proxy.index(anchor.row(), 0)).top() - offset
            if delta:
                bar.setValue(bar.value() + delta)
        if not first_load:
            self._unseen += added
            self._announce(posts)
        self._update_empty()
        if self.view.currentIndex().isValid() is False and first_load:
            pass  # nothing selected yet: the learner chooses (J or a click)

    def _announce(self, posts: list[Any]) -> None:
        n = self._unseen
        text = f"{n} new post" + ("s" if n != 1 else "")
        self.view.pill.setText(f"↑ {text}")
        self.view.pill.show()
        self.view.place_pill()
        latest = posts[-1]
        message = f"{len(posts)} new: {latest.author.name} — press Home in the timeline or click the pill to see the newest"
        win = self.window()
        if isinstance(win, QMainWindow):
            win.statusBar().showMessage(message, 8000)
        event = QAccessibleAnnouncementEvent(
            self.view, f"{text}. Latest from {latest.author.name}."
        )
        QAccessible.updateAccessibility(event)

    def show_newest(self) -> None:
        self.view.scrollToTop()
        self._clear_unseen()

    def _on_scrolled(self, value: int) -> None:
        if value == 0 and self._unseen:
            self._clear_unseen()

    def _clear_unseen(self) -> None:
        self._unseen = 0
        self.view.pill.hide()

    def unseen_count(self) -> int:
        return self._unseen

    def _update_empty(self) -> None:
        if self.model.rowCount() == 0:
            nxt = self.session.engine.next_event_at()
            self.empty_label.setText(
                "No posts yet. The first one arrives at "
                + (self._clock_text(nxt) if nxt is not None else "—")
                + ". Press N to skip ahead."
            )
            self.empty_label.show()
        elif self.proxy.rowCount() == 0:
            self.empty_label.setText(
                "Nothing needs an answer right now."
                if self.proxy.mode == FeedFilter.needs_answer
                else "Nothing here yet."
            )
            self.empty_label.show()
        else:
            self.empty_label.hide()

    # --- clock --------------------------------------------------------------------------
    def _clock_text(self, elapsed: Any) -> str:
        return (self.session.clock.start + elapsed).strftime("%H:%M")

    def _on_clock(self) -> None:
        s = self.session
        now = s.clock.now
        self.clock_bar.show_time(
            now.strftime("%H:%M:%S"),
            now.strftime("%a %d %b %Y"),
            s.clock.elapsed,
            s.engine.end_at,
            paused=s.clock.paused,
            speed=s.speed_step,
        )
        self.model.set_now(s.clock.elapsed)  # visible rows refresh as they repaint
        open_n = self.model.open_count()
        self.filter_buttons[FeedFilter.needs_answer].setText(f"Needs an answer ({open_n})")
        self.view.viewport().update()

    def skip(self) -> None:
        if not self.session.skip_to_next():
            win = self.window()
            if isinstance(win, QMainWindow):
                win.statusBar().showMessage(
                    "No more posts are due. Finish when you are ready.", 6000
                )

    # --- composing ----------------------------------------------------------------------
    def _on_text_edited(self, post_id: str, text: str) -> None:
        self.session.draft_changed(post_id, text)
        self._rescore()

    def _rescore(self) -> None:
        """Ask for live findings on the current draft (nothing to coach on an empty draft)."""
        post = self.composer.post
        if post is None or not self.session.practice:
            return
        text = self.composer.editor.toPlainText()
        if not text.strip() and self.composer.kind() in (
            ActionKind.reply,
            ActionKind.private_message,
        ):
            self.session.cancel_findings()
            self.composer.show_findings(text, [])
            return
        self.session.request_findings(post.id, text, self.composer.kind(), self.composer.team())

    def _on_findings(self, post_id: str, text: str, card: Any) -> None:
        post = self.composer.post
        if post is not None and post.id == post_id:
            self.composer.show_findings(text, card.findings)

    def _on_send(self, composed: ComposedAction) -> None:
        self.composer.send_button.setEnabled(False)

        def sent(action: Any) -> None:
            if self.composer.post is not None and self.composer.post.id == action.post_id:
                self.composer.clear_after_send()
            win = self.window()
            if isinstance(win, QMainWindow):
                win.statusBar().showMessage(
                    f"Recorded: {action_label(action.kind.value)}. Practice only — nothing was posted anywhere.",
                    6000,
                )

        self.session.send(composed, on_sent=if_alive(self, sent))

    def _on_action_recorded(self, action: Any) -> None:
        self.model.set_actions(action.post_id, self.session.engine.actions_for(action.post_id))
        post = self.composer.post
        if post is not None and post.id == action.post_id:
            self.composer.set_history(self._history(post))
        self._on_clock()

    def _on_send_failed(self, message: str) -> None:
        self.composer._update_send()
        QMessageBox.warning(self, "Not saved", message)

    # --- the end ------------------------------------------------------------------------
    def finish_early(self) -> None:
        if self._finishing:
            return
        was_running = not self.session.clock.paused
        self.session.pause()
        answer = QMessageBox.question(
            self,
            "Finish early?",
            "End this scenario now and see your results? Posts that still need an answer will count as missed.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.finish()
        elif was_running:
            self.session.resume()

    def _on_ended(self) -> None:
        win = self.window()
        if isinstance(win, QMainWindow):
            win.statusBar().showMessage("Time is up: working out your results…")
        QTimer.singleShot(0, self.finish)

    def finish(self) -> None:
        """Stop the attempt and hand the results over (no confirmation)."""
        if self._finishing:
            return
        self._finishing = True
        self.session.finish(self.finished.emit)
