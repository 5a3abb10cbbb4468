"""The check of a shared server (``frontdoor server check``): is every table's row-level
security, grant and policy what ``server`` applies, and is the schema at the head?"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from frontdoor_app.wording import counted

from .server import q, role_exists
from .server_profile import stored_profile
from .server_rules import APPEND_ONLY, GROUPS, OWNER


@dataclass(frozen=True)
class TableReport:
    table: str
    owner: str
    rls: bool
    forced: bool
    policies: int
    grants: dict[str, tuple[str, ...]]  # group → privileges


@dataclass(frozen=True)
class CheckReport:
    revision: str | None
    tables: tuple[TableReport, ...]
    problems: tuple[str, ...]
    profile: str | None = None  # the authority profile in force, in words

    @property
    def ok(self) -> bool:
        return not self.problems


PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


def application_roles(conn: Connection) -> list[str]:
    """The group roles and every role that is (directly or not) a member of one."""
    rows = conn.execute(
        text(
            "WITH RECURSIVE m(oid) AS ("
            " SELECT oid FROM pg_roles WHERE rolname = ANY(:groups)"
            " UNION SELECT am.member FROM pg_auth_members am JOIN m ON am.roleid = m.oid)"
            " SELECT r.rolname FROM pg_roles r JOIN m ON r.oid = m.oid ORDER BY 1"
        ),
        {"groups": list(GROUPS.values())},
    )
    return [r for (r,) in rows]


def check(conn: Connection, expected_revision: str | None = None) -> CheckReport:
    """Owner, RLS and grants table by table, and every way an application role breaks them."""
    problems: list[str] = []
    app_roles = application_roles(conn)
    for name, superuser, bypass, createrole, owner_member in conn.execute(
        text(
            "SELECT rolname, rolsuper, rolbypassrls, rolcreaterole, "
            "pg_has_role(rolname, :owner, 'USAGE') FROM pg_roles WHERE rolname = ANY(:r)"
        ),
        {"r": app_roles, "owner": OWNER},
    ):
        if superuser:
            problems.append(f"application role {name} is a superuser")
        if bypass:
            problems.append(f"application role {name} bypasses row-level security (BYPASSRLS)")
        if createrole:
            problems.append(f"application role {name} can create roles (CREATEROLE)")
        if owner_member:
            problems.append(f"application role {name} can act as the owner {OWNER}")
    if not role_exists(conn, OWNER):
        problems.append(f"there is no owner role {OWNER}: run `frontdoor server init`")
    elif conn.execute(
        text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :o"), {"o": OWNER}
    ).scalar():
        problems.append(f"the owner role {OWNER} can log in; it must be NOLOGIN")
    revision = None
    if conn.execute(text("SELECT to_regclass('public.alembic_version')")).scalar():
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if expected_revision and revision != expected_revision:
        problems.append(
            f"the server is at revision {revision}, this application expects "
            f"{expected_revision}: run `frontdoor server upgrade`"
        )
    if conn.execute(text("SELECT to_regclass('public.app_user')")).scalar():
        # The policies read a person's role from app_user, the grants come from their group:
        # the two must agree (an admin editing app_user alone gains nothing, but it is named).
        for login, role, in_group in conn.execute(
            text(
                "SELECT u.login, u.role, CASE WHEN r.rolname IS NULL THEN NULL ELSE "
                "pg_has_role(u.login, 'frontdoor_' || u.role, 'MEMBER') END FROM app_user u "
                "LEFT JOIN pg_roles r ON r.rolname = u.login WHERE u.active"
            )
        ):
            if in_group is False:
                problems.append(
                    f"user {login} is a {role} in app_user but not a member of frontdoor_{role}"
                )
    profile = None
    if conn.execute(text("SELECT to_regclass('public.authority_profile')")).scalar():
        with Session(bind=conn) as session:
            kept = stored_profile(session)
        if kept is None:
            problems.append(
                "the server keeps no authority profile: run `frontdoor server upgrade` "
                "with the authority's profile (--profile FILE)"
            )
        else:
            profile = (
                f"{kept.source} (sha256 {kept.sha256[:12]}, "
                f"set {kept.set_at:%d %b %Y %H:%M} by {kept.set_by})"
            )
    reports = []
    rows = conn.execute(
        text(
            "SELECT c.relname, pg_get_userbyid(c.relowner), c.relrowsecurity, c.relforcerowsecurity,"
            " (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname"
        )
    ).all()
    if not rows:
        problems.append("the database has no tables: run `frontdoor server init`")
    for table, owner, rls, forced, policies in rows:
        grants: dict[str, tuple[str, ...]] = {}
        for role in app_roles:
            held = tuple(
                p
                for p in PRIVILEGES
                if conn.execute(
                    text("SELECT has_table_privilege(:r, :t, :p)"),
                    {"r": role, "t": f"public.{q(table)}", "p": p},
                ).scalar()
            )
            if role in GROUPS.values():
                grants[role] = held
            bad = {"TRUNCATE", "REFERENCES", "TRIGGER"} & set(held)
            if table in APPEND_ONLY:
                bad |= {"UPDATE", "DELETE"} & set(held)
            if bad:
                problems.append(f"{role} can {'/'.join(sorted(bad))} {table}")
        if owner in app_roles:
            problems.append(f"{table} is owned by the application role {owner}")
        elif owner != OWNER:
            problems.append(f"{table} is owned by {owner}, not {OWNER}")
        if table != "alembic_version":
            if not rls:
                problems.append(f"{table} does not have row-level security enabled")
            if not forced:
                problems.append(f"{table} does not force row-level security on its owner")
            if not policies:
                problems.append(f"{table} has no policies")
        reports.append(TableReport(table, owner, rls, forced, policies, grants))
    return CheckReport(revision, tuple(reports), tuple(problems), profile)


def format_report(report: CheckReport) -> Iterable[str]:
    yield f"schema revision: {report.revision}"
    if report.profile:
        yield f"authority profile in force: {report.profile}"
    short = {g: g.removeprefix("frontdoor_") for g in GROUPS.values()}
    for t in report.tables:
        rls = "RLS forced" if t.forced and t.rls else ("RLS on" if t.rls else "RLS OFF")
        grants = "; ".join(
            f"{short[g]}: {','.join(p.lower() for p in ps) or '-'}" for g, ps in t.grants.items()
        )
        yield f"{t.table:22} owner {t.owner:16} {rls:10} {t.policies} policies  {grants}"
    for problem in report.problems:
        yield f"PROBLEM: {problem}"
    yield (
        "server check passed"
        if report.ok
        else f"server check failed: {counted(len(report.problems), 'problem')}"
    )
