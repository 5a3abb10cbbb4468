"""An action's status update, sent against the version its form was started from.

The case's actions tab, the action tracker and the review of open actions share the
status form (``ActionStatusForm``) and this: the update goes to the domain through the
operation helper with the version the form was started from; when someone else updated
the action meanwhile the domain refuses with both versions (``ActionConflict``) and the
conflict view shows them side by side — keep theirs, put mine on top (sent again against
their version), or go on editing with theirs in view. Nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtWidgets import QVBoxLayout, QWidget

from frontdoor_app.access.actor import may_act_for_agency
from frontdoor_app.meeting.errors import ActionConflict
from frontdoor_app.meeting.views import ActionView
from frontdoor_app.ui.case.actions_tab import (
    AGENCY_WITH_CASE,
    STATUS_WORDS,
    ActionRow,
    ActionStatusForm,
    action_conflict,
    action_model,
)
from frontdoor_app.ui.core.conflict_view import KEEP_THEIRS, MINE_ON_TOP
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.widgets.rows_model import RowsModel
from frontdoor_app.ui.widgets.tables import AGENCY_CHARS, Table, make_table

if TYPE_CHECKING:
    from frontdoor_app.context import AppContext
    from frontdoor_app.ui.core.ops import Ops

Done = Callable[[Any], None]
# send(action at the version the form started from, status, note, on_done, on_conflict)
Send = Callable[[ActionView, str, str, Done, Done], None]


class ActionStatusSaves:
    """Sends ``form``'s updates with ``send`` and handles what a conflict asks for.

    ``on_saved(view)`` after an update is stored; ``on_kept(theirs)`` after the person
    kept the other version (the screen reads it again); ``say(text)`` tells the person
    what happened, where the screen has a place for it.
    """

    def __init__(
        self,
        form: ActionStatusForm,
        messages: Messages,
        owner: QWidget,
        send: Send,
        on_saved: Callable[[ActionView], None],
        on_kept: Callable[[ActionView], None],
        say: Callable[[str], None] | None = None,
        doing: str | None = None,
    ) -> None:
        self.form, self.messages, self.owner, self.send = form, messages, owner, send
        self.on_saved, self.on_kept, self.say = on_saved, on_kept, say
        self.doing = doing or translate("Actions", "Updating the action")
        form.see_change_requested.connect(self.see_change)

    def update(self, status: str, note: str) -> None:
        """The form's Update: against the version the form was started from."""
        base = self.form.base
        if base is None:
            self.messages.info(
                self.owner, self.doing, translate("Actions", "Select an action first.")
            )
            return
        self._send(base, status, note)

    def _send(self, base: ActionView, status: str, note: str) -> None:
        def done(view: Any) -> None:
            form = self.form
            if form.base is not None and form.base.id == view.id:
                form.reset(view)  # saved: the form is about the new version, note cleared
            self.on_saved(view)

        def conflict(exc: Any) -> None:
            if isinstance(exc, ActionConflict):
                self.choose(base, status, note, exc.theirs)
            else:
                self.messages.failed(self.owner, self.doing, exc)

        self.send(base, status, note, done, conflict)

    def see_change(self) -> None:
        """The form's "See the change": the same choice as an update that met a conflict."""
        base, now = self.form.base, self.form.current()
        if base is None or now is None:
            return
        self.choose(base, self.form.status.currentData(), self.form.note.text(), now)

    def choose(
        self,
        mine: ActionView,
        status: str,
        note: str,
        theirs: ActionView,
        from_form: bool = True,
    ) -> None:
        """Both versions, field by field; keep theirs, put mine on top, or go on editing.

        ``from_form`` False: the update waited on the laptop; the form may hold something
        else by now (another action, or new typing), which this never touches."""
        choice = self.messages.conflict(self.owner, action_conflict(mine, status, note, theirs))
        ours = from_form and self.form.base is not None and self.form.base.id == theirs.id
        if choice == MINE_ON_TOP:
            if ours:
                self.form.rebase(theirs)
            self._send(theirs, status, note)
        elif choice == KEEP_THEIRS:
            if ours:
                self.form.reset(theirs)
            self.on_kept(theirs)
            self._say(translate("Actions", "Their update kept; yours dropped"))
        else:  # go on editing: what is chosen and typed stays, now against their version
            if ours:
                self.form.rebase(theirs)
            elif not self.form.touched and self.form.shows(theirs.id):
                # A waiting update, its action in view and the form free: put it there.
                self.form.start(theirs)
                self.form.choose(status, note)
                self.form.follow()  # its row selected, where the list shows it
            else:  # the form is busy or elsewhere: say what the update was, never drop it
                self.messages.info(
                    self.owner,
                    self.doing,
                    translate(
                        "Actions",
                        "Your update of “%1” was not sent (someone else updated it first): %2 — %3",
                    )
                    .replace("%1", theirs.description)
                    .replace("%2", translate("Actions", STATUS_WORDS.get(status, status)))
                    .replace("%3", note),
                )
                return
            self._say(
                translate(
                    "Actions",
                    "Your update is still in the form; sending it now puts it on top of theirs",
                )
            )

    def _say(self, text: str) -> None:
        if self.say is not None:
            self.say(text)


class ActionsList(NamedTuple):
    """Actions from many cases in a table, with the status form under it and its saves."""

    model: RowsModel[ActionRow]
    table: Table
    form: ActionStatusForm
    saves: ActionStatusSaves


def actions_list(
    screen: QWidget,
    layout: QVBoxLayout,
    ops: Ops,
    ctx: AppContext,
    messages: Messages,
    refresh: Callable[[], None],
    name: str,
    empty: str,
    meeting_id: int | None = None,
) -> ActionsList:
    """The action tracker's and the open actions review's list, added to ``layout``: each
    row names its case, an update goes through ``ops`` (the meeting's, with
    ``meeting_id``), and the screen reads its rows again (``refresh``) after an update is
    stored or the other version kept. ``name``: the table's, ``empty``: what it says with
    no rows."""
    title = screen.windowTitle()
    model = action_model(with_case=True)
    table = make_table(
        model,
        name,
        screen,
        stretch_column=4,
        narrow={AGENCY_WITH_CASE: AGENCY_CHARS},
        empty=empty,
    )
    layout.addWidget(table, 1)
    form = ActionStatusForm(screen)
    form.may_update = lambda action: may_act_for_agency(ctx.actor, action.owner_agency_id)
    form.attach(table, model)
    layout.addWidget(form)
    saves = ActionStatusSaves(
        form,
        messages,
        screen,
        send_through(ops, screen, ctx, title, meeting_id),
        on_saved=lambda _view: refresh(),
        on_kept=lambda _theirs: refresh(),
        doing=title,
    )
    form.update_requested.connect(saves.update)
    return ActionsList(model, table, form, saves)


def send_through(
    ops: Ops, parent: QWidget, ctx: AppContext, doing: str, meeting_id: int | None = None
) -> Send:
    """``Send`` for a screen of its own: the domain's update through ``ops``."""

    def send(base: ActionView, status: str, note: str, on_done: Done, on_conflict: Done) -> None:
        from frontdoor_app.meeting import actions

        sessions, actor, profile = ctx.sessions, ctx.actor, ctx.profile
        ops.command(
            parent,
            lambda _reason: actions.update_action_status(
                sessions,
                actor,
                base.id,
                base.version,
                status,
                note or None,
                meeting_id,
                today=profile.today(),
            ),
            on_done,
            doing=doing,
            on_conflict=on_conflict,
        )

    return send
