"""The FGC panel's form buttons: each reads its fields on the UI thread and asks the panel
to run one step (a ``gate``, ``referrals`` or ``routing`` function) as one unit of work.

The panel (``ui/fgc/panel.py``) loads, shows and runs; this module only turns what the
coordinator typed into steps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from frontdoor_app.fgc import gate, referrals, routing
from frontdoor_app.fgc.common import STAGE_WORDS
from frontdoor_app.fgc.errors import FgcError
from frontdoor_app.ui.core.i18n import translate

if TYPE_CHECKING:
    from frontdoor_app.ui.fgc.panel import FgcPanel


class PanelSteps:
    """The form buttons of one ``FgcPanel``."""

    def __init__(self, panel: FgcPanel) -> None:
        self.panel = panel
        self.wire()

    def _ask_reason(self, title: str, label: str) -> str | None:
        answer = self.panel.messages.text(self.panel, title, label)
        return answer.strip() if answer and answer.strip() else None

    def wire(self) -> None:
        """Connect the form buttons; each handler reads its fields here, on the UI thread."""
        c, inv, sg, st, ro = (
            self.panel.consent,
            self.panel.invites,
            self.panel.safeguards,
            self.panel.stage,
            self.panel.routing,
        )
        c.record.clicked.connect(self._record_consent)
        c.withdraw.clicked.connect(self._withdraw_consent)
        inv.add_household.clicked.connect(lambda: self._add_invitee(from_household=True))
        inv.add_new.clicked.connect(lambda: self._add_invitee(from_household=False))
        inv.approve.clicked.connect(self._approve)
        inv.three.clicked.connect(self._three_answers)
        inv.withdraw_request.clicked.connect(self._withdraw_request)
        inv.remove.clicked.connect(self._remove)
        sg.record.clicked.connect(self._record_safeguard)
        st.next.clicked.connect(self._next)
        st.set_date.clicked.connect(self._set_date)
        for button, stage in (
            (st.suspend, "suspended"),
            (st.stop, "stopped"),
            (st.decline, "declined"),
            (st.withdraw, "withdrawn"),
        ):
            button.clicked.connect(lambda _=False, stage=stage: self._end(stage))
        st.resume.clicked.connect(self._resume)
        ro.choose.clicked.connect(self._route_by_hand)

    def _record_consent(self) -> None:
        c, actor = self.panel.consent, self.panel.ctx.actor
        kind, given = c.kind.currentData(), c.given.given()
        self.panel.write(
            lambda s, rid: gate.record_consent(
                s, actor, rid, kind, given.victim_person_id, given.how, given.at, given.relayed_by
            ),
            translate("FgcPanel", "Record consent"),
            c.given.relayed.clear,
        )

    def _add_invitee(self, from_household: bool) -> None:
        inv, actor, rules = self.panel.invites, self.panel.ctx.actor, self.panel.ctx.profile.intake
        given = inv.given.given()
        who: dict[str, Any] = (
            {"person_id": inv.household.currentData()}
            if from_household
            else {"new_person": inv.new_person()}
        )
        answers: dict[str, Any] = {
            "approval": given if inv.approved.isChecked() else None,
            "request": given if inv.victim_requested.isChecked() else None,
            "acknowledges_abuse": inv.acknowledges.isChecked(),
            "willing_to_address": inv.willing.isChecked(),
        }
        relationship = inv.relationship.text()
        self.panel.write(
            lambda s, rid: gate.add_invitee(
                s, actor, rid, relationship=relationship, rules=rules, **who, **answers
            ),
            translate("FgcPanel", "Add to the invite list"),
            inv.clear_form,
        )

    def _record_safeguard(self) -> None:
        sg, actor = self.panel.safeguards, self.panel.ctx.actor
        kind, note = sg.kind.currentData(), sg.note.text()
        self.panel.write(
            lambda s, rid: gate.record_safeguard(s, actor, rid, kind, note),
            translate("FgcPanel", "Record safeguard"),
            sg.note.clear,
        )

    def _set_date(self) -> None:
        actor, date = self.panel.ctx.actor, self.panel.stage.conference_date()
        version = (
            self.panel.state.referral.version
            if self.panel.state and self.panel.state.referral
            else None
        )
        rules = self.panel.ctx.profile.intake
        self.panel.write(
            lambda s, rid: gate.set_conference_date(s, actor, rid, date, version, rules=rules),
            translate("FgcPanel", "Set conference date"),
        )

    def _route_by_hand(self) -> None:
        ro, actor = self.panel.routing, self.panel.ctx.actor
        team, reason = ro.team.currentData(), ro.reason.text()
        self.panel.write(
            lambda s, rid: routing.route_by_hand(s, actor, rid, team, reason),
            translate("FgcPanel", "Choose team by hand"),
            ro.reason.clear,
        )

    def _next(self) -> None:
        if self.panel.state is None or self.panel.state.referral is None:
            return
        view, st, actor, profile = (
            self.panel.state.referral,
            self.panel.stage,
            self.panel.ctx.actor,
            self.panel.ctx.profile,
        )
        to_stage = view.next_stage
        if to_stage is None:
            return
        coordinator, match, plan = st.coordinator.text(), st.match.text(), st.plan.currentData()
        review, close = None, None
        if to_stage == "conference_held" and plan is False:
            if st.next_after.currentData() == "close":
                close = self._ask_reason(
                    translate("FgcPanel", "No plan agreed"),
                    translate("FgcPanel", "Why is the referral closed?"),
                )
                if close is None:
                    return
            else:
                review = st.review_date()
        self.panel.write(
            lambda s, rid: referrals.advance(
                s,
                actor,
                profile,
                rid,
                to_stage,
                version=view.version,
                coordinator=coordinator,
                match_request=match,
                plan_agreed=plan,
                review_date=review,
                close_reason=close,
            ),
            st.next.text(),
        )

    def _end(self, stage: str) -> None:
        if self.panel.state is None or self.panel.state.referral is None:
            return
        words = STAGE_WORDS[stage]
        reason = self._ask_reason(
            translate("FgcPanel", "Referral %1").replace("%1", words),
            translate("FgcPanel", "Why is the referral %1?").replace("%1", words),
        )
        if reason is None:
            self.panel.refuse(FgcError(f"not {words}: a reason is needed"), words)
            return
        actor, version = self.panel.ctx.actor, self.panel.state.referral.version
        self.panel.write(
            lambda s, rid: referrals.end_referral(s, actor, rid, stage, reason, version), words
        )

    def _resume(self) -> None:
        reason = self._ask_reason(
            translate("FgcPanel", "Resume the referral"),
            translate("FgcPanel", "Why can it resume?"),
        )
        if reason is None:
            return
        actor = self.panel.ctx.actor
        self.panel.write(
            lambda s, rid: referrals.resume(s, actor, rid, reason), translate("FgcPanel", "Resume")
        )

    def _selected(self, doing: str) -> Any:
        invitee = self.panel.invites.selected()
        if invitee is None:
            self.panel.refuse(FgcError("choose someone on the invite list first"), doing)
        return invitee

    def _approve(self) -> None:
        invitee, actor = self._selected(translate("FgcPanel", "Approve")), self.panel.ctx.actor
        if invitee is None:
            return
        given = self.panel.invites.given.given()
        self.panel.write(
            lambda s, _rid: gate.approve_invitee(s, actor, invitee.id, given),
            translate("FgcPanel", "Victim approves"),
        )

    def _three_answers(self) -> None:
        inv, actor = self.panel.invites, self.panel.ctx.actor
        invitee = self._selected(translate("FgcPanel", "The three answers"))
        if invitee is None:
            return
        request = inv.given.given() if inv.victim_requested.isChecked() else None
        ack, willing = inv.acknowledges.isChecked(), inv.willing.isChecked()
        self.panel.write(
            lambda s, _rid: gate.record_three_answers(
                s,
                actor,
                invitee.id,
                request=request,
                acknowledges_abuse=ack,
                willing_to_address=willing,
            ),
            translate("FgcPanel", "The three answers"),
            inv.clear_form,
        )

    def _withdraw_request(self) -> None:
        doing = translate("FgcPanel", "The victim withdraws the request")
        invitee, actor = self._selected(doing), self.panel.ctx.actor
        if invitee is None:
            return
        reason = self._ask_reason(
            doing,
            translate(
                "FgcPanel", "Why does the victim no longer ask for %1 to attend? (her words)"
            ).replace("%1", invitee.name),
        )
        if reason is None:
            return
        given = self.panel.invites.given.given()
        self.panel.write(
            lambda s, _rid: gate.withdraw_request(s, actor, invitee.id, given, reason), doing
        )

    def _remove(self) -> None:
        invitee, actor = self.panel.invites.selected(), self.panel.ctx.actor
        if invitee is None:
            self.panel.refuse(
                FgcError("choose someone on the invite list first"), translate("FgcPanel", "Remove")
            )
            return
        reason = self._ask_reason(
            translate("FgcPanel", "Remove from the invite list"),
            translate("FgcPanel", "Why is %1 no longer invited?").replace("%1", invitee.name),
        )
        if reason is None:
            return
        self.panel.write(
            lambda s, _rid: gate.remove_invitee(s, actor, invitee.id, reason),
            translate("FgcPanel", "Remove from the invite list"),
        )

    def _withdraw_consent(self) -> None:
        rows = self.panel.consent.table.selectionModel().selectedRows()
        consent = self.panel.consent.model.row_at(rows[0].row()) if rows else None
        if consent is None:
            self.panel.refuse(
                FgcError("choose a consent first"), translate("FgcPanel", "Withdraw consent")
            )
            return
        reason = self._ask_reason(
            translate("FgcPanel", "Withdraw consent"),
            translate("FgcPanel", "Why is consent withdrawn? (the family's words)"),
        )
        if reason is None:
            return
        actor = self.panel.ctx.actor
        self.panel.write(
            lambda s, _rid: referrals.withdraw_consent(s, actor, consent.id, reason),
            translate("FgcPanel", "Withdraw consent"),
        )
