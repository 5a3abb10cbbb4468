"""The daily meeting: lifecycle, agenda, case view, entries, decisions, actions, amendments.

No Qt here. Writers take a ``sessionmaker`` and open one unit of work per user action;
readers take a ``Session``. Everything returned is a frozen dataclass from ``views``.
Refusals are ``errors.MeetingError`` (a ``ValueError``) with a message in words.
"""
