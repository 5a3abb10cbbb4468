"""``frontdoor measures``: the table, the PDF read back, the CSV (formula cells neutralised),
JSON, bad input refused with a clear message, every file written audited."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from frontdoor_app.cli import main
from frontdoor_app.context import AppContext
from frontdoor_app.models import Action, Agency, AuditEvent
from tests.measures_dataset import build


def run(db_url: str, *args: str) -> int:
    return main(["--database", db_url, "measures", *args])


@pytest.fixture
def data(ctx: AppContext) -> AppContext:
    with ctx.session() as s:
        build(s)
        # An agency (no longer in the profile, kept for its history) whose name a spreadsheet
        # would run as a formula; it owns the early-help action.
        odd = Agency(code="ZZ", name='=HYPERLINK("x","EH")', active=False)
        s.add(odd)
        s.flush()
        eh = s.scalar(select(Agency.id).where(Agency.code == "EH"))
        s.execute(update(Action).where(Action.owner_agency_id == eh).values(owner_agency_id=odd.id))
    return ctx


def test_table_pdf_csv_json_and_audit(
    data: AppContext,
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    artefacts: Path,
) -> None:
    assert run(db_url, "--from", "2026-01-05", "--to", "2026-02-08") == 0
    table = capsys.readouterr().out
    assert "weeks of 05 Jan 2026 to 02 Feb 2026" in table
    assert "Core agencies present" in table and "92% (33 of 36)" in table

    card, figures = tmp_path / "card.pdf", tmp_path / "figures.csv"
    assert (
        run(
            db_url,
            "--from",
            "2026-01-05",
            "--to",
            "2026-02-08",
            "--out",
            str(card),
            "--csv",
            str(figures),
        )
        == 0
    )
    assert "written to" in capsys.readouterr().out
    reader = PdfReader(io.BytesIO(card.read_bytes()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert text.count("OFFICIAL-SENSITIVE") >= 2 * len(reader.pages)
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in text
    assert "Appendix: definitions" in text and "bank holidays" in text
    assert "<5" in text  # the small breakdown counts are suppressed
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "2",
            str(card),
            str(artefacts / "measures-card-handbuilt"),
        ],
        check=True,
    )

    rows = list(csv.reader(io.StringIO(figures.read_text(encoding="utf-8-sig"))))
    labels = [r[5] for r in rows if r[0] == "actions" and r[4] == "range"]
    assert '\'=HYPERLINK("x","EH")' in labels
    assert not any(cell.startswith(("=", "+", "@")) for r in rows for cell in r)

    assert (
        run(db_url, "--from", "2026-01-05", "--to", "2026-02-08", "--json", "--agency", "dvs") == 0
    )
    data_out = json.loads(capsys.readouterr().out)
    actions = next(f for f in data_out["figures"] if f["key"] == "actions")
    assert [w["value"] for w in actions["weeks"]] == [1, 1, 0, 0, 0] and actions["filtered"]

    with data.session() as s:
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.entity == "measures")))
    assert len(events) == 1 and events[0].action == "export"
    assert events[0].after["files"] == [str(card), str(figures)]


def test_bad_input_is_refused_with_a_clear_message(
    data: AppContext, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(db_url, "--from", "5 Jan", "--to", "2026-02-08") == 2
    assert "--from must be a date like" in capsys.readouterr().err
    assert run(db_url, "--from", "2026-02-08", "--to", "2026-01-05") == 2
    assert "before it starts" in capsys.readouterr().err
    assert run(db_url, "--from", "2026-01-05", "--to", "2026-02-08", "--agency", "XX") == 2
    assert "no agency with code 'XX'" in capsys.readouterr().err
    missing = tmp_path / "nowhere" / "card.pdf"
    assert run(db_url, "--from", "2026-01-05", "--to", "2026-02-08", "--out", str(missing)) == 2
    assert "does not exist" in capsys.readouterr().err and not missing.exists()
