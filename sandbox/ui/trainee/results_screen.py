"""The results of an attempt: score card, response times, what went well, post by post.

Rendered as one document in a ``QTextBrowser`` (scrolls, prints, reads well with a screen
reader). Every piece of text that came from a scenario or from the learner is HTML-escaped
before it is placed in the document, so nothing they typed can turn into markup.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from sandbox.scenario.models import Family
from sandbox.scoring.types import Finding, Severity
from sandbox.ui.theme import colours, scaled_font
from sandbox.ui.trainee.findings import SEVERITY_MARK, SEVERITY_WORD
from sandbox.ui.trainee.formatting import action_label, duration_text, relative_time
from sandbox.ui.trainee.outcome import AttemptOutcome, PostOutcome

FAMILY_NAMES = {
    Family.risk: "Risk — what must never be said in public",
    Family.tone: "Tone — human, plain, kind",
    Family.timing: "Timing — first reply against the target",
    Family.action: "Action — the right thing to do with the post",
}


def _e(text: str) -> str:
    return html.escape(text, quote=True).replace("\n", "<br>")


def highlighted(text: str, findings: Sequence[Finding]) -> str:
    """The learner's text, escaped, with finding spans underlined in their severity colour."""
    c = colours()
    spans = sorted(
        (f for f in findings if f.end > f.start and f.severity is not Severity.praise),
        key=lambda f: f.start,
    )
    out: list[str] = []
    pos = 0
    for f in spans:
        start, end = max(f.start, pos), min(f.end, len(text))
        if end <= start:
            continue
        out.append(_e(text[pos:start]))
        colour = c.severity(f.severity).name()
        out.append(
            f'<span style="text-decoration: underline; color: {colour}; font-weight: bold;">'
            f"{_e(text[start:end])}</span>"
        )
        pos = end
    out.append(_e(text[pos:]))
    return "".join(out)


def _score_colour(score: int | None) -> str:
    c = colours()
    if score is None:
        return c.muted_text.name()
    if score >= 75:
        return c.praise.name()
    if score >= 50:
        return c.warning.name()
    return c.error.name()


def _bar(score: int | None) -> str:
    if score is None:
        return "not applicable"
    filled = round(score / 10)
    return f'<span style="color:{_score_colour(score)}">{"█" * filled}</span>{"░" * (10 - filled)}'


def render_outcome(
    outcome: AttemptOutcome, *, scenario_title: str, mode: str, profile_name: str
) -> str:
    """The whole results document as HTML (all untrusted text escaped)."""
    c = colours()
    parts: list[str] = []
    parts.append(f"<h1>{_e(scenario_title)}</h1>")
    parts.append(
        f"<p>{_e(profile_name)} · {_e(mode.capitalize())} · simulated time "
        f"{duration_text(outcome.sim_elapsed)}</p>"
    )
    parts.append(
        f'<p style="font-size:x-large"><b>Overall score: '
        f'<span style="color:{_score_colour(outcome.overall)}">{outcome.overall}</span> / 100</b></p>'
    )

    parts.append(
        "<h2>Score card</h2><p>Each family is the average over the posts you handled or missed. "
        "Each post's score weights its families as shown; the overall score is the average of "
        "the posts' scores, so a missed post counts as zero.</p>"
        "<table cellspacing=0 cellpadding=4 border=0>"
    )
    parts.append(
        "<tr><th align=left>Family</th><th align=right>Score</th><th align=left></th><th align=right>Weight</th></tr>"
    )
    for family in Family:
        score = outcome.scores.get(family)
        weight = outcome.weights.get(family, 0.0)
        parts.append(
            f"<tr><td>{_e(FAMILY_NAMES[family])}</td>"
            f'<td align=right><b style="color:{_score_colour(score)}">{"–" if score is None else score}</b></td>'
            f"<td>{_bar(score)}</td><td align=right>{weight * 100:.0f}%</td></tr>"
        )
    parts.append("</table>")

    parts.append("<h2>Response times</h2>")
    med = _minutes(outcome.median_minutes)
    mean = _minutes(outcome.mean_minutes)
    parts.append(
        f"<p>First reply: median <b>{med}</b>, average <b>{mean}</b> "
        f"across {outcome.answered} answered post{'s' if outcome.answered != 1 else ''} (office time). "
        + (
            f'<b style="color:{c.error.name()}">{outcome.missed} post{"s" if outcome.missed != 1 else ""} '
            "that needed an answer got none.</b>"
            if outcome.missed
            else "Every post that needed an answer got one."
        )
        + "</p>"
    )

    praise = _unique(outcome.praise)
    parts.append("<h2>What went well</h2>")
    if praise:
        parts.append("<ul>" + "".join(f"<li>✓ {_e(f.message)}</li>" for f in praise) + "</ul>")
    else:
        parts.append(
            "<p>Nothing stood out yet — the model answers below show what good looks like.</p>"
        )

    parts.append("<h2>Post by post</h2>")
    if not outcome.posts:
        parts.append("<p>You did not act on any post, and none needed an answer.</p>")
    for i, po in enumerate(outcome.posts, start=1):
        parts.append(_post_section(i, po))
    return "".join(parts)


