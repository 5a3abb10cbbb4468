"""What people write in the meeting: intelligence, rationales, actions, status notes."""

from __future__ import annotations

import random

from frontdoor_app.flags import MARAC_CRITERIA, Flags
from frontdoor_app.profile import OutcomeDef, Profile

from .history import GenNotification

_INTEL = {
    "POL": (
        "Two previous call-outs to the address, both verbal arguments. Suspect on bail.",
        "Suspect has a previous conviction for assault on a former partner.",
        "No previous police contact with this family.",
        "Bail conditions: not to contact the victim or attend the address.",
        "Suspect released under investigation; enquiries ongoing.",
    ),
    "CSWS": (
        "Family not known to children's social work.",
        "Closed to social work six months ago after a child and family assessment.",
        "Open to the team; allocated social worker will visit this week.",
        "Previous child protection plan for neglect, ended two years ago.",
    ),
    "HV": (
        "Baby seen at 8 months; two missed development checks since.",
        "Health visitor has no concerns about the children's development.",
        "Mother disclosed low mood at the last contact; referred to the GP.",
    ),
    "MID": (
        "Mother booked at 14 weeks; next antenatal appointment next week.",
        "Routine enquiry about domestic abuse made at booking: no disclosure then.",
        "Missed two antenatal appointments.",
    ),
    "GPL": (
        "GP records show anxiety and depression for the victim.",
        "No safeguarding flags on the GP record.",
    ),
    "HSG": (
        "Council tenancy; rent arrears of about £600.",
        "Tenancy at risk after repeated complaints of noise from neighbours.",
        "Victim has asked for a move; sanctuary scheme discussed.",
    ),
    "PROB": (
        "Suspect on licence until next spring; probation officer informed.",
        "Not known to probation.",
    ),
    "DVS": (
        "Victim engaged with the IDVA last year, then disengaged.",
        "Victim not known to the DV service.",
        "Safety plan in place from a previous referral.",
    ),
    "AMH": ("Suspect known to the community mental health team; last seen in the summer.",),
    "DA": (
        "Suspect in treatment for alcohol use; attendance is patchy.",
        "Not known to the drug and alcohol service.",
    ),
    "EDU": (
        "Attendance 87% this term; school has no current concerns.",
        "Child told a teacher there was shouting at home; logged on the school system.",
        "Child is on the SEN register; school will offer a key adult.",
    ),
    "YJS": ("Young person known to youth justice for a previous assault.",),
    "EH": (
        "Family worked with the family hub last year on routines and school attendance.",
        "Not known to early help.",
    ),
    "ASC": ("Grandparent in the household has a care package.",),
    "FGCS": ("FGC held last year; the family plan has lapsed.",),
}
_VICTIM_VIEW = (
    "Victim says she wants support but does not want the suspect prosecuted.",
    "Victim wants the suspect to leave and has asked about an injunction.",
    "Victim says things are better now and does not want contact.",
)
_CHILD_VOICE = (
    'Child said: "I hide under the bed when they shout."',
    "Child told school she is worried about her mum.",
    "Child says he likes it better when dad is not there.",
)


def agencies_with_something(
    rng: random.Random, note: GenNotification, agencies: dict[str, int]
) -> list[str]:
    """The agencies that add intelligence on this case (police always summarise)."""
    flags = Flags.read(note.flags)
    wanted = ["POL", "CSWS"]
    if flags.under5:
        wanted.append("HV")
    if flags.unborn:
        wanted.append("MID")
    if not flags.no_child and rng.random() < 0.6:
        wanted.append("EDU")
    wanted += [
        code for code in ("DVS", "HSG", "PROB", "GPL", "DA", "AMH", "EH") if rng.random() < 0.18
    ]
    chosen = [code for code in wanted if code in agencies]
    return chosen or [next(iter(agencies))]


def intelligence(rng: random.Random, code: str, kind: str, note: GenNotification) -> str:
    if kind == "victim_view":
        return rng.choice(_VICTIM_VIEW)
    if kind == "child_voice":
        return rng.choice(_CHILD_VOICE)
    return rng.choice(_INTEL.get(code, ("Known to the agency; details shared in the room.",)))


