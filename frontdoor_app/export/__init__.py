"""PDF exports (minutes, FGC referral): pure functions from plain data to PDF bytes."""
