"""Synthetic minutes as plain data, for the layout tests and the minutes benchmark."""

from __future__ import annotations

import datetime as dt
import random

from frontdoor_app.export.minutes_model import (
    ActionRow,
    AmendmentRow,
    AttendanceRow,
    CaseMinutes,
    EntryRow,
    FgcRow,
    MinutesData,
    PersonRow,
    SharingRow,
)
from frontdoor_app.flags import Flags

AGENCIES = {
    "POL": "West Yorkshire Police",
    "CSWS": "Children's Social Work Service",
    "HLTH": "Health (0-19, midwifery, GP liaison)",
    "HSG": "Housing",
    "PROB": "Probation",
    "DVS": "Domestic violence service / IDVA",
    "AMH": "Adult mental health",
    "DA": "Drug and alcohol service",
    "EDU": "Education",
    "EH": "Early help",
}
SURNAMES = [
    "Walker",
    "Nowak",
    "Kowalski",
    "Ahmed",
    "O'Brien",
    "Łukasiewicz",
    "Nguyễn",
    "Smith",
    "Khan",
    "Brown",
    "Wilson",
    "Taylor",
    "Hussain",
    "Patel",
    "Jones",
]
FORENAMES = ["Zoë", "Lan", "Anna", "Jade", "Aisha", "Kelly", "Maria", "Sarah", "Chloe", "Amira"]
OUTCOMES = [
    "No further action",
    "Information shared with a named agency",
    "Letter to the victim",
    "Referral to the DV service / IDVA",
    "Early help / family hub",
    "Referral to children's social work for assessment",
    "FGC offer",
    "MARAC referral",
]
# Every flag the minutes can show, in the words they show them in.
FLAGS = Flags(
    marac=("visible_high_risk", "potential_escalation"),
    repeat=True,
    under5=True,
    unborn=True,
    no_child=True,
).words()
LOREM = (
    "Officers attended following a call from a neighbour reporting shouting. The victim "
    "disclosed a history of controlling behaviour and two earlier incidents that were not "
    "reported. The children were present in the house and were seen by officers. "
)


def synthetic_minutes(
    cases: int = 60, *, seed: int = 7, day: dt.date = dt.date(2026, 11, 23), deferred: int = 2
) -> MinutesData:
    """A closed meeting with ``cases`` discussed cases, a few deferred, realistic text sizes."""
    rnd = random.Random(seed)
    tz0 = dt.datetime.combine(day, dt.time(9, 30), tzinfo=dt.UTC)
    codes = list(AGENCIES)
    attendance = tuple(
        AttendanceRow(
            code,
            AGENCIES[code],
            f"{rnd.choice(FORENAMES)} {rnd.choice(SURNAMES)}",
            "present" if i < 8 else ("apologies" if i == 8 else "information_sent"),
        )
        for i, code in enumerate(codes)
    )

    def case(n: int, is_deferred: bool = False) -> CaseMinutes:
        surname = rnd.choice(SURNAMES)
        ref = f"1326{n:07d}"
        people = (
            PersonRow("victim", f"{rnd.choice(FORENAMES)} {surname}", str(rnd.randint(19, 50))),
            PersonRow("perpetrator", f"Mark {surname}", str(rnd.randint(19, 55)), "partner"),
            *(
                PersonRow("child", f"Child{k} {surname}", f"{rnd.randint(0, 15)} y", "son")
                for k in range(rnd.randint(0, 3))
            ),
        )
        entries = tuple(
            EntryRow(
                code,
                AGENCIES[code],
                f"Officer {k}",
                LOREM[: rnd.randint(80, len(LOREM))],
                may_minute=k != 3,
                restricted_to="HSG" if k == 2 else None,
                restricted_to_name="Housing" if k == 2 else "",
                at=tz0 + dt.timedelta(minutes=n * 3 + k),
            )
            for k, code in enumerate(rnd.sample(codes, rnd.randint(2, 5)))
        ) + (
            EntryRow(
                "DVS",
                AGENCIES["DVS"],
                "IDVA",
                "Wants support; does not want him back.",
                kind="victim_view",
            ),
            EntryRow(
                "CSWS",
                AGENCIES["CSWS"],
                "SW",
                "Said she hides in her room when it starts.",
                kind="child_voice",
            ),
        )
        actions = tuple(
            ActionRow(
                n,
                ref,
                surname,
                code,
                AGENCIES[code],
                rnd.choice(["", "J. Smith"]),
                f"Contact the family and report back ({k + 1}).",
                day + dt.timedelta(days=rnd.randint(1, 10)),
            )
            for k, code in enumerate(rnd.sample(codes, rnd.randint(1, 4)))
        )
        outcomes = tuple(sorted(set(rnd.sample(OUTCOMES, rnd.randint(1, 3))), key=OUTCOMES.index))
        return CaseMinutes(
            position=n,
            reference=ref,
            household=surname,
            household_reference=f"H{n:06d}",
            locality="Harehills",
            postcode="LS9 7AB",
            police_risk=rnd.choice(["standard", "medium", "high"]),
            dash_yes=rnd.randint(0, 20),
            agreed_risk=None if is_deferred else rnd.choice(["standard", "medium", "high"]),
            flags=tuple(rnd.sample(FLAGS, rnd.randint(0, 3))),
            incident_at=tz0 - dt.timedelta(hours=rnd.randint(4, 60)),
            incident_summary="Verbal altercation \u00b7 Common assault",
            narrative=LOREM * rnd.randint(1, 3),
            officer=f"PC {rnd.randint(1000, 9999)}",
            people=people,
            history=(f"Notification {ref[:-1]}9 on 3 Aug 2026 (DASH medium)",),
            entries=entries,
            sharing=(SharingRow("Health", True, "GP", "Children's welfare."),),
            outcomes=() if is_deferred else outcomes,
            rationale="" if is_deferred else "Risk reviewed against the history; support offered.",
            decided_by="" if is_deferred else "J. Ahmed",
            actions=() if is_deferred else actions,
            fgc=FgcRow("offered", "East FGC team", "locality") if "FGC offer" in outcomes else None,
            amendments=(
                AmendmentRow(
                    tz0 + dt.timedelta(hours=5),
                    "Admin",
                    "Action: due date",
                    "24 Nov",
                    "26 Nov",
                    "Agency asked",
                ),
            )
            if n % 10 == 0
            else (),
            deferred_to=day + dt.timedelta(days=1) if is_deferred else None,
            minutes_spent=None if is_deferred else rnd.randint(5, 15),
        )

    return MinutesData(
        authority="Leeds-like City Council (sample)",
        short_name="Leeds",
        meeting_date=day,
        chair="J. Ahmed",
        status="closed",
        confidentiality_statement="The information shared at this meeting is confidential.",
        opened_at=tz0,
        closed_at=tz0 + dt.timedelta(hours=3),
        confidentiality_read_at=tz0,
        window_start=tz0 - dt.timedelta(hours=24),
        window_end=tz0 - dt.timedelta(minutes=30),
        attendance=attendance,
        cases=tuple(case(n) for n in range(1, cases + 1)),
        deferred=tuple(case(cases + k, True) for k in range(1, deferred + 1)),
        agencies=AGENCIES,
    )
