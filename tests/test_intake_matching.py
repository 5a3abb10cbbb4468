"""Matching people as sent to the people already known: variants, grey zone, undo, blocking."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from sqlalchemy import func, select, text

from frontdoor_app.intake import links
from frontdoor_app.intake.blocking import block_keys, candidate_ids, db_candidates, lookup_keys
from frontdoor_app.intake.fs_model import DEFAULT_MODEL
from frontdoor_app.intake.importer import import_records
from frontdoor_app.intake.similarity import PersonFacts, score
from frontdoor_app.models import (
    HouseholdMember,
    Notification,
    NotificationPerson,
    Person,
    PersonLink,
)
from tests.intake_feedkit import NOW, notification, person


def feed(ctx, *notifications):
    return import_records(ctx.sessions, ctx.profile, ctx.actor, list(notifications), now=NOW)


def person_of(ctx, ref: str, role: str) -> int:
    with ctx.session() as s:
        return s.scalar(
            select(NotificationPerson.person_id)
            .join(Notification)
            .where(Notification.police_ref == ref, NotificationPerson.role == role)
        )


def known_family(ctx, victim=("Hussain", "Amina", "1994-05-02"), **more):
    people = [
        person("victim", *victim, gender="F", **more),
        person("perpetrator", "Hussain", "Tariq", "1991-09-17", gender="M"),
        person("child", "Hussain", "Zara", "2016-01-09"),
    ]
    feed(
        ctx,
        notification(
            "OLD-1", people, received_at="2026-03-02T08:00:00", incident_at="2026-03-01T22:00:00"
        ),
    )
    return person_of(ctx, "OLD-1", "victim")


VARIANTS = [
    ("surname typo", ("Hussian", "Amina", "1994-05-02")),
    ("forename typo", ("Hussain", "Ameena", "1994-05-02")),
    ("transliterated surname", ("Hosain", "Amina", "1994-05-02")),
    ("upper case and spaces", ("  HUSSAIN ", "AMINA", "02/05/1994")),
    ("day and month swapped", ("Hussain", "Amina", "1994-02-05")),
    ("hyphenated surname", ("Hussain-Khan", "Amina", "1994-05-02")),
    ("swapped forenames", ("Hussain", "Bibi Amina", "1994-05-02")),
]


@pytest.mark.parametrize(("case", "victim"), VARIANTS, ids=[c for c, _ in VARIANTS])
def test_variant_links_automatically(ctx, case, victim):
    original = known_family(ctx)
    if case == "swapped forenames":
        original = known_family_with(ctx, "Amina Bibi")
    people = [
        person("victim", *victim, gender="F"),
        person("child", "Hussain", "Zara", "2016-01-09"),
    ]
    summary = feed(ctx, notification("NEW-1", people))
    assert summary.imported == 1
    assert person_of(ctx, "NEW-1", "victim") == original, case
    with ctx.session() as s:
        link = s.scalar(
            select(PersonLink).where(
                PersonLink.matched_person_id == original, PersonLink.status == "linked"
            )
        )
        assert link is not None and link.decided_by == "auto" and link.reasons
        # the family's household carries on: same household as the earlier notification
        old, new = (
            s.scalar(select(Notification.household_id).where(Notification.police_ref == r))
            for r in ("OLD-1", "NEW-1")
        )
        assert old == new


def known_family_with(ctx, forenames: str) -> int:
    with ctx.session() as s:
        s.execute(text("DELETE FROM person_link"))
    feed(
        ctx,
        notification(
            "OLD-2",
            [person("victim", "Hussain", forenames, "1994-05-02")],
            received_at="2026-04-02T08:00:00",
            incident_at="2026-04-01T22:00:00",
        ),
    )
    return person_of(ctx, "OLD-2", "victim")


def test_diacritics_and_other_scripts(ctx):
    feed(
        ctx,
        notification(
            "D-1",
            [
                person("victim", "Łukasiewicz", "Zoë", "1990-01-01"),
                person("child", "Nguyễn", "Thị Lan", "2015-02-02"),
                person("child", "محمد", "فاطمة", "2017-03-03"),
            ],
        ),
    )
    feed(
        ctx,
        notification(
            "D-2",
            [
                person("victim", "Lukasiewicz", "Zoe", "1990-01-01"),
                person("child", "Nguyen", "Thi Lan", "2015-02-02"),
                person("child", "محمد", "فاطمة", "2017-03-03"),
            ],
        ),
    )
    with ctx.session() as s:
        rows = s.execute(
            select(Notification.police_ref, NotificationPerson.person_id).join(NotificationPerson)
        ).all()
        assert len({pid for _, pid in rows}) == 3
        assert s.scalar(select(func.count()).select_from(Person)) == 3


def test_nhs_number_links_despite_a_different_name(ctx):
    original = known_family(ctx, nhs_number="9434765919")
    feed(
        ctx,
        notification(
            "N-1", [person("victim", "Begum", "Amina", "1994-05-02", nhs_number="943 476 5919")]
        ),
    )
    assert person_of(ctx, "N-1", "victim") == original


def test_different_date_of_birth_is_a_new_person(ctx):
    original = known_family(ctx)
    feed(ctx, notification("B-1", [person("victim", "Hussain", "Amina", "1972-11-30")]))
    assert person_of(ctx, "B-1", "victim") != original


def test_twin_is_not_linked_without_a_person_looking(ctx):
    known_family(ctx)
    zara = person_of(ctx, "OLD-1", "child")
    feed(
        ctx,
        notification(
            "T-1",
            [
                person("victim", "Hussain", "Amina", "1994-05-02"),
                person("child", "Hussain", "Sara", "2016-01-09"),
                person("child", "Hussain", "Yusuf", "2016-01-09"),
            ],
        ),
    )
    with ctx.session() as s:
        children = s.scalars(
            select(NotificationPerson)
            .join(Notification)
            .where(Notification.police_ref == "T-1", NotificationPerson.role == "child")
        ).all()
        yusuf = next(c for c in children if c.forenames == "Yusuf")
        assert yusuf.person_id != zara


def test_grey_zone_asks_then_confirm_joins_the_history(ctx):
    original = known_family(ctx)
    # a nickname-like forename with no date of birth: similar, but not sure
    summary = feed(
        ctx,
        notification(
            "G-1",
            [person("victim", "Hussain", "Amna", "", age="32")],
            address="99 Other Road, Leeds",
            postcode="LS6 1AA",
        ),
    )
    assert summary.possible_matches == 1
    (row,) = links.possible_matches(ctx.sessions)
    assert row.known.id == original and row.police_ref == "G-1"
    assert DEFAULT_MODEL.review_probability <= row.score < DEFAULT_MODEL.auto_probability
    assert row.reasons
    new_id = person_of(ctx, "G-1", "victim")
    assert new_id != original
    links.confirm_match(ctx.sessions, ctx.actor, row.link_id)
    assert person_of(ctx, "G-1", "victim") == original
    with ctx.session() as s:
        assert s.get(Person, new_id).merged_into_id == original
    assert links.possible_matches(ctx.sessions) == []
    with pytest.raises(links.LinkError, match="already been decided"):
        links.reject_match(ctx.sessions, ctx.actor, row.link_id)


def test_grey_zone_reject_keeps_a_separate_person(ctx):
    original = known_family(ctx)
    feed(
        ctx,
        notification(
            "G-2", [person("victim", "Hussain", "Amna", "", age="32")], postcode="LS6 1AA"
        ),
    )
    (row,) = links.possible_matches(ctx.sessions)
    decided = links.reject_match(ctx.sessions, ctx.actor, row.link_id)
    assert decided.status == "rejected" and decided.decided_by == "user"
    assert person_of(ctx, "G-2", "victim") not in (None, original)


def test_undo_a_wrong_automatic_link(ctx):
    original = known_family(ctx)
    feed(
        ctx,
        notification(
            "U-1",
            [
                person("victim", "Hussain", "Amina", "1994-05-02"),
                person("child", "Hussain", "Zara", "2016-01-09"),
            ],
        ),
    )
    assert person_of(ctx, "U-1", "victim") == original
    (row,) = [
        r for r in links.links_of_notification(ctx.sessions, _id(ctx, "U-1")) if r.role == "victim"
    ]
    with pytest.raises(links.LinkError, match="Say why"):
        links.undo_link(ctx.sessions, ctx.actor, row.link_id, " ")
    undone = links.undo_link(ctx.sessions, ctx.actor, row.link_id, "a different Amina")
    assert undone.status == "undone"
    separate = person_of(ctx, "U-1", "victim")
    assert separate not in (None, original)
    with ctx.session() as s:
        household = s.scalar(
            select(Notification.household_id).where(Notification.police_ref == "U-1")
        )
        members = set(
            s.scalars(
                select(HouseholdMember.person_id).where(HouseholdMember.household_id == household)
            )
        )
        # the original Amina is still a member through the earlier notification (OLD-1)
        assert separate in members and original in members
        link = s.get(PersonLink, row.link_id)
        assert link.undone_reason == "a different Amina" and link.undone_at is not None


def _id(ctx, ref: str) -> int:
    with ctx.session() as s:
        return s.scalar(select(Notification.id).where(Notification.police_ref == ref))


def test_same_person_twice_in_one_file_is_one_person(ctx):
    people = [
        person("victim", "Nowak", "Katarzyna", "1988-11-12"),
        person("child", "Nowak", "Ola", "2014-06-06"),
    ]
    feed(
        ctx,
        notification("S-1", people),
        notification("S-2", people, received_at="2026-11-22T08:00:00"),
    )
    assert person_of(ctx, "S-1", "victim") == person_of(ctx, "S-2", "victim")
    with ctx.session() as s:
        n = s.scalar(select(Notification).where(Notification.police_ref == "S-2"))
        assert n.flags["repeat_count"] == 1


def test_scores_and_reasons_in_words():
    def facts(surname, forenames, dob, postcode=None):
        return PersonFacts(
            surname,
            forenames,
            dt.date.fromisoformat(dob) if dob else None,
            None,
            None,
            None,
            None,
            None,
            postcode,
        )

    exact = score(facts("Smith", "Jack", "2000-01-01"), facts("Smith", "Jack", "2000-01-01"))
    assert exact.value == 1.0 and "same date of birth" in exact.reasons
    sound = score(facts("Mohammed", "Ali", "1980-02-02"), facts("Muhammad", "Ali", "1980-02-02"))
    assert sound.value >= 0.92 and any("sound alike" in r for r in sound.reasons)
    father_son = score(facts("Smith", "Jack", "1960-01-01"), facts("Smith", "Jack", "1990-01-01"))
    assert father_son.value < 0.75 and any("different dates" in r for r in father_son.reasons)
    twins = score(facts("Smith", "Jack", "2010-01-01"), facts("Smith", "Ruby", "2010-01-01"))
    assert twins.value < 0.92
    # close spellings but another first letter: sisters more often than a typo
    sisters = score(
        facts("Chowdhury", "Taslima", "1991-08-08", "LS1 1AA"),
        facts("Chowdhury", "Nasima", "1991-08-08", "LS1 1AA"),
    )
    assert 0.75 <= sisters.value < 0.92
    somali = score(facts("Osman", "Cabdi", "1985-03-03"), facts("Osman", "Abdi", "1985-03-03"))
    assert somali.value >= 0.92
    swapped = score(
        facts("Amina", "Hussain", "1994-05-02"), facts("Hussain", "Amina", "1994-05-02")
    )
    assert swapped.value >= 0.92 and "swapped" in swapped.reasons[0]


def test_blocking_never_scans_every_person(ctx):
    known_family(ctx)
    facts = PersonFacts(
        "Hussain",
        "Amina",
        dt.date(1994, 5, 2),
        1994,
        "F",
        "9434765919",
        "12/34A",
        "1 Road",
        "LS9 8AB",
    )
    captured = []

    def spy(conn, cursor, statement, parameters, context, executemany):
        if "JOIN person ON" in statement:
            captured.append((statement, parameters))

    from sqlalchemy import event

    event.listen(ctx.engine, "before_cursor_execute", spy)
    # A file's worth of people too: with hundreds of probe rows the planner may lead with
    # person instead of with the probes.
    many = [
        dataclasses.replace(facts, dob=facts.dob + dt.timedelta(days=n), nhs_number=None)
        for n in range(300)
    ]
    try:
        with ctx.session() as s:
            assert candidate_ids(s, facts)
            assert db_candidates(s, [lookup_keys(block_keys(f)) for f in many])[0]
    finally:
        event.remove(ctx.engine, "before_cursor_execute", spy)
    assert len(captured) >= 5  # one look-up per block kind
    with ctx.engine.connect() as conn:
        for statement, parameters in captured:
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            details = [row[-1] for row in plan]
            assert details and not any(d.startswith("SCAN person") for d in details), details
            assert any(d.startswith("SEARCH person USING") for d in details), details
            # Led by "merged_into_id IS NULL" (true for nearly everyone) a block is a scan
            # in all but name: on the city register an import took minutes.
            assert not any("merged_into_id" in d for d in details), details


def test_blocking_on_postgresql_looks_each_probe_up(pg_app_url):
    """On the server each block is a look-up per probe (a nested loop over the probes, sent as
    one JSON document), never a hash join over a scan of everyone (which the planner picks
    for the date-range block at city scale), and it finds the same people as on the
    embedded file; each block is one statement whose text does not grow with the probes."""
    from sqlalchemy import event

    from frontdoor_app.context import build_context
    from frontdoor_app.settings import load_settings

    ctx = build_context(load_settings(database_url=pg_app_url))
    try:
        victim = known_family(ctx)
        facts = PersonFacts(
            "Hussian", "Amina", dt.date(1994, 5, 12), 1994, "F", None, None, "1 Road", "LS9 8AB"
        )
        captured = []

        def spy(conn, cursor, statement, parameters, context, executemany):
            if "json_to_recordset" in statement and "JOIN LATERAL" in statement:
                captured.append((statement, parameters))

        other = PersonFacts(
            "Hussain", "Tariq", dt.date(1991, 9, 17), 1991, "M", None, None, None, None
        )
        event.listen(ctx.engine, "before_cursor_execute", spy)
        try:
            with ctx.session() as s:
                assert victim in candidate_ids(s, facts)
                found = db_candidates(s, [lookup_keys(block_keys(f)) for f in (facts, other)])
                assert victim in found[0] and found[1] and victim not in found[1]
        finally:
            event.remove(ctx.engine, "before_cursor_execute", spy)
        assert len(captured) >= 5  # one look-up per block kind
        with ctx.engine.begin() as conn:
            # Even a planner told to avoid nested loops (as it does, by cost, for the range
            # block on a city's register) has no other way to run the look-ups.
            conn.exec_driver_sql("SET LOCAL enable_nestloop = off")
            several = 0
            for statement, parameters in captured:
                plan = "\n".join(
                    row[0] for row in conn.exec_driver_sql("EXPLAIN " + statement, parameters)
                )
                assert "Hash" not in plan and "Merge" not in plan, plan
                assert statement.count("%s") == 1  # the probes are one parameter
                if len(json.loads(parameters[0])) >= 2:  # two probes or more: a loop over them
                    several += 1
                    assert plan.startswith("Nested Loop"), plan
            assert several >= 5
    finally:
        ctx.close()
