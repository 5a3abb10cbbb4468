"""One authority profile for every laptop on a shared server.

A laptop reads its own profile file; on the embedded SQLite file that is the whole story.
On a shared server, fifteen laptops with fifteen copies of the file could disagree (one
not yet given the new confidentiality statement, or an older set of meeting rules), and
the same meeting would be run and minuted by different rules. So ``server init`` and
``server upgrade`` keep the profile file they were given in the ``authority_profile``
table, and each client signing in to the server runs by the newest row. The laptop's own
file then counts for nothing but its clock (a stopped clock is not in any file), and a
difference is logged with both hashes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from frontdoor_app.models import AuthorityProfile
from frontdoor_app.profile import Profile, parse_profile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredProfile:
    """The server's profile row, as the client and ``server check`` see it."""

    set_at: dt.datetime
    set_by: str
    source: str
    sha256: str
    text: str

    @property
    def name(self) -> str:
        """What error messages call it (a server's profile has no file on this laptop)."""
        return f"the server's profile ({self.source}, set {self.set_at:%d %b %Y %H:%M} UTC)"


def stored_profile(session: Session) -> StoredProfile | None:
    """The newest profile kept on the server, or None when it has none yet."""
    row = session.scalars(select(AuthorityProfile).order_by(AuthorityProfile.id.desc())).first()
    if row is None:
        return None
    return StoredProfile(row.set_at, row.set_by, row.source, row.sha256, row.text)


def keep_profile(session: Session, profile: Profile) -> bool:
    """``server init``/``upgrade``: keep ``profile`` as the one in force unless it already
    is (the same text). True when a new row was added."""
    if not profile.source_text:
        raise ValueError("a profile with no source text cannot be kept on the server")
    current = stored_profile(session)
    if current is not None and current.sha256 == profile.sha256:
        return False
    by = session.execute(text("SELECT session_user")).scalar_one()
    session.add(
        AuthorityProfile(
            set_by=str(by), source=profile.path, sha256=profile.sha256, text=profile.source_text
        )
    )
    return True


def profile_in_force(session: Session, local: Profile) -> Profile:
    """The profile a client on the server runs by: the server's (with ``local``'s clock),
    or ``local`` when the server keeps none (set up before it kept one) or the same."""
    stored = stored_profile(session)
    if stored is None:
        log.warning(
            "the server keeps no authority profile (`frontdoor server upgrade` sets it): "
            "this laptop's %s is used",
            local.path,
        )
        return local
    if stored.sha256 == local.sha256:
        return local
    log.info(
        "this laptop's profile %s (sha256 %s) differs from %s (sha256 %s): the server's is used",
        local.path,
        local.sha256[:12],
        stored.name,
        stored.sha256[:12],
    )
    return dataclasses.replace(parse_profile(stored.text, stored.name), fixed_now=local.fixed_now)
