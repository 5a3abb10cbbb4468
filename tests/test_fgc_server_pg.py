"""The FGC forms on the meeting server (issue 12): two coordinators of the referral's team,
each signed in with their own server login, on their own client and FGC panel.

- The stage form: a step sent against a referral the other changed meanwhile meets the
  conflict view with both versions; theirs is stored, what was typed stays.
- Suspend and stop: the same conflict view (they used to be refused and the reason lost);
  put mine on top ends the referral on their version with the reason given.
- Consent and the invite list are appends, not edits of the referral (``gate.record_consent``
  and ``gate_invites.add_invitee`` INSERT a row and never write the referral, so there is no
  version to conflict on): two coordinators doing them at the same moment both land. The
  same person put on the list by both at the same moment is on it once: the second is told
  they are already on it (the referral's row is locked while the list is checked).
"""

from __future__ import annotations

import secrets
import threading
import time
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from frontdoor_app.access.people import add_user
from frontdoor_app.context import build_context
from frontdoor_app.fgc import gate, referrals
from frontdoor_app.fgc.errors import FgcError
from frontdoor_app.models import FgcConsent, FgcInvitee, FgcReferral, FgcStageEvent, FgcTeam
from frontdoor_app.ui.core.conflict_view import ConflictDialog
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.fgc.panel import FgcPanel
from tests.fgc_support import build_case, consent_both
from tests.server_clients import Recording, cell
from tests.ui_support import context_for

pytestmark = pytest.mark.postgres


class Coordinators:
    """A referral offered on the server and two coordinators of its team, each a client
    (own login, own connections) with an FGC panel of their own."""

    def __init__(self, qtbot: Any, settings: Any, url: str, profile: Any) -> None:
        self.qtbot, self.settings, self.url, self.profile = qtbot, settings, url, profile
        self.setup = build_context(settings.with_database(url), profile)
        with self.setup.session() as s:
            case = build_case(s)
            self.rid = referrals.offer_for_decision(
                s, self.setup.actor, profile, case.agenda_item_id
            )
            self.case = case
            code = s.get(FgcTeam, s.get(FgcReferral, self.rid).team_id).code
            tag = secrets.token_hex(3)
            self.logins = (f"coord.one.{tag}", f"coord.two.{tag}")
            for n, login in enumerate(self.logins):
                name = ("Coordinator One", "Coordinator Two")[n]
                add_user(
                    s,
                    login,
                    name,
                    "fgc_coordinator",
                    None,
                    f"a proper password {n}",
                    fgc_team_code=code,
                )
        self.item = case.agenda_item_id
        self.contexts: list[Any] = []
        self.panels: list[FgcPanel] = []

    def client(self, n: int) -> Any:
        login = self.logins[n]
        url = make_url(self.url).set(username=login, password=None)
        ctx = context_for(self.settings, url.render_as_string(False), self.profile, login)
        self.contexts.append(ctx)
        return ctx

    def panel(self, n: int) -> FgcPanel:
        panel = FgcPanel(self.client(n), Worker(), Recording())
        self.qtbot.addWidget(panel)
        panel.resize(1000, 1400)
        panel.show()
        with self.qtbot.waitSignal(panel.loaded, timeout=10_000):
            panel.show_item(self.item)
        self.panels.append(panel)
        return panel

    def close(self) -> None:
        for panel in self.panels:
            panel.worker.stop()
        for ctx in self.contexts:
            ctx.close()
        self.setup.close()

    def stored(self) -> FgcReferral:
        with self.setup.read_session() as s:
            row = s.get(FgcReferral, self.rid)
            assert row is not None
            s.expunge(row)
            return row

    def stages(self) -> list[tuple[str, str]]:
        with self.setup.read_session() as s:
            return [
                (e.to_stage, e.by_name)
                for e in s.scalars(
                    select(FgcStageEvent)
                    .where(FgcStageEvent.referral_id == self.rid)
                    .order_by(FgcStageEvent.id)
                )
            ]


@pytest.fixture
def two(qtbot, pg_app_url, fresh_settings, profile):  # type: ignore[no-untyped-def]
    found = Coordinators(qtbot, fresh_settings, pg_app_url, profile)
    yield found
    found.close()


def _errors(*panels: FgcPanel) -> list[Any]:
    return [m for p in panels for m in p.messages.log if m.kind == "error"]


def test_the_stage_form_on_two_laptops(qtbot, two, artefacts) -> None:  # type: ignore[no-untyped-def]
    a, b = two.panel(0), two.panel(1)
    started = a.stage.base_version
    qtbot.keyClicks(a.stage.coordinator, "Sam Coordinator")
    b.messages.answer_next("a new incident was reported overnight")
    with qtbot.waitSignal(b.loaded, timeout=10_000):
        b.stage.suspend.click()
    assert two.stored().stage == "suspended"
    a.messages.answer_next("edit")
    a.stage.next.click()  # A's panel has not heard: the step goes on the version A started from
    qtbot.waitUntil(lambda: len(a.messages.conflicts) == 1, timeout=10_000)
    shown = a.messages.conflicts[0]
    assert shown.saved_by == "Coordinator Two"
    assert cell(shown, "Coordinator") == ("Sam Coordinator", "")
    assert cell(shown, "Stage")[1] == "suspended"
    dialog = ConflictDialog(shown, a)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.grab().save(str(artefacts / "conflict_fgc_pg.png"))
    dialog.reject()
    qtbot.waitUntil(lambda: a.state.referral.stage == "suspended", timeout=10_000)
    stored = two.stored()
    assert stored.stage == "suspended" and stored.version > started
    assert a.stage.coordinator.text() == "Sam Coordinator" and a.stage.touched
    assert a.stage.base_version == stored.version
    assert _errors(a, b) == []


