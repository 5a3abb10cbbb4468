"""The application's one top-level window: a first look at the agenda at once, then the
main window in its place.

At start the window shows today's agenda read by ``meeting.first_look`` (or, when that
cannot be done, what it is doing), written with the same words as the agenda table
(``words``) as one rich-text page. It is only a page to read: the main window, once
loaded, takes its place in this same window, so the user sees one window come to life
rather than a second one open.

Import and call cost matter here. Nothing in this module may load SQLAlchemy or the main
window, nor touch Qt's ``Qt`` namespace: its hundreds of enums take longer to load than
the whole first paint, and calling any ``QPainter`` method, or passing an alignment flag,
loads it. So the page is labels and HTML that Qt lays out and paints itself.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.profile_error import ProfileError, ServerProfileError
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.core.theme import set_scaled_font
from frontdoor_app.ui.widgets.words import (
    AGENDA_COLUMNS,
    agenda_cell,
    agenda_headers,
    agenda_heading,
    agenda_row_words,
    agenda_summary,
    meeting_title,
)

if TYPE_CHECKING:  # events only in annotations: loading QEvent's enums costs the first paint
    from PySide6.QtGui import QCloseEvent, QPaintEvent, QResizeEvent

    from frontdoor_app.meeting.agenda_rows import AgendaRow
    from frontdoor_app.meeting.first_look import FirstLook
    from frontdoor_app.ui.meeting.main_window import MainWindow

AGENDA_WIDTH = 420  # the main window's splitter gives the agenda this much
RIGHT_ALIGNED = ("number", "children")


def profile_mistake(exc: ProfileError) -> str:
    """What a failed start says about a mistake in the profile, and who can correct it: the
    person at this laptop their own file; the server's administrator the server's."""
    if isinstance(exc, ServerProfileError):
        text = translate(
            "App",
            "The shared server's authority profile has a mistake: %1\n\nThis laptop cannot "
            "correct it: ask the server's administrator to run `frontdoor server upgrade` "
            "with the corrected profile.",
        )
    else:
        text = translate(
            "App",
            "The authority profile has a mistake: %1\n\nClose this window, correct the file "
            "and start again.",
        )
    return text.replace("%1", str(exc))


def escape(text: str) -> str:
    """Text for rich text (the ``html`` module's tables of entities cost the first paint)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _PaintedLabel(QLabel):
    """A label that says when it has first been painted."""

    painted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._reported = False

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if not self._reported:
            self._reported = True
            self.painted.emit()


def agenda_columns_html(
    rows: tuple[AgendaRow, ...], selected: int | None, room: int, line_height: int
) -> list[str]:
    """The agenda as one rich-text column per table column, lines at the table's row
    height, so the columns line up as rows; ``room`` rows at most (then how many more).

    Columns of lines, not an HTML table: Qt lays a 30-row table out in about 40 ms, these
    in a few. The case the main window will open is in bold, as the table highlights it.
    """
    shown = rows if len(rows) <= room else rows[: max(1, room - 1)]
    columns = []
    for column, header in zip(AGENDA_COLUMNS, agenda_headers(), strict=True):
        lines = [f"<b>{escape(header)}</b>"]
        for row in shown:
            # Every column has every line (a blank cell too), so the lines stay in step.
            text = escape(agenda_cell(row, column).strip()) or "&nbsp;"
            lines.append(f"<b>{text}</b>" if row.item_id == selected else text)
        if len(shown) < len(rows):
            more = translate("StartWindow", "… and %1 more").replace(
                "%1", str(len(rows) - len(shown))
            )
            lines.append(escape(more) if column == "household" else "&nbsp;")
        align = "right" if column in RIGHT_ALIGNED else "left"
        columns.append(
            f'<p align="{align}" style="line-height:{line_height}px; '
            f'white-space:pre">{"<br>".join(lines)}</p>'
        )
    return columns


class AgendaGlance(QWidget):
    """Today's agenda as the main window will show it, and what is still loading."""

    painted = Signal()  # the page has first been painted

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstLook")
        self.setAccessibleName(translate("StartWindow", "Today's agenda, first look"))
        self.look: FirstLook | None = None
        self.message = translate("StartWindow", "Opening the meeting…")
        self.failed = False
        self._shown_room = 0
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.title_info = QLabel(self)
        self.title_info.setObjectName("titleInfo")
        self.title_info.setAccessibleName(
            translate("StartWindow", "Meeting date, status, time and chair")
        )
        column.addWidget(self.title_info)
        self.banner = QLabel(self)
        self.banner.setObjectName("demoBanner")
        self.banner.setAccessibleName(translate("StartWindow", "Notice"))
        self.banner.setWordWrap(True)
        self.banner.hide()
        column.addWidget(self.banner)
        # Where the main window's toolbar will be, so the agenda does not jump when it comes.
        self.toolbar_space = QLabel(" ", self)
        self.toolbar_space.setObjectName("firstLookToolbar")
        column.addWidget(self.toolbar_space)
        body = QHBoxLayout()
        body.setSpacing(0)
        panel = QWidget(self)
        panel.setObjectName("agendaPanel")
        panel.setFixedWidth(AGENDA_WIDTH)
        stack = QVBoxLayout(panel)
        stack.setContentsMargins(6, 6, 6, 6)
        self.heading = QLabel(panel)
        self.heading.setObjectName("agendaHeading")
        set_scaled_font(self.heading, 1.2, bold=True)
        self.table = QWidget(panel)
        self.table.setObjectName("firstLookTable")
        self.table.setAccessibleName(translate("StartWindow", "Agenda cases"))
        self.table.setMinimumHeight(1)  # clipped, not growing the window, if rows overflow
        line = QHBoxLayout(self.table)
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(12)
        self.columns = [_PaintedLabel(self.table) for _column in AGENDA_COLUMNS]
        for index, label in enumerate(self.columns):
            label.setMinimumHeight(1)
            line.addWidget(label, 1 if AGENDA_COLUMNS[index] == "household" else 0)
        self.summary = QLabel(panel)
        self.summary.setObjectName("agendaSummary")
        for widget in (self.heading, self.table, self.summary):
            stack.addWidget(widget)
        stack.addStretch(1)
        self.panel = panel
        body.addWidget(panel)
        self.notice = _PaintedLabel(self)
        self.notice.setObjectName("firstLookNotice")
        self.notice.setAccessibleName(translate("StartWindow", "Progress"))
        self.notice.setWordWrap(True)
        side = QVBoxLayout()
        side.addWidget(self.notice, 1)
        self.bar: QProgressBar | None = None  # made when there is progress to show
        self._side = side
        body.addLayout(side, 1)
        column.addLayout(body, 1)
        self.columns[0].painted.connect(self.painted)
        self.notice.painted.connect(self._notice_painted)
        self._refresh()

    @property
    def rows(self) -> tuple[AgendaRow, ...]:
        return self.look.agenda.rows if self.look is not None else ()

    @property
    def selected_item(self) -> int | None:
        """The case the main window will open: the chair's current one, else the first."""
        if self.look is None:
            return None
        current = self.look.agenda.meeting.current_item_id
        return current or (self.rows[0].item_id if self.rows else None)

    def title(self) -> str:
        meeting = self.look.agenda.meeting if self.look is not None else None
        return meeting_title(meeting, dt.datetime.now(dt.UTC))

    def show_look(self, look: FirstLook) -> None:
        self.look = look
        self._refresh()

    def say(self, text: str, failed: bool = False) -> None:
        self.message, self.failed = text, failed
        if failed and self.bar is not None:
            self.bar.hide()
        self._refresh()

    def progress(self, text: str, fraction: float | None) -> None:
        """What is being done, with a progress bar (moving to and fro when ``fraction`` is
        None: no measure of how far yet)."""
        if self.bar is None:
            from PySide6.QtCore import Qt  # after the first paint: its enums cost that paint

            self.bar = QProgressBar(self)
            self.bar.setObjectName("startProgress")
            self.bar.setAccessibleName(translate("StartWindow", "Start-up progress"))
            self.bar.setFixedWidth(480)
            self.bar.setTextVisible(True)
            # The message, then the bar under it, together in the middle of the space.
            self._side.setStretchFactor(self.notice, 0)
            self._side.insertStretch(0, 1)
            self._side.addWidget(self.bar, 0, Qt.AlignmentFlag.AlignHCenter)
            self._side.addStretch(1)
        if fraction is None:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 100)
            self.bar.setValue(round(fraction * 100))
        self.bar.show()
        if text != self.message:
            self.say(text)

    def _line_height(self) -> int:
        return QFontMetrics(self.font()).lineSpacing() + 10  # as the agenda table's rows

    def _room(self) -> int:
        """How many agenda rows fit the window's height (the window must never grow to
        show them all: the main window's table scrolls)."""
        line = QFontMetrics(self.font()).lineSpacing()
        above_and_below = 6 * line + 70  # title, toolbar, heading, header row, summary
        return max(1, (self.height() - above_and_below) // self._line_height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.rows and self._room() != self._shown_room:
            self._refresh()

    def _notice_painted(self) -> None:
        if not self.rows:  # with an agenda, it is the agenda's paint that counts
            self.painted.emit()

    def _refresh(self) -> None:
        self.title_info.setText(self.title())
        rows = self.rows
        meeting = self.look.agenda.meeting if self.look is not None else None
        note = self.look.note if self.look is not None else None
        self.banner.setText(note or "")
        self.banner.setVisible(bool(note))
        self.panel.setVisible(bool(rows))
        if rows and meeting is not None:
            self.heading.setText(agenda_heading(rows))
            self._shown_room = self._room()
            texts = agenda_columns_html(
                rows, self.selected_item, self._shown_room, self._line_height()
            )
            for label, text in zip(self.columns, texts, strict=True):
                label.setText(text)
            self.summary.setText(agenda_summary(meeting.waiting, rows))
        colour = "#8b0000" if self.failed else "#1a1a1a"
        weight = "bold" if self.failed else "normal"
        self.notice.setText(
            f'<p align="center" style="color:{colour}; font-weight:{weight}">'
            f"{escape(self.message).replace(chr(10), '<br>')}</p>"
        )
        # For screen readers: the page's content in words.
        words = [self.title(), self.message]
        words.extend(agenda_row_words(r) for r in rows)
        self.setAccessibleDescription(". ".join(words))


class StartWindow(QMainWindow):
    """Shows the first look, then hosts the main window; ``painted`` once the look is."""

    painted = Signal()  # the first look (agenda or notice) has been painted
    adopted = Signal()  # the main window is in place
    closing = Signal()  # closed before the main window was in place: stop loading it

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("startWindow")
        self.setWindowTitle(translate("StartWindow", "Front door"))
        self.resize(1280, 800)
        self.glance: AgendaGlance | None = AgendaGlance(self)
        self.glance.painted.connect(self.painted)
        self.setCentralWidget(self.glance)
        self.main: MainWindow | None = None

    @property
    def failed(self) -> bool:
        """Start-up failed (the first look then stays, saying why)."""
        return self.glance is not None and self.glance.failed

    @property
    def has_look(self) -> bool:
        return self.glance is not None and bool(self.glance.rows)

    def show_look(self, look: FirstLook) -> None:
        assert self.glance is not None
        self.glance.show_look(look)
        self.setWindowTitle(self.glance.title())

    def clear_look(self) -> None:
        """Take the agenda away (it was read from a database that is being replaced)."""
        if self.glance is not None:
            self.glance.look = None
            self.glance.say(self.glance.message)
            self.setWindowTitle(translate("StartWindow", "Front door"))

    def say(self, text: str) -> None:
        """What the window is doing while the rest loads."""
        if self.glance is not None:
            self.glance.say(text)

    def progress(self, text: str, fraction: float | None) -> None:
        """What the window is doing while the rest loads, with a progress bar."""
        if self.glance is not None:
            self.glance.progress(text, fraction)

    def fail(self, text: str) -> None:
        """Start-up failed: say so in the window, which stays open until the user closes it.
        A main window already in place (built before the database was open) goes."""
        if self.glance is None:
            self.glance = AgendaGlance(self)
            old, self.main = self.takeCentralWidget(), None
            self.setCentralWidget(self.glance)
            self.glance.show()  # a child added to a window on screen is not shown with it
            self.setWindowTitle(translate("StartWindow", "Front door"))
            if old is not None:
                old.deleteLater()
        self.glance.say(text, failed=True)

    def adopt(self, window: MainWindow) -> None:
        """The main window takes the first look's place, inside this same window."""
        from PySide6.QtCore import Qt  # loaded by now, with the main window

        self.main = window
        if window.isWindow():  # built on its own (a test): now a widget in this window
            window.setWindowFlags(Qt.WindowType.Widget)
        old = self.takeCentralWidget()
        self.setCentralWidget(window)
        window.show()  # changing its window flags hid it
        self.setWindowTitle(window.windowTitle())
        window.windowTitleChanged.connect(self.setWindowTitle)
        if old is not None:
            old.deleteLater()
        self.glance = None
        self.adopted.emit()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        # The main window saves its drafts and stops its timers when it closes.
        if self.main is not None and not self.main.close():
            event.ignore()
            return
        if self.main is None:
            self.closing.emit()
        super().closeEvent(event)
