"""Retention on a built demo: exactly the households the rule selects (an independent SQL
count), nothing personal of theirs left anywhere, open work held, the chain still whole."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import JSON, String, Text, cast, func, select
from sqlalchemy import Text as TextType

from frontdoor_app import cipher
from frontdoor_app.access import audit
from frontdoor_app.access.chain import verify
from frontdoor_app.access.retention import (
    RetentionRefused,
    RetentionRules,
    apply,
    plan,
    remove_household,
    rules_from_profile,
)
from frontdoor_app.cli import main
from frontdoor_app.context import AppContext
from frontdoor_app.models import (
    Action,
    AgendaItem,
    Base,
    Draft,
    Household,
    HouseholdMember,
    Notification,
    NotificationPerson,
    Person,
)
from frontdoor_app.profile import Profile, ProfileError, parse_profile


def _median_last_activity(path: Path) -> dt.date:
    with cipher.opened(path) as conn:
        days = sorted(
            r[0][:10]
            for r in conn.execute(
                "SELECT max(received_at) FROM notification WHERE household_id IS NOT NULL "
                "GROUP BY household_id"
            )
        )
    return dt.date.fromisoformat(days[len(days) // 2])


def _expected(path: Path, cutoff: dt.date) -> set[int]:
    """The rule in plain SQL, written independently of the code under test."""
    sql = """
    SELECT h.id FROM household h
    WHERE h.created_at < :cut
      AND NOT EXISTS (SELECT 1 FROM notification n WHERE n.household_id = h.id
                      AND n.received_at >= :cut)
      AND NOT EXISTS (SELECT 1 FROM agenda_item a JOIN meeting m ON m.id = a.meeting_id
                      WHERE a.household_id = h.id AND m.meeting_date >= :day)
      AND NOT EXISTS (SELECT 1 FROM action x JOIN agenda_item a ON a.id = x.agenda_item_id
                      WHERE a.household_id = h.id AND x.status = 'open')
      AND NOT EXISTS (SELECT 1 FROM fgc_referral f WHERE f.household_id = h.id AND f.is_open)
    """
    with cipher.opened(path) as conn:
        return {
            r[0] for r in conn.execute(sql, {"cut": cutoff.isoformat(), "day": cutoff.isoformat()})
        }


def test_retention_removes_exactly_what_the_rule_selects_and_leaves_nothing_of_them(
    admin_ctx: AppContext, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx = admin_ctx
    path = Path(ctx.engine.url.database or "")
    cutoff = _median_last_activity(path)
    today = cutoff.replace(year=cutoff.year + 1)
    rules = RetentionRules(household_years=1, drafts_days=30)
    expected = _expected(path, cutoff)
    with ctx.read_session() as s:
        found = plan(s, rules, today)
        total = s.scalar(select(func.count(Household.id))) or 0
    assert found.cutoff == cutoff
    assert {c.household_id for c in found.removable} == expected
    assert 0 < len(expected) < total

    # An old draft goes, a recent one stays.
    with ctx.session() as s:
        item = s.scalars(select(AgendaItem).where(AgendaItem.household_id.not_in(expected))).first()
        assert item is not None
        old_at = dt.datetime.combine(today - dt.timedelta(days=45), dt.time(), tzinfo=dt.UTC)
        s.add(
            Draft(
                user_login="hv.lee",
                agenda_item_id=item.id,
                kind="decision",
                content={"text": "old"},
                saved_at=old_at,
            )
        )

    # What the removed people were called, where nothing kept carries the name.
    with ctx.read_session() as s:
        gone_people = set(
            s.scalars(
                select(HouseholdMember.person_id).where(HouseholdMember.household_id.in_(expected))
            )
        )
        kept_people = set(
            s.scalars(
                select(HouseholdMember.person_id).where(
                    HouseholdMember.household_id.not_in(expected)
                )
            )
        )
        kept_people |= set(
            s.scalars(
                select(NotificationPerson.person_id)
                .join(Notification, Notification.id == NotificationPerson.notification_id)
                .where(Notification.household_id.not_in(expected))
            )
        )
        only_gone = gone_people - kept_people
        kept_text = " ".join(
            f"{a or ''} {b or ''}"
            for a, b in s.execute(
                select(Person.surname, Person.forenames).where(Person.id.not_in(only_gone))
            )
        )
        kept_text += " ".join(
            f"{a or ''} {b or ''}"
            for a, b in s.execute(
                select(NotificationPerson.surname, NotificationPerson.forenames)
                .join(Notification, Notification.id == NotificationPerson.notification_id)
                .where(Notification.household_id.not_in(expected))
            )
        )
        names = sorted(
            {
                n
                for n in s.scalars(select(Person.surname).where(Person.id.in_(only_gone)))
                if n and len(n) >= 4 and n not in kept_text
            }
        )[:12]
    assert names, "some removed people have names no kept person has"
    # The trail holds their names too (an edit and a view, as the application records them).
    target = min(expected)
    named = sorted(names)[0]
    with ctx.session() as s:
        audit.record(
            s,
            ctx.actor,
            "update",
            "household",
            target,
            {"surname": "X"},
            {"surname": named},
            f"{named} family's address corrected",
        )
        audit.record(s, ctx.actor, "view", "household", target, detail=f"viewed {named}")

    result = apply(ctx.sessions, ctx.actor, rules, today)
    assert set(result.removed) == expected
    assert result.drafts_removed >= 1
    with ctx.read_session() as s:
        left = set(s.scalars(select(Household.id)))
        assert not (left & expected) and len(left) == total - len(expected)
        assert s.scalar(select(func.count(Person.id)).where(Person.id.in_(only_gone))) == 0
        hits = _search_every_text_column(s, names)
        assert hits == [], hits[:5]
        verdict = verify(s)
        assert verdict.ok and verdict.redacted == result.audit_rows_redacted > 0, verdict


def _search_every_text_column(s, names: list[str]) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    hits = []
    for table in Base.metadata.sorted_tables:
        for column in table.c:
            if not isinstance(column.type, String | Text | JSON):
                continue
            text = cast(column, TextType) if isinstance(column.type, JSON) else column
            for name in names:
                found = s.execute(
                    select(func.count()).select_from(table).where(text.like(f"%{name}%"))
                ).scalar()
                if found:
                    hits.append((table.name, column.name, name))
    return hits


def test_a_household_with_an_open_action_is_held_and_refused(admin_ctx: AppContext) -> None:
    ctx = admin_ctx
    path = Path(ctx.engine.url.database or "")
    cutoff = _median_last_activity(path)
    today = cutoff.replace(year=cutoff.year + 1)
    rules = RetentionRules(household_years=1)
    with ctx.read_session() as s:
        selected = {c.household_id for c in plan(s, rules, today).removable}
        item = s.scalars(
            select(AgendaItem).where(AgendaItem.household_id.in_(selected)).order_by(AgendaItem.id)
        ).first()
        assert item is not None
        household = item.household_id
        agency = s.scalar(select(Action.owner_agency_id).limit(1))
    with ctx.session() as s:
        s.add(
            Action(
                agenda_item_id=item.id,
                description="Check in with school",
                owner_agency_id=agency,
                due_date=cutoff,
                status="open",
            )
        )
    with ctx.read_session() as s:
        held = {c.household_id: c.held for c in plan(s, rules, today).households}
    assert held[household] == "an open action"
    with pytest.raises(RetentionRefused, match="open action"), ctx.session() as s:
        remove_household(s, ctx.actor, household, "test")
    result = apply(ctx.sessions, ctx.actor, rules, today)
    assert household not in result.removed and household in {c.household_id for c in result.held}
    with ctx.read_session() as s:
        assert s.get(Household, household) is not None


def test_only_an_admin_runs_retention_and_the_profile_rule_is_checked(
    admin_ctx: AppContext,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    profile: Profile,
) -> None:
    url = str(admin_ctx.engine.url)
    assert main(["--database", url, "retention", "--dry-run"]) == 0
    assert "rule: no notification, meeting or open action for 7 years" in capsys.readouterr().out
    monkeypatch.setenv("FRONTDOOR_USER", "test.chair")
    assert main(["--database", url, "retention", "--apply"]) == 5
    assert "only an admin may apply retention" in capsys.readouterr().err
    text = Path(profile.path).read_text(encoding="utf-8")
    broken = parse_profile(text.replace("household_years = 7", "household_years = 0"), "p.toml")
    with pytest.raises(ProfileError, match="household_years must be a whole number"):
        rules_from_profile(broken)
    assert rules_from_profile(profile) == RetentionRules(7, 30)
