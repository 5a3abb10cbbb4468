"""Importing a police feed file: read, check, store or quarantine each notification.

Every notification in the file is counted exactly once: imported, updated, unchanged or
quarantined. Each is written in its own savepoint and the work is committed in small
chunks, so an interruption never leaves half a notification.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from frontdoor_app.access import audit
from frontdoor_app.access.actor import INTAKE_ROLES, Actor, require
from frontdoor_app.models import ImportBatch, Notification, QuarantinedRecord, utcnow
from frontdoor_app.models.bulk import no_gc_pauses
from frontdoor_app.models.checkpoint import checkpoint_after_commit
from frontdoor_app.models.database import session_scope
from frontdoor_app.profile import Profile
from frontdoor_app.wording import counted

from . import batch, batch_plan
from .agenda import build_agenda_in
from .readers import Feed, FeedUnreadable, RawRecord, json_record, read_feed
from .store import Stored, resolve_waiting, store
from .validate import NotificationData, Problem, validate

Progress = Callable[[int, int], None]
log = logging.getLogger(__name__)

__all__ = ["FeedUnreadable", "ImportSummary", "QuarantineProblem", "import_file", "import_records"]


@dataclass(frozen=True)
class QuarantineProblem:
    """A quarantined notification in the summary: its reference, lines and messages."""

    police_ref: str | None
    lines: tuple[int, ...]
    messages: tuple[Problem, ...]
    record_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "police_ref": self.police_ref,
            "lines": list(self.lines),
            "messages": [m.to_json() for m in self.messages],
        }


@dataclass(frozen=True)
class ImportSummary:
    file: str
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    flagged_no_child: int = 0
    problems: tuple[QuarantineProblem, ...] = ()
    possible_matches: int = 0
    batch_id: int | None = None
    rows_read: int = 0
    already_imported: bool = False
    notification_ids: tuple[int, ...] = field(default=(), repr=False)
    meeting_id: int | None = None  # the agenda built with the import (``agenda_on``)

    @property
    def total(self) -> int:
        return self.imported + self.updated + self.unchanged + self.quarantined

    @property
    def exit_status(self) -> int:
        return 3 if self.quarantined else 0

    def to_json(self) -> dict[str, Any]:
        """The summary in the shape of shared/formats/notifications.md."""
        return {
            "file": self.file,
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "quarantined": self.quarantined,
            "flagged_no_child": self.flagged_no_child,
            "problems": [p.to_json() for p in self.problems],
        }

    def in_words(self) -> str:
        """The summary for a person to read."""
        lines = [
            f"{self.file}: {counted(self.total, 'notification')} read "
            f"({counted(self.rows_read, 'row')})."
            if self.rows_read
            else f"{self.file}: {counted(self.total, 'notification')} read."
        ]
        if self.already_imported:
            lines.append("This file had been imported before.")
        lines.append(
            f"  imported {self.imported}, updated {self.updated}, unchanged "
            f"{self.unchanged}, quarantined {self.quarantined}"
        )
        if self.flagged_no_child:
            lines.append(
                f"  {counted(self.flagged_no_child, 'notification')} "
                f"{'lists' if self.flagged_no_child == 1 else 'list'} no child: "
                "flagged for the meeting to check"
            )
        if self.possible_matches:
            lines.append(
                f"  {counted(self.possible_matches, 'possible match', 'possible matches')} "
                "for a person to confirm"
            )
        for problem in self.problems:
            where = ", ".join(str(n) for n in problem.lines)
            lines.append(
                f"Quarantined {problem.police_ref or '(no reference)'} "
                f"(line{'s' if len(problem.lines) > 1 else ''} {where}):"
            )
            for m in problem.messages:
                line = f"line {m.line}, " if m.line and len(problem.lines) > 1 else ""
                value = f" {m.value!r}" if m.value else " (blank)"
                lines.append(f"  - {line}{m.field}{value}: {m.message}")
        return "\n".join(lines)


@dataclass
class _Counts:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    no_child: int = 0
    possible: int = 0
    problems: list[QuarantineProblem] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)


def import_file(
    sessions: sessionmaker[Session],
    profile: Profile,
    actor: Actor,
    path: Path,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
    agenda_on: dt.date | None = None,
) -> ImportSummary:
    """Import the feed at ``path``. Raises ``FeedUnreadable`` (nothing changed) when unreadable.

    With ``agenda_on``, the agenda of that day's meeting is built (or topped up) in the
    same transaction when anything was imported or updated: one action, one commit.
    """
    feed = read_feed(Path(path), profile.intake.columns)
    return import_feed(sessions, profile, actor, feed, progress, now, agenda_on)


def import_records(
    sessions: sessionmaker[Session],
    profile: Profile,
    actor: Actor,
    objects: Iterable[Mapping[str, Any]],
    file_name: str = "(records)",
    progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> ImportSummary:
    """Import notification objects already parsed (the JSON shape, with ``persons``)."""
    records = tuple(
        json_record(dict(obj), (n,), profile.intake.columns)
        for n, obj in enumerate(objects, start=1)
    )
    digest = hashlib.sha256(
        json.dumps([r.raw for r in records], sort_keys=True, default=str).encode()
    ).hexdigest()
    feed = Feed(file_name, digest, "json", records, len(records))
    return import_feed(sessions, profile, actor, feed, progress, now)


def import_feed(
    sessions: sessionmaker[Session],
    profile: Profile,
    actor: Actor,
    feed: Feed,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
    agenda_on: dt.date | None = None,
) -> ImportSummary:
    require(actor, INTAKE_ROLES, "import the police feed")
    meeting_id = None
    now = now or utcnow()
    total = len(feed.records)
    counts = _Counts()
    if progress:
        progress(0, total)
    # One transaction for the file: an interruption leaves no notification half written,
    # and the import batch exists only when its notifications do.
    with session_scope(sessions) as s:
        checkpoint_after_commit(s)  # thousands of pages: copied into the file after
        earlier = s.scalar(
            select(ImportBatch.id)
            .where(ImportBatch.file_hash == feed.file_hash, ImportBatch.finished_at.is_not(None))
            .limit(1)
        )
        batch_row = ImportBatch(
            file_name=feed.file_name,
            file_hash=feed.file_hash,
            imported_by_id=actor.user_id,
            started_at=utcnow(),
            rows_read=feed.rows_read,
        )
        s.add(batch_row)
        s.flush()
        batch_id = batch_row.id
        _import_all(s, profile, actor, feed, batch_id, now, counts, progress)
        batch_row.finished_at = utcnow()
        batch_row.imported, batch_row.updated = counts.imported, counts.updated
        batch_row.unchanged, batch_row.quarantined = counts.unchanged, counts.quarantined
        audit.written(s, actor, batch_row, "create", detail=f"imported {feed.file_name}")
        audit.record(
            s,
            actor,
            "import",
            "import_batch",
            batch_id,
            None,
            {
                "imported": counts.imported,
                "updated": counts.updated,
                "unchanged": counts.unchanged,
                "quarantined": counts.quarantined,
            },
            feed.file_name,
        )
        if agenda_on is not None and (counts.imported or counts.updated):
            meeting_id = build_agenda_in(s, profile, actor, agenda_on)
    if progress:
        progress(total, total)
    return ImportSummary(
        file=feed.file_name,
        imported=counts.imported,
        updated=counts.updated,
        unchanged=counts.unchanged,
        quarantined=counts.quarantined,
        flagged_no_child=counts.no_child,
        problems=tuple(counts.problems),
        possible_matches=counts.possible,
        batch_id=batch_id,
        rows_read=feed.rows_read,
        already_imported=earlier is not None,
        notification_ids=tuple(counts.ids),
        meeting_id=meeting_id,
    )


def _import_all(
    s: Session,
    profile: Profile,
    actor: Actor,
    feed: Feed,
    batch_id: int,
    now: dt.datetime,
    counts: _Counts,
    progress: Progress | None,
) -> None:
    """Quarantine the bad, skip the unchanged, write the new together, amend one by one."""
    total = len(feed.records)
    done = 0
    checked: list[tuple[RawRecord, NotificationData]] = []
    for record in feed.records:
        result = validate(record, now)
        if isinstance(result, list):
            _quarantine(s, actor, feed.file_name, batch_id, record, result, counts)
            done += 1
        else:
            checked.append((record, result))
    known: dict[str, tuple[int, str, bool]] = {}
    refs = [data.police_ref for _, data in checked]
    for start in range(0, len(refs), 500):
        for ref, nid, content, flags in s.execute(
            select(
                Notification.police_ref,
                Notification.id,
                Notification.content_hash,
                Notification.flags,
            ).where(Notification.police_ref.in_(refs[start : start + 500]))
        ):
            known[ref] = (nid, content, bool((flags or {}).get("no_child")))
    new: list[batch_plan.Planned] = []
    later: list[tuple[RawRecord, NotificationData]] = []
    seen: set[str] = set()
    for record, data in checked:
        if data.police_ref in known:
            nid, content, no_child = known[data.police_ref]
            if content == data.content_hash():
                counts.unchanged += 1
                counts.no_child += int(no_child)
                counts.ids.append(nid)
                done += 1
                continue
            later.append((record, data))
        elif data.police_ref in seen:
            later.append((record, data))  # sent twice in one file: the second is an amendment
        else:
            seen.add(data.police_ref)
            new.append(batch_plan.Planned(data, record.raw))
    if progress:
        progress(done, total)
    stored = _write_new(s, profile, actor, batch_id, new, done, total, progress)
    if stored is None:  # the set-based write failed: one at a time, so only the bad one is held
        later = [(r, p.data) for r, p in zip(_records_of(feed, new), new, strict=True)] + later
    else:
        for item in stored:
            _count(counts, item)
        _resolve_quarantined(s, actor, [p.data.police_ref for p in new])
    done += len(new) if stored is not None else 0
    for record, data in later:
        _one(s, profile, actor, feed.file_name, batch_id, record, data, counts)
        done += 1
        if progress and done % 10 == 0:
            progress(done, total)


def _records_of(feed: Feed, new: list[batch_plan.Planned]) -> list[RawRecord]:
    by_raw = {id(r.raw): r for r in feed.records}
    return [by_raw[id(p.raw)] for p in new]


def _write_new(
    s: Session,
    profile: Profile,
    actor: Actor,
    batch_id: int,
    new: list[batch_plan.Planned],
    done: int,
    total: int,
    progress: Progress | None,
) -> list[Stored] | None:
    if not new:
        return []

    def step(n: int) -> None:
        if progress and (n % 10 == 0 or n == len(new)):
            progress(done + n, total)

    try:
        # The file's 64 MiB page cache (models.database) keeps the person pages the blocks
        # read, and read again to weigh them, decrypted once.
        with s.begin_nested(), no_gc_pauses():
            plan = batch_plan.plan(s, profile.intake, new, step)
            return batch.write(s, actor, plan, new, batch_id)
    except Exception:  # noqa: BLE001 - retried one by one; a failing record is quarantined
        log.exception("set-based import failed; importing one notification at a time")
        for item in new:
            item.persons.clear()
        return None


def _count(counts: _Counts, stored: Stored) -> None:
    setattr(counts, stored.outcome, getattr(counts, stored.outcome) + 1)
    counts.no_child += int(stored.no_child)
    counts.possible += stored.possible_matches
    counts.ids.append(stored.notification_id)


def _resolve_quarantined(s: Session, actor: Actor, refs: list[str]) -> None:
    for start in range(0, len(refs), 500):
        for record in s.scalars(
            select(QuarantinedRecord).where(
                QuarantinedRecord.police_ref.in_(refs[start : start + 500]),
                QuarantinedRecord.status == "waiting",
            )
        ):
            resolve_waiting(s, actor, record, record.police_ref or "")


def _one(
    s: Session,
    profile: Profile,
    actor: Actor,
    file_name: str,
    batch_id: int,
    record: RawRecord,
    checked: NotificationData,
    counts: _Counts,
) -> None:
    try:
        with s.begin_nested():
            stored = store(s, actor, profile.intake, checked, record.raw, batch_id)
    except Exception as exc:  # noqa: BLE001 - kept whole in quarantine, never lost
        problem = Problem(
            "(record)",
            checked.police_ref,
            f"could not be stored: {type(exc).__name__}: {exc}",
            record.lines[0] if record.lines else None,
        )
        _quarantine(s, actor, file_name, batch_id, record, [problem], counts)
        return
    _count(counts, stored)


def _quarantine(
    s: Session,
    actor: Actor,
    file_name: str,
    batch_id: int,
    record: RawRecord,
    problems: list[Problem],
    counts: _Counts,
) -> None:
    counts.quarantined += 1
    stored = [p.stored() for p in problems]
    same = s.scalars(
        select(QuarantinedRecord).where(
            QuarantinedRecord.police_ref.is_(None)
            if record.police_ref is None
            else QuarantinedRecord.police_ref == record.police_ref[:200],
            QuarantinedRecord.file_name == file_name,
        )
    )
    existing = next((q for q in same if q.raw == record.raw), None)
    if existing is None:
        existing = QuarantinedRecord(
            import_batch_id=batch_id,
            police_ref=(record.police_ref or None) and record.police_ref[:200],
            file_name=file_name,
            line_numbers=list(record.lines),
            raw=record.raw,
            problems=stored,
            status="waiting",
        )
        s.add(existing)
        audit.written(s, actor, existing, "create", detail="quarantined on import")
    counts.problems.append(
        QuarantineProblem(record.police_ref, record.lines, tuple(problems), existing.id)
    )
