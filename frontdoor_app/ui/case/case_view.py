"""The case view: heading with risk and timer, and the tabs for one case."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from frontdoor_app.meeting.timer import case_seconds
from frontdoor_app.meeting.views import CaseView
from frontdoor_app.ui.case.actions_tab import ActionsTab
from frontdoor_app.ui.case.decision_tab import DecisionTab
from frontdoor_app.ui.case.fgc_tab import FgcTab
from frontdoor_app.ui.case.history_tab import HistoryTab
from frontdoor_app.ui.case.household_tab import HouseholdTab
from frontdoor_app.ui.case.incident_tab import IncidentTab
from frontdoor_app.ui.case.intelligence_tab import IntelligenceTab
from frontdoor_app.ui.case.sharing_tab import SharingTab
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.core.theme import repolish, set_scaled_font
from frontdoor_app.ui.widgets.painting import fill_as_window, set_tab_text
from frontdoor_app.ui.widgets.tab_counts import TabCounts
from frontdoor_app.ui.widgets.tables import label, minutes_seconds
from frontdoor_app.ui.widgets.words import risk_label


def timer_text(seconds: int, target_minutes: int) -> tuple[str, bool]:
    over = seconds > target_minutes * 60
    text = translate("Case", "Timer") + " " + minutes_seconds(seconds)
    if over:
        text += " " + translate("Case", "(over %1 min)").replace("%1", str(target_minutes))
    return text, over


class _CaseTabs(QTabWidget):
    """The case's tabs take the height left below the heading, whatever their pages hold.

    Saying so (no height-for-width) matters on every laptop in the room: a tab's count
    changes with each entry anyone saves, which lays the case out again, and a tab widget
    with height-for-width asks every page for its height at the new width, laying out the
    text of each wrapped label on all eight pages: half the work of showing the entry.

    Nor is the case painted again when only a count changes. Qt's tab widget, given a
    tab's new text or asked by its bar to lay out, repaints itself with every widget of the
    page on screen (every label of the case: about 5 ms on each laptop for each entry
    anyone saves) and has the window laid out again, although only the bar's text changed.
    So titles are set on the bar (``CaseViewWidget._tab_text``), which paints itself, and
    counts beside them (``TabCounts``), which paint only themselves; the bar's request is
    answered here when its size and the tab widget's own sizes are as they were (a longer
    count that needs more room is laid out as before).
    """

    _sizes: tuple[QSize, QSize, QSize] | None = None

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return False

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.LayoutRequest and self.isVisible():
            sizes = (self.tabBar().sizeHint(), self.sizeHint(), self.minimumSizeHint())
            if sizes == self._sizes:
                return True
            self._sizes = sizes
        return super().event(e)


class CaseViewWidget(QWidget):
    """Shows one ``CaseView``; tabs emit what the user asks for, the window does it."""

    TAB_NAMES = (
        "incident",
        "household",
        "history",
        "intelligence",
        "decision",
        "actions",
        "fgc",
        "sharing",
    )

    def __init__(self, target_minutes: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseView")
        self.setAccessibleName(self.tr("Case view"))
        self.target_minutes = target_minutes
        self.case: CaseView | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget(self)
        outer.addWidget(self.stack)
        self.no_case = self.tr(
            "No case selected. Choose a case in the agenda (Ctrl+L, then arrows and Enter)."
        )
        self.empty = QLabel(self.no_case, self.stack)
        self.empty.setObjectName("emptyCase")
        self.empty.setAccessibleName(self.tr("No case selected"))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        set_scaled_font(self.empty, 1.3)
        self.stack.addWidget(self.empty)

        # Each widget is made inside the one that will hold it: moved there afterwards (by
        # addWidget or addTab), it and everything in it would be styled again (about half
        # of what building the case view costs at start-up).
        page = QWidget(self.stack)
        layout = QVBoxLayout(page)
        top = QHBoxLayout()
        self.heading = label("", page, self.tr("Case heading"))
        self.heading.setObjectName("caseHeading")
        set_scaled_font(self.heading, 1.35, bold=True)
        self.timer_label = QLabel("", page)
        self.timer_label.setObjectName("caseTimer")
        self.timer_label.setAccessibleName(self.tr("Case timer"))
        set_scaled_font(self.timer_label, 1.35, bold=True)
        top.addWidget(self.heading, 1)
        top.addWidget(self.timer_label, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.risk = label("", page, self.tr("Risk and flags"))
        self.risk.setObjectName("caseRisk")
        set_scaled_font(self.risk, 1.15, bold=True)
        layout.addWidget(self.risk)
        self.tabs = _CaseTabs(page)
        self.tabs.setDocumentMode(True)
        self.tabs.setAccessibleName(self.tr("Case tabs"))
        bar = self.tabs.tabBar()
        bar.setAccessibleName(self.tr("Case tabs (Ctrl+1 to Ctrl+7)"))
        # The bar fills its own background, in the window's colour, so a tab's new count
        # repaints the bar alone, not the seven widgets under it up to the window (a style
        # sheet background would not do: Qt then paints what is under the bar as well).
        fill_as_window(bar)
        # The counts beside the titles (history, intelligence, actions, sharing): a new one
        # paints itself alone, not the bar (``TabCounts``).
        self.counts = TabCounts(bar)
        # The tab widget's own page stack (Qt's), where addTab puts each tab.
        pages = self.tabs.findChild(QStackedWidget) or self.tabs
        self.incident = IncidentTab(pages)
        self.household = HouseholdTab(pages)
        self.history = HistoryTab(pages)
        self.intelligence = IntelligenceTab(pages)
        self.decision = DecisionTab(pages)
        self.actions_tab = ActionsTab(pages)
        self.fgc = FgcTab(pages)
        self.sharing = SharingTab(pages)
        for tab in (
            self.incident,
            self.household,
            self.history,
            self.intelligence,
            self.decision,
            self.actions_tab,
            self.fgc,
            self.sharing,
        ):
            self.tabs.addTab(tab, tab.accessibleName())
        layout.addWidget(self.tabs, 1)
        self.stack.addWidget(page)
        self.page = page

        self._timer_shape = ""
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._update_timer)

    def clear(self, message: str | None = None) -> None:
        """No case: ``message`` says why (no meeting today, say), else "No case selected"."""
        self.case = None
        self._say(message or self.no_case, message or self.tr("No case selected"))
        self.stack.setCurrentWidget(self.empty)
        self._tick.stop()

    def show_opening(self, what: str) -> None:
        """A case is being read while none is shown (the start, a first click): ``what``
        says which, where "No case selected" would say the opposite."""
        if self.case is None:
            self._say(what, what)
            self.stack.setCurrentWidget(self.empty)

    def _say(self, text: str, name: str) -> None:
        self.empty.setText(text)
        self.empty.setAccessibleName(name)

    def show_case(self, case: CaseView, keep_edits: bool = False) -> None:
        """Fill every tab; ``keep_edits`` keeps what the user is typing (a live refresh)."""
        same = self.case is not None and self.case.item.item_id == case.item.item_id
        self._show_heading(case)
        self.incident.show_case(case)
        self.household.show_case(case)
        self.history.show_case(case)
        self.intelligence.show_case(case)
        self.decision.show_case(case, keep_edits=keep_edits and same)
        self.actions_tab.show_case(case)
        self.fgc.show_case(case)
        self.sharing.show_case(case)
        self.counts.show(2, translate("Case", "History"), len(case.history))
        self._show_decided(case)
        self._show_action_count()
        self._show_entry_counts(case)
        self.stack.setCurrentWidget(self.page)

    def show_entries(self, case: CaseView) -> None:
        """Someone saved an entry or a sharing decision: only the tabs that show them take
        ``case`` (the others, and what is typed, stay as they are; Qt repaints only them)."""
        if self.case is None or self.case.item.item_id != case.item.item_id:
            self.show_case(case, keep_edits=True)
            return
        self.case = case
        self.intelligence.show_case(case)
        self.sharing.show_case(case)
        self._show_entry_counts(case)

    def show_actions(self, case: CaseView) -> None:
        """Only the case's actions changed (someone else's): the actions tab and its count."""
        self.case = case
        self.actions_tab.show_case(case)
        self._show_action_count()

    def show_waiting(self) -> None:
        """What of this window's Saves waits on the laptop changed: the lists that show
        them (``waiting_rows``) and their counts; what is typed stays."""
        if self.case is None:
            return
        self.intelligence.show_case(self.case)
        self.actions_tab.show_case(self.case)
        self.decision.show_waiting()
        self._show_action_count()
        self._show_entry_counts(self.case)

    def _show_action_count(self) -> None:
        # the rows listed: a new action waiting on the laptop to be sent counts as well
        self.counts.show(5, translate("Case", "Actions"), len(self.actions_tab.model.rows))

    def _show_decided(self, case: CaseView) -> None:
        # (each title whole in its own translate call: lupdate reads literal strings only)
        decided, undecided = translate("Case", "Decision ✓"), translate("Case", "Decision")
        self._tab_text(4, decided if case.decision else undecided)

    def _show_entry_counts(self, case: CaseView) -> None:
        # the entries listed: a new one waiting on the laptop to be sent counts as well
        entries = len(self.intelligence.model.rows)
        self.counts.show(3, translate("Case", "Intelligence"), entries)
        self.counts.show(7, translate("Case", "Sharing"), len(case.sharing))

    def _tab_text(self, index: int, text: str) -> None:
        """A tab's title, set only when it changes (setting the same text lays the tab bar
        out and paints it again)."""
        if self.tabs.tabText(index) != text:
            # The bar's own setter: the tab widget's repaints the whole case (_CaseTabs).
            set_tab_text(self.tabs.tabBar(), index, text)

    def update_item(self, case: CaseView) -> None:
        """Only the case's agenda row changed (status, timer), or its decision: the heading
        and the decision tab, not the other tabs."""
        if self.case is None or self.case.item.item_id != case.item.item_id:
            self.show_case(case)
            return
        self._show_heading(case)
        self.decision.show_case(case, keep_edits=True)
        self._show_decided(case)

    def _show_heading(self, case: CaseView) -> None:
        self.case = case
        item = case.item
        parts = [
            translate("Case", "CASE %1 of %2")
            .replace("%1", str(case.case_number))
            .replace("%2", str(case.case_total)),
            translate("Case", "ref %1").replace("%1", item.police_ref),
            item.household_name or item.initials,
        ]
        place = item.postcode_district
        if case.household.locality_name:
            place += f" ({case.household.locality_name})"
        parts.append(place)
        status = {
            "deferred": translate("Case", "deferred"),
            "discussed": translate("Case", "discussed"),
            "current": translate("Case", "being discussed"),
        }.get(item.status)
        if status:
            parts.append(status)
        self.heading.setText(" · ".join(p for p in parts if p))
        self.heading.setAccessibleDescription(self.heading.text())
        risk = item.agreed_risk or item.dash_risk
        bits = [risk_label(risk, short=False)]
        if item.agreed_risk and item.agreed_risk != item.dash_risk:
            bits.append(
                translate("Case", "agreed; police grade %1").replace(
                    "%1", risk_label(item.dash_risk, False)
                )
            )
        if item.dash_yes is not None:
            bits.append(translate("Case", "DASH %1").replace("%1", str(item.dash_yes)))
        bits.extend(item.flag_texts)  # the agenda's, the projector's and the minutes' words
        self.risk.setText(" · ".join(bits))
        if self.risk.property("risk") != risk:
            self.risk.setProperty("risk", risk)
            repolish(self.risk)
        self._update_timer()
        if item.status == "current":
            self._tick.start()
        else:
            self._tick.stop()

    def elapsed(self) -> int:
        if self.case is None:
            return 0
        item = self.case.item
        running = item.started_at if item.status == "current" else None
        return case_seconds(running, item.seconds_spent)

    def _update_timer(self) -> None:
        if self.case is None:
            return
        text, over = timer_text(self.elapsed(), self.target_minutes)
        if self.case.item.status != "current":
            text = text.replace(translate("Case", "Timer"), translate("Case", "Time taken"), 1)
            if self.elapsed() == 0:
                text = translate("Case", "Not started · %1 min target").replace(
                    "%1", str(self.target_minutes)
                )
        self._fit_timer(text)
        self.timer_label.setText(text)
        self.timer_label.setAccessibleDescription(text)
        if self.timer_label.property("over") != over:
            self.timer_label.setProperty("over", over)
            repolish(self.timer_label)

    def _fit_timer(self, text: str) -> None:
        """The timer's size is fixed to its text with every digit an 8: the seconds ticking
        change no size, so no layout runs and only the timer is painted again each second
        (a label that may change size lays out the whole window, whose wrapping heading
        then paints it all again, on every laptop, every second). A wrapping heading beside
        it would otherwise squeeze the timer to nothing."""
        shape = re.sub(r"[0-9]", "8", text)
        if shape == self._timer_shape:
            return
        self._timer_shape = shape
        self.timer_label.setMinimumSize(0, 0)  # the hint grows to the minimum: never shrinks
        self.timer_label.setText(shape)
        self.timer_label.setFixedSize(self.timer_label.sizeHint())

    def show_tab(self, name: str) -> None:
        self.tabs.setCurrentIndex(self.TAB_NAMES.index(name))