def rationale(rng: random.Random, note: GenNotification, codes: list[str]) -> str:
    flags = Flags.read(note.flags)
    parts = [f"DASH {note.grade}"]
    if note.dash_yes is not None:
        parts[0] += f" ({note.dash_yes} yes)"
    if flags.marac:
        parts.append(
            "MARAC criteria met: " + ", ".join(MARAC_CRITERIA.get(c, c) for c in flags.marac)
        )
    if flags.repeat:
        parts.append("repeat family")
    if flags.under5:
        parts.append("child under five")
    if flags.unborn:
        parts.append("unborn baby")
    parts.append(
        rng.choice(
            (
                "Agencies agree the plan below.",
                "Victim's view considered.",
                "Proportionate response agreed by the meeting.",
            )
        )
    )
    return "; ".join(parts[:-1]) + ". " + parts[-1]


def raise_reason(rng: random.Random) -> str:
    return rng.choice(
        (
            "health intelligence shows missed appointments for a baby.",
            "the suspect's history with former partners.",
            "escalation over the last three incidents.",
        )
    )


def lower_reason(rng: random.Random) -> str:
    return rng.choice(
        (
            "the suspect has moved out of the area and has no contact.",
            "a protective order is in place and has been kept for months.",
            "the incident was a one-off argument; no history with any agency.",
        )
    )


def not_shared_reason(rng: random.Random) -> str:
    return rng.choice(
        (
            "Health information about a third party; consent not given.",
            "Live police investigation: sharing could prejudice it.",
            "Held by the agency; shared only with the social worker.",
        )
    )


# Who the meeting names when it shares information (agency codes of the sample profile),
# and what it writes beside two outcomes that ask a question but do not need an answer.
_SHARED_WITH = ("HV", "EDU", "GPL", "MID", "EH", "HSG")
_OPTIONAL_DETAILS = {
    "PERP": ("Caring Dads", "Building Better Relationships", "Respect Young People's Programme"),
    "POLACT": (
        "Welfare check at the address within 24 hours.",
        "Domestic Violence Protection Notice applied for.",
        "Suspect to be arrested for breach of bail conditions.",
    ),
}


def outcome_detail(rng: random.Random, profile: Profile, outcome: OutcomeDef) -> str | None:
    """What the chair wrote beside ``outcome``: always when the profile needs an answer
    (the agency information was shared with), else sometimes, else nothing."""
    if outcome.detail_required:
        names = {a.code: a.name for a in profile.agencies}
        known = [names[c] for c in _SHARED_WITH if c in names] or sorted(names.values())
        return rng.choice(known)
    written = _OPTIONAL_DETAILS.get(outcome.code) if outcome.detail_prompt else None
    return rng.choice(written) if written and rng.random() < 0.6 else None


_ACTIONS = {
    "INFO": ("HV", "Share the notification with the health visitor and school nurse."),
    "LETTER": ("DVS", "Send the victim a letter with support options and helpline numbers."),
    "IDVA": ("DVS", "Contact the victim within two working days and offer IDVA support."),
    "PERP": ("PROB", "Refer the suspect to the perpetrator programme."),
    "EH": ("EH", "Family hub worker to contact the family and offer early help."),
    "CSWS": ("CSWS", "Allocate for a child and family assessment."),
    "STRAT": ("CSWS", "Convene a strategy discussion with police and health today."),
    "ICPC": ("CSWS", "Arrange an initial child protection conference."),
    "MARAC": ("DVS", "Complete the MARAC referral form and send it to the coordinator."),
    "FGC": ("FGCS", "Offer a Family Group Conference and seek the victim's consent."),
    "HSG": ("HSG", "Review the tenancy and discuss the sanctuary scheme with the victim."),
    "CLARE": ("POL", "Consider a Clare's Law right-to-know disclosure to the victim."),
    "POLACT": ("POL", "Review bail conditions and progress the investigation."),
}


def action_for(
    rng: random.Random, code: str, note: GenNotification, agencies: dict[str, int]
) -> tuple[str, str] | None:
    """(owning agency code, description) for an outcome, or None (no further action)."""
    if code == "NFA":
        return None
    agency, description = _ACTIONS.get(code, ("", "Agency to follow up as agreed in the meeting."))
    if code == "INFO" and not Flags.read(note.flags).no_child and rng.random() < 0.5:
        agency, description = "EDU", "Tell the school's designated safeguarding lead."
    if agency not in agencies:
        agency = sorted(agencies)[rng.randrange(len(agencies))]
    return agency, description


def status_note(rng: random.Random, status: str) -> str:
    if status == "done":
        return rng.choice(("Done.", "Completed; victim contacted.", "Done and recorded."))
    if status == "not_possible":
        return rng.choice(
            (
                "Not possible — circumstances changed: family moved out of area.",
                "Not possible — circumstances changed: victim declined contact.",
            )
        )
    return "Not done by agency: no capacity this week; escalated to the team manager."
