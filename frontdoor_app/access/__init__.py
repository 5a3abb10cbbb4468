"""Users, roles, agency scoping, credentials and the audit trail."""
