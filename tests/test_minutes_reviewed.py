"""The opening review in the minutes: actions from earlier meetings updated at this one are
recorded on the cover and on their agency's page, read back from the PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from frontdoor_app.context import AppContext
from frontdoor_app.export.minutes import render_minutes
from frontdoor_app.meeting import actions
from frontdoor_app.meeting.minutes_data import load_minutes
from frontdoor_app.models import Action, Meeting, User
from tests.minutes_builder import DAY, build_closed_meeting
from tests.test_minutes_render import GENERATED, flat, pages_text

NEXT = DAY + dt.timedelta(days=1)


def action_called(ctx: AppContext, description: str) -> tuple[int, int]:
    with ctx.read_session() as s:
        found = s.execute(
            select(Action.id, Action.version).where(Action.description == description)
        ).one()
    return found[0], found[1]


def test_the_actions_reviewed_at_the_opening_are_minuted(ctx: AppContext, artefacts: Path) -> None:
    built = build_closed_meeting(ctx)  # its 'tomorrow' is the next meeting, planned
    with ctx.read_session() as s:
        next_id = s.scalar(select(Meeting.id).where(Meeting.meeting_date == NEXT))
        chair = s.scalar(select(User.display_name).where(User.id == ctx.actor.user_id))
    assert next_id is not None and chair
    ref1, ref2 = built.refs[0], built.refs[1]
    reviewed = (
        (f"Housing visit {ref1}", "done", "Visited on Tuesday; tenancy secure"),
        (f"Check bail for {ref2}", "not_possible", "Charged and remanded: no bail to check"),
    )
    for description, status, note in reviewed:
        action_id, version = action_called(ctx, description)
        actions.update_action_status(
            ctx.sessions, ctx.actor, action_id, version, status, note, next_id, today=NEXT
        )
    # An update of the day's own case at its own meeting is in that case's section, never
    # among the earlier actions reviewed, at either meeting.
    own_id, own_version = action_called(ctx, f"Social work contact {ref1}")
    actions.update_action_status(
        ctx.sessions,
        ctx.actor,
        own_id,
        own_version,
        "done",
        "Seen at home",
        built.meeting_id,
        today=DAY,
    )

    with ctx.read_session() as s:
        data = load_minutes(s, ctx.profile, NEXT)
        earlier = load_minutes(s, ctx.profile, DAY)
    assert earlier.reviewed == ()
    rows = data.reviewed
    assert [(r.action.description, r.status_from, r.status_to, r.note) for r in rows] == [
        (d, "open", status, note) for d, status, note in reviewed
    ]
    housing, police = rows
    assert (housing.agreed_on, housing.action.case_reference, housing.action.owner_agency_code) == (
        DAY,
        ref1,
        "HSG",
    )
    assert (police.action.case_reference, police.action.owner_agency_code) == (ref2, "POL")
    assert housing.by == chair and housing.at <= police.at
    assert housing.action.due_date == DAY + dt.timedelta(days=1) and housing.action.household

    # -- the full minutes: the count on the cover, the table under the statement
    pdf = render_minutes(data, generated_at=GENERATED, invariant=True)
    (artefacts / "minutes").mkdir(exist_ok=True)
    (artefacts / "minutes" / "minutes-with-review.pdf").write_bytes(pdf)  # to look at
    pages = pages_text(pdf)
    cover = flat(pages[:2])
    assert "Earlier actions reviewed 2: 1 done, 1 not possible" in cover
    assert "Actions from earlier meetings reviewed" in cover
    for description, _status, note in reviewed:
        assert description in cover and note in cover
    assert f"Open → Done Visited on Tuesday; tenancy secure {chair}, " in cover
    assert "Open → Not possible — circumstances changed" in cover
    assert "Seen at home" not in flat(pages)
    # -- each agency's page carries its own reviewed action, though none was agreed today
    starts = {
        p.split("Actions for ", 1)[1].split("\n", 1)[0]: p for p in pages if "Actions for " in p
    }
    assert set(starts) == {"Housing Leeds", "West Yorkshire Police"}
    housing_page = flat([starts["Housing Leeds"]])
    assert "No action agreed at the meeting of Tuesday 24 November 2026." in housing_page
    assert "1 action from earlier meetings reviewed at this one:" in housing_page
    assert f"Housing visit {ref1} (due 24 Nov 2026; {housing.action.owner_name})" in housing_page
    assert f"Check bail for {ref2}" not in housing_page

    # -- the day before, nothing reviewed: said so, not left blank
    before = flat(pages_text(render_minutes(earlier, generated_at=GENERATED, invariant=True)))
    assert "Earlier actions reviewed None" in before
    assert "No action from an earlier meeting was updated at this one." in before

    # -- housing's own copy has housing's reviewed action
    copy = flat(pages_text(render_minutes(data, agency="HSG", generated_at=GENERATED)))
    assert f"Housing visit {ref1}" in copy and "Visited on Tuesday; tenancy secure" in copy
