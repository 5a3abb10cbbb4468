"""How much dearer this machine makes memory that has not been touched for a while.

    python bench/idle_memory.py        (also in every result, under ``machine``)

Found while looking for where the live benchmarks' time goes: on these machines (virtual,
shared) memory a process has not touched for a few hundred milliseconds costs many times
more to touch again, and the longer it was left, the dearer; this machine's kernel reports
no page fault for it. Whether it is the shared host's caches or its memory management, it
cannot be seen from here; a laptop running one meeting window has no neighbours taking its
caches. Every benchmark that waits between two operations (a save every 0.6 s in
``live_pg``, every 2 s in ``meeting_load_pg``, the copy of an 800 MB file before each
``intake_monday`` import) pays it on whatever its operation touches, and a floor that
touches little (a bare psycopg client, reading a CSV file) pays it much less.

The probe: about 5 MB of small Python objects, walked once more straight after a walk
(warm), and after being left alone for each pause while the process walks other memory of
the same size (so it is the age of the memory, not a sleeping process, that counts); the
median of three walks each (about 8 s in all).
"""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

OBJECTS = 20_000
PAUSES_S = (0.1, 0.6, 2.0)


def _walk(rows: list[dict[str, Any]]) -> float:
    started = time.perf_counter()
    total = 0
    for row in rows:
        total += row["a"]
    return (time.perf_counter() - started) * 1000


def memory_idle_penalty(
    objects: int = OBJECTS, pauses: tuple[float, ...] = PAUSES_S, repeats: int = 3
) -> dict[str, Any]:
    """Milliseconds to walk ``objects`` small dicts warm, and after each pause (the median
    of ``repeats`` walks: one alone moves a lot); the ratios."""
    probe = [{"a": i, "b": str(i)} for i in range(objects)]
    other = [{"a": i, "b": str(i)} for i in range(objects)]
    _walk(probe)
    warm = round(statistics.median(_walk(probe) for _ in range(5)), 3)
    result: dict[str, Any] = {"objects": objects, "warm_ms": warm}
    for pause in pauses:
        times = []
        for _ in range(repeats):
            _walk(probe)
            end = time.perf_counter() + pause
            while time.perf_counter() < end:  # busy elsewhere, not asleep: the memory's age
                _walk(other)
            times.append(_walk(probe))
        taken = round(statistics.median(times), 3)
        result[f"after_{pause:g}s_ms"] = taken
        result[f"after_{pause:g}s_ratio"] = round(taken / max(warm, 0.001), 1)
    return result


if __name__ == "__main__":
    print(json.dumps(memory_idle_penalty(), indent=2))
