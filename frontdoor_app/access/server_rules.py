"""Who may do what on the shared PostgreSQL server: one row rule per table, per command.

Each rule is an SQL expression for a policy's USING/WITH CHECK, naming the application
roles it lets through (``roles_in``: they get the grant); ``server.apply_security`` turns
them into policies and grants. The person is identified by ``session_user`` through the
helper functions (``fd_uid``, ``fd_role``, ``fd_agency``, ``fd_fgc_team``), never by
anything a client can set.
"""

from __future__ import annotations

from dataclasses import dataclass

OWNER = "frontdoor_owner"
GROUPS: dict[str, str] = {
    "chair": "frontdoor_chair",
    "representative": "frontdoor_representative",
    "fgc_coordinator": "frontdoor_fgc_coordinator",
    "admin": "frontdoor_admin",
    "viewer": "frontdoor_viewer",
}
APP_ROLES = tuple(GROUPS)

# The helper functions the policies use: no arguments, SECURITY INVOKER (they run with the
# caller's own rights, reading the caller's own row), so nobody can ask about another user.
# PL/pgSQL with their own search path (``server.apply_security``), so no search path a
# caller sets changes what they read; each policy asks once per statement (``(SELECT
# ...)``). A SQL function holding a subquery is not inlined but planned afresh at every
# call (50 microseconds, some 150 calls for each save in a room of 16); PL/pgSQL keeps
# its plan for the session (8 microseconds).
HELPERS = {
    "fd_uid": ("integer", "id"),
    "fd_role": ("text", "role"),
    "fd_agency": ("integer", "agency_id"),
    "fd_fgc_team": ("integer", "fgc_team_id"),
}
UID, ROLE, AGENCY = "(SELECT fd_uid())", "(SELECT fd_role())", "(SELECT fd_agency())"
TEAM = "(SELECT fd_fgc_team())"
# What the rules ask about a row's meeting or referral, with the caller's own rights (they
# read rows everyone signed in may read): whether a case's or a meeting's meeting is still
# open (not closed), and which FGC team a referral is with.
LOOKUPS = {
    "fd_item_open(item integer)": (
        "boolean",
        "SELECT m.status <> 'closed' FROM public.agenda_item i JOIN public.meeting m "
        "ON m.id = i.meeting_id WHERE i.id = $1",
    ),
    "fd_meeting_open(meeting integer)": (
        "boolean",
        "SELECT status <> 'closed' FROM public.meeting WHERE id = $1",
    ),
    "fd_referral_team(referral integer)": (
        "integer",
        "SELECT team_id FROM public.fgc_referral WHERE id = $1",
    ),
}


def _is(*roles: str) -> str:
    return f"{ROLE} IN ({', '.join(repr(r) for r in roles)})"


ADMINS = _is("admin")
WRITERS = _is("chair", "representative", "admin", "fgc_coordinator")
# Anyone signed in as an active user: a disabled user's login reads nothing, even before
# the server's administrator has taken the login away (``people.disable_user``).
SIGNED_IN = f"{ROLE} IS NOT NULL"
REFERENCE_TABLES = (
    "agency",
    "fgc_team",
    "locality",
    "postcode_district",
    "outcome_code",
    "matching_model",
)
INTAKE_TABLES = (
    "person",
    "household",
    "household_member",
    "notification",
    "notification_person",
    "import_batch",
    "quarantined_record",
    "person_link",
)
FGC_TABLES = (
    "fgc_referral",
    "fgc_consent",
    "fgc_invitee",
    "fgc_safeguard",
    "fgc_stage_event",
    "fgc_victim_decision",
)
APPEND_ONLY = ("audit_event", "change_log")


@dataclass(frozen=True)
class Rule:
    """Who may do what to one table: a USING/WITH CHECK expression per command (None: no one)."""

    select: str | None = SIGNED_IN
    insert: str | None = None
    update: str | None = None
    delete: str | None = None


