"""Dashboard charts drawn with matplotlib onto a Figure the caller owns.

Why here and Qt-free: the same drawing serves the screen (a Qt canvas around the figure) and the
PDF report (the figure rendered to PNG with Agg), so both always show the same picture. Colours
differ in lightness as well as hue and lines carry markers, so a black-and-white print still reads.
"""

from __future__ import annotations

import io
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from sandbox.reports.dashboard import DashboardData
from sandbox.reports.queries import FAMILIES

__all__ = ["FAMILY_STYLE", "draw_dashboard_charts", "figure_png"]

# family -> (colour, marker, line style, label)
FAMILY_STYLE: dict[str, tuple[str, str, str, str]] = {
    "risk": ("#b2182b", "o", "-", "Risk"),
    "tone": ("#2166ac", "s", "--", "Tone"),
    "timing": ("#1b7837", "^", "-.", "Timing"),
    "action": ("#5e3c99", "D", ":", "Action"),
}


def _style(ax: Any) -> None:
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.tick_params(labelsize=8)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)


def draw_dashboard_charts(fig: Figure, data: DashboardData) -> None:
    """Two panels: average score per family per week, and attempts per week."""
    fig.clear()
    ax_scores, ax_count = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2.2, 1]})
    weeks = [w.week for w in data.weekly]
    labels = [w.strftime("%d %b") for w in weeks]
    xs = list(range(len(weeks)))
    if not weeks:
        for ax in (ax_scores, ax_count):
            ax.axis("off")
        ax_scores.text(
            0.5,
            0.5,
            "No finished attempts match these filters",
            ha="center",
            va="center",
            fontsize=10,
            color="#555555",
            transform=ax_scores.transAxes,
        )
        return
    for fam in FAMILIES:
        colour, marker, line, label = FAMILY_STYLE[fam]
        pts = [(x, w.averages.get(fam)) for x, w in zip(xs, data.weekly, strict=True)]
        pts = [(x, y) for x, y in pts if y is not None]
        if pts:
            ax_scores.plot(
                [p[0] for p in pts],
                [p[1] for p in pts],
                color=colour,
                marker=marker,
                linestyle=line,
                linewidth=1.6,
                markersize=4,
                label=label,
            )
    ax_scores.set_ylim(0, 100)
    ax_scores.set_title("Average score by family, per week", fontsize=9, loc="left")
    ax_scores.set_ylabel("score (0–100)", fontsize=8)
    step = max(1, len(xs) // 8)
    ax_scores.set_xticks(xs[::step], labels[::step])
    ax_scores.legend(fontsize=7, frameon=False, loc="lower left", ncols=4)
    _style(ax_scores)

    ax_count.bar(xs, [w.attempts for w in data.weekly], color="#7f7f7f", width=0.7)
    ax_count.set_title("Finished attempts per week", fontsize=9, loc="left")
    ax_count.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax_count.set_xticks(xs[::step], labels[::step])
    _style(ax_count)
    for label in (*ax_scores.get_xticklabels(), *ax_count.get_xticklabels()):
        label.set_rotation(30)
        label.set_horizontalalignment("right")
    fig.tight_layout()


def figure_png(
    data: DashboardData, *, width_in: float = 9.0, height_in: float = 3.2, dpi: int = 150
) -> bytes:
    """The dashboard charts as PNG bytes (Agg renderer, no display needed)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=(width_in, height_in), dpi=dpi)
    FigureCanvasAgg(fig)
    draw_dashboard_charts(fig, data)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()
