"""Words for times, kinds and actions, in UK English, shared by the feed, composer and results."""

from __future__ import annotations

from datetime import timedelta

_KIND_LABELS = {
    "resident": "",
    "journalist": "Journalist",
    "councillor": "Councillor",
    "candidate": "Candidate",
    "troll": "",  # a learner has to spot a troll; the badge would give it away
    "organisation": "Organisation",
    "staff": "Staff",
    "parody": "",  # likewise a parody account
}

_ACTION_LABELS = {
    "reply": "Reply publicly",
    "private_message": "Private message",
    "escalate": "Escalate",
    "hide": "Hide / report",
    "like": "Like",
    "leave": "Leave alone",
}


def kind_label(kind: str) -> str:
    """The badge for a persona kind; empty when a badge would be noise or give the game away."""
    return _KIND_LABELS.get(kind, kind.capitalize())


def action_label(kind: str) -> str:
    return _ACTION_LABELS.get(kind, kind.replace("_", " ").capitalize())


def duration_text(delta: timedelta | float | None) -> str:
    """ "45 s", "12 min", "1 h 5 min", "2 d 3 h" (minutes if given a float)."""
    if delta is None:
        return "–"
    seconds = delta.total_seconds() if isinstance(delta, timedelta) else float(delta) * 60
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def relative_time(age: timedelta) -> str:
    """How long ago on the simulated clock ("just now", "12 min ago")."""
    if age.total_seconds() < 60:
        return "just now"
    return f"{duration_text(age)} ago"


def clock_offset(delta: timedelta) -> str:
    """Scenario time as H:MM:SS."""
    total = max(0, int(delta.total_seconds()))
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}"
