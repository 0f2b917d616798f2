"""The transcript as HTML, for the review screen and the PDF (Qt's rich-text subset).

Why HTML: Qt's QTextBrowser shows it on screen and QTextDocument prints the very same markup
to PDF, so the screen and the exported file never disagree. Nothing relies on colour alone:
finding spans are underlined *and* bracketed with a number, and each finding is listed with a
severity word (Problem, Warning, Tip, Well done), so a black-and-white print reads the same.
Everything the learner or a scenario wrote is escaped: it is shown as text, never as markup.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sandbox.review.transcript import (
    FAMILY_ORDER,
    ActionView,
    CommentView,
    OverrideView,
    PostView,
    Transcript,
    TranscriptEntry,
)
from sandbox.scoring.labels import SEVERITY_MARK, SEVERITY_ORDER, SEVERITY_WORD
from sandbox.scoring.types import Finding, Severity

__all__ = [
    "FAMILY_WORDS",
    "SEVERITY_WORD",
    "action_words",
    "clock_text",
    "highlight_spans",
    "offset_text",
    "transcript_html",
]

_SEVERITY_ORDER = SEVERITY_ORDER
_COLOUR = {
    Severity.error: "#c0262d",
    Severity.warning: "#b35c00",
    Severity.info: "#1f5fa8",
    Severity.praise: "#2e7d32",
}
_ACTION_WORDS = {
    "reply": "Replied publicly",
    "private_message": "Sent a private message",
    "escalate": "Escalated",
    "hide": "Hid / reported the post",
    "like": "Liked the post",
    "leave": "Left it alone",
}
# How each score family is named wherever a trainer sees it (transcript, PDF, override dialog).
FAMILY_WORDS = {
    "overall": "Overall",
    "risk": "Risk",
    "tone": "Tone",
    "timing": "Timing",
    "action": "Action",
}


def esc(text: str) -> str:
    """Escape text and keep its line breaks."""
    return html.escape(text, quote=True).replace("\n", "<br>")


def action_words(kind: str) -> str:
    return _ACTION_WORDS.get(kind, kind.replace("_", " ").capitalize())


def offset_text(at: timedelta | None) -> str:
    """Simulated offset from the scenario start: "+01:05"."""
    if at is None:
        return "+?"
    total = int(at.total_seconds())
    hours, rest = divmod(total, 3600)
    return f"+{hours:02d}:{rest // 60:02d}"


def clock_text(clock: datetime | None) -> str:
    return clock.strftime("%H:%M") if clock else ""


def _minutes(m: float | None) -> str:
    if m is None:
        return "–"
    if m < 1:
        return "under a minute"
    if m < 90:
        return f"{round(m)} min"
    hours, mins = divmod(round(m), 60)
    return f"{hours} h {mins} min" if mins else f"{hours} h"


def _date(d: datetime | None) -> str:
    return d.astimezone().strftime("%d %b %Y %H:%M") if d else "–"


def _sorted(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(
        findings, key=lambda f: (f.start if f.end > f.start else 10**9, _SEVERITY_ORDER[f.severity])
    )


def highlight_spans(text: str, findings: Sequence[Finding], *, printable: bool) -> str:
    """The reply as HTML with each finding's span underlined, bracketed and numbered.

    Numbers refer to the findings list printed under the reply (same order as ``findings``).
    Overlapping spans are handled by cutting the text at every span edge.
    """
    spans = [
        (max(0, f.start), min(len(text), f.end), i + 1, f)
        for i, f in enumerate(findings)
        if f.end > f.start and f.start < len(text)
    ]
    if not spans:
        return esc(text)
    cuts = sorted({0, len(text), *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
    out: list[str] = []
    for a, b in itertools.pairwise(cuts):
        opening = [n for s, _, n, _ in spans if s == a]
        if opening:
            out.append("<b>[</b>" * len(opening))
        covering = [f for s, e, _, f in spans if s <= a and b <= e]
        piece = esc(text[a:b])
        if covering:
            worst = min(covering, key=lambda f: _SEVERITY_ORDER[f.severity])
            if printable:
                piece = f"<u>{piece}</u>"
            else:
                colour = _COLOUR[worst.severity]
                piece = (
                    f'<span style="text-decoration: underline; color: {colour}; '
                    f'background-color: #fff4d6;">{piece}</span>'
                )
        out.append(piece)
        closing = [n for _, e, n, _ in spans if e == b]
        for n in closing:
            out.append(f"<b>]</b><sup>{n}</sup>")
    return "".join(out)


def _score_row(
    scores: dict[str, int | None], original: dict[str, int | None], printable: bool
) -> str:
    cells = []
    for fam in FAMILY_ORDER:
        now, was = scores.get(fam), original.get(fam)
        value = "–" if now is None else str(now)
        if now != was:
            was_text = "–" if was is None else str(was)
            value = f"<b>{value}</b> <small>(was {was_text})</small>"
        cells.append(f"<td>{FAMILY_WORDS[fam]}: {value}</td>")
    return "<table cellspacing='0' cellpadding='3'><tr>" + "".join(cells) + "</tr></table>"


def _overrides_html(overrides: Sequence[OverrideView]) -> str:
    if not overrides:
        return ""
    items = []
    for o in overrides:
        was = "–" if o.original is None else str(o.original)
        items.append(
            f"<li><b>Score changed</b>: {FAMILY_WORDS.get(o.family, o.family)} {was} → "
            f"<b>{o.new}</b>. Reason: “{esc(o.reason)}” — {esc(o.reviewer)}, {_date(o.at)}</li>"
        )
    return "<ul>" + "".join(items) + "</ul>"


def _comments_html(comments: Sequence[CommentView]) -> str:
    if not comments:
        return ""
    items = [
        f"<li><b>Trainer's comment</b>: “{esc(c.text)}” — {esc(c.author)}, {_date(c.at)}</li>"
        for c in comments
    ]
    return "<ul>" + "".join(items) + "</ul>"


def _findings_html(findings: Sequence[Finding], printable: bool) -> str:
    if not findings:
        return "<p><i>No findings.</i></p>"
    items = []
    for i, f in enumerate(findings, start=1):
        word = SEVERITY_WORD[f.severity]
        mark = SEVERITY_MARK[f.severity]
        label = f"{mark} <b>{word}</b> ({f.family.value})"
        if not printable:
            label = f'<span style="color: {_COLOUR[f.severity]};">{label}</span>'
        span = f"[{i}] " if f.end > f.start else ""
        line = f"{span}{label}: {esc(f.message)}"
        if f.match and f.end > f.start:
            line += f" (“{esc(f.match)}”)"
        if f.suggestion:
            line += f" <i>Try: {esc(f.suggestion)}</i>"
        if f.source:
            line += f" <small>Source: {esc(f.source)}</small>"
        if f.points:
            line += f" <small>(−{f.points:g})</small>"
        items.append(f"<li>{line}</li>")
    return "<ul>" + "".join(items) + "</ul>"


def _timing_text(a: ActionView, post: PostView) -> str:
    bits = [f"at {offset_text(a.sim_at)}" + (f" ({clock_text(a.clock)})" if a.clock else "")]
    if post.at is not None:
        real = max(0.0, (a.sim_at - post.at).total_seconds() / 60)
        after = f"{_minutes(real)} after the post"
        if a.elapsed_minutes is not None and abs(a.elapsed_minutes - real) >= 1:
            after += f" ({_minutes(a.elapsed_minutes)} of it in office hours)"
        bits.append(after)
    elif a.elapsed_minutes is not None and a.is_response:
        bits.append(f"{_minutes(a.elapsed_minutes)} after the post")
    if a.elapsed_minutes is not None and a.is_response and a.target_minutes is not None:
        verdict = "on time" if a.on_time else "LATE"
        bits.append(f"target {_minutes(a.target_minutes)}: <b>{verdict}</b>")
    return " · ".join(bits)


def _action_html(a: ActionView, post: PostView, *, interactive: bool, printable: bool) -> str:
    head = f"<b>{action_words(a.kind)}</b>"
    if a.kind == "escalate" and a.team:
        head += f" to <b>{esc(a.team.replace('_', ' '))}</b>"
    parts = [f"<p>{head} — {_timing_text(a, post)}</p>"]
    findings = _sorted(a.card.findings) if a.card else []
    if a.text:
        parts.append(
            "<table width='100%' cellpadding='6' border='1' cellspacing='0' "
            "style='border-color: #9aa3ad; border-style: solid;'><tr><td>"
            + highlight_spans(a.text, findings, printable=printable)
            + "</td></tr></table>"
        )
    if a.note:
        parts.append(f"<p><i>Note to the team:</i> {esc(a.note)}</p>")
    if a.card is not None:
        parts.append(_score_row(a.scores, a.original_scores, printable))
        parts.append(_findings_html(findings, printable))
    parts.append(_overrides_html(a.overrides))
    parts.append(_comments_html(a.comments))
    if interactive:
        links = []
        if a.card is not None:
            links.append(f'<a href="review:override?action={a.id}">Change a score…</a>')
        links.append(f'<a href="review:comment?action={a.id}">Comment on this…</a>')
        parts.append("<p>" + " &nbsp;·&nbsp; ".join(links) + "</p>")
    return "<div style='margin-left: 18px;'>" + "".join(parts) + "</div>"


def _post_html(p: PostView) -> str:
    who = esc(p.author_name) + (
        f" <small>{esc(p.author_handle)}</small>" if p.author_handle else ""
    )
    when = offset_text(p.at) + (f" ({clock_text(p.clock)})" if p.clock else "")
    tags = []
    if p.priority in ("emergency", "high"):
        tags.append(f"<b>{p.priority.upper()} PRIORITY</b>")
    if p.source == "follow_up":
        tags.append("follow-up")
    if p.author_kind in ("journalist", "councillor", "candidate", "organisation"):
        tags.append(p.author_kind)
    if p.needs_answer and p.target_minutes:
        tags.append(f"needs an answer within {_minutes(float(p.target_minutes))}")
    elif p.expected_actions:
        tags.append("expected: " + " or ".join(action_words(k).lower() for k in p.expected_actions))
    tag_text = (" · " + " · ".join(tags)) if tags else ""
    return (
        f"<p style='margin-top: 14px;'><b>{when}</b> — {who}{tag_text}</p>"
        f"<blockquote>{esc(p.text)}</blockquote>"
    )


def _entry_html(e: TranscriptEntry, *, interactive: bool, printable: bool) -> str:
    parts = [_post_html(e.post)]
    for a in e.actions:
        parts.append(_action_html(a, e.post, interactive=interactive, printable=printable))
    if e.missed:
        parts.append(
            "<p style='margin-left: 18px;'><b>✖ No response.</b> This post needed an answer "
            "and got none (silence is rude).</p>"
        )
    elif not e.actions:
        parts.append("<p style='margin-left: 18px;'><i>No action taken.</i></p>")
    if e.post.model_answers:
        answers = "".join(f"<li>{esc(m)}</li>" for m in e.post.model_answers)
        parts.append(
            f"<div style='margin-left: 18px;'><p><i>Model answer"
            f"{'s' if len(e.post.model_answers) > 1 else ''}:</i></p><ul>{answers}</ul></div>"
        )
    if e.post.trainer_notes:
        parts.append(
            f"<p style='margin-left: 18px;'><i>Trainer notes:</i> {esc(e.post.trainer_notes)}</p>"
        )
    return "".join(parts)


def review_status_text(t: Transcript) -> str:
    if not t.reviewed:
        return "Not reviewed yet"
    return {"passed": "Reviewed: passed", "not_yet": "Reviewed: not yet"}.get(
        t.outcome or "", "Reviewed"
    )


def transcript_html(t: Transcript, *, interactive: bool = False, printable: bool = False) -> str:
    """The whole transcript; ``interactive`` adds review links, ``printable`` drops colour."""
    mode = "Assessment" if t.mode == "assessment" else "Practice"
    status = {"finished": "finished", "abandoned": "abandoned", "in_progress": "in progress"}.get(
        t.status, t.status
    )
    team = f" ({esc(t.trainee_team)})" if t.trainee_team else ""
    head = [
        f"<h2>{esc(t.scenario_title)}</h2>",
        f"<p><b>{esc(t.trainee_name)}</b>{team} · {mode} · started {_date(t.started_at)} · "
        f"{status} · <b>{review_status_text(t)}</b></p>",
    ]
    if t.notice:
        head.append(f"<p><i>Note: {esc(t.notice)}</i></p>")
    head.append("<h3>Score card</h3>")
    head.append(_score_row(t.scores, t.original_scores, printable))
    answered = sum(1 for e in t.entries if e.post.needs_answer and not e.missed)
    needing = sum(1 for e in t.entries if e.post.needs_answer)
    head.append(
        f"<p>Answered {answered} of {needing} posts that needed an answer"
        + (f"; <b>{t.missed_count} missed</b>" if t.missed_count else "")
        + ".</p>"
    )
    head.append(_overrides_html(t.overrides))
    head.append(_comments_html(t.comments))
    if not t.model_answers_shown:
        head.append("<p><i>Model answers are shown when the assessment is finished.</i></p>")
    body = ["<h3>Timeline</h3>"]
    for e in t.entries:
        body.append(_entry_html(e, interactive=interactive, printable=printable))
    style = (
        "<style>blockquote { margin-left: 18px; } small { font-size: small; } "
        "ul { margin-top: 0; } h2 { margin-bottom: 2px; }</style>"
    )
    return "<html><head>" + style + "</head><body>" + "".join(head + body) + "</body></html>"
