"""The composer for the selected post: choose an action, write, see coaching, send.

The composer knows nothing about scoring or storage: it emits ``text_edited`` (the session
debounces it into autosave and live scoring) and ``send_requested``; the session answers with
``show_findings``. Findings only apply to the text they were computed for, so a slow result for
an older draft is dropped instead of underlining the wrong words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from sandbox.scenario.models import ActionKind, Team
from sandbox.scoring.types import Finding
from sandbox.ui.flow_layout import FlowLayout
from sandbox.ui.theme import colours, scaled_font
from sandbox.ui.trainee.findings import FindingHighlighter, FindingsModel, FindingTooltips
from sandbox.ui.trainee.formatting import action_label

TEXT_KINDS = (ActionKind.reply, ActionKind.private_message, ActionKind.escalate)

_PLACEHOLDERS = {
    ActionKind.reply: "Write a public reply… (Ctrl+Enter to send)",
    ActionKind.private_message: "Write a private message… (Ctrl+Enter to send)",
    ActionKind.escalate: "Internal note for the team: what happened and what you need… (Ctrl+Enter to send)",
}
_NO_TEXT = {
    ActionKind.hide: "Hide the post from the page and report it. Nothing is written. Press Send to record it.",
    ActionKind.like: "Like the post to acknowledge it. Nothing is written. Press Send to record it.",
    ActionKind.leave: "Leave the post alone on purpose (spam, trolls, chat that needs nothing). Press Send to record it.",
}
_SHORTCUT_HINT = {
    ActionKind.reply: "R",
    ActionKind.private_message: "P",
    ActionKind.escalate: "E",
    ActionKind.hide: "H",
    ActionKind.like: "",
    ActionKind.leave: "L",
}


@dataclass(frozen=True)
class ComposedAction:
    """What the learner asked to send (the session turns it into a LearnerAction)."""

    post_id: str
    kind: ActionKind
    text: str = ""
    team: str | None = None
    note: str = ""


class PlaceholderListView(QListView):
    """A list that says what will appear in it while it is empty (never a blank panel)."""

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._placeholder = placeholder

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is not None and model.rowCount() == 0:
            p = QPainter(self.viewport())
            p.setPen(colours().muted_text)
            r = self.viewport().rect().adjusted(8, 8, -8, -8)
            p.drawText(
                r,
                int(
                    Qt.AlignmentFlag.AlignTop
                    | Qt.AlignmentFlag.AlignLeft
                    | Qt.TextFlag.TextWordWrap
                ),
                self._placeholder,
            )
            p.end()


class ReplyEditor(QPlainTextEdit):
    """Plain-text editor where Ctrl+Enter sends instead of adding a line."""

    send_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.send_pressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class Composer(QWidget):
    """Action picker, editor with counter, send button and (practice mode) live findings."""

    text_edited = Signal(str, str)  # post id, text
    kind_changed = Signal(str)  # action kind value
    send_requested = Signal(object)  # ComposedAction

    def __init__(
        self,
        *,
        teams: Sequence[Team],
        char_limit: int,
        practice: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self._char_limit = char_limit
        self._practice = practice
        self._post: Any = None
        self._drafts: dict[str, str] = {}
        self._loading = False
        self._last_edited: str | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)

        self.title = QLabel("Select a post to answer")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setFont(scaled_font(self.font(), 1.15, bold=True))
        self.title.setAccessibleName("Selected post")
        layout.addWidget(self.title)

        self.post_text = QLabel("")
        self.post_text.setTextFormat(Qt.TextFormat.PlainText)  # untrusted text, never rich
        self.post_text.setWordWrap(True)
        self.post_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.post_text.setFrameShape(QFrame.Shape.StyledPanel)
        self.post_text.setMargin(6)
        self.post_text.setAccessibleName("Text of the selected post")
        self.post_text.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout.addWidget(self.post_text)

        self.history = QLabel("")
        self.history.setTextFormat(Qt.TextFormat.PlainText)
        self.history.setWordWrap(True)
        self.history.setAccessibleName("What you have already done with this post")
        layout.addWidget(self.history)

        self.kind_box = QWidget()
        self.kind_box.setAccessibleName("Action")
        row = FlowLayout(self.kind_box, spacing=4)
        self.kind_group = QButtonGroup(self)
        self.kind_group.setExclusive(True)
        self.kind_buttons: dict[ActionKind, QPushButton] = {}
        for kind in ActionKind:
            hint = _SHORTCUT_HINT[kind]
            button = QPushButton(action_label(kind.value))
            button.setCheckable(True)
            button.setAccessibleName(action_label(kind.value))
            button.setToolTip(
                f"{action_label(kind.value)} (shortcut: {hint})"
                if hint
                else action_label(kind.value)
            )
            button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
            self.kind_group.addButton(button)
            self.kind_buttons[kind] = button
            row.addWidget(button)
            button.toggled.connect(lambda on, k=kind: self._kind_toggled(k) if on else None)
        layout.addWidget(self.kind_box)

        team_row = QHBoxLayout()
        self.team_label = QLabel("&Team:")
        self.team_combo = QComboBox()
        self.team_combo.setAccessibleName("Team to escalate to")
        self.team_combo.view().setAccessibleName("Teams")
        self.team_combo.addItem("Choose a team…", None)
        for team in teams:
            self.team_combo.addItem(team.name, team.id)
        self.team_label.setBuddy(self.team_combo)
        team_row.addWidget(self.team_label)
        team_row.addWidget(self.team_combo, 1)
        self.team_box = QWidget()
        self.team_box.setLayout(team_row)
        team_row.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.team_box)
        self.team_combo.currentIndexChanged.connect(self._update_send)

        self.editor = ReplyEditor()
        self.editor.setAccessibleName("Your reply")
        self.editor.setTabChangesFocus(True)
        self.editor.setMinimumHeight(self.fontMetrics().height() * 5)
        self.editor.textChanged.connect(self._on_text_changed)
        self.editor.send_pressed.connect(self.send)
        layout.addWidget(self.editor, 2)

        self.no_text_label = QLabel("")
        self.no_text_label.setWordWrap(True)
        self.no_text_label.setAccessibleName("About this action")
        layout.addWidget(self.no_text_label)

        bottom = QHBoxLayout()
        self.counter = QLabel("")
        self.counter.setAccessibleName("Character count")
        bottom.addWidget(self.counter, 1)
        self.send_button = QPushButton("Send")
        self.send_button.setToolTip(
            "Send (Ctrl+Enter). Nothing is ever posted anywhere: this is practice."
        )
        self.send_button.setAccessibleName("Send")
        self.send_button.setDefault(False)
        self.send_button.clicked.connect(self.send)
        bottom.addWidget(self.send_button)
        layout.addLayout(bottom)

        self.findings_title = QLabel("Coaching as you type" if practice else "Assessment mode")
        self.findings_title.setFont(scaled_font(self.font(), 1.0, bold=True))
        layout.addWidget(self.findings_title)
        self.findings_model = FindingsModel(self)
        self.findings_view = PlaceholderListView(
            "Start writing: coaching on risk, tone and what to cover appears here as you type."
        )
        self.findings_view.setModel(self.findings_model)
        self.findings_view.setWordWrap(True)
        self.findings_view.setUniformItemSizes(False)
        self.findings_view.setAccessibleName("Findings for your draft")
        self.findings_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.findings_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.findings_view.setMinimumHeight(self.fontMetrics().height() * 5)
        self.findings_view.clicked.connect(self._jump_to_finding)
        self.findings_view.activated.connect(self._jump_to_finding)
        self.assessment_note = QLabel(
            "Feedback and model answers appear on the results screen when you finish. "
            "Nothing you send is posted anywhere."
        )
        self.assessment_note.setWordWrap(True)
        layout.addWidget(self.findings_view, 3)
        layout.addWidget(self.assessment_note)
        self.findings_view.setVisible(practice)
        self.assessment_note.setVisible(not practice)

        self.highlighter = FindingHighlighter(self.editor.document())
        self._tooltips = FindingTooltips(self.editor, self.highlighter)

        self.kind_buttons[ActionKind.reply].setChecked(True)
        self.set_post(None)

    # --- state --------------------------------------------------------------------------
    @property
    def practice(self) -> bool:
        return self._practice

    @property
    def post(self) -> Any:
        return self._post

    def kind(self) -> ActionKind:
        for kind, button in self.kind_buttons.items():
            if button.isChecked():
                return kind
        return ActionKind.reply

    def set_kind(self, kind: ActionKind) -> None:
        self.kind_buttons[kind].setChecked(True)

    def team(self) -> str | None:
        data = self.team_combo.currentData()
        return str(data) if data else None

    def set_drafts(self, drafts: dict[str, str]) -> None:
        """Drafts restored from the database, by post id."""
        self._drafts.update(drafts)

    def draft_for(self, post_id: str) -> str:
        return self._drafts.get(post_id, "")

    def set_post(self, post: Any, *, history: str = "") -> None:
        """Show a post (or nothing) and restore its draft."""
        if self._post is not None:
            self._drafts[self._post.id] = self.editor.toPlainText()
        self._post = post
        self._loading = True
        try:
            if post is None:
                self.title.setText("Select a post to answer")
                self.post_text.setText("Choose a post in the timeline (J/K or the arrow keys).")
                self.history.setText("")
                self.editor.setPlainText("")
            else:
                handle = (
                    post.author.handle
                    if post.author.handle.startswith("@")
                    else "@" + post.author.handle
                )
                self.title.setText(f"{post.author.name} {handle}")
                self.post_text.setText(post.text)
                self.history.setText(history)
                self.editor.setPlainText(self._drafts.get(post.id, ""))
            self.highlighter.clear()
            self.findings_model.set_findings([])
        finally:
            self._loading = False
        self._kind_toggled(self.kind(), emit=False)
        self.history.setVisible(bool(history))

    def set_history(self, history: str) -> None:
        self.history.setText(history)
        self.history.setVisible(bool(history))

    def clear_after_send(self) -> None:
        if self._post is not None:
            self._drafts.pop(self._post.id, None)
        self._loading = True
        try:
            self.editor.clear()
            self.team_combo.setCurrentIndex(0)
            self.highlighter.clear()
            self.findings_model.set_findings([])
        finally:
            self._loading = False
        self._update_send()

    # --- findings -----------------------------------------------------------------------
    def show_findings(self, text: str, findings: Sequence[Finding]) -> bool:
        """Show findings computed for ``text``; dropped (False) if the draft has moved on."""
        if not self._practice or text != self.editor.toPlainText():
            return False
        self.findings_model.set_findings(findings)
        self.highlighter.set_findings(findings)
        return True

    def _jump_to_finding(self, index: Any) -> None:
        f = self.findings_model.data(index, Qt.ItemDataRole.UserRole + 1)
        if f is None or f.end <= f.start:
            return
        cursor = self.editor.textCursor()
        cursor.setPosition(min(f.start, len(self.editor.toPlainText())))
        cursor.setPosition(min(f.end, len(self.editor.toPlainText())), cursor.MoveMode.KeepAnchor)
        self.editor.setTextCursor(cursor)
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- internals ----------------------------------------------------------------------
    def _kind_toggled(self, kind: ActionKind, *, emit: bool = True) -> None:
        wants_text = kind in TEXT_KINDS
        has_post = self._post is not None
        self.editor.setVisible(wants_text)
        self.editor.setEnabled(has_post)
        self.editor.setPlaceholderText(_PLACEHOLDERS.get(kind, ""))
        self.editor.setAccessibleName(
            {
                "reply": "Your public reply",
                "private_message": "Your private message",
                "escalate": "Internal note",
            }.get(kind.value, "Your reply")
        )
        self.team_box.setVisible(kind is ActionKind.escalate)
        self.no_text_label.setVisible(not wants_text)
        self.no_text_label.setText(_NO_TEXT.get(kind, ""))
        self.send_button.setText(f"Send: {action_label(kind.value)}")
        self.counter.setVisible(wants_text)
        self._update_send()
        if emit:
            self.kind_changed.emit(kind.value)

    def _on_text_changed(self) -> None:
        self._update_send()
        if self._loading or self._post is None:
            return
        text = self.editor.toPlainText()
        if text == self._drafts.get(self._post.id) and self._post.id == self._last_edited:
            return  # a highlight repaint, not an edit: re-scoring it would loop forever
        self._last_edited = self._post.id
        self._drafts[self._post.id] = text
        self.text_edited.emit(self._post.id, text)

    def _update_send(self) -> None:
        kind = self.kind()
        n = len(self.editor.toPlainText())
        ok = self._post is not None
        c = colours()
        if kind is ActionKind.reply:
            over = n - self._char_limit
            self.counter.setText(
                f"{n} / {self._char_limit} characters"
                + (f" — {over} over the limit" if over > 0 else "")
            )
            self.counter.setStyleSheet(
                f"color: {c.error.name()}; font-weight: bold;" if over > 0 else ""
            )
            ok = ok and 0 < n <= self._char_limit
        elif kind is ActionKind.private_message:
            self.counter.setText(f"{n} characters")
            self.counter.setStyleSheet("")
            ok = ok and n > 0
        elif kind is ActionKind.escalate:
            self.counter.setText(f"{n} characters in the note")
            self.counter.setStyleSheet("")
            ok = ok and self.team() is not None
        self.send_button.setEnabled(ok)

    def send(self) -> None:
        """Ask to send the current action (ignored when it is not complete)."""
        self._update_send()
        if not self.send_button.isEnabled() or self._post is None:
            return
        kind = self.kind()
        text = self.editor.toPlainText().strip() if kind in TEXT_KINDS else ""
        action = ComposedAction(
            post_id=self._post.id,
            kind=kind,
            text=text if kind is not ActionKind.escalate else "",
            team=self.team() if kind is ActionKind.escalate else None,
            note=text if kind is ActionKind.escalate else "",
        )
        self.send_requested.emit(action)

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().averageCharWidth() * 60, 400)
