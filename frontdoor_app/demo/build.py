"""``build_demo``: a synthetic authority, deterministic from a seed, into an empty database."""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from frontdoor_app.access import audit
from frontdoor_app.access.users import ensure_user
from frontdoor_app.context import AppContext, administrator_context, build_context
from frontdoor_app.models import (
    Agency,
    FgcTeam,
    Household,
    Locality,
    Meeting,
    Notification,
    OutcomeCode,
    Person,
    utcnow,
)
from frontdoor_app.models.bulk import no_gc_pauses
from frontdoor_app.models.database import session_scope
from frontdoor_app.profile import Profile
from frontdoor_app.settings import load_settings

from . import bulk, feed, meetings
from .history import generate_history
from .incidents import LONDON
from .marks import BUILT, STARTED, demo_state
from .places import Places
from .population import IdSource, PopulationMaker
from .records import RefIds, people_rows
from .scales import scale_named

log = logging.getLogger(__name__)
DEFAULT_SEED = 20261123
_CHAIRS = (
    ("demo.chair1", "Jasmine Ahmed"),
    ("demo.chair2", "Mark Sutcliffe"),
    ("demo.chair3", "Bernadette O'Neill"),
)
_REP_NAMES = (
    "Sam Holt",
    "Priya Mistry",
    "Gemma Walsh",
    "Tomasz Nowak",
    "Hannah Reid",
    "Imran Shah",
    "Claire Booth",
    "Delroy Campbell",
    "Ruth Green",
    "Aisha Begum",
    "Owen Price",
    "Niamh Kelly",
    "Lewis Firth",
    "Zoë Clarke",
    "Farah Abdi",
    "Kate Brennan",
    "Joe Lister",
    "Mei Chen",
)


# ``progress(step, fraction)``: where the build is (a step name from STEPS, or "insert:<table>"
# during the history's one transaction) and how far, 0..1. It may raise to stop the build
# (the window was closed): nothing half done is left that the next start would not rebuild.
Progress = Callable[[str, float], None]
STEPS = {
    "users": 0.02,
    "history": 0.05,
    "meetings": 0.3,
    "people": 0.42,
    "insert": 0.5,
    "feed": 0.8,
    "import": 0.85,
    "agenda": 0.95,
    "done": 1.0,
}


class DemoError(RuntimeError):
    """The demo cannot be built here (for instance: the database already holds data)."""


@dataclass(frozen=True)
class DemoSummary:
    """What was built. Households, people, notifications and meetings are the database's
    totals at the end, today's feed and meeting included."""

    scale: str
    seed: int
    today: dt.date
    households: int
    people: int
    notifications: int
    meetings: int
    actions: int
    open_actions: int
    fgc_referrals: int
    feed_path: Path
    feed_notifications: int
    feed_imported: int
    feed_quarantined: int
    agenda_meeting_id: int
    duration_s: float


def local_today() -> dt.date:
    return dt.datetime.now(LONDON).date()


def refuse_unless_empty(session: Session) -> None:
    for model, what in (
        (Notification, "notifications"),
        (Person, "people"),
        (Household, "households"),
        (Meeting, "meetings"),
    ):
        count = session.scalar(select(func.count()).select_from(model)) or 0
        if count and demo_state(session) == "unfinished":
            raise DemoError(
                "an earlier demo build into this database was interrupted, so it holds part "
                "of a demo; build the demo into a new database (--database URL), or, for the "
                "embedded file, start the desktop application, which builds it again"
            )
        if count:
            raise DemoError(
                f"the database already holds {count} {what}; demo data is only ever built into "
                "an empty database, because mixing invented families into real records would "
                "be dangerous. Use a new database (--database URL) for the demo."
            )


def demo_users(session: Session, profile: Profile) -> RefIds:
    """Chairs, one representative per agency and one coordinator per FGC team (audited)."""
    chairs = []
    for login, name in _CHAIRS:
        actor = ensure_user(session, login, name, "chair")
        chairs.append((actor.user_id or 0, name))
    reps = {}
    for n, agency in enumerate(profile.agencies):
        name = _REP_NAMES[n % len(_REP_NAMES)]
        actor = ensure_user(
            session, f"demo.{agency.code.lower()}", name, "representative", agency.code
        )
        reps[agency.code] = (actor.user_id or 0, name)
    ensure_user(session, "demo.admin", "Business Support", "admin")
    for team in session.scalars(select(FgcTeam).order_by(FgcTeam.code)):  # a coordinator each
        ensure_user(
            session,
            f"demo.fgc.{team.code.lower()}",
            f"FGC coordinator, {team.name}",
            "fgc_coordinator",
            fgc_team_code=team.code,
        )
    agencies = {a.code: a.id for a in session.scalars(select(Agency).where(Agency.active))}
    agencies = {code: agencies[code] for code in reps if code in agencies}
    outcomes = {o.code: o.id for o in session.scalars(select(OutcomeCode))}
    localities = {loc.code: loc.id for loc in session.scalars(select(Locality))}
    by_locality = {loc.code: loc.fgc_team_id for loc in session.scalars(select(Locality))}
    return RefIds(agencies, outcomes, localities, tuple(chairs), reps, by_locality)


