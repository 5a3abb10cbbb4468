"""What one laptop's change feed costs the server for each save in the room, as the log grows.

``feed_read_pg``: a throwaway loopback PostgreSQL server with the small demo (row-level
security on, each person signed in as themselves). A representative saves entries on the
case another has open; after each save the other's feed reads the log and the case's
entries as the desktop does (``sync.changes.FeedConnection``, ``read``, the case pane's
look-ahead). Measured twice: with the demo's own log (a few hundred rows), and after a
year of imports has made the log long (``LONG_LOG`` rows added). Beside each, its floor in
the same run: a bare psycopg client SELECTing the saved row by its key. Each figure is the
median of ``READS`` reads, wall clock, the server's work included. The case gains an entry
with each save (about 55 in each half), so its entries' read grows with it.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

from common import BenchEnv

READS = 50
LONG_LOG = int(os.environ.get("FRONTDOOR_FEED_LONG_LOG", "300000"))


def _reads(reader: Any, writer: Any, item: int, floor: Any, label: str) -> dict[str, Any]:
    from frontdoor_app.meeting import entries
    from frontdoor_app.meeting.feed import item_of_change
    from frontdoor_app.sync import changes
    from frontdoor_app.ui.meeting import room_reads

    feed = changes.FeedConnection(reader.engine)
    try:
        with reader.read_session() as s:
            cursor = changes.start(s)
        log_ms, ahead_ms, floor_ms = [], [], []
        for n in range(READS + 5):
            made = entries.add_entry(
                writer.sessions, writer.actor, item, writer.actor.agency_id, f"{label}-{n}"
            )
            t0 = time.perf_counter()
            with feed.session() as s:
                rows, cursor = changes.read(s, cursor, item=item_of_change, snapshot=False)
                t1 = time.perf_counter()
                room_reads.cases_touched(s, rows, item, reader.actor)
            t2 = time.perf_counter()
            floor.execute("SELECT text FROM intelligence_entry WHERE id = %s", (made.id,))
            floor.fetchone()
            t3 = time.perf_counter()
            if n >= 5:  # the first reads prepare the statements
                log_ms.append((t1 - t0) * 1000)
                ahead_ms.append((t2 - t1) * 1000)
                floor_ms.append((t3 - t2) * 1000)
    finally:
        feed.close()
    log, ahead, bare = (statistics.median(x) for x in (log_ms, ahead_ms, floor_ms))
    return {
        "log_read_ms": round(log, 3),
        "entries_read_ms": round(ahead, 3),
        "floor_select_ms": round(bare, 3),
        "ratio_log_to_floor": round(log / bare, 2),
        "ratio_both_to_floor": round((log + ahead) / bare, 2),
        "reads": len(log_ms),
    }


def feed_read_pg(env: BenchEnv) -> dict[str, Any]:
    import psycopg
    from benchmarks import live
    from sqlalchemy.engine import make_url

    from frontdoor_app.context import build_context
    from frontdoor_app.settings import load_settings

    server, url = live._pg(env)
    try:
        _day, item, users, chair = live._room(url)
        chair.close()
        reps = [login for login, role in users if role == "representative"]
        reader = build_context(load_settings(database_url=live._as(url, reps[0])))
        writer = build_context(load_settings(database_url=live._as(url, reps[-1])))
        as_reader = make_url(live._as(url, reps[0])).set(drivername="postgresql")
        owner = make_url(url).set(drivername="postgresql").render_as_string(False)
        try:
            with psycopg.connect(as_reader.render_as_string(False), autocommit=True) as bare:
                cursor = bare.cursor()
                with psycopg.connect(owner, autocommit=True) as c:
                    short = c.execute("SELECT count(*) FROM change_log").fetchone()
                result: dict[str, Any] = {"log_rows_short": short[0] if short else None}
                result["short_log"] = _reads(reader, writer, item, cursor, "SHORT")
                with psycopg.connect(owner, autocommit=True) as c:
                    c.execute(
                        "INSERT INTO change_log (table_name, row_id, operation, at) "
                        "SELECT 'person', g, 'insert', now() FROM generate_series(1, %s) g",
                        (LONG_LOG,),
                    )
                    c.execute("ANALYZE change_log")
                result["log_rows_long"] = (short[0] if short else 0) + LONG_LOG
                result["long_log"] = _reads(reader, writer, item, cursor, "LONG")
                return result
        finally:
            reader.close()
            writer.close()
    finally:
        server.stop()


BENCHMARKS = {"feed_read_pg": feed_read_pg}