def test_stop_against_a_referral_changed_meanwhile(qtbot, two, artefacts) -> None:  # type: ignore[no-untyped-def]
    a, b = two.panel(0), two.panel(1)
    b.messages.answer_next("a new incident was reported overnight")
    with qtbot.waitSignal(b.loaded, timeout=10_000):
        b.stage.suspend.click()
    # A, not having heard, stops the referral: both versions, and A's goes on top.
    a.messages.answer_next("the family have moved out of the area", "mine")
    a.stage.stop.click()
    qtbot.waitUntil(lambda: two.stored().stage == "stopped", timeout=10_000)
    assert len(a.messages.conflicts) == 1
    shown = a.messages.conflicts[0]
    assert cell(shown, "Stage") == ("stopped", "suspended") and shown.saved_by == "Coordinator Two"
    dialog = ConflictDialog(shown, a)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.grab().save(str(artefacts / "conflict_fgc_stop_pg.png"))
    dialog.reject()
    stored = two.stored()
    assert stored.end_reason == "the family have moved out of the area"
    assert two.stages()[-2:] == [("suspended", "Coordinator Two"), ("stopped", "Coordinator One")]
    qtbot.waitUntil(lambda: a.state.referral.stage == "stopped", timeout=10_000)
    assert _errors(a, b) == []


def test_suspend_against_a_referral_changed_meanwhile_keep_theirs(qtbot, two) -> None:  # type: ignore[no-untyped-def]
    a, b = two.panel(0), two.panel(1)
    b.messages.answer_next("the family have moved out of the area")
    with qtbot.waitSignal(b.loaded, timeout=10_000):
        b.stage.stop.click()
    a.messages.answer_next("a new incident was reported overnight", "theirs")
    a.stage.suspend.click()
    qtbot.waitUntil(lambda: len(a.messages.conflicts) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: a.state.referral.stage == "stopped", timeout=10_000)
    assert cell(a.messages.conflicts[0], "Stage") == ("suspended", "stopped")
    assert two.stored().stage == "stopped"
    assert [s for s, _ in two.stages()].count("suspended") == 0
    assert _errors(a, b) == []


def _at_once(*jobs: Any) -> list[Any]:
    """Run each job on its own thread, all released together; their results or errors."""
    go = threading.Barrier(len(jobs))
    out: list[Any] = [None] * len(jobs)

    def run(n: int) -> None:
        go.wait()
        try:
            out[n] = jobs[n]()
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            out[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    return out


def test_consent_recorded_by_both_at_once_both_land(two) -> None:  # type: ignore[no-untyped-def]
    clients = [two.client(0), two.client(1)]
    from frontdoor_app.fgc.changes import change_referral

    def consent(ctx: Any, how: str) -> Any:
        return lambda: change_referral(
            ctx.sessions,
            ctx.profile,
            two.item,
            two.rid,
            lambda s, rid: gate.record_consent(
                s, ctx.actor, rid, "victim", two.case.victim_id, how
            ),
        )

    out = _at_once(consent(clients[0], "in_person"), consent(clients[1], "phone"))
    assert not [o for o in out if isinstance(o, BaseException)], out
    with two.setup.read_session() as s:
        rows = s.scalars(select(FgcConsent).where(FgcConsent.referral_id == two.rid)).all()
        assert sorted(r.recorded_by for r in rows) == ["Coordinator One", "Coordinator Two"]


def _invitees(two: Coordinators, person_id: int) -> int:
    with two.setup.read_session() as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(FgcInvitee)
                .where(FgcInvitee.referral_id == two.rid, FgcInvitee.person_id == person_id)
            )
            or 0
        )


def test_the_invite_list_changed_by_both_at_once(two) -> None:  # type: ignore[no-untyped-def]
    with two.setup.session() as s:
        consent_both(s, two.setup.actor, two.rid)
    one, other = two.client(0), two.client(1)
    kids = two.case.child_ids

    def invite(ctx: Any, person_id: int) -> Any:
        def run() -> Any:
            with ctx.session() as s:
                return gate.add_invitee(
                    s, ctx.actor, two.rid, person_id=person_id, relationship="sibling"
                )

        return run

    # Two different people at once: both land.
    out = _at_once(invite(one, kids[0]), invite(other, kids[1]))
    assert not [o for o in out if isinstance(o, BaseException)], out
    assert _invitees(two, kids[0]) == _invitees(two, kids[1]) == 1
    # The same person, the first still uncommitted when the second checks the list: the
    # second waits for it and is told, never a second row and never a database error.
    holder = one.sessions()
    gate.add_invitee(holder, one.actor, two.rid, person_id=two.case.victim_id, relationship="mum")
    holder.flush()
    out: list[Any] = []
    thread = threading.Thread(
        target=lambda: out.extend(_at_once(invite(other, two.case.victim_id)))
    )
    thread.start()
    time.sleep(0.5)
    assert thread.is_alive()  # waiting on the referral's lock
    holder.commit()
    holder.close()
    thread.join(20)
    assert len(out) == 1 and isinstance(out[0], FgcError), out
    assert "already on the invite list" in str(out[0])
    assert _invitees(two, two.case.victim_id) == 1
