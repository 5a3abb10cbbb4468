"""The FGC referral for the FGC team: a pure function from ``ReferralData`` to PDF bytes.

Household and children, the reason for referral, consent (who, when, how), the invite
list with the three answers for the person who harmed, the safeguards (and what is still
missing), the risks and the referrer. Same page furniture, marking and escaping as the
minutes (``document``, ``styles``, ``text``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from reportlab.platypus import Flowable

from . import formatting as fmt
from .document import Bookmark, DocumentInfo, build
from .styles import styles
from .tables import facts_table, grid_table
from .text import join, para

TITLE = "Family Group Conference \u2014 referral"


@dataclass(frozen=True)
class PersonLine:
    name: str
    role: str  # victim | perpetrator | child | other_adult
    dob: dt.date | None = None
    age_text: str = ""  # e.g. "6 y", "8 mo", "unborn"


@dataclass(frozen=True)
class ConsentLine:
    kind_words: str
    person_name: str
    how: str
    at: dt.datetime
    recorded_by: str
    withdrawn_at: dt.datetime | None = None


@dataclass(frozen=True)
class InviteLine:
    name: str
    relationship: str | None
    approved_by_victim: bool
    is_person_who_harmed: bool = False
    victim_requested: bool = False
    acknowledges_abuse: bool = False
    willing_to_address: bool = False


@dataclass(frozen=True)
class SafeguardLine:
    words: str
    recorded_by: str
    at: dt.datetime
    note: str | None = None


@dataclass(frozen=True)
class ReferralData:
    """Everything the referral prints, as plain data (loaded by ``fgc.document``)."""

    authority: str
    short_name: str
    protective_marking: str
    timezone: str
    referral_id: int
    household_reference: str
    address: str | None
    postcode: str | None
    team_name: str | None
    team_contact: str | None
    routing: str  # the routing in words
    stage_words: str
    people: tuple[PersonLine, ...]
    reason_for_referral: str | None
    meeting_date: dt.date | None
    offered_at: dt.datetime | None
    consents: tuple[ConsentLine, ...]
    invitees: tuple[InviteLine, ...]
    safeguards: tuple[SafeguardLine, ...]
    gate_missing: tuple[str, ...]
    police_risk: str | None
    dash_yes: int | None
    agreed_risk: str | None
    risk_factors: tuple[str, ...]  # e.g. "weapon used", "pregnancy", "MARAC: visible high risk"
    referrer: str | None
    coordinator: str | None = None
    coordinator_match_request: str | None = None
    conference_date: dt.date | None = None


def referral_reference(data: ReferralData) -> str:
    """The reference printed on every page, e.g. ``LEEDSSAMPL-FGC-000012``."""
    short = re.sub(r"[^A-Z0-9]+", "", (data.short_name or data.authority).upper())[:10] or "FD"
    return f"{short}-FGC-{data.referral_id:06d}"


def render_referral(
    data: ReferralData, *, generated_at: dt.datetime, invariant: bool = False
) -> bytes:
    """The referral as PDF bytes."""
    s = styles()
    tz = data.timezone
    story: list[Flowable] = [
        Bookmark("referral", "Referral"),
        para(data.authority, s.title),
        para(
            f"Family Group Conference referral \u2014 household {data.household_reference}",
            s.subtitle,
        ),
        facts_table(
            [
                (
                    "To",
                    join([data.team_name or "Route by hand: no FGC team yet", data.team_contact]),
                ),
                ("Routing", data.routing),
                ("Stage", data.stage_words),
                ("Offered", fmt.date_time(data.offered_at, tz)),
                (
                    "Front door meeting",
                    fmt.long_date(data.meeting_date) if data.meeting_date else "\u2014",
                ),
                ("Referrer", data.referrer or "\u2014"),
                ("Coordinator", _coordinator(data)),
                ("Conference", fmt.short_date(data.conference_date)),
                ("Produced", fmt.date_time(generated_at, tz)),
            ]
        ),
    ]
    if data.gate_missing:
        story.append(
            para(
                "The domestic abuse safeguards are not all in place yet; see "
                "“Still missing” under Safeguards.",
                s.note,
            )
        )
    story += _household(data)
    story.append(para("Reason for referral", s.h2))
    story.append(para(data.reason_for_referral or "\u2014", s.body))
    story += _risks(data)
    story += _consents(data, tz)
    story += _invitees(data)
    story += _safeguards(data, tz)
    story.append(
        para(
            "An FGC is voluntary: a refusal is not non-cooperation. The person who "
            "harmed attends only if the victim asks for it, they acknowledge the abuse "
            "and they are willing to address it. The coordinator may suspend or stop the "
            "process at any time.",
            s.muted,
        )
    )
    info = DocumentInfo(
        title=TITLE,
        author=data.authority,
        subject=f"FGC referral for household {data.household_reference}",
        reference=referral_reference(data),
        date_text=fmt.long_date(fmt.local(generated_at, tz).date()),  # type: ignore[union-attr]
        marking=data.protective_marking,
        keywords=("FGC", "referral", "domestic abuse", data.protective_marking),
        invariant=invariant,
        header_note=data.team_name or "",
    )
    return build(story, info).data


def _coordinator(data: ReferralData) -> str:
    if not data.coordinator:
        return "not yet allocated"
    if data.coordinator_match_request:
        return f"{data.coordinator} (match wished for: {data.coordinator_match_request})"
    return data.coordinator


def _household(data: ReferralData) -> list[Flowable]:
    s = styles()
    out: list[Flowable] = [
        para("Household", s.h2),
        para(join([data.address, data.postcode]) or "\u2014", s.body),
    ]
    if data.people:
        rows = [
            [
                p.name,
                fmt.ROLE_WORDS.get(p.role, p.role),
                fmt.short_date(p.dob) if p.dob else "",
                p.age_text,
            ]
            for p in data.people
        ]
        out.append(grid_table(["Name", "Role", "Date of birth", "Age"], rows, [5, 3, 2.5, 1.5]))
    children = [p for p in data.people if p.role == "child"]
    unborn = " (including an unborn child)" if any(p.age_text == "unborn" for p in children) else ""
    out.append(para(f"Children: {len(children)}{unborn}", s.small))
    return out


def _risks(data: ReferralData) -> list[Flowable]:
    s = styles()
    dash = fmt.risk(data.police_risk)
    if data.dash_yes is not None:
        dash += f" (DASH {data.dash_yes} yes)"
    out: list[Flowable] = [
        para("Risks", s.h2),
        facts_table(
            [
                ("Police grading", dash),
                ("Agreed by the meeting", fmt.risk(data.agreed_risk)),
                ("Risk factors", "; ".join(data.risk_factors) or "none recorded"),
            ]
        ),
    ]
    return out


def _yes(value: bool) -> str:
    return "\u2713 yes" if value else "\u2717 no"


def _consents(data: ReferralData, tz: str) -> list[Flowable]:
    s = styles()
    out: list[Flowable] = [para("Consent", s.h2)]
    if not data.consents:
        out.append(
            para(
                "No consent is recorded: nothing is arranged without the victim's consent.", s.note
            )
        )
        return out
    rows = [
        [
            c.kind_words,
            c.person_name,
            c.how,
            fmt.date_time(c.at, tz),
            c.recorded_by,
            f"withdrawn {fmt.date_time(c.withdrawn_at, tz)}" if c.withdrawn_at else "in force",
        ]
        for c in data.consents
    ]
    out.append(
        grid_table(
            ["Consent", "Who", "How", "When", "Recorded by", "Status"],
            rows,
            [3.2, 2.5, 2.5, 2.2, 2.2, 1.8],
        )
    )
    return out


def _invitees(data: ReferralData) -> list[Flowable]:
    s = styles()
    out: list[Flowable] = [para("Invite list (decided by the victim)", s.h2)]
    if not data.invitees:
        out.append(para("No one is on the invite list yet.", s.muted))
        return out
    rows = []
    for i in data.invitees:
        harmed = (
            (
                f"Person who harmed \u2014 victim asked: {_yes(i.victim_requested)}; "
                f"acknowledges the abuse: {_yes(i.acknowledges_abuse)}; willing to address "
                f"it: {_yes(i.willing_to_address)}"
            )
            if i.is_person_who_harmed
            else ""
        )
        rows.append([i.name, i.relationship or "", _yes(i.approved_by_victim), harmed])
    out.append(
        grid_table(
            ["Name", "Relationship", "Approved by the victim", "Notes"], rows, [3, 2.5, 2, 5]
        )
    )
    return out


def _safeguards(data: ReferralData, tz: str) -> list[Flowable]:
    s = styles()
    out: list[Flowable] = [para("Safeguards", s.h2)]
    if data.safeguards:
        rows = [
            [g.words, g.recorded_by, fmt.date_time(g.at, tz), g.note or ""] for g in data.safeguards
        ]
        out.append(grid_table(["Safeguard", "Recorded by", "When", "Note"], rows, [4, 2.5, 2.2, 4]))
    else:
        out.append(para("No safeguard is recorded yet.", s.muted))
    if data.gate_missing:
        # One line each: a name in Arabic script never sits beside list punctuation.
        out.append(para("Still missing", s.h3))
        out += [para(item, s.body, prefix="• ") for item in data.gate_missing]
    return out
