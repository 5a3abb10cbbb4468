"""Admin sub-commands of ``frontdoor`` that work without a screen.

Each module has ``register(subparsers)``, which adds its parser and sets ``handler``
to a function ``(args) -> int`` (the exit status). Modules are imported only when their
command is asked for: the desktop application starts without any of them (they bring in
alembic, reportlab and the importer, which the first window does not need).
"""

from __future__ import annotations

import importlib
from types import ModuleType

# command name → module in this package
COMMANDS: dict[str, str] = {
    "db": "db",
    "import": "import_feed",
    "minutes": "minutes",
    "fgc": "fgc",
    "demo": "demo",
    "server": "server",
    "users": "users",
    "matching": "matching",
    "audit": "audit",
    "retention": "retention",
    "sar": "sar",
    "measures": "measures",
}


def command_module(name: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{COMMANDS[name]}")
