"""Importing after Qt without reading every module's source file again.

Once ``PySide6.QtCore`` is imported, every module imported after it passes through PySide's
import hook (``shibokensupport.feature``), which reads the module's whole source file
(``inspect.getsource``) to see whether it names PySide6: the modules that do may switch on
PySide's optional ``from __feature__ import snake_case, true_property``. Started, this
application imports some 450 modules after Qt (SQLAlchemy, the models, the main window), and
the source reads cost about a tenth of the start's CPU time.

This application never selects a feature (tests/test_ui_startup.py holds it to that), so the
answer only has to be as PySide would give it for the modules that matter: its own and our
user interface's modules use PySide, nothing else does. The answer is read from the module's
name; PySide's bookkeeping (its per-module table) is otherwise untouched.
"""

from __future__ import annotations

import sys
from types import ModuleType

# Modules that use PySide6, by name (the rest of this application and its libraries do not).
USES_PYSIDE = ("PySide6", "shiboken6", "frontdoor_app.ui")


def uses_pyside(module: ModuleType) -> bool:
    name = getattr(module, "__name__", "")
    return isinstance(name, str) and name.startswith(USES_PYSIDE)


def skip_source_scan() -> bool:
    """Answer PySide's "does this module use PySide?" by name; True when in place. A PySide
    without the hook (another version) is left as it is."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    if not isinstance(getattr(feature, "pyside_feature_dict", None), dict):
        return False
    feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]
    return True
