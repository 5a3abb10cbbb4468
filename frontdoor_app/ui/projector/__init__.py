"""The projector window."""
