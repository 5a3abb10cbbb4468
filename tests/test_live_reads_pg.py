"""What every laptop reads when someone saves, on the real server as each person: the log
names each change's case in its own statement (as the per-table lookup did, row-level
security included), a case's entries alone come in one statement (as the full read has
them), and the feed's kept connection holds no transaction open and reconnects when the
server drops it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from frontdoor_app.context import AppContext
from frontdoor_app.meeting import actions, case, drafts, entries, feed, lifecycle
from frontdoor_app.models import AgendaItem, Meeting
from frontdoor_app.sync.changes import FeedConnection, read, start
from tests.server_clients import counted
from tests.test_ui_server_meeting import server_meeting  # noqa: F401 - a fixture

pytestmark = pytest.mark.postgres


@pytest.fixture
def room(request: pytest.FixtureRequest) -> dict[str, AppContext]:
    """A chair, a police and a housing representative signed in to one server meeting."""
    contexts: dict[str, AppContext] = request.getfixturevalue("server_meeting")
    return contexts


def _open_meeting(chair: AppContext) -> tuple[int, int]:
    """Today's meeting opened; its first two cases."""
    with chair.read_session() as s:
        meeting = s.scalars(select(Meeting).order_by(Meeting.meeting_date.desc())).first()
        assert meeting is not None
        items = s.scalars(
            select(AgendaItem.id)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position)
        ).all()
        meeting_id, version, status = meeting.id, meeting.version, meeting.status
    if status == "planned":
        lifecycle.open_meeting(chair.sessions, chair.actor, meeting_id, version)
    return items[0], items[1]


def _writes(ctxs: dict[str, AppContext], first: int, second: int) -> None:
    """An entry of each kind of visibility, a sharing decision, an action and its update."""
    police, housing, chair = ctxs["police"], ctxs["housing"], ctxs["chair"]
    pol = police.actor.agency_id
    assert pol is not None and housing.actor.agency_id is not None
    entries.add_entry(
        police.sessions, police.actor, first, pol, "Covert source", restricted_to_agency_id=pol
    )
    entries.add_entry(police.sessions, police.actor, first, pol, "Two call-outs this year")
    entries.record_sharing(police.sessions, police.actor, second, pol, True, "Safety", "GP")
    action = actions.add_action(
        chair.sessions, chair.actor, chair.profile, second, housing.actor.agency_id, "Visit"
    )
    actions.update_action_status(
        housing.sessions,
        housing.actor,
        action.id,
        action.version,
        "open",
        "Booked for Monday",
        today=housing.profile.today(),
    )


def _feed_reads(
    ctxs: dict[str, AppContext], readers: tuple[str, ...], **along: Any
) -> tuple[int, int, dict[str, tuple[list[Any], list[str], Any]]]:
    """The meeting's first two cases, and each of ``readers``' change feed (its kept
    connection) reading the log once ``_writes`` are made to them, with ``along``
    (``read``'s ``row``): the changes, the statements it sent, its cursor from before."""
    first, second = _open_meeting(ctxs["chair"])
    cursors = {}
    for who in readers:
        with ctxs[who].read_session() as s:
            cursors[who] = start(s)
    _writes(ctxs, first, second)
    out = {}
    for who, cursor in cursors.items():
        ctx = ctxs[who]
        reads = FeedConnection(ctx.engine)
        try:
            with counted(ctx) as sent, reads.session() as s:
                rows, _ = read(s, cursor, item=feed.item_of_change, snapshot=False, **along)
        finally:
            reads.close()
        out[who] = (rows, sent, cursor)
    return first, second, out


