"""Export a reviewed transcript as a PDF with Qt's own printing support.

The PDF is the same HTML as the review screen (``sandbox.review.render``) in its printable
form: no colour, spans underlined and bracketed, severity words — readable when printed in
black and white. Works offscreen, so a command-line export needs no display.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QFont, QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from sandbox.review.render import transcript_html
from sandbox.review.transcript import Transcript

__all__ = ["transcript_document", "write_transcript_pdf"]


def _ensure_app() -> None:
    """A GUI application object is needed for fonts; make an offscreen one for the CLI."""
    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        QGuiApplication([])


def transcript_document(t: Transcript) -> QTextDocument:
    """The printable transcript as a QTextDocument (also what the tests read back)."""
    _ensure_app()
    doc = QTextDocument()
    font = QFont(QGuiApplication.font())
    font.setPointSizeF(10.0)
    doc.setDefaultFont(font)
    doc.setHtml(transcript_html(t, printable=True))
    doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, t.scenario_title)
    return doc


def write_transcript_pdf(t: Transcript, path: str | Path) -> Path:
    """Write the transcript to ``path`` as an A4 PDF; returns the path."""
    _ensure_app()
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    writer = QPdfWriter(str(out))
    writer.setTitle(f"{t.scenario_title} — {t.trainee_name}")
    writer.setCreator("Reply Sandbox")
    writer.setResolution(300)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),  # QTextDocument.print_ adds a 2 cm margin
            QPageLayout.Unit.Millimeter,
        )
    )
    doc = transcript_document(t)
    # No page size on the document: print_ then paginates a copy to the paper, scales the
    # fonts to the writer's resolution and numbers the pages at the bottom.
    doc.print_(writer)
    del writer  # finishes and closes the file
    return out
