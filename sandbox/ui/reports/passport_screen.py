"""The Digital Passport screen: per person, what is earned, what is missing, and the evidence.

Status is always spelt out in words (Earned / Missing / Revoked) as well as coloured, so it
reads in high contrast and in black and white.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from sandbox.reports.dashboard import load_passports
from sandbox.reports.framework import Framework, scenario_titles
from sandbox.reports.passport import CompetencyStatus, Passport
from sandbox.ui.guard import if_alive
from sandbox.ui.ops import run_op, show_error
from sandbox.ui.theme import colours

__all__ = ["PassportScreen", "passport_html"]

LONDON = ZoneInfo("Europe/London")
_LABEL = {
    CompetencyStatus.earned: "Earned",
    CompetencyStatus.missing: "Missing",
    CompetencyStatus.revoked: "Revoked",
}


def _colours() -> tuple[dict[CompetencyStatus, str], str, str]:
    """Status colours, muted text and border from the current palette (high contrast too)."""
    c = colours()
    status = {
        CompetencyStatus.earned: c.handled.name(),
        CompetencyStatus.missing: c.warning.name(),
        CompetencyStatus.revoked: c.error.name(),
    }
    return status, c.muted_text.name(), c.card_border.name()


def _day(moment: Any) -> str:
    return moment.astimezone(LONDON).strftime("%d %b %Y") if moment else "–"


def _titled(line: str, titles: dict[str, str]) -> str:
    """ "flood-rumours: not attempted yet" with the scenario's title instead of its id."""
    sid, sep, rest = line.partition(": ")
    return f"{titles[sid]}: {rest}" if sep and sid in titles else line


def passport_html(passport: Passport, titles: dict[str, str] | None = None) -> str:
    """One person's passport as rich text for the screen."""
    e = html.escape
    titles = titles or {}
    status_colour, muted, border = _colours()
    earned = len(passport.earned)
    team = f" · {e(passport.team)}" if passport.team else ""
    out = [
        f"<h2 style='margin-bottom:0'>{e(passport.name)}</h2>",
        f"<p style='margin-top:2px'>{e(passport.title)}{team} · <b>{earned} of "
        f"{len(passport.results)}</b> competencies earned</p>",
    ]
    for r in passport.results:
        label, colour = _LABEL[r.status], status_colour[r.status]
        c = r.competency
        n = len(c.scenarios)
        if c.min_passed < n:
            need = f"pass {c.min_passed} of {n} scenarios"
        else:
            need = "pass its scenario" if n == 1 else f"pass all {n} scenarios"
        fams = "/".join(f.value for f in c.families)
        out.append(
            "<table width='100%' cellspacing='0' cellpadding='6' "
            f"style='margin-top:8px; border:1px solid {border}'>"
            f"<tr><td><span style='color:{colour}; font-weight:bold'>[{label}]</span> "
            f"<b>{e(c.name)}</b>"
            + (f" <span style='color:{muted}'>on {_day(r.earned_at)}</span>" if r.earned_at else "")
            + f"<br><span style='color:{muted}'>{e(c.description)} Needs: {need} in assessment, "
            f"{fams} score at least {c.threshold}, signed off by a trainer.</span>"
        )
        if r.evidence:
            out.append("<br><b>Evidence:</b><ul style='margin-top:0'>")
            for a in r.evidence:
                check = next((ch for ch in r.checks if ch.attempt is a), None)
                score = f", score {check.score}" if check and check.score is not None else ""
                out.append(
                    f"<li>{e(a.scenario_title or a.scenario_id)}: assessment on "
                    f"{_day(a.ended_at or a.started_at)}{score}, signed off</li>"
                )
            out.append("</ul>")
        if r.status is not CompetencyStatus.earned:
            out.append("<br><b>Missing:</b><ul style='margin-top:0'>")
            for line in r.lacking:
                out.append(f"<li>{e(_titled(line, titles))}</li>")
            out.append("</ul>")
        out.append("</td></tr></table>")
    return "".join(out)


