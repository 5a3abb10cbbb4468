"""A morning's police feed: new families and known ones, as JSON objects or the CSV file."""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdoor_app.context import AppContext
from frontdoor_app.intake.agenda import build_agenda
from frontdoor_app.intake.importer import ImportSummary, import_file
from frontdoor_app.models import Household, HouseholdMember, Notification, Person, utcnow
from frontdoor_app.profile import NOTIFICATION_FIELDS, PERSON_FIELDS, Profile, load_profile

from .history import notification_for
from .incidents import LONDON, police_ref
from .meetings import cutoff
from .places import Address, Places
from .population import GenHousehold, GenPerson, IdSource, PopulationMaker

CSV_COLUMNS = NOTIFICATION_FIELDS + PERSON_FIELDS
_PLACEHOLDER_IDS = 10**12  # people of a feed are not in the database: ids only tell them apart


def window(profile: Profile, received_on: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The meeting window of ``received_on``: since the previous cut-off (Monday: the weekend)."""
    hours = (
        profile.meeting.window_hours_monday
        if received_on.weekday() == 0
        else profile.meeting.window_hours_weekday
    )
    end = cutoff(profile, received_on)
    return end - dt.timedelta(hours=hours), end


def receipt_times(
    rng: random.Random,
    profile: Profile,
    received_on: dt.date,
    count: int,
    until: dt.datetime | None = None,
) -> list[dt.datetime]:
    """When each notification reached the front door, in the meeting's window (before ``until``)."""
    start, end = window(profile, received_on)
    if until is not None and start + dt.timedelta(hours=1) < until < end:
        end = until
    span = int((end - start).total_seconds()) - 120
    return sorted(start + dt.timedelta(seconds=60 + rng.randrange(span)) for _ in range(count))


def fresh_refs(session: Session, rng: random.Random, year: int, count: int) -> list[str]:
    """``count`` police references not yet in the database (nor repeated)."""
    refs: list[str] = []
    seq = 8_000_000 + rng.randrange(1_500_000)
    while len(refs) < count:
        batch = [police_ref(year, seq + n) for n in range(count - len(refs))]
        seq += len(batch)
        known = set(
            session.scalars(
                select(Notification.police_ref).where(Notification.police_ref.in_(batch))
            )
        )
        refs += [r for r in batch if r not in known]
    return refs


def person_taken(session: Session) -> Any:
    """A check that nobody with this surname, forenames and date of birth is known yet."""

    def taken(surname: str, forenames: str, dob: dt.date | None) -> bool:
        query = (
            select(Person.id)
            .where(Person.surname == surname, Person.forenames == forenames, Person.dob == dob)
            .limit(1)
        )
        return session.scalar(query) is not None

    return taken


def known_household(
    session: Session, household_id: int, places: Places, day: dt.date
) -> GenHousehold | None:
    """A household from the database, as the generator's plain objects (None when unusable)."""
    household = session.get(Household, household_id)
    if household is None:
        return None
    rows = session.execute(
        select(HouseholdMember.role, Person)
        .join(Person, Person.id == HouseholdMember.person_id)
        .where(
            HouseholdMember.household_id == household_id,
            HouseholdMember.to_date.is_(None),
            Person.merged_into_id.is_(None),
        )
        .order_by(HouseholdMember.id)
    ).all()
    people: dict[str, list[GenPerson]] = {}
    for role, p in rows:
        people.setdefault(role, []).append(
            GenPerson(
                p.id,
                p.surname,
                p.forenames or "",
                p.dob,
                p.gender or "F",
                p.birth_year,
                p.nhs_number,
                p.pnc_id,
                p.school,
            )
        )
    if not people.get("victim") or not people.get("perpetrator"):
        return None
    postcode = household.postcode or ""
    district = postcode.split(" ")[0]
    locality = places.profile.locality_for_district(district) if district else None
    address = Address(
        household.address or "", postcode, district, locality.code if locality else None
    )
    perpetrator = people["perpetrator"][-1]
    return GenHousehold(
        household.id,
        household.reference,
        address,
        people["victim"][0],
        perpetrator,
        people.get("child", []),
        people.get("other_adult", []),
        child_perpetrator=(perpetrator.age_on(day) or 99) < 18,
    )


def make_feed(
    session: Session,
    seed: int,
    count: int,
    received_on: dt.date,
    profile: Profile | None = None,
    known_share: float = 0.4,
    until: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """A normal morning's feed of ``count`` notifications: new families and known ones.

    ``until`` (a UTC instant) ends the window early: a demo built at 07:00 has no
    notification "received" at 08:30.
    """
    profile = profile or load_profile()
    rng = random.Random(f"{seed}/feed/{received_on.isoformat()}")
    places = Places(profile)
    maker = PopulationMaker(rng, places, IdSource(_PLACEHOLDER_IDS), person_taken(session))
    highest = session.scalar(select(func.max(Household.id))) or 0
    times = receipt_times(rng, profile, received_on, count, until)
    refs = fresh_refs(session, rng, received_on.year, count)
    out: list[dict[str, Any]] = []
    for n, received in enumerate(times):
        household = None
        number = 0
        if highest and rng.random() < known_share:
            household = known_household(session, rng.randrange(1, highest + 1), places, received_on)
            number = 1
        if household is None:
            household = maker.household(_PLACEHOLDER_IDS + n, received.astimezone(LONDON).date())
        note = notification_for(rng, household, received.date(), number, None, received=received)
        assert note is not None
        note.raw["police_ref"] = refs[n]
        out.append(note.raw)
    return out


def write_csv(notifications: Sequence[dict[str, Any]], path: Path) -> Path:
    """The feed as the format's CSV: one row per person, every column, RFC 4180 quoting."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(CSV_COLUMNS)
        for obj in notifications:
            head = [_cell(obj.get(f)) for f in NOTIFICATION_FIELDS]
            for person in obj.get("persons", []):
                writer.writerow(head + [_cell(person.get(f)) for f in PERSON_FIELDS])
    return path


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def bring_in(
    ctx: AppContext,
    path: Path,
    today: dt.date,
    before_agenda: Callable[[], None] | None = None,
    before_import: Callable[[], None] | None = None,
) -> tuple[ImportSummary, int]:
    """Import the feed file through the real importer, then build today's agenda."""
    _start, end = window(ctx.profile, today)
    # The importer refuses times in the future: a demo dated ahead of the clock is allowed.
    now = max(utcnow(), end + dt.timedelta(minutes=1))
    if before_import is not None:
        before_import()
    summary = import_file(ctx.sessions, ctx.profile, ctx.actor, path, now=now)
    if before_agenda is not None:
        before_agenda()
    meeting_id = build_agenda(ctx.sessions, ctx.profile, ctx.actor, today)
    return summary, meeting_id
