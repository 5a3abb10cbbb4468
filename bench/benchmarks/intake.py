"""Intake benchmarks: a Monday's feed into the city, and the quality of automatic links.

- ``intake_monday``: a Monday feed of 180 notifications (CSV, matching included) imported
  into a fresh copy of the demo database, a few runs, each on its own copy. Goal: under
  1 second. The floor (reading and checking the same file, no database) is measured in
  the same run, and the ratio reported, since these machines are shared.
- ``matching``: precision and recall of automatic links against the demo's ground truth
  (``frontdoor_app.demo.noisy``). Goals: precision at least 0.99, recall at least 0.97.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from common import BenchEnv, summarise
from sqlalchemy import select

from frontdoor_app.context import AppContext, build_context
from frontdoor_app.demo import DEFAULT_SEED
from frontdoor_app.demo.feed import make_feed, write_csv
from frontdoor_app.intake.importer import import_file, import_records
from frontdoor_app.intake.readers import read_feed
from frontdoor_app.intake.validate import validate
from frontdoor_app.models import Notification, NotificationPerson, Person, PersonLink, utcnow
from frontdoor_app.settings import load_settings

MONDAY_FEED = 180
GOAL_MS = 1000.0
PRECISION_GOAL, RECALL_GOAL = 0.99, 0.97
RUNS = int(os.environ.get("BENCH_INTAKE_RUNS", "5"))
MATCHING_COUNT = int(os.environ.get("BENCH_MATCHING_COUNT", "400"))


def last_monday() -> dt.date:
    today = dt.datetime.now(ZoneInfo("Europe/London")).date()
    return today - dt.timedelta(days=today.weekday())


def settled_copy(env: BenchEnv, name: str) -> str:
    """A fresh copy written through to disk first: the city file is large, and the import's
    WAL checkpoint would otherwise wait for the copy's own write-back (setup, not import)."""
    url = env.fresh_copy(name)
    with open(url.removeprefix("sqlite:///"), "rb+") as handle:
        os.fsync(handle.fileno())
    return url


def open_context(url: str) -> AppContext:
    return build_context(load_settings(database_url=url))


def intake_monday(env: BenchEnv) -> dict[str, Any]:
    monday = last_monday()
    ctx = open_context(env.fresh_copy("intake-feed-source"))
    try:
        with ctx.session() as s:
            notifications = make_feed(s, DEFAULT_SEED, MONDAY_FEED, monday, ctx.profile)
        profile = ctx.profile
    finally:
        ctx.close()
    path = write_csv(notifications, env.work_dir / f"feed-{monday.isoformat()}.csv")
    samples: list[float] = []
    floors: list[float] = []
    last: Any = None
    for run in range(RUNS):
        start = time.perf_counter()
        feed = read_feed(path, profile.intake.columns)
        now = utcnow()
        for record in feed.records:
            validate(record, now)
        floors.append((time.perf_counter() - start) * 1000)
        ctx = open_context(settled_copy(env, f"intake-monday-{run}"))
        try:
            start = time.perf_counter()
            last = import_file(ctx.sessions, ctx.profile, ctx.actor, path)
            samples.append((time.perf_counter() - start) * 1000)
            with ctx.session() as s:
                auto = s.scalar(
                    select(PersonLink.id).where(PersonLink.decided_by == "auto").limit(1)
                )
        finally:
            ctx.close()
    timing = summarise(samples)
    floor = summarise(floors)
    return {
        **timing,
        "floor_read_and_check_median_ms": floor["median_ms"],
        "ratio_to_floor": round(timing["median_ms"] / max(floor["median_ms"], 0.001), 1),
        "goal_ms": GOAL_MS,
        "meets_goal": timing["median_ms"] < GOAL_MS,
        "notifications": last.total if last else 0,
        "rows": last.rows_read if last else 0,
        "imported": last.imported if last else 0,
        "quarantined": last.quarantined if last else 0,
        "possible_matches": last.possible_matches if last else 0,
        "any_auto_link": auto is not None,
        "monday": monday.isoformat(),
        "scale": env.scale,
    }


def _noisy_feed(ctx: AppContext, monday: dt.date) -> tuple[list[dict[str, Any]], dict[Any, Any],
                                                           dict[Any, str]]:  # fmt: skip
    module = importlib.import_module("frontdoor_app.demo.noisy")
    with ctx.session() as s:
        noisy = module.make_noisy_feed(s, DEFAULT_SEED, MATCHING_COUNT, monday)
    return list(noisy.notifications), dict(noisy.truth), dict(getattr(noisy, "kinds", {}))


