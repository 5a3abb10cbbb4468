"""Training the matching model on the authority's own register, and what it predicts.

u comes from random pairs of known people; m and the prior by EM on the candidate pairs of
earlier notifications' people (each person as sent against the known people in its blocks,
the one the notification itself created left out). The thresholds are the model's
probabilities; replaying a sample of earlier notifications through the new model gives the
share that would go to a person and so the expected daily workload.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor, require
from frontdoor_app.models import MatchingModel, Notification, NotificationPerson, Person, utcnow
from frontdoor_app.profile import IntakeRules

from .blocking import block_keys, db_candidates, lookup_keys
from .fs_model import COMPARISONS, LEVELS, MatchModel
from .fs_train import train
from .matching import decide, load_model
from .similarity import PersonFacts

HISTORY_SAMPLE = 2500


@dataclass(frozen=True)
class Trained:
    model_id: int
    model: MatchModel


def _register(session: Session, rng: random.Random) -> tuple[list[PersonFacts], int]:
    total = (
        session.scalar(
            select(func.count()).select_from(Person).where(Person.merged_into_id.is_(None))
        )
        or 0
    )
    rows = session.execute(
        select(
            Person.surname,
            Person.forenames,
            Person.dob,
            Person.birth_year,
            Person.gender,
            Person.address,
            Person.postcode,
        ).where(Person.merged_into_id.is_(None))
    ).all()
    people = [
        PersonFacts(
            r.surname, r.forenames, r.dob, r.birth_year, r.gender, None, None, r.address, r.postcode
        )
        for r in rows
    ]
    return people, total


def _name_counts(session: Session) -> tuple[Counter[str], Counter[str]]:
    surnames: Counter[str] = Counter()
    forenames: Counter[str] = Counter()
    live = Person.merged_into_id.is_(None)
    for key, n in session.execute(
        select(Person.surname_key, func.count()).where(live).group_by(Person.surname_key)
    ):
        surnames[key] += n
    for key, n in session.execute(
        select(Person.forename_key, func.count()).where(live).group_by(Person.forename_key)
    ):
        forenames[key] += n
    return surnames, forenames


def _history(session: Session, rng: random.Random) -> list[tuple[PersonFacts, int | None, int]]:
    """A sample of earlier notifications' people as sent: (facts, linked person, created)."""
    ids = list(
        session.scalars(
            select(NotificationPerson.id).where(NotificationPerson.person_id.is_not(None))
        )
    )
    if len(ids) > HISTORY_SAMPLE:
        ids = rng.sample(ids, HISTORY_SAMPLE)
    out = []
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        rows = session.execute(
            select(
                NotificationPerson.surname,
                NotificationPerson.forenames,
                NotificationPerson.dob,
                NotificationPerson.age,
                NotificationPerson.gender,
                NotificationPerson.person_id,
                NotificationPerson.notification_id,
                Notification.address,
                Notification.postcode,
                Notification.incident_at,
            )
            .join(Notification)
            .where(NotificationPerson.id.in_(chunk))
        )
        for r in rows:
            year = (
                r.dob.year if r.dob else (r.incident_at.year - r.age if r.age is not None else None)
            )
            facts = PersonFacts(
                r.surname, r.forenames, r.dob, year, r.gender, None, None, r.address, r.postcode
            )
            out.append((facts, r.person_id, r.notification_id))
    return out


def _known(session: Session, ids: set[int]) -> dict[int, tuple[PersonFacts, int | None]]:
    out: dict[int, tuple[PersonFacts, int | None]] = {}
    todo = sorted(ids)
    for start in range(0, len(todo), 500):
        for p in session.execute(
            select(
                Person.id,
                Person.surname,
                Person.forenames,
                Person.dob,
                Person.birth_year,
                Person.gender,
                Person.address,
                Person.postcode,
                Person.created_from_notification_id,
            ).where(Person.id.in_(todo[start : start + 500]))
        ):
            out[p.id] = (
                PersonFacts(
                    p.surname,
                    p.forenames,
                    p.dob,
                    p.birth_year,
                    p.gender,
                    None,
                    None,
                    p.address,
                    p.postcode,
                ),
                p.created_from_notification_id,
            )
    return out


def _first_appearances(session: Session, person_ids: set[int]) -> dict[int, int]:
    """person id → the notification the person was first named in."""
    out: dict[int, int] = {}
    todo = sorted(person_ids)
    for start in range(0, len(todo), 500):
        for pid, first in session.execute(
            select(NotificationPerson.person_id, func.min(NotificationPerson.notification_id))
            .where(NotificationPerson.person_id.in_(todo[start : start + 500]))
            .group_by(NotificationPerson.person_id)
        ):
            if pid is not None:
                out[pid] = first
    return out


