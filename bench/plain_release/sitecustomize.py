"""For ``room_encrypted_vs_plain`` only: a started application that reads and writes a plain
SQLite file through the standard library, as the release before encryption did (the same
swap ``benchmarks/data_protection.plain_sqlite`` makes in-process). Python imports this
module at start-up when this folder is on PYTHONPATH; nothing else puts it there."""

import sqlite3

from frontdoor_app import cipher, key_prefetch

cipher.dbapi = lambda: sqlite3  # type: ignore[assignment]
cipher.prepare = lambda path, data_dir=None: cipher.Prepared(cipher.Key(raw=bytes(32)))  # type: ignore[assignment]
cipher.connect = lambda path, key=None, **kw: sqlite3.connect(str(path), **kw)  # type: ignore[assignment]
key_prefetch.prefetch_key = lambda: None  # type: ignore[assignment]  # no key to read
