"""Every FGC step, taken by each role that may take it, signed in to the shared server as that
person (row-level security on): the server lets each one through.

The rules are issue 13's (point 3). ``tests/test_fgc_roles.py`` shows the application gives
each role exactly its steps and refuses the others; ``tests/test_server_attacks.py`` shows
the server refuses what the application would not do. This shows the two agree: a step the
application allows is not then refused by the server (an invitee not known yet needs a new
person row, which the coordinator could not write).
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import make_url

from frontdoor_app.access.people import add_user
from frontdoor_app.context import build_context
from frontdoor_app.fgc import referrals
from frontdoor_app.models import FgcReferral, FgcTeam
from tests.fgc_support import actors, build_case
from tests.test_fgc_roles import STEPS, _prepare
from tests.ui_support import context_for

pytestmark = pytest.mark.postgres

# The roles that take FGC steps, as the server knows them: (role, agency).
SIGNED_IN = {"chair": ("chair", "CSWS"), "coordinator": ("fgc_coordinator", None), "admin": ("admin", None)}  # fmt: skip  # one row per role reads as a table


def test_each_fgc_step_is_let_through_by_the_server_for_each_role_that_may_take_it(
    pg_app_url: str, fresh_settings: Any, profile: Any
) -> None:
    setup = build_context(fresh_settings.with_database(pg_app_url), profile)
    clients: dict[str, Any] = {}
    try:
        with setup.session() as s:  # the referrals' team (every case's postcode routes to it)
            case = build_case(s)
            rid = referrals.offer_for_decision(s, setup.actor, profile, case.agenda_item_id)
            team = s.get(FgcTeam, s.get(FgcReferral, rid).team_id).code
            for who, (role, agency) in SIGNED_IN.items():
                add_user(
                    s,
                    f"{who}.rls",
                    who.title(),
                    role,
                    agency,
                    "a proper password",
                    fgc_team_code=team if role == "fgc_coordinator" else None,
                )
        for who in SIGNED_IN:
            url = make_url(pg_app_url).set(username=f"{who}.rls", password=None)
            clients[who] = context_for(
                fresh_settings, url.render_as_string(False), profile, f"{who}.rls"
            )
        refused: dict[str, str] = {}
        taken = 0
        for step, (level, allowed, call) in STEPS.items():
            for who in sorted(allowed):
                with setup.session() as s:
                    prepared, referral = _prepare(setup, s, level, actors(s, rid)["admin"])
                client = clients[who]
                try:
                    with client.session() as s:
                        call(client, s, client.actor, prepared, referral)
                except Exception as exc:  # noqa: BLE001 - every refusal is reported at the end
                    refused[f"{step} ({who})"] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
                else:
                    taken += 1
        assert not refused, refused
        assert taken == sum(len(allowed) for _level, allowed, _call in STEPS.values())
    finally:
        for client in clients.values():
            client.close()
        setup.close()
