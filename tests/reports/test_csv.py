"""CSV export: Excel-friendly (BOM, CRLF), awkward trainee text survives, formulas are inert."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from sandbox.reports.export import CancelToken, ExportCancelled, csv_cell, write_csv

AWKWARD = 'Sorry, Siân — we\'ll "fix" it.\nCall 0300 123 4567 🙂'


def test_bom_header_rows_and_awkward_text(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    n = write_csv(path, ["Person", "Reply text", "Score"], [[("Siân O'Neill", AWKWARD, 82)]])
    assert n == 1
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw[3:].startswith(b"Person,Reply text,Score\r\n")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows == [["Person", "Reply text", "Score"], ["Siân O'Neill", AWKWARD, "82"]]


def test_formula_like_text_is_made_inert() -> None:
    assert csv_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert csv_cell("+44 7700 900123") == "'+44 7700 900123"
    assert csv_cell("@AldermoorCouncil thanks") == "'@AldermoorCouncil thanks"
    assert csv_cell(-3) == -3  # numbers stay numbers
    assert csv_cell(None) == ""
    assert csv_cell(12.345) == "12.3"


def test_progress_is_reported_per_chunk(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    chunks = [[(i,) for i in range(3)], [(i,) for i in range(3, 5)]]
    write_csv(tmp_path / "p.csv", ["n"], chunks, total=5, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(3, 5), (5, 5)]


def test_cancel_leaves_no_file_and_keeps_an_old_one(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text("old report", encoding="utf-8")
    token = CancelToken()

    def chunks():  # type: ignore[no-untyped-def]
        yield [("a",)]
        token.cancel()
        yield [("b",)]
        raise AssertionError("export went on after cancel")

    with pytest.raises(ExportCancelled):
        write_csv(path, ["x"], chunks(), cancel=token)
    assert path.read_text(encoding="utf-8") == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]
