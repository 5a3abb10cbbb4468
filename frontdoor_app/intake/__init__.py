"""Morning intake: read the police feed, validate, quarantine, match people to history."""
