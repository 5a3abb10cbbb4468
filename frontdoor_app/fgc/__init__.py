"""Family Group Conferences: eligibility, the domestic abuse gate, routing, referrals.

No Qt here, and nothing from ``frontdoor_app.meeting``: the models are read directly.
"""
