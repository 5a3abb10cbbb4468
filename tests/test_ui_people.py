"""The admin's "People and access" screen: the same functions as ``frontdoor users``."""

from __future__ import annotations

from frontdoor_app.access import people
from frontdoor_app.ui.admin.people_screen import PeopleScreen
from tests.ui_support import close_window, open_window, snapshot


def test_people_screen_adds_lists_and_disables(qtbot, chair_ctx, artefacts, monkeypatch) -> None:
    win = open_window(qtbot, chair_ctx)
    try:
        assert win.toolbar.people_action.isVisible()  # the file's chair manages its people
        screen = win.screens.open("people")
        assert isinstance(screen, PeopleScreen)
        qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=10_000)
        before = screen.model.rowCount()
        assert not screen.password_edit.isVisible()  # no passwords on this computer's file
        screen.login_edit.setText("hsg.rao")
        screen.name_edit.setText("Ravi Rao")
        screen.agency_box.setCurrentIndex(screen.agency_box.findData("HSG"))
        screen.add_button.click()
        qtbot.waitUntil(lambda: screen.model.rowCount() == before + 1, timeout=10_000)
        assert "Added hsg.rao" in screen.status.text()
        # A representative without an agency is refused with the reason.
        screen.login_edit.setText("no.agency")
        screen.name_edit.setText("Nobody")
        screen.agency_box.setCurrentIndex(0)
        screen.add_button.click()
        qtbot.waitUntil(lambda: "needs an agency" in screen.status.text(), timeout=10_000)
        row = next(i for i, p in enumerate(screen.people) if p.login == "hsg.rao")
        screen.table.selectRow(row)
        monkeypatch.setattr(screen.messages, "ask", lambda *_a: True)
        screen.disable_button.click()
        qtbot.waitUntil(lambda: "can no longer sign in" in screen.status.text(), timeout=10_000)
        qtbot.waitUntil(
            lambda: any(p.login == "hsg.rao" and not p.active for p in screen.people),
            timeout=10_000,
        )
        screen.resize(1100, 760)
        # After the adds and the change, the names still take the table's spare width.
        header, viewport = screen.table.horizontalHeader(), screen.table.viewport()
        qtbot.waitUntil(lambda: header.length() == viewport.width())
        disabled = next(i for i, p in enumerate(screen.people) if p.login == "hsg.rao")
        access = screen.model.index(disabled, screen.model.columnCount() - 1)
        assert screen.table.sizeHintForIndex(access).width() <= header.sectionSize(4) + 1
        snapshot(screen, artefacts / "people_and_access.png")
        with chair_ctx.read_session() as s:
            assert {p.login: p.active for p in people.list_users(s)}["hsg.rao"] is False
    finally:
        close_window(win)


def test_the_buttons_follow_the_person_chosen_and_access_is_given_back(
    qtbot, chair_ctx, artefacts, monkeypatch
) -> None:
    """Nothing chosen: no button acts, and each says why. An active person can be disabled,
    a disabled one given their access back, and nobody can disable themselves."""
    win = open_window(qtbot, chair_ctx)
    try:
        screen = win.screens.open("people")
        assert isinstance(screen, PeopleScreen)
        qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=10_000)
        for button in (screen.disable_button, screen.enable_button):
            assert not button.isEnabled()
            assert button.toolTip() == "Choose a person in the table first."

        def choose(login: str) -> None:
            screen.table.selectRow(next(i for i, p in enumerate(screen.people) if p.login == login))

        choose(chair_ctx.actor.login)  # the chair's own row
        assert not screen.disable_button.isEnabled()
        assert "their own access" in screen.disable_button.toolTip()
        assert not screen.enable_button.isEnabled()
        choose("demo.hv")
        assert screen.disable_button.isEnabled() and screen.disable_button.toolTip() == ""
        assert not screen.enable_button.isEnabled()
        assert screen.enable_button.toolTip() == "demo.hv can sign in."
        monkeypatch.setattr(screen.messages, "ask", lambda *_a: True)
        screen.disable_button.click()
        qtbot.waitUntil(lambda: "can no longer sign in" in screen.status.text(), timeout=10_000)
        # Still chosen after the table is read again: now only its access can be given back.
        qtbot.waitUntil(lambda: screen.enable_button.isEnabled(), timeout=10_000)
        assert screen.selected() is not None and screen.selected().login == "demo.hv"
        assert not screen.disable_button.isEnabled()
        assert screen.disable_button.toolTip() == "demo.hv is disabled already."
        screen.enable_button.click()
        qtbot.waitUntil(
            lambda: screen.status.text() == "demo.hv can sign in again.", timeout=10_000
        )
        qtbot.waitUntil(lambda: screen.disable_button.isEnabled(), timeout=10_000)
        with chair_ctx.read_session() as s:
            assert {p.login: p.active for p in people.list_users(s)}["demo.hv"] is True
    finally:
        close_window(win)


def test_a_representative_sees_the_screen_read_only(
    qtbot, demo_db, fresh_settings, profile, sync_worker
) -> None:
    from tests.ui_support import context_for

    ctx = context_for(fresh_settings, demo_db, profile, "hv.lee")
    try:
        screen = PeopleScreen(ctx, sync_worker, None)  # type: ignore[arg-type]
        qtbot.addWidget(screen)
        assert not screen.form_box.isEnabled() and not screen.disable_button.isEnabled()
        assert not screen.enable_button.isEnabled()
        assert "Only an admin" in screen.status.text()
        screen.refresh()  # the screen registry reads it when it opens
        qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=10_000)
        screen.table.selectRow(0)  # a person chosen: still nothing to press, and why
        assert not screen.disable_button.isEnabled() and not screen.enable_button.isEnabled()
        assert screen.enable_button.toolTip() == "Only an admin can change who has access."
    finally:
        ctx.close()


def test_another_admins_change_of_access_shows_on_the_screen(
    qtbot, chair_ctx, demo_db, fresh_settings, profile
) -> None:
    """Two people who manage access, on one file: one disables a person; the other's open
    People screen shows it without being opened again (the change feed)."""
    from tests.ui_support import context_for

    other = context_for(fresh_settings, demo_db, profile, "demo.admin")
    win = open_window(qtbot, chair_ctx)
    try:
        screen = win.screens.open("people")
        qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=10_000)
        assert {p.login: p.active for p in screen.people}["demo.hv"] is True
        people.disable_person(other.sessions, other.actor, "demo.hv")
        qtbot.waitUntil(
            lambda: {p.login: p.active for p in screen.people}["demo.hv"] is False,
            timeout=5_000,
        )
        people.enable_person(other.sessions, other.actor, "demo.hv")
        qtbot.waitUntil(
            lambda: {p.login: p.active for p in screen.people}["demo.hv"] is True,
            timeout=5_000,
        )
    finally:
        close_window(win)
        other.close()
