"""Households from linked people: the family carries on, moves home, or is a new household."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from frontdoor_app.intake import batch
from frontdoor_app.intake.importer import import_records
from frontdoor_app.models import Household, HouseholdMember, Notification
from tests.intake_feedkit import NOW, audit_events, notification, person


def feed(ctx, *notifications):
    return import_records(ctx.sessions, ctx.profile, ctx.actor, list(notifications), now=NOW)


def family(**victim_more):
    return [
        person("victim", "Begum", "Nasima", "1990-02-02", **victim_more),
        person("perpetrator", "Uddin", "Jamal", "1988-03-03"),
        person("child", "Uddin", "Sultana", "2018-04-04"),
    ]


@pytest.fixture(params=["set-based", "one at a time"])
def path(request, monkeypatch):
    if request.param == "one at a time":
        monkeypatch.setattr(
            batch, "write", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("off"))
        )
    return request.param


def household_of(ctx, ref):
    with ctx.session() as s:
        hid = s.scalar(select(Notification.household_id).where(Notification.police_ref == ref))
        return s.get(Household, hid)


def test_family_moving_home_moves_the_household(ctx, path):
    feed(
        ctx,
        notification(
            "H-1",
            family(),
            received_at="2026-10-01T08:00:00",
            incident_at="2026-10-01T01:00:00",
            address="1 Old Road, Leeds",
            postcode="LS9 8AB",
        ),
    )
    before = household_of(ctx, "H-1")
    assert before.locality_id is not None
    feed(ctx, notification("H-2", family(), address="22 New Street, Leeds", postcode="LS27 0QP"))
    after = household_of(ctx, "H-2")
    assert after.id == before.id
    assert (after.address, after.postcode) == ("22 New Street, Leeds", "LS27 0QP")
    assert after.locality_id != before.locality_id  # Morley, not Harehills: the FGC team follows
    moved = [e for e in audit_events(ctx.sessions, "household", "update")]
    assert moved and moved[-1].before["postcode"] == "LS9 8AB"
    with ctx.session() as s:
        members = s.scalars(
            select(HouseholdMember).where(HouseholdMember.household_id == after.id)
        ).all()
    assert len(members) == 3  # nobody added twice


def test_incident_elsewhere_does_not_move_the_household(ctx, path):
    feed(
        ctx,
        notification(
            "E-1",
            family(),
            received_at="2026-10-01T08:00:00",
            incident_at="2026-10-01T01:00:00",
            address="1 Old Road, Leeds",
            postcode="LS9 8AB",
        ),
    )
    away = family(person_address="1 Old Road, Leeds", person_postcode="LS9 8AB")
    feed(
        ctx,
        notification("E-2", away, address="Outside the Corn Exchange, Leeds", postcode="LS1 7BR"),
    )
    household = household_of(ctx, "E-2")
    assert household.id == household_of(ctx, "E-1").id and household.postcode == "LS9 8AB"


def test_an_older_notification_does_not_move_the_family_back(ctx, path):
    feed(ctx, notification("O-1", family(), address="22 New Street, Leeds", postcode="LS27 0QP"))
    feed(
        ctx,
        notification(
            "O-0",
            family(),
            received_at="2026-09-01T08:00:00",
            incident_at="2026-09-01T01:00:00",
            address="1 Old Road, Leeds",
            postcode="LS9 8AB",
        ),
    )
    assert household_of(ctx, "O-0").postcode == "LS27 0QP"


def test_strangers_at_the_same_address_are_a_new_household(ctx, path):
    feed(
        ctx,
        notification(
            "S-1", family(), received_at="2026-10-01T08:00:00", incident_at="2026-10-01T01:00:00"
        ),
    )
    others = [
        person("victim", "Clarke", "Megan", "1999-09-09"),
        person("perpetrator", "Lister", "Kyle", "1997-07-07"),
    ]
    feed(ctx, notification("S-2", others))
    assert household_of(ctx, "S-1").id != household_of(ctx, "S-2").id


def test_a_person_sent_twice_in_one_notification_is_one_person(ctx, path):
    people = [*family(), person("child", "Uddin", "Sultana", "2018-04-04")]
    feed(ctx, notification("T-1", people))
    with ctx.session() as s:
        n = s.scalar(select(Notification).where(Notification.police_ref == "T-1"))
        assert len(n.persons) == 4 and len({p.person_id for p in n.persons}) == 3
        members = s.scalars(
            select(HouseholdMember).where(HouseholdMember.household_id == n.household_id)
        ).all()
    assert len(members) == 3