def _minutes(value: float | None) -> str:
    if value is None:
        return "–"
    return "under a minute" if value < 1 else duration_text(value)


def _unique(findings: Sequence[Finding]) -> list[Finding]:
    seen: set[str] = set()
    out = []
    for f in findings:
        if f.message not in seen:
            seen.add(f.message)
            out.append(f)
    return out


def _post_section(i: int, po: PostOutcome) -> str:
    c = colours()
    post = po.post
    handle = post.author.handle if post.author.handle.startswith("@") else "@" + post.author.handle
    out = [f"<h3>{i}. {_e(post.author.name)} {_e(handle)}</h3>"]
    out.append(f'<blockquote style="color:{c.muted_text.name()}">{_e(post.text)}</blockquote>')
    status: list[str] = []
    if po.missed:
        status.append(
            f'<b style="color:{c.error.name()}">✖ Missed — this post needed an answer and got none.</b>'
        )
    if po.first_reply_minutes is not None:
        target = f" (target {duration_text(float(po.target_minutes))})" if po.target_minutes else ""
        status.append(f"First reply after {_minutes(po.first_reply_minutes)}{target}.")
    if po.overall is not None:
        status.append(f'Score: <b style="color:{_score_colour(po.overall)}">{po.overall}</b>')
    out.append("<p>" + " ".join(status) + "</p>")

    learner_cells: list[str] = []
    for action in po.actions:
        kind = action.kind.value
        head = f"<b>{_e(action_label(kind))}</b>"
        if action.team:
            head += f" to {_e(action.team)}"
        body = action.text or action.note or ""
        findings = list(action.score.findings) if action.score is not None else []
        learner_cells.append(head + (f"<br>{highlighted(body, findings)}" if body else ""))
    if po.missed:
        learner_cells.append(f'<i style="color:{c.error.name()}">No reply.</i>')
    answers = po.model_answers
    out.append("<table width='100%' cellspacing=0 cellpadding=6 border=1>")
    out.append(
        "<tr><th align=left width='50%'>What you did</th><th align=left width='50%'>Model answer</th></tr>"
    )
    out.append(
        "<tr><td valign=top>"
        + "<hr>".join(learner_cells or ["—"])
        + "</td><td valign=top>"
        + (
            "<hr>".join(_e(a) for a in answers)
            if answers
            else "<i>No model answer: any suitable action is fine.</i>"
        )
        + "</td></tr></table>"
    )
    items = [f for f in po.findings if f.severity is not Severity.praise]
    good = [f for f in po.findings if f.severity is Severity.praise]
    if items or good:
        out.append("<ul>")
        for f in sorted(items, key=lambda f: (f.severity != Severity.error, f.start)):
            colour = c.severity(f.severity).name()
            line = f'<li><b style="color:{colour}">{SEVERITY_MARK[f.severity]} {_e(SEVERITY_WORD[f.severity])}</b>: {_e(f.message)}'
            if f.match and f.end > f.start:
                line += f" — “{_e(f.match)}”"
            if f.suggestion:
                line += f"<br><i>Try instead:</i> {_e(f.suggestion)}"
            if f.source:
                line += (
                    f'<br><span style="color:{c.muted_text.name()}">Guidance: {_e(f.source)}</span>'
                )
            out.append(line + "</li>")
        for f in _unique(good):
            out.append(
                f'<li><b style="color:{c.praise.name()}">✓ Well done</b>: {_e(f.message)}</li>'
            )
        out.append("</ul>")
    if post.expect is not None and post.expect.trainer_notes:
        out.append(f"<p><i>Trainer's note:</i> {_e(post.expect.trainer_notes)}</p>")
    return "".join(out)


class ResultsScreen(QWidget):
    """Shown when a scenario ends; buttons lead back to the picker or straight into a retry."""

    home_requested = Signal()
    retry_requested = Signal()

    def __init__(
        self,
        outcome: AttemptOutcome,
        *,
        scenario_title: str,
        mode: str,
        profile_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("resultsScreen")
        self.outcome = outcome
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        top = QHBoxLayout()
        title = QLabel("Your results")
        title.setFont(scaled_font(self.font(), 1.4, bold=True))
        top.addWidget(title, 1)
        self.retry_button = QPushButton("Try again")
        self.retry_button.setAccessibleName("Try this scenario again")
        self.retry_button.clicked.connect(self.retry_requested)
        self.home_button = QPushButton("Back to scenarios")
        self.home_button.setAccessibleName("Back to the scenario list")
        self.home_button.clicked.connect(self.home_requested)
        top.addWidget(self.retry_button)
        top.addWidget(self.home_button)
        layout.addLayout(top)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setAccessibleName("Results")
        self.browser.setHtml(
            render_outcome(
                outcome, scenario_title=scenario_title, mode=mode, profile_name=profile_name
            )
        )
        self.browser.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout.addWidget(self.browser, 1)

    def text(self) -> str:
        return self.browser.toPlainText()


__all__ = ["ResultsScreen", "highlighted", "relative_time", "render_outcome"]
