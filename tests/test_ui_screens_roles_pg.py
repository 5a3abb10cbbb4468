"""Every screen each role can open, opened signed in to the shared server as that person
(row-level security on): each one loads without a fault and without a refusal the person
could do nothing about. (The measures screen once said "The figures could not be counted:
permission denied for table audit_event" to everyone but admins.)"""

from __future__ import annotations

import pytest

from frontdoor_app.access.people import add_user
from tests.server_clients import server
from tests.ui_support import idle

pytestmark = pytest.mark.postgres

EVERYONE = ("tracker", "minutes", "measures", "fgc_queue")
# login: (role, agency, FGC team, the screens its toolbar offers)
PEOPLE = {
    "s.admin": ("admin", None, None, (*EVERYONE, "import", "people", "audit")),
    "s.viewer": ("viewer", None, None, EVERYONE),
    "s.coord": ("fgc_coordinator", None, "FGC-EN", EVERYONE),
}
SIGNED_IN = {"chair.one": ("import",), "hv.one": ()}  # server_clients' chair and representative


def test_each_roles_screens_open_on_the_server_without_a_fault(
    qtbot, pg_app_url, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    with server(fresh_settings, pg_app_url, profile) as srv:
        with srv.setup.session() as s:
            for login, (role, agency, team, _screens) in PEOPLE.items():
                add_user(s, login, login, role, agency, "a proper password", fgc_team_code=team)
        screens = {login: entry[3] for login, entry in PEOPLE.items()}
        screens.update({login: (*EVERYONE, *extra) for login, extra in SIGNED_IN.items()})
        for login, keys in screens.items():
            srv.logins.setdefault(login, login)
            win = srv.window(qtbot, srv.client(fresh_settings, profile, login))
            for key in keys:
                widget = win.screens.open(key)
                assert widget is not None, (login, key)
                qtbot.addWidget(widget)
                idle(qtbot, win)
                qtbot.wait(100)  # a screen's second read, queued by its first answer
                idle(qtbot, win)
                if key == "minutes":  # on a server the export log is the trail's: admins'
                    assert widget.log_view.isVisibleTo(widget) == (login == "s.admin"), login
                if key == "measures":
                    qtbot.waitUntil(lambda w=widget: bool(w.panels), timeout=20_000)
                    assert "could not be counted" not in widget.status.text(), login
            faults = [(m.kind, m.text) for m in win.messages.log if m.kind in ("error", "warning")]
            assert not faults, (login, faults)
            win.screens.close_all()
