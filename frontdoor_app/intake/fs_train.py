"""Training the model: u from random pairs of the register, m and the prior by EM on the
candidate pairs of its own earlier notifications. Pure functions, no database."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence

from .fs_compare import address_level, compare, dob_level, postcode_key
from .fs_model import (
    COMPARISONS,
    DEFAULT_M,
    DEFAULT_U,
    DEFAULT_U_KIN,
    DEFAULT_U_KIN_DOB,
    LEVELS,
    M_FLOOR,
    M_SHARE_KEPT,
    MIN_TF,
    PRIOR_STRENGTH,
    U_PRIOR_PAIRS,
    MatchModel,
    prior_for,
    probability,
)
from .fs_weigh import kin_of
from .keys import compact
from .similarity import PersonFacts


def _counts(
    levels: Iterable[Mapping[str, int]], weights: Iterable[float] | None = None
) -> dict[str, list[float]]:
    out = {c: [0.0] * len(LEVELS[c]) for c in COMPARISONS}
    ws = iter(weights) if weights is not None else None
    for row in levels:
        w = next(ws) if ws is not None else 1.0
        for c in COMPARISONS:
            if row[c] >= 0:
                out[c][row[c]] += w
    return out


# Levels that are one comparison's outcomes together (their m, and their u, add up to 1).
GROUPS: dict[str, tuple[tuple[int, ...], ...]] = {"dob": ((0, 1, 2, 4), (3, 5))}


def _normalise_group(counts: Sequence[float], floor: float) -> list[float]:
    total = sum(counts)
    values = [max(x / total, floor) if total else floor for x in counts]
    norm = sum(values)
    return [round(v / norm, 8) for v in values]


def _normalise(counts: Sequence[float], floor: float, comparison: str = "") -> tuple[float, ...]:
    out = [0.0] * len(counts)
    for group in GROUPS.get(comparison, (tuple(range(len(counts))),)):
        for level, value in zip(
            group, _normalise_group([counts[i] for i in group], floor), strict=True
        ):
            out[level] = value
    return tuple(out)


def estimate_u(pairs: Iterable[tuple[PersonFacts, PersonFacts]]) -> dict[str, tuple[float, ...]]:
    """u from random pairs of the register (two different people almost always)."""
    pairs = list(pairs)
    rows = [compare(a, b).levels for a, b in pairs]
    counts = _counts(rows)
    # The years alone (levels 3 and 5) are compared for every pair, dates known or not.
    for a, b in pairs:
        year_a = a.dob.year if a.dob else a.birth_year
        year_b = b.dob.year if b.dob else b.birth_year
        if year_a and year_b:
            counts["dob"][3 if abs(year_a - year_b) <= 1 else 5] += 1
    # Pseudo-pairs at the starting values: a level never seen among the random pairs is
    # rare, not impossible, and a small register leans on the starting values.
    return {
        c: _normalise(
            [x + U_PRIOR_PAIRS * d for x, d in zip(counts[c], DEFAULT_U[c], strict=True)], 1e-6, c
        )
        for c in COMPARISONS
    }


def estimate_u_kin(register: Sequence[PersonFacts], count: int, seed: int = 1) -> tuple[float, ...]:
    """u of the address levels for random pairs of different people with one surname."""
    by_surname: dict[str, list[PersonFacts]] = {}
    for person in register:
        by_surname.setdefault(compact(person.surname), []).append(person)
    groups = [g for g in by_surname.values() if len(g) > 1]
    if not groups:
        return DEFAULT_U_KIN
    rng = random.Random(seed)
    sizes = [len(g) * (len(g) - 1) for g in groups]  # pairs drawn in proportion to the pairs
    counts = [0.5] * len(LEVELS["address"])
    for group in rng.choices(groups, weights=sizes, k=count):
        a, b = rng.sample(group, 2)
        level = address_level(a, b)
        if level >= 0:
            counts[level] += 1
    return _normalise(counts, 1e-6)


def estimate_u_kin_dob(
    register: Sequence[PersonFacts], count: int, seed: int = 2
) -> tuple[float, ...]:
    """u of the date of birth levels for two people of one surname at one postcode."""
    families: dict[tuple[str, str], list[PersonFacts]] = {}
    for person in register:
        if person.postcode:
            families.setdefault(
                (compact(person.surname), postcode_key(person.postcode)), []
            ).append(person)
    groups = [g for g in families.values() if len(g) > 1]
    if len(groups) < 20:
        return DEFAULT_U_KIN_DOB
    rng = random.Random(seed)
    counts = [U_PRIOR_PAIRS * d for d in DEFAULT_U_KIN_DOB]
    for group in rng.choices(groups, weights=[len(g) * (len(g) - 1) for g in groups], k=count):
        a, b = rng.sample(group, 2)
        level = dob_level(a, b)
        if level >= 0:
            counts[level] += 1
        year_a = a.dob.year if a.dob else a.birth_year
        year_b = b.dob.year if b.dob else b.birth_year
        if year_a and year_b:
            counts[3 if abs(year_a - year_b) <= 1 else 5] += 1
    return _normalise(counts, 1e-6, "dob")


def _posterior(model: MatchModel, row: Mapping[str, int], used: Iterable[str]) -> float:
    w = model.prior_weight
    kin = kin_of(row)
    for c in used:
        if row[c] >= 0:
            w += model.weight(c, row[c], kin)
    return probability(w)


def expectation_maximisation(
    rows: Sequence[Mapping[str, int]],
    u: Mapping[str, tuple[float, ...]],
    u_kin: tuple[float, ...] = DEFAULT_U_KIN,
    estimate: Sequence[str] = COMPARISONS,
    m: Mapping[str, tuple[float, ...]] | None = None,
    iterations: int = 25,
) -> tuple[dict[str, tuple[float, ...]], float]:
    """m (of the comparisons in ``estimate``) and the prior by EM with u fixed, as Splink does.

    The comparisons not estimated are left out of the posterior: a session blocked on the
    date of birth cannot learn the date's m, and using it would only count the block.
    Pseudo-pairs (``PRIOR_STRENGTH``) draw m towards the starting values.
    """
    current: dict[str, tuple[float, ...]] = dict(m or DEFAULT_M)
    prior = 0.1  # the share of this session's pairs that are one person, re-estimated
    for _ in range(iterations):
        model = MatchModel(current, u, prior, u_kin)
        posts = [_posterior(model, row, estimate) for row in rows]
        counts = _counts(rows, posts)
        for c in estimate:
            current[c] = _normalise(
                [x + PRIOR_STRENGTH * d for x, d in zip(counts[c], DEFAULT_M[c], strict=True)],
                M_FLOOR,
                c,
            )
        prior = min(max(sum(posts) / max(len(posts), 1), 1e-4), 0.5)
    return current, prior


def floored(m: Sequence[float], start: Sequence[float], comparison: str) -> tuple[float, ...]:
    """m no lower than half its starting value: a register whose earlier notifications were
    typed cleanly (the demo's) would otherwise teach that true matches never have a slip."""
    return _normalise(
        [max(x, M_SHARE_KEPT * s) for x, s in zip(m, start, strict=True)], M_FLOOR, comparison
    )


def term_frequencies(counts: Mapping[str, int], total: int, keep: int = 2000) -> dict[str, float]:
    """The share of the register with each name (the commonest ``keep``; rarer ones: MIN_TF)."""
    top = sorted(counts.items(), key=lambda kv: -kv[1])[:keep]
    return {k: round(v / total, 7) for k, v in top if k and v / total > MIN_TF}


def random_pairs(
    people: Sequence[PersonFacts], count: int, seed: int = 0
) -> list[tuple[PersonFacts, PersonFacts]]:
    rng = random.Random(seed)
    n = len(people)
    if n < 2:
        return []
    out = []
    for _ in range(count):
        i, j = rng.randrange(n), rng.randrange(n)
        if i != j:
            out.append((people[i], people[j]))
    return out


def train(
    register: Sequence[PersonFacts],
    candidate_pairs: Sequence[tuple[PersonFacts, PersonFacts]],
    surname_counts: Mapping[str, int],
    forename_counts: Mapping[str, int],
    known_share: float,
    u_pairs: int = 40000,
    progress: Callable[[str], None] | None = None,
) -> MatchModel:
    """u from random register pairs, m by EM on earlier notifications' candidates.

    The prior is the chance that two records drawn at random are one person (as u is
    estimated on random pairs): the share of people named who were already known
    (``known_share``), over the register's size.
    """
    say = progress or (lambda _text: None)
    say(f"estimating u from {u_pairs} random pairs of {len(register)} people")
    u = estimate_u(random_pairs(register, u_pairs))
    u_kin = estimate_u_kin(register, u_pairs // 4)
    u_kin_dob = estimate_u_kin_dob(register, u_pairs // 4)
    say(f"estimating m by EM on {len(candidate_pairs)} candidate pairs")
    rows = [compare(a, b).levels for a, b in candidate_pairs]
    # Two sessions, as Splink's documentation advises: pairs born the same day teach the
    # names' m (and the address's), pairs with the same names teach the date's.
    same_day = [r for r in rows if r["dob"] == 0]
    same_name = [r for r in rows if r["surname"] == 0 and r["forename"] == 0]
    m, _ = expectation_maximisation(
        same_day, u, u_kin, ("surname", "forename", "address", "gender")
    )
    m, _ = expectation_maximisation(same_name, u, u_kin, ("dob",), m)
    m = {c: floored(m[c], DEFAULT_M[c], c) for c in COMPARISONS}
    # The years alone are compared only when a date is missing; the earlier notifications
    # cannot tell how often a known person's age is badly wrong: kept at the starting values.
    m["dob"] = tuple(DEFAULT_M["dob"][i] if i in (3, 5) else x for i, x in enumerate(m["dob"]))
    total = max(len(register), 1)
    prior = prior_for(total, known_share)
    return MatchModel(
        m,
        u,
        prior,
        u_kin,
        u_kin_dob,
        term_frequencies(surname_counts, total),
        term_frequencies(forename_counts, total),
        trained=True,
        stats={
            "register": len(register),
            "u_pairs": u_pairs,
            "em_pairs": len(candidate_pairs),
            "known_share": round(known_share, 4),
        },
    )
