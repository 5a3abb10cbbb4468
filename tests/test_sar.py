"""``frontdoor sar``: everything held about one person, withholdings stated; admins only."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from frontdoor_app.access import audit
from frontdoor_app.cli import main
from frontdoor_app.context import AppContext
from frontdoor_app.models import (
    AgendaItem,
    HouseholdMember,
    IntelligenceEntry,
    NotificationPerson,
    Person,
)


def test_a_subject_access_report_for_the_dpo(
    admin_ctx: AppContext,
    tmp_path: Path,
    artefacts: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ctx = admin_ctx
    with ctx.read_session() as s:
        # A victim whose household has a case with a restricted entry on today's agenda.
        item_id, household = s.execute(
            select(AgendaItem.id, AgendaItem.household_id)
            .join(IntelligenceEntry, IntelligenceEntry.agenda_item_id == AgendaItem.id)
            .where(IntelligenceEntry.restricted_to_agency_id.is_not(None))
            .order_by(AgendaItem.id)
            .limit(1)
        ).one()
        person_id = s.scalar(
            select(HouseholdMember.person_id).where(
                HouseholdMember.household_id == household, HouseholdMember.role == "victim"
            )
        )
        person = s.get(Person, person_id)
        assert person is not None
        others = list(
            s.scalars(
                select(Person.surname)
                .join(HouseholdMember, HouseholdMember.person_id == Person.id)
                .where(HouseholdMember.household_id == household, Person.id != person_id)
            )
        )
        restricted = s.scalars(
            select(IntelligenceEntry.text).where(
                IntelligenceEntry.agenda_item_id == item_id,
                IntelligenceEntry.restricted_to_agency_id.is_not(None),
            )
        ).first()
        refs = s.scalar(
            select(func.count(NotificationPerson.id)).where(
                NotificationPerson.person_id == person_id
            )
        )
    with ctx.session() as s:
        audit.record(s, ctx.actor, "view", "agenda_item", item_id, detail="case opened")
    out = tmp_path / "sar.pdf"
    assert (
        main(
            [
                "--database",
                str(ctx.engine.url),
                "sar",
                "--person",
                str(person_id),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert person.surname in text and "OFFICIAL-SENSITIVE" in text
    assert "Page 1 of" in reader.pages[0].extract_text() or "1 of" in text
    assert "Who viewed or exported the record" in text and "dpo.admin" in text
    assert "withheld" in text and "restricted by an agency" in text
    assert restricted and restricted[:40] not in text
    assert refs and "Police notifications" in text
    for other in others:
        if other != person.surname:
            assert other not in text, other
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(out), str(artefacts / "sar")],
        check=True,
    )
    # Admins only: a chair is refused, and nothing is written.
    monkeypatch.setenv("FRONTDOOR_USER", "test.chair")
    refused = tmp_path / "refused.pdf"
    assert (
        main(
            [
                "--database",
                str(ctx.engine.url),
                "sar",
                "--person",
                str(person_id),
                "--out",
                str(refused),
            ]
        )
        == 5
    )
    assert "only an admin" in capsys.readouterr().err and not refused.exists()
