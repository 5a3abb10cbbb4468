"""The agenda flags: one typed value read from the stored JSON, one set of words."""

from __future__ import annotations

import datetime as dt

from frontdoor_app.flags import Flags, marac_word
from frontdoor_app.intake.flags import assemble
from frontdoor_app.meeting.minutes_data import flag_words


def worked_out() -> dict[str, object]:
    return assemble(
        dash_risk="high",
        dash_yes=15,
        pregnancy=True,
        on=dt.date(2026, 11, 20),
        earlier=2,
        has_household=True,
        last_marac=dt.date(2026, 6, 1),
        discussed=[dt.date(2026, 3, 2), dt.date(2026, 9, 14)],
        children=[(dt.date(2023, 1, 5), None), (None, 7)],
    )


def test_the_stored_value_reads_back_as_what_was_worked_out():
    stored = worked_out()
    flags = Flags.read(stored)
    assert flags.marac == ("visible_high_risk", "potential_escalation", "repeat")
    assert flags.repeat and flags.repeat_count == 2
    assert flags.discussed_on == (dt.date(2026, 9, 14), dt.date(2026, 3, 2))
    assert (flags.unborn, flags.under5, flags.no_child) == (True, True, False)
    assert (flags.children, flags.child_ages, flags.youngest_age_months) == (2, (3, 7), 46)
    assert (flags.dash_risk, flags.dash_yes, flags.carried_from) == ("high", 15, None)
    assert flags.to_json() == stored


def test_nothing_stored_means_no_flags_and_the_caller_counts_the_children():
    assert Flags.read(None) == Flags.read({}) == Flags(no_child=True)
    assert Flags.read("not a dict").codes() == ("NC",)
    counted = Flags.read({}, children=2, ages=(9, 3))
    assert (counted.children, counted.child_ages, counted.under5, counted.no_child) == (
        2,
        (3, 9),
        True,
        False,
    )
    # A key never written ("pregnancy") is no flag: the unborn child is "unborn".
    assert not Flags.read({"pregnancy": True}).unborn


def test_one_set_of_words_for_agenda_case_projector_minutes_and_referral():
    flags = Flags.read({**worked_out(), "carried_from": "2026-11-19"})
    assert flags.codes() == ("M", "R", "U5", "UB")
    assert flags.words() == (
        "MARAC: visible high risk",
        "MARAC: potential escalation",
        "MARAC: repeat within 12 months of the last MARAC",
        "Repeat: discussed in the last 12 months",
        "2 earlier notifications in 12 months",
        "Child under five",
        "Unborn child (pregnancy)",
    )
    assert flags.carried_words() == "Deferred from the meeting of 19 November 2026"
    assert flags.marac_words(professional_judgement=True)[-1] == ("MARAC: professional judgement")
    assert marac_word("professional_judgement") == "MARAC: professional judgement"
    # The minutes say the same, then the children with their ages.
    assert flag_words(flags, True) == (
        *flags.words(True),
        "2 children: 3, 7 y",
    )
    # "Repeat" is about discussions (DOMAIN.md): notifications alone do not make one.
    only_notified = Flags.read({"repeat": False, "repeat_count": 4})
    assert only_notified.words() == ("4 earlier notifications in 12 months", "No child listed")
    assert "R" not in only_notified.codes()
