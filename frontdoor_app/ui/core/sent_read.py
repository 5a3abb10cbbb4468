"""A read sent to the server from the GUI thread, its answer taken when the socket rings.

Every laptop reads the change log for every save anyone makes in the room. Read on the
worker, each read wakes that thread and hands its answer back to this one: with fifteen
laptops' worth of such wake-ups on a machine, that was a third of what a laptop spent on
someone's save besides showing it. ``models.driver.SentSelect`` sends the statement without
waiting (libpq's asynchronous protocol); ``AnswerBell`` watches the connection's socket
with a ``QSocketNotifier`` and takes the rows when they are all there. The GUI thread never
waits on the network: a server that has gone quiet leaves the bell silent (the connection's
keepalives end it, and the failure comes through the same path), not the window frozen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSocketNotifier

if TYPE_CHECKING:
    from frontdoor_app.models.driver import SentSelect


class AnswerBell(QObject):
    """Waits for one ``SentSelect`` at a time: ``on_rows(rows)`` once its answer is there,
    ``on_failed(exc)`` when it fails (the connection is then the caller's to drop)."""

    def __init__(
        self,
        on_rows: Callable[[list[Any]], None],
        on_failed: Callable[[BaseException], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._on_rows, self._on_failed = on_rows, on_failed
        self._sent: SentSelect | None = None
        self._bells: dict[QSocketNotifier.Type, QSocketNotifier] = {}

    @property
    def waiting(self) -> bool:
        return self._sent is not None

    def wait_for(self, sent: SentSelect) -> None:
        self._sent = sent
        self._ring_when(sent)

    def cancel(self) -> None:
        """Stop waiting (the answer, if it comes, is left on the connection: drop it)."""
        self._sent = None
        self._off()

    def _ring_when(self, sent: SentSelect) -> None:
        """Watch the socket for the answer, and for room to send the rest while some of
        the statement is still to go."""
        wanted = {QSocketNotifier.Type.Read}
        if sent.wants_write:
            wanted.add(QSocketNotifier.Type.Write)
        for kind in QSocketNotifier.Type.Read, QSocketNotifier.Type.Write:
            bell = self._bells.get(kind)
            if kind not in wanted:
                if bell is not None:
                    bell.setEnabled(False)
                continue
            if bell is None or bell.socket() != sent.socket:  # a new connection
                if bell is not None:
                    bell.setEnabled(False)
                    bell.deleteLater()
                bell = self._bells[kind] = QSocketNotifier(sent.socket, kind, self)
                bell.activated.connect(self._rung)
            bell.setEnabled(True)

    def _off(self) -> None:
        # Off between reads: the socket may hold what the server says meanwhile (or its
        # close), which the next read takes; a bell left on would ring for it at once.
        for bell in self._bells.values():
            bell.setEnabled(False)

    def _rung(self, *_args: object) -> None:
        sent = self._sent
        if sent is None:
            self._off()
            return
        try:
            rows = sent.advance()
        except Exception as exc:  # noqa: BLE001 - the caller's, as a failed read
            self.cancel()
            self._on_failed(exc)
            return
        if rows is None:
            self._ring_when(sent)  # more to come (or more to send)
            return
        self.cancel()
        self._on_rows(rows)
