"""Failed sign-ins to the shared PostgreSQL server, brought into the audit trail.

A refused password never reaches the application: the server refuses the connection before
any session exists, so no client can write that row (and a client that could write "someone
failed as Lee" could write it for anyone). The server itself records every refusal in its
log. Set up with ``log_destination = 'csvlog'`` (``scripts/meeting-server.sh`` does), the
log is machine-readable: ``frontdoor server failed-sign-ins LOG_FOLDER`` reads it on the
server's host and adds one audit row per refusal (action ``login``, the login tried, the
client's address, the time of the attempt), chained like every other row. Run again, it
adds only what is new: each row names the log line it came from.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor_app.models import AuditEvent, User

# PostgreSQL's csvlog columns (the same first 14 in every version since 9.0).
LOG_TIME, USER_NAME, CONNECTION_FROM, SESSION_ID, SESSION_LINE = 0, 1, 4, 5, 6
SEVERITY, SQL_STATE, MESSAGE = 11, 12, 13
# invalid_password; invalid_authorization_specification (no such login, no pg_hba.conf entry).
REFUSED = ("28P01", "28000")
DETAIL_PREFIX = "failed sign-in"


@dataclass(frozen=True)
class FailedSignIn:
    at: dt.datetime  # UTC
    login: str
    client: str  # host:port the attempt came from
    reason: str  # the server's message
    line: str  # the log line's own key: "session id:line number"


class LogError(ValueError):
    """A log file that is not PostgreSQL's csvlog; the message names the file and line."""


def read_csvlog(paths: Iterable[Path]) -> list[FailedSignIn]:
    """Every refused sign-in in the csvlog files, oldest first."""
    found = [event for path in sorted(paths) for event in _refusals(path)]
    return sorted(found, key=lambda e: (e.at, e.line))


def _refusals(path: Path) -> Iterator[FailedSignIn]:
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        for number, row in enumerate(csv.reader(handle), start=1):
            if len(row) <= MESSAGE:
                raise LogError(
                    f"{path}, line {number}: not a PostgreSQL csvlog line "
                    f"({len(row)} fields; the server must log with log_destination = 'csvlog')"
                )
            state = row[SQL_STATE]
            if row[SEVERITY] != "FATAL" or state not in REFUSED or not row[USER_NAME]:
                continue
            yield FailedSignIn(
                at=_utc(row[LOG_TIME], path, number),
                login=row[USER_NAME],
                client=row[CONNECTION_FROM] or "the server's own socket",
                reason=row[MESSAGE],  # the server's own words, e.g. password … failed
                line=f"{row[SESSION_ID]}:{row[SESSION_LINE]}",
            )


def _utc(text: str, path: Path, number: int) -> dt.datetime:
    # "2026-12-03 22:31:07.123 UTC" (log_timezone decides the zone's name).
    stamp, _, zone = text.rpartition(" ")
    try:
        at = dt.datetime.fromisoformat(stamp)
    except ValueError:
        raise LogError(f"{path}, line {number}: {text!r} is not a log time") from None
    if zone not in ("UTC", "GMT", "+00", "Z"):
        raise LogError(
            f"{path}, line {number}: the log is kept in {zone!r}; set log_timezone = 'UTC' "
            "so the trail's times are exact"
        )
    return at.replace(tzinfo=dt.UTC)


def record_failed(session: Session, events: Iterable[FailedSignIn]) -> int:
    """Add an audit row for each refusal not yet in the trail; returns how many were added."""
    events = list(events)
    if not events:
        return 0
    known = {
        detail.rpartition("[log ")[2].rstrip("]")
        for detail in session.scalars(
            select(AuditEvent.detail).where(
                AuditEvent.action == "login",
                AuditEvent.detail.like(f"{DETAIL_PREFIX}%"),
                AuditEvent.at >= min(e.at for e in events),
            )
        )
        if detail
    }
    users = dict(
        session.execute(
            select(User.login, User.id).where(User.login.in_({e.login for e in events}))
        ).all()
    )
    added = 0
    for event in events:
        if event.line in known:
            continue
        known.add(event.line)
        session.add(
            AuditEvent(
                at=event.at,
                user_id=users.get(event.login),
                user_login=event.login[:64],
                action="login",
                entity="app_user",
                entity_id=users.get(event.login),
                detail=f"{DETAIL_PREFIX} from {event.client}: {event.reason} [log {event.line}]",
            )
        )
        added += 1
    session.flush()
    return added
