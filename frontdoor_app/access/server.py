"""The shared PostgreSQL server: roles, row-level security, grants, and the check of them.

Run by the authority's database administrator (a role allowed to create roles):

- an owner role (NOLOGIN) owns every table; the migrations run as it (``SET ROLE``);
- one NOLOGIN group role per application role; each person is a LOGIN role in one group;
- every table has row-level security enabled **and forced** (so even the owner is held to
  the policies) and each group is granted only what its role needs;
- policies identify the person by ``session_user`` (the login the server authenticated),
  looked up in ``app_user``; nothing a client can set (``set_config``, ``SET ROLE``) counts.

The policies and grants are applied from code by ``server init`` and ``server upgrade``
rather than by a migration: roles belong to the whole server, not to one database's schema,
the migrations also run on the embedded SQLite file (which has neither), and every later
migration that adds a table needs the grants and policies applied again afterwards.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from frontdoor_app.models.audit_chain import CHAIN_LOCK
from frontdoor_app.models.database import (
    current_revision,
    make_session_factory,
    session_scope,
    upgrade,
)
from frontdoor_app.models.journal import MEETING_CLOSED, MINUTES_ENTITY
from frontdoor_app.profile import Profile
from frontdoor_app.schema_head import head_revision

from .reference import sync_reference
from .server_profile import keep_profile
from .server_rules import (
    ADMINS,
    APP_ROLES,
    GROUPS,
    HELPERS,
    LOOKUPS,
    OWNER,
    RULES,
    roles_in,
)


class ServerError(RuntimeError):
    """The server cannot be set up or used as asked; the message says what to do."""


def _executable_by_the_groups(conn: Connection, function: str) -> None:
    """``public.<function>`` (its signature) may be run by the application's groups only."""
    conn.execute(text(f"REVOKE ALL ON FUNCTION public.{function} FROM PUBLIC"))
    for group in GROUPS.values():
        conn.execute(text(f"GRANT EXECUTE ON FUNCTION public.{function} TO {q(group)}"))


def q(name: str) -> str:
    """A quoted identifier."""
    return '"' + name.replace('"', '""') + '"'


def group_for(role: str) -> str:
    try:
        return GROUPS[role]
    except KeyError as exc:
        raise ServerError(f"role must be one of {', '.join(APP_ROLES)}, not {role!r}") from exc


def is_postgresql(url_or_engine: str | Engine) -> bool:
    url = url_or_engine.url if isinstance(url_or_engine, Engine) else make_url(url_or_engine)
    return url.get_backend_name() == "postgresql"


def role_exists(conn: Connection, name: str) -> bool:
    return bool(
        conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).scalar()
    )


def ensure_roles(conn: Connection) -> None:
    """The owner and the group roles, created when missing; none can log in."""
    for name in (OWNER, *GROUPS.values()):
        if not role_exists(conn, name):
            conn.execute(text(f"CREATE ROLE {q(name)} NOLOGIN"))
        conn.execute(
            text(
                f"ALTER ROLE {q(name)} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                "NOBYPASSRLS NOREPLICATION"
            )
        )


