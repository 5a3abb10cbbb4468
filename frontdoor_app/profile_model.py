"""The authority profile as typed values: its agencies, localities, outcomes, FGC teams and
rules, and the names the profile file may use; ``profile`` reads and checks the file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from frontdoor_app.clock import Clock
from frontdoor_app.resource_files import resource_dir

RESOURCES = resource_dir()
SAMPLE_PROFILE = RESOURCES / "profiles" / "leeds-like.toml"

RISK_LEVELS = ("standard", "medium", "high")
AGENDA_ORDER_KEYS = ("dash", "marac", "repeat_count", "youngest_child", "pregnancy", "received")
HOUSEHOLD_DISPLAY = ("surname", "initials", "reference")
DISTRICT_RE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")

# Field names of the police feed (shared/formats/notifications.md): the notification's,
# then each person's. The profile's [intake.columns] maps a force's own column names onto
# these; the demo feed writes them; validation reads them in this order.
NOTIFICATION_FIELDS = (
    "police_ref",
    "force",
    "received_at",
    "incident_at",
    "incident_type",
    "offence",
    "dash_risk",
    "dash_yes",
    "address",
    "postcode",
    "children_present",
    "weapon",
    "alcohol",
    "drugs",
    "pregnancy",
    "narrative",
    "officer",
)
PERSON_FIELDS = (
    "person_role",
    "surname",
    "forenames",
    "dob",
    "age",
    "gender",
    "relationship_to_victim",
    "person_address",
    "person_postcode",
    "school",
    "nhs_number",
    "pnc_id",
)
FEED_FIELDS = NOTIFICATION_FIELDS + PERSON_FIELDS


@dataclass(frozen=True)
class AgencyDef:
    code: str
    name: str
    kind: str = "other"
    core: bool = False
    sharing_agreement_date: dt.date | None = None


@dataclass(frozen=True)
class FgcTeamDef:
    code: str
    name: str
    contact: str = ""


@dataclass(frozen=True)
class LocalityDef:
    code: str
    name: str
    fgc_team: str
    districts: tuple[str, ...]


# The longest question an outcome may ask (``outcome_code.detail_prompt``), and the longest
# answer a decision keeps (``decision_outcome.detail``).
DETAIL_PROMPT_MAX = 200
DETAIL_MAX = 400


@dataclass(frozen=True)
class OutcomeDef:
    code: str
    label: str
    is_nfa: bool = False
    is_fgc_offer: bool = False
    is_marac_referral: bool = False
    is_strategy_discussion: bool = False
    description: str = ""
    # What the decision asks beside this outcome ("Shared with which agency"); empty: nothing.
    detail_prompt: str = ""
    # The decision cannot be saved with this outcome until its detail is written.
    detail_required: bool = False


@dataclass(frozen=True)
class MeetingRules:
    start_time: dt.time = dt.time(9, 30)
    cutoff_time: dt.time = dt.time(9, 0)
    window_hours_weekday: int = 24
    window_hours_monday: int = 72
    case_target_minutes: int = 13
    action_due_days: int = 5
    agenda_order: tuple[str, ...] = ("dash", "marac", "repeat_count", "youngest_child")


@dataclass(frozen=True)
class IntakeRules:
    auto_link_threshold: float = 0.92
    review_threshold: float = 0.75
    columns: dict[str, str] = field(default_factory=dict)  # column name (lower) → field


@dataclass(frozen=True)
class MeasureRules:
    """[measures]: how the weekly report card counts (frontdoor_app.measures)."""

    # A count below this in a breakdown is shown as "fewer than N", never the number.
    small_count_threshold: int = 5
    # Days that are not working days although Monday to Friday (bank holidays).
    bank_holidays: frozenset[dt.date] = frozenset()


@dataclass(frozen=True)
class Profile:
    path: str
    name: str
    short_name: str
    timezone: str
    protective_marking: str
    confidentiality_statement: str
    household_display: str
    agencies: tuple[AgencyDef, ...]
    fgc_teams: tuple[FgcTeamDef, ...]
    localities: tuple[LocalityDef, ...]
    outcomes: tuple[OutcomeDef, ...]
    meeting: MeetingRules
    intake: IntakeRules
    # The [fgc] table as written; frontdoor_app.fgc reads its rules from it.
    fgc: dict[str, Any]
    # The [retention] table as written; frontdoor_app.access.retention reads its rules.
    retention: dict[str, Any] = field(default_factory=dict)
    measures: MeasureRules = field(default_factory=MeasureRules)
    # A stopped clock (not read from the profile file): tests, screenshots and benchmarks
    # set it with ``at`` so that "today" is the day their meeting is held.
    fixed_now: dt.datetime | None = None
    # The TOML it was read from, as written: a shared server keeps the one in force
    # (``access.server_profile``), and a laptop's own file is compared with it by hash.
    source_text: str = field(default="", repr=False, compare=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.source_text.encode("utf-8")).hexdigest()

    def at(self, moment: dt.datetime) -> Profile:
        """This profile with its clock stopped at ``moment`` (aware, or naive UTC)."""
        return dataclasses.replace(self, fixed_now=moment)

    def agency(self, code: str) -> AgencyDef:
        for agency in self.agencies:
            if agency.code == code:
                return agency
        raise KeyError(code)

    @property
    def clock(self) -> Clock:
        """The authority's clock: now and today in its time zone."""
        return Clock(self.timezone, self.fixed_now)

    def today(self) -> dt.date:
        """Today's date where the authority is (meeting dates are local)."""
        return self.clock.today()

    def locality_for_district(self, district: str) -> LocalityDef | None:
        district = district.upper()
        for locality in self.localities:
            if district in locality.districts:
                return locality
        return None
