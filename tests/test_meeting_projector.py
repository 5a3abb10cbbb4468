"""The projector: the current case only, restricted entries never, initials mode hides identity."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from frontdoor_app.meeting import actions, agenda, decisions, entries, lifecycle
from frontdoor_app.meeting.projector import load_projector_view
from tests.meeting_support import agency_id, build, case, meeting, people


def _strings(value) -> list[str]:
    """Every string anywhere inside a (nested) dataclass, tuple or date."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dt.date | dt.datetime):
        return [value.isoformat(), f"{value:%d/%m/%Y}"]
    if dataclasses.is_dataclass(value):
        return [s for f in dataclasses.fields(value) for s in _strings(getattr(value, f.name))]
    if isinstance(value, tuple | list | frozenset):
        return [s for v in value for s in _strings(v)]
    return []


def _meeting_with_current_case(ctx):
    who = people(ctx)
    built = build(ctx, 2)
    item = built.item_ids[0]
    with ctx.session() as s:
        pol, hsg, hv = (agency_id(s, c) for c in ("POL", "HSG", "HV"))
        m = lifecycle.load_meeting(s, built.meeting_id)
    lifecycle.open_meeting(ctx.sessions, who.chair, m.id, m.version)
    agenda.set_current(ctx.sessions, who.chair, m.id, item)
    # Free text naming the family the way people really type it.
    entries.add_entry(
        ctx.sessions,
        who.police,
        item,
        pol,
        "Anna Kowalski (dob 04/03/1992) says DARREN hit her at 12 Acacia Avenue, "
        "LS9 7AB. He will appear in court.",
    )
    entries.add_entry(
        ctx.sessions,
        who.housing,
        item,
        hsg,
        "SECRET: rent arrears, eviction.",
        restricted_to_agency_id=hsg,
    )
    entries.add_entry(
        ctx.sessions, who.health, item, hv, "Ola missed two checks.", kind="child_voice"
    )
    decisions.save_decision(ctx.sessions, who.chair, ctx.profile, item, ["IDVA"], "high", None)
    actions.add_action(
        ctx.sessions,
        who.chair,
        ctx.profile,
        item,
        hv,
        "Home visit to see Maja Kowalski",
        owner_name="Hannah Lee",
    )
    return who, built, item


def test_projector_in_initials_mode_never_shows_names_addresses_or_dates_of_birth(ctx):
    _, built, item = _meeting_with_current_case(ctx)
    with ctx.session() as s:
        view = load_projector_view(s, built.meeting_id)
    assert view.item_id == item and view.initials_mode and view.case_number == 1
    assert view.heading == "K. household (4)" and view.district == "LS9"
    assert view.children_text == "2 children: 7 y, 8 mo"
    assert [p.label for p in view.people] == ["A.K.", "D.K.", "M.K.", "O.K."]
    texts = [e.text for e in view.entries]
    assert not any("SECRET" in t for t in _strings(view))
    assert texts[0] == (
        "A. K. (dob [withheld]) says D. hit her at [withheld], [withheld]. He will appear in court."
    )
    assert view.actions[0].description == "Home visit to see M. K."
    forbidden = [
        "Anna",
        "Darren",
        "Maja",
        "Ola",
        "Kowalski",
        "Acacia",
        "LS9 7AB",
        "1992-03-04",
        "04/03/1992",
        "2019-05-01",
        "01/05/2019",
    ]
    for text in _strings(view):
        for word in forbidden:
            assert not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE), (
                f"{word!r} shown on the projector in {text!r}"
            )


def test_projector_with_names_still_hides_restricted_entries(ctx):
    _, built, _ = _meeting_with_current_case(ctx)
    with ctx.session() as s:
        view = load_projector_view(s, built.meeting_id, initials_mode=False)
    assert view.heading == "Kowalski household (4)"
    assert "Anna Kowalski" in [p.label for p in view.people]
    assert not any("SECRET" in t for t in _strings(view))
    assert [e.kind for e in view.entries] == ["agency", "child_voice"]


def test_projector_follows_the_chair_and_the_curtain(ctx):
    who, built, item = _meeting_with_current_case(ctx)
    second = built.item_ids[1]
    agenda.set_current(ctx.sessions, who.chair, built.meeting_id, second)
    lifecycle.set_curtain(ctx.sessions, who.chair, built.meeting_id, True)
    with ctx.session() as s:
        view = load_projector_view(s, built.meeting_id)
    assert view.item_id == second and view.heading.startswith("W.") and view.curtain_down
    assert view.entries == ()
    agenda.set_current(ctx.sessions, who.chair, built.meeting_id, None)
    with ctx.session() as s:
        view = load_projector_view(s, built.meeting_id)
    assert view.item_id is None and view.heading == "Meeting of 23 November 2026"


def test_initials_mode_redacts_names_in_any_script_and_spelling(ctx):
    who = people(ctx)
    with ctx.session() as s:
        m = meeting(s)
        item = case(
            s,
            m,
            1,
            surname="Łukasiewicz-O'Brien",
            victim=("Zoë", dt.date(1990, 1, 2)),
            perpetrator=("محمد", dt.date(1988, 2, 3)),
            children=(),
        )
        hv = agency_id(s, "HV")
        meeting_id, item_id = m.id, item.id
    with ctx.session() as s:
        seen = lifecycle.load_meeting(s, meeting_id)
    lifecycle.open_meeting(ctx.sessions, who.chair, meeting_id, seen.version)
    agenda.set_current(ctx.sessions, who.chair, meeting_id, item_id)
    entries.add_entry(
        ctx.sessions,
        who.health,
        item_id,
        hv,
        "ZOË ŁUKASIEWICZ and محمد O’Brien were seen; Zoë will call. Born 2 January 1990.",
    )
    with ctx.session() as s:
        view = load_projector_view(s, meeting_id)
    assert view.entries[0].text == "Z. Ł. and م. O. were seen; Z. will call. Born [withheld]."
    assert view.children_text == "No child listed"
