"""What agencies add to a case: intelligence, the victim's view, the child's voice, and
the record of each decision to share or not to share information.

Information stays the property of the agency that gave it: each entry says whether it may
be shared beyond the meeting, and an entry restricted to an agency is seen only by that
agency and the chair (never on the projector; see ``case``).
"""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor, may_change_entry, require_agency
from frontdoor_app.models import Agency, IntelligenceEntry, SharingDecision
from frontdoor_app.wording import optional

from .common import (
    Writer,
    check_version,
    get,
    item_and_meeting,
    require_text,
    save_target,
    unit,
)
from .drafts import drop_draft
from .errors import ConflictError, EntryConflict, MeetingError, PermissionDenied
from .views import ENTRY_KINDS, IntelligenceView, SharingView

KIND_WORDS = {
    "agency": "intelligence",
    "victim_view": "the victim's view",
    "child_voice": "the child's voice",
}
MAX_TEXT = 20_000


def add_entry(
    sessions: sessionmaker[Session],
    actor: Actor,
    item_id: int,
    agency_id: int,
    text: str,
    *,
    kind: str = "agency",
    may_share_beyond_meeting: bool = False,
    restricted_to_agency_id: int | None = None,
    author_name: str | None = None,
    reason: str | None = None,
    client_ref: str | None = None,
    draft: str | None = None,
) -> IntelligenceView:
    """Add what an agency knows (or the victim's view / child's voice) to a case.

    ``author_name`` defaults to the signed-in user's name; a representative may add only
    for their own agency. ``reason`` is needed only after the meeting is closed.
    ``client_ref`` is the laptop's reference for this Save: sent again (after a dropped
    connection), the entry it already made is returned instead of a second one.
    ``draft`` names the kind of the user's draft this entry replaces: it is cleared in the
    same transaction.
    """
    _check_kind(kind)
    body = _check_text(text, kind)
    require_agency(actor, agency_id, f"add {KIND_WORDS[kind]}", PermissionDenied)
    with unit(sessions) as s:
        made = None
        if client_ref is not None:
            made = (
                select(IntelligenceEntry.id)
                .where(IntelligenceEntry.client_ref == client_ref)
                .scalar_subquery()
            )
        item, meeting, agency, earlier = save_target(s, item_id, agency_id, made)
        if earlier is not None:  # sent again: this Save's entry is already there
            if draft is not None:
                drop_draft(s, actor, item_id, draft)
            return entry_view(s, get(s, IntelligenceEntry, earlier, "Entry"))
        if restricted_to_agency_id is not None:
            get(s, Agency, restricted_to_agency_id, "Agency")
        writer = Writer(s, actor, meeting, reason, f"add {KIND_WORDS[kind]}")
        entry = IntelligenceEntry(
            agenda_item_id=item.id,
            agency_id=agency.id,
            author_id=actor.user_id,
            author_name=optional(author_name, "The author's name", 200, MeetingError)
            or actor.display_name,
            text=body,
            kind=kind,
            may_share_beyond_meeting=may_share_beyond_meeting,
            restricted_to_agency_id=restricted_to_agency_id,
            client_ref=client_ref,
        )
        s.add(entry)
        writer.written(entry, "create")
        if draft is not None:
            drop_draft(s, actor, item_id, draft)
        return entry_view(s, entry)


def edit_entry(
    sessions: sessionmaker[Session],
    actor: Actor,
    entry_id: int,
    version: int,
    *,
    text: str | None = None,
    may_share_beyond_meeting: bool | None = None,
    restricted_to_agency_id: int | None | Literal["keep"] = "keep",
    reason: str | None = None,
) -> IntelligenceView:
    """Change an entry's text or flags; ``version`` is the one the user's form started from.

    Pass ``restricted_to_agency_id=None`` to lift a restriction; leave it out to keep it.
    An entry edited by someone else meanwhile is refused with ``EntryConflict`` carrying it
    as it now stands (who edited it and when), never overwritten.
    """
    try:
        return _edit_entry(
            sessions,
            actor,
            entry_id,
            version,
            text,
            may_share_beyond_meeting,
            restricted_to_agency_id,
            reason,
        )
    except EntryConflict:
        raise
    except ConflictError as exc:
        # Saved at the same moment as someone else's edit: theirs won the row.
        with sessions() as s:
            theirs = entry_view(s, get(s, IntelligenceEntry, entry_id, "Entry"))
        if theirs.version == version:
            # Nobody changed it: the server's row rules refused the change (they hold the
            # same people to the same rules as ``_may_edit``, as a safety net), never a
            # conflict with itself.
            raise PermissionDenied(_SERVER_REFUSED) from exc
        raise EntryConflict(_EDITED, theirs) from exc


_SERVER_REFUSED = (
    "The meeting server refused this change to the entry: its rules do not let you change "
    "it. Add what you know as an entry of your own."
)
_EDITED = (
    "The entry was changed by someone else after you started editing it; both versions are "
    "shown so you can choose."
)


def _edit_entry(
    sessions: sessionmaker[Session],
    actor: Actor,
    entry_id: int,
    version: int,
    text: str | None,
    may_share_beyond_meeting: bool | None,
    restricted_to_agency_id: int | None | Literal["keep"],
    reason: str | None,
) -> IntelligenceView:
    with unit(sessions) as s:
        entry = get(s, IntelligenceEntry, entry_id, "Entry")
        _may_edit(actor, entry)
        if entry.version != version:
            raise EntryConflict(_EDITED, entry_view(s, entry))
        _, meeting = item_and_meeting(s, entry.agenda_item_id)
        writer = Writer(s, actor, meeting, reason, f"change {KIND_WORDS[entry.kind]}")
        if isinstance(restricted_to_agency_id, int):
            get(s, Agency, restricted_to_agency_id, "Agency")  # look up before changing the row
        before = audit.snapshot(entry)
        if text is not None:
            entry.text = _check_text(text, entry.kind)
        if may_share_beyond_meeting is not None:
            entry.may_share_beyond_meeting = may_share_beyond_meeting
        if restricted_to_agency_id != "keep":
            entry.restricted_to_agency_id = restricted_to_agency_id
        entry.changed_by_name = actor.display_name
        writer.written(entry, "update", before)
        s.flush()  # the new version and time, for the view
        return entry_view(s, entry)