def test_each_change_names_its_case_in_the_logs_own_statement_as_the_lookup_did(
    room: dict[str, AppContext],
) -> None:
    ctxs = room
    first, second, read_by = _feed_reads(ctxs, ("police", "housing"))
    for who, (rows, sent, cursor) in read_by.items():
        ctx = ctxs[who]
        assert len(sent) == 1, sent  # the log and each change's case
        with ctx.read_session() as s:
            with counted(ctx) as more:
                named = feed.affected(s, rows)
            assert more == []  # nothing more
            plain, _ = read(s, cursor)
            with counted(ctx) as looked_up:
                asked = feed.affected(s, plain)
        assert looked_up  # the lookup a table the log's own statement spares
        tables = [r.table_name for r in rows]
        assert tables.count("intelligence_entry") == 2 and "action_update" in tables
        assert all(r.item_read for r in rows) and not any(r.item_read for r in plain)
        assert named == asked
        assert named.item_ids == {first, second}
        by_table = {}
        for r in rows:
            by_table.setdefault(r.table_name, []).append(r.item_id)
        assert by_table["sharing_decision"] == [second]
        assert set(by_table["action"]) == {second} and by_table["action_update"] == [second]
        if who == "police":
            assert by_table["intelligence_entry"] == [first, first]
        else:  # the server hides the police's restricted entry from housing: no case
            assert by_table["intelligence_entry"] == [None, first]


def test_a_cases_entries_alone_come_in_one_statement_as_the_full_read_has_them(
    room: dict[str, AppContext],
) -> None:
    ctxs = room
    first, second = _open_meeting(ctxs["chair"])
    _writes(ctxs, first, second)
    for who in ("chair", "police", "housing"):
        ctx = ctxs[who]
        with ctx.read_session() as s:
            full = case.case_entries(s, first, ctx.actor)
            with counted(ctx) as sent:
                alone = case.case_entries(s, first, ctx.actor, sharing=False)
        assert len(sent) == 1, sent
        assert alone.sharing is None and full.sharing is not None
        assert alone.intelligence == full.intelligence
        assert alone.hidden_restricted == full.hidden_restricted
        assert (alone.victim_views, alone.child_voices) == (full.victim_views, full.child_voices)
        assert [e.text for e in full.intelligence][-1] == "Two call-outs this year"
        shown = {e.text for e in full.intelligence}
        # Only the police (and the chair) see the restricted entry: the server does not
        # give it to housing at all.
        assert ("Covert source" in shown) == (who != "housing")
        restricted = [e for e in alone.intelligence if e.text == "Covert source"]
        assert all(e.restricted_to_agency_code == "POL" for e in restricted)
        # A case with nothing to show is read the full way (which names a missing case).
        with ctx.read_session() as s:
            empty = case.case_entries(s, second, ctx.actor, sharing=False)
        assert empty.intelligence == () and empty.sharing is not None


def test_new_entries_alone_come_one_statement_each_and_make_the_case_the_full_read_does(
    room: dict[str, AppContext],
) -> None:
    """Someone saves entries: each laptop reads only those (one statement each), and the case
    on its screen with them is the case read whole; an entry restricted from the viewer
    (the server hides it), or one of another case, is not "just added" for them: the case is
    then read whole, which counts what is restricted."""
    ctxs = room
    first, second = _open_meeting(ctxs["chair"])
    police = ctxs["police"]
    pol = police.actor.agency_id
    assert pol is not None
    entries.add_entry(police.sessions, police.actor, first, pol, "Known since May")
    before = {}
    for who in ("chair", "police", "housing"):
        with ctxs[who].read_session() as s:
            before[who] = case.load_case(s, first, ctxs[who].actor, clock=ctxs[who].profile.clock)
    said = [
        entries.add_entry(police.sessions, police.actor, first, pol, text).id
        for text in ("Two call-outs this year", "A third last night")
    ]
    hidden = entries.add_entry(
        police.sessions, police.actor, first, pol, "Covert source", restricted_to_agency_id=pol
    ).id
    elsewhere = entries.add_entry(police.sessions, police.actor, second, pol, "Other case").id
    for who in ("chair", "police", "housing"):
        ctx = ctxs[who]
        with ctx.read_session() as s, counted(ctx) as sent:
            added = case.added_entries(s, first, said, ctx.actor)
        assert len(sent) == 2, sent  # one statement an entry, nothing more
        assert added is not None and added.added
        assert [e.text for e in added.intelligence] == [
            "Two call-outs this year",
            "A third last night",
        ]
        with ctx.read_session() as s:
            full = case.case_entries(s, first, ctx.actor)
            whole = case.load_case(s, first, ctx.actor, clock=ctx.profile.clock)
            restricted = case.added_entries(s, first, [hidden], ctx.actor)
            other = case.added_entries(s, first, [elsewhere], ctx.actor)
        now = before[who].with_entries(added)
        assert now.intelligence == whole.intelligence[: len(now.intelligence)]
        assert now.with_entries(added) == now  # each once, however often it comes
        assert now.hidden_restricted == before[who].hidden_restricted
        # The restricted entry: the police and the chair see it, the server hides it from
        # housing; either way not "just added" for housing, whose full read then counts it.
        assert (restricted is None) == (who == "housing")
        assert other is None
        if restricted is not None:
            assert now.with_entries(restricted).intelligence == full.intelligence
        assert before[who].with_entries(full).intelligence == whole.intelligence


