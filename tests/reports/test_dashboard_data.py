"""Dashboard figures and passport facts from a real database (SQLite, and PostgreSQL if given)."""

from __future__ import annotations

from datetime import date

from sandbox.reports.dashboard import load_dashboard, load_passports
from sandbox.reports.framework import Framework
from sandbox.reports.passport import CompetencyStatus
from sandbox.reports.queries import ReportFilter, count_reply_rows, filter_options, iter_reply_rows
from sandbox.store import crud
from sandbox.store.db import Database
from tests.reports.conftest import AWKWARD_REPLY, PHONE, POLITICAL, Sample


def test_dashboard_figures_for_everyone(
    report_db: Database, sample: Sample, framework: Framework
) -> None:
    with report_db.session() as s:
        data = load_dashboard(s, ReportFilter(), framework=framework)
    assert data.counts["attempts"] == 5
    assert data.counts["finished"] == 4
    assert data.counts["in_progress"] == 1
    assert data.counts["assessments"] == 3
    assert data.counts["passed"] == 2
    assert data.counts["people"] == 3
    assert data.completion_rate == 0.8
    assert data.replies == 5
    # first replies: 10, 30, 5, 20, 60 -> median 20, mean 25
    assert data.first_reply_median == 20
    assert data.first_reply_mean == 25
    # weekly buckets (Mondays): week of 2 March has 3 finished attempts, 9 March has 1
    assert [w.week for w in data.weekly] == [date(2026, 3, 2), date(2026, 3, 9)]
    assert data.weekly[0].attempts == 3
    assert round(data.weekly[0].averages["risk"] or 0) == round((90 + 90 + 50) / 3)
    assert data.weekly[1].averages["tone"] == 60
    # risk findings: phone x2 (error + warning), political x1
    assert [(r.rule, r.count) for r in data.risks] == [(PHONE, 2), (POLITICAL, 1)]
    assert data.risks[0].examples[0].person in {"Bob Ali", "Cat Ng"}
    people = {p.name: p for p in data.people}
    assert set(people) == {"Ann Jones", "Bob Ali", "Cat Ng"}
    assert people["Ann Jones"].attempts == 3
    assert people["Ann Jones"].passed == 2
    assert people["Ann Jones"].competencies_earned == 1  # flu-jab was only practised
    assert people["Ann Jones"].first_reply_median == 10
    assert people["Bob Ali"].competencies_earned == 0
    assert people["Cat Ng"].finished == 0


def test_filters_narrow_every_figure(
    report_db: Database, sample: Sample, framework: Framework
) -> None:
    with report_db.session() as s:
        housing = load_dashboard(s, ReportFilter(team="Housing"))
        tax = load_dashboard(s, ReportFilter(scenario_id="council-tax-account"))
        later = load_dashboard(s, ReportFilter(date_from=date(2026, 3, 4)))
        early = load_dashboard(s, ReportFilter(date_to=date(2026, 3, 3)))
        teams, scenarios = filter_options(s)
    assert housing.counts["attempts"] == 1 and [p.name for p in housing.people] == ["Cat Ng"]
    assert [(r.rule, r.count) for r in housing.risks] == [(PHONE, 1), (POLITICAL, 1)]  # ties by id
    assert tax.counts["attempts"] == 2 and tax.first_reply_median == 15
    assert later.counts["attempts"] == 3  # Bob (4 March), Cat, Ann (flu-jab)
    assert early.counts["attempts"] == 2
    assert teams == ["Highways", "Housing"]
    assert [sid for sid, _ in scenarios] == [
        "council-tax-account",
        "damp-mould",
        "flu-jab",
        "pre-election-share",
    ]


def test_trainer_override_changes_dashboard_and_revokes_passport(
    report_db: Database, sample: Sample, framework: Framework
) -> None:
    with report_db.session() as s:
        before = {p.profile_id: p for p in load_passports(s, framework)}
        assert before[sample.ann].results[0].status is CompetencyStatus.earned
        crud.add_override(
            s,
            attempt_id=sample.ann_tax,
            family="risk",
            new=40,
            reason="Read the account number back in public",
            reviewer_id=sample.trainer,
        )
    with report_db.session() as s:
        after = {p.profile_id: p for p in load_passports(s, framework)}
        data = load_dashboard(s, ReportFilter(scenario_id="council-tax-account"))
    result = after[sample.ann].results[0]
    assert result.status is CompetencyStatus.revoked
    assert any("Read the account number back in public" in line for line in result.lacking)
    assert data.family_averages["risk"] == (40 + 50) / 2
    # plain-english needs a flu-jab assessment: Ann only practised it
    assert after[sample.ann].results[1].status is CompetencyStatus.missing
    assert "flu-jab: practised only; needs an assessment" in after[sample.ann].results[1].lacking
    # Bob's personal-data finding blocks and his trainer said not yet
    bob = after[sample.bob].results[0]
    assert bob.status is CompetencyStatus.missing


def test_reply_rows_stream_in_chunks_with_findings(report_db: Database, sample: Sample) -> None:
    with report_db.session() as s:
        total = count_reply_rows(s, ReportFilter())
        chunks = list(iter_reply_rows(s, ReportFilter(), chunk_size=2))
    assert total == 5
    assert [len(c) for c in chunks] == [2, 2, 1]
    rows = [r for c in chunks for r in c]
    bob = next(r for r in rows if r[1] == "Bob Ali")
    assert bob[10] == AWKWARD_REPLY
    assert bob[-1] == f"{PHONE} (error)"


def test_refresh_reuses_figures_until_the_data_changes(
    report_db: Database, sample: Sample, framework: Framework
) -> None:
    from sandbox.reports.dashboard import clear_dashboard_cache, refresh_dashboard

    clear_dashboard_cache()
    flt = ReportFilter(scenario_id="council-tax-account")
    first = refresh_dashboard(report_db, flt, framework=framework)
    assert "first_reply" in first.timings_ms  # computed, on two connections
    again = refresh_dashboard(report_db, flt, framework=framework)
    assert list(again.timings_ms) == ["unchanged data (cached)"]
    assert again.family_averages == first.family_averages
    with report_db.session() as s:
        crud.add_override(
            s,
            attempt_id=sample.ann_tax,
            family="risk",
            new=40,
            reason="second look",
            reviewer_id=sample.trainer,
        )
    changed = refresh_dashboard(report_db, flt, framework=framework)
    assert "first_reply" in changed.timings_ms
    assert changed.family_averages["risk"] == (40 + 50) / 2
    assert refresh_dashboard(report_db, flt, framework=framework, use_cache=False).timings_ms != {}
