"""The FGC panel and queue: an FGC offer at the meeting, consent and invite list through the
panel, routed to the right team, and seen in that team's queue."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from frontdoor_app.fgc import referrals
from frontdoor_app.fgc.views import UNROUTED
from frontdoor_app.meeting.decisions import save_decision
from frontdoor_app.models import FgcReferral, FgcTeam
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.theme import style_sheet
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.fgc.panel import FgcPanel
from frontdoor_app.ui.fgc.queue import FgcQueueScreen
from tests.fgc_support import build_case, coordinator, person

MatchStartsWith = Qt.MatchFlag.MatchStartsWith


@pytest.fixture
def worker(qtbot):
    w = Worker()
    yield w
    w.stop()


@pytest.fixture
def messages():
    m = Messages()
    m.scripted = True
    return m


def click_and_wait(qtbot, panel, button, signal="changed"):
    with qtbot.waitSignal(getattr(panel, signal), timeout=10_000):
        button.click()


def test_fgc_offer_at_the_meeting_to_the_teams_queue(
    qtbot, qtmodeltester, ctx, worker, messages, artefacts
):
    # The meeting records its decision with an FGC offer (helper D1's decision function).
    with ctx.session() as s:
        case = build_case(s, outcomes=())
    save_decision(
        ctx.sessions,
        ctx.actor,
        ctx.profile,
        case.agenda_item_id,
        ["FGC", "IDVA"],
        "high",
        "Mother wants her sister and parents involved.",
    )

    panel = FgcPanel(ctx, worker, messages)
    panel.setStyleSheet(style_sheet("desk"))  # as the application's theme would
    qtbot.addWidget(panel)
    panel.resize(1000, 1500)
    panel.show()
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        panel.show_item(case.agenda_item_id)
    assert panel.eligibility.text() == (
        "Eligibility — not yet: consent of a person with parental responsibility is not recorded; "
        "the victim's consent is not recorded"
    )
    assert "FGC East North East (by locality)" in panel.routing.summary.text()

    # Consent: the victim's, and a person with parental responsibility's (the victim).
    c = panel.consent
    for kind, how in (("victim", "in_person"), ("parental_responsibility", "phone")):
        c.kind.setCurrentIndex(c.kind.findData(kind))
        c.given.person.setCurrentIndex(c.given.person.findText("Anna Kowalski", MatchStartsWith))
        c.given.how.setCurrentIndex(c.given.how.findData(how))
        click_and_wait(qtbot, panel, c.record)
    assert panel.state.eligibility.status == "eligible"
    assert panel.eligibility.text().startswith(
        "Eligibility — eligible: children in the household; outcome includes FGC offer"
    )
    assert [v.kind for v in panel.consent.model.rows] == ["victim", "parental_responsibility"]

    # From here the FGC coordinator of the household's team works on it.
    chair = ctx.actor
    with ctx.session() as s:
        ctx.actor = coordinator(s, panel.state.referral.id)

    # The invite list: the person who harmed is refused without all three, by name.
    inv = panel.invites
    inv.surname.setText("kowalski")
    inv.forenames.setText("darren")
    inv.approved.setChecked(True)
    inv.victim_requested.setChecked(True)
    click_and_wait(qtbot, panel, inv.add_new, "failed")
    assert messages.last().kind == "warning"
    assert (
        "missing: they acknowledge the abuse; they are willing to address it"
        in messages.last().text
    )
    assert "⚠" in panel.problem.text()
    assert panel.invites.model.rows == ()

    inv.clear_form()
    inv.forenames.setText("Halina")
    inv.surname.setText("Nowak")
    inv.relationship.setText("grandmother")
    inv.approved.setChecked(True)
    click_and_wait(qtbot, panel, inv.add_new)
    inv.household.setCurrentIndex(inv.household.findText("Darren Kowalski", MatchStartsWith))
    for box in (inv.victim_requested, inv.acknowledges, inv.willing):
        box.setChecked(True)
    click_and_wait(qtbot, panel, inv.add_household)
    rows = panel.invites.model.rows
    assert [(r.name, r.approved_by_victim, r.is_person_who_harmed) for r in rows] == [
        ("Halina Nowak", True, False),
        ("Darren Kowalski", True, True),
    ]
    assert panel.invites.model.data(panel.invites.model.index(1, 3)) == "⚠ yes"

    # Next steps: consent given, then referred to the team.
    for words in ("Next step: consent given", "Next step: referred"):
        assert panel.stage.next.text() == words
        click_and_wait(qtbot, panel, panel.stage.next)
    assert panel.state.referral.stage == "referred"
    QApplication.processEvents()  # let the layout settle before the picture
    panel.grab().save(str(artefacts / "fgc_panel.png"))

    # A conference date is refused without the safety plan, in words.
    panel.stage.coordinator.setText("Sam Coordinator")
    click_and_wait(qtbot, panel, panel.stage.next)
    click_and_wait(qtbot, panel, panel.stage.set_date, "failed")
    assert "the safety plan is not recorded" in messages.last().text
    assert panel.state.referral.conference_date is None

    # The queue of the household's team shows it; another team's does not.
    referral_id = panel.state.referral.id
    with ctx.session() as s:
        team = s.get(FgcTeam, s.get(FgcReferral, referral_id).team_id)
        assert team.code == "FGC-EN"
        other = build_case(s, postcode="M1 1AE")
        late = build_case(s, postcode="LS8 2BB", surname="Walker")
        late_id = referrals.offer_for_decision(s, chair, ctx.profile, late.agenda_item_id)
        referrals.offer_for_decision(s, chair, ctx.profile, other.agenda_item_id)
    screen = FgcQueueScreen(ctx, worker, messages)
    screen.setStyleSheet(style_sheet("desk"))
    qtbot.addWidget(screen)
    screen.resize(1400, 1000)
    screen.today = dt.date.today() + dt.timedelta(days=60)  # the offers made today are now late
    screen.show()
    with qtbot.waitSignal(screen.loaded, timeout=10_000):
        screen.select_team("FGC-EN")
    qtbot.waitUntil(lambda: screen.team.currentData() == "FGC-EN" and len(screen.model.rows) == 2)
    ids = [v.id for v in screen.model.rows]
    assert set(ids) == {referral_id, late_id}
    assert all(v.overdue for v in screen.model.rows)
    ours = next(v for v in screen.model.rows if v.id == referral_id)
    assert "no one is on the invite list" not in ours.gate_missing
    assert "the safety plan is not recorded" in "; ".join(ours.gate_missing)
    row = ids.index(referral_id)
    assert screen.model.data(screen.model.index(row, 1)) == "FGC East North East"
    assert screen.model.data(screen.model.index(row, 2)) == "coordinator allocated"
    assert screen.model.data(screen.model.index(row, 0)) == f"⚠ {ours.overdue_days} days late"
    assert ours.overdue_days == 4
    qtmodeltester.check(screen.model)

    # The team works from the queue: choosing the referral opens its panel in place, and
    # a safeguard recorded there updates the queue's gate status.
    with qtbot.waitSignal(screen.panel.loaded, timeout=10_000):
        screen.table.selectRow(row)
    assert screen.panel.state.referral.id == referral_id
    assert f"Referral {referral_id}," in screen.detail.text()
    sg = screen.panel.safeguards
    sg.kind.setCurrentIndex(sg.kind.findData("safety_plan"))
    sg.note.setText("IDVA safety plan agreed 20 Nov, copy on the case file")
    with qtbot.waitSignal(screen.loaded, timeout=10_000):
        sg.record.click()
    ours = next(v for v in screen.model.rows if v.id == referral_id)
    assert "the safety plan is not recorded" not in ours.gate_missing
    assert screen.table.selectionModel().selectedRows()[0].row() == ids.index(referral_id)
    QApplication.processEvents()
    screen.grab().save(str(artefacts / "fgc_queue.png"))

    with qtbot.waitSignal(screen.loaded, timeout=10_000):
        screen.select_team(UNROUTED)
    assert [v.routing_reason for v in screen.model.rows] == [
        "route by hand: M1 1AE is outside the authority"
    ]
    with qtbot.waitSignal(screen.loaded, timeout=10_000):
        screen.select_team("FGC-W")
    assert screen.model.rows == ()


def test_panel_start_route_by_hand_pdf_and_decline(qtbot, ctx, worker, messages, tmp_path):
    with ctx.session() as s:
        case = build_case(s, outcomes=(), postcode="M1 1AE")
    save_decision(
        ctx.sessions,
        ctx.actor,
        ctx.profile,
        case.agenda_item_id,
        ["STRAT"],
        "high",
        "Strategy discussion today.",
    )
    panel = FgcPanel(ctx, worker, messages)
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        panel.show_item(case.agenda_item_id)
    # A strategy discussion always brings an FGC offer: the decision itself started it.
    assert panel.state.referral is not None
    assert panel.state.referral.stage == "offered"
    assert panel.notices.isVisible()
    assert "always offered a Family Group Conference" in panel.notices.text()
    assert "on the route-by-hand list" in panel.routing.summary.text()
    assert "M1 1AE is outside the authority" in panel.routing.summary.text()

    # Choosing the team by hand needs a reason; with one it is routed (and audited).
    ro = panel.routing
    ro.team.setCurrentIndex(ro.team.findData("FGC-S"))
    click_and_wait(qtbot, panel, ro.choose, "failed")
    assert "reason for choosing the FGC team by hand is required" in messages.last().text
    ro.reason.setText("family moving to Morley")
    click_and_wait(qtbot, panel, ro.choose)
    assert panel.state.referral.team_code == "FGC-S"
    assert "chosen by hand" in ro.summary.text()

    # The referral PDF, saved where the user chose.
    target = tmp_path / "referral.pdf"
    panel.ask_pdf_path = lambda suggested: str(target)
    with qtbot.waitSignal(panel.pdf_saved, timeout=10_000):
        panel.pdf.click()
    assert target.read_bytes().startswith(b"%PDF")
    assert messages.last().kind == "info" and "OFFICIAL-SENSITIVE" in messages.last().text

    # Declined: a reason is asked for; without one nothing changes.
    messages.answer_next(None)
    panel.stage.decline.click()
    assert panel.state.referral.stage == "offered"
    assert "a reason is needed" in panel.problem.text()
    messages.answer_next("mother does not want one now")
    click_and_wait(qtbot, panel, panel.stage.decline)
    assert panel.state.referral is not None
    assert (panel.state.referral.stage, panel.state.referral.end_reason) == (
        "declined",
        "mother does not want one now",
    )
    assert panel.eligibility.text().endswith("(declined: mother does not want one now)")
    assert not panel.stage.next.isEnabled()


def test_panel_conflict_is_explained_and_reloaded(qtbot, ctx, worker, messages):
    with ctx.session() as s:
        case = build_case(s)
        rid = referrals.offer_for_decision(s, ctx.actor, ctx.profile, case.agenda_item_id)
    panel = FgcPanel(ctx, worker, messages)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        panel.show_item(case.agenda_item_id)
    with ctx.session() as s:  # the coordinator, on another laptop, suspends it meanwhile
        ctx.actor = coordinator(s, rid)
        referrals.end_referral(s, ctx.actor, rid, "suspended", "new incident")
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        panel.stage.next.click()
    # The conflict view (both versions, who saved theirs), then theirs is shown.
    shown = messages.last()
    assert shown.kind == "conflict" and "saved by Coordinator" in shown.text
    assert "Fields that differ: Stage" in shown.text
    assert panel.state.referral.stage == "suspended"
    assert panel.stage.resume.isEnabled() and not panel.stage.suspend.isEnabled()


def test_coordinator_invites_from_the_household_meets_the_disguise_and_the_victim_withdraws(
    qtbot, ctx, worker, messages, artefacts
):
    """The coordinator picks invitees from the household, tries to add the person who harmed
    under another spelling and sees why not, records the three answers, then the victim
    withdraws her request and he leaves the list (kept below it, with the reason)."""
    from frontdoor_app.fgc import gate
    from frontdoor_app.models import HouseholdMember

    with ctx.session() as s:
        case = build_case(s)
        gran = person(s, "Halina", "Nowak", dt.date(1961, 4, 2))
        s.add(
            HouseholdMember(household_id=case.household_id, person_id=gran.id, role="other_adult")
        )
        rid = referrals.offer_for_decision(s, ctx.actor, ctx.profile, case.agenda_item_id)
        gate.record_consent(s, ctx.actor, rid, "victim", case.victim_id, "in_person")
        gate.record_consent(s, ctx.actor, rid, "parental_responsibility", case.victim_id, "phone")
        ctx.actor = coordinator(s, rid)
    panel = FgcPanel(ctx, worker, messages)
    panel.setStyleSheet(style_sheet("desk"))
    qtbot.addWidget(panel)
    panel.resize(1100, 2200)
    panel.show()
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        panel.show_item(case.agenda_item_id)
    inv = panel.invites
    # Whom the coordinator may pick: the household's people, with their role.
    choices = [inv.household.itemText(i) for i in range(inv.household.count())]
    assert choices[0].startswith("Anna Kowalski (victim")
    assert any(c.startswith("Halina Nowak (other adult") for c in choices)
    assert any(c.startswith("Darren Kowalski (person who harmed") for c in choices)
    assert [inv.given.person.itemText(i) for i in range(inv.given.person.count())] == [
        "Anna Kowalski (victim, born 04 Mar 1992)"
    ]  # only the victim gives her decisions

    # Grandmother, from the household, approved by the victim by phone, relayed by the IDVA.
    inv.household.setCurrentIndex(inv.household.findText("Halina Nowak", MatchStartsWith))
    inv.relationship.setText("grandmother")
    inv.approved.setChecked(True)
    inv.given.how.setCurrentIndex(inv.given.how.findData("idva"))
    inv.given.relayed.setText("Jo Bloggs, IDVA")
    click_and_wait(qtbot, panel, inv.add_household)
    assert [(r.name, r.approved_by_victim) for r in inv.model.rows] == [("Halina Nowak", True)]

    # The person who harmed under another spelling (a title, a Cyrillic "а", a hyphen).
    inv.forenames.setText("Mr D\u0430rren")
    inv.surname.setText("Kowalski-Snr")
    inv.relationship.setText("uncle")
    inv.approved.setChecked(True)
    click_and_wait(qtbot, panel, inv.add_new, "failed")
    warning = inv.warning.text()
    assert "may be Darren Kowalski, recorded as the person who harmed on 23 Nov 2026" in warning
    assert "missing: the victim asked for them to attend" in warning
    assert inv.warning.isVisible() and messages.last().kind == "warning"
    assert [r.name for r in inv.model.rows] == ["Halina Nowak"]
    QApplication.processEvents()
    panel.grab().save(str(artefacts / "fgc_panel_disguise_warning.png"))

    # The three answers, the victim's request as she gave it: now he may be invited.
    for box in (inv.victim_requested, inv.acknowledges, inv.willing):
        box.setChecked(True)
    inv.given.how.setCurrentIndex(inv.given.how.findData("in_person"))
    inv.given.relayed.clear()
    click_and_wait(qtbot, panel, inv.add_new)
    him = next(r for r in inv.model.rows if r.name != "Halina Nowak")
    assert him.is_person_who_harmed and him.victim_requested and him.acknowledges_abuse
    assert him.warning and "may be Darren Kowalski" in him.warning

    # The victim changes her mind: he leaves the list at once, kept with the reason.
    inv.table.selectRow([r.id for r in inv.model.rows].index(him.id))
    messages.answer_next("she is frightened of him again")
    click_and_wait(qtbot, panel, inv.withdraw_request)
    assert [r.name for r in inv.model.rows] == ["Halina Nowak"]
    assert inv.removed.isVisible()
    assert "the victim withdrew the request: she is frightened of him again" in inv.removed.text()
    QApplication.processEvents()
    panel.grab().save(str(artefacts / "fgc_panel_request_withdrawn.png"))