def test_the_logs_read_brings_each_new_entry_so_no_statement_more_shows_it(
    room: dict[str, AppContext],
) -> None:
    """The feed's read brings a new entry with its change, as the reader may see it: the
    case's new entries are then shown from it with no statement more, as read by id; the
    server gives housing nothing of the police's restricted entry (so the case is read
    whole), nor anyone anything for other changes."""
    ctxs = room
    readers = ("chair", "police", "housing")
    first, second, read_by = _feed_reads(ctxs, readers, row=case.new_entry_of_change)
    for who, (rows, sent, _cursor) in read_by.items():
        ctx = ctxs[who]
        assert len(sent) == 1, sent  # the log, each change's case and each new entry
        made = [r for r in rows if r.table_name == "intelligence_entry"]
        assert [r.row is not None for r in made] == [who != "housing", True]
        assert all(r.row is None for r in rows if r.table_name != "intelligence_entry")
        brought = {r.row_id: r.row for r in made if r.row is not None}
        ids = [r.row_id for r in made if r.row is not None]
        with ctx.read_session() as s:
            with counted(ctx) as asked:
                shown = case.added_entries(s, first, ids, ctx.actor, brought)
            by_id = case.added_entries(s, first, ids, ctx.actor)
        assert asked == []  # nothing more to read
        assert shown is not None and shown == by_id
        assert shown.intelligence[-1].text == "Two call-outs this year"
        assert shown.intelligence[-1].created_at.tzinfo is dt.UTC
        # What was brought of one case is not taken for another: that one is read.
        with ctx.read_session() as s:
            assert case.added_entries(s, second, ids, ctx.actor, brought) is None


def test_the_feeds_connection_holds_no_transaction_and_reconnects_after_a_drop(
    room: dict[str, AppContext],
) -> None:
    police = room["police"]
    with police.read_session() as s:
        cursor = start(s)
    reads = FeedConnection(police.engine)
    try:
        with reads.session() as s:
            read(s, cursor, item=feed.item_of_change, snapshot=False)
            pid = s.scalar(text("SELECT pg_backend_pid()"))
            # Autocommit: even in the read's unit of work no transaction is held open (a
            # unit of work from the pool would show "idle in transaction" here).
            with police.read_session() as other:
                state = other.scalar(
                    text("SELECT state FROM pg_stat_activity WHERE pid = :p"), {"p": pid}
                )
            assert state == "idle"
        with reads.session() as s:  # the same connection, kept
            assert s.scalar(text("SELECT pg_backend_pid()")) == pid
        # The server drops it (restart, Wi-Fi): that read fails, the next connects afresh.
        with police.read_session() as s:
            s.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
        with pytest.raises(Exception, match="terminat|closed|connection"), reads.session() as s:
            read(s, cursor, item=feed.item_of_change, snapshot=False)
        with reads.session() as s:
            rows, _ = read(s, cursor, item=feed.item_of_change, snapshot=False)
            assert s.scalar(text("SELECT pg_backend_pid()")) != pid
    finally:
        reads.close()


