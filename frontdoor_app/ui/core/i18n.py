"""The one translation helper: ``translate("Context", "text")``, which ``pyside6-lupdate`` sees.

Private wrappers such as ``_t(text)`` hide every string from lupdate; calling
``translate`` with the context and the literal text keeps them visible to translators.
Widgets with their own class may also use ``self.tr("text")``. lupdate reads the
context and text only as string literals, and a plural's count only as a plain name.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def translate(context: str, text: str, disambiguation: str = "", n: int = -1) -> str:
    """The translation of ``text`` in ``context`` (``%n`` filled in when ``n`` is given)."""
    out = QCoreApplication.translate(context, text, disambiguation or None, n)
    return out.replace("%n", str(n)) if n >= 0 else out
