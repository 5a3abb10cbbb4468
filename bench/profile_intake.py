"""Where one import of the Monday feed spends its time (issue 15): not a benchmark, a look.

    nice .venv/bin/python bench/profile_intake.py [--scale city] [--no-checkpoint] [--plain | --lived-in]

The same feed and stored model as ``intake_monday``, imported once into a fresh copy of the
cached demo, with the phases timed (reading, checking, the blocks' look-ups one by one,
loading the candidates, weighing, writing, the commit) and every statement timed by its SQL
(SQLAlchemy's cursor events; a SELECT's rows are fetched after its event, so the blocks are
timed around their iteration). The WAL's frames after the commit are the pages the import
wrote, each encrypted once. The commit's time is the WAL write alone: the import's pages
are copied into the file by a thread just after it (``models/checkpoint.py``), not timed
here. ``--no-checkpoint`` also turns SQLite's automatic checkpoint off on every connection
and empties the WAL first, so its frames are the import's pages alone.

``--plain`` imports into the same copy decrypted (SQLCipher's own export, opened with the
standard library's SQLite): how much of the import the encryption costs. The application
never opens its file that way. With ``--no-checkpoint`` as well, the pages the import wrote
are counted by the table or index they belong to (SQLite's ``dbstat``, which the plain
build has), from the page number of each frame of the WAL.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from benchmarks.intake import last_monday, lived_in_database, monday_feed, open_with_model
from common import BenchEnv
from sqlalchemy import event

import frontdoor_app.intake.batch as batch
import frontdoor_app.intake.batch_plan as batch_plan
import frontdoor_app.intake.blocking as blocking
import frontdoor_app.intake.importer as importer
from frontdoor_app.demo import build_demo_url

WAL_HEADER, FRAME_HEADER = 32, 24


def _timed(phases: dict[str, float], module: Any, name: str) -> None:
    inner: Callable[..., Any] = getattr(module, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            phases[name] += time.perf_counter() - start

    setattr(module, name, timed)


def _timed_blocks(blocks: dict[str, list[float]]) -> None:
    inner = blocking._sqlite_block

    def timed(connection: Any, name: str, keys: list[Any]) -> Iterator[tuple[int, int]]:
        start, rows = time.perf_counter(), 0
        for row in inner(connection, name, keys):
            rows += 1
            yield row
        seen = blocks[name]
        seen[0] += time.perf_counter() - start
        seen[1] += rows
        seen[2] += len(keys)

    blocking._sqlite_block = timed  # type: ignore[assignment]


def wal_pages(path: Path) -> list[int]:
    """The page number of each frame in a WAL file (its header gives the page size)."""
    if not path.exists():
        return []
    data = path.read_bytes()
    page_size = int.from_bytes(data[8:12], "big")
    frame = FRAME_HEADER + page_size
    return [
        int.from_bytes(data[at : at + 4], "big")
        for at in range(WAL_HEADER, len(data) - frame + 1, frame)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="city")
    parser.add_argument("--no-checkpoint", action="store_true")
    parser.add_argument("--plain", action="store_true")
    parser.add_argument(
        "--lived-in",
        action="store_true",
        help="import into the city after eight earlier Mondays' imports (intake_monday's "
        "lived_in); not with --plain, whose export fills every index page again",
    )
    parser.add_argument(
        "--cprofile",
        type=int,
        default=0,
        metavar="N",
        help="also run the import under cProfile and print its N costliest functions to stderr",
    )
    args = parser.parse_args()
    if args.lived_in and args.plain:
        parser.error("--plain exports the file again, every index page full: not with --lived-in")
    work = Path(tempfile.mkdtemp(prefix="frontdoor-profile-intake-"))
    # As bench/run.py: out of the developer's own data, signed in as the demo's chair.
    os.environ["FRONTDOOR_DATA_DIR"] = str(work / "data")
    os.environ.setdefault("FRONTDOOR_USER", "bench.chair")
    os.environ.pop("FRONTDOOR_DATABASE_URL", None)
    try:
        return profile(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)  # the city copies are ~800 MB each


def open_plain(database: Path) -> None:
    """``database`` rewritten unencrypted (the same schema and rows), and SQLite files opened
    plain from here on, by this process only (``--plain``)."""
    import sqlite3

    import frontdoor_app.models.database as database_module
    from frontdoor_app import cipher

    plain = database.with_name("plain-" + database.name)
    conn = cipher.connect(database)
    try:
        conn.execute(f"ATTACH DATABASE '{plain}' AS plaintext KEY ''")
        conn.execute("SELECT sqlcipher_export('plaintext')")
        conn.execute("DETACH DATABASE plaintext")
    finally:
        conn.close()
    with open(plain, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(plain, database)
    # build_context would encrypt a plain file (a file of an earlier release): not here.
    cipher.prepare = lambda _path, _data_dir=None: cipher.Prepared(cipher.Key(raw=bytes(32)))
    cipher.dbapi = lambda: sqlite3
    database_module._key_connections = lambda *_args: None  # type: ignore[assignment]


def pages_written(database: Path, numbers: list[int]) -> dict[str, int]:
    """The WAL's frames (their page ``numbers``) by the table or index each page belongs to
    (the plain file only: ``dbstat`` is not in SQLCipher's build); pages past the file's
    end are new ones."""
    import sqlite3

    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        names = dict(conn.execute("SELECT pageno, name FROM dbstat"))
    finally:
        conn.close()
    counted = collections.Counter(names.get(n, "(a new page)") for n in numbers)
    return dict(counted.most_common())


def profile(args: argparse.Namespace, work: Path) -> int:
    env = BenchEnv(args.scale, lambda scale, p: build_demo_url(f"sqlite:///{p}", scale=scale), work)
    feed = monday_feed(env, last_monday())
    url = env.fresh_copy("import", lived_in_database(env) if args.lived_in else None)
    database = Path(url.removeprefix("sqlite:///"))
    if args.plain:
        open_plain(database)
    ctx = open_with_model(url, feed.model)
    engine = ctx.engine
    if args.no_checkpoint:
        event.listen(engine, "connect", lambda c, _r: c.execute("PRAGMA wal_autocheckpoint=0"))
        engine.dispose()
        raw = engine.raw_connection()  # (outside a transaction) the WAL: the import's pages
        try:
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
    statements: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0, 0])

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, _c: Any, _s: str, _p: Any, _x: Any, _m: bool) -> None:
        conn.info["profile_started"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Any, _c: Any, sql: str, params: Any, _x: Any, many: bool) -> None:
        seen = statements[" ".join(sql.split())[:90]]
        seen[0] += 1
        seen[1] += time.perf_counter() - conn.info["profile_started"]
        seen[2] += len(params) if many else 1

    phases: dict[str, float] = collections.defaultdict(float)
    blocks: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0, 0])
    for module, name in (
        (importer, "read_feed"),
        (importer, "validate"),
        (batch_plan, "plan"),
        (batch_plan, "db_candidates"),
        (batch_plan, "load_people"),
        (batch_plan, "decide"),
        (batch, "write"),
    ):
        _timed(phases, module, name)
    _timed_blocks(blocks)
    do_commit = engine.dialect.do_commit

    def commit(connection: Any) -> None:
        start = time.perf_counter()
        do_commit(connection)
        phases["commit"] += time.perf_counter() - start

    engine.dialect.do_commit = commit  # type: ignore[method-assign]
    profiler = cProfile.Profile() if args.cprofile else None
    start, begun = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    summary = importer.import_file(ctx.sessions, ctx.profile, ctx.actor, feed.path)
    if profiler is not None:
        profiler.disable()
    wall, cpu = time.perf_counter() - start, time.process_time() - begun
    if profiler is not None:
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(args.cprofile)
        profiler.dump_stats(work.parent / "profile_intake.pstats")
    # (read before the last connection closes: closing checkpoints the WAL away)
    numbers = wal_pages(database.with_name(database.name + "-wal"))
    pages = pages_written(database, numbers) if args.plain and args.no_checkpoint else None
    ctx.close()
    ms = lambda seconds: round(seconds * 1000, 1)  # noqa: E731
    print(
        json.dumps(
            {
                "wall_ms": ms(wall),
                "cpu_ms": ms(cpu),
                "imported": summary.imported,
                "phases_ms": {k: ms(v) for k, v in phases.items()},
                "blocks": {
                    k: {"ms": ms(v[0]), "rows": v[1], "probes": v[2]}
                    for k, v in sorted(blocks.items(), key=lambda kv: -kv[1][0])
                },
                "wal_frames": len(numbers),
                "wal_pages_distinct": len(set(numbers)),
                **({"pages_written_by_btree": pages} if pages is not None else {}),
                "statements": [
                    {"ms": ms(v[1]), "calls": v[0], "rows": v[2], "sql": k}
                    for k, v in sorted(statements.items(), key=lambda kv: -kv[1][1])[:15]
                ],
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
