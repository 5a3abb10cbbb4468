"""The FGC panel's steps as plain data, so that one made while the server cannot be
reached is kept on the laptop with the room's other waiting saves and sent once when the
connection is back.

- **The stage form's steps** (next stage, conference date, suspend, stop, decline,
  withdraw) are sent against the version the form was started from, through the same
  conflict check. A step that meets a referral changed meanwhile is shown beside theirs
  (the conflict view): keep theirs, or put mine on top (the same step on their version).
  One that is in effect already (it reached the server before the connection dropped) is
  done, not a conflict.
- **The other steps** (``ONCE``) change nothing anyone else typed, so they carry no
  version; each is stored once however often it is sent. Those that add a record (a
  consent, a safeguard, an invitee) or record a victim's decision (approving an invitee,
  the three answers, withdrawing the request) carry their reference, which the gate stores
  with the record (``client_ref``); those that close something (taking someone off the
  list, withdrawing consent) are sent again as such (``again``), and find it closed by
  their first attempt. Whatever the gate refuses when it is sent (consent withdrawn
  meanwhile, say) is said in the gate's words, with what was typed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from frontdoor_app.ui.core.i18n import translate

if TYPE_CHECKING:
    from frontdoor_app.access.actor import Actor
    from frontdoor_app.fgc.changes import Step
    from frontdoor_app.fgc.gate import VictimSays
    from frontdoor_app.fgc.views import ReferralView
    from frontdoor_app.profile import Profile

KIND = "fgc_step"  # in the outbox
ADDS = ("consent", "safeguard", "invitee")  # steps that add a record
DECISIONS = ("approve", "answers", "withdraw_request")  # record a victim's decision
CLOSES = ("remove", "withdraw_consent")  # close something: done when found closed
ONCE = ADDS + DECISIONS + CLOSES  # no version: stored once however often sent
SEND_TRIES = 3  # an added record meeting a change at the same moment is sent this often


def _day(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else None


def _moment(value: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else None


def _data(value: Any) -> Any:
    """``value`` as JSON can hold it: dates as ISO text, dataclasses as dicts."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def step_content(step: str, version: int | None, **fields: Any) -> dict[str, Any]:
    """A step as data: ``step`` is "advance", "date" or "end" (against ``version``), or one
    of ``ONCE`` (``version`` None)."""
    return {
        "ref": uuid.uuid4().hex,
        "step": step,
        "version": version,
        **{k: _data(v) for k, v in fields.items()},
    }


def _says(value: Any) -> VictimSays | None:
    from frontdoor_app.fgc.gate import VictimSays

    if not isinstance(value, dict):
        return None
    return VictimSays(
        value.get("victim_person_id"),
        value["how"],
        _moment(value.get("at")),
        value.get("relayed_by"),
    )


def _given(value: Any) -> VictimSays:
    """A victim's decision the step carries (the form always gives one)."""
    says = _says(value)
    if says is None:
        raise ValueError("the step carries no decision of the victim's")
    return says


def _adds(content: dict[str, Any], actor: Actor, profile: Profile) -> Step:
    """A consent, safeguard or invitee step: stored once under ``content["ref"]``."""
    from frontdoor_app.fgc import gate
    from frontdoor_app.fgc.people import NewPerson

    kind, ref = content["step"], content["ref"]
    if kind == "consent":
        return lambda s, rid: gate.record_consent(
            s,
            actor,
            rid,
            content["kind"],
            content.get("person"),
            content["how"],
            _moment(content.get("at")),
            content.get("relayed"),
            client_ref=ref,
        )
    if kind == "safeguard":
        return lambda s, rid: gate.record_safeguard(
            s, actor, rid, content["kind"], content.get("note"), client_ref=ref
        )
    new = content.get("new")
    new_person = (
        NewPerson(
            new.get("forenames"), new.get("surname") or "", _day(new.get("dob")), new.get("contact")
        )
        if isinstance(new, dict)
        else None
    )
    return lambda s, rid: gate.add_invitee(
        s,
        actor,
        rid,
        person_id=content.get("person"),
        new_person=new_person,
        relationship=content.get("relationship"),
        approval=_says(content.get("approval")),
        request=_says(content.get("request")),
        acknowledges_abuse=bool(content.get("acknowledges")),
        willing_to_address=bool(content.get("willing")),
        rules=profile.intake,
        client_ref=ref,
    )


