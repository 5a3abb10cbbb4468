"""Parsing and checking one field of the police feed at a time.

Each parser takes the text as sent and returns the clean value, or raises
``FieldError`` whose message says what was expected (shared/formats/notifications.md).
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")

POLICE_REF_RE = re.compile(r"^[A-Za-z0-9/-]{1,32}$")
# Outward code (A9, A99, A9A, AA9, AA99, AA9A) then inward code (9AA); GIR 0AA is the odd one.
POSTCODE_RE = re.compile(r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}|GIR0AA)$")
UK_DATETIME_RE = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)
UK_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")

DASH_RISK = {
    "standard": "standard",
    "s": "standard",
    "medium": "medium",
    "m": "medium",
    "high": "high",
    "h": "high",
}
ROLES = {
    "victim": "victim",
    "aggrieved": "victim",
    "perpetrator": "perpetrator",
    "suspect": "perpetrator",
    "offender": "perpetrator",
    "child": "child",
    "other adult": "other_adult",
}
RELATIONSHIPS = ("partner", "ex-partner", "child", "parent", "sibling", "other")
INCIDENT_TYPES = ("domestic incident", "domestic crime")
YES = {"y", "yes", "true", "1"}
NO = {"n", "no", "false", "0"}

MAX_LENGTH = {
    "force": 200,
    "offence": 400,
    "address": 400,
    "narrative": 20_000,
    "officer": 200,
    "surname": 200,
    "forenames": 200,
    "gender": 40,
    "person_address": 400,
    "school": 200,
    "pnc_id": 32,
}


class FieldError(ValueError):
    """The value of one field is not what the format allows; the message says what is."""


def clean(value: object) -> str:
    """The text of a value as sent (JSON numbers and booleans included), stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def police_ref(text: str) -> str:
    if not POLICE_REF_RE.match(text):
        raise FieldError("expected 1 to 32 characters of letters, digits, '/' or '-'")
    return text


def _aware(value: dt.datetime) -> dt.datetime:
    # No offset means UK local time, as the format says; stored as UTC.
    if value.tzinfo is None:
        value = value.replace(tzinfo=UK)
    return value.astimezone(dt.UTC)


def timestamp(text: str) -> dt.datetime:
    """ISO 8601 (optional offset; none = UK local time) or UK style ``23/11/2026 07:15``."""
    match = UK_DATETIME_RE.match(text)
    try:
        if match:
            day, month, year, hour, minute, second = match.groups()
            hms = int(hour or 0), int(minute or 0), int(second or 0)
            value = dt.datetime(int(year), int(month), int(day), *hms, tzinfo=UK)  # UK local
        else:
            value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise FieldError(
            "expected a date and time like 2026-11-23T07:15:00 or 23/11/2026 07:15"
        ) from None
    return _aware(value)


def date(text: str) -> dt.date:
    """ISO date or ``DD/MM/YYYY``."""
    match = UK_DATE_RE.match(text)
    try:
        if match:
            day, month, year = match.groups()
            return dt.date(int(year), int(month), int(day))
        return dt.date.fromisoformat(text)
    except ValueError:
        raise FieldError("expected a date like 2016-01-09 or 09/01/2016") from None


def dash_risk(text: str) -> str:
    value = DASH_RISK.get(text.lower())
    if value is None:
        raise FieldError("expected standard, medium or high (or S, M, H)")
    return value


def integer(text: str, low: int, high: int, what: str) -> int:
    if not re.fullmatch(r"[0-9]+", text):
        raise FieldError(f"expected {what}, a whole number from {low} to {high}")
    value = int(text)
    if not low <= value <= high:
        raise FieldError(f"expected {what}, a whole number from {low} to {high}")
    return value


def postcode(text: str) -> str:
    """A UK postcode, normalised: ``ls9 8ab`` → ``LS9 8AB``."""
    compacted = re.sub(r"\s+", "", text).upper()
    if not POSTCODE_RE.match(compacted):
        raise FieldError("expected a UK postcode like LS9 8AB")
    return f"{compacted[:-3]} {compacted[-3:]}"


def postcode_district(code: str | None) -> str:
    """The outward part of a normalised postcode: ``LS9 8AB`` → ``LS9``."""
    return (code or "").split(" ")[0].upper()


def yes_no(text: str) -> bool | None:
    lowered = text.lower()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    if not lowered:
        return None
    raise FieldError("expected Y or N (or yes/no, true/false, 1/0), or blank")


def role(text: str) -> str:
    key = " ".join(text.lower().replace("_", " ").replace("-", " ").split())
    value = ROLES.get(key)
    if value is None:
        raise FieldError(
            "expected victim, perpetrator, child or other_adult (or aggrieved, suspect, offender)"
        )
    return value


def relationship(text: str) -> str:
    lowered = text.lower()
    if lowered not in RELATIONSHIPS:
        raise FieldError("expected " + ", ".join(RELATIONSHIPS))
    return lowered


def incident_type(text: str) -> str:
    lowered = " ".join(text.lower().split())
    if lowered not in INCIDENT_TYPES:
        raise FieldError("expected 'domestic incident' or 'domestic crime'")
    return lowered


def nhs_number(text: str) -> str:
    """Ten digits (spaces allowed) whose last digit is the modulus-11 check digit."""
    digits = re.sub(r"[\s-]", "", text)
    if not re.fullmatch(r"[0-9]{10}", digits):
        raise FieldError("expected an NHS number of 10 digits")
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    if check == 10 or check != int(digits[9]):
        raise FieldError("expected a valid NHS number; the check digit does not match")
    return digits


def text_field(name: str, text: str) -> str:
    limit = MAX_LENGTH.get(name)
    if limit is not None and len(text) > limit:
        raise FieldError(f"expected at most {limit:,} characters, got {len(text):,}")
    return text
