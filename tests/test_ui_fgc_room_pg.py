"""The FGC tab in the meeting room on the shared server (issue 12).

- **Live:** a step someone else takes (a consent recorded on another laptop) reaches the
  FGC panel open on this one, as every other change reaches the case it belongs to.
- **Offline (point 5):** a consent, an invitee and a safeguard recorded by the coordinator
  while the server is away (every connection of the laptop terminated, new ones refused)
  are kept on the laptop, counted in the offline banner, the forms free again, and sent in
  order when the server is back — each stored exactly once, also the one whose first
  attempt did reach the server — and the panel then shows them.
"""

from __future__ import annotations

import secrets
import threading

import pytest
from PySide6.QtCore import QDateTime
from sqlalchemy import func, select

from frontdoor_app.access.people import add_user
from frontdoor_app.fgc import gate, referrals
from frontdoor_app.fgc.people import NewPerson
from frontdoor_app.models import (
    FgcConsent,
    FgcInvitee,
    FgcReferral,
    FgcSafeguard,
    FgcTeam,
    FgcVictimDecision,
)
from tests.fgc_support import build_case, consent_both, coordinator
from tests.server_clients import allow_connections, fgc_tab, server
from tests.ui_support import calls_of, idle

PLAN = "Safety plan agreed with the IDVA; copy held by the coordinator"


def _count(srv, model, **where) -> int:  # type: ignore[no-untyped-def]
    with srv.setup.read_session() as s:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return int(s.scalar(query) or 0)


def _coordinated_case(srv, profile):  # type: ignore[no-untyped-def]
    """A case offered an FGC, and a coordinator of its team (their server login)."""
    with srv.setup.session() as s:
        case = build_case(s, surname="Kowalska")
        rid = referrals.offer_for_decision(s, srv.setup.actor, profile, case.agenda_item_id)
        team = s.get(FgcTeam, s.get(FgcReferral, rid).team_id).code
        login = f"coord.{secrets.token_hex(3)}"
        add_user(
            s,
            login,
            "Sam Coordinator",
            "fgc_coordinator",
            None,
            "a proper password c",
            fgc_team_code=team,
        )
    return case, rid, login


def _coordinator_on_the_fgc_tab(qtbot, srv, settings, profile):  # type: ignore[no-untyped-def]
    """A case offered an FGC, and its team's coordinator's window on its FGC tab."""
    case, rid, login = _coordinated_case(srv, profile)
    srv.logins["coord"] = login
    win = srv.window(qtbot, srv.client(settings, profile, "coord"))
    return case, rid, win, fgc_tab(qtbot, win, case.agenda_item_id)


def _coordinator_on_the_queue(qtbot, srv, settings, profile):  # type: ignore[no-untyped-def]
    """A case offered an FGC with both consents given (ready for a safeguard), and its
    team's coordinator's window with the FGC queue open on it; the queue's panel."""
    case, rid, login = _coordinated_case(srv, profile)
    with srv.setup.session() as s:
        consent_both(s, srv.setup.actor, rid)
    srv.logins["coord"] = login
    win = srv.window(qtbot, srv.client(settings, profile, "coord"))
    queue = win.screens.open("fgc_queue")
    qtbot.addWidget(queue)
    qtbot.waitUntil(lambda: queue.model.rowCount() == 1, timeout=10_000)
    queue.table.selectRow(0)
    panel = queue.panel
    qtbot.waitUntil(
        lambda: panel.state is not None and panel.state.agenda_item_id == case.agenda_item_id,
        timeout=10_000,
    )
    idle(qtbot, win)
    return case, rid, win, panel


def _shown(win) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """The consents, invitees and safeguards the FGC panel shows."""
    state = win.case_view.fgc.panel.state
    referral = state.referral if state is not None else None
    if referral is None:
        return (0, 0, 0)
    return (len(referral.consents), len(referral.invitees), len(referral.safeguards))


