"""The change feed that keeps every open client current."""
