"""The audit chain with many laptops saving at once, on the real PostgreSQL server.

A unit of work's audit rows are written as it commits (models/audit_chain.py): the chain's
lock is taken then, and the rows' ids come from the sequence under it. Four signed-in
clients (row-level security on, the chain's head read through ``fd_audit_head``) save
entries at the same moment from four threads; the trail must still be one unbroken chain in
id order, with every save's row in it once.
"""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from frontdoor_app.access.chain import verify
from frontdoor_app.meeting import entries
from frontdoor_app.models import Agency, AuditEvent, IntelligenceEntry
from tests.server_clients import server

SAVES_EACH = 12


def test_four_laptops_saving_at_once_keep_one_unbroken_chain(  # type: ignore[no-untyped-def]
    pg_app_url, fresh_settings, profile
) -> None:
    with server(fresh_settings, pg_app_url, profile) as room:
        clients = [
            room.client(fresh_settings, profile, login)
            for login in ("hv.one", "hv.two", "chair.one", "chair.two")
        ]
        with room.setup.read_session() as s:  # after the sign-ins, which are audited too
            rows_before = s.scalar(select(func.count()).select_from(AuditEvent)) or 0
            agencies = {a.code: a.id for a in s.scalars(select(Agency))}
        start = threading.Barrier(len(clients))
        failures: list[BaseException] = []

        def save(n: int) -> None:
            ctx = clients[n]
            agency = ctx.actor.agency_id or agencies["HV"]
            try:
                start.wait()
                for k in range(SAVES_EACH):
                    entries.add_entry(
                        ctx.sessions,
                        ctx.actor,
                        room.item_ids[k % len(room.item_ids)],
                        agency,
                        f"CHAIN-{n}-{k} what the agency knows",
                    )
            except BaseException as exc:  # noqa: BLE001 - reported below
                failures.append(exc)

        threads = [threading.Thread(target=save, args=(n,)) for n in range(len(clients))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not failures, failures

        with room.setup.read_session() as s:
            made = s.scalar(
                select(func.count())
                .select_from(IntelligenceEntry)
                .where(IntelligenceEntry.text.like("CHAIN-%"))
            )
            audited = s.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.entity == "intelligence_entry", AuditEvent.action == "create")
            )
            rows_after = s.scalar(select(func.count()).select_from(AuditEvent)) or 0
            verdict = verify(s)
        assert made == len(clients) * SAVES_EACH
        assert audited == made
        assert rows_after - rows_before == made
        assert verdict.ok, verdict.problem
