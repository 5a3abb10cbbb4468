"""Saves kept on the laptop while the server cannot be reached, sent when it is back.

One small JSON file per signed-in user in the user's data folder (folder 0700, file 0600:
readable by that OS account only), rewritten atomically on every change, so a laptop that
is closed or crashes while offline still has what was typed. Each waiting Save carries the
reference it will be sent with, so a Save that did reach the server before the connection
dropped is not stored twice (``entries.add_entry(client_ref=...)``), and a decision is sent
against the version it was started from (a decision saved meanwhile is shown as a conflict).
Each also carries when it was kept (``kept_at``, UTC), and the window's lists show what
waits (``ui/meeting/waiting_shown.py``): ``listeners`` are told whenever the list changes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any


class Outbox:
    def __init__(self, folder: Path, login: str) -> None:
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", login) or "user"
        self.path = folder / f"waiting-{safe}.json"
        self._items: list[dict[str, Any]] = []
        self.listeners: list[Callable[[], None]] = []  # told after each change
        if self.path.exists():
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                # Never lose it: keep the unreadable file aside and start a new list.
                self.path.replace(self.path.with_suffix(".unreadable.json"))
                loaded = []
            self._items = [i for i in loaded if isinstance(i, dict) and i.get("ref")]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(list(self._items))

    def put(self, ref: str, kind: str, item_id: int, content: dict[str, Any]) -> None:
        self._items = [i for i in self._items if i["ref"] != ref]
        kept_at = dt.datetime.now(dt.UTC).isoformat()
        self._items.append(
            {"ref": ref, "kind": kind, "item_id": item_id, "content": content, "kept_at": kept_at}
        )
        self._write()

    def remove(self, ref: str) -> None:
        before = len(self._items)
        self._items = [i for i in self._items if i["ref"] != ref]
        if len(self._items) != before:
            self._write()

    def _write(self) -> None:
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
        temporary = self.path.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(self._items, handle, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, self.path)
        for listener in list(self.listeners):
            listener()
