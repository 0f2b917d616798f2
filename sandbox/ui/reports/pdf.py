"""PDF output with Qt's own printing support: the dashboard report and the passport certificate.

Why QTextDocument: tables flow across pages by themselves, the text stays selectable (and
searchable with pdftotext), and it needs no display, so the CLI and tests run it offscreen.
Works on any thread: nothing here touches widgets.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QByteArray, QMarginsF, QRectF, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
)

from sandbox.reports.dashboard import DashboardData
from sandbox.reports.export import CancelToken, atomic_output
from sandbox.reports.passport import CompetencyStatus, Passport

__all__ = [
    "dashboard_html",
    "ensure_gui_app",
    "format_minutes",
    "write_certificate_pdf",
    "write_dashboard_pdf",
]

LONDON = ZoneInfo("Europe/London")
Progress = Callable[[int, int], None]
_CSS = """
body { font-family: 'DejaVu Sans', sans-serif; font-size: 9pt; color: #111; }
h1 { font-size: 16pt; margin: 0 0 4px 0; }
h2 { font-size: 12pt; margin: 14px 0 4px 0; }
p.meta { color: #444; margin: 0 0 8px 0; }
table { border-collapse: collapse; }
th { background: #e8e8e8; text-align: left; font-weight: bold; font-size: 8pt; }
td.num, th.num { text-align: right; }
.muted { color: #555; }
"""


def ensure_gui_app() -> QGuiApplication:
    """A Qt application for fonts and painting; offscreen when there is no display (CLI).

    A full ``QApplication``, not only a ``QGuiApplication``, so that widgets can still be made
    later in the same process (tests, the app).
    """
    app = QGuiApplication.instance()
    if app is None:
        from PySide6.QtWidgets import QApplication

        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication([])
    return app  # type: ignore[return-value]


def format_minutes(minutes: float | None) -> str:
    """Office-time minutes as people say them: "12 min", "2 h 05 min"."""
    if minutes is None:
        return "–"
    if minutes < 60:
        return f"{minutes:.0f} min"
    hours, mins = divmod(round(minutes), 60)
    return f"{hours} h {mins:02d} min"


def _num(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _local(moment: datetime | None, fmt: str = "%d %b %Y") -> str:
    return "–" if moment is None else moment.astimezone(LONDON).strftime(fmt)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _clip(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def dashboard_html(data: DashboardData, *, chart_url: str | None = None) -> str:
    """The dashboard as a printable HTML page (every user-written string escaped)."""
    c = data.counts
    rate = data.completion_rate
    out = [
        f"<html><head><style>{_CSS}</style></head><body>",
        "<h1>Reply Sandbox: manager report</h1>",
        f"<p class='meta'>Filters: {_e(data.filter.describe())}. "
        f"Generated {_e(_local(data.generated_at, '%d %b %Y %H:%M'))} (UK time).</p>",
        "<table border='1' cellpadding='4' width='100%'><tr>",
    ]
    heads = [
        ("Attempts", _num(c.get("attempts"))),
        ("Finished", f"{_num(c.get('finished'))} ({'–' if rate is None else f'{rate:.0%}'})"),
        ("In progress", _num(c.get("in_progress"))),
        ("Assessments", _num(c.get("assessments"))),
        ("Signed off as passed", _num(c.get("passed"))),
        ("People", _num(c.get("people"))),
        ("Replies", _num(data.replies)),
        ("First reply: median", format_minutes(data.first_reply_median)),
        ("First reply: average", format_minutes(data.first_reply_mean)),
    ]
    out.append("".join(f"<th>{_e(h)}</th>" for h, _ in heads) + "</tr><tr>")
    out.append("".join(f"<td class='num'>{_e(v)}</td>" for _, v in heads) + "</tr></table>")
    out.append(
        "<p class='muted'>First-reply time is counted per post, from the post appearing to the "
        "first reply, private message or escalation, in office hours (as social customer-care "
        "tools report it).</p>"
    )
    fam = data.family_averages
    out.append(
        "<p>Average scores: "
        + ", ".join(f"{f} {_num(fam.get(f))}" for f in ("risk", "tone", "timing", "action"))
        + " (after trainer overrides).</p>"
    )
    if chart_url:
        out.append(f"<p><img src='{chart_url}' width='960'></p>")

    out.append("<h2 style='page-break-before: always'>Most frequent risk findings</h2>")
    if not data.risks:
        out.append("<p class='muted'>No risk findings for these filters.</p>")
    else:
        out.append(
            "<table border='1' cellpadding='3' width='100%'><tr><th>Rule</th><th class='num'>Count"
            "</th><th class='num'>People</th><th>What it means</th><th>Examples</th></tr>"
        )
        for r in data.risks:
            examples = "<br>".join(
                (f"“{_e(_clip(ex.match, 60))}” in " if ex.match.strip() else "")
                + f"“{_e(_clip(ex.text))}” "
                f"<span class='muted'>({_e(ex.person)}, {_e(ex.scenario_id)})</span>"
                for ex in r.examples
            )
            out.append(
                f"<tr><td>{_e(r.rule)}</td><td class='num'>{r.count:,}</td>"
                f"<td class='num'>{r.people:,}</td>"
                f"<td>{_e(r.message)}</td><td>{examples}</td></tr>"
            )
        out.append("</table>")

    out.append("<h2>Progress by person</h2>")
    if not data.people:
        out.append("<p class='muted'>Nobody has attempted a scenario for these filters.</p>")
    else:
        cols = [
            ("Person", 14),
            ("Team", 13),
            ("Attempts", 8),
            ("Finished", 8),
            ("Scenarios done", 9),
            ("Assessed and passed", 9),
            ("Average score", 8),
            ("First reply (median)", 9),
        ]
        if data.competencies_total:
            cols.append(("Compe­tencies", 10))
        cols.append(("Last activity", 12))
        out.append("<table border='1' cellpadding='3' width='100%'><tr>")
        out.append("".join(f"<th width='{w}%'>{_e(h)}</th>" for h, w in cols) + "</tr>")
        for p in data.people:
            cells = [
                _e(p.name),
                _e(p.team or "–"),
                _num(p.attempts),
                _num(p.finished),
                _num(p.scenarios_finished),
                _num(p.passed),
                _num(p.average_overall),
                format_minutes(p.first_reply_median),
            ]
            if data.competencies_total:
                cells.append(f"{p.competencies_earned or 0} of {data.competencies_total}")
            cells.append(_e(_local(p.last_activity)))
            out.append(
                "<tr>"
                + "".join(
                    f"<td class='num'>{c}</td>" if 2 <= i <= 6 else f"<td>{c}</td>"
                    for i, c in enumerate(cells)
                )
                + "</tr>"
            )
        out.append("</table>")
    out.append("</body></html>")
    return "".join(out)


def _document() -> QTextDocument:
    """A document with ligatures off, so text copied or extracted from the PDF reads "fi", not "ﬁ"."""
    doc = QTextDocument()
    font = QFont("DejaVu Sans")
    font.setPointSizeF(9)
    for tag in ("liga", "clig"):
        font.setFeature(QFont.Tag(tag), 0)
    doc.setDefaultFont(font)
    doc.setDefaultStyleSheet(_CSS)
    return doc


def _writer(path: str, *, landscape: bool) -> QPdfWriter:
    writer = QPdfWriter(path)
    writer.setResolution(300)
    writer.setTitle("Reply Sandbox report")
    writer.setCreator("Reply Sandbox")
    layout = QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait,
        QMarginsF(12, 12, 12, 12),
        QPageLayout.Unit.Millimeter,
    )
    writer.setPageLayout(layout)
    return writer


def _check(cancel: CancelToken | None) -> None:
    if cancel is not None:
        cancel.check()


def write_dashboard_pdf(
    data: DashboardData,
    path: Path,
    *,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> Path:
    """Write the dashboard report (A4 landscape). Cancelling leaves no file behind."""
    from sandbox.reports.charts import figure_png

    ensure_gui_app()
    steps = 3
    _check(cancel)
    png = figure_png(data)
    if progress:
        progress(1, steps)
    _check(cancel)
    doc = _document()
    image = QImage.fromData(QByteArray(png))
    doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl("chart://weekly.png"), image)
    doc.setHtml(dashboard_html(data, chart_url="chart://weekly.png"))
    if progress:
        progress(2, steps)
    _check(cancel)
    path = Path(path)
    with atomic_output(path, "wb") as fh:
        tmp_name = fh.name
        fh.close()
        writer = _writer(tmp_name, landscape=True)
        doc.print_(writer)
        del writer  # flushes and closes the PDF before it is moved into place
    if progress:
        progress(3, steps)
    return path


def certificate_html(passport: Passport, *, organisation: str = "") -> str:
    """The certificate's wording: what is earned (with evidence) and what is still to do."""
    team = f" ({_e(passport.team)})" if passport.team else ""
    earned = passport.earned
    out = [
        f"<html><head><style>{_CSS}</style></head><body>",
        "<p align='center' style='font-size:11pt; color:#444'>Reply Sandbox</p>",
        f"<h1 align='center' style='font-size:22pt'>{_e(passport.title)}</h1>",
        f"<p align='center' style='font-size:12pt'>This is to certify that</p>"
        f"<p align='center' style='font-size:20pt; font-weight:bold'>{_e(passport.name)}{team}</p>",
    ]
    if earned:
        out.append(
            "<p align='center' style='font-size:11pt'>has shown, in assessed scenarios signed off "
            f"by a trainer, {len(earned)} of {len(passport.results)} competencies for speaking "
            "for the council in public:</p>"
        )
        out.append(
            "<table border='1' cellpadding='5' width='100%'><tr><th width='42%'>Competency</th>"
            "<th width='14%'>Earned</th><th>Evidence (assessed attempts)</th></tr>"
        )
        for r in earned:
            evidence = "<br>".join(
                f"{_e(a.scenario_title or a.scenario_id)}: {_local(a.ended_at or a.started_at)}"
                for a in r.evidence
            )
            out.append(
                f"<tr><td><b>{_e(r.competency.name)}</b><br><span class='muted'>"
                f"{_e(r.competency.description)}</span></td><td>{_local(r.earned_at)}</td>"
                f"<td>{evidence}</td></tr>"
            )
        out.append("</table>")
    else:
        out.append(
            "<p align='center' style='font-size:11pt'>has not yet earned a competency of the "
            "passport. This record lists what is still to do.</p>"
        )
    todo = [r for r in passport.results if r.status is not CompetencyStatus.earned]
    if todo:
        out.append("<h2>Still to do</h2><ul>")
        for r in todo:
            first = r.lacking[0] if r.lacking else ""
            note = (
                " (revoked after a trainer's review)"
                if r.status is CompetencyStatus.revoked
                else ""
            )
            out.append(f"<li><b>{_e(r.competency.name)}</b>{note}: {_e(first)}</li>")
        out.append("</ul>")
    issued = _local(datetime.now(LONDON), "%d %B %Y")
    org = f" for {_e(organisation)}" if organisation else ""
    out.append(
        f"<p class='muted' align='center'>Issued {issued}{org}. A competency counts only when "
        "the scenario was passed in assessment mode at or above its threshold and signed off "
        "by a trainer.</p></body></html>"
    )
    return "".join(out)


def write_certificate_pdf(passport: Passport, path: Path, *, organisation: str = "") -> Path:
    """One A4 portrait page with a border: the printable passport certificate."""
    ensure_gui_app()
    doc = _document()
    doc.setHtml(certificate_html(passport, organisation=organisation))
    path = Path(path)
    with atomic_output(path, "wb") as fh:
        tmp_name = fh.name
        fh.close()
        writer = _writer(tmp_name, landscape=False)
        writer.setTitle(f"Digital Passport: {passport.name}")
        page = writer.pageLayout().paintRectPixels(writer.resolution())
        doc.documentLayout().setPaintDevice(writer)  # lay text out at the printer's resolution
        pad = 140
        doc.setTextWidth(page.width() - 2 * pad)
        painter = QPainter(writer)
        try:
            pen = QPen(QColor("#1f3a5f"))
            pen.setWidth(14)
            painter.setPen(pen)
            painter.drawRect(QRectF(0, 0, page.width(), page.height()).adjusted(10, 10, -10, -10))
            pen.setWidth(4)
            painter.setPen(pen)
            painter.drawRect(QRectF(0, 0, page.width(), page.height()).adjusted(50, 50, -50, -50))
            painter.translate(pad, pad)
            doc.drawContents(painter)
        finally:
            painter.end()
        del writer
    return path
