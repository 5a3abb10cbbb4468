"""Shared fixtures. Qt runs offscreen; the developer's own settings and keyring stay out."""

from __future__ import annotations

import gc
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import
# As in the application (ui/collector.py): no automatic collection, which could run on a
# worker thread and delete a widget there; each test's garbage is collected after it, by the
# leak check in pytest_runtest_teardown below.
gc.disable()

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import keyring  # noqa: E402
import pytest  # noqa: E402

from frontdoor_app import cipher  # noqa: E402
from frontdoor_app.context import AppContext, build_context  # noqa: E402
from frontdoor_app.profile import Profile, load_profile  # noqa: E402
from frontdoor_app.settings import (  # noqa: E402
    ENV_DATA_DIR,
    ENV_DATABASE,
    ENV_PROFILE,
    ENV_USER,
    Settings,
    load_settings,
)
from tests import leaks, pgserver  # noqa: E402

ARTEFACTS = Path(__file__).resolve().parent.parent / "artefacts"


# An in-memory keyring (the application's own, kept for a throwaway database): tests never
# touch the OS keyring or a plain-file one.
MemoryKeyring = cipher.ThrowawayKeyring


# One database key for the whole run (the embedded file is encrypted: models/cipher.py), so
# a database built once (the demo template) opens in every test's own keyring.
TEST_DATABASE_KEY = bytes(range(32))
_SESSION_KEYRING = MemoryKeyring()
_SESSION_KEYRING.store[(cipher.KEY_SERVICE, cipher.KEY_USER)] = TEST_DATABASE_KEY.hex()
keyring.set_keyring(_SESSION_KEYRING)


def keyring_env() -> dict[str, str]:
    """Environment for an application process the test starts: the run's database key in the
    benchmarks' environment keyring (bench/envkeyring.py), never the OS keyring."""
    import json

    bench = str(Path(__file__).resolve().parent.parent / "bench")
    paths = [bench, *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]]
    store = {f"{cipher.KEY_SERVICE}/{cipher.KEY_USER}": TEST_DATABASE_KEY.hex()}
    return {
        "PYTHONPATH": os.pathsep.join(paths),
        "PYTHON_KEYRING_BACKEND": "envkeyring.EnvKeyring",
        "FRONTDOOR_BENCH_KEYRING": json.dumps(store),
    }


@pytest.fixture(autouse=True)
def fresh_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Every test gets its own data folder, database and keyring; nothing of the developer's."""
    for var in (ENV_DATABASE, ENV_PROFILE):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "data"))
    monkeypatch.setenv(ENV_USER, "test.chair")
    previous = keyring.get_keyring()
    own = MemoryKeyring()
    own.store.update(_SESSION_KEYRING.store)
    keyring.set_keyring(own)
    yield load_settings()
    keyring.set_keyring(previous)


_BEFORE_TEST = pytest.StashKey[leaks.Snapshot]()


def pytest_collection_finish(session: pytest.Session) -> None:
    """What the collection has loaded (modules, tables, profiles) lives for the whole run:
    frozen, so collecting each test's garbage need not walk through it again."""
    gc.collect()
    gc.freeze()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    """What is running before the test and its fixtures (tests/leaks.py)."""
    item.stash[_BEFORE_TEST] = leaks.snapshot()
    return (yield)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """Every test fails that leaves a top-level widget, a thread or a timer behind: checked
    after its fixtures' teardown and pytest-qt's closing of its widgets (tests/leaks.py;
    napari's conftest is the model).

    The check first collects the test's garbage here, on the GUI thread: a Qt wrapper left
    in a reference cycle (a test's patched method, a lambda holding its widget) would
    otherwise be collected whenever a collection happens to run — possibly on the worker
    thread, where deleting a widget crashes the interpreter."""
    before = item.stash.get(_BEFORE_TEST, None)
    try:
        result = yield
    except BaseException:
        if before is not None:
            leaks.check(before)  # collected and cleaned away; the teardown's error is shown
        raise
    if before is not None:
        left = leaks.check(before)
        if left:
            pytest.fail(leaks.message(left), pytrace=False)
    return result


@pytest.fixture
def sync_worker() -> Iterator[Any]:
    """A worker that runs each job at once on the test's thread (tests/sync_worker.py): a
    screen's unit test needs no waiting for a worker thread."""
    from tests.sync_worker import SyncWorker

    worker = SyncWorker()
    yield worker
    worker.stop()


