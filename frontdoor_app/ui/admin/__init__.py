"""Administration: people and access, the audit viewer."""
