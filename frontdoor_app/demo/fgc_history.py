"""Coded outcomes for a case, and Family Group Conference referrals at every stage."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from frontdoor_app.flags import Flags
from frontdoor_app.models.fgc import FGC_ENDED_STAGES, FGC_STAGES
from frontdoor_app.profile import Profile

from .history import GenNotification
from .records import RefIds, Rows

_HIGH = ("IDVA", "CSWS", "STRAT", "POLACT", "CLARE", "ICPC", "HSG")
_MEDIUM = ("IDVA", "EH", "INFO", "CSWS", "LETTER", "PERP", "HSG")
_STANDARD = ("LETTER", "INFO", "EH")
_PATH = FGC_STAGES[: FGC_STAGES.index("closed") + 1]  # offered … closed, in order


class OutcomePicker:
    """Chooses outcome codes from the profile's list, by risk and flags."""

    def __init__(self, profile: Profile) -> None:
        codes = [o.code for o in profile.outcomes]
        self.nfa = next((o.code for o in profile.outcomes if o.is_nfa), None)
        self.marac = next((o.code for o in profile.outcomes if o.is_marac_referral), None)
        self.fgc = next((o.code for o in profile.outcomes if o.is_fgc_offer), None)
        special = {self.nfa, self.marac, self.fgc}
        others = [c for c in codes if c not in special] or codes
        self.high = [c for c in _HIGH if c in codes] or others
        self.medium = [c for c in _MEDIUM if c in codes] or others
        self.standard = [c for c in _STANDARD if c in codes] or others

    def pick(self, rng: random.Random, note: GenNotification) -> list[str]:
        flags = Flags.read(note.flags)
        codes: list[str] = []
        if flags.marac and self.marac and (note.grade == "high" or rng.random() < 0.5):
            codes.append(self.marac)
        if note.grade == "high":
            codes += rng.sample(self.high, min(len(self.high), rng.randrange(1, 4)))
        elif note.grade == "medium":
            codes += rng.sample(self.medium, min(len(self.medium), rng.randrange(1, 3)))
        elif rng.random() < 0.35 and self.nfa and not codes:
            codes.append(self.nfa)
        else:
            codes += rng.sample(self.standard, min(len(self.standard), rng.randrange(1, 3)))
        wants_fgc = not flags.no_child and (flags.repeat or note.grade != "standard")
        if self.fgc and wants_fgc and rng.random() < 0.08:
            codes.append(self.fgc)
        return list(dict.fromkeys(codes))


def _stage_for(rng: random.Random, age_days: int) -> str:
    table: tuple[tuple[str, int], ...]
    if age_days > 180:
        table = (("closed", 50), ("declined", 25), ("withdrawn", 15), ("stopped", 5), ("review", 5))
    elif age_days > 90:
        table = (("review", 40), ("conference_held", 20), ("closed", 20), ("declined", 20))
    elif age_days > 30:
        table = (
            ("preparation", 30),
            ("coordinator_allocated", 25),
            ("conference_held", 15),
            ("declined", 15),
            ("referred", 15),
        )
    else:
        table = (("offered", 40), ("consent", 25), ("referred", 25), ("declined", 10))
    return rng.choices([s for s, _ in table], weights=[w for _, w in table])[0]