def owner_engine(engine: Engine) -> Engine:
    """A second engine on the administrator's URL whose every connection acts as the owner."""
    as_owner = create_engine(engine.url, poolclass=NullPool)

    @event.listens_for(as_owner, "connect")
    def _set_role(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {q(OWNER)}")
        dbapi_connection.commit()

    return as_owner


def schema_mismatch(engine: Engine) -> str | None:
    """None when the server's schema is this application's; else what to tell the user."""
    have, want = current_revision(engine), head_revision()
    if have == want:
        return None
    return (
        f"the server is at revision {have or 'none (not set up)'}, this application "
        f"expects {want}: ask your administrator to run `frontdoor server upgrade`"
    )


def set_up(engine: Engine, profile: Profile) -> str:
    """``server init`` and ``server upgrade``: roles, migrations as the owner, reference
    lists, row-level security and grants. Idempotent; returns the schema revision."""
    if not is_postgresql(engine):
        raise ServerError(
            "`frontdoor server` sets up a PostgreSQL server; the embedded SQLite "
            "file needs no set-up (`frontdoor db upgrade` migrates it)"
        )
    with engine.begin() as conn:
        allowed = conn.execute(
            text("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
        ).scalar()
        if not allowed:
            raise ServerError(
                "`frontdoor server init` must connect as a role allowed to create "
                "roles (the server's administrator), not as an application user"
            )
        ensure_roles(conn)
        prepare_database(conn)
    as_owner = owner_engine(engine)
    try:
        with as_owner.begin() as conn:
            _drop_rule_functions(conn)
        upgrade(as_owner)
        with as_owner.begin() as conn:
            apply_security(conn)
        with session_scope(make_session_factory(as_owner)) as session:
            sync_reference(session, profile)
            keep_profile(session, profile)  # the one every client runs by
        return current_revision(as_owner) or ""
    finally:
        as_owner.dispose()


def prepare_database(conn: Connection) -> None:
    """Schema rights before the migrations: the owner may create, nobody else may."""
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    if not conn.execute(
        text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    ).scalar():
        conn.execute(text(f"GRANT {q(OWNER)} TO CURRENT_USER"))
    conn.execute(text(f"REVOKE ALL ON DATABASE {q(database)} FROM PUBLIC"))
    conn.execute(text(f"GRANT CONNECT, TEMPORARY ON DATABASE {q(database)} TO {q(OWNER)}"))
    conn.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
    conn.execute(text(f"GRANT USAGE, CREATE ON SCHEMA public TO {q(OWNER)}"))
    for group in GROUPS.values():
        conn.execute(text(f"GRANT CONNECT ON DATABASE {q(database)} TO {q(group)}"))
        conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {q(group)}"))
    # Tables made by a migration run by someone else are handed to the owner.
    for (table,) in conn.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner <> :o"),
        {"o": OWNER},
    ):
        conn.execute(text(f"ALTER TABLE public.{q(table)} OWNER TO {q(OWNER)}"))


def _tables(conn: Connection) -> list[str]:
    rows = conn.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    )
    return [r for (r,) in rows]


def _drop_rule_functions(conn: Connection) -> None:
    """The rules' functions read the columns a migration may change (the lookups'
    SQL-standard bodies are bound to them when made). Before the migrations run they go,
    with the policies that use them; ``apply_security`` makes both again. Meanwhile no
    application role reads or writes anything (row-level security with no policy)."""
    for name in HELPERS:
        conn.execute(text(f"DROP FUNCTION IF EXISTS public.{name}() CASCADE"))
    for signature in LOOKUPS:
        conn.execute(text(f"DROP FUNCTION IF EXISTS public.{signature} CASCADE"))
    # (with its trigger: it asks the functions above)
    conn.execute(text("DROP FUNCTION IF EXISTS public.fd_action_amended() CASCADE"))


# What an action says (what, by when, whose, on which case) is the meeting's: after the
# close only the chair or an admin amends it. Its status and notes are followed up after
# the meeting by its agency, so a row rule (which cannot tell one column from another)
# lets those through, and this trigger holds the rest. Not the server's administrator's
# nor the owner's own work (no application role: ``fd_role`` is NULL).
_ACTION_SAYS = ("description", "due_date", "owner_agency_id", "owner_name", "agenda_item_id")
_ACTION_AMENDED = (
    "CREATE OR REPLACE FUNCTION public.fd_action_amended() RETURNS trigger LANGUAGE plpgsql "
    "SECURITY INVOKER SET search_path = pg_catalog, public AS $$ BEGIN "
    "IF public.fd_role() NOT IN ('chair', 'admin') AND NOT ("
    "coalesce(public.fd_item_open(OLD.agenda_item_id), false) "
    "AND coalesce(public.fd_item_open(NEW.agenda_item_id), false)) THEN "
    "RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = "
    "'the meeting is closed: only the chair or an admin may change what an action says "
    "(its status and notes are followed up)'; "
    "END IF; RETURN NEW; END $$"
)


