"""The profile's one error, on its own so that catching it costs no TOML parser or profile.

The command line catches it around everything it runs; loading the profile itself waits
until something needs it (the desktop's first paint does not).
"""

from __future__ import annotations


class ProfileError(ValueError):
    """A mistake in the profile, with the file and line it is on."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path, self.line, self.message = path, line, message
        where = f"{path}, line {line}" if line else path
        super().__init__(f"{where}: {message}")


class ServerProfileError(ProfileError):
    """A mistake in the profile a shared server keeps (``access.server_profile``): not
    this laptop's file, so its user cannot correct it; the server's administrator can."""
