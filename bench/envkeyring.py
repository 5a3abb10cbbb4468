"""The benchmarks' keyring: the database key in an environment variable, for the runner and
the application processes it launches (``PYTHON_KEYRING_BACKEND``). Benchmark data is
synthetic; a real installation keeps its key in the OS keyring (frontdoor_app/cipher.py)."""

from __future__ import annotations

import json
import os

from keyring.backend import KeyringBackend

VARIABLE = "FRONTDOOR_BENCH_KEYRING"
# A fixed key for the synthetic benchmark databases, so a cached one opens in every run.
BENCH_KEY = "b3" * 32


class EnvKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def _store(self) -> dict[str, str]:
        return dict(json.loads(os.environ.get(VARIABLE) or "{}"))

    def get_password(self, service: str, username: str) -> str | None:
        return self._store().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        store = self._store()
        store[f"{service}/{username}"] = password
        os.environ[VARIABLE] = json.dumps(store)

    def delete_password(self, service: str, username: str) -> None:
        store = self._store()
        store.pop(f"{service}/{username}", None)
        os.environ[VARIABLE] = json.dumps(store)


def install() -> None:
    """This process and every process it starts use the benchmark keyring."""
    import keyring

    from frontdoor_app import cipher

    here = os.path.dirname(os.path.abspath(__file__))
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    os.environ["PYTHONPATH"] = os.pathsep.join([here, *[p for p in paths if p != here]])
    os.environ["PYTHON_KEYRING_BACKEND"] = "envkeyring.EnvKeyring"
    backend = EnvKeyring()
    if backend.get_password(cipher.KEY_SERVICE, cipher.KEY_USER) is None:
        backend.set_password(cipher.KEY_SERVICE, cipher.KEY_USER, BENCH_KEY)
    keyring.set_keyring(backend)
