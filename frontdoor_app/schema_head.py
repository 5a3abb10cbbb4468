"""Where the migrations live and which one is the newest, read without SQLAlchemy or Alembic.

Reading the files' ``revision``/``down_revision`` lines takes a few milliseconds; loading
Alembic's script directory costs a noticeable part of the application's start, and the
desktop's first paint checks the schema before SQLAlchemy is even imported.
"""

from __future__ import annotations

import re
from pathlib import Path

MIGRATIONS = Path(__file__).resolve().parent / "models" / "migrations"
_REVISION = re.compile(r"^(down_)?revision(?::[^=]*)?=\s*(?:['\"]([^'\"]+)['\"]|None)", re.M)


def head_revision() -> str | None:
    """The newest migration (None when there are none); more than one head is an error."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for down, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            if value:
                (parents if down else revisions).add(value)
    heads = revisions - parents
    if len(heads) > 1:
        raise RuntimeError(f"the migrations have more than one head: {sorted(heads)}")
    return heads.pop() if heads else None