def _persons_per_day(session: Session, now: dt.datetime) -> float:
    since = now - dt.timedelta(days=28)
    count = (
        session.scalar(
            select(func.count())
            .select_from(NotificationPerson)
            .join(Notification)
            .where(Notification.received_at >= since)
        )
        or 0
    )
    return count / 28


def train_and_store(
    session: Session,
    actor: Actor,
    rules: IntakeRules,
    seed: int = 0,
    say: Callable[[str], None] | None = None,
) -> Trained:
    """Train on the register, replay a sample of history through the model, store it.
    Admins only (on a server the row-level security policies refuse anyone else again)."""
    require(actor, ("admin",), "train the matching model")
    progress = say or (lambda _text: None)
    rng = random.Random(seed)
    register, total = _register(session, rng)
    if total < 50:
        raise ValueError(
            f"the register has {total} known people: too few to train on (50 at least)"
        )
    surnames, forenames = _name_counts(session)
    history = _history(session, rng)
    progress(f"finding the candidates of {len(history)} earlier notifications' people")
    found = db_candidates(session, [lookup_keys(block_keys(f)) for f, _, _ in history])
    known = _known(session, {i for ids in found for i in ids})
    pairs: list[tuple[PersonFacts, PersonFacts]] = []
    replay: list[tuple[PersonFacts, list[tuple[int, PersonFacts]], int | None]] = []
    first = _first_appearances(session, {pid for _, pid, _ in history if pid is not None})
    for (facts, person_id, notification_id), ids in zip(history, found, strict=True):
        # A person's first notification made their record: that pair is no evidence.
        candidates = [
            (i, known[i][0])
            for i in sorted(ids)
            if known[i][1] != notification_id
            and not (i == person_id and first.get(i) == notification_id)
        ]
        pairs.extend((facts, k) for _, k in candidates)
        truth = person_id if person_id in {i for i, _ in candidates} else None
        replay.append((facts, candidates, truth))
    repeats = sum(1 for facts, pid, nid in history if pid is not None and first.get(pid) != nid)
    known_share = repeats / max(len(history), 1)
    model = train(register, pairs, surnames, forenames, known_share, progress=progress)
    # The model's own estimates on the replayed sample (not a measurement against truth).
    auto = possible = 0
    auto_confidence = 0.0
    for facts, candidates, _truth in replay:
        match = decide(facts, candidates, rules, model)
        if match.decision == "auto":
            auto += 1
            auto_confidence += match.score
        elif match.decision == "possible":
            possible += 1
    n = max(len(replay), 1)
    now = utcnow()
    stats = {
        **dict(model.stats),
        "replayed": len(replay),
        "auto_share": round(auto / n, 4),
        "grey_share": round(possible / n, 4),
        "estimated_precision": round(auto_confidence / auto, 5) if auto else None,
        "persons_per_day": round(_persons_per_day(session, now), 1),
    }
    stats["expected_daily_reviews"] = round(stats["grey_share"] * stats["persons_per_day"], 1)
    stored = dataclasses.replace(model, stats=stats)
    row = MatchingModel(
        trained_at=now,
        trained_by_user_id=actor.user_id,
        register_size=total,
        parameters=stored.to_json(),
    )
    session.add(row)
    session.flush()
    audit.written(session, actor, row, "create", detail="matching model trained on the register")
    return Trained(row.id, stored)


@dataclass(frozen=True)
class LevelRow:
    comparison: str
    words: str
    m: float
    u: float
    weight: float


@dataclass(frozen=True)
class ModelView:
    """What the admin sees: thresholds, estimates, workload, and every level's weight."""

    trained_at: dt.datetime | None
    register_size: int | None
    auto_probability: float
    review_probability: float
    auto_weight: float
    review_weight: float
    prior: float
    estimated_precision: float | None
    grey_share: float | None
    auto_share: float | None
    persons_per_day: float | None
    expected_daily_reviews: float | None
    levels: tuple[LevelRow, ...]
    common_surnames: tuple[tuple[str, float], ...]


def model_view(session: Session) -> ModelView:
    row = session.scalars(select(MatchingModel).order_by(MatchingModel.id.desc()).limit(1)).first()
    model = load_model(session)
    stats = model.stats
    levels = tuple(
        LevelRow(c, words, model.m[c][n], model.u[c][n], model.weight(c, n))
        for c in COMPARISONS
        for n, words in enumerate(LEVELS[c])
    )
    common = tuple(sorted(model.surname_tf.items(), key=lambda kv: -kv[1])[:5])
    return ModelView(
        row.trained_at if row else None,
        row.register_size if row else None,
        model.auto_probability,
        model.review_probability,
        model.auto_weight,
        model.review_weight,
        model.prior,
        stats.get("estimated_precision"),
        stats.get("grey_share"),
        stats.get("auto_share"),
        stats.get("persons_per_day"),
        stats.get("expected_daily_reviews"),
        levels,
        common,
    )
