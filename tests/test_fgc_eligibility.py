"""Eligibility for an FGC: every rule of the profile, in words, and the rules being data."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select

from frontdoor_app.fgc import eligibility, gate, referrals
from frontdoor_app.fgc.errors import FgcError, FgcRulesError
from frontdoor_app.fgc.rules import parse_rules, rules_from_profile
from frontdoor_app.models import (
    AgendaItem,
    FgcReferral,
    FgcStageEvent,
    Notification,
    NotificationPerson,
)
from tests.fgc_support import build_case, consent_both, decide, meeting, victim_of


def test_fully_eligible_reads_every_reason(ctx):
    with ctx.session() as s:
        case = build_case(s)
        rid = referrals.offer_for_decision(s, ctx.actor, ctx.profile, case.agenda_item_id)
        consent_both(s, ctx.actor, rid)
        result = eligibility.for_agenda_item(s, ctx.profile, case.agenda_item_id)
    assert result.status == "eligible"
    assert result.text == (
        "eligible: children in the household; outcome includes FGC offer; not already in an open "
        "FGC; consent of a person with parental responsibility recorded; the victim's consent recorded"
    )
    assert result.referral_id == rid


def test_no_child_and_no_pregnancy_is_not_eligible_and_not_offered(ctx):
    with ctx.session() as s:
        case = build_case(s, children=0)
        result = eligibility.for_agenda_item(s, ctx.profile, case.agenda_item_id)
        rid = referrals.offer_for_decision(s, ctx.actor, ctx.profile, case.agenda_item_id)
    assert result.status == "not_eligible"
    assert result.text == "not eligible: no child or unborn child is recorded in the household"
    assert rid is None


def test_unborn_child_counts(ctx):
    with ctx.session() as s:
        case = build_case(s, children=0, pregnancy=True)
        result = eligibility.for_agenda_item(s, ctx.profile, case.agenda_item_id)
        assert referrals.offer_for_decision(s, ctx.actor, ctx.profile, case.agenda_item_id)
    assert result.text.startswith("not yet:")
    facts_words = eligibility.evaluate(
        rules_from_profile(ctx.profile),
        {
            "unborn_child": True,
            "outcome_fgc_offer": True,
            "not_in_open_fgc": True,
            "parental_consent": True,
            "victim_consent": True,
        },
    )
    assert facts_words[1][0] == "an unborn child in the household"


def test_child_named_only_in_the_notification_counts(ctx):
    with ctx.session() as s:
        case = build_case(s, children=0)
        item_notification = s.execute(
            select(NotificationPerson.notification_id)
            .limit(1)
            .where(NotificationPerson.person_id == case.victim_id)
        ).scalar_one()
        s.add(
            NotificationPerson(
                notification_id=item_notification,
                role="child",
                role_as_sent="Child",
                surname="Kowalski",
                forenames="Maja",
                raw_fields={},
            )
        )
        s.flush()
        result = eligibility.for_agenda_item(s, ctx.profile, case.agenda_item_id)
    assert "no child" not in result.text


def test_no_fgc_outcome_is_not_yet_and_starts_nothing(ctx):
    with ctx.session() as s:
        case = build_case(s, outcomes=("IDVA",))
        result = eligibility.for_agenda_item(s, ctx.profile, case.agenda_item_id)
        rid = referrals.offer_for_decision(s, ctx.actor, ctx.profile, case.agenda_item_id)
        count = s.scalar(select(func.count()).select_from(FgcReferral))
    assert result.status == "not_yet"
    assert (
        "the decision does not include an FGC offer, a strategy discussion or an ICPC"
        in result.text
    )
    assert rid is None and count == 0


@pytest.mark.parametrize("code", ["STRAT", "ICPC"])
def test_strategy_discussion_or_icpc_always_offered_and_meeting_told(ctx, code):
    with ctx.session() as s:
        case = build_case(s, outcomes=(code,))
        rid = referrals.offer_for_decision(s, ctx.actor, ctx.profile, case.agenda_item_id)
        consent_both(s, ctx.actor, rid)
        result = eligibility.for_agenda_item(s, ctx.profile, case.agenda_item_id)
        referral = s.get(FgcReferral, rid)
        assert referral.stage == "offered" and referral.offered_at is not None
        event = s.scalar(select(FgcStageEvent).where(FgcStageEvent.referral_id == rid))
    assert result.status == "eligible"
    assert "strategy discussion or ICPC agreed (always offered)" in result.reasons
    assert result.notices == (
        "A strategy discussion or initial child protection conference was agreed: the family is "
        "always offered a Family Group Conference.",
    )
    assert event.to_stage == "offered" and event.from_stage is None


def test_already_in_an_open_fgc(ctx):
    with ctx.session() as s:
        first = build_case(s)
        rid = referrals.offer_for_decision(s, ctx.actor, ctx.profile, first.agenda_item_id)
        # The same household comes back at a later meeting with another FGC offer.
        later = meeting(s, dt.date(2026, 11, 30))
        second_item = _second_item(s, first, later.id)
        decide(s, second_item, ("FGC",))
        again = referrals.offer_for_decision(s, ctx.actor, ctx.profile, second_item)
        result = eligibility.for_agenda_item(s, ctx.profile, second_item)
        count = s.scalar(select(func.count()).select_from(FgcReferral))
    assert again == rid and count == 1  # at most one open per household
    assert result.status == "not_eligible"
    assert "the family is already in an open FGC" in result.text


def _second_item(s, case, meeting_id):
    first_item = s.get(AgendaItem, case.agenda_item_id)
    n = s.get(Notification, first_item.notification_id)
    copy = Notification(
        police_ref=n.police_ref + "B",
        received_at=n.received_at,
        incident_at=n.incident_at,
        dash_risk="medium",
        address=n.address,
        postcode=n.postcode,
        household_id=n.household_id,
        raw_record={},
        content_hash="b" * 64,
    )
    s.add(copy)
    s.flush()
    item = AgendaItem(
        meeting_id=meeting_id,
        notification_id=copy.id,
        household_id=n.household_id,
        position=1,
        flags={},
    )
    s.add(item)
    s.flush()
    return item.id


def test_offer_is_idempotent_for_the_same_decision(ctx):
    with ctx.session() as s:
        case = build_case(s)
        a = referrals.offer_for_decision(s, ctx.actor, ctx.profile, case.agenda_item_id)
        b = referrals.offer_for_decision(s, ctx.actor, ctx.profile, case.agenda_item_id)
        assert a == b
        assert s.scalar(select(func.count()).select_from(FgcReferral)) == 1


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        (
            "parental_responsibility",
            "consent of a person with parental responsibility is not recorded",
        ),
        ("victim", "the victim's consent is not recorded"),
    ],
)
def test_each_consent_is_needed(ctx, kind, words):
    with ctx.session() as s:
        case = build_case(s)
        rid = referrals.offer_for_decision(s, ctx.actor, ctx.profile, case.agenda_item_id)
        other = "victim" if kind == "parental_responsibility" else "parental_responsibility"
        gate.record_consent(s, ctx.actor, rid, other, victim_of(s, rid), "phone")
        result = eligibility.for_agenda_item(s, ctx.profile, case.agenda_item_id)
    assert result.text == f"not yet: {words}"


def test_eligible_but_declined_says_so(ctx):
    with ctx.session() as s:
        case = build_case(s)
        rid = referrals.offer_for_decision(s, ctx.actor, ctx.profile, case.agenda_item_id)
        consent_both(s, ctx.actor, rid)
        referrals.end_referral(s, ctx.actor, rid, "declined", "mother prefers the family hub")
        result = eligibility.for_agenda_item(s, ctx.profile, case.agenda_item_id)
    assert result.status == "eligible"
    assert result.text.endswith("— not referred (declined: mother prefers the family hub)")


def test_rules_are_data_a_profile_without_the_children_rule(ctx):
    table = dict(ctx.profile.fgc)
    table["eligibility"] = [r for r in table["eligibility"] if r["rule"] != "children"]
    profile = dataclasses.replace(ctx.profile, fgc=table)
    with ctx.session() as s:
        case = build_case(s, children=0)
        assert eligibility.for_agenda_item(s, profile, case.agenda_item_id).status == "not_yet"
        assert referrals.offer_for_decision(s, ctx.actor, profile, case.agenda_item_id)


def test_rules_by_outcome_code(ctx):
    table = dict(ctx.profile.fgc)
    table["offer_when"] = ["outcome:EH"]
    table["eligibility"] = [
        {
            "rule": "early help",
            "any_of": ["outcome:EH"],
            "met": "early help agreed",
            "unmet": "no early help",
        }
    ]
    profile = dataclasses.replace(ctx.profile, fgc=table)
    with ctx.session() as s:
        case = build_case(s, outcomes=("EH",))
        assert eligibility.for_agenda_item(s, profile, case.agenda_item_id).text == (
            "eligible: early help agreed"
        )
        assert referrals.offer_for_decision(s, ctx.actor, profile, case.agenda_item_id)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"setup_target_days": 0}, "'setup_target_days' must be a whole number from 1 to 365"),
        ({"review_months": "3"}, "'review_months' must be a whole number from 1 to 24"),
        ({"colour": "red"}, "'colour' is not a setting"),
        ({"offer_when": ["outcome_fgc"]}, "'offer_when' names 'outcome_fgc', which is not a fact"),
        ({"eligibility": []}, "'eligibility' must list at least one rule"),
        (
            {"eligibility": [{"rule": "x", "any_of": ["childs"], "met": "a", "unmet": "b"}]},
            "rule 1 (x): 'any_of' names 'childs', which is not a fact",
        ),
        (
            {"eligibility": [{"rule": "x", "any_of": ["unborn_child"], "unmet": "b"}]},
            "rule 1 (x): 'met' must be the words shown when the rule holds",
        ),
        (
            {
                "eligibility": [
                    {
                        "rule": "x",
                        "any_of": ["unborn_child", "victim_consent"],
                        "met": {"unborn_child": "a"},
                        "unmet": "b",
                    }
                ]
            },
            "'met' needs words for the fact 'victim_consent'",
        ),
        (
            {
                "eligibility": [
                    {
                        "rule": "x",
                        "any_of": ["unborn_child"],
                        "met": "a",
                        "unmet": "b",
                        "unmet_means": "maybe",
                    }
                ]
            },
            "'unmet_means' must be one of not_eligible, not_yet, not 'maybe'",
        ),
        (
            {
                "eligibility": [
                    {
                        "rule": "x",
                        "any_of": ["unborn_child"],
                        "met": "a",
                        "unmet": "b",
                        "notice": {"victim_consent": "c"},
                    }
                ]
            },
            "'notice' names 'victim_consent', which is not in 'any_of'",
        ),
        (
            {"eligibility": [{"any_of": ["unborn_child"], "met": "a", "unmet": "b"}]},
            "rule 1: 'rule' must be the rule's name",
        ),
    ],
)
def test_bad_rules_are_refused_naming_the_key(ctx, change, message):
    table = {**ctx.profile.fgc, **change}
    with pytest.raises(FgcRulesError) as err:
        parse_rules(table, "leeds-like.toml")
    assert message in str(err.value)
    assert str(err.value).startswith("leeds-like.toml: ")


def test_sample_profile_rules(profile):
    rules = rules_from_profile(profile)
    assert rules.setup_target_days == 56 and rules.review_months == 3
    assert [r.name for r in rules.eligibility] == [
        "children",
        "outcome",
        "not_already_open",
        "parental_consent",
        "victim_consent",
    ]


def test_a_child_is_under_18_on_the_incident_date_not_by_role(ctx):
    """A 36-year-old recorded as "child" does not make a household eligible."""
    with ctx.session() as s:
        case = build_case(s, children=1)
        from frontdoor_app.models import Person

        grown = s.get(Person, case.child_ids[0])
        grown.dob = dt.date(1990, 1, 1)
        s.flush()
        result = eligibility.for_agenda_item(s, ctx.profile, case.agenda_item_id)
        assert result.status == "not_eligible" and "children" not in result.text.split(":")[1][:9]
        grown.dob = dt.date(2009, 1, 1)  # 17 on the incident date
        s.flush()
        assert eligibility.for_agenda_item(s, ctx.profile, case.agenda_item_id).status != (
            "not_eligible"
        )


def test_resaving_the_decision_does_not_reopen_a_declined_referral(ctx):
    with ctx.session() as s:
        case = build_case(s)
        rid = referrals.offer_for_decision(s, ctx.actor, ctx.profile, case.agenda_item_id)
        referrals.end_referral(s, ctx.actor, rid, "declined", "mother said no")
        assert referrals.offer_for_decision(s, ctx.actor, ctx.profile, case.agenda_item_id) is None
        with pytest.raises(FgcError, match="reason for offering again"):
            referrals.offer_again(s, ctx.actor, ctx.profile, case.agenda_item_id, "\u200b")
        again = referrals.offer_again(
            s, ctx.actor, ctx.profile, case.agenda_item_id, "mother asked for it after all"
        )
        assert again != rid