def _once(content: dict[str, Any], actor: Actor, again: bool) -> Step:
    """A victim's decision on the invite list (stored once under ``content["ref"]``), or a
    step that closes something (``again``: sent again, it finds it closed)."""
    from frontdoor_app.fgc import gate, referrals

    kind, ref, who = content["step"], content["ref"], int(content.get("invitee") or 0)
    if kind == "approve":
        approval = _given(content.get("approval"))
        return lambda s, _rid: gate.approve_invitee(s, actor, who, approval, client_ref=ref)
    if kind == "answers":
        return lambda s, _rid: gate.record_three_answers(
            s,
            actor,
            who,
            request=_says(content.get("request")),
            acknowledges_abuse=bool(content.get("acknowledges")),
            willing_to_address=bool(content.get("willing")),
            client_ref=ref,
        )
    if kind == "withdraw_request":
        says = _given(content.get("says"))
        return lambda s, _rid: gate.withdraw_request(
            s, actor, who, says, content["reason"], client_ref=ref
        )
    if kind == "remove":
        return lambda s, _rid: gate.remove_invitee(s, actor, who, content["reason"], again)
    return lambda s, _rid: referrals.withdraw_consent(
        s, actor, content["consent"], content["reason"], again
    )


def step_of(content: dict[str, Any], actor: Actor, profile: Profile, again: bool = False) -> Step:
    """The domain step ``content`` describes: run against ``content["version"]``, or stored
    once however often it is sent (``ONCE``; ``again``: this is a sending after the first)."""
    from frontdoor_app.fgc import gate, referrals  # when a step is made, not at start-up

    version, kind = content["version"], content["step"]
    if kind in ADDS:
        return _adds(content, actor, profile)
    if kind in DECISIONS + CLOSES:
        return _once(content, actor, again)
    if kind == "date":
        day = _day(content.get("date"))
        return lambda s, rid: gate.set_conference_date(
            s,
            actor,
            rid,
            day,  # type: ignore[arg-type]  # None is refused by the gate in its own words
            version,
            today=profile.today(),
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


def described(content: dict[str, Any], doing: str) -> str:
    """What the step was (``content["doing"]``, else ``doing``) and, for one of ``ONCE``,
    what was typed in it and whom it was about: a message about a step that waited and was
    then refused is all that is left of it."""
    doing = content.get("doing") or doing
    if content["step"] not in ONCE:
        return doing
    from frontdoor_app.fgc.gate import CONSENT_KINDS, SAFEGUARD_WORDS

    words = {**CONSENT_KINDS, **SAFEGUARD_WORDS} if content["step"] != "invitee" else {}
    new = content.get("new")
    typed = [
        str(v)
        for v in (
            words.get(content.get("kind") or ""),
            " ".join(str(new.get(k) or "") for k in ("forenames", "surname")).strip()
            if isinstance(new, dict)
            else None,
            content.get("name"),
            content.get("relationship"),
            content.get("note"),
            content.get("reason"),
            content.get("relayed"),
        )
        if v
    ]
    return f"{doing} ({'; '.join(typed)})" if typed else doing


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
        step = step_of(content, ctx.actor, ctx.profile, again=True)
        doing = content.get("doing") or translate("FgcPanel", "FGC referral")

        def done(_state: Any) -> None:
            saves.settle(ref)
            saves.status.emit(translate("FgcPanel", "FGC step sent"), 5000)
            # the case shown (its FGC tab) and the FGC queue, if open, from the feed
            saves.saved.emit(content["item_id"], False)

        def failed(exc: BaseException) -> None:
            saves.settle(ref)
            # Not stored, and no longer on the laptop: what was typed is in the message.
            saves.commands.failed(exc, described(content, doing))

        def conflict(exc: Any) -> None:
            tries = int(content.get("tries") or 1)
            if content["step"] in ONCE and tries < SEND_TRIES:
                # Another change at the same moment: an added record overwrites nothing, and
                # its reference stores it once, so it is sent again.
                self.resend({**content, "tries": tries + 1})
                return
            saves.settle(ref)
            if content["step"] in ONCE:
                saves.commands.failed(exc, described(content, doing))
                return
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
