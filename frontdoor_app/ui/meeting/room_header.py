"""The meeting room's title bar: date, status, clock and chair; the curtain; live or offline.

Above the toolbar, like a title bar, with two banners under it: a notice (demo data
created, no meeting today...) and the connection (offline, saves waiting). It is told
the facts (``show_facts``) and keeps none of its own.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from frontdoor_app.clock import Clock
from frontdoor_app.meeting.views import MeetingView
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.core.theme import repolish
from frontdoor_app.ui.widgets.words import meeting_title


class Feed(Protocol):
    """What the title bar shows of the change feed (``ui.core.live.LiveFeed``)."""

    @property
    def online(self) -> bool: ...

    @property
    def following(self) -> bool: ...


def _label(parent: QWidget, name: str, accessible: str) -> QLabel:
    label = QLabel("", parent)
    label.setObjectName(name)
    label.setAccessibleName(accessible)
    return label


def waiting_words(waiting: int) -> str:
    if waiting == 1:
        return translate("MainWindow", "1 save waiting to be sent")
    return translate("MainWindow", "%1 saves waiting to be sent").replace("%1", str(waiting))


class RoomHeader(QWidget):
    """The title bar and its two banners (see the module)."""

    def __init__(self, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clock = clock  # the authority's (``profile.clock``): the title bar's time
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        bar = QWidget(self)
        row = QHBoxLayout(bar)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.title_info = _label(
            bar, "titleInfo", translate("MainWindow", "Meeting date, status, time and chair")
        )
        self.curtain_banner = _label(bar, "curtainBanner", translate("MainWindow", "Curtain down"))
        self.curtain_banner.setText(
            translate("MainWindow", "Curtain down: the projector shows “Paused” (B)")
        )
        self.curtain_banner.hide()
        self.live_label = _label(bar, "liveIndicator", translate("MainWindow", "Live updates"))
        row.addWidget(self.title_info, 1)
        row.addWidget(self.curtain_banner)
        row.addWidget(self.live_label)
        self.demo_banner = _label(self, "demoBanner", translate("MainWindow", "Notice"))
        self.demo_banner.setWordWrap(True)
        self.demo_banner.hide()
        self.offline_banner = _label(self, "offlineBanner", translate("MainWindow", "Connection"))
        self.offline_banner.setWordWrap(True)
        self.offline_banner.hide()
        column.addWidget(bar)
        column.addWidget(self.demo_banner)
        column.addWidget(self.offline_banner)

    def show_facts(
        self,
        meeting: MeetingView | None,
        feed: Feed,
        waiting: int,
        curtain_down: bool,
        where: str = "",
    ) -> str:
        """Show the meeting's facts, the connection and the curtain; returns the title.
        ``waiting``: this laptop's saves waiting to be sent; ``where``: of which cases.
        The change feed is "connecting" until it has its place in the log (the database is
        still opening, or its first read is on the way), and live from then on."""
        text = meeting_title(meeting, self.clock.now())
        self.title_info.setText(text)
        online, following = feed.online, feed.following
        if not online:
            words, state = translate("MainWindow", "○ offline — retrying"), "offline"
        elif not following:
            words, state = translate("MainWindow", "○ connecting…"), "connecting"
        else:
            words, state = translate("MainWindow", "● live"), "live"
        count = waiting_words(waiting)
        if waiting:
            words += " · " + count
        self.live_label.setText(words)
        if not online or waiting:
            banner = translate(
                "MainWindow",
                "The server cannot be reached. Keep working: what you type stays "
                "on this laptop and is sent when the connection is back.",
            )
            if online:
                banner = translate(
                    "MainWindow", "Connection back: sending what waited on this laptop."
                )
            if waiting:
                banner += " " + count + (f" ({where})." if where else ".")
            self.offline_banner.setText(banner)
        self.offline_banner.setVisible(not online or bool(waiting))
        if self.live_label.property("state") != state:  # each 15 s tick too: restyle on change
            self.live_label.setProperty("state", state)
            repolish(self.live_label)
        self.curtain_banner.setVisible(curtain_down)
        return text

    def show_notice(self, text: str) -> str:
        """A notice under the title bar (added to one already shown); returns all of it."""
        if self.demo_banner.isVisibleTo(self) and text not in self.demo_banner.text():
            text = self.demo_banner.text() + " · " + text
        self.demo_banner.setText(text)
        self.demo_banner.show()
        return text
