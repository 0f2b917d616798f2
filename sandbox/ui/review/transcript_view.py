"""The transcript screen: the attempt replayed post by post, with the trainer's review tools.

The body is the same HTML as the PDF (``sandbox.review.render``) in a QTextBrowser; the links
under each reply ("Change a score…", "Comment on this…") open small dialogs. Every read and
write runs off the GUI thread; the Qt-free layer checks permissions again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from sandbox.auth import require_review
from sandbox.review import actions
from sandbox.review.render import FAMILY_WORDS, review_status_text, transcript_html
from sandbox.review.transcript import FAMILY_ORDER, Transcript, build_transcript
from sandbox.store.models import Profile
from sandbox.ui.ops import run_op, show_error
from sandbox.ui.theme import heading

__all__ = ["CommentDialog", "OverrideDialog", "TranscriptView"]


class OverrideDialog(QDialog):
    """Change one family's score; a reason is required and the original stays on record."""

    def __init__(
        self,
        scores: dict[str, int | None],
        original: dict[str, int | None],
        *,
        what: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Change a score")
        self.setMinimumWidth(440)
        self._scores = scores
        self._original = original
        intro = QLabel(
            f"Change a score of {what}. The original score stays visible and the change is "
            "recorded with your name and reason."
        )
        intro.setWordWrap(True)
        self.family = QComboBox()
        self.family.setAccessibleName("Score to change")
        for fam in FAMILY_ORDER:
            if fam in scores and (scores[fam] is not None or fam == "overall"):
                self.family.addItem(FAMILY_WORDS[fam], fam)
        self.current = QLabel()
        self.new = QSpinBox()
        self.new.setRange(0, 100)
        self.new.setAccessibleName("New score")
        self.reason = QPlainTextEdit()
        self.reason.setAccessibleName("Reason for the change")
        self.reason.setPlaceholderText("Why is this score wrong? (required)")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 16)
        self.message = QLabel("A reason is required.")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Score", self.family)
        form.addRow("Now", self.current)
        form.addRow("New score", self.new)
        form.addRow("Reason", self.reason)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Change score")
        self.ok.setEnabled(False)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.family.currentIndexChanged.connect(self._family_changed)
        self.reason.textChanged.connect(self._validate)
        self.new.valueChanged.connect(self._validate)
        self._family_changed()

    def _family_changed(self) -> None:
        fam = self.family.currentData()
        now, was = self._scores.get(fam), self._original.get(fam)
        text = "–" if now is None else str(now)
        if now != was:
            text += f" (originally {'–' if was is None else was})"
        self.current.setText(text)
        self.new.setValue(now if now is not None else 0)
        self._validate()

    def _validate(self) -> None:
        has_reason = bool(self.reason.toPlainText().strip())
        same = self.new.value() == self._scores.get(self.family.currentData())
        self.ok.setEnabled(has_reason and not same)
        if not has_reason:
            self.message.setText("A reason is required.")
        elif same:
            self.message.setText("Pick a score different from the current one.")
        else:
            self.message.setText("")

    def _accept(self) -> None:
        if not self.reason.toPlainText().strip():
            self.message.setText("A reason is required.")
            return
        self.accept()

    @property
    def chosen(self) -> tuple[str, int, str]:
        """(family, new score, reason)."""
        return self.family.currentData(), self.new.value(), self.reason.toPlainText().strip()


