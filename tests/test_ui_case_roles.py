"""Each laptop's case tabs offer the forms its user may use, and say who does the rest.

The chair and an admin add entries, actions and sharing decisions for any agency; a
representative for their own only (the agency is chosen for them); a viewer and an FGC
coordinator add none, and instead of a form they would only be refused on, each tab says
who adds what. The domain and, on a server, row-level security refuse the same things
whatever a screen offers (``test_server_attacks*``); this is the screen not offering them.
"""

from __future__ import annotations

from frontdoor_app.access.users import ensure_user
from tests.ui_support import close_window, context_for, idle, open_window, start_meeting

WORDS = (
    "You are signed in as {you}: {what} are added here by the chair, an admin or the "
    "agency's own representative."
)


def test_each_user_is_offered_the_forms_they_may_use(
    qtbot, chair_ctx, demo_db, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    with chair_ctx.session() as s:
        ensure_user(s, "v.iewer", "Vi Ewer", "viewer", None)
        ensure_user(s, "c.oord", "Cora Ord", "fgc_coordinator", None, fgc_team_code="FGC-S")
    logins = {"representative": "hv.lee", "viewer": "v.iewer", "fgc_coordinator": "c.oord"}
    contexts = {
        role: context_for(fresh_settings, demo_db, profile, login) for role, login in logins.items()
    }
    chair = open_window(qtbot, chair_ctx)
    windows = {role: open_window(qtbot, c) for role, c in contexts.items()}
    try:
        item = start_meeting(qtbot, chair)
        for win in windows.values():
            qtbot.waitUntil(
                lambda w=win: (
                    w.case_view.case is not None and w.case_view.case.item.item_id == item
                ),
                timeout=5000,
            )
            idle(qtbot, win)

        # The chair: every form, any agency.
        cv = chair.case_view
        for tab in (cv.intelligence, cv.actions_tab, cv.sharing):
            assert not tab.box.isHidden() and tab.reader_note.isHidden()
            assert tab.agency.isEnabled()
        assert not cv.actions_tab.status_form.isHidden()

        # A representative: every form, for their own agency only.
        rep = windows["representative"].case_view
        own = contexts["representative"].actor.agency_id
        for tab in (rep.intelligence, rep.actions_tab, rep.sharing):
            assert not tab.box.isHidden() and tab.reader_note.isHidden()
            assert not tab.agency.isEnabled() and tab.agency.currentData() == own

        # A viewer and an FGC coordinator: no form, and each tab says who adds what.
        for role, you in (("viewer", "a viewer"), ("fgc_coordinator", "an FGC coordinator")):
            win = windows[role]
            cv = win.case_view
            for tab, what in (
                (cv.intelligence, "entries"),
                (cv.actions_tab, "actions"),
                (cv.sharing, "sharing decisions"),
            ):
                cv.tabs.setCurrentWidget(tab)
                idle(qtbot, win)
                assert not tab.box.isVisible() and tab.reader_note.isVisible(), (role, what)
                assert tab.reader_note.text() == WORDS.format(you=you, what=what)
            assert cv.actions_tab.status_form.isHidden()
            assert not cv.decision.may_decide
    finally:
        for win in windows.values():
            close_window(win)
        close_window(chair)
        for c in contexts.values():
            c.close()


def test_an_action_is_updated_by_its_own_agency_and_the_form_says_so_for_the_others(
    qtbot, demo_db, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    """On the action tracker (every open action of every agency), a representative's
    status form is for their own agency's actions; on another agency's it says who
    updates it, instead of being refused on Update. The chair's is for every action."""
    contexts = [
        context_for(fresh_settings, demo_db, profile, login) for login in ("hv.lee", "test.chair")
    ]
    windows = [open_window(qtbot, c) for c in contexts]
    try:
        for win, ctx in zip(windows, contexts, strict=True):
            tracker = win.screens.open("tracker")
            qtbot.waitUntil(lambda t=tracker: t.page is not None and t.model.rowCount() > 0)
            rows = list(tracker.model.rows)
            own = ctx.actor.agency_id
            mine = next(n for n, a in enumerate(rows) if a.owner_agency_id == own) if own else None
            theirs = next(n for n, a in enumerate(rows) if a.owner_agency_id != own)
            form = tracker.form
            tracker.table.selectRow(theirs)
            idle(qtbot, win)
            if ctx.actor.role == "chair":
                assert form.apply.isEnabled() and form.apply.toolTip() == ""
            else:
                assert not form.apply.isEnabled() and not form.note.isEnabled()
                assert form.apply.toolTip() == (
                    f"Only the chair, an admin or {rows[theirs].agency_name}'s own "
                    "representative updates this action."
                )
                assert mine is not None
                tracker.table.selectRow(mine)
                idle(qtbot, win)
                assert form.apply.isEnabled() and form.apply.toolTip() == ""
    finally:
        for win in windows:
            close_window(win)
        for c in contexts:
            c.close()