class PassportScreen(QWidget):
    """People on the left (with their count of earned competencies), the passport on the right."""

    loaded = Signal(object)  # list[Passport]

    def __init__(
        self,
        db: Any,
        framework: Framework | None,
        parent: QWidget | None = None,
        framework_problem: str = "",
        scenarios_dir: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.framework = framework
        self.passports: list[Passport] = []
        self._want: str | None = None
        self.titles: dict[str, str] = scenario_titles(scenarios_dir) or {}

        self.team = QComboBox()
        self.team.setAccessibleName("Team or cohort")
        self.team.addItem("All teams", None)
        self.people = QListWidget()
        self.people.setAccessibleName("People")
        self.detail = QTextBrowser()
        self.detail.setAccessibleName("Passport")
        self.detail.setOpenLinks(False)
        self.print_button = QPushButton("&Print certificate…")
        self.print_button.setToolTip("A PDF certificate listing what this person has earned")
        self.print_button.setEnabled(False)
        self.status = QLabel("Loading…" if framework else framework_problem)
        self.status.setWordWrap(True)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.team)
        lv.addWidget(self.people, 1)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(self.detail, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.print_button)
        rv.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        split.setSizes([280, 900])
        outer = QVBoxLayout(self)
        outer.addWidget(split)

        self.people.currentRowChanged.connect(self._show_row)
        self.team.activated.connect(self.refresh)
        self.print_button.clicked.connect(lambda: self.print_certificate())

    def set_teams(self, teams: list[str]) -> None:
        keep = self.team.currentData()
        self.team.clear()
        self.team.addItem("All teams", None)
        for t in teams:
            self.team.addItem(t, t)
        self.team.setCurrentIndex(max(self.team.findData(keep), 0))

    def refresh(self) -> None:
        if self.framework is None:
            return
        db, framework, team = self.db, self.framework, self.team.currentData()

        def work() -> list[Passport]:
            with db.session() as session:
                return load_passports(session, framework, team=team)

        run_op(
            work,
            on_success=if_alive(self, self._loaded),
            on_failure=if_alive(self, lambda exc: show_error(exc, self)),
        )

    def _loaded(self, passports: list[Passport]) -> None:
        self.passports = passports
        self.people.clear()
        for p in passports:
            item = QListWidgetItem(f"{p.name}  ({len(p.earned)} of {len(p.results)})")
            item.setData(Qt.ItemDataRole.UserRole, p.profile_id)
            item.setToolTip(p.team or "")
            self.people.addItem(item)
        self.status.setText(f"{len(passports)} people")
        if passports:
            target = 0
            if self._want:
                target = next((i for i, p in enumerate(passports) if p.profile_id == self._want), 0)
            self.people.setCurrentRow(target)
        else:
            self.detail.setHtml("<p>No trainees yet.</p>")
        self.loaded.emit(passports)

    def select(self, profile_id: str) -> None:
        """Show this person's passport (now, or once loaded)."""
        self._want = profile_id
        for i, p in enumerate(self.passports):
            if p.profile_id == profile_id:
                self.people.setCurrentRow(i)

    def current(self) -> Passport | None:
        row = self.people.currentRow()
        return self.passports[row] if 0 <= row < len(self.passports) else None

    def _show_row(self, row: int) -> None:
        p = self.current()
        self.print_button.setEnabled(p is not None)
        self.detail.setHtml(passport_html(p, self.titles) if p else "")

    def print_certificate(self, path: str | Path | None = None) -> Path | None:
        p = self.current()
        if p is None:
            return None
        if not path:
            safe = "".join(ch if ch.isalnum() else "-" for ch in p.name).strip("-").lower()
            path, _ = QFileDialog.getSaveFileName(
                self, "Save the certificate", f"passport-{safe}.pdf", "PDF (*.pdf)"
            )
            if not path:
                return None
        from sandbox.ui.reports.pdf import write_certificate_pdf

        try:
            out = write_certificate_pdf(p, Path(path))
        except OSError as exc:
            show_error(exc, self, "Could not save the certificate")
            return None
        self.status.setText(f"Saved {p.name}'s certificate to {out}.")
        return out
