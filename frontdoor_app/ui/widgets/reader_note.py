"""In place of a form its user may not use, a line saying who adds what here.

A viewer or an FGC coordinator reads a case but adds nothing to it (the domain and, on a
server, its row-level security refuse them). Offering them the form only to refuse it on
Save wastes their time; the form is hidden and this note says who does it instead.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from frontdoor_app.ui.core.i18n import translate


def set_shown(widget: QWidget, shown: bool) -> None:
    """Show or hide ``widget``, only when that changes: showing a widget that is not hidden
    would lay out again, for nothing, a tab that is not on screen (and a test's click on
    the tab's button would then go nowhere)."""
    if widget.isHidden() == shown:
        widget.setVisible(shown)


class ReaderNote(QLabel):
    def __init__(self, parent: QWidget, what: str) -> None:
        super().__init__(parent)
        self.what = what  # "entries", "actions", ...
        self.setWordWrap(True)
        self.setObjectName("readerNote")
        self.setAccessibleName(translate("ReaderNote", "Who adds %1").replace("%1", what))
        self.hide()

    def show_for(self, form: QWidget, writes: bool, you: str) -> None:
        """``form`` for those who may use it (``writes``); for anyone else this note."""
        set_shown(form, writes)
        set_shown(self, not writes)
        self.setText(
            ""
            if writes
            else translate(
                "ReaderNote",
                "You are signed in as %1: %2 are added here by the chair, an admin or the "
                "agency's own representative.",
            )
            .replace("%1", you)
            .replace("%2", self.what)
        )
