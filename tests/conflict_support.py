"""Two clients changing the same row at the same moment (the conflict tests on PostgreSQL)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import update

from frontdoor_app.context import AppContext


def someone_elses_update(
    model: type[Any], row_id: int, version: int, **values: object
) -> Callable[[Any], None]:
    """A ``hold`` for ``change_while_held``: another client's update of the row read at
    ``version``, to ``values`` and the next version, not yet committed."""
    return lambda holder: holder.execute(
        update(model).where(model.id == row_id).values(**values, version=version + 1)
    )


def change_while_held(
    ctx: AppContext, hold: Callable[[Any], None], change: Callable[[], object]
) -> object:
    """What ``change`` returned or raised, run in a thread while another session has done
    ``hold(session)`` (an update, an insert) and not yet committed: the change must wait on
    the row (checked after half a second), not fail at once or pass it by; the holder then
    commits, and the change goes on against what it wrote."""
    holder = ctx.sessions()
    try:
        hold(holder)
        outcome: list[object] = []

        def second() -> None:
            try:
                outcome.append(change())
            except BaseException as exc:  # noqa: BLE001 - handed to the test thread
                outcome.append(exc)

        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.5)
        assert thread.is_alive(), f"the change did not wait on the held row: {outcome}"
        holder.commit()
    finally:
        holder.close()
    thread.join(10)
    assert len(outcome) == 1, outcome
    return outcome[0]
