"""A closed meeting built through the models, for the minutes tests (not a test module)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from frontdoor_app.context import AppContext
from frontdoor_app.models import (
    Action,
    Agency,
    AgendaItem,
    Amendment,
    Attendance,
    Decision,
    DecisionOutcome,
    FgcReferral,
    FgcTeam,
    Household,
    IntelligenceEntry,
    Meeting,
    Notification,
    NotificationPerson,
    OutcomeCode,
)

DAY = dt.date(2026, 11, 23)
HOSTILE = '<b>Ann & "Bob"</b>'
ARABIC_NAME = ("محمد", "علي")  # forenames, surname
URDU_NAME = ("عمران خان", "صدیقی")
RESTRICTED_TEXT = "Tenancy at risk: rent arrears (HSG ONLY)"
NOT_MINUTED_TEXT = "Unminuted police intelligence"


@dataclass(frozen=True)
class BuiltMeeting:
    meeting_id: int
    refs: tuple[str, ...]
    actions: tuple[str, ...]
    deferred_ref: str


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


CASES = [
    # ref, dash, victim (forenames, surname), perpetrator, children [(name, dob)]
    (
        "13260450001",
        "high",
        ("Zoë", "Łukasiewicz"),
        ("Piotr", "Łukasiewicz"),
        [("Ola", dt.date(2024, 3, 1))],
    ),
    (
        "13260450002",
        "medium",
        ("Thị Lan", "Nguyễn"),
        ("Văn Minh", "Trần"),
        [("Anh", dt.date(2019, 5, 2))],
    ),
    ("13260450003", "high", ARABIC_NAME, ("Ahmed", "Hassan"), [("Sara", dt.date(2016, 1, 9))]),
    ("13260450004", "standard", URDU_NAME, ("Bilal", "Akhtar"), []),
    ("13260450005", "medium", ("Ann", HOSTILE), ("Bob", "O'Brien & Sons <script>"), []),
]
DEFERRED = ("13260450099", "standard", ("Kelly", "Walker"), ("Dean", "Walker"), [])


def build_closed_meeting(
    ctx: AppContext, status: str = "closed", day: dt.date = DAY
) -> BuiltMeeting:
    """A meeting with five discussed cases (Unicode and hostile names) and one deferred."""
    with ctx.session() as s:
        agency = {a.code: a.id for a in s.scalars(select(Agency))}
        outcome = {o.code: o.id for o in s.scalars(select(OutcomeCode))}
        team = s.scalar(select(FgcTeam.id).where(FgcTeam.code == "FGC-EN"))
        meeting = Meeting(
            meeting_date=day,
            chair_id=ctx.actor.user_id,
            status=status,
            opened_at=at(9, 30, day),
            closed_at=at(11, 45, day) if status == "closed" else None,
            confidentiality_read_at=at(9, 31, day),
            window_start=at(9, 0, day) - dt.timedelta(days=1),
            window_end=at(9, 0, day),
        )
        tomorrow = Meeting(
            meeting_date=day + dt.timedelta(days=1),
            status="planned",
            window_start=at(9, 0, day),
            window_end=at(9, 0, day) + dt.timedelta(days=1),
        )
        s.add_all([meeting, tomorrow])
        s.flush()
        for code, name, status_ in (
            ("POL", "PC Jane Doe", "present"),
            ("HSG", "Sam Leigh", "present"),
            ("CSWS", "Nguyễn Thị Lan", "present"),
            ("HV", "Zoë Brown", "apologies"),
            ("DVS", "IDVA team", "information_sent"),
        ):
            s.add(
                Attendance(
                    meeting_id=meeting.id, agency_id=agency[code], person_name=name, status=status_
                )
            )
        refs, actions = [], []
        for position, (ref, dash, victim, perp, children) in enumerate([*CASES, DEFERRED], start=1):
            hh = Household(reference=f"HH-{ref[-4:]}", address="1 Test Street", postcode="LS9 7AB")
            s.add(hh)
            s.flush()
            n = Notification(
                police_ref=ref,
                received_at=at(2, position, day),
                incident_at=at(1, position, day),
                incident_type="domestic_incident",
                offence="Common assault",
                dash_risk=dash,
                dash_yes=15 if dash == "high" else 4,
                address="1 Test Street",
                postcode="LS9 7AB",
                household_id=hh.id,
                raw_record={},
                content_hash=ref,
                officer="PC 4711",
                narrative=f"Narrative for {victim[1]}: shouting heard. " * 3,
            )
            s.add(n)
            s.flush()
            people = [
                ("victim", victim, None),
                ("perpetrator", perp, None),
                *(("child", (c[0], victim[1]), c[1]) for c in children),
            ]
            for role, (fore, sur), dob in people:
                s.add(
                    NotificationPerson(
                        notification_id=n.id,
                        role=role,
                        role_as_sent=role,
                        surname=sur,
                        forenames=fore,
                        dob=dob,
                        raw_fields={},
                    )
                )
            deferred = ref == DEFERRED[0]
            item = AgendaItem(
                meeting_id=meeting.id,
                notification_id=n.id,
                household_id=hh.id,
                position=position,
                status="deferred" if deferred else "discussed",
                deferred_to_meeting_id=tomorrow.id if deferred else None,
                flags={
                    "marac": ["visible_high_risk"] if dash == "high" else [],
                    "repeat": position == 2,
                    "repeat_count": 1 if position == 2 else 0,
                    "under5": bool(children and children[0][1].year >= 2022),
                    "no_child": not children,
                    "children": len(children),
                },
                seconds_spent=600,
            )
            s.add(item)
            s.flush()
            if deferred:
                continue
            refs.append(ref)
            s.add_all(
                [
                    IntelligenceEntry(
                        agenda_item_id=item.id,
                        agency_id=agency["POL"],
                        author_name="PC Jane Doe",
                        text=f"Police entry for {ref}: bail conditions, no contact.",
                        may_share_beyond_meeting=True,
                    ),
                    IntelligenceEntry(
                        agenda_item_id=item.id,
                        agency_id=agency["HSG"],
                        author_name="Sam Leigh",
                        text=RESTRICTED_TEXT,
                        may_share_beyond_meeting=True,
                        restricted_to_agency_id=agency["HSG"],
                    ),
                    IntelligenceEntry(
                        agenda_item_id=item.id,
                        agency_id=agency["POL"],
                        author_name="DS Grey",
                        text=NOT_MINUTED_TEXT,
                        may_share_beyond_meeting=False,
                    ),
                    IntelligenceEntry(
                        agenda_item_id=item.id,
                        agency_id=agency["DVS"],
                        author_name="IDVA",
                        kind="victim_view",
                        may_share_beyond_meeting=True,
                        text=f"{victim[0]} wants support and to stay at home.",
                    ),
                ]
            )
            decision = Decision(
                agenda_item_id=item.id,
                agreed_risk=dash,
                rationale=f"Rationale for {ref}: history considered.",
                decided_by_id=ctx.actor.user_id,
            )
            decision.outcomes = [
                DecisionOutcome(outcome_code_id=outcome["IDVA"]),
                DecisionOutcome(outcome_code_id=outcome["FGC"]),
            ]
            s.add(decision)
            for code, text in (
                ("POL", f"Check bail for {ref}"),
                ("HSG", f"Housing visit {ref}"),
                ("CSWS", f"Social work contact {ref}"),
            ):
                s.add(
                    Action(
                        agenda_item_id=item.id,
                        owner_agency_id=agency[code],
                        owner_name=victim[0],
                        description=text,
                        due_date=day + dt.timedelta(days=position),
                    )
                )
                actions.append(text)
            s.add(
                FgcReferral(
                    household_id=hh.id,
                    origin_agenda_item_id=item.id,
                    team_id=team,
                    routed_how="locality",
                    stage="offered",
                )
            )
        s.flush()
        first_action = s.scalar(select(Action.id).order_by(Action.id))
        s.add(
            Amendment(
                meeting_id=meeting.id,
                entity="action",
                entity_id=first_action,
                field="due_date",
                before="2026-11-24",
                after="2026-11-26",
                by_name="Admin Person",
                at=at(14, 0, day),
                reason="Agency asked for more time",
            )
        )
        return BuiltMeeting(meeting.id, tuple(refs), tuple(actions), DEFERRED[0])
