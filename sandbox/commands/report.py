"""``sandbox report``: the manager report as a PDF, or every reply as CSV, from the command line."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

NAME = "report"
HELP = "write the manager report (PDF) or every recorded reply (CSV) for spreadsheets"


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"dates look like 2026-03-31, not {value!r}") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        metavar="FILE",
        type=Path,
        help="FILE.pdf for the dashboard report, FILE.csv for every reply",
    )
    parser.add_argument(
        "--from",
        dest="date_from",
        metavar="DATE",
        type=_day,
        help="first day to include (YYYY-MM-DD, UK time)",
    )
    parser.add_argument(
        "--to",
        dest="date_to",
        metavar="DATE",
        type=_day,
        help="last day to include (YYYY-MM-DD, UK time)",
    )
    parser.add_argument("--scenario", metavar="ID", help="only this scenario id")
    parser.add_argument("--team", metavar="NAME", help="only this team or cohort")
    parser.add_argument(
        "--passport",
        metavar="PERSON",
        help="write PERSON's passport certificate (name or id) to --out FILE.pdf",
    )
    parser.add_argument(
        "--framework",
        metavar="FILE",
        type=Path,
        help="competency framework YAML (default: the one shipped with the app)",
    )
    parser.add_argument(
        "--check-framework",
        action="store_true",
        help="only check the competency framework against rules and scenarios",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on standard error")


def _fail(message: str) -> int:
    print(f"sandbox report: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from sandbox.reports.framework import Framework, FrameworkError, load_default_framework
    from sandbox.reports.queries import ReportFilter
    from sandbox.store.crud import StoreError
    from sandbox.store.db import DatabaseError, open_database

    def framework() -> Framework | None:
        try:
            return load_default_framework(args.framework)
        except FrameworkError as exc:
            for line in exc.problems:
                print(line, file=sys.stderr)
            return None

    if args.check_framework:
        fw = framework()
        if fw is None:
            return 2
        print(f"{fw.source}: {len(fw.competencies)} competencies, all rule and scenario ids known")
        return 0
    if args.out is None:
        return _fail("give --out FILE.pdf or --out FILE.csv")
    suffix = args.out.suffix.lower()
    if suffix not in (".pdf", ".csv"):
        return _fail(f"--out must end in .pdf or .csv, not {args.out.name!r}")
    if args.date_from and args.date_to and args.date_from > args.date_to:
        return _fail("--from is after --to")
    if args.passport and suffix != ".pdf":
        return _fail("a passport certificate is a PDF: use --out FILE.pdf")

    flt = ReportFilter(
        team=args.team, scenario_id=args.scenario, date_from=args.date_from, date_to=args.date_to
    )

    def progress(done: int, total: int) -> None:
        if not args.quiet and sys.stderr.isatty():
            pct = f" {done * 100 // total}%" if total else ""
            print(f"\r{done:,} rows{pct}", end="", file=sys.stderr, flush=True)

    try:
        db = open_database()
    except DatabaseError as exc:
        return _fail(str(exc))
    try:
        if args.passport:
            fw = framework()
            return 2 if fw is None else _passport(db, fw, args.passport, args.out)
        if suffix == ".csv":
            from sandbox.reports.export import export_replies_csv

            n = export_replies_csv(db, flt, args.out, progress=progress)
            if not args.quiet and sys.stderr.isatty():
                print(file=sys.stderr)
            print(f"Wrote {n:,} replies ({flt.describe()}) to {args.out}")
            return 0
        from sandbox.reports.dashboard import refresh_dashboard
        from sandbox.ui.reports.pdf import write_dashboard_pdf

        fw = framework()
        if fw is None:
            return 2
        data = refresh_dashboard(db, flt, framework=fw)
        write_dashboard_pdf(data, args.out)
        print(
            f"Wrote the report ({flt.describe()}; {data.counts['attempts']:,} attempts) to {args.out}"
        )
        return 0
    except OSError as exc:
        return _fail(f"cannot write {args.out}: {exc.strerror or exc}")
    except (StoreError, DatabaseError) as exc:
        return _fail(str(exc))
    finally:
        db.close()


def _passport(db: object, framework: object, who: str, out: Path) -> int:
    from sandbox.reports.dashboard import load_passports
    from sandbox.store import crud
    from sandbox.ui.reports.pdf import write_certificate_pdf

    with db.session() as session:  # type: ignore[attr-defined]
        profile = crud.find_profile(session, name_or_id=who)
        if profile is None:
            return _fail(f"nobody called {who!r}; give a trainee's name or id")
        passports = load_passports(session, framework, profile_ids=[profile.id])  # type: ignore[arg-type]
    if not passports:
        return _fail(f"{profile.name} is not a trainee, so has no passport")
    write_certificate_pdf(passports[0], out)
    earned = len(passports[0].earned)
    print(
        f"Wrote {profile.name}'s certificate ({earned} of {len(passports[0].results)} earned) to {out}"
    )
    return 0
