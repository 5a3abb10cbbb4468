"""Eligibility for an FGC, worked out from the profile's rules and explained in words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from frontdoor_app.models import FgcReferral
from frontdoor_app.profile import Profile

from .common import stage_words as _stage_words
from .facts import case_facts
from .rules import FgcRules, rules_from_profile

STATUS_WORDS = {"eligible": "eligible", "not_yet": "not yet", "not_eligible": "not eligible"}


@dataclass(frozen=True)
class Eligibility:
    status: str  # eligible | not_yet | not_eligible
    reasons: tuple[str, ...]  # what holds (eligible) or what is missing (otherwise)
    notices: tuple[str, ...]  # what the meeting must be told (e.g. always offered)
    referral_id: int | None
    referral_stage: str | None
    end_reason: str | None

    @property
    def text(self) -> str:
        """``eligible: children in the household; outcome includes FGC offer``."""
        words = f"{STATUS_WORDS[self.status]}: {'; '.join(self.reasons)}"
        if self.referral_stage in ("declined", "withdrawn", "stopped"):
            not_referred = " — not referred" if self.status == "eligible" else ""
            words += f"{not_referred} ({self.referral_stage}: {self.end_reason})"
        return words


def evaluate(
    rules: FgcRules, facts: Mapping[str, bool]
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(status, reasons, notices) of the rules over ``facts``: pure, no database."""
    met: list[str] = []
    unmet: dict[str, list[str]] = {"not_eligible": [], "not_yet": []}
    notices: list[str] = []
    for rule in rules.eligibility:
        holds = any(facts.get(f, False) for f in rule.any_of)
        if holds:
            met.append(rule.met_words(facts))
        else:
            unmet[rule.unmet_means].append(rule.unmet)
        notices.extend(words for fact, words in rule.notices.items() if facts.get(fact))
    if unmet["not_eligible"]:
        return "not_eligible", tuple(unmet["not_eligible"]), tuple(notices)
    if unmet["not_yet"]:
        return "not_yet", tuple(unmet["not_yet"]), tuple(notices)
    return "eligible", tuple(met), tuple(notices)


def for_agenda_item(
    session: Session, profile: Profile, agenda_item_id: int, today: dt.date | None = None
) -> Eligibility:
    """The family's eligibility for an FGC as the meeting sees it for this case."""
    case = case_facts(session, agenda_item_id, today or profile.today())
    status, reasons, notices = evaluate(rules_from_profile(profile), case.facts)
    referral = session.get(FgcReferral, case.referral_id) if case.referral_id else None
    return Eligibility(
        status,
        reasons,
        notices,
        case.referral_id,
        referral.stage if referral else None,
        referral.end_reason if referral else None,
    )


def stage_words(stage: str) -> str:
    return _stage_words(stage)
