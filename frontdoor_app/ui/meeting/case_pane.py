"""The case on the right of the meeting room: read on the worker, shown in every tab.

``CasePane`` loads a case into the case view (a refresh keeps what the user is typing,
and restores their drafts on a first show), reads the next case ahead once one is on
screen so PgDn shows it at once, reads a notification's person links when the History
tab asks, and puts the FGC panel in its tab the first time that tab is shown.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from frontdoor_app.access.actor import (
    DECIDES,
    ROLE_WORDS,
    may_act_for_agency,
    may_change_entry,
)
from frontdoor_app.meeting.views import AgencyOption, AgendaView, OutcomeOption
from frontdoor_app.ui.case.case_view import CaseViewWidget
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.ops import Ops
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.meeting import room_reads as reads
from frontdoor_app.ui.meeting.room_commands import RoomCommands
from frontdoor_app.ui.meeting.room_state import (
    ACTION_TABLES,
    CASE_SCOPED_TABLES,
    IGNORED_TABLES,
    NEWS_TABLES,
    ActionsTouched,
    CaseBundle,
    CasesTouched,
    DecisionRead,
    NewsTouched,
    RoomData,
    RoomState,
    case_unmoved,
)

if TYPE_CHECKING:
    from frontdoor_app.context import AppContext
    from frontdoor_app.sync.changes import Change
    from frontdoor_app.ui.core.live import LiveFeed

PREFETCH_DELAY_MS = 150


class CasePane(QObject):
    """See the module. ``failed(exc, doing)`` reports what goes wrong; ``flush_drafts()`` saves what is typed before another case;
    ``select(item_id)`` shows which case it is in the agenda."""

    shown = Signal(int)  # the item id, once every tab shows it
    room_stale = Signal()  # read the room again (a Save of the room's, no feed to bring it)
    projector_stale = Signal()  # someone's change touched the room's current case
    header_stale = Signal()  # the room's counts changed (open actions)

    def __init__(
        self,
        ctx: AppContext,
        worker: Worker,
        messages: Messages,
        ops: Ops,
        owner: QWidget,
        *,
        state: RoomState,
        case_view: CaseViewWidget,
        commands: RoomCommands,
        failed: Callable[[BaseException, str], None],
        flush_drafts: Callable[[], None],
        select: Callable[[int], None],
        fgc_waits: Any = None,
    ) -> None:
        super().__init__(owner)
        self.fgc_waits = fgc_waits
        self.ctx, self.worker, self.messages, self.ops, self.owner = (
            ctx,
            worker,
            messages,
            ops,
            owner,
        )
        self.state, self.case_view, self.commands = state, case_view, commands
        self.failed, self.flush_drafts, self.select = failed, flush_drafts, select
        self.prefetch_enabled = True
        self.feed: LiveFeed | None = None  # the window's change feed: it brings own Saves
        self.prefetch_pending = False  # a background read of the next case is scheduled
        case_view.history.links_wanted.connect(self.load_links)
        case_view.tabs.currentChanged.connect(self._tab_changed)

    def set_choices(
        self, agencies: tuple[AgencyOption, ...], outcomes: tuple[OutcomeOption, ...]
    ) -> None:
        """The pick lists: agencies (the user's own first chosen) and decision outcomes."""
        actor, cv = self.ctx.actor, self.case_view
        chooses = actor.role in ("chair", "admin")
        cv.intelligence.set_agencies(agencies, actor.agency_id, chooses)
        cv.intelligence.set_editor(lambda e: may_change_entry(actor, e.author_id, e.agency_id))
        cv.actions_tab.set_agencies(agencies, actor.agency_id, chooses)
        cv.sharing.set_agencies(agencies, actor.agency_id, chooses)
        # A viewer or an FGC coordinator adds nothing to a case: no form to be refused on.
        writes, you = may_act_for_agency(actor, actor.agency_id), ROLE_WORDS[actor.role]
        for tab in (cv.intelligence, cv.actions_tab, cv.sharing):
            tab.set_writes(writes, you)
        cv.actions_tab.status_form.may_update = lambda action: may_act_for_agency(
            actor, action.owner_agency_id
        )
        cv.decision.set_outcomes(outcomes, [a.name for a in agencies])
        cv.decision.set_may_decide(actor.role in DECIDES)

    def set_meeting_date(self, day: dt.date) -> None:
        """New actions are due by the profile's default after the meeting."""
        from frontdoor_app.meeting.due import default_due_date

        self.case_view.actions_tab.set_default_due(default_due_date(self.ctx.profile, day))

    def focus(self, name: str) -> None:
        """Ctrl+I, Ctrl+Shift+A, Ctrl+D: that tab, its first field ready for typing."""
        cv = self.case_view
        cv.show_tab(name)
        if name == "intelligence":
            cv.intelligence.focus_entry()
        elif name == "actions":
            cv.actions_tab.focus_entry()
        elif name == "decision":
            cv.decision.focus_first()

    def read(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        doing: str,
        failed: Callable[[BaseException, str], None] | None = None,
    ) -> None:
        """``fn`` on the worker; ``failed`` (else the window's message) if it fails."""
        said = failed or self.failed
        self.ops.query(self.owner, fn, on_done, doing=doing, on_failed=lambda e: said(e, doing))

    def show_item(self, item_id: int, refresh: bool = False) -> None:
        """Load one case into the case view (a refresh keeps what the user is typing)."""
        if not refresh:
            self.flush_drafts()
        self.state.viewing = item_id
        self.select(item_id)
        cached = None if refresh else self.state.take_prefetched(item_id)
        if cached is not None:
            # Read moments ago in the background: show it now, and record the view as
            # load_case would have.
            self._case_loaded(cached, refresh=False)
            self.commands.record_view(item_id)
            return
        ctx, audit_view = self.ctx, not refresh
        self.case_view.show_opening(self._opening_words(item_id))
        self.read(
            lambda: reads.load_case_bundle(ctx, item_id, audit_view, with_drafts=not refresh),
            lambda bundle: self._case_loaded(bundle, refresh),
            translate("MainWindow", "Opening the case"),
            failed=self._not_opened,
        )

    def _opening_words(self, item_id: int) -> str:
        """What the case view says while case ``item_id`` is read ("Opening case 3: Khan…")."""
        room = self.state.room
        row = room.agenda.row(item_id) if room is not None and room.agenda else None
        if row is None:
            return translate("Case", "Opening the case…")
        if not row.household_name:
            return translate("Case", "Opening case %1…").replace("%1", str(row.position))
        words = translate("Case", "Opening case %1: %2…").replace("%1", str(row.position))
        return words.replace("%2", row.household_name)

    def _not_opened(self, exc: BaseException, doing: str) -> None:
        if self.case_view.case is None:
            self.case_view.clear()  # not "Opening…" for ever: the message says why
        self.failed(exc, doing)

    def agenda_written(self, view: AgendaView) -> None:
        """The case shown, as the agenda a write returned has it (status, timer)."""
        case = self.case_view.case
        row = view.row(case.item.item_id) if case is not None else None
        if case is not None and row is not None:
            fresh = dataclasses.replace(case, item=row, meeting_status=view.meeting.status)
            self.case_view.update_item(fresh)

    def look_ahead(self) -> Callable[[Any, Sequence[Change]], NewsTouched | None]:
        """The read (given a session and someone's news) that shows that news when it is
        entries, sharing decisions and actions only: the cases they touch, the entries and
        the actions of the case on screen that changed, and the meeting's open actions
        when actions did; None otherwise. What the screen shows is taken now, on this
        thread. The change feed runs it with its next read of the log, in the same unit of
        work, so one read after the doorbell shows the news; ``news`` runs it on its own
        otherwise."""
        shown, viewer, meeting = self.state.viewing, self.ctx.actor, self.state.meeting
        meeting_id = meeting.id if meeting is not None else None
        today = self.ctx.profile.clock.today()

        def read(s: Any, rows: Sequence[Change]) -> NewsTouched | None:
            news = [r for r in rows if r.table_name not in IGNORED_TABLES]
            if not news or not {r.table_name for r in news} <= NEWS_TABLES:
                return None
            entries = [r for r in news if r.table_name in CASE_SCOPED_TABLES]
            acted = [r for r in news if r.table_name in ACTION_TABLES]
            return NewsTouched(
                reads.cases_touched(s, entries, shown, viewer) if entries else None,
                # (no meeting: no open actions to count, nor a case of it on screen)
                reads.actions_touched(s, acted, meeting_id, shown, today)
                if acted and meeting_id is not None
                else None,
                tuple(r.id for r in news),
            )

        return read

    def news(self, news: Sequence[Change], ahead: NewsTouched | None = None) -> None:
        """Someone else's entries, sharing decisions or actions: the cases they touch are
        asked, and only the case on screen reads again what changed (``ahead``: read with
        the log already, used when it answers for exactly this news)."""
        if not news:
            return
        if isinstance(ahead, NewsTouched) and ahead.changes == tuple(r.id for r in news):
            self._answered(ahead)
            return
        doing, read = translate("MainWindow", "Refreshing"), self.look_ahead()
        self.ops.read(
            self.owner,
            lambda s: read(s, news),
            self._answered,
            doing=doing,
            on_failed=lambda e: self.failed(e, doing),
        )

    def _answered(self, touched: NewsTouched | None) -> None:
        if touched is None:
            return
        read_again = touched.cases is not None and self._entries_changed(touched.cases)
        if touched.actions is not None:
            self._actions_changed(touched.actions, read_again)

    def _entries_changed(self, touched: CasesTouched) -> bool:
        """True when the whole case shown is read again."""
        read_again = self.cases_changed(touched)
        self._touched_current(touched.item_ids)
        return read_again

    def _touched_current(self, item_ids: frozenset[int]) -> None:
        meeting = self.state.meeting
        if meeting is not None and meeting.current_item_id in item_ids:
            self.projector_stale.emit()

    def _actions_changed(self, touched: ActionsTouched, read_again: bool = False) -> None:
        """Someone's actions changed these cases: the header's count, the actions of the
        case on screen, and the case read again when its history shows one of them
        (``read_again``: it is being read again already)."""
        room = self.state.room
        if room is not None and room.open_actions != touched.open_actions:
            self.state.room = dataclasses.replace(room, open_actions=touched.open_actions)
            self.header_stale.emit()
        # (the cases read ahead went when the change arrived: RoomState.refresh_for)
        self._touched_current(touched.item_ids)
        viewing, case = self.state.viewing, self.case_view.case
        if read_again or viewing is None or case is None or case.item.item_id != viewing:
            return  # no case, or one being opened or read again (it reads its actions)
        earlier = {e.agenda_item_id for e in case.history} & touched.item_ids
        if earlier or (viewing in touched.item_ids and touched.shown_id != viewing):
            # an earlier case's action in the history shown, or another case came meanwhile
            self.show_item(viewing, refresh=True)
        elif viewing in touched.item_ids and touched.shown is not None:
            actions = touched.actions_now(case.actions)
            self.case_view.show_actions(dataclasses.replace(case, actions=actions))

    def cases_changed(self, touched: CasesTouched) -> bool:
        """Someone's entries or sharing decisions changed these cases: the case on screen
        takes its entries read again (what is typed stays); cases read ahead are dropped.
        True when the whole case shown is read again."""
        self.state.cases_changed(touched.item_ids)
        viewing, case = self.state.viewing, self.case_view.case
        if viewing is None or viewing not in touched.item_ids:
            return False
        if touched.shown is None or touched.shown_id != viewing or case is None:
            self.show_item(viewing, refresh=True)  # another case came meanwhile: read it all
            return True
        if case.item.item_id != viewing:  # a case being opened: it reads its entries
            return False
        self.case_view.show_entries(case.with_entries(touched.shown))
        return False

    def saved(self, item_id: int | None, room: bool) -> None:
        """This window saved to case ``item_id`` (an entry, its edit, a sharing decision, a
        decision, an action or its status, an FGC step), or to the room (None: its order, a
        case deferred, the curtain, attendance): the Save reaches the screens as anyone's
        does, through the change feed (``fed``). A window whose feed does not follow the log
        reads the case again (``room``: the room, and the case with it)."""
        if self.fed(item_id):
            return
        if room or item_id is None:
            self.room_stale.emit()
        else:
            self.refresh_if_shown(item_id)

    def fed(self, item_id: int | None) -> bool:
        """Whether the change feed brings this window's own Save (to case ``item_id``, or
        None: to the room or a screen of it), as it brings anyone's: copies of the case
        read ahead are stale, and the feed is asked to read now (what changed is read with
        the log: the entries, or the actions and the room's count of them; the room once,
        not for the Save and again for the log). False: the feed does not follow the log
        (not started, no place in the log yet, offline), and the caller reads what its Save
        changed itself."""
        feed = self.feed
        if feed is None or not (feed.following and feed.online):
            return False
        if item_id is not None:
            self.state.cases_changed((item_id,))
        feed.read_now()
        return True

    def room_read_again(
        self,
        before: RoomData | None,
        room: RoomData,
        item_id: int,
        case_too: bool,
        decided: DecisionRead | None,
    ) -> None:
        """The room was read again with case ``item_id`` on screen: the case is read again
        too when ``case_too``, or when its agenda row changed. When only decisions changed
        (``decided``: its decision, read with the room), it takes that decision and its
        agenda row alone (the heading and the decision tab; the form keeps what is typed and
        says who changed it): a decision changes nothing else of a case."""
        case = self.case_view.case
        if (
            decided is not None
            and case is not None
            and room.agenda is not None
            and decided.item_id == item_id == case.item.item_id
            and case_unmoved(before, room, item_id, decided=True)
        ):
            row = room.agenda.row(item_id)
            if row is not None and (row != case.item or decided.view != case.decision):
                fresh = dataclasses.replace(case, item=row, decision=decided.view)
                self.case_view.update_item(fresh)
            return
        if case_too or not case_unmoved(before, room, item_id):
            self.show_item(item_id, refresh=True)

    def refresh_if_shown(self, item_id: int) -> None:
        """Case ``item_id`` changed in a way the feed does not show (a conflict resolved, a
        link undone, no feed): a copy read ahead is stale, and the case is read again if
        shown."""
        self.state.cases_changed((item_id,))
        if self.state.viewing == item_id:
            self.show_item(item_id, refresh=True)

    def _tab_changed(self, _index: int) -> None:
        if self.case_view.tabs.currentWidget() is self.case_view.fgc:
            self.ensure_fgc_panel()
        elif self.case_view.tabs.currentWidget() is self.case_view.history:
            self.case_view.history.want_links()

    def _case_loaded(self, bundle: CaseBundle, refresh: bool) -> None:
        if bundle.case.item.item_id != self.state.viewing:
            return  # the user has moved on; a newer load is coming
        cv = self.case_view
        cv.show_case(bundle.case, keep_edits=refresh)
        if not refresh:
            cv.intelligence.clear_form()
            if "intelligence" in bundle.drafts:
                cv.intelligence.restore_draft(bundle.drafts["intelligence"])
            if "decision" in bundle.drafts and bundle.case.decision is None:
                cv.decision.restore_draft(bundle.drafts["decision"])
        if cv.tabs.currentWidget() is cv.history:
            cv.history.want_links()
        if cv.tabs.currentWidget() is cv.fgc:
            self.ensure_fgc_panel(refresh)
        elif cv.fgc.panel is not None and refresh:
            cv.fgc.shown_item = None  # read again when next shown
        self.shown.emit(bundle.case.item.item_id)
        # Read the next case once this one is on screen, not while it is being painted.
        self.prefetch_pending = self.prefetch_enabled
        QTimer.singleShot(PREFETCH_DELAY_MS, self._prefetch_next)

    def _prefetch_next(self) -> None:
        """Read the next case in the background, so PgDn shows it without waiting."""
        self.prefetch_pending = False
        following = self.state.to_prefetch() if self.prefetch_enabled else None
        if following is None:
            return
        ctx, generation = self.ctx, self.state.generation

        def keep(bundle: CaseBundle) -> None:
            if self.prefetch_enabled:
                self.state.keep_prefetched(following, bundle, generation)

        self.ops.query(
            self.owner,
            lambda: reads.load_case_bundle(ctx, following, False),
            keep,
            doing=translate("MainWindow", "Reading the next case"),
            on_failed=lambda _exc: None,  # a failed prefetch just loads later
        )

    def load_links(self, notification_id: int) -> None:
        self.commands.record("view", "notification", notification_id, "person links shown")
        ctx = self.ctx

        def read() -> Any:
            from frontdoor_app.intake import links

            return links.links_of_notification(ctx.sessions, notification_id)

        self.read(
            read,
            lambda rows: self.case_view.history.show_links(notification_id, rows),
            translate("MainWindow", "Reading the person links"),
        )

    def ensure_fgc_panel(self, refresh: bool = False) -> None:
        """Put the FGC panel in the case view's FGC tab the first time it is shown; with
        ``refresh`` (the case changed: someone's FGC step, or one that waited on this laptop
        and has now been sent) the panel shown reads the case's FGC again."""
        tab = self.case_view.fgc
        if tab.panel is None:
            from frontdoor_app.ui.fgc.panel import FgcPanel  # heavy: imported when first opened

            panel = FgcPanel(self.ctx, self.worker, self.messages, tab)
            panel.waiting = self.fgc_waits  # a step made while offline waits on the laptop
            # (its own step is shown by the panel at once; the case's FGC history with it
            # comes, as anyone's step does, through the feed)
            panel.changed.connect(lambda: self.saved(panel.item_id, False))
            tab.embed(panel)
        case = self.case_view.case
        item_id = case.item.item_id if case is not None else None
        if tab.shown_item != item_id:
            tab.shown_item = item_id
            tab.panel.show_item(item_id)
        elif refresh:
            tab.panel.refresh()
