"""A synthetic city: households, people, years of notifications, meetings, noisy duplicates.

Deterministic from a seed; drives the demo, the tests and the benchmarks. The generator
(``build``) is loaded when first asked for: the desktop's start reads only ``marks``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .build import DEFAULT_SEED, DemoError, DemoSummary, build_demo, build_demo_url

__all__ = ["DEFAULT_SEED", "DemoError", "DemoSummary", "build_demo", "build_demo_url"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import build

        return getattr(build, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