class CommentDialog(QDialog):
    """Write a comment on the attempt or on one reply."""

    def __init__(self, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Comment")
        self.setMinimumWidth(420)
        label = QLabel(f"Your comment on {what}:")
        label.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Comment")
        self.text.setTabChangesFocus(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Add comment")
        self.ok.setEnabled(False)
        self.text.textChanged.connect(
            lambda: self.ok.setEnabled(bool(self.text.toPlainText().strip()))
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.text)
        layout.addWidget(self.buttons)

    @property
    def comment(self) -> str:
        return self.text.toPlainText().strip()


class TranscriptView(QWidget):
    """One attempt's transcript with override, comment, verdict and PDF export."""

    back = Signal()
    changed = Signal(str)  # attempt id, after any review change was saved
    loaded = Signal()

    def __init__(
        self,
        db: Any,
        viewer: Profile,
        attempt_id: str,
        parent: QWidget | None = None,
        *,
        scenarios_dir: Path | None = None,
    ) -> None:
        super().__init__(parent)
        require_review(viewer)
        self.db = db
        self.viewer = viewer
        self.attempt_id = attempt_id
        self.scenarios_dir = scenarios_dir
        self.transcript: Transcript | None = None

        self.back_button = QPushButton("← Review list")
        self.title = QLabel("Loading transcript…")
        heading(self.title, 1.2)
        self.title.setWordWrap(True)
        self.status = QLabel("")
        self.status.setAccessibleName("Review status")
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title, 1)
        top.addWidget(self.status)

        self.override_button = QPushButton("Change a score…")
        self.override_button.setToolTip("Change one of the attempt's overall scores")
        self.comment_button = QPushButton("Comment…")
        self.comment_button.setToolTip("Comment on the attempt as a whole")
        self.passed_button = QPushButton("Mark passed")
        self.not_yet_button = QPushButton("Mark not yet")
        self.reopen_button = QPushButton("Reopen")
        self.reopen_button.setToolTip("Mark as not reviewed again")
        self.pdf_button = QPushButton("Export PDF…")
        bar = QHBoxLayout()
        for b in (self.override_button, self.comment_button):
            bar.addWidget(b)
        bar.addStretch(1)
        for b in (self.passed_button, self.not_yet_button, self.reopen_button, self.pdf_button):
            bar.addWidget(b)

        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setAccessibleName("Transcript")
        self.browser.anchorClicked.connect(self._anchor)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(bar)
        layout.addWidget(self.browser, 1)

        self.back_button.clicked.connect(self.back)
        self.override_button.clicked.connect(lambda: self.ask_override(None))
        self.comment_button.clicked.connect(lambda: self.ask_comment(None))
        self.passed_button.clicked.connect(lambda: self.set_verdict("passed"))
        self.not_yet_button.clicked.connect(lambda: self.set_verdict("not_yet"))
        self.reopen_button.clicked.connect(lambda: self.set_verdict(None, reviewed=False))
        self.pdf_button.clicked.connect(self._export_clicked)
        self._set_enabled(False)
        self.reload()

    # -- loading
    def reload(self) -> None:
        db, viewer, aid, sdir = self.db, self.viewer, self.attempt_id, self.scenarios_dir

        def work() -> Transcript:
            with db.session() as s:
                return build_transcript(s, viewer, aid, scenarios_dir=sdir)

        run_op(work, on_success=self._show, on_failure=lambda e: show_error(e, self))

    def _show(self, t: Transcript) -> None:
        self.transcript = t
        bar = self.browser.verticalScrollBar()
        keep = bar.value()
        self.title.setText(f"{t.trainee_name} — {t.scenario_title}")
        self.status.setText(review_status_text(t))
        self.browser.setHtml(transcript_html(t, interactive=True))
        bar.setValue(keep)
        self._set_enabled(True)
        self.reopen_button.setVisible(t.reviewed)
        self.loaded.emit()

    def _set_enabled(self, on: bool) -> None:
        for b in (
            self.override_button,
            self.comment_button,
            self.passed_button,
            self.not_yet_button,
            self.reopen_button,
            self.pdf_button,
        ):
            b.setEnabled(on)

    # -- links in the transcript
    def _anchor(self, url: QUrl) -> None:
        if url.scheme() != "review":
            return
        action_id = parse_qs(url.query()).get("action", [None])[0]
        if url.path() == "override":
            self.ask_override(action_id)
        elif url.path() == "comment":
            self.ask_comment(action_id)

    # -- review changes
    def make_override_dialog(self, action_id: str | None) -> OverrideDialog | None:
        t = self.transcript
        if t is None:
            return None
        if action_id is None:
            return OverrideDialog(
                t.scores, t.original_scores, what="the whole attempt", parent=self
            )
        a = t.action(action_id)
        if a is None:
            return None
        return OverrideDialog(a.scores, a.original_scores, what="this reply", parent=self)

    def ask_override(self, action_id: str | None) -> None:
        dialog = self.make_override_dialog(action_id)
        if dialog is not None and dialog.exec() == QDialog.DialogCode.Accepted:
            family, new, reason = dialog.chosen
            self.save_override(family, new, reason, action_id)

    def save_override(self, family: str, new: int, reason: str, action_id: str | None) -> None:
        db, viewer, aid = self.db, self.viewer, self.attempt_id

        def work() -> None:
            with db.session() as s:
                actions.override_score(
                    s,
                    reviewer=viewer,
                    attempt_id=aid,
                    family=family,
                    new=new,
                    reason=reason,
                    action_id=action_id,
                )

        run_op(work, on_success=self._saved, on_failure=lambda e: show_error(e, self))

    def ask_comment(self, action_id: str | None) -> None:
        what = "this reply" if action_id else "the whole attempt"
        dialog = CommentDialog(what, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.comment:
            self.save_comment(dialog.comment, action_id)

    def save_comment(self, text: str, action_id: str | None) -> None:
        db, viewer, aid = self.db, self.viewer, self.attempt_id

        def work() -> None:
            with db.session() as s:
                actions.add_comment(
                    s, reviewer=viewer, attempt_id=aid, text=text, action_id=action_id
                )

        run_op(work, on_success=self._saved, on_failure=lambda e: show_error(e, self))

    def set_verdict(self, outcome: str | None, *, reviewed: bool = True) -> None:
        db, viewer, aid = self.db, self.viewer, self.attempt_id

        def work() -> None:
            with db.session() as s:
                actions.mark_reviewed(
                    s, reviewer=viewer, attempt_id=aid, outcome=outcome, reviewed=reviewed
                )

        run_op(work, on_success=self._saved, on_failure=lambda e: show_error(e, self))

    def _saved(self, _result: object = None) -> None:
        self.changed.emit(self.attempt_id)
        self.reload()

    # -- PDF
    def _export_clicked(self) -> None:
        t = self.transcript
        if t is None:
            return
        safe = "".join(ch if ch.isalnum() else "-" for ch in f"{t.trainee_name} {t.scenario_id}")
        path, _ = QFileDialog.getSaveFileName(
            self, "Export transcript as PDF", str(Path.home() / f"{safe}.pdf"), "PDF files (*.pdf)"
        )
        if path:
            self.export_pdf(path)

    def export_pdf(self, path: str | Path) -> Path | None:
        """Write the transcript as shown to a PDF file (on the GUI thread: Qt painting)."""
        from sandbox.ui.review.pdf import write_transcript_pdf

        if self.transcript is None:
            return None
        self.setCursor(Qt.CursorShape.WaitCursor)
        try:
            out = write_transcript_pdf(self.transcript, path)
        except OSError as exc:
            show_error(OSError(f"Could not write {path}: {exc.strerror or exc}"), self)
            return None
        finally:
            self.unsetCursor()
        self.status.setText(f"Saved {Path(out).name}")
        return out