def _hold_closed_actions(conn: Connection) -> None:
    conn.execute(text(_ACTION_AMENDED))
    conn.execute(text("DROP TRIGGER IF EXISTS fd_action_amended ON public.action"))
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _ACTION_SAYS)
    conn.execute(
        text(
            f"CREATE TRIGGER fd_action_amended BEFORE UPDATE OF {', '.join(_ACTION_SAYS)} "
            f"ON public.action FOR EACH ROW WHEN ({changed}) "
            "EXECUTE FUNCTION public.fd_action_amended()"
        )
    )


def apply_security(conn: Connection) -> None:
    """Helper functions, RLS (enabled and forced), policies and grants: idempotent."""
    conn.execute(text(f"SET ROLE {q(OWNER)}"))
    for name, (kind, column) in HELPERS.items():
        conn.execute(
            text(
                f"CREATE OR REPLACE FUNCTION public.{name}() RETURNS {kind} LANGUAGE plpgsql "
                "STABLE SECURITY INVOKER SET search_path = pg_catalog, public AS $$ BEGIN "
                f"RETURN (SELECT {column} FROM public.app_user WHERE login = session_user "
                "AND active); END $$"
            )
        )
        _executable_by_the_groups(conn, f"{name}()")
    for signature, (kind, body) in LOOKUPS.items():
        conn.execute(
            text(
                f"CREATE OR REPLACE FUNCTION public.{signature} RETURNS {kind} LANGUAGE sql "
                f"STABLE SECURITY INVOKER RETURN ({body})"
            )
        )
        _executable_by_the_groups(conn, signature)  # (names and types both name it)
    # The audit chain (models/audit_chain.py): each new row links to the newest row's hash,
    # which only admins may read. This one function, with no arguments, hands every role that
    # hash and nothing else (a hash says nothing about anyone); it runs as the owner.
    conn.execute(
        text(
            "CREATE OR REPLACE FUNCTION public.fd_audit_head() RETURNS text LANGUAGE sql STABLE "
            "SECURITY DEFINER SET search_path = pg_catalog, public AS "
            "$$ SELECT chain_hash FROM public.audit_event ORDER BY id DESC LIMIT 1 $$"
        )
    )
    _executable_by_the_groups(conn, "fd_audit_head()")
    # The measure "minutes issued the same day" (measures/figures/how_well.py) for everyone
    # who sees the measures: when each meeting's final minutes were first issued, read from
    # the trail as the owner. A meeting's id and a time, never a row of the trail.
    conn.execute(
        text(
            "CREATE OR REPLACE FUNCTION public.fd_minutes_issued() RETURNS TABLE "
            "(meeting_id integer, issued_at timestamptz) LANGUAGE sql STABLE "
            "SECURITY DEFINER SET search_path = pg_catalog, public AS "
            "$$ SELECT entity_id, min(at) FROM public.audit_event "
            f"WHERE entity = '{MINUTES_ENTITY}' AND action IN ('export', 'print') "
            "AND (after->>'draft')::boolean = false GROUP BY entity_id $$"
        )
    )
    _executable_by_the_groups(conn, "fd_minutes_issued()")
    # The final minutes carry the chain's hash as the meeting closed (meeting/minutes_data):
    # for whoever may print them, that one hash, read as the owner.
    conn.execute(
        text(
            "CREATE OR REPLACE FUNCTION public.fd_meeting_closed_hash(meeting integer) "
            "RETURNS text LANGUAGE sql STABLE SECURITY DEFINER "
            "SET search_path = pg_catalog, public AS "
            "$$ SELECT chain_hash FROM public.audit_event WHERE entity = 'meeting' "
            f"AND entity_id = meeting AND detail = '{MEETING_CLOSED}' ORDER BY id DESC LIMIT 1 $$"
        )
    )
    _executable_by_the_groups(conn, "fd_meeting_closed_hash(integer)")
    # Appending to the chain (models/audit_chain.py) in one call as a unit of work commits:
    # the chain's lock, the head, each row's link and the insert, all in the server, so the
    # lock every audited write in the room queues on is held for this call and the commit
    # only. It runs as the caller (row-level security and grants apply to its INSERT).
    conn.execute(
        text(
            "CREATE OR REPLACE FUNCTION public.fd_audit_append(rows json) RETURNS void "
            "LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, public "
            "AS $$ DECLARE previous text; r json; BEGIN "
            f"PERFORM pg_advisory_xact_lock({CHAIN_LOCK}); "
            "previous := coalesce(public.fd_audit_head(), repeat('0', 64)); "
            "FOR r IN SELECT value FROM json_array_elements(rows) LOOP "
            "previous := encode(sha256(convert_to(previous || ':' || (r->>'content_hash'), "
            "'UTF8')), 'hex'); "
            "INSERT INTO public.audit_event (at, user_id, user_login, action, entity, "
            "entity_id, before, after, detail, content_hash, chain_hash) VALUES ("
            "(r->>'at')::timestamptz, (r->>'user_id')::integer, r->>'user_login', "
            "r->>'action', r->>'entity', (r->>'entity_id')::integer, r->'before', "
            "r->'after', r->>'detail', r->>'content_hash', previous); "
            "END LOOP; END $$"
        )
    )
    _executable_by_the_groups(conn, "fd_audit_append(json)")
    groups = ", ".join(q(g) for g in GROUPS.values())
    for table in _tables(conn):
        conn.execute(text(f"REVOKE ALL ON public.{q(table)} FROM PUBLIC, {groups}"))
        if table == "alembic_version":
            conn.execute(text(f"GRANT SELECT ON public.alembic_version TO {groups}"))
            continue
        rule = RULES.get(table)
        if rule is None:
            raise ServerError(f"table {table} has no access rule in frontdoor_app.access.server")
        conn.execute(text(f"ALTER TABLE public.{q(table)} ENABLE ROW LEVEL SECURITY"))
        conn.execute(text(f"ALTER TABLE public.{q(table)} FORCE ROW LEVEL SECURITY"))
        for (policy,) in conn.execute(
            text(
                "SELECT policyname FROM pg_policies WHERE schemaname = 'public' AND tablename = :t"
            ),
            {"t": table},
        ).all():
            conn.execute(text(f"DROP POLICY {q(policy)} ON public.{q(table)}"))
        verbs = {
            "SELECT": rule.select,
            "INSERT": rule.insert,
            "UPDATE": rule.update,
            "DELETE": rule.delete,
        }
        for verb, expr in verbs.items():
            if expr is None:
                continue
            # Reading is granted to every group (the policy picks the rows) unless only
            # admins may read at all; the other verbs go to the roles the policy names.
            allowed = roles_in(expr) if verb != "SELECT" or expr == ADMINS else APP_ROLES
            to = ", ".join(q(GROUPS[r]) for r in allowed)
            conn.execute(text(f"GRANT {verb} ON public.{q(table)} TO {to}"))
            name = f"fd_{verb.lower()}"
            clause = {
                "SELECT": f"USING ({expr})",
                "INSERT": f"WITH CHECK ({expr})",
                "UPDATE": f"USING ({expr}) WITH CHECK ({expr})",
                "DELETE": f"USING ({expr})",
            }[verb]
            conn.execute(
                text(f"CREATE POLICY {name} ON public.{q(table)} FOR {verb} TO {to} {clause}")
            )
        # The owner (NOLOGIN; only the administrator acts as it) keeps the reference lists
        # and builds the demo; no application role can become it (``server check``).
        conn.execute(
            text(
                f"CREATE POLICY fd_maintenance ON public.{q(table)} FOR ALL "
                f"TO {q(OWNER)} USING (true) WITH CHECK (true)"
            )
        )
    for (sequence,) in conn.execute(
        text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
    ).all():
        conn.execute(text(f"REVOKE ALL ON SEQUENCE public.{q(sequence)} FROM PUBLIC"))
        conn.execute(text(f"GRANT USAGE ON SEQUENCE public.{q(sequence)} TO {groups}"))
    _hold_closed_actions(conn)
    conn.execute(text("RESET ROLE"))
