"""Palette, colours and font helpers shared by every screen.

Why one place: the high-contrast option must reach every widget and every delegate, and the
severity colours must stay distinguishable in both palettes (findings are also underlined, so
colour is never the only signal). Fonts always derive from the system font so the app follows
the user's size setting; nothing here sets a pixel size.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget


@dataclass(frozen=True)
class Colours:
    """Semantic colours used by delegates and highlighters (not by ordinary widgets)."""

    card: QColor
    card_border: QColor
    muted_text: QColor
    needs_answer: QColor
    overdue: QColor
    handled: QColor
    badge_bg: QColor
    badge_text: QColor
    thread_line: QColor
    learner_bg: QColor
    error: QColor
    warning: QColor
    info: QColor
    praise: QColor
    high_contrast: bool = False

    def severity(self, severity: str) -> QColor:
        """The colour of a finding's severity (always paired with an underline or a label)."""
        value = str(getattr(severity, "value", severity))
        return {
            "error": self.error,
            "warning": self.warning,
            "info": self.info,
            "praise": self.praise,
        }.get(value, self.info)


NORMAL = Colours(
    card=QColor("#ffffff"),
    card_border=QColor("#d5d9de"),
    muted_text=QColor("#5a6470"),
    needs_answer=QColor("#b35c00"),
    overdue=QColor("#c0262d"),
    handled=QColor("#2e7d32"),
    badge_bg=QColor("#e4ecf7"),
    badge_text=QColor("#1c3d6e"),
    thread_line=QColor("#c3c9d0"),
    learner_bg=QColor("#eef6ee"),
    error=QColor("#c0262d"),
    warning=QColor("#b35c00"),
    info=QColor("#1f5fa8"),
    praise=QColor("#2e7d32"),
)

HIGH_CONTRAST = Colours(
    card=QColor("#000000"),
    card_border=QColor("#ffffff"),
    muted_text=QColor("#ffffff"),
    needs_answer=QColor("#ffd400"),
    overdue=QColor("#ff6b6b"),
    handled=QColor("#7cff7c"),
    badge_bg=QColor("#000000"),
    badge_text=QColor("#ffff00"),
    thread_line=QColor("#ffffff"),
    learner_bg=QColor("#002a00"),
    error=QColor("#ff6b6b"),
    warning=QColor("#ffd400"),
    info=QColor("#7fd4ff"),
    praise=QColor("#7cff7c"),
    high_contrast=True,
)

_current: Colours = NORMAL


def colours() -> Colours:
    """The semantic colours of the palette in use."""
    return _current


def _high_contrast_palette() -> QPalette:
    pal = QPalette()
    black, white, yellow = QColor("#000000"), QColor("#ffffff"), QColor("#ffff00")
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        pal.setColor(group, QPalette.ColorRole.Window, black)
        pal.setColor(group, QPalette.ColorRole.WindowText, white)
        pal.setColor(group, QPalette.ColorRole.Base, black)
        pal.setColor(group, QPalette.ColorRole.AlternateBase, QColor("#1a1a1a"))
        pal.setColor(group, QPalette.ColorRole.Text, white)
        pal.setColor(group, QPalette.ColorRole.Button, black)
        pal.setColor(group, QPalette.ColorRole.ButtonText, white)
        pal.setColor(group, QPalette.ColorRole.Highlight, yellow)
        pal.setColor(group, QPalette.ColorRole.HighlightedText, black)
        pal.setColor(group, QPalette.ColorRole.ToolTipBase, black)
        pal.setColor(group, QPalette.ColorRole.ToolTipText, white)
        pal.setColor(group, QPalette.ColorRole.PlaceholderText, QColor("#d0d0d0"))
        pal.setColor(group, QPalette.ColorRole.Link, QColor("#7fd4ff"))
        pal.setColor(group, QPalette.ColorRole.Light, white)
        pal.setColor(group, QPalette.ColorRole.Mid, white)
        pal.setColor(group, QPalette.ColorRole.Dark, white)
    dis = QPalette.ColorGroup.Disabled
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        pal.setColor(dis, role, QColor("#a0a0a0"))
    pal.setColor(dis, QPalette.ColorRole.Window, black)
    pal.setColor(dis, QPalette.ColorRole.Base, black)
    pal.setColor(dis, QPalette.ColorRole.Button, black)
    return pal


