"""Avatars: an image from ``assets/`` when the persona names one, else initials on a colour.

Pixmaps are cached per (handle, image, size, device pixel ratio) so painting a long feed never
re-renders an avatar; the cache is small because scenarios have a handful of personas and the
filler reuses a bounded set of generated ones.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPixmap

from sandbox.paths import ASSETS_DIR
from sandbox.ui.theme import handle_colour

_cache: dict[tuple[str, str | None, int, float], QPixmap] = {}
_MAX = 2048


def initials(name: str) -> str:
    """Up to two initials of a display name ("Leeds City Council" -> "LC")."""
    words = [w for w in name.replace("@", " ").split() if w[:1].isalnum()]
    if not words:
        return "?"
    if len(words) == 1:
        return (
            words[0][:2].upper()
            if len(words[0]) > 1 and words[0].isupper()
            else words[0][0].upper()
        )
    return (words[0][0] + words[1][0]).upper()


def _asset(name: str | None) -> Path | None:
    if not name:
        return None
    path = (ASSETS_DIR / name).resolve()
    try:
        path.relative_to(ASSETS_DIR.resolve())  # a scenario may not point outside assets/
    except ValueError:
        return None
    return path if path.is_file() else None


def avatar(
    name: str, handle: str, size: int, *, image: str | None = None, dpr: float = 1.0
) -> QPixmap:
    """A round avatar of ``size`` logical pixels."""
    key = (handle, image, size, dpr)
    hit = _cache.get(key)
    if hit is not None:
        return hit
    px = QPixmap(round(size * dpr), round(size * dpr))
    px.setDevicePixelRatio(dpr)
    px.fill(Qt.GlobalColor.transparent)
    p = QPainter(px)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    clip = QPainterPath()
    clip.addEllipse(QRectF(0, 0, size, size))
    p.setClipPath(clip)
    path = _asset(image)
    loaded = QPixmap(str(path)) if path else QPixmap()
    if not loaded.isNull():
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.drawPixmap(QRectF(0, 0, size, size), loaded, QRectF(loaded.rect()))
    else:
        p.fillRect(QRectF(0, 0, size, size), handle_colour(handle))
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(6, round(size * 0.4)))  # relative to the avatar, not the UI font
        p.setFont(font)
        p.setPen(QColor("#ffffff"))
        p.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, initials(name))
    p.end()
    if len(_cache) > _MAX:
        _cache.clear()
    _cache[key] = px
    return px
