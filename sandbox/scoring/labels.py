"""How severities are named, marked and ordered wherever findings are shown (screen, PDF, CLI).

Kept beside the scorer's types and free of Qt so the trainee app, the trainer's transcript and
the PDF all say the same words in the same order.
"""

from __future__ import annotations

from sandbox.scoring.types import Severity

SEVERITY_ORDER = {Severity.error: 0, Severity.warning: 1, Severity.info: 2, Severity.praise: 3}
SEVERITY_WORD = {
    Severity.error: "Problem",
    Severity.warning: "Warning",
    Severity.info: "Tip",
    Severity.praise: "Well done",
}
SEVERITY_MARK = {
    Severity.error: "✖",
    Severity.warning: "▲",
    Severity.info: "ℹ",
    Severity.praise: "✓",
}
