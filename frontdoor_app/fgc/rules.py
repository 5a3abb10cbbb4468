"""The profile's [fgc] table, parsed and checked: targets and the eligibility rules as data.

The code knows a fixed vocabulary of *facts* about a case (``FACTS``); the profile says
which facts make a family eligible, how they combine, and the words the meeting reads.
An authority changes its rules by editing its profile, not this module.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from frontdoor_app.profile import Profile

from .errors import FgcRulesError

# Facts the software works out for a case. ``outcome:CODE`` also works for any outcome code.
FACTS: dict[str, str] = {
    "child_in_household": "a child is a member of the household or named in the notification",
    "unborn_child": "the notification or the agenda records a pregnancy",
    "outcome_fgc_offer": "the decision includes an outcome marked is_fgc_offer",
    "outcome_strategy_discussion": "the decision includes an outcome marked is_strategy_discussion",
    "not_in_open_fgc": "the household has no other open FGC referral",
    "parental_consent": "consent of a person with parental responsibility is recorded",
    "victim_consent": "the victim's consent is recorded",
}
OUTCOME_FACT = re.compile(r"^outcome:[A-Za-z0-9_-]+$")
UNMET_MEANS = ("not_eligible", "not_yet")
DEFAULT_SETUP_TARGET_DAYS = 56
DEFAULT_REVIEW_MONTHS = 3


@dataclass(frozen=True)
class EligibilityRule:
    """One rule: it holds when any of its facts holds."""

    name: str
    any_of: tuple[str, ...]
    met: Mapping[str, str]  # fact → words shown when that fact makes the rule hold
    unmet: str
    unmet_means: str  # not_eligible | not_yet
    notices: Mapping[str, str]  # fact → words the meeting is told when the fact holds

    def met_words(self, facts: Mapping[str, bool]) -> str:
        """Words for the first fact (in the rule's order) that holds."""
        for fact in self.any_of:
            if facts.get(fact):
                return self.met[fact]
        return self.unmet


@dataclass(frozen=True)
class FgcRules:
    setup_target_days: int
    review_months: int
    offer_when: tuple[str, ...]
    eligibility: tuple[EligibilityRule, ...]


def rules_from_profile(profile: Profile) -> FgcRules:
    """The checked FGC rules of ``profile`` (raises FgcRulesError naming the key)."""
    return parse_rules(profile.fgc, profile.path)


def parse_rules(table: Mapping[str, Any], where: str = "profile") -> FgcRules:
    """Check the [fgc] table and build the rules; every refusal names the key."""

    def fail(key: str, message: str) -> FgcRulesError:
        return FgcRulesError(f"{where}: [fgc] '{key}' {message}")

    known = {"setup_target_days", "review_months", "offer_when", "eligibility"}
    for key in table:
        if key not in known:
            raise fail(key, f"is not a setting; the [fgc] settings are {', '.join(sorted(known))}")
    setup = _whole(table, "setup_target_days", DEFAULT_SETUP_TARGET_DAYS, 1, 365, fail)
    review = _whole(table, "review_months", DEFAULT_REVIEW_MONTHS, 1, 24, fail)
    offer_when = table.get("offer_when", ["outcome_fgc_offer", "outcome_strategy_discussion"])
    if not isinstance(offer_when, list) or not offer_when:
        raise fail("offer_when", "must be a non-empty list of facts")
    for fact in offer_when:
        _check_fact(fact, "offer_when", fail)
    rows = table.get("eligibility")
    if not isinstance(rows, list) or not rows:
        raise fail("eligibility", "must list at least one rule as [[fgc.eligibility]]")
    rules = tuple(_rule(i, row, where) for i, row in enumerate(rows, start=1))
    names = [r.name for r in rules]
    for name in names:
        if names.count(name) > 1:
            raise fail("eligibility", f"names the rule {name!r} twice")
    return FgcRules(setup, review, tuple(offer_when), rules)


def _whole(table: Mapping[str, Any], key: str, default: int, low: int, high: int, fail: Any) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise fail(key, f"must be a whole number from {low} to {high}, not {value!r}")
    return value


def _check_fact(fact: Any, key: str, fail: Any) -> str:
    if not isinstance(fact, str) or not (fact in FACTS or OUTCOME_FACT.match(fact)):
        raise fail(
            key,
            f"names {fact!r}, which is not a fact; the facts are "
            f"{', '.join(FACTS)} and outcome:CODE",
        )
    return fact


def _rule(index: int, row: Any, where: str) -> EligibilityRule:
    label = f"[[fgc.eligibility]] rule {index}"

    def fail(key: str, message: str) -> FgcRulesError:
        return FgcRulesError(f"{where}: {label}: '{key}' {message}")

    if not isinstance(row, dict):
        raise FgcRulesError(f"{where}: {label} must be a table")
    allowed = {"rule", "any_of", "met", "unmet", "unmet_means", "notice"}
    for key in row:
        if key not in allowed:
            raise fail(key, f"is not a rule setting; a rule has {', '.join(sorted(allowed))}")
    name = row.get("rule")
    if not isinstance(name, str) or not name.strip():
        raise fail("rule", "must be the rule's name, as non-empty text")
    label = f"{label} ({name})"
    any_of = row.get("any_of")
    if not isinstance(any_of, list) or not any_of:
        raise fail("any_of", "must be a non-empty list of facts")
    facts = tuple(_check_fact(f, "any_of", fail) for f in any_of)
    met_raw = row.get("met")
    if isinstance(met_raw, str) and met_raw.strip():
        met = dict.fromkeys(facts, met_raw.strip())
    elif isinstance(met_raw, dict):
        met = {}
        for fact in facts:
            words = met_raw.get(fact)
            if not isinstance(words, str) or not words.strip():
                raise fail("met", f"needs words for the fact {fact!r}")
            met[fact] = words.strip()
        for fact in met_raw:
            if fact not in facts:
                raise fail("met", f"has words for {fact!r}, which is not in 'any_of'")
    else:
        raise fail("met", "must be the words shown when the rule holds (text, or a table by fact)")
    unmet = row.get("unmet")
    if not isinstance(unmet, str) or not unmet.strip():
        raise fail("unmet", "must be the words shown when the rule does not hold")
    means = row.get("unmet_means", "not_eligible")
    if means not in UNMET_MEANS:
        raise fail("unmet_means", f"must be one of {', '.join(UNMET_MEANS)}, not {means!r}")
    notice_raw = row.get("notice", {})
    if not isinstance(notice_raw, dict):
        raise fail("notice", "must be a table: fact = words the meeting is told")
    notices = {}
    for fact, words in notice_raw.items():
        if fact not in facts:
            raise fail("notice", f"names {fact!r}, which is not in 'any_of'")
        if not isinstance(words, str) or not words.strip():
            raise fail("notice", f"needs words for {fact!r}")
        notices[fact] = words.strip()
    return EligibilityRule(name.strip(), facts, met, unmet.strip(), means, notices)
