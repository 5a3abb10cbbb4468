"""The desktop application's log file: ``logs/frontdoor.log`` in the user data folder
(``settings.default_data_dir``, from platformdirs), rotated at 1 MB, five old files kept.

Warnings and errors still go to the terminal as well; the file also keeps the progress
lines (INFO), so an admin can see what a start did. No personal data is logged: the
modules log counts, ids and timings only.
"""

from __future__ import annotations

import logging
from pathlib import Path

LOG_NAME = "frontdoor.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"


def log_path(data_dir: Path) -> Path:
    return data_dir / "logs" / LOG_NAME


def start_log_file(data_dir: Path) -> Path | None:
    """Log to the rotated file in ``data_dir`` from now on; None when the folder cannot be
    written (the application still runs, logging to the terminal only)."""
    import logging.handlers  # not before the first paint: it loads socket and pickle

    path = log_path(data_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError as exc:
        logging.getLogger(__name__).warning("no log file at %s: %s", path, exc)
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    for existing in root.handlers:  # the terminal keeps its own level
        if existing.level == logging.NOTSET:
            existing.setLevel(root.level)
    root.addHandler(handler)
    root.setLevel(min(root.level, logging.INFO) if root.level else logging.INFO)
    return path


def stop_log_file(path: Path) -> None:
    """Close and remove the handler writing to ``path`` (tests; a second start in-process)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, logging.FileHandler) and Path(handler.baseFilename) == path:
            root.removeHandler(handler)
            handler.close()