@pytest.mark.postgres
def test_a_consent_recorded_on_another_laptop_reaches_the_fgc_tab(
    qtbot, pg_app_url, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    with server(fresh_settings, pg_app_url, profile, cases=0) as srv:
        case, rid, win, panel = _coordinator_on_the_fgc_tab(qtbot, srv, fresh_settings, profile)
        assert _shown(win) == (0, 0, 0)
        # The coordinator is half way through the parental consent, given just after the
        # offer (a time typed, not the clock's).
        c = panel.consent
        c.kind.setCurrentIndex(c.kind.findData("parental_responsibility"))
        with srv.setup.read_session() as s:
            offered = s.get(FgcReferral, rid).offered_at
        given_at = QDateTime.fromSecsSinceEpoch(int(offered.timestamp()) + 1)
        qtbot.wait(1500)  # the clock has moved on since
        c.given.when.setDateTime(given_at)
        c.given.relayed.setText("Jo Green, IDVA")
        panel.invites.forenames.setText("Ewa")
        chair = srv.client(fresh_settings, profile, "chair.one")  # at the meeting
        with chair.session() as s:
            gate.record_consent(s, chair.actor, rid, "victim", case.victim_id, "in_person")
        qtbot.waitUntil(lambda: _shown(win) == (1, 0, 0), timeout=10_000)
        assert "victim's consent is not recorded" not in panel.gate.text()
        # What was typed is as it was: the time given stays the one typed, not "now".
        assert c.kind.currentData() == "parental_responsibility"
        assert c.given.when.dateTime() == given_at
        assert c.given.relayed.text() == "Jo Green, IDVA"
        assert panel.invites.forenames.text() == "Ewa"
        # Recorded, the form starts again from now.
        c.record.click()
        qtbot.waitUntil(lambda: _shown(win) == (2, 0, 0), timeout=10_000)
        assert c.given.relayed.text() == ""
        assert c.given.when.dateTime().secsTo(QDateTime.currentDateTime()) < 120
        with srv.setup.read_session() as s:
            parental = s.scalar(
                select(FgcConsent).where(FgcConsent.kind == "parental_responsibility")
            )
            assert parental is not None and parental.relayed_by == "Jo Green, IDVA"
            assert int(parental.at.timestamp()) == given_at.toSecsSinceEpoch()


@pytest.mark.postgres
def test_an_own_fgc_step_reaches_the_case_through_the_feed_read_once(
    qtbot, pg_app_url, fresh_settings, profile, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A consent the coordinator records in the case's FGC tab: the panel shows its own
    step's answer, and the case (its FGC history) and the panel are read again once, when
    the change log brings the step, as in every window; the room, which shows nothing of
    the FGC, is not read (it was read for the Save, and the case twice)."""
    import frontdoor_app.ui.fgc.panel as panel_module
    from frontdoor_app.ui.meeting import room_reads

    with server(fresh_settings, pg_app_url, profile, cases=0) as srv:
        case, rid, win, panel = _coordinator_on_the_fgc_tab(qtbot, srv, fresh_settings, profile)
        # On a case the chair is not discussing: not following the chair, as picking it in
        # the agenda leaves them (a window held back reads the room on any change).
        win.set_follow_chair(False)
        qtbot.wait(300)
        idle(qtbot, win)
        item = case.agenda_item_id
        rooms = calls_of(monkeypatch, room_reads, "load_room")
        loads = calls_of(monkeypatch, room_reads, "load_case_bundle")
        fgc = calls_of(monkeypatch, panel_module, "read_case", arg=2)
        tables: set[str] = set()
        win.live.changed.connect(lambda rows: tables.update(r.table_name for r in rows))
        c = panel.consent
        c.kind.setCurrentIndex(c.kind.findData("parental_responsibility"))
        c.given.relayed.setText("Jo Green, IDVA")
        c.record.click()
        qtbot.waitUntil(lambda: _shown(win) == (1, 0, 0), timeout=10_000)
        qtbot.waitUntil(lambda: item in loads, timeout=10_000)
        qtbot.wait(600)  # the feed's ticks: nothing more comes of it
        idle(qtbot, win)
        assert "fgc_consent" in tables  # the feed brought the step
        assert rooms == []
        assert loads == [item]
        assert fgc == [item]
        assert _shown(win) == (1, 0, 0)
        assert [f.id for f in win.case_view.case.fgc] == [rid]


@pytest.mark.postgres
def test_an_own_step_in_the_fgc_queue_reads_the_queue_once(
    qtbot, pg_app_url, fresh_settings, profile, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A safeguard recorded in the FGC queue's panel: the queue (its stage, what is
    missing) is read again once, when the change log brings the step, as anyone's step
    is, not for the Save and again for the log."""
    import frontdoor_app.ui.fgc.queue as queue_module

    with server(fresh_settings, pg_app_url, profile, cases=0) as srv:
        case, rid, win, panel = _coordinator_on_the_queue(qtbot, srv, fresh_settings, profile)
        reads: list[str | None] = []
        read_queue = queue_module.queue
        monkeypatch.setattr(
            queue_module,
            "queue",
            lambda s, p, today, team, stage: (
                reads.append(team),
                read_queue(s, p, today, team, stage),
            )[1],
        )
        tables: set[str] = set()
        win.live.changed.connect(lambda rows: tables.update(r.table_name for r in rows))
        sg = panel.safeguards
        sg.kind.setCurrentIndex(sg.kind.findData("separate_preparation_victim"))
        sg.note.setText("Seen alone at the children's centre")
        sg.record.click()
        qtbot.waitUntil(lambda: "fgc_safeguard" in tables and bool(reads), timeout=10_000)
        qtbot.wait(600)  # the feed's ticks: nothing more comes of it
        idle(qtbot, win)
        assert len(reads) == 1
        assert panel.state is not None and len(panel.state.referral.safeguards) == 1
        assert _count(srv, FgcSafeguard, referral_id=rid) == 1


@pytest.mark.postgres
def test_consent_invitee_and_safeguard_made_while_the_server_is_away_are_stored_once(
    qtbot, pg_app_url, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    with server(fresh_settings, pg_app_url, profile, cases=0) as srv:
        case, rid, win, panel = _coordinator_on_the_fgc_tab(qtbot, srv, fresh_settings, profile)
        assert panel.waiting is not None
        try:
            allow_connections(pg_app_url, False)
            # 1. The victim's consent, relayed by her IDVA.
            c = panel.consent
            c.kind.setCurrentIndex(c.kind.findData("victim"))
            c.given.person.setCurrentIndex(c.given.person.findData(case.victim_id))
            c.given.how.setCurrentIndex(c.given.how.findData("in_person"))
            c.given.relayed.setText("Jo Green, IDVA")
            c.record.click()
            qtbot.waitUntil(lambda: len(win.outbox) == 1, timeout=15_000)
            assert c.given.relayed.text() == ""  # kept on the laptop: the form is free again
            # 2. Her sister on the invite list, approved by her.
            inv = panel.invites
            inv.forenames.setText("Ewa")
            inv.surname.setText("Nowak")
            inv.relationship.setText("maternal aunt")
            inv.approved.setChecked(True)
            inv.add_new.click()
            qtbot.waitUntil(lambda: len(win.outbox) == 2, timeout=15_000)
            assert inv.surname.text() == "" and not inv.approved.isChecked()
            # 3. The safety plan.
            sg = panel.safeguards
            sg.kind.setCurrentIndex(sg.kind.findData("safety_plan"))
            sg.note.setText(PLAN)
            sg.record.click()
            qtbot.waitUntil(lambda: len(win.outbox) == 3, timeout=15_000)
            assert sg.note.text() == ""
            qtbot.waitUntil(lambda: "3 saves waiting" in win.header.offline_banner.text())
            kept = {w["content"]["step"]: w["content"] for w in win.outbox}
            assert set(kept) == {"consent", "invitee", "safeguard"}
            assert kept["safeguard"]["note"] == PLAN  # what was typed is on the laptop
            assert kept["invitee"]["new"]["surname"] == "Nowak"
            # The consent's first attempt did reach the server before the line dropped:
            # stored under its reference, its answer never came back. (The laptop's worker
            # is held meanwhile, so nothing of the laptop's is sent before it is stored.)
            hold = threading.Event()
            win.worker.run(lambda: hold.wait(20))
            allow_connections(pg_app_url, True)
            with srv.setup.session() as s:
                gate.record_consent(
                    s,
                    coordinator(s, rid),
                    rid,
                    "victim",
                    case.victim_id,
                    "in_person",
                    relayed_by="Jo Green, IDVA",
                    client_ref=kept["consent"]["ref"],
                )
            hold.set()
            qtbot.waitUntil(lambda: win.live.online and len(win.outbox) == 0, timeout=30_000)
            idle(qtbot, win)
            qtbot.wait(300)  # later rounds of the feed must not send anything again
            assert _count(srv, FgcConsent, referral_id=rid, kind="victim") == 1
            assert _count(srv, FgcConsent, client_ref=kept["consent"]["ref"]) == 1
            assert _count(srv, FgcInvitee, referral_id=rid, name="Ewa Nowak") == 1
            assert _count(srv, FgcSafeguard, referral_id=rid, kind="safety_plan", note=PLAN) == 1
            with srv.setup.read_session() as s:
                aunt = s.scalar(select(FgcInvitee).where(FgcInvitee.referral_id == rid))
                assert aunt.relationship_to_family == "maternal aunt"
                assert aunt.approved_by_victim_at is not None
            assert not [m for m in win.messages.log if m.kind in ("error", "warning", "conflict")]

            qtbot.waitUntil(lambda: _shown(win) == (1, 1, 1), timeout=10_000)
            assert not win.header.offline_banner.isVisible()
        finally:
            allow_connections(pg_app_url, True)


@pytest.mark.postgres
def test_a_step_made_in_the_fgc_queue_while_the_server_is_away_waits_too(
    qtbot, pg_app_url, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    """The coordinator works from the FGC queue (at a family's home, on a phone's
    connection): a safeguard recorded there while the server is away waits on the laptop
    like one made in the case's FGC tab, and the queue's panel shows it once sent."""
    with server(fresh_settings, pg_app_url, profile, cases=0) as srv:
        case, rid, win, panel = _coordinator_on_the_queue(qtbot, srv, fresh_settings, profile)
        assert panel.waiting is not None
        try:
            allow_connections(pg_app_url, False)
            sg = panel.safeguards
            sg.kind.setCurrentIndex(sg.kind.findData("separate_preparation_victim"))
            sg.note.setText("Seen alone at the children's centre")
            sg.record.click()
            qtbot.waitUntil(lambda: len(win.outbox) == 1, timeout=15_000)
            assert sg.note.text() == ""
            allow_connections(pg_app_url, True)
            qtbot.waitUntil(lambda: win.live.online and len(win.outbox) == 0, timeout=30_000)
            idle(qtbot, win)
            assert _count(srv, FgcSafeguard, referral_id=rid) == 1
            qtbot.waitUntil(
                lambda: (
                    panel.state is not None
                    and panel.state.referral is not None
                    and len(panel.state.referral.safeguards) == 1
                ),
                timeout=10_000,
            )
            assert not [m for m in win.messages.log if m.kind in ("error", "warning")]
        finally:
            allow_connections(pg_app_url, True)


@pytest.mark.postgres
def test_invite_list_changes_made_while_the_server_is_away_are_made_once(
    qtbot, pg_app_url, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    """The victim approves her sister and the coordinator takes her uncle off the list, both
    while the server is away: both wait, and are made once when it is back, also the
    removal whose first attempt did reach the server (sent again, it finds him off the list
    for that reason, and is done, not refused)."""
    with server(fresh_settings, pg_app_url, profile, cases=0) as srv:
        case, rid, login = _coordinated_case(srv, profile)
        with srv.setup.session() as s:
            consent_both(s, srv.setup.actor, rid)
            coord = coordinator(s, rid)
            aunt = gate.add_invitee(s, coord, rid, new_person=NewPerson("Ewa", "Nowak"))
            uncle = gate.add_invitee(s, coord, rid, new_person=NewPerson("Piotr", "Nowak"))
        srv.logins["coord"] = login
        win = srv.window(qtbot, srv.client(fresh_settings, profile, "coord"))
        panel = fgc_tab(qtbot, win, case.agenda_item_id)
        inv = panel.invites

        def choose(invitee_id: int) -> None:
            inv.table.selectRow(next(n for n, i in enumerate(inv.model.rows) if i.id == invitee_id))

        try:
            allow_connections(pg_app_url, False)
            choose(aunt)
            inv.approve.click()
            qtbot.waitUntil(lambda: len(win.outbox) == 1, timeout=15_000)
            choose(uncle)
            win.messages.answer_next("he has moved abroad")
            inv.remove.click()
            qtbot.waitUntil(lambda: len(win.outbox) == 2, timeout=15_000)
            # The removal's first attempt did reach the server; its answer never came back.
            hold = threading.Event()
            win.worker.run(lambda: hold.wait(20))
            allow_connections(pg_app_url, True)
            with srv.setup.session() as s:
                gate.remove_invitee(s, coordinator(s, rid), uncle, "he has moved abroad")
            hold.set()
            qtbot.waitUntil(lambda: win.live.online and len(win.outbox) == 0, timeout=30_000)
            idle(qtbot, win)
            qtbot.wait(300)
            assert _count(srv, FgcVictimDecision, invitee_id=aunt, kind="approve_invitee") == 1
            with srv.setup.read_session() as s:
                assert s.get(FgcInvitee, aunt).approved_by_victim_at is not None
                assert s.get(FgcInvitee, uncle).removed_reason == "he has moved abroad"
            assert not [m for m in win.messages.log if m.kind in ("error", "warning")]
            qtbot.waitUntil(
                lambda: [i.name for i in panel.state.referral.invitees] == ["Ewa Nowak"],
                timeout=10_000,
            )
        finally:
            allow_connections(pg_app_url, True)
