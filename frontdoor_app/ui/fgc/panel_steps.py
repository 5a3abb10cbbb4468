"""The FGC panel's form buttons: each reads its fields on the UI thread and asks the panel
to run one step (a ``gate``, ``referrals`` or ``routing`` function) as one unit of work.

The panel (``ui/fgc/panel.py``) loads, shows and runs; this module only turns what the
coordinator typed into steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from frontdoor_app.fgc import referrals, routing
from frontdoor_app.fgc.changes import last_change
from frontdoor_app.fgc.common import STAGE_WORDS
from frontdoor_app.fgc.errors import FgcError, ReferralConflict
from frontdoor_app.fgc.views import CaseFgc, ReferralView
from frontdoor_app.ui.core.conflict_view import KEEP_THEIRS, MINE_ON_TOP, Conflict, pairs
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.fgc.waits import ONCE, step_content, step_of
from frontdoor_app.ui.widgets.words import hhmm

if TYPE_CHECKING:
    from frontdoor_app.ui.fgc.panel import FgcPanel


def stage_conflict(
    mine: dict[str, Any],
    to_stage: str | None,
    theirs: ReferralView,
    by: str | None,
    at: Any,
) -> Conflict:
    """The stage form as typed (and the step asked for) beside the referral as it stands."""
    t = translate

    def plan(value: object) -> str:
        if value is None:
            return ""
        return t("FgcPanel", "agreed") if value else t("FgcPanel", "not agreed")

    when = mine.get("conference_date")
    mine_date = when.strftime("%a %d %b %Y") if isinstance(when, dt.date) else ""
    rows = [
        (
            t("FgcPanel", "Stage"),
            STAGE_WORDS.get(to_stage, theirs.stage_words) if to_stage else theirs.stage_words,
            theirs.stage_words,
        ),
        (
            t("FgcPanel", "Coordinator"),
            str(mine.get("coordinator") or ""),
            theirs.coordinator or "",
        ),
        (
            t("FgcPanel", "Conference date"),
            mine_date,
            theirs.conference_date.strftime("%a %d %b %Y") if theirs.conference_date else "",
        ),
        (t("FgcPanel", "Plan agreed"), plan(mine.get("plan")), plan(theirs.plan_agreed)),
    ]
    return Conflict(
        t("FgcPanel", "The FGC referral for %1").replace("%1", theirs.household_reference),
        by or t("FgcPanel", "someone else"),
        hhmm(at),
        pairs(rows),
    )


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
        st.next.clicked.connect(lambda: self._next())
        st.set_date.clicked.connect(lambda: self._set_date())
        st.see_change_requested.connect(self._see_stage_change)
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
        c = self.panel.consent
        given = c.given.given()
        doing = translate("FgcPanel", "Record consent")
        content = step_content(
            "consent",
            None,
            doing=doing,
            kind=c.kind.currentData(),
            person=given.victim_person_id,
            how=given.how,
            at=given.at,
            relayed=given.relayed_by,
        )
        self._send(content, doing, c.given.clear)

    def _add_invitee(self, from_household: bool) -> None:
        inv = self.panel.invites
        given = inv.given.given()
        doing = translate("FgcPanel", "Add to the invite list")
        content = step_content(
            "invitee",
            None,
            doing=doing,
            person=inv.household.currentData() if from_household else None,
            new=None if from_household else inv.new_person(),
            relationship=inv.relationship.text(),
            approval=given if inv.approved.isChecked() else None,
            request=given if inv.victim_requested.isChecked() else None,
            acknowledges=inv.acknowledges.isChecked(),
            willing=inv.willing.isChecked(),
        )
        self._send(content, doing, inv.clear_form)

    def _record_safeguard(self) -> None:
        sg = self.panel.safeguards
        doing = translate("FgcPanel", "Record safeguard")
        content = step_content(
            "safeguard", None, doing=doing, kind=sg.kind.currentData(), note=sg.note.text()
        )
        self._send(content, doing, sg.note.clear)

    def _set_date(self, version: int | None = None) -> None:
        """Against the version the stage form was started from (``version``: theirs, when
        the coordinator puts theirs on top after a conflict)."""
        if self.panel.state is None or self.panel.state.referral is None:
            return
        st = self.panel.stage
        date = st.conference_date()
        if version is None:
            known = self.panel.state.referral.version
            version = st.base_version if st.base_version is not None else known
        doing = translate("FgcPanel", "Set conference date")
        content = step_content("date", version, date=date)
        self._send(
            content,
            doing,
            st.saved,
            on_conflict=lambda exc: self._stage_conflict(exc, doing, None, self._set_date),
        )

    def _route_by_hand(self) -> None:
        ro, actor = self.panel.routing, self.panel.ctx.actor
        team, reason = ro.team.currentData(), ro.reason.text()
        self.panel.write(
            lambda s, rid: routing.route_by_hand(s, actor, rid, team, reason),
            translate("FgcPanel", "Choose team by hand"),
            ro.reason.clear,
        )

    def _next(self, version: int | None = None, to_stage: str | None = None) -> None:
        """The next step, against the version the stage form was started from
        (``version``: theirs, when the coordinator puts theirs on top after a conflict, with
        ``to_stage`` the step first asked for: never a further one)."""
        if self.panel.state is None or self.panel.state.referral is None:
            return
        view, st = self.panel.state.referral, self.panel.stage
        to_stage = to_stage or view.next_stage
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
        if version is None:
            version = st.base_version if st.base_version is not None else view.version
        doing = st.next.text()
        content = step_content(
            "advance",
            version,
            stage=to_stage,
            coordinator=coordinator,
            match=match,
            plan=plan,
            review=review,
            close=close,
        )
        self._send(
            content,
            doing,
            st.saved,
            on_conflict=lambda exc: self._stage_conflict(
                exc, doing, to_stage, lambda v: self._next(v, to_stage)
            ),
        )

    def _send(
        self,
        content: dict[str, Any],
        doing: str,
        after: Callable[[], None] | None,
        on_conflict: Callable[[Any], None] | None = None,
    ) -> None:
        """A step as data (``ui/fgc/waits.py``): made while the server cannot be reached, it
        waits on the laptop (in the meeting room) and the form is free again (a stage step
        against its version, with ``on_conflict``; a consent, safeguard or invitee under its
        reference, stored once however often it is sent)."""
        panel = self.panel
        step = step_of(content, panel.ctx.actor, panel.ctx.profile)
        waiting, state = panel.waiting, panel.state
        offline = None
        if waiting is not None and state is not None and state.referral is not None:
            kept = {**content, "item_id": state.agenda_item_id, "referral_id": state.referral.id}
            once = content["step"] in ONCE

            def offline() -> None:
                waiting.keep(kept)
                if not once:
                    panel.stage.saved()
                elif after is not None:
                    after()  # what was typed is on the laptop now: the form is free again

        panel.write(step, doing, after, on_conflict=on_conflict, on_offline=offline)

    def _see_stage_change(self) -> None:
        """The stage form's "See the change": both versions before anything is sent (the
        form's stage is the one it was started from; who changed it is read first)."""
        state, st, ctx = self.panel.state, self.panel.stage, self.panel.ctx
        referral = state.referral if state else None
        if state is None or referral is None:
            return
        started = st.base.stage if st.base is not None else None
        rid = referral.id
        self.panel.ops.query(
            self.panel,
            lambda: last_change(ctx.sessions, rid),
            lambda found: self._choose(state, started, found[0], found[1], None),
            doing=translate("FgcPanel", "See the change"),
        )

    def _stage_conflict(
        self, exc: Any, doing: str, to_stage: str | None, again: Callable[[int], None]
    ) -> None:
        """A step sent against a version someone else changed since: both versions."""
        theirs = getattr(exc, "theirs", None)
        if not isinstance(exc, ReferralConflict) or theirs is None or theirs.referral is None:
            self.panel.refuse(exc, doing)
            return
        self._choose(theirs, to_stage, exc.by, exc.at, again)

    def _choose(
        self,
        theirs: CaseFgc,
        to_stage: str | None,
        by: str | None,
        at: Any,
        again: Callable[[int], None] | None,
    ) -> None:
        st, referral = self.panel.stage, theirs.referral
        assert referral is not None
        choice = self.panel.messages.conflict(
            self.panel, stage_conflict(st.content(), to_stage, referral, by, at)
        )
        if choice == MINE_ON_TOP and again is not None:
            st.rebase(referral.version)
            again(referral.version)  # reads the form as typed, before theirs is shown
            self.panel.show_theirs(theirs)
        elif choice == KEEP_THEIRS:
            st.saved()  # what was typed is dropped: the form shows theirs
            self.panel.show_theirs(theirs)
        else:  # go on editing (or, from "See the change", put mine on top by sending)
            st.rebase(referral.version)
            self.panel.show_theirs(theirs)

    def _end(self, stage: str, version: int | None = None, reason: str | None = None) -> None:
        """Suspend, stop, decline or withdraw, against the version the stage form was
        started from (``version``: theirs, when the coordinator puts the step on top of
        theirs after a conflict, with the ``reason`` already given)."""
        if self.panel.state is None or self.panel.state.referral is None:
            return
        words = STAGE_WORDS[stage]
        if reason is None:
            reason = self._ask_reason(
                translate("FgcPanel", "Referral %1").replace("%1", words),
                translate("FgcPanel", "Why is the referral %1?").replace("%1", words),
            )
        if reason is None:
            self.panel.refuse(FgcError(f"not {words}: a reason is needed"), words)
            return
        st = self.panel.stage
        if version is None:
            known = self.panel.state.referral.version
            version = st.base_version if st.base_version is not None else known
        given = reason
        self._send(
            step_content("end", version, stage=stage, reason=given),
            words,
            None,
            on_conflict=lambda exc: self._stage_conflict(
                exc, words, stage, lambda v: self._end(stage, v, given)
            ),
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
        doing = translate("FgcPanel", "Victim approves")
        invitee = self._selected(doing)
        if invitee is None:
            return
        self._for_invitee(invitee, "approve", doing, approval=self.panel.invites.given.given())

    def _three_answers(self) -> None:
        inv = self.panel.invites
        doing = translate("FgcPanel", "The three answers")
        invitee = self._selected(doing)
        if invitee is None:
            return
        self._for_invitee(
            invitee,
            "answers",
            doing,
            inv.clear_form,
            request=inv.given.given() if inv.victim_requested.isChecked() else None,
            acknowledges=inv.acknowledges.isChecked(),
            willing=inv.willing.isChecked(),
        )

    def _withdraw_request(self) -> None:
        doing = translate("FgcPanel", "The victim withdraws the request")
        invitee = self._selected(doing)
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
        self._for_invitee(
            invitee, "withdraw_request", doing, says=self.panel.invites.given.given(), reason=reason
        )

    def _remove(self) -> None:
        doing = translate("FgcPanel", "Remove from the invite list")
        invitee = self.panel.invites.selected()
        if invitee is None:
            self.panel.refuse(
                FgcError("choose someone on the invite list first"), translate("FgcPanel", "Remove")
            )
            return
        reason = self._ask_reason(
            doing,
            translate("FgcPanel", "Why is %1 no longer invited?").replace("%1", invitee.name),
        )
        if reason is None:
            return
        self._for_invitee(invitee, "remove", doing, reason=reason)

    def _for_invitee(
        self,
        invitee: Any,
        step: str,
        doing: str,
        after: Callable[[], None] | None = None,
        **fields: Any,
    ) -> None:
        """A step on one person of the invite list, sent as data (``_send``)."""
        content = step_content(
            step, None, doing=doing, invitee=invitee.id, name=invitee.name, **fields
        )
        self._send(content, doing, after)

    def _withdraw_consent(self) -> None:
        doing = translate("FgcPanel", "Withdraw consent")
        rows = self.panel.consent.table.selectionModel().selectedRows()
        consent = self.panel.consent.model.row_at(rows[0].row()) if rows else None
        if consent is None:
            self.panel.refuse(FgcError("choose a consent first"), doing)
            return
        reason = self._ask_reason(
            doing, translate("FgcPanel", "Why is consent withdrawn? (the family's words)")
        )
        if reason is None:
            return
        content = step_content(
            "withdraw_consent",
            None,
            doing=doing,
            consent=consent.id,
            name=consent.person_name,
            reason=reason,
        )
        self._send(content, doing, None)
