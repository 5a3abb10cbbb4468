"""The typed ORM. Import models from here; ``Base.metadata`` holds every table."""

from .base import Base, utcnow
from .feed import ImportBatch, Notification, NotificationPerson, QuarantinedRecord
from .fgc import (
    FGC_STAGES,
    FgcConsent,
    FgcInvitee,
    FgcReferral,
    FgcSafeguard,
    FgcStageEvent,
    FgcVictimDecision,
)
from .journal import AuditEvent, ChangeLog
from .matching import MatchingModel
from .meeting import (
    Action,
    ActionUpdate,
    AgendaItem,
    Amendment,
    Attendance,
    Decision,
    DecisionOutcome,
    Draft,
    IntelligenceEntry,
    Meeting,
    SharingDecision,
)
from .people import Household, HouseholdMember, Person, PersonLink
from .reference import (
    Agency,
    AuthorityProfile,
    FgcTeam,
    Locality,
    OutcomeCode,
    PostcodeDistrict,
    User,
)

__all__ = [
    "MatchingModel",
    "FGC_STAGES",
    "Action",
    "ActionUpdate",
    "AgendaItem",
    "Agency",
    "Amendment",
    "Attendance",
    "AuditEvent",
    "AuthorityProfile",
    "Base",
    "ChangeLog",
    "Decision",
    "DecisionOutcome",
    "Draft",
    "FgcConsent",
    "FgcInvitee",
    "FgcReferral",
    "FgcSafeguard",
    "FgcStageEvent",
    "FgcVictimDecision",
    "FgcTeam",
    "Household",
    "HouseholdMember",
    "ImportBatch",
    "IntelligenceEntry",
    "Locality",
    "Meeting",
    "Notification",
    "NotificationPerson",
    "OutcomeCode",
    "Person",
    "PersonLink",
    "PostcodeDistrict",
    "QuarantinedRecord",
    "SharingDecision",
    "User",
    "utcnow",
]
