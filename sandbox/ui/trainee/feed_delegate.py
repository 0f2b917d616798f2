"""Paints one feed row: avatar, name, handle, badge, simulated time, text, the learner's replies.

Post text is untrusted and is only ever drawn with ``QPainter.drawText`` (plain text: no markup,
no mnemonics, no rich-text detection). Heights are measured with the same font metrics used to
paint and cached per (row layout key, width), so scrolling 10,000 rows never re-measures text.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from sandbox.ui.avatars import avatar
from sandbox.ui.theme import colours, scaled_font
from sandbox.ui.trainee.feed_model import FeedRow, MeasureRole, RowRole
from sandbox.ui.trainee.formatting import action_label, duration_text, kind_label, relative_time

log = logging.getLogger(__name__)

# Rendered rows kept for reuse: a screenful several times over (a few MB at most).
_PIXMAP_CACHE_ROWS = 96

_TEXT_OPTION = QTextOption()
_TEXT_OPTION.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
_TOP_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop


@dataclass(frozen=True)
class _Fonts:
    body: QFont
    bold: QFont
    small: QFont
    fm: QFontMetrics
    bold_fm: QFontMetrics
    small_fm: QFontMetrics
    key: str

    @classmethod
    def of(cls, base: QFont) -> _Fonts:
        base = QFont(base)  # own a copy: the option's font dies with the option
        bold = scaled_font(base, 1.0, bold=True)
        small = scaled_font(base, 0.9)
        return cls(
            base,
            bold,
            small,
            QFontMetrics(base),
            QFontMetrics(bold),
            QFontMetrics(small),
            base.key(),
        )


class PostDelegate(QStyledItemDelegate):
    """Microblog look (flat rows with separators) or community look (cards, indented comments)."""

    def __init__(
        self,
        *,
        threaded: bool = False,
        account_name: str = "You",
        account_handle: str = "@you",
        account_avatar: str | None = None,
        team_names: dict[str, str] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._team_names = dict(team_names or {})
        self._threaded = threaded
        self._account = (account_name, account_handle, account_avatar)
        self._size_cache: dict[tuple[Any, ...], QSize] = {}
        self._fonts: dict[str, _Fonts] = {}
        self._height_cache: dict[tuple[str, int, str], int] = {}
        self._pixmaps: OrderedDict[tuple[Any, ...], QPixmap] = OrderedDict()
        self._layout_cache: dict[tuple[str, int, str], tuple[QTextLayout, int]] = {}

    # --- geometry -----------------------------------------------------------------------
    def clear_cache(self) -> None:
        """Forget measured heights (font or palette changed)."""
        self._size_cache.clear()
        self._fonts.clear()
        self._pixmaps.clear()
        self._height_cache.clear()
        self._layout_cache.clear()

    def _fonts_for(self, font: QFont) -> _Fonts:
        key = font.key()
        f = self._fonts.get(key)
        if f is None:
            f = self._fonts[key] = _Fonts.of(font)
        return f

    def _metrics(self, f: _Fonts) -> dict[str, int]:
        h = f.fm.height()
        return {
            "pad": max(6, h // 2),
            "gap": max(4, h // 3),
            "avatar": round(h * 2.2),
            "child_avatar": round(h * 1.7),
            "indent": round(h * 2.6) if self._threaded else 0,
            "margin": 4 if self._threaded else 0,
            "mini_avatar": round(h * 1.2),
        }

    def _text_height(self, f: _Fonts, width: int, text: str) -> int:
        """Height of wrapped text, cached: filler repeats itself and rows are re-measured often."""
        if not text:
            return 0
        key = (text, width, f.key)
        h = self._height_cache.get(key)
        if h is None:
            if len(self._height_cache) > 50_000:
                self._height_cache.clear()
            h = self._height_cache[key] = _wrapped(text, f, width)[1]
        return h

    def _layout(self, text: str, f: _Fonts, width: int) -> tuple[QTextLayout, int]:
        """A laid-out paragraph for painting, cached for the rows on screen and near it."""
        key = (text, width, f.key)
        hit = self._layout_cache.get(key)
        if hit is None:
            if len(self._layout_cache) > 600:
                self._layout_cache.clear()
            hit = self._layout_cache[key] = _wrapped(text, f, width)
        return hit

    def _columns(self, width: int, depth: int, m: dict[str, int]) -> tuple[int, int, int]:
        """(card left, text left, text width) relative to the row's left edge."""
        card_left = m["margin"] + (m["indent"] if depth else 0)
        av = m["child_avatar"] if depth else m["avatar"]
        text_left = card_left + m["pad"] + av + m["gap"] * 2
        text_w = max(40, width - text_left - m["pad"] - m["margin"])
        return card_left, text_left, text_w

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        width = option.rect.width()
        if width <= 0 and option.widget is not None:
            width = option.widget.viewport().width() if hasattr(option.widget, "viewport") else 400
        row: FeedRow = index.data(MeasureRole)
        key = (row.post.id, row.revision, width, option.font.key())
        hit = self._size_cache.get(key)
        if hit is not None:
            return hit
        try:
            size = QSize(width, self._height(option.font, width, row))
        except Exception:
            log.exception("measuring a feed row failed")
            return QSize(width, 40)
        self._size_cache[key] = size
        return size

    def _height(self, font: QFont, width: int, row: FeedRow) -> int:
        f = self._fonts_for(font)
        m = self._metrics(f)
        depth = row.depth
        _, _, text_w = self._columns(width, depth, m)
        h = m["pad"] + f.bold_fm.height() + 2
        if row.reply_to_handle:
            h += f.small_fm.height()
        h += m["gap"] + self._text_height(f, text_w, row.post.text)
        for action in row.actions:
            h += m["gap"] * 2 + max(m["mini_avatar"], f.small_fm.height())
            body = _action_body(action)
            if body:
                h += 2 + self._text_height(f, text_w - m["gap"] * 3, body)
        av = m["child_avatar"] if depth else m["avatar"]
        h = max(h, m["pad"] + av)
        return h + m["pad"] + m["margin"] * 2

    # --- painting -----------------------------------------------------------------------
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        # An exception escaping a C++ virtual takes the whole app down: contain it, log it.
        painter.save()
        try:
            self._paint_cached(painter, option, index)
        except Exception:
            log.exception("painting a feed row failed")
        finally:
            painter.restore()

    def _paint_cached(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Rows are rendered once into a pixmap and reused while nothing about them changes:
        scrolling then mostly copies pixmaps (every row crosses the viewport several times)."""
        row: FeedRow
        row, now = index.data(RowRole)
        rect: QRect = option.rect
        dpr = painter.device().devicePixelRatioF()
        key = (
            row.post.id,
            row.revision,
            row.state,
            _marker_text(row.state, row.waiting),
            relative_time(now - row.post.at),
            rect.width(),
            rect.height(),
            bool(option.state & QStyle.StateFlag.State_Selected),
            bool(option.state & QStyle.StateFlag.State_HasFocus),
            colours().high_contrast,
            option.font.key(),
            dpr,
        )
        pm = self._pixmaps.get(key)
        if pm is None:
            pm = QPixmap(max(1, round(rect.width() * dpr)), max(1, round(rect.height() * dpr)))
            pm.setDevicePixelRatio(dpr)
            pm.fill(Qt.GlobalColor.transparent)
            local = QStyleOptionViewItem(option)
            local.rect = QRect(0, 0, rect.width(), rect.height())
            p = QPainter(pm)
            try:
                self._paint(p, local, row, now)
            finally:
                p.end()
            self._pixmaps[key] = pm
            if len(self._pixmaps) > _PIXMAP_CACHE_ROWS:
                self._pixmaps.popitem(last=False)
        else:
            self._pixmaps.move_to_end(key)
        painter.drawPixmap(rect.topLeft(), pm)

    def _paint(
        self, painter: QPainter, option: QStyleOptionViewItem, row: FeedRow, now: Any
    ) -> None:
        post = row.post
        author = post.author
        f = self._fonts_for(option.font)
        m = self._metrics(f)
        c = colours()
        pal = option.palette
        rect: QRect = option.rect
        depth = row.depth
        card_left, text_left, text_w = self._columns(rect.width(), depth, m)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        state = row.state

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = QRect(
            rect.left() + card_left,
            rect.top() + m["margin"],
            rect.width() - card_left - m["margin"],
            rect.height() - m["margin"] * 2,
        )
        base = c.card if self._threaded else pal.color(QPalette.ColorRole.Base)
        if selected:
            hl = QColor(pal.color(QPalette.ColorRole.Highlight))
            hl.setAlpha(255 if c.high_contrast else 38)
            base = hl if not c.high_contrast else base
        if self._threaded:
            painter.setPen(QPen(c.card_border, 1))
            painter.setBrush(base)
            painter.drawRoundedRect(QRectF(card).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
            if depth:
                painter.setPen(QPen(c.thread_line, 2))
                x = rect.left() + m["margin"] + m["indent"] // 2
                painter.drawLine(x, rect.top(), x, rect.bottom())
        else:
            painter.fillRect(card, base)
            painter.setPen(QPen(c.card_border, 1))
            painter.drawLine(card.bottomLeft(), card.bottomRight())
        if selected:
            painter.setPen(
                QPen(pal.color(QPalette.ColorRole.Highlight), 3 if c.high_contrast else 2)
            )
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(card.adjusted(1, 1, -2, -2))
        if state in ("needs_answer", "overdue"):
            stripe = c.overdue if state == "overdue" else c.needs_answer
            painter.fillRect(QRect(card.left(), card.top(), 4, card.height()), stripe)

        # avatar
        av = m["child_avatar"] if depth else m["avatar"]
        name = author.name
        handle = author.handle if author.handle.startswith("@") else "@" + author.handle
        painter.drawPixmap(
            rect.left() + card_left + m["pad"] + m["gap"],
            rect.top() + m["margin"] + m["pad"],
            avatar(
                name,
                handle,
                av,
                image=author.avatar,
                dpr=painter.device().devicePixelRatioF(),
            ),
        )

        text_pen = pal.color(QPalette.ColorRole.Text)
        muted = c.muted_text
        x = rect.left() + text_left
        y = rect.top() + m["margin"] + m["pad"]
        right = x + text_w

        # state marker at the right of the header
        marker = _marker_text(state, row.waiting)
        if marker:
            mw = f.small_fm.horizontalAdvance(marker) + m["gap"] * 2
            mrect = QRect(right - mw, y, mw, f.bold_fm.height())
            colour = (
                c.overdue
                if state == "overdue"
                else c.needs_answer
                if state == "needs_answer"
                else c.handled
            )
            painter.setPen(QPen(colour, 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(mrect).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
            painter.setFont(f.small)
            painter.drawText(mrect, int(Qt.AlignmentFlag.AlignCenter), marker)
            right = mrect.left() - m["gap"]

        # header: name, verified, handle, badge, time (elided to fit)
        painter.setFont(f.bold)
        painter.setPen(text_pen)
        avail = right - x
        name_w = min(f.bold_fm.horizontalAdvance(name) + 2, max(40, avail // 2))  # +2: rounding
        painter.drawText(
            QRect(x, y, name_w, f.bold_fm.height()),
            int(_TOP_LEFT),
            f.bold_fm.elidedText(name, Qt.TextElideMode.ElideRight, name_w),
        )
        hx = x + name_w + m["gap"]
        painter.setFont(f.small)
        if author.verified:
            tick = "✓"
            painter.setPen(c.info)
            painter.drawText(
                QRect(hx, y, right - hx, f.bold_fm.height()),
                int(Qt.AlignmentFlag.AlignVCenter),
                tick,
            )
            hx += f.small_fm.horizontalAdvance(tick) + m["gap"]
        badge = kind_label(str(getattr(author.kind, "value", author.kind)))
        if badge:
            bw = f.small_fm.horizontalAdvance(badge) + m["gap"] * 2
            if hx + bw < right:
                brect = QRect(hx, y + 1, bw, f.bold_fm.height() - 2)
                painter.setPen(QPen(c.badge_text, 1) if c.high_contrast else Qt.PenStyle.NoPen)
                painter.setBrush(c.badge_bg)
                painter.drawRoundedRect(QRectF(brect), 4, 4)
                painter.setPen(c.badge_text)
                painter.drawText(brect, int(Qt.AlignmentFlag.AlignCenter), badge)
                hx += bw + m["gap"]
        rest = f"{handle} · {relative_time(now - post.at)}"
        painter.setPen(muted)
        painter.drawText(
            QRect(hx, y, max(0, right - hx), f.bold_fm.height()),
            int(Qt.AlignmentFlag.AlignVCenter),
            f.small_fm.elidedText(rest, Qt.TextElideMode.ElideMiddle, max(0, right - hx)),
        )
        y += f.bold_fm.height() + 2

        reply_to = row.reply_to_handle
        if reply_to:
            painter.drawText(
                QRect(x, y, text_w, f.small_fm.height()), int(_TOP_LEFT), f"Replying to {reply_to}"
            )
            y += f.small_fm.height()

        # body: plain text only
        y += m["gap"]
        text = post.text
        painter.setFont(f.body)
        painter.setPen(text_pen)
        layout, th = self._layout(text, f, text_w)
        layout.draw(painter, QPointF(x, y))
        y += th

        # the learner's own actions, as a thread under the post
        acc_name, acc_handle, acc_avatar = self._account
        for action in row.actions:
            y += m["gap"] * 2
            body = _action_body(action)
            inner_x = x + m["gap"] * 3
            inner_w = text_w - m["gap"] * 3
            head_h = max(m["mini_avatar"], f.small_fm.height())
            body_h = (2 + self._text_height(f, inner_w, body)) if body else 0
            block = QRect(x, y - m["gap"], text_w, head_h + body_h + m["gap"] * 2)
            painter.fillRect(block, c.learner_bg)
            painter.fillRect(QRect(x, block.top(), 3, block.height()), c.handled)
            painter.drawPixmap(
                inner_x,
                y,
                avatar(
                    acc_name,
                    acc_handle,
                    m["mini_avatar"],
                    image=acc_avatar,
                    dpr=painter.device().devicePixelRatioF(),
                ),
            )
            painter.setFont(f.small)
            painter.setPen(text_pen)
            hx = inner_x + m["mini_avatar"] + m["gap"]
            painter.drawText(
                QRect(hx, y, max(0, x + text_w - hx), head_h),
                int(Qt.AlignmentFlag.AlignVCenter),
                f.small_fm.elidedText(
                    _action_header(action, acc_name, self._team_names),
                    Qt.TextElideMode.ElideRight,
                    max(0, x + text_w - hx),
                ),
            )
            y += head_h
            if body:
                y += 2
                painter.setFont(f.body)
                blayout, bh = self._layout(body, f, inner_w)
                blayout.draw(painter, QPointF(inner_x, y))
                y += bh

        if option.state & QStyle.StateFlag.State_HasFocus:
            pen = QPen(pal.color(QPalette.ColorRole.Text), 1, Qt.PenStyle.DotLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(card.adjusted(3, 3, -4, -4))
        painter.restore()


def _wrapped(text: str, f: _Fonts, width: int) -> tuple[QTextLayout, int]:
    """Lay out untrusted text as plain text: words wrap, over-long words (links) break anywhere.

    QTextLayout never interprets markup: "<b>hi</b>" is seven visible characters.
    """
    fm = f.fm
    layout = QTextLayout(text, f.body)
    layout.setTextOption(_TEXT_OPTION)
    layout.beginLayout()
    y = 0.0
    width = max(20, width)
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        line.setPosition(QPointF(0, y))
        y += fm.lineSpacing()
    layout.endLayout()
    return layout, int(y + 0.999)


def _marker_text(state: str, waiting: Any) -> str:
    if state == "needs_answer":
        if waiting is None or waiting.total_seconds() < 60:
            return "Needs an answer"
        return f"Needs an answer · {duration_text(waiting)}"
    if state == "overdue":
        return f"Overdue · waiting {duration_text(waiting)}"
    if state == "handled":
        return "✓ Handled"
    return ""


def _kind(action: Any) -> str:
    return str(getattr(action.kind, "value", action.kind))


def _action_header(action: Any, account_name: str, team_names: dict[str, str]) -> str:
    kind = _kind(action)
    head = f"{account_name} (you) · {action_label(kind)}"
    team = getattr(action, "team", None)
    if kind == "escalate" and team:
        head += f" to {team_names.get(team, team)}"
    return head


def _action_body(action: Any) -> str:
    kind = _kind(action)
    if kind == "escalate":
        note = getattr(action, "note", "") or getattr(action, "text", "")
        return f"Internal note: {note}" if note else ""
    return str(getattr(action, "text", "") or "")