_HIGH_CONTRAST_QSS = """
QPlainTextEdit, QTextBrowser, QListView, QLineEdit, QComboBox, QScrollArea, QProgressBar {
    border: 1px solid #ffffff;
}
QPushButton { border: 1px solid #ffffff; padding: 3px 10px; background: #000000; color: #ffffff; }
QPushButton:checked, QPushButton:pressed { background: #ffff00; color: #000000; }
QPushButton:focus, QPlainTextEdit:focus, QListView:focus, QLineEdit:focus { border: 2px solid #ffff00; }
QPushButton:disabled { color: #a0a0a0; border-color: #a0a0a0; }
QProgressBar { color: #ffffff; text-align: center; }
QProgressBar::chunk { background: #7fd4ff; }
"""


def _light_palette() -> QPalette:
    """A calm light palette (the platform default can be dark or odd under offscreen)."""
    pal = QPalette()
    window, text = QColor("#f3f5f7"), QColor("#1b1f24")
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        pal.setColor(group, QPalette.ColorRole.Window, window)
        pal.setColor(group, QPalette.ColorRole.WindowText, text)
        pal.setColor(group, QPalette.ColorRole.Base, QColor("#ffffff"))
        pal.setColor(group, QPalette.ColorRole.AlternateBase, QColor("#f7f9fb"))
        pal.setColor(group, QPalette.ColorRole.Text, text)
        pal.setColor(group, QPalette.ColorRole.Button, QColor("#e9edf1"))
        pal.setColor(group, QPalette.ColorRole.ButtonText, text)
        pal.setColor(group, QPalette.ColorRole.Highlight, QColor("#1f5fa8"))
        pal.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
        pal.setColor(group, QPalette.ColorRole.ToolTipBase, QColor("#ffffe8"))
        pal.setColor(group, QPalette.ColorRole.ToolTipText, text)
        pal.setColor(group, QPalette.ColorRole.PlaceholderText, QColor("#6b7480"))
        pal.setColor(group, QPalette.ColorRole.Link, QColor("#1f5fa8"))
        pal.setColor(group, QPalette.ColorRole.Light, QColor("#ffffff"))
        pal.setColor(group, QPalette.ColorRole.Midlight, QColor("#e2e6ea"))
        pal.setColor(group, QPalette.ColorRole.Mid, QColor("#b8c0c8"))
        pal.setColor(group, QPalette.ColorRole.Dark, QColor("#8a939c"))
    dis = QPalette.ColorGroup.Disabled
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        pal.setColor(dis, role, QColor("#8a939c"))
    pal.setColor(dis, QPalette.ColorRole.Window, window)
    pal.setColor(dis, QPalette.ColorRole.Base, QColor("#f3f5f7"))
    pal.setColor(dis, QPalette.ColorRole.Button, QColor("#e9edf1"))
    return pal


def apply_palette(app: QApplication, *, high_contrast: bool) -> None:
    """Switch the whole application between the normal and the high-contrast palette."""
    global _current
    _current = HIGH_CONTRAST if high_contrast else NORMAL
    app.setPalette(_high_contrast_palette() if high_contrast else _light_palette())
    # Fusion draws some frames and checked buttons too faintly on black: make them explicit.
    app.setStyleSheet(_HIGH_CONTRAST_QSS if high_contrast else "")
    for widget in app.allWidgets():
        widget.update()


def is_high_contrast() -> bool:
    return _current.high_contrast


def scaled_font(base: QFont, factor: float = 1.0, *, bold: bool = False) -> QFont:
    """A font relative to the system font (never a fixed pixel size)."""
    font = QFont(base)
    if base.pointSizeF() > 0:
        font.setPointSizeF(base.pointSizeF() * factor)
    elif base.pixelSize() > 0:  # only if the platform itself hands out pixel fonts
        font.setPixelSize(max(1, round(base.pixelSize() * factor)))
    font.setBold(bold)
    return font


def heading(widget: QWidget, factor: float = 1.4) -> None:
    """Make a label a heading: bigger and bold, still relative to the system font."""
    widget.setFont(scaled_font(widget.font(), factor, bold=True))


def handle_colour(handle: str) -> QColor:
    """A stable, readable avatar colour derived from a handle (same handle, same colour)."""
    digest = hashlib.md5(handle.lower().lstrip("@").encode("utf-8"), usedforsecurity=False).digest()
    hue = int.from_bytes(digest[:2], "big") % 360
    return QColor.fromHsl(hue, 120, 95)
