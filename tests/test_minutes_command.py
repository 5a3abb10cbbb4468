"""``frontdoor minutes``: exit codes, the PDF written, the export audited."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from frontdoor_app.cli import main
from frontdoor_app.context import AppContext
from frontdoor_app.models import AuditEvent
from tests.minutes_builder import RESTRICTED_TEXT, build_closed_meeting


def run(db_url: str, *args: str) -> int:
    return main(["--database", db_url, "minutes", *args])


def test_writes_the_minutes_and_audits_the_export(
    ctx: AppContext, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    built = build_closed_meeting(ctx)
    out = tmp_path / "minutes.pdf"
    assert run(db_url, "--date", "2026-11-23", "--out", str(out)) == 0
    assert "pages" in capsys.readouterr().out
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert all(ref in text for ref in built.refs) and "DRAFT" not in text
    with ctx.session() as s:
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.entity == "minutes")))
    assert [(e.action, e.entity_id) for e in events] == [("export", built.meeting_id)]
    assert str(out) in (events[0].detail or "")


def test_agency_copy(ctx: AppContext, db_url: str, tmp_path: Path) -> None:
    build_closed_meeting(ctx)
    out = tmp_path / "pol.pdf"
    assert run(db_url, "--date", "2026-11-23", "--out", str(out), "--agency", "pol") == 0
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert RESTRICTED_TEXT not in text and "withheld" in text


def test_no_meeting_on_that_date(
    ctx: AppContext, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "none.pdf"
    assert run(db_url, "--date", "2026-12-01", "--out", str(out)) == 3
    assert "no meeting on Tuesday 01 December 2026" in capsys.readouterr().err
    assert not out.exists()


def test_open_meeting_needs_draft(
    ctx: AppContext, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build_closed_meeting(ctx, status="in_progress")
    out = tmp_path / "draft.pdf"
    assert run(db_url, "--date", "2026-11-23", "--out", str(out)) == 4
    assert "not closed" in capsys.readouterr().err and not out.exists()
    assert run(db_url, "--date", "2026-11-23", "--out", str(out), "--draft") == 0
    for page in PdfReader(io.BytesIO(out.read_bytes())).pages:
        assert "DRAFT" in page.extract_text()


def test_bad_input(
    ctx: AppContext, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build_closed_meeting(ctx)
    assert run(db_url, "--date", "23/11/2026", "--out", str(tmp_path / "x.pdf")) == 2
    assert "--date must be a date" in capsys.readouterr().err
    assert (
        run(db_url, "--date", "2026-11-23", "--out", str(tmp_path / "x.pdf"), "--agency", "NOPE")
        == 2
    )
    assert "no agency with code 'NOPE'" in capsys.readouterr().err
    assert run(db_url, "--date", "2026-11-23", "--out", str(tmp_path / "missing" / "x.pdf")) == 2
    assert "does not exist" in capsys.readouterr().err


def test_an_encrypted_agency_copy_opens_only_with_the_password_shown_once(
    ctx: AppContext, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pikepdf

    build_closed_meeting(ctx)
    out = tmp_path / "pol-secure.pdf"
    assert (
        run(db_url, "--date", "2026-11-23", "--out", str(out), "--agency", "pol", "--encrypt") == 0
    )
    printed = capsys.readouterr().out
    password = printed.rsplit(": ", 1)[1].strip()
    assert len(password) == 24 and password.count("-") == 4
    assert b"Minutes" not in out.read_bytes()  # no plain text in the file
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(out)
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(out, password="not-the-password")
    with pikepdf.open(out, password=password) as pdf:
        assert pdf.encryption.bits == 256 and pdf.encryption.R == 6
        assert pdf.encryption.stream_method.name == "aesv3"
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert reader.is_encrypted and reader.decrypt(password)
    text = " ".join(p.extract_text() for p in reader.pages)
    assert RESTRICTED_TEXT not in text and "withheld" in text
    with ctx.session() as s:
        detail = s.scalars(select(AuditEvent.detail).where(AuditEvent.entity == "minutes")).one()
    assert "encrypted (AES-256)" in (detail or "") and password not in (detail or "")