@pytest.fixture
def profile() -> Profile:
    return load_profile()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'frontdoor.sqlite'}"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database file at the newest schema, encrypted with the run's key: migrated
    once for the whole run (about half a second each time) and copied for each ``ctx``."""
    from sqlalchemy import text

    from frontdoor_app.models.database import make_engine, upgrade

    path = tmp_path_factory.mktemp("migrated-template") / "migrated.sqlite"
    previous = keyring.get_keyring()
    keyring.set_keyring(_SESSION_KEYRING)  # the key every test's own keyring starts with
    try:
        key = cipher.prepare(path).key  # made as build_context makes it: encrypted, WAL
    finally:
        keyring.set_keyring(previous)
    assert key.raw == TEST_DATABASE_KEY
    engine = make_engine(f"sqlite:///{path}", key=key)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM app_user")).scalar() == 0
    finally:
        engine.dispose()  # the last connection closed checkpoints the WAL into the file
    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0, "the template is one file, all written"
    return path


def copy_migrated(template: Path, url: str) -> None:
    """The migrated template copied to ``url``'s SQLite file, when that file is not there
    yet (build_context then only loads the reference data and signs the user in)."""
    import shutil

    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    target = Path(parsed.database)
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)


@pytest.fixture
def ctx(
    fresh_settings: Settings, db_url: str, profile: Profile, migrated_template: Path
) -> Iterator[AppContext]:
    """An application context on a fresh SQLite file, migrated, reference data loaded (the
    schema is a copy of the run's migrated template: the same key opens it)."""
    copy_migrated(migrated_template, db_url)
    context = build_context(fresh_settings.with_database(db_url), profile)
    yield context
    context.close()


@pytest.fixture
def admin_ctx(
    demo_db: str, fresh_settings: Settings, profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> Iterator[AppContext]:
    """The data protection officer (an admin) on a private copy of the demo; the command line
    acts as them too (``FRONTDOOR_USER``)."""
    import dataclasses

    from tests.ui_support import admin_context

    monkeypatch.setenv("FRONTDOOR_USER", "dpo.admin")
    settings = dataclasses.replace(fresh_settings.with_database(demo_db), user_login="dpo.admin")
    ctx = admin_context(settings, profile)
    yield ctx
    ctx.close()


@pytest.fixture
def artefacts() -> Path:
    """Folder for screenshots and rendered pages (git-ignored), for people to look at."""
    ARTEFACTS.mkdir(exist_ok=True)
    return ARTEFACTS


def _under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pgserver.PgServer]:
    """A throwaway PostgreSQL server for the whole run (tests/pgserver.py), stopped by PID."""
    try:
        server = pgserver.start()
    except pgserver.PostgresUnavailable as exc:
        if _under_ci():
            pytest.fail(f"the PostgreSQL tests must run under CI: {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL tests need a server: {exc}")
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server: pgserver.PgServer) -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database for this test, dropped afterwards."""
    name = pg_server.create_database()
    yield pg_server.url(name)
    pg_server.drop_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db_url(request: pytest.FixtureRequest, db_url: str) -> str:
    """Runs the test twice: on a fresh SQLite file and on a fresh PostgreSQL database."""
    return db_url if request.param == "sqlite" else str(request.getfixturevalue("pg_url"))


def init_server(url: str) -> None:
    """``frontdoor server init`` on a fresh server database, as its administrator."""
    from frontdoor_app.access.server import set_up
    from frontdoor_app.models.database import make_engine

    engine = make_engine(url)
    try:
        set_up(engine, load_profile())
    finally:
        engine.dispose()


@pytest.fixture
def pg_app_url(pg_url: str) -> str:
    """A server database set up by ``server init`` whose superuser is also the app's chair.

    For tests of what the application does on PostgreSQL (not of who may do it: the
    superuser passes every policy; tests/test_server_attacks.py signs in as each role).
    """
    from sqlalchemy import text

    from frontdoor_app.models.database import make_engine

    init_server(pg_url)
    engine = make_engine(pg_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO app_user (login, display_name, role, active, version,"
                    " created_at, updated_at) VALUES (session_user, 'Server Chair',"
                    " 'chair', true, 1, now(), now())"
                )
            )
    finally:
        engine.dispose()
    return pg_url


@pytest.fixture
def pg_ctx(fresh_settings: Settings, pg_app_url: str, profile: Profile) -> Iterator[AppContext]:
    """An application context on a ``pg_app_url`` database, as its chair."""
    context = build_context(fresh_settings.with_database(pg_app_url), profile)
    yield context
    context.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_app_url(request: pytest.FixtureRequest, db_url: str) -> str:
    """Like ``any_db_url``, the PostgreSQL one set up by ``server init`` (``pg_app_url``)."""
    return db_url if request.param == "sqlite" else str(request.getfixturevalue("pg_app_url"))


@pytest.fixture
def two_clients(
    fresh_settings: Settings, any_app_url: str, profile: Profile
) -> Iterator[tuple[AppContext, AppContext]]:
    """Two laptops on the same database: each its own context (engine, connections)."""
    first = build_context(fresh_settings.with_database(any_app_url), profile)
    second = build_context(fresh_settings.with_database(any_app_url), profile)
    yield first, second
    second.close()
    first.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests on the PostgreSQL server carry the ``postgres`` marker (``-m 'not postgres'``)."""
    for item in items:
        if "pg_url" in getattr(item, "fixturenames", ()) or "pg_server" in getattr(
            item, "fixturenames", ()
        ):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo city on a fixed Monday, agenda built: built once, copied per test."""
    from tests.ui_support import build_template  # Qt only for the tests that use it

    folder = tmp_path_factory.mktemp("demo-template")
    return build_template(folder, load_settings(), load_profile())


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> str:
    """A private copy of the demo template (a SQLite URL)."""
    from tests.ui_support import copy_of

    return copy_of(demo_template, tmp_path)


@pytest.fixture
def chair_ctx(demo_db: str, fresh_settings: Settings, profile: Profile) -> Iterator[AppContext]:
    """The chair's context on a private copy of the demo."""
    from tests.ui_support import context_for

    context = context_for(fresh_settings, demo_db, profile, "test.chair")
    yield context
    context.close()
