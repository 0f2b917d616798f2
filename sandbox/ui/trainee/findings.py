"""Findings shown while typing: a list model, a highlighter for the spans, hover messages.

Highlights are an underline whose style and colour follow the severity, plus a light tint, so
they stay visible in the high-contrast palette and to people who cannot tell the colours apart.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QPlainTextEdit, QToolTip

from sandbox.scoring.labels import SEVERITY_MARK, SEVERITY_ORDER, SEVERITY_WORD
from sandbox.scoring.types import Finding, Severity
from sandbox.ui.theme import colours

FindingRole = Qt.ItemDataRole.UserRole + 1
SeverityRole = FindingRole + 1
MessageRole = FindingRole + 2
SpanRole = FindingRole + 3  # (start, end)


def plain_tooltip(text: str) -> str:
    """Tooltips guess rich text; escaping and wrapping forces the learner's words to stay text."""
    return "<p style='white-space:pre-wrap'>" + html.escape(text) + "</p>"


def finding_line(f: Finding) -> str:
    """One plain-text line for a finding (also its accessible text)."""
    line = f"{SEVERITY_MARK[f.severity]} {SEVERITY_WORD[f.severity]}: {f.message}"
    if f.match and f.end > f.start and f.match not in f.message:
        line += f" (“{f.match}”)"
    if f.suggestion:
        line += f" — {f.suggestion}"
    return line


class FindingsModel(QAbstractListModel):
    """The findings of the current draft, most serious first."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._findings: list[Finding] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._findings)

    def roleNames(self) -> dict[int, QByteArray]:
        return {
            FindingRole: QByteArray(b"finding"),
            SeverityRole: QByteArray(b"severity"),
            MessageRole: QByteArray(b"message"),
            SpanRole: QByteArray(b"span"),
        }

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._findings):
            return None
        f = self._findings[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return finding_line(f)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f.source and f"Guidance: {f.source}"
        if role == Qt.ItemDataRole.ForegroundRole:
            return colours().severity(f.severity)
        if role == FindingRole:
            return f
        if role == SeverityRole:
            return f.severity.value
        if role == MessageRole:
            return f.message
        if role == SpanRole:
            return (f.start, f.end)
        return None

    def set_findings(self, findings: Sequence[Finding]) -> None:
        self.beginResetModel()
        self._findings = sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.start))
        self.endResetModel()

    def findings(self) -> list[Finding]:
        return list(self._findings)


_UNDERLINES = {
    Severity.error: QTextCharFormat.UnderlineStyle.WaveUnderline,
    Severity.warning: QTextCharFormat.UnderlineStyle.SingleUnderline,
    Severity.info: QTextCharFormat.UnderlineStyle.DashUnderline,
    Severity.praise: QTextCharFormat.UnderlineStyle.DotLine,
}


class FindingHighlighter(QSyntaxHighlighter):
    """Underlines finding spans in the editor (offsets are characters into the whole text)."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._spans: list[Finding] = []

    def set_findings(self, findings: Sequence[Finding]) -> None:
        self._spans = [f for f in findings if f.end > f.start]
        self.rehighlight()

    def clear(self) -> None:
        if self._spans:
            self._spans = []
            self.rehighlight()

    def finding_at(self, position: int) -> list[Finding]:
        return [f for f in self._spans if f.start <= position < f.end]

    def highlightBlock(self, text: str) -> None:
        if not self._spans:
            return
        start = self.currentBlock().position()
        end = start + len(text)
        for f in sorted(self._spans, key=lambda f: -SEVERITY_ORDER[f.severity]):
            s, e = max(f.start, start), min(f.end, end)
            if e <= s:
                continue
            fmt = QTextCharFormat()
            colour = colours().severity(f.severity)
            fmt.setUnderlineStyle(_UNDERLINES[f.severity])
            fmt.setUnderlineColor(colour)
            tint = QColor(colour)
            tint.setAlpha(110 if colours().high_contrast else 40)
            fmt.setBackground(tint)
            self.setFormat(s - start, e - s, fmt)


class FindingTooltips(QObject):
    """Shows a finding's message when the pointer rests on its span."""

    def __init__(self, editor: QPlainTextEdit, highlighter: FindingHighlighter) -> None:
        super().__init__(editor)
        self._editor = editor
        self._hl = highlighter
        editor.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            pos = event.pos()  # type: ignore[attr-defined]
            cursor = self._editor.cursorForPosition(pos)
            found = self._hl.finding_at(cursor.position())
            if found:
                QToolTip.showText(
                    event.globalPos(),  # type: ignore[attr-defined]
                    plain_tooltip("\n".join(finding_line(f) for f in found)),
                    self._editor,
                )
            else:
                QToolTip.hideText()
            return True
        return False
