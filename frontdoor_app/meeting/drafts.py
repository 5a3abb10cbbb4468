"""Drafts: what a person is typing, saved as they type, so a crash or closed laptop loses nothing.

One draft per (user login, case, kind); ``kind`` is the screen's own word (for example
``"intelligence"``, ``"decision"``, ``"action"``, ``"victim_view"``). Saving replaces it;
the real save (an entry, a decision) clears it in its own transaction (``drop_draft``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor
from frontdoor_app.models import AgendaItem, Draft
from frontdoor_app.sync import changes

from .common import get, now, unit
from .errors import MeetingError, PermissionDenied
from .views import DraftView

MAX_KIND = 30


def save_draft(
    sessions: sessionmaker[Session], actor: Actor, item_id: int, kind: str, content: Any
) -> DraftView:
    """Keep ``content`` (any JSON value, e.g. ``{"text": ...}``) as this user's draft."""
    if actor.role == "viewer":
        raise PermissionDenied("A viewer cannot write, so keeps no drafts.")
    _check_kind(kind)
    with unit(sessions) as s:
        item = get(s, AgendaItem, item_id, "Case")
        draft = _find(s, actor.login, item_id, kind)
        if draft is None:
            draft = Draft(
                user_login=actor.login,
                agenda_item_id=item_id,
                kind=kind,
                content=content,
                saved_at=now(),
            )
            s.add(draft)
            s.flush()
            operation = "create"
        else:
            draft.content, draft.saved_at = content, now()
            s.flush()
            operation = "update"
        # That a draft was kept, never its text: the audit trail is permanent, a draft is not.
        audit.record(
            s,
            actor,
            operation,
            "draft",
            draft.id,
            None,
            None,
            f"draft {kind} kept for case {item_id}",
        )
        changes.note(s, "draft", draft.id, operation, item.meeting_id)
        return _view(draft)


def load_draft(session: Session, actor: Actor, item_id: int, kind: str) -> DraftView | None:
    """The signed-in user's own draft of ``kind`` for the case, if one is kept."""
    draft = _find(session, actor.login, item_id, kind)
    return _view(draft) if draft is not None else None


def list_drafts(
    session: Session, actor: Actor, item_id: int | None = None
) -> tuple[DraftView, ...]:
    """Every draft this user has kept (for one case, or all): offered back after a crash."""
    query = select(Draft).where(Draft.user_login == actor.login)
    if item_id is not None:
        query = query.where(Draft.agenda_item_id == item_id)
    return tuple(_view(d) for d in session.scalars(query.order_by(Draft.saved_at.desc())))


def clear_draft(sessions: sessionmaker[Session], actor: Actor, item_id: int, kind: str) -> bool:
    """Forget the draft (the user dropped it); True when there was one."""
    with unit(sessions) as s:
        return drop_draft(s, actor, item_id, kind)


def drop_draft(s: Session, actor: Actor, item_id: int, kind: str) -> bool:
    """Forget the draft inside the caller's unit of work (the save that replaces it)."""
    draft = _find(s, actor.login, item_id, kind)
    if draft is None:
        return False
    meeting_id = get(s, AgendaItem, item_id, "Case").meeting_id
    draft_id = draft.id
    s.delete(draft)
    s.flush()
    audit.record(s, actor, "delete", "draft", draft_id, None, None, f"draft {kind} cleared")
    changes.note(s, "draft", draft_id, "delete", meeting_id)
    return True


def _find(s: Session, login: str, item_id: int, kind: str) -> Draft | None:
    return s.scalar(
        select(Draft).where(
            Draft.user_login == login, Draft.agenda_item_id == item_id, Draft.kind == kind
        )
    )


def _check_kind(kind: str) -> None:
    if not kind or len(kind) > MAX_KIND:
        raise MeetingError(f"A draft needs a kind of 1 to {MAX_KIND} characters.")


def _view(d: Draft) -> DraftView:
    return DraftView(d.id, d.user_login, d.agenda_item_id, d.kind, d.content, d.saved_at, d.version)
