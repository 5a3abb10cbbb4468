"""Who is doing something: the signed-in user, as plain data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    login: str
    display_name: str
    role: str  # chair | representative | admin | viewer | fgc_coordinator
    agency_id: int | None = None
    agency_code: str | None = None
    fgc_team_id: int | None = None  # the FGC team of an fgc_coordinator

    @property
    def is_chair(self) -> bool:
        return self.role == "chair"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


SYSTEM = Actor(user_id=None, login="system", display_name="System", role="admin")