def matching(env: BenchEnv) -> dict[str, Any]:
    monday = last_monday()
    ctx = open_context(env.fresh_copy("matching"))
    try:
        notifications, truth, kinds = _noisy_feed(ctx, monday)
        start = time.perf_counter()
        summary = import_records(ctx.sessions, ctx.profile, ctx.actor, notifications,
                                 file_name="noisy-feed")  # fmt: skip
        elapsed = (time.perf_counter() - start) * 1000
        with ctx.session() as s:
            decided = auto_links(s, [str(n.get("police_ref")) for n in notifications])
            wrong_keys = [(str(k[0]), int(k[1])) for k, v in truth.items()
                          if decided.get((str(k[0]), int(k[1]))) not in (None, v)]  # fmt: skip
            details = [describe(s, notifications, key, truth, kinds) for key in wrong_keys[:10]]
            missed_keys = [(str(k[0]), int(k[1])) for k, v in truth.items()
                           if v is not None and decided.get((str(k[0]), int(k[1]))) != v]  # fmt: skip
            missed_details = [describe(s, notifications, key, truth, kinds)
                              for key in missed_keys[:10]]  # fmt: skip
    finally:
        ctx.close()
    missed: dict[str, int] = {}
    wrong: dict[str, int] = {}
    for key, expected in truth.items():
        got = decided.get((str(key[0]), int(key[1])))
        kind = kinds.get(key, "?")
        if expected is not None and got != expected:
            missed[kind] = missed.get(kind, 0) + 1
        if got is not None and got != expected:
            wrong[kind] = wrong.get(kind, 0) + 1
    return score_links(truth, decided) | {
        "false_link_details": details,
        "missed_details": missed_details,
        "missed_by_kind": missed,
        "false_links_by_kind": wrong,
        "notifications": len(notifications),
        "quarantined": summary.quarantined,
        "possible_matches": summary.possible_matches,
        "import_ms": round(elapsed, 1),
        "precision_goal": PRECISION_GOAL,
        "recall_goal": RECALL_GOAL,
        "scale": env.scale,
    }


def auto_links(s: Any, refs: list[str]) -> dict[tuple[str, int], int | None]:
    """(police_ref, person index) → the known person it was linked to automatically, or None."""
    out: dict[tuple[str, int], int | None] = {}
    for ref in refs:
        notification_id = s.scalar(select(Notification.id).where(Notification.police_ref == ref))
        if notification_id is None:
            continue
        rows = s.scalars(select(NotificationPerson).where(
            NotificationPerson.notification_id == notification_id).order_by(NotificationPerson.id)).all()  # fmt: skip
        for index, row in enumerate(rows):
            link = s.scalar(select(PersonLink).where(PersonLink.notification_person_id == row.id,
                                                     PersonLink.decided_by == "auto"))  # fmt: skip
            out[(ref, index)] = _resolve(s, link.matched_person_id) if link is not None else None
    return out


def describe(s: Any, notifications: list[dict[str, Any]], key: tuple[str, int],
             truth: dict[Any, Any], kinds: dict[Any, str]) -> str:  # fmt: skip
    """A wrong or missed link in words: the person as sent, the decision, and why."""
    ref, index = key
    obj = next(n for n in notifications if str(n.get("police_ref")) == ref)
    sent = obj["persons"][index]
    nid = s.scalar(select(Notification.id).where(Notification.police_ref == ref))
    row = s.scalars(select(NotificationPerson).where(NotificationPerson.notification_id == nid)
                    .order_by(NotificationPerson.id)).all()[index]  # fmt: skip
    link = s.scalar(select(PersonLink).where(PersonLink.notification_person_id == row.id))
    truth_key = next((k for k in truth if str(k[0]) == ref and int(k[1]) == index), None)
    expected = truth.get(truth_key)
    head = (f"{ref}#{index} ({kinds.get(truth_key, '?')}): sent {sent.get('forenames')} "
            f"{sent.get('surname')} {sent.get('dob') or sent.get('age')}")  # fmt: skip
    true_person = s.get(Person, expected) if expected else None
    truly = (f"; truly {true_person.forenames} {true_person.surname} {true_person.dob}"
             if true_person else "; truly new")  # fmt: skip
    if link is None:
        return f"{head} → a new person, no candidate close enough{truly}"
    known = s.get(Person, link.matched_person_id)
    return (f"{head} → {link.status} {known.forenames} {known.surname} {known.dob} "
            f"(#{known.id}), score {link.score}: {link.reasons}{truly}")  # fmt: skip


def _resolve(s: Any, person_id: int) -> int:
    person = s.get(Person, person_id)
    while person is not None and person.merged_into_id is not None:
        person = s.get(Person, person.merged_into_id)
    return person.id if person is not None else person_id


def score_links(
    truth: dict[Any, Any], decided: dict[tuple[str, int], int | None]
) -> dict[str, Any]:
    true_pos = false_pos = false_neg = 0
    errors: list[str] = []
    for key, expected in truth.items():
        ref, index = str(key[0]), int(key[1])
        got = decided.get((ref, index))
        if got is not None and got == expected:
            true_pos += 1
        elif got is not None:
            false_pos += 1
            if len(errors) < 10:
                errors.append(f"{ref}#{index}: linked to {got}, truth {expected}")
        if expected is not None and got != expected:
            false_neg += 1
    linked = true_pos + false_pos
    should = sum(1 for v in truth.values() if v is not None)
    precision = true_pos / linked if linked else 1.0
    recall = true_pos / should if should else 1.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "auto_links": linked,
        "true_duplicates": should,
        "persons_scored": len(truth),
        "false_links": false_pos,
        "missed": false_neg,
        "meets_goal": precision >= PRECISION_GOAL and recall >= RECALL_GOAL,
        "false_link_examples": errors,
    }


BENCHMARKS = {"intake_monday": intake_monday, "matching": matching}

if __name__ == "__main__":  # pragma: no cover - a quick look without the runner
    print(Path(__file__).name)
