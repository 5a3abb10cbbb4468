"""The authority profile: one TOML file that makes the product fit a local authority.

It names the agencies, the localities (postcode districts → FGC team), the outcome
codes, the protective marking, the confidentiality statement and the meeting rules.
Loading validates everything and names the line of any mistake.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any

from frontdoor_app.profile_error import ProfileError as ProfileError
from frontdoor_app.profile_model import (
    AGENDA_ORDER_KEYS,
    DETAIL_MAX,
    DETAIL_PROMPT_MAX,
    DISTRICT_RE,
    FEED_FIELDS,
    HOUSEHOLD_DISPLAY,
    NOTIFICATION_FIELDS,
    PERSON_FIELDS,
    RESOURCES,
    RISK_LEVELS,
    SAMPLE_PROFILE,
    AgencyDef,
    FgcTeamDef,
    IntakeRules,
    LocalityDef,
    MeasureRules,
    MeetingRules,
    OutcomeDef,
    Profile,
)

# The profile's types live in profile_model; callers import them from here with the loader.
__all__ = [
    "AGENDA_ORDER_KEYS",
    "AgencyDef",
    "DETAIL_MAX",
    "DETAIL_PROMPT_MAX",
    "DISTRICT_RE",
    "FEED_FIELDS",
    "FgcTeamDef",
    "HOUSEHOLD_DISPLAY",
    "IntakeRules",
    "LocalityDef",
    "NOTIFICATION_FIELDS",
    "PERSON_FIELDS",
    "MeasureRules",
    "MeetingRules",
    "OutcomeDef",
    "Profile",
    "ProfileError",
    "RESOURCES",
    "RISK_LEVELS",
    "SAMPLE_PROFILE",
    "load_profile",
    "parse_profile",
]


def load_profile(path: str | Path | None = None) -> Profile:
    """Read and validate a profile; the sample Leeds-like profile when no path is given."""
    path = Path(path) if path else SAMPLE_PROFILE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(str(path), None, f"cannot read the profile: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ProfileError(str(path), None, "the profile is not UTF-8 text") from exc
    return parse_profile(text, str(path))


def parse_profile(text: str, path: str = "<profile>") -> Profile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        raise ProfileError(path, line, f"not valid TOML: {getattr(exc, 'msg', exc)}") from exc
    return dataclasses.replace(_Validator(text, path).build(data), source_text=text)


def _line_from_message(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


class _Validator:
    """Builds the typed profile; every refusal names the line of the offending key."""

    def __init__(self, text: str, path: str) -> None:
        self.lines = text.splitlines()
        self.path = path

    def fail(
        self, message: str, table: str | None = None, index: int = 0, key: str | None = None
    ) -> ProfileError:
        return ProfileError(self.path, self.line_of(table, index, key), message)

    def line_of(self, table: str | None, index: int = 0, key: str | None = None) -> int | None:
        """Line of ``key`` in the ``index``-th ``[[table]]`` (or ``[table]``) block."""
        start = 0
        if table is not None:
            headers = [
                n
                for n, line in enumerate(self.lines)
                if line.strip() in (f"[[{table}]]", f"[{table}]")
            ]
            if len(headers) <= index:
                return headers[-1] + 1 if headers else None
            start = headers[index]
        if key is None:
            return start + 1
        pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        for n in range(start, len(self.lines)):
            if n > start and self.lines[n].lstrip().startswith("[") and table is not None:
                break
            if pattern.match(self.lines[n]):
                return n + 1
        return start + 1

    def text(
        self,
        data: dict[str, Any],
        key: str,
        table: str,
        index: int = 0,
        required: bool = True,
        default: str = "",
    ) -> str:
        value = data.get(key, None if required else default)
        if value is None:
            raise self.fail(f"[{table}] needs '{key}'", table, index)
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(f"'{key}' must be non-empty text", table, index, key)
        return value.strip()

    def flag(self, data: dict[str, Any], key: str, table: str, index: int) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(f"'{key}' must be true or false", table, index, key)
        return value

    def build(self, data: dict[str, Any]) -> Profile:
        authority = data.get("authority")
        if not isinstance(authority, dict):
            raise ProfileError(self.path, 1, "the profile needs an [authority] table")
        display = authority.get("household_display", "surname")
        if display not in HOUSEHOLD_DISPLAY:
            raise self.fail(
                f"'household_display' must be one of {', '.join(HOUSEHOLD_DISPLAY)}, not {display!r}",
                "authority",
                0,
                "household_display",
            )
        agencies = self.agencies(data.get("agencies", []))
        teams = self.teams(data.get("fgc_teams", []))
        localities = self.localities(data.get("localities", []), {t.code for t in teams})
        outcomes = self.outcomes(data.get("outcomes", []))
        fgc = data.get("fgc", {})
        if not isinstance(fgc, dict):
            raise self.fail("[fgc] must be a table", "fgc")
        return Profile(
            path=self.path,
            name=self.text(authority, "name", "authority"),
            short_name=self.text(
                authority,
                "short_name",
                "authority",
                required=False,
                default=str(authority.get("name", "")),
            ),
            timezone=self.text(
                authority, "timezone", "authority", required=False, default="Europe/London"
            ),
            protective_marking=self.text(
                authority,
                "protective_marking",
                "authority",
                required=False,
                default="OFFICIAL-SENSITIVE",
            ),
            confidentiality_statement=self.text(
                authority, "confidentiality_statement", "authority"
            ),
            household_display=display,
            agencies=agencies,
            fgc_teams=teams,
            localities=localities,
            outcomes=outcomes,
            meeting=self.meeting(data.get("meeting", {})),
            intake=self.intake(data.get("intake", {})),
            fgc=fgc,
            retention=self.table(data, "retention"),
            measures=self.measures(data.get("measures", {})),
        )

    def table(self, data: dict[str, Any], name: str) -> dict[str, Any]:
        value = data.get(name, {})
        if not isinstance(value, dict):
            raise self.fail(f"[{name}] must be a table", name)
        return value

    def agencies(self, rows: Any) -> tuple[AgencyDef, ...]:
        if not isinstance(rows, list) or not rows:
            raise ProfileError(self.path, None, "the profile needs at least one [[agencies]] entry")
        seen: set[str] = set()
        out = []
        for i, row in enumerate(rows):
            code = self.text(row, "code", "agencies", i)
            if code in seen:
                raise self.fail(f"agency code {code!r} is used twice", "agencies", i, "code")
            seen.add(code)
            date = row.get("sharing_agreement_date")
            if date is not None and not isinstance(date, dt.date):
                raise self.fail(
                    "'sharing_agreement_date' must be a date (YYYY-MM-DD)",
                    "agencies",
                    i,
                    "sharing_agreement_date",
                )
            out.append(
                AgencyDef(
                    code,
                    self.text(row, "name", "agencies", i),
                    self.text(row, "kind", "agencies", i, False, "other"),
                    self.flag(row, "core", "agencies", i),
                    date,
                )
            )
        return tuple(out)

    def teams(self, rows: Any) -> tuple[FgcTeamDef, ...]:
        out = []
        for i, row in enumerate(rows or []):
            out.append(
                FgcTeamDef(
                    self.text(row, "code", "fgc_teams", i),
                    self.text(row, "name", "fgc_teams", i),
                    self.text(row, "contact", "fgc_teams", i, False),
                )
            )
        if len({t.code for t in out}) != len(out):
            raise ProfileError(
                self.path, self.line_of("fgc_teams"), "an FGC team code is used twice"
            )
        return tuple(out)

    def localities(self, rows: Any, team_codes: set[str]) -> tuple[LocalityDef, ...]:
        out = []
        owner: dict[str, str] = {}
        for i, row in enumerate(rows or []):
            code = self.text(row, "code", "localities", i)
            team = self.text(row, "fgc_team", "localities", i)
            if team not in team_codes:
                raise self.fail(
                    f"locality {code!r} names FGC team {team!r}, which is not in [[fgc_teams]]",
                    "localities",
                    i,
                    "fgc_team",
                )
            districts = row.get("districts", [])
            if not isinstance(districts, list) or not districts:
                raise self.fail(
                    f"locality {code!r} needs a list of postcode 'districts'",
                    "localities",
                    i,
                    "districts",
                )
            norm = []
            for d in districts:
                d = str(d).strip().upper()
                if not DISTRICT_RE.match(d):
                    raise self.fail(
                        f"{d!r} is not a postcode district (like LS9)", "localities", i, "districts"
                    )
                if d in owner:
                    raise self.fail(
                        f"postcode district {d} is in both {owner[d]} and {code}",
                        "localities",
                        i,
                        "districts",
                    )
                owner[d] = code
                norm.append(d)
            out.append(
                LocalityDef(code, self.text(row, "name", "localities", i), team, tuple(norm))
            )
        return tuple(out)

    def outcomes(self, rows: Any) -> tuple[OutcomeDef, ...]:
        if not isinstance(rows, list) or not rows:
            raise ProfileError(self.path, None, "the profile needs the list of [[outcomes]]")
        out = []
        for i, row in enumerate(rows):
            prompt = self.text(row, "detail_prompt", "outcomes", i, False)
            required = self.flag(row, "detail_required", "outcomes", i)
            if required and not prompt:
                raise self.fail(
                    "'detail_required' needs a 'detail_prompt': the question the decision "
                    "asks beside the outcome",
                    "outcomes",
                    i,
                    "detail_required",
                )
            if len(prompt) > DETAIL_PROMPT_MAX:
                raise self.fail(
                    f"'detail_prompt' must be at most {DETAIL_PROMPT_MAX} characters",
                    "outcomes",
                    i,
                    "detail_prompt",
                )
            out.append(
                OutcomeDef(
                    code=self.text(row, "code", "outcomes", i),
                    label=self.text(row, "label", "outcomes", i),
                    is_nfa=self.flag(row, "is_nfa", "outcomes", i),
                    is_fgc_offer=self.flag(row, "is_fgc_offer", "outcomes", i),
                    is_marac_referral=self.flag(row, "is_marac_referral", "outcomes", i),
                    is_strategy_discussion=self.flag(row, "is_strategy_discussion", "outcomes", i),
                    description=self.text(row, "description", "outcomes", i, False),
                    detail_prompt=prompt,
                    detail_required=required,
                )
            )
        if len({o.code for o in out}) != len(out):
            raise ProfileError(self.path, self.line_of("outcomes"), "an outcome code is used twice")
        return tuple(out)

    def meeting(self, data: dict[str, Any]) -> MeetingRules:
        base = MeetingRules()
        values: dict[str, Any] = {}
        for key in ("start_time", "cutoff_time"):
            if key in data:
                if not isinstance(data[key], dt.time):
                    raise self.fail(f"'{key}' must be a time like 09:30:00", "meeting", 0, key)
                values[key] = data[key]
        for key, low, high in (
            ("window_hours_weekday", 1, 168),
            ("window_hours_monday", 1, 168),
            ("case_target_minutes", 1, 60),
            ("action_due_days", 0, 365),
        ):
            if key in data:
                value = data[key]
                if (
                    not isinstance(value, int)
                    or isinstance(value, bool)
                    or not low <= value <= high
                ):
                    raise self.fail(
                        f"'{key}' must be a whole number from {low} to {high}", "meeting", 0, key
                    )
                values[key] = value
        if "agenda_order" in data:
            order = data["agenda_order"]
            bad = (
                [k for k in order if k not in AGENDA_ORDER_KEYS]
                if isinstance(order, list)
                else [order]
            )
            if bad:
                raise self.fail(
                    f"'agenda_order' may use {', '.join(AGENDA_ORDER_KEYS)}; not {bad[0]!r}",
                    "meeting",
                    0,
                    "agenda_order",
                )
            values["agenda_order"] = tuple(order)
        return MeetingRules(**{**base.__dict__, **values})

    def measures(self, data: Any) -> MeasureRules:
        if not isinstance(data, dict):
            raise self.fail("[measures] must be a table", "measures")
        threshold = data.get("small_count_threshold", 5)
        if (
            not isinstance(threshold, int)
            or isinstance(threshold, bool)
            or not 1 <= threshold <= 100
        ):
            raise self.fail(
                "'small_count_threshold' must be a whole number from 1 to 100",
                "measures",
                0,
                "small_count_threshold",
            )
        holidays = data.get("bank_holidays", [])
        if not isinstance(holidays, list):
            raise self.fail(
                "'bank_holidays' must be a list of dates like 2026-12-25",
                "measures",
                0,
                "bank_holidays",
            )
        for day in holidays:
            if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
                raise self.fail(
                    f"'bank_holidays' must list dates like 2026-12-25, not {day!r}",
                    "measures",
                    0,
                    "bank_holidays",
                )
        return MeasureRules(threshold, frozenset(holidays))

    def intake(self, data: dict[str, Any]) -> IntakeRules:
        auto = data.get("auto_link_threshold", 0.92)
        review = data.get("review_threshold", 0.75)
        for key, value in (("auto_link_threshold", auto), ("review_threshold", review)):
            if not isinstance(value, int | float) or not 0 < value <= 1:
                raise self.fail(f"'{key}' must be a number above 0 and at most 1", "intake", 0, key)
        if review >= auto:
            raise self.fail(
                "'review_threshold' must be below 'auto_link_threshold'",
                "intake",
                0,
                "review_threshold",
            )
        columns = {f: f for f in FEED_FIELDS}
        mapping = data.get("columns", {})
        for column, fieldname in mapping.items():
            if fieldname not in FEED_FIELDS:
                raise self.fail(
                    f"column {column!r} maps to {fieldname!r}, which is not a feed field",
                    "intake.columns",
                    0,
                    column,
                )
            columns[column.strip().lower()] = fieldname
        return IntakeRules(float(auto), float(review), columns)
