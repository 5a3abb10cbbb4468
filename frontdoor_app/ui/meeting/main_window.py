"""The main window: title bar facts, toolbar, agenda on the left, the case on the right.

It is composed of parts, each knowing nothing of the window: the room's state
(``RoomState``: what is shown, followed, current, the curtain; no Qt), its reads
(``room_reads``) and writes (``RoomCommands``), the case on the right (``CasePane``) and
the saves from its forms (``CaseSaves``), the projector (``ProjectorController``), the
other screens (``ScreenRegistry``, built when first opened), the title bar (``RoomHeader``),
the toolbar (``RoomToolbar``) and the keys (``install_room_keys``). The window builds them,
wires them together and carries out the state's decisions. Reads run on the worker (``Ops``);
the change feed refreshes only what changed; "Follow chair" follows the chair's case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QSplitter, QVBoxLayout, QWidget

from frontdoor_app.meeting.views import AgendaView, MeetingView
from frontdoor_app.ui.case.case_view import CaseViewWidget
from frontdoor_app.ui.core.live import LiveFeed
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.ops import Ops
from frontdoor_app.ui.core.outbox import Outbox
from frontdoor_app.ui.core.theme import apply_desk_theme
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.meeting import room_reads as reads
from frontdoor_app.ui.meeting.agenda_panel import AgendaPanel
from frontdoor_app.ui.meeting.case_pane import CasePane
from frontdoor_app.ui.meeting.case_saves import CaseSaves
from frontdoor_app.ui.meeting.help_overlay import HelpOverlay, shortcut_bar_text
from frontdoor_app.ui.meeting.room_commands import RoomCommands
from frontdoor_app.ui.meeting.room_header import RoomHeader
from frontdoor_app.ui.meeting.room_state import (
    IGNORED_TABLES,
    ROOM_ONLY_TABLES,
    DecisionRead,
    NewsTouched,
    Refresh,
    RoomData,
    RoomState,
    StartData,
    Step,
    decisions_only,
)
from frontdoor_app.ui.meeting.room_toolbar import RoomToolbar
from frontdoor_app.ui.meeting.screens import ScreenRegistry, room_screens, show_recovery_key
from frontdoor_app.ui.meeting.shortcuts import install_room_keys
from frontdoor_app.ui.projector.controller import ProjectorController

if TYPE_CHECKING:
    from frontdoor_app.context import AppContext
    from frontdoor_app.sync.changes import Change


class MainWindow(QMainWindow):
    """The chair's and representatives' window onto today's meeting."""

    agenda_painted = Signal()
    room_loaded = Signal()
    case_shown = Signal(int)  # the item id, once every tab shows it
    projector_updated = Signal()

    def __init__(
        self,
        ctx: AppContext,
        worker: Worker,
        messages: Messages,
        *,
        meeting_date: dt.date | None = None,
        live_interval_ms: int = 200,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if parent is not None:
            # Inside ``parent`` (the start window) from the start: never rebuilt or restyled.
            self.setWindowFlags(Qt.WindowType.Widget)
        self.ctx, self.worker, self.messages = ctx, worker, messages
        self.meeting_date = meeting_date
        self.feed_on = False  # the change feed: started once, at load or when the server is away
        self.state = RoomState(ctx.actor.is_chair)
        self.ops = Ops(worker, messages, ctx)
        self.commands = RoomCommands(ctx, self.ops, self, self.show_error)
        app = QApplication.instance()
        if isinstance(app, QApplication) and not app.styleSheet():
            apply_desk_theme(app)  # the desk theme also when a test or tool opens the window
        self.setObjectName("mainWindow")
        self.setAccessibleName(self.tr("Front door meeting"))
        self.resize(1280, 800)
        self.header = RoomHeader(ctx.profile.clock, self)
        self.setMenuWidget(self.header)
        self.projector = ProjectorController(
            ctx,
            self.ops,
            messages,
            self,
            is_chair=self.is_chair,
            meeting_id=lambda: self.meeting.id if self.meeting else None,
            curtain=self.state.projector_curtain,
            record=self.commands.record,
            status=self.say,
            failed=self.show_error,
        )
        self.projector.updated.connect(self.projector_updated)
        self.projector.switched.connect(self._update_header)
        # A dialog closed: what it saved reaches the room through the feed (else: read it).
        self.screens = ScreenRegistry(lambda: self.cases.saved(None, True), self.commands.record)
        self.screens.declare(
            *room_screens(
                ctx,
                worker,
                messages,
                self,
                meeting=lambda: self.meeting,
                agencies=lambda: self.state.agencies,
                agenda_changed=self.reload_meeting,
                fgc_waits=lambda: self.saves.fgc_waits,
                fed=lambda: self.cases.fed(None),
            )
        )
        self.toolbar = RoomToolbar(
            self,
            ctx.actor,
            ctx.settings.is_embedded,
            open_meeting=self.open_meeting,
            open_screen=self.screens.open,
            follow=self.set_follow_chair,
        )
        self.toolbar.projector_menu.aboutToShow.connect(
            lambda: self.projector.fill_menu(self.toolbar.projector_menu)
        )
        self._build_body()
        self.live = LiveFeed(ctx, worker, live_interval_ms, self)
        self.live.changed_ahead.connect(self._changes)
        self.live.online_changed.connect(self._online_changed)
        self.live.started.connect(self._update_header)
        self.outbox = Outbox(ctx.settings.data_dir, ctx.actor.login)
        self.saves = CaseSaves(
            self.case_view, self.commands, self.state, self.outbox, messages, self
        )
        self.cases = CasePane(
            ctx,
            worker,
            messages,
            self.ops,
            self,
            state=self.state,
            case_view=self.case_view,
            commands=self.commands,
            failed=self.show_error,
            flush_drafts=self.saves.flush_drafts,
            select=self.agenda.select,
            fgc_waits=self.saves.fgc_waits,
        )
        self.cases.shown.connect(self.case_shown)
        self.live.look_ahead = self.cases.look_ahead
        self.cases.feed = self.live  # (following the log once started)
        self.cases.room_stale.connect(self.reload_room)
        self.cases.projector_stale.connect(self.projector.refresh)
        self.cases.header_stale.connect(self._update_header)
        self.saves.status.connect(self.say)
        self.saves.room_stale.connect(self.reload_room)
        self.saves.case_stale.connect(self.cases.refresh_if_shown)
        self.saves.header_stale.connect(self._update_header)
        self.saves.projector_stale.connect(self.projector.refresh)
        self.saves.server_away.connect(self.live.poll)
        self.live.answered.connect(self.saves.send_waiting)
        self.saves.saved.connect(self.cases.saved)
        self.clock = QTimer(self)
        self.clock.setInterval(15_000)
        self.clock.timeout.connect(self._update_header)
        self.clock.start()
        self.help = HelpOverlay(self)
        install_room_keys(self, self)
        self._update_header()

    # ------------------------------------------------------------------ building
    def _build_body(self) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, central)
        self.agenda = AgendaPanel(self.splitter)
        self.case_view = CaseViewWidget(self.ctx.profile.meeting.case_target_minutes, self.splitter)
        self.splitter.addWidget(self.agenda)
        self.splitter.addWidget(self.case_view)
        self.splitter.setStretchFactor(1, 1)  # (the agenda's stays Qt's 0)
        self.splitter.setSizes([420, 860])
        layout.addWidget(self.splitter, 1)
        self.shortcut_bar = QLabel(shortcut_bar_text(), central)
        self.shortcut_bar.setObjectName("shortcutBar")
        self.shortcut_bar.setAccessibleName(self.tr("Keyboard shortcuts"))
        layout.addWidget(self.shortcut_bar)
        self.setCentralWidget(central)
        self.statusBar().setAccessibleName(self.tr("Status"))
        self.agenda.table.painted_with_rows.connect(self.agenda_painted)
        self.agenda.selected.connect(self.browse_to)
        self.agenda.activated.connect(self.make_current)
        self.agenda.defer_requested.connect(self.defer_case)
        self.agenda.move_requested.connect(self.move_case)

    # ------------------------------------------------------------------ the room's state
    @property
    def room(self) -> RoomData | None:
        return self.state.room

    @property
    def meeting(self) -> MeetingView | None:
        return self.state.meeting

    @property
    def viewing(self) -> int | None:
        return self.state.viewing

    @property
    def is_chair(self) -> bool:
        return self.ctx.actor.is_chair

    def say(self, text: str, ms: int = 5000) -> None:
        self.statusBar().showMessage(text, ms)

    # ------------------------------------------------------------------ loading
    def _read(self, fn: Callable[[Any], Any], on_done: Callable[[Any], None], doing: str) -> None:
        """``fn(session)`` on the worker; what goes wrong is reported by ``show_error``."""
        self.ops.read(self, fn, on_done, doing=doing, on_failed=lambda e: self.show_error(e, doing))

    def load(self) -> None:
        """Load today's meeting on the worker; the window fills in when it arrives."""
        self.statusBar().showMessage(self.tr("Loading today's agenda…"))
        profile, day = self.ctx.profile, self.meeting_date
        self._read(
            lambda s: reads.load_start(s, profile, day),
            self.show_start,
            self.tr("Loading the agenda"),
        )

    def show_start(self, data: StartData, *, early: bool = False) -> None:
        """Today's meeting, read by ``load`` or the start-up; ``early``: before the database was
        open (``ui.shell.app`` calls ``load`` once it is), so no view recorded, no feed yet."""
        self.state.agencies = data.agencies
        self.cases.set_choices(data.agencies, data.outcomes)
        if data.room.note:
            self.show_demo_note(data.room.note)
        self.statusBar().clearMessage()
        if early:
            self._room_loaded(data.room)
            return
        if self.ctx.recovery_key:  # a new encrypted database: its recovery key, this once
            show_recovery_key(self.ctx, self.messages, self, self.screens)
        shown = data.room.meeting
        self.commands.record("view", "meeting", shown.id if shown else None, "agenda shown")
        self._room_loaded(data.room)
        self.start_feed()
        if len(self.outbox):
            self.saves.send_waiting()  # kept on the laptop last time: send them now

    def start_feed(self) -> None:
        if not self.feed_on:
            self.feed_on = True
            self.live.start()

    def reload_meeting(self) -> None:
        """Find today's meeting again (an import may just have built it)."""
        profile, day = self.ctx.profile, self.meeting_date
        self._read(
            lambda s: reads.load_start(s, profile, day),
            lambda data: self._room_loaded(data.room),
            self.tr("Loading the agenda"),
        )

    def reload_room(self, case_too: bool = True, decision: bool = False) -> None:
        """The room read again, and the case shown (``case_too`` False: if its row changed;
        ``decision``: only decisions changed, and of the case shown its decision is read)."""
        meeting, shown = self.meeting, self.viewing if decision else None
        if meeting is None:
            return
        meeting_id = meeting.id
        self._read(
            lambda s: reads.load_room_and_decision(s, meeting_id, shown),
            lambda read: self._room_loaded(read[0], case_too and shown is None, read[1]),
            self.tr("Refreshing the agenda"),
        )

    def _room_loaded(
        self, room: RoomData, case_too: bool = True, decided: DecisionRead | None = None
    ) -> None:
        before = self.state.room
        first = before is None
        typing = bool(self.case_view.intelligence.text.toPlainText().strip())
        target = self.state.target_after(room, typing)
        self.state.room = room
        meeting, agenda = room.meeting, room.agenda
        if agenda is None or meeting is None:
            self.case_view.clear(room.note)
            self._update_header()
            self.room_loaded.emit()
            return
        self.cases.set_meeting_date(meeting.meeting_date)
        if target.held_back:  # never pulled away mid-sentence: they stay, and are told
            position = str(target.chair_row.position if target.chair_row else "?")
            words = self.tr(
                "The chair has moved to case %1; you will follow once your "
                "entry here is saved or cleared."
            )
            self.say(words.replace("%1", position), 15_000)
        self.agenda.show_agenda(agenda, target.item_id)
        self.agenda.set_chair_tools(self.is_chair and not meeting.is_closed)
        self._update_header()
        self.projector.refresh()
        if target.item_id is not None and (target.item_id != self.viewing or first):
            self.show_item(target.item_id)
        elif target.item_id is not None and self.case_view.case is not None:
            self.cases.room_read_again(before, room, target.item_id, case_too, decided)
        self.room_loaded.emit()

    def show_item(self, item_id: int, refresh: bool = False) -> None:
        """Load one case into the case view (a refresh keeps what the user is typing)."""
        self.cases.show_item(item_id, refresh)

    # ------------------------------------------------------------------ navigation
    def set_follow_chair(self, on: bool) -> None:
        self.state.follow_chair = on
        if self.toolbar.follow_action.isChecked() != on:
            self.toolbar.follow_action.setChecked(on)
        meeting = self.meeting
        if on and meeting is not None and meeting.current_item_id and not self.is_chair:
            self.show_item(meeting.current_item_id)

    def browse_to(self, item_id: int) -> None:
        """The user picked a case in the agenda: show it here only."""
        if item_id == self.viewing:
            return
        if self.state.following:
            self.set_follow_chair(False)
            words = self.tr("Follow chair is off while you look at another case (Ctrl+Shift+F).")
            self.say(words, 8000)
        self.show_item(item_id)

    def step_case(self, step: int) -> None:
        """PgDn/PgUp: the chair moves the meeting on; others look ahead on their own screen."""
        move = self.state.step(step)
        if move is None:
            return
        kind, target = move
        if kind is Step.MAKE_CURRENT:
            self.make_current(target)
        else:
            self.browse_to(target)

    def make_current(self, item_id: int | None) -> None:
        """The chair makes a case the one being discussed; everyone following moves too."""
        meeting = self.meeting
        if item_id is None or meeting is None:
            return
        if not self.state.chair_leads:
            self.browse_to(item_id)
            return
        self.state.moving_to = item_id
        self.show_item(item_id)  # show it at once; the shared write follows
        meeting_id = meeting.id
        # After the case's paint, not competing with it; the room follows a little later.
        QTimer.singleShot(
            0, lambda: self.commands.set_current(meeting_id, item_id, self._agenda_written)
        )

    def _agenda_written(self, view: AgendaView) -> None:
        """The agenda as the write left it: show it without another round trip."""
        if not self.state.agenda_written(view):
            return
        self.agenda.show_agenda(view, self.viewing)
        self._update_header()
        self.cases.agenda_written(view)
        self.projector.refresh()

    # ------------------------------------------------------------------ the agenda's writes
    def open_meeting(self) -> None:
        meeting = self.meeting
        if meeting is None:
            return

        def opened(view: MeetingView) -> None:
            self.reload_room()
            self.screens.open("confidentiality", view)

        self.commands.open_meeting(meeting.id, meeting.version, opened)

    def defer_case(self, item_id: int | None) -> None:
        row = self.state.row(item_id)
        if item_id is None or row is None:
            return
        done = self.saves.fed(
            self.tr("Case %1 deferred to the next meeting").replace("%1", str(row.position)),
            of_case=False,
        )
        self.commands.defer(item_id, row.version, done)

    def move_case(self, item_id: int, position: int) -> None:
        """Against the order shown; reordered meanwhile, both orders are shown."""
        self.saves.agenda_moves.move(item_id, position)

    def toggle_curtain(self) -> None:
        """B: blank the projector. The chair's curtain is shared; others' is their own."""
        state, meeting = self.state, self.meeting
        down = not state.curtain_is_down()
        if state.chair_curtain() and meeting is not None:
            # Until the write is back, what the chair pressed is what the room sees: a
            # projector refresh read before the write must not lift the curtain.
            state.curtain_pending = down

            def done(view: MeetingView) -> None:
                state.curtain_pending = None
                words = self.tr("Curtain down") if view.curtain_down else self.tr("Curtain up")
                self.saves.fed(words, of_case=False)(view)

            def failed(exc: BaseException) -> None:
                state.curtain_pending = None
                self.show_error(exc, self.tr("Projector curtain"))
                self._update_header()

            self.commands.set_curtain(meeting.id, down, done, failed)
            state.local_curtain = False
        else:
            state.local_curtain = down
        self.projector.show_curtain(down)
        self._update_header()

    # ------------------------------------------------------------------ change feed
    def _changes(self, rows: Sequence[Change], ahead: NewsTouched | None = None) -> None:
        tables = {r.table_name for r in rows}
        self.screens.changed(tables)  # other people's saves reach the open lists too
        refresh = self.state.refresh_for(tables)
        if refresh is Refresh.NOTHING:
            return
        if refresh is Refresh.ROOM:
            # also the projector, and the open case (only if its own agenda row changed,
            # when nothing but the room's rows did: the chair moved case, say; only its
            # decision, when nothing but decisions and the room's rows did)
            kinds = tables - IGNORED_TABLES
            self.reload_room(not kinds <= ROOM_ONLY_TABLES, decision=decisions_only(kinds))
        elif refresh in (Refresh.ASK_CASES, Refresh.ACTIONS):
            # Entries or actions (this window's own too): which cases (read with the log,
            # or asked now), and only a screen showing one reads them again.
            news = [r for r in rows if r.table_name not in IGNORED_TABLES]
            self.cases.news(news, ahead)
        else:
            if self.viewing is not None:
                self.show_item(self.viewing, refresh=True)
            self.projector.refresh()

    def _online_changed(self, online: bool) -> None:
        self._update_header()
        if online and self.room is None:
            self.load()  # started while the server was away: load what it has now
        elif online:
            self.saves.send_waiting()

    # ------------------------------------------------------------------ telling
    def _update_header(self) -> None:
        """The title bar facts, toolbar counts and the curtain banner, from the room data."""
        down = self.state.curtain_is_down()
        waiting, where = self.saves.waiting_shown.where(self.room)
        title = self.header.show_facts(self.meeting, self.live, waiting, down, where)
        self.setWindowTitle(title)
        self.toolbar.show_room(self.room, self.projector.button_text())

    def show_demo_note(self, text: str) -> None:
        """A notice under the title bar (demo data created, no meeting today, ...)."""
        self.say(self.header.show_notice(text), 15_000)

    def show_error(self, exc: BaseException, doing: str) -> None:
        from frontdoor_app.sync.offline import connection_lost

        if connection_lost(exc):
            # Not a fault for a box: the banner says so; the feed reconnects and refreshes.
            words = self.tr("%1: the server cannot be reached; showing what this laptop has.")
            self.say(words.replace("%1", doing), 10_000)
            self.live.poll() if self.feed_on else self.start_feed()  # it keeps trying
            return
        self.messages.failed(self, doing, exc)
        self.say(f"{doing}: {exc}", 10_000)

    # ------------------------------------------------------------------ closing
    def shutdown(self) -> None:
        """Save pending drafts and stop timers (the app calls this before the worker stops)."""
        self.saves.flush_drafts()
        self.live.stop()
        self.clock.stop()
        self.projector.shutdown()
        self.screens.close_all()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self.saves.may_close():  # saves still waiting on the laptop: the user stays
            return event.ignore()
        self.shutdown()
        super().closeEvent(event)
