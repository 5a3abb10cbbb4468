"""The database holds the line too (issue 13, point 5): each forbidden state written
directly through SQL, past the application, is refused on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from frontdoor_app.models.database import make_engine, upgrade

NOW = "2026-11-23 10:00:00.000000"


def _seed(conn) -> None:
    conn.execute(
        text(
            "INSERT INTO person (id, surname, forenames, birth_year_estimated, "
            "surname_key, surname_phonetic, forename_key, forename_initial, version, "
            "created_at, updated_at) VALUES (1, 'Kowalski', 'Anna', false, 'kowalski', "
            "'K420', 'anna', 'a', 1, :t, :t)"
        ),
        {"t": NOW},
    )
    _referral(conn, 1, "offered", True)


def _referral(conn, rid: int, stage: str, is_open: bool, date: str | None = None) -> None:
    """A referral in a household of its own (one open referral per household)."""
    conn.execute(
        text(
            "INSERT INTO household (id, reference, version, created_at, updated_at) "
            "VALUES (:id, :ref, 1, :t, :t)"
        ),
        {"id": rid, "ref": f"H{rid}", "t": NOW},
    )
    conn.execute(
        text(
            "INSERT INTO fgc_referral (id, household_id, routed_how, stage, is_open, conference_date, "
            "version, created_at, updated_at) VALUES (:id, :id, 'unrouted', :stage, :open, :date, 1, "
            ":t, :t)"
        ),
        {"id": rid, "stage": stage, "open": is_open, "date": date, "t": NOW},
    )


def _consent(conn, name: str, how: str, by: str) -> None:
    conn.execute(
        text(
            "INSERT INTO fgc_consent (referral_id, person_id, person_name, kind, how, recorded_by, at) "
            "VALUES (1, 1, :n, 'victim', :h, :b, :t)"
        ),
        {"n": name, "h": how, "b": by, "t": NOW},
    )


def _safeguard(conn, kind: str, note: str | None) -> None:
    conn.execute(
        text(
            "INSERT INTO fgc_safeguard (referral_id, kind, recorded_by, at, note) "
            "VALUES (1, :k, 'Sam', :t, :n)"
        ),
        {"k": kind, "n": note, "t": NOW},
    )


FORBIDDEN = {
    "unknown stage": (lambda c: _referral(c, 2, "on_hold", True), "stage"),
    "open but closed": (lambda c: _referral(c, 2, "declined", True), "open_agrees_with_stage"),
    "ended but open": (lambda c: _referral(c, 2, "preparation", False), "open_agrees_with_stage"),
    "held without a date": (lambda c: _referral(c, 2, "conference_held", True), "held_has_date"),
    "review without a date": (lambda c: _referral(c, 2, "review", True), "held_has_date"),
    "moved to held in place": (
        lambda c: c.execute(text("UPDATE fgc_referral SET stage = 'conference_held' WHERE id = 1")),
        "held_has_date",
    ),
    "consent with no name": (lambda c: _consent(c, "  ", "in person", "Sam"), "filled"),
    "consent with no how": (lambda c: _consent(c, "Anna", "", "Sam"), "filled"),
    "consent with no recorder": (lambda c: _consent(c, "Anna", "phone", " "), "filled"),
    "safety plan with no note": (lambda c: _safeguard(c, "safety_plan", None), "safety_plan_note"),
    "safety plan with a blank note": (
        lambda c: _safeguard(c, "safety_plan", "   "),
        "safety_plan_note",
    ),
    "unknown role": (
        lambda c: c.execute(
            text(
                "INSERT INTO app_user (login, display_name, role, active, version, created_at, "
                "updated_at) VALUES ('x', 'X', 'fgc_boss', true, 1, :t, :t)"
            ),
            {"t": NOW},
        ),
        "role",
    ),
    "victim decision given how nobody knows": (
        lambda c: c.execute(
            text(
                "INSERT INTO fgc_victim_decision (referral_id, invitee_id, victim_person_id, kind, how, "
                "given_at, recorded_by, recorded_at) VALUES (1, 1, 1, 'approve_invitee', 'telepathy', "
                ":t, 'Sam', :t)"
            ),
            {"t": NOW},
        ),
        "how",
    ),
}


@pytest.mark.parametrize("state", list(FORBIDDEN))
def test_each_forbidden_state_is_refused_by_the_database(any_db_url, state):
    write, check = FORBIDDEN[state]
    engine = make_engine(any_db_url)
    try:
        upgrade(engine)
        with engine.begin() as conn:
            _seed(conn)
            conn.execute(
                text(
                    "INSERT INTO fgc_invitee (id, referral_id, name, "
                    "is_person_who_harmed, version) VALUES (1, 1, 'Ewa', false, 1)"
                )
            )
        with pytest.raises(IntegrityError) as err, engine.begin() as conn:
            write(conn)
        assert check in str(err.value), str(err.value)
        # What is allowed still goes in (the CHECKs are not simply refusing everything).
        with engine.begin() as conn:
            _referral(conn, 3, "conference_held", True, "2026-11-20")
            _referral(conn, 4, "declined", False)
            _consent(conn, "Anna Kowalski", "in person", "Sam")
            _safeguard(conn, "safety_plan", "IDVA holds it")
            conn.execute(
                text(
                    "INSERT INTO app_user (login, display_name, role, active, version, created_at, "
                    "updated_at) VALUES ('c', 'C', 'fgc_coordinator', true, 1, :t, :t)"
                ),
                {"t": NOW},
            )
    finally:
        engine.dispose()