def test_a_save_is_three_statements_its_change_and_trail_in_the_last_one(
    room: dict[str, AppContext],
) -> None:
    """A representative's Save on the server: its first read (the case, the meeting, the
    agency, and whether this Save was made already), the entry, and then its change, the
    doorbell and its audit rows in one statement (it was six statements). A Save sent again
    finds the entry it made; the draft a Save replaces is cleared with it, the draft's
    change and trail in that same last statement."""
    police, chair = room["police"], room["chair"]
    first, _second = _open_meeting(chair)
    pol = police.actor.agency_id
    assert pol is not None
    with chair.read_session() as s:
        cursor = start(s)
    with counted(police) as sent:
        made = entries.add_entry(
            police.sessions, police.actor, first, pol, "Known to us since May", client_ref="r-1"
        )
    assert len(sent) == 3, sent
    assert "change_log" in sent[-1] and "fd_audit_append" in sent[-1] and "pg_notify" in sent[-1]
    with chair.read_session() as s:
        rows, cursor = read(s, cursor)
    assert [(r.table_name, r.row_id) for r in rows] == [("intelligence_entry", made.id)]
    with counted(police) as sent:
        again = entries.add_entry(
            police.sessions, police.actor, first, pol, "Known to us since May", client_ref="r-1"
        )
    assert again.id == made.id and not any(s.startswith("INSERT") for s in sent)
    # The draft the next Save replaces is cleared in it, its change in the same last statement.
    drafts.save_draft(police.sessions, police.actor, first, "intelligence", "Half a sentence")
    with chair.read_session() as s:
        cursor = read(s, cursor)[1]  # (the draft's own change)
    with counted(police) as sent:
        entries.add_entry(
            police.sessions,
            police.actor,
            first,
            pol,
            "Seen at school",
            client_ref="r-2",
            draft="intelligence",
        )
    assert sum("change_log" in s for s in sent) == 1 and "fd_audit_append" in sent[-1]
    with chair.read_session() as s:
        rows, cursor = read(s, cursor)
    assert sorted(r.table_name for r in rows) == ["draft", "intelligence_entry"]
    with police.read_session() as s:
        assert drafts.load_draft(s, police.actor, first, "intelligence") is None


def test_the_feeds_read_of_a_long_log_goes_by_its_indexes_on_one_kept_plan(
    room: dict[str, AppContext], pg_server: Any
) -> None:
    """A year of imports makes the log long. Every laptop reads it for every change in the
    room: the server plans that read once per connection, and the plan it keeps goes by the
    log's indexes (with ``id > $1`` alone the kept plan read the whole log each time, or the
    server planned the read afresh every time). What the read brings is unchanged."""
    police, chair = room["police"], room["chair"]
    first, _second = _open_meeting(chair)
    pol = police.actor.agency_id
    assert pol is not None
    owner = create_engine(pg_server.url(police.engine.url.database))
    try:
        with owner.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO change_log (table_name, row_id, operation, at) "
                    "SELECT 'person', g, 'insert', now() FROM generate_series(1, 50000) g"
                )
            )
            conn.execute(text("ANALYZE change_log"))
    finally:
        owner.dispose()
    with police.read_session() as s:
        cursor = start(s)
    reads = FeedConnection(police.engine)
    try:
        made = []
        for n in range(3):
            made.append(entries.add_entry(police.sessions, police.actor, first, pol, f"E{n}").id)
            with reads.session() as s:
                rows, cursor = read(s, cursor, item=feed.item_of_change, snapshot=False)
                assert [(r.table_name, r.row_id, r.item_id) for r in rows] == [
                    ("intelligence_entry", made[-1], first)
                ]
        with reads.session() as s:
            driver = s.connection().connection.driver_connection
            kept = driver.execute(
                "SELECT name, generic_plans, custom_plans, cardinality(parameter_types) "
                "FROM pg_prepared_statements WHERE statement LIKE '%%horizon%%'",
                prepare=False,
            ).fetchall()
            assert len(kept) == 1
            name, generic, custom, params = kept[0]
            assert (generic, custom) == (3, 0)
            # The kept plan, whatever the values (a generic plan does not look at them).
            nulls = ", ".join(["NULL"] * params)
            plan = "\n".join(
                r[0]
                for r in driver.execute(
                    f"EXPLAIN (COSTS OFF) EXECUTE {name}({nulls})", prepare=False
                )
            )
        assert "Seq Scan on change_log" not in plan, plan
        assert "Index Scan on ix_change_log_txid" in plan and "pk_change_log" in plan, plan
    finally:
        reads.close()
