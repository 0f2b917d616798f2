"""The feed delegate paints untrusted text as plain text and caches its measurements."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import QListView, QStyleOptionViewItem

from sandbox.scoring.types import Finding, Severity
from sandbox.ui.trainee.feed_delegate import PostDelegate
from sandbox.ui.trainee.feed_model import TimelineModel
from sandbox.ui.trainee.findings import FindingsModel


def _post(flood_path: Path, text: str) -> Any:
    from sandbox.scenario.loader import load_scenario
    from sandbox.timeline.engine import TimelineEngine

    scenario = load_scenario(flood_path)
    engine = TimelineEngine(scenario, seed=1)
    posts = engine.advance_to(timedelta(minutes=30))
    author = posts[0].author.model_copy(update={"kind": "resident", "verified": False})
    return replace(posts[0], text=text, author=author)


def _ink_width(app: Any, flood_path: Path, text: str) -> tuple[int, int]:
    """Render one row; return (ink width of the body line, body text left edge)."""
    view = QListView()
    model = TimelineModel()
    model.add_posts([_post(flood_path, text)])
    view.setModel(model)
    delegate = PostDelegate()
    view.setItemDelegate(delegate)
    view.resize(700, 300)
    opt = QStyleOptionViewItem()
    view.initViewItemOption(opt)
    opt.rect = QRect(0, 0, 700, 200)
    idx = model.index(0, 0)
    size = delegate.sizeHint(opt, idx)
    opt.rect = QRect(0, 0, 700, size.height())
    img = QImage(700, size.height(), QImage.Format.Format_ARGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    delegate.paint(p, opt, idx)
    p.end()
    fm = QFontMetrics(opt.font)
    m = delegate._metrics(delegate._fonts_for(opt.font))
    _, text_left, _ = delegate._columns(700, 0, m)
    # the body line sits below the header line
    top = (
        m["margin"]
        + m["pad"]
        + QFontMetrics(delegate._fonts_for(opt.font).bold).height()
        + 2
        + m["gap"]
    )
    xs = [
        x
        for y in range(top, min(img.height(), top + fm.height()))
        for x in range(text_left, 690)
        if QColor(img.pixel(x, y)).lightness() < 128
    ]
    return (max(xs) - min(xs) if xs else 0), text_left


def test_markup_in_a_post_is_painted_as_literal_characters(app: Any, flood_path: Path) -> None:
    literal, _ = _ink_width(app, flood_path, "<b>hi</b>")
    plain, _ = _ink_width(app, flood_path, "hi")
    from PySide6.QtWidgets import QApplication

    fm = QFontMetrics(QApplication.font())
    # rich text would show a bold "hi" (about as wide as "hi"); plain text shows all 9 characters
    assert literal > 2.5 * plain
    assert literal >= 0.8 * fm.horizontalAdvance("<b>hi</b>")


def test_size_hints_are_cached_per_layout_key_and_width(app: Any, flood_path: Path) -> None:
    model = TimelineModel()
    model.add_posts([_post(flood_path, "A post long enough to wrap " * 10)])
    delegate = PostDelegate()
    view = QListView()
    opt = QStyleOptionViewItem()
    view.initViewItemOption(opt)
    idx = model.index(0, 0)
    opt.rect = QRect(0, 0, 600, 10)
    narrow = delegate.sizeHint(opt, idx)
    assert delegate.sizeHint(opt, idx) == narrow
    assert len(delegate._size_cache) == 1
    opt.rect = QRect(0, 0, 1200, 10)
    wide = delegate.sizeHint(opt, idx)
    assert wide.height() < narrow.height()
    assert len(delegate._size_cache) == 2


def test_findings_model_passes_qt_model_tester(qtmodeltester: Any) -> None:
    model = FindingsModel()
    qtmodeltester.check(model)
    model.set_findings(
        [
            Finding("tone.x", "tone", Severity.warning, 0, 3, "abc", "Shouting"),
            Finding("risk.y", "risk", Severity.error, 5, 9, "0770", "Phone number"),
        ]
    )
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.findings()[0].severity is Severity.error  # most serious first
