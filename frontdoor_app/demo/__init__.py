"""A synthetic city: households, people, years of notifications, meetings, noisy duplicates.

Deterministic from a seed; drives the demo, the tests and the benchmarks.
"""

from .build import DEFAULT_SEED, DemoError, DemoSummary, build_demo, build_demo_url

__all__ = ["DEFAULT_SEED", "DemoError", "DemoSummary", "build_demo", "build_demo_url"]
