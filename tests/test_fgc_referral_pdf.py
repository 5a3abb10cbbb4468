"""The referral PDF for the FGC team, read back with pypdf."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

from pypdf import PdfReader
from sqlalchemy import select

from frontdoor_app.access.users import ensure_user
from frontdoor_app.export.referral import render_referral
from frontdoor_app.fgc import gate, referrals
from frontdoor_app.fgc.document import age_text, export_referral, referral_data
from frontdoor_app.models import AuditEvent, FgcReferral
from tests.fgc_support import build_case, coordinator, invite, says

GENERATED = dt.datetime(2026, 11, 23, 14, 30, tzinfo=dt.UTC)


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    # Words as laid out wrap anywhere; compare with the spacing folded.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def prepared_referral(ctx, **kwargs):
    with ctx.session() as s:
        case = build_case(
            s, rationale='Mother asked for <b>her sister</b> & "Gran" to help.', **kwargs
        )
        rid = referrals.offer_for_decision(s, ctx.actor, ctx.profile, case.agenda_item_id)
        gate.record_consent(s, ctx.actor, rid, "victim", case.victim_id, "in_person")
        gate.record_consent(s, ctx.actor, rid, "parental_responsibility", case.victim_id, "phone")
        routed = s.get(FgcReferral, rid).team_id is not None  # else an admin corrects it
        co = coordinator(s, rid) if routed else ensure_user(s, "pdf.admin", "Admin", "admin")
        invite(s, co, rid, "Halina", "Nowak", relationship="grandmother")
        invite(s, co, rid, "ليلى", "حسن", relationship="family friend", approved=False)
        gate.add_invitee(
            s,
            co,
            rid,
            person_id=case.perpetrator_id,
            request=says(case),
            acknowledges_abuse=True,
            willing_to_address=True,
        )
        gate.record_safeguard(s, co, rid, "separate_preparation_victim", "seen at the hub")
    return case, rid


def test_referral_pdf_reads_back_with_its_content(ctx, artefacts):
    _, rid = prepared_referral(ctx)
    with ctx.session() as s:
        pdf = export_referral(
            s, ctx.actor, ctx.profile, rid, generated_at=GENERATED, invariant=True
        )
        exported = s.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    (artefacts / "fgc_referral.pdf").write_bytes(pdf)
    text = text_of(pdf)
    for expected in (
        "OFFICIAL-SENSITIVE",
        "Page 1 of",
        "Family Group Conference referral",
        "H0",
        "FGC East North East",
        "fgc.eastnortheast@example.gov.uk",
        "LS9 is in Harehills, served by FGC East North East",
        # household and children
        "Anna Kowalski",
        "Victim",
        "Maja Kowalski",
        "Tomasz Kowalski",
        "Children: 2",
        # the reason, escaped: the markup prints literally
        "Reason for referral",
        'Mother asked for <b>her sister</b> & "Gran" to help.',
        "FGC offer",
        # consent details
        "the victim's consent",
        "in person",
        "consent of a person with parental",
        # invite list with the three answers
        "Halina Nowak",
        "grandmother",
        "Person who harmed",
        "victim asked: ✓ yes",
        "acknowledges the abuse: ✓ yes",
        "willing to address it: ✓ yes",
        # safeguards and what is missing
        "separate preparation with the victim",
        "seen at the hub",
        "not yet approved by the victim",
        "the safety plan is not recorded",
        # risks and referrer
        "HIGH",
        "DASH 15 yes",
        "weapon used or threatened",
        ctx.actor.display_name,
    ):
        assert expected in text, expected
    assert [e.entity_id for e in exported] == [rid]
    assert text.count("OFFICIAL-SENSITIVE") >= 2  # top and bottom of each page


def test_referral_pdf_is_invariant_and_routes_by_hand_in_words(ctx):
    _, rid = prepared_referral(ctx, postcode="M1 1AE", pregnancy=True)
    with ctx.session() as s:
        data = referral_data(s, ctx.profile, rid, GENERATED.date())
    first = render_referral(data, generated_at=GENERATED, invariant=True)
    assert first == render_referral(data, generated_at=GENERATED, invariant=True)
    text = text_of(first)
    assert "Route by hand: no FGC team yet" in text
    assert "M1 1AE is outside the authority" in text
    assert "Children: 3 (including an unborn child)" in text
    other = dataclasses.replace(data, consents=(), invitees=(), safeguards=())
    text = text_of(render_referral(other, generated_at=GENERATED, invariant=True))
    assert "nothing is arranged without the victim's consent" in text
    assert "No one is on the invite list yet." in text


def test_age_text():
    today = dt.date(2026, 11, 23)
    assert age_text(dt.date(2026, 3, 24), today) == "7 mo"
    assert age_text(dt.date(2020, 11, 23), today) == "6 y"
    assert age_text(None, today) == ""
