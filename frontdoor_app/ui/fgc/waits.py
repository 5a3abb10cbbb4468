"""The FGC stage form's steps (next stage, conference date, suspend, stop, decline,
withdraw) as plain data, so that one made while the server cannot be reached is kept on the
laptop with the room's other waiting saves and sent once when the connection is back —
against the version the form was started from, through the same conflict check. A step
that meets a referral changed meanwhile is shown beside theirs (the conflict view): keep
theirs, or put mine on top (the same step on their version). One that is in effect
already (it reached the server before the connection dropped) is done, not a conflict.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from frontdoor_app.ui.core.i18n import translate

if TYPE_CHECKING:
    from frontdoor_app.access.actor import Actor
    from frontdoor_app.fgc.changes import Step
    from frontdoor_app.fgc.views import ReferralView
    from frontdoor_app.profile import Profile

KIND = "fgc_step"  # in the outbox


def _day(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else None


def step_content(step: str, version: int, **fields: Any) -> dict[str, Any]:
    """A step as data (dates as ISO text): ``step`` is "advance", "date" or "end"."""
    return {
        "ref": uuid.uuid4().hex,
        "step": step,
        "version": version,
        **{k: v.isoformat() if isinstance(v, dt.date) else v for k, v in fields.items()},
    }


def step_of(content: dict[str, Any], actor: Actor, profile: Profile) -> Step:
    """The domain step ``content`` describes, run against ``content["version"]``."""
    from frontdoor_app.fgc import gate, referrals  # when a step is made, not at start-up

    version, kind = content["version"], content["step"]
    if kind == "date":
        day = _day(content.get("date"))
        return lambda s, rid: gate.set_conference_date(
            s,
            actor,
            rid,
            day,  # type: ignore[arg-type]  # None is refused by the gate in its own words
            version,
            rules=profile.intake,
        )
    if kind == "end":
        return lambda s, rid: referrals.end_referral(
            s, actor, rid, content["stage"], content["reason"], version
        )
    return lambda s, rid: referrals.advance(
        s,
        actor,
        profile,
        rid,
        content["stage"],
        version=version,
        coordinator=content.get("coordinator") or "",
        match_request=content.get("match") or "",
        plan_agreed=content.get("plan"),
        review_date=_day(content.get("review")),
        close_reason=content.get("close"),
    )


def in_effect(content: dict[str, Any], theirs: ReferralView) -> bool:
    """The referral stands as the step would leave it, one version on."""
    if theirs.version != content["version"] + 1:
        return False
    if content["step"] == "date":
        return bool(theirs.conference_date == _day(content.get("date")))
    return bool(theirs.stage == content["stage"])


def mine(content: dict[str, Any]) -> dict[str, Any]:
    """The step as the stage form's fields, for the conflict view."""
    return {
        "coordinator": content.get("coordinator") or "",
        "conference_date": _day(content.get("date")),
        "plan": content.get("plan"),
    }


class FgcWaits:
    """Keeps and sends the FGC steps that wait, for the meeting room's saves (``CaseSaves``
    of ``ui/meeting``, which this feature does not import: its outbox, signals, commands)."""

    def __init__(self, saves: Any) -> None:
        self.saves = saves
        saves.resenders[KIND] = lambda content, _item: self.resend(content)

    def keep(self, content: dict[str, Any]) -> None:
        self.saves.keep_waiting(KIND, content["item_id"], content)

    def resend(self, content: dict[str, Any]) -> None:
        # The FGC domain (and the referral PDF's machinery behind it) loads when a step is
        # sent, not with the meeting room.
        from frontdoor_app.fgc.changes import change_referral
        from frontdoor_app.fgc.errors import ReferralConflict
        from frontdoor_app.fgc.views import CaseFgc

        saves, ref = self.saves, content["ref"]
        ctx = saves.commands.ctx
        step = step_of(content, ctx.actor, ctx.profile)
        doing = translate("FgcPanel", "FGC referral")

        def done(_state: Any) -> None:
            saves.settle(ref)
            saves.status.emit(translate("FgcPanel", "FGC step sent"), 5000)
            saves.room_stale.emit()
            saves.case_stale.emit(content["item_id"])

        def failed(exc: BaseException) -> None:
            saves.settle(ref)
            saves.commands.failed(exc, doing)

        def conflict(exc: Any) -> None:
            saves.settle(ref)
            now = exc.theirs if isinstance(exc, ReferralConflict) else None
            theirs = now.referral if isinstance(now, CaseFgc) else None
            if theirs is None:
                saves.commands.failed(exc, doing)
            elif in_effect(content, theirs):
                done(exc.theirs)
            else:
                self._choose(content, theirs, exc.by, exc.at)

        saves.commands.ops.command(
            saves.owner,
            lambda _reason: change_referral(
                ctx.sessions, ctx.profile, content["item_id"], content["referral_id"], step
            ),
            done,
            doing=doing,
            on_conflict=conflict,
            on_offline=lambda: self.keep(content),
            on_failed=failed,
        )

    def _choose(self, content: dict[str, Any], theirs: ReferralView, by: Any, at: Any) -> None:
        from frontdoor_app.ui.core.conflict_view import MINE_ON_TOP
        from frontdoor_app.ui.fgc.panel_steps import stage_conflict

        saves = self.saves
        to_stage = content.get("stage")
        view = stage_conflict(mine(content), to_stage, theirs, by, at)
        if saves.messages.conflict(saves.owner, view) == MINE_ON_TOP:
            self.resend({**content, "ref": uuid.uuid4().hex, "version": theirs.version})
        else:
            saves.case_stale.emit(content["item_id"])
            saves.status.emit(
                translate("FgcPanel", "Their FGC referral kept; your step was not sent"), 8000
            )
