"""``frontdoor fgc queue`` and ``frontdoor fgc referral``, without a screen."""

from __future__ import annotations

import io
import json

from pypdf import PdfReader
from sqlalchemy import select

from frontdoor_app.cli import main
from frontdoor_app.fgc import referrals
from frontdoor_app.models import AuditEvent
from tests.fgc_support import build_case


def offers(ctx):
    with ctx.session() as s:
        east = build_case(s, postcode="LS9 7AB")
        outside = build_case(s, postcode="M1 1AE", surname="Walker")
        return [
            referrals.offer_for_decision(s, ctx.actor, ctx.profile, c.agenda_item_id)
            for c in (east, outside)
        ]


def test_queue_lists_by_team_and_route_by_hand(ctx, db_url, capsys):
    east, outside = offers(ctx)
    assert main(["--database", db_url, "fgc", "queue", "--team", "FGC-EN"]) == 0
    out = capsys.readouterr().out
    assert (
        f"#{east} " in out
        and "FGC East North East" in out
        and "1 open referral" in out
        and "(s)" not in out
    )
    assert "the victim's consent is not recorded" in out
    assert main(["--database", db_url, "fgc", "queue", "--unrouted", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["id"], r["team"]) for r in rows] == [(outside, None)]
    assert rows[0]["routing"] == "route by hand: M1 1AE is outside the authority"
    assert main(["--database", db_url, "fgc", "queue", "--team", "FGC-X"]) == 2
    assert "there is no FGC team 'FGC-X'" in capsys.readouterr().err


def test_referral_pdf_written_and_audited(ctx, db_url, tmp_path, capsys):
    east, _ = offers(ctx)
    out = tmp_path / "referral.pdf"
    assert main(["--database", db_url, "fgc", "referral", str(east), "--out", str(out)]) == 0
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Family Group Conference referral" in text and "OFFICIAL-SENSITIVE" in text
    with ctx.session() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert [e.entity_id for e in events] == [east]
    assert main(["--database", db_url, "fgc", "referral", "999", "--out", str(out)]) == 3
    assert "there is no FGC referral 999" in capsys.readouterr().err
    assert (
        main(
            [
                "--database",
                db_url,
                "fgc",
                "referral",
                str(east),
                "--out",
                str(tmp_path / "missing" / "x.pdf"),
            ]
        )
        == 2
    )
