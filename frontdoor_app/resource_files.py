"""Where the shipped resource files are: profiles, style sheets, fonts, icons.

In the source tree they live in the top-level ``resources/`` folder; the build maps that
folder into the package as ``frontdoor_app.resources`` (``setup.py``), so an installed
wheel carries them as package data and the PyInstaller bundle as data files in the same
place. They are found through ``importlib.resources``, never next to a checkout.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

PACKAGE = "frontdoor_app.resources"
# Running from a checkout that was never installed (python -m from the source folder).
_CHECKOUT = Path(__file__).resolve().parent.parent / "resources"


def resource_dir() -> Path:
    """The folder holding the resource files, wherever the application was installed."""
    try:
        root = files(PACKAGE)
    except ModuleNotFoundError:
        return _CHECKOUT
    # A regular package on disk (wheel, editable install, bundle): a real folder.
    return Path(str(root))