def record_sharing(
    sessions: sessionmaker[Session],
    actor: Actor,
    item_id: int,
    agency_id: int,
    shared: bool,
    reason: str,
    with_whom: str | None = None,
    amendment_reason: str | None = None,
) -> SharingView:
    """Record a decision to share (with whom) or not to share an agency's information.

    The reason is always required (golden rule 7: the decision either way is recorded).
    """
    why = require_text(reason, "The reason for the sharing decision")
    whom = optional(with_whom, "With whom it is shared", 400, MeetingError)
    if shared and whom is None:
        raise MeetingError("Say with whom the information is shared.")
    require_agency(actor, agency_id, "record a sharing decision", PermissionDenied)
    with unit(sessions) as s:
        item, meeting, agency, _ = save_target(s, item_id, agency_id)
        writer = Writer(s, actor, meeting, amendment_reason, "record a sharing decision")
        row = SharingDecision(
            agenda_item_id=item.id,
            agency_id=agency.id,
            shared=shared,
            with_whom=whom,
            reason=why,
            recorded_by_id=actor.user_id,
        )
        s.add(row)
        writer.written(row, "create")
        return sharing_view(row, agency)


def edit_sharing(
    sessions: sessionmaker[Session],
    actor: Actor,
    sharing_id: int,
    version: int,
    *,
    shared: bool,
    reason: str,
    with_whom: str | None = None,
    amendment_reason: str | None = None,
) -> SharingView:
    """Change a recorded sharing decision (the reason is required again)."""
    why = require_text(reason, "The reason for the sharing decision")
    whom = optional(with_whom, "With whom it is shared", 400, MeetingError)
    if shared and whom is None:
        raise MeetingError("Say with whom the information is shared.")
    with unit(sessions) as s:
        row = get(s, SharingDecision, sharing_id, "Sharing decision")
        require_agency(actor, row.agency_id, "change a sharing decision", PermissionDenied)
        check_version(row, version, "This sharing decision")
        _, meeting = item_and_meeting(s, row.agenda_item_id)
        writer = Writer(s, actor, meeting, amendment_reason, "change a sharing decision")
        before = audit.snapshot(row)
        row.shared, row.with_whom, row.reason = shared, whom, why
        writer.written(row, "update", before)
        return sharing_view(row, get(s, Agency, row.agency_id, "Agency"))


def entry_view(s: Session, entry: IntelligenceEntry) -> IntelligenceView:
    # By key: the save that made the entry has both agencies in hand already (no round trip).
    agencies = [s.get(Agency, i) for i in {entry.agency_id, entry.restricted_to_agency_id} if i]
    codes = {a.id: a.code for a in agencies if a is not None}
    name = next((a.name for a in agencies if a is not None and a.id == entry.agency_id), "")
    restricted = entry.restricted_to_agency_id
    return view_of(
        entry, codes.get(entry.agency_id, ""), name, codes.get(restricted) if restricted else None
    )


def view_of(e: Any, code: str, name: str, restricted_code: str | None) -> IntelligenceView:
    """An entry as shown (an ``IntelligenceEntry``, or a row of its columns), with its
    agency's code and name and the code of the agency it is restricted to."""
    return IntelligenceView(
        id=e.id,
        agenda_item_id=e.agenda_item_id,
        kind=e.kind,
        agency_id=e.agency_id,
        agency_code=code,
        agency_name=name,
        author_id=e.author_id,
        author_name=e.author_name,
        text=e.text,
        may_share_beyond_meeting=e.may_share_beyond_meeting,
        restricted_to_agency_id=e.restricted_to_agency_id,
        restricted_to_agency_code=restricted_code,
        created_at=e.created_at,
        updated_at=e.updated_at,
        version=e.version,
        changed_by_name=e.changed_by_name,
    )


def sharing_view(row: SharingDecision, agency: Agency) -> SharingView:
    return SharingView(
        row.id,
        row.agenda_item_id,
        row.agency_id,
        agency.code,
        agency.name,
        row.shared,
        row.with_whom,
        row.reason,
        row.recorded_by_id,
        row.created_at,
        row.version,
    )


def can_see(viewer: Actor, restricted_to_agency_id: int | None) -> bool:
    """A restricted entry is seen by its agency and the chair only."""
    return (
        restricted_to_agency_id is None
        or viewer.is_chair
        or viewer.agency_id == restricted_to_agency_id
    )


def _check_kind(kind: str) -> None:
    if kind not in ENTRY_KINDS:
        raise MeetingError(
            f"An entry is intelligence, the victim's view or the child's voice; "
            f"{kind!r} is none of these."
        )


def _check_text(text: str | None, kind: str) -> str:
    body = require_text(text, f"The text of {KIND_WORDS.get(kind, 'the entry')}")
    if len(body) > MAX_TEXT:
        raise MeetingError(
            f"The text is {len(body):,} characters long; the most an entry may "
            f"hold is {MAX_TEXT:,}. Split it into two entries."
        )
    return body


def _may_edit(actor: Actor, entry: IntelligenceEntry) -> None:
    if may_change_entry(actor, entry.author_id, entry.agency_id):
        return
    raise PermissionDenied(
        "Only the chair, the author or a colleague from the same agency can change this entry."
    )