class FgcHistory:
    """Referrals from FGC offers: at most one open per household."""

    def __init__(
        self, profile: Profile, refs: RefIds, rng: random.Random, today: dt.date, rows: Rows
    ) -> None:
        self.profile, self.refs, self.rng, self.today, self.rows = profile, refs, rng, today, rows
        self.open: set[int] = set()

    def offer(self, note: GenNotification, item_id: int, day: dt.date, at: dt.datetime) -> None:
        household = note.household
        if household.id in self.open:
            return
        rng = self.rng
        stage = _stage_for(rng, (self.today - day).days)
        # The stages passed on the way, and where the referral left the path.
        if stage in ("declined",):
            passed = ["offered"]
        elif stage in ("withdrawn",):
            passed = list(_PATH[: rng.randrange(2, 5)])
        elif stage == "stopped":
            passed = list(_PATH[:5])
        else:
            passed = list(_PATH[: _PATH.index(stage) + 1])
        if stage in ("declined", "withdrawn", "stopped"):
            passed.append(stage)
        moments: dict[str, dt.datetime] = {}
        moment = at
        limit = dt.datetime.combine(self.today, dt.time(8), tzinfo=dt.UTC)
        for s in passed:
            moments[s] = min(moment, limit)
            moment += dt.timedelta(days=rng.randrange(5, 16))
        is_open = stage not in FGC_ENDED_STAGES
        if is_open:
            self.open.add(household.id)
        code = household.address.locality_code
        team_id = self.refs.teams_by_locality.get(code) if code else None
        rows = self.rows
        referral_id = len(rows["fgc_referral"]) + 1
        held = "conference_held" in moments
        conference = moments["conference_held"].date() if held else None
        review_months = int(self.profile.fgc.get("review_months", 3))
        end_reasons = {
            "declined": "Victim declined the offer; a refusal is not non-cooperation.",
            "withdrawn": "Family withdrew consent during preparation.",
            "stopped": "Coordinator stopped the process: safety could not be assured.",
            "closed": "Review held; family plan working.",
        }
        victim = household.victim
        rows["fgc_referral"].append(
            {
                "id": referral_id,
                "household_id": household.id,
                "origin_agenda_item_id": item_id,
                "team_id": team_id,
                "routed_how": "locality" if team_id else "unrouted",
                "routing_reason": None
                if team_id
                else f"Address {household.address.postcode} is outside the authority's localities: "
                "route by hand.",
                "stage": stage,
                "is_open": is_open,
                "end_reason": end_reasons.get(stage),
                "coordinator": rng.choice(
                    ("Ruth Ellis", "Tahira Shah", "Piotr Zając", "Dee Campbell")
                )
                if "coordinator_allocated" in moments
                else None,
                "coordinator_match_request": "Urdu-speaking coordinator, please"
                if rng.random() < 0.1
                else None,
                "conference_date": conference,
                "plan_agreed": True if held else None,
                "review_due": conference + dt.timedelta(days=30 * review_months)
                if conference
                else None,
                **{f"{s}_at": moments.get(s) for s in _PATH},
                "reason_for_referral": "Offered by the front door meeting: repeat domestic abuse "
                "with children in the household.",
                "referrer_name": self.refs.reps.get("CSWS", next(iter(self.refs.reps.values())))[1],
                "version": len(passed),
                "created_at": at,
                "updated_at": moment,
            }
        )
        previous = None
        for s in passed:
            rows["fgc_stage_event"].append(
                {
                    "id": len(rows["fgc_stage_event"]) + 1,
                    "referral_id": referral_id,
                    "from_stage": previous,
                    "to_stage": s,
                    "at": moments[s],
                    "by_name": "FGC coordinator"
                    if s not in ("offered", "consent")
                    else "Front door",
                    "reason": end_reasons.get(s),
                }
            )
            previous = s
        if "consent" in moments:
            for kind in ("victim", "parental_responsibility"):
                rows["fgc_consent"].append(
                    {
                        "id": len(rows["fgc_consent"]) + 1,
                        "referral_id": referral_id,
                        "person_id": victim.id,
                        "person_name": f"{victim.forenames} {victim.surname}",
                        "kind": kind,
                        "how": "In person with the social worker",
                        "recorded_by": "Front door",
                        "at": moments["consent"],
                        "withdrawn_at": moments.get("withdrawn"),
                    }
                )
        if "preparation" in moments:
            self._preparation(referral_id, note, moments["preparation"])

    def _preparation(self, referral_id: int, note: GenNotification, at: dt.datetime) -> None:
        rng, rows = self.rng, self.rows
        household = note.household
        invitees: list[dict[str, Any]] = []
        for relationship in rng.sample(
            ("maternal grandmother", "aunt", "uncle", "family friend", "paternal grandfather"),
            rng.randrange(2, 4),
        ):
            invitees.append(
                {
                    "name": f"{relationship.split()[-1].title()} {household.victim.surname}",
                    "relationship_to_family": relationship,
                    "person_id": None,
                    "is_person_who_harmed": False,
                    "victim_requested_at": None,
                    "acknowledges_abuse_at": None,
                    "willing_to_address_at": None,
                }
            )
        harmed = rng.random() < 0.1
        if harmed:
            perp = household.perpetrator
            invitees.append(
                {
                    "name": f"{perp.forenames} {perp.surname}",
                    "person_id": perp.id,
                    "relationship_to_family": "father of the children",
                    "is_person_who_harmed": True,
                    "victim_requested_at": at,
                    "acknowledges_abuse_at": at,
                    "willing_to_address_at": at,
                }
            )
        for inv in invitees:
            rows["fgc_invitee"].append(
                {
                    "id": len(rows["fgc_invitee"]) + 1,
                    "referral_id": referral_id,
                    "approved_by_victim_at": at,
                    "removed_at": None,
                    "version": 1,
                    **inv,
                }
            )
        kinds = ["separate_preparation_victim", "safety_plan"]
        if harmed:
            kinds.append("separate_preparation_perpetrator")
        for kind in kinds:
            rows["fgc_safeguard"].append(
                {
                    "id": len(rows["fgc_safeguard"]) + 1,
                    "referral_id": referral_id,
                    "kind": kind,
                    "recorded_by": "FGC coordinator",
                    "at": at,
                    "note": "Safety plan agreed with the IDVA; copy on the case file"
                    if kind == "safety_plan"
                    else None,
                }
            )