def build_demo(
    ctx: AppContext,
    scale: str = "small",
    seed: int = DEFAULT_SEED,
    today: dt.date | None = None,
    feed_dir: Path | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Build the synthetic city into ``ctx``'s (empty) database and bring in today's feed.

    The same seed and the same ``today`` give the same database (on the real day, before
    the cut-off, today's feed also stops at the current time). ``progress`` hears of each
    step (see ``Progress``); the build is marked STARTED, then BUILT at the very end.
    """
    started = time.perf_counter()
    spec = scale_named(scale)
    profile = ctx.profile
    today = today or profile.today()

    def step(name: str, fraction: float | None = None) -> None:
        if progress is not None:
            progress(name, STEPS[name] if fraction is None else fraction)

    step("users")
    with session_scope(ctx.sessions) as s:
        refuse_unless_empty(s)
        audit.record(
            s,
            ctx.actor,
            STARTED,
            "demo",
            None,
            after={"scale": scale, "seed": seed, "today": today.isoformat()},
            detail="demo build started",
        )
        refs = demo_users(s, profile)
    with no_gc_pauses():
        step("history")
        start = today - dt.timedelta(days=round(spec.years * 365))
        dates = meetings.weekdays(start, today)
        limit = meetings.cutoff(profile, meetings.previous_weekday(today))
        maker = PopulationMaker(random.Random(f"{seed}/people"), Places(profile), IdSource())
        history = generate_history(
            random.Random(f"{seed}/history"),
            maker,
            IdSource(),
            IdSource(),
            start,
            today - dt.timedelta(days=1),
            limit,
            spec.notifications,
            spec.repeat_share,
        )
        log.info(
            "demo: history of %d notifications drawn (cpu %.1fs)",
            len(history.notifications),
            time.process_time(),
        )
        step("meetings")
        rows = meetings.MeetingHistory(
            profile, refs, random.Random(f"{seed}/meetings"), today, spec.intelligence_days
        ).build(history, dates)
        log.info("demo: meetings built (cpu %.1fs)", time.process_time())
        step("people")
        rows.update(people_rows(history, refs.localities))
        log.info("demo: people rows built (cpu %.1fs)", time.process_time())
        generated = time.perf_counter()
        step("insert")
        inserting = STEPS["insert"]
        share = (STEPS["feed"] - inserting) / len(bulk.TABLE_ORDER)

        def table_done(index: int, name: str) -> None:
            if progress is not None:
                progress(f"insert:{name}", inserting + share * (index + 1))

        with ctx.engine.connect() as conn, bulk.fast_sqlite(conn):
            counts = bulk.insert_all(conn, rows, table_done)
        log.info(
            "demo: generated in %.1fs, inserted in %.1fs",
            generated - started,
            time.perf_counter() - generated,
        )
    open_actions = sum(1 for a in rows["action"] if a["status"] == "open")
    with session_scope(ctx.sessions) as s:
        audit.record(
            s,
            ctx.actor,
            "create",
            "demo",
            None,
            after={"scale": scale, "seed": seed, "today": today.isoformat(), **counts},
            detail="demo data generated",
        )
    step("feed")
    feed_path = Path(feed_dir or ctx.settings.data_dir / "feeds") / f"feed-{today.isoformat()}.csv"
    with session_scope(ctx.sessions) as s:
        # Built on the real day before the cut-off: nothing is "received" later than now.
        until = utcnow() - dt.timedelta(minutes=5) if today == profile.today() else None
        notifications = feed.make_feed(s, seed, spec.feed, today, profile, until=until)
    feed.write_csv(notifications, feed_path)
    imported, meeting_id = feed.bring_in(
        ctx, feed_path, today, lambda: step("agenda"), lambda: step("import")
    )
    log.info("demo: today's feed: %s", imported.in_words().replace("\n", " "))
    with session_scope(ctx.sessions) as s:
        totals = {
            model: s.scalar(select(func.count()).select_from(model)) or 0
            for model in (Household, Person, Notification, Meeting)
        }
        audit.record(
            s,
            ctx.actor,
            BUILT,
            "demo",
            None,
            after={"meeting_id": meeting_id},
            detail="demo build finished: history, today's feed and agenda",
        )
    step("done")
    return DemoSummary(
        scale=scale,
        seed=seed,
        today=today,
        households=totals[Household],
        people=totals[Person],
        notifications=totals[Notification],
        meetings=totals[Meeting],
        actions=counts["action"],
        open_actions=open_actions,
        fgc_referrals=counts["fgc_referral"],
        feed_path=feed_path,
        feed_notifications=len(notifications),
        feed_imported=imported.imported,
        feed_quarantined=imported.quarantined,
        agenda_meeting_id=meeting_id,
        duration_s=round(time.perf_counter() - started, 2),
    )


def build_demo_url(
    url: str,
    scale: str = "small",
    seed: int = DEFAULT_SEED,
    today: dt.date | None = None,
    feed_dir: Path | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Open (and migrate) the database at ``url``, build the demo into it, close it again."""
    settings = load_settings(database_url=url)
    parsed = make_url(url)
    if feed_dir is None and parsed.get_backend_name() == "sqlite" and parsed.database:
        feed_dir = Path(parsed.database).parent / "feeds"
    # On a server the demo is built by its administrator (after `server init`), as the owner.
    ctx = (
        administrator_context(settings)
        if parsed.get_backend_name() == "postgresql"
        else (build_context(settings))
    )
    try:
        return build_demo(ctx, scale, seed, today, feed_dir, progress)
    finally:
        ctx.close()