def _rules() -> dict[str, Rule]:
    admin, chair_admin = _is("admin"), _is("chair", "admin")
    own_agency_entry = f"agency_id = {AGENCY}"
    # Once its meeting is closed a case's record changes only by amendment, the chair's or
    # an admin's (DOMAIN.md: "After close, changes are amendments"; ``meeting.common.Writer``).
    item_open = f"({chair_admin} OR public.fd_item_open(agenda_item_id))"
    meeting_open = f"({chair_admin} OR public.fd_meeting_open(meeting_id))"
    rules: dict[str, Rule] = {}
    for table in REFERENCE_TABLES:
        rules[table] = Rule(insert=admin, update=admin, delete=admin)
    # Read by the rules themselves (``fd_role``): its own rows' rule cannot ask them.
    rules["app_user"] = Rule(select="true", insert=admin, update=admin)
    # The agenda is built from the feed when it is imported (by an admin or the chair).
    for table in INTAKE_TABLES:
        rules[table] = Rule(insert=chair_admin, update=chair_admin, delete=chair_admin)
    # An FGC coordinator adds a person the victim wants invited who is not known yet
    # (``fgc.people.person_for_invitee``): a new person only, never one from the feed.
    rules["person"] = Rule(
        insert=(
            f"{chair_admin} OR ({_is('fgc_coordinator')} "
            "AND created_from_notification_id IS NULL AND merged_into_id IS NULL)"
        ),
        update=chair_admin,
        delete=chair_admin,
    )
    rules["meeting"] = Rule(insert=chair_admin, update=_is("chair"))
    # An admin's import orders today's agenda by risk and carries deferred cases forward.
    rules["agenda_item"] = Rule(insert=chair_admin, update=chair_admin)
    own_attendance = f"({chair_admin} OR ({_is('representative')} AND agency_id = {AGENCY}))"
    rules["attendance"] = Rule(
        insert=f"{own_attendance} AND {meeting_open}",
        update=f"{own_attendance} AND {meeting_open}",
        # a wrongly entered person taken off (``lifecycle.remove_attendance``)
        delete=f"{own_attendance} AND {meeting_open}",
    )
    rules["intelligence_entry"] = Rule(
        select=(
            f"{SIGNED_IN} AND (restricted_to_agency_id IS NULL OR restricted_to_agency_id = "
            f"{AGENCY} OR {chair_admin})"
        ),
        # The chair and admins may record what an absent agency sent in (DOMAIN.md, the
        # opening: "information sent by absent agencies"), as the case view lets them.
        insert=(
            f"({WRITERS} AND {own_agency_entry} OR {chair_admin}) AND (restricted_to_agency_id "
            f"IS NULL OR restricted_to_agency_id = agency_id) AND {item_open}"
        ),
        # ... and correct it, or amend any entry after the close (``entries._may_edit``).
        # Nobody deletes an entry.
        update=(
            f"({WRITERS} AND {own_agency_entry} OR {chair_admin}) AND (restricted_to_agency_id "
            f"IS NULL OR restricted_to_agency_id = agency_id) AND {item_open}"
        ),
    )
    rules["sharing_decision"] = Rule(
        insert=f"({chair_admin} OR ({WRITERS} AND agency_id = {AGENCY})) AND {item_open}",
        update=f"({chair_admin} OR ({WRITERS} AND agency_id = {AGENCY})) AND {item_open}",
    )
    rules["decision"] = Rule(insert=_is("chair"), update=_is("chair"))
    rules["decision_outcome"] = Rule(insert=_is("chair"), update=_is("chair"), delete=_is("chair"))
    # Actions are followed up after the meeting (their status and notes), but a new one on a
    # closed meeting's case is an amendment.
    own_action = f"({chair_admin} OR ({WRITERS} AND owner_agency_id = {AGENCY}))"
    rules["action"] = Rule(insert=f"{own_action} AND {item_open}", update=own_action)
    rules["action_update"] = Rule(insert=f"{WRITERS} AND by_id = {UID}")
    rules["amendment"] = Rule(insert=f"{chair_admin} AND by_id = {UID}")
    mine = "user_login = session_user"
    rules["draft"] = Rule(
        select=f"{SIGNED_IN} AND {mine}",
        insert=f"{WRITERS} AND {mine}",
        update=f"{WRITERS} AND {mine}",
        delete=mine,
    )
    # The gate's steps are the chair's at the meeting, then the team's coordinator's (and an
    # admin's, for corrections): a coordinator of that team only (``fgc.roles.may``);
    # representatives and viewers read only.
    coordinator = _is("fgc_coordinator")
    rules["fgc_referral"] = Rule(
        insert=f"{chair_admin} OR ({coordinator} AND team_id = {TEAM})",
        update=f"{chair_admin} OR ({coordinator} AND team_id = {TEAM})",
    )
    for table in FGC_TABLES:
        if table != "fgc_referral":
            team_of = f"public.fd_referral_team(referral_id) = {TEAM}"
            rules[table] = Rule(
                insert=f"{chair_admin} OR ({coordinator} AND {team_of})",
                update=f"{chair_admin} OR ({coordinator} AND {team_of})",
            )
    # The profile in force (``access.server_profile``): read by everyone signed in, written
    # only by ``server init``/``upgrade`` acting as the owner; no application role changes it.
    rules["authority_profile"] = Rule()
    # The trail: every signed-in role adds to it (under its own name); admins read it.
    rules["audit_event"] = Rule(select=admin, insert="user_login = session_user")
    rules["change_log"] = Rule(insert=WRITERS)
    return rules


RULES = _rules()


def roles_in(expression: str) -> tuple[str, ...]:
    """The application roles an expression can let through: those it names, else all."""
    named = tuple(r for r in APP_ROLES if f"'{r}'" in expression)
    return named or APP_ROLES
