"""Admin sub-commands of ``frontdoor`` that work without a screen.

Each module has ``register(subparsers)``, which adds its parser and sets ``handler``
to a function ``(args) -> int`` (the exit status).
"""

from __future__ import annotations

from types import ModuleType

from . import db, demo, fgc, import_feed, minutes

COMMAND_MODULES: tuple[ModuleType, ...] = (db, import_feed, minutes, fgc, demo)
