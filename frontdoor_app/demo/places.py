"""Addresses and postcodes: mostly in the authority's districts, a few outside or unknown."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

from frontdoor_app.profile import Profile

# Outside the authority: the family must be routed by hand.
OUTSIDE = (
    ("BD1", "Bradford"),
    ("HX1", "Halifax"),
    ("WF1", "Wakefield"),
    ("BD3", "Bradford"),
    ("HG1", "Harrogate"),
)
# Real postcode shapes the profile does not know (non-geographic or new): route by hand.
UNKNOWN = (("LS98", "Leeds"), ("LS99", "Leeds"))
TOWNS = {"LS": "Leeds", "BD": "Bradford", "WF": "Wakefield", "HX": "Halifax", "HG": "Harrogate"}

_STREET_WORDS = (
    "Harehills",
    "Roundhay",
    "Beckett",
    "Chapel",
    "Cross",
    "Spencer",
    "Bayswater",
    "Compton",
    "Nowell",
    "Ashley",
    "Gipton",
    "Foundry",
    "Kirkstall",
    "Victoria",
    "Stanningley",
    "Tong",
    "Cardigan",
    "Burley",
    "Hyde Park",
    "Woodhouse",
    "Dewsbury",
    "Beeston",
    "Cross Flatts",
    "Lodge",
    "Sandford",
    "Broad",
    "Station",
    "Church",
    "Mill",
    "Green",
    "Oak",
    "Elm",
    "Ash",
    "Hawthorn",
    "Moor",
    "Park",
    "Manor",
    "Grange",
    "Westfield",
    "Highfield",
    "Brooklands",
    "Whinmoor",
    "Seacroft",
    "Swarcliffe",
    "Kentmere",
    "Boggart Hill",
    "Belle Isle",
    "Throstle",
    "Middleton Park",
    "Town Street",
    "Raynville",
    "Bramley",
)
_STREET_KINDS = (
    "Road",
    "Street",
    "Avenue",
    "Grove",
    "Terrace",
    "Mount",
    "Place",
    "Crescent",
    "Close",
    "Walk",
    "View",
    "Lane",
    "Drive",
    "Gardens",
    "Court",
    "Rise",
)
_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@dataclass(frozen=True)
class Address:
    line: str
    postcode: str
    district: str
    locality_code: str | None


class Places:
    """Draws addresses for one authority profile."""

    def __init__(
        self, profile: Profile, outside_share: float = 0.03, unknown_share: float = 0.01
    ) -> None:
        self.profile = profile
        self.outside_share = outside_share
        self.unknown_share = unknown_share
        inside: list[tuple[str, str]] = []
        for locality in profile.localities:
            for district in locality.districts:
                inside.append((district, locality.code))
        # Inner-city districts (low numbers) are busier than the outer ones.
        self.inside = inside
        weights = [5 if d[0].startswith("LS") and len(d[0]) <= 4 else 2 for d in inside]
        self.inside_weights = list(itertools.accumulate(weights))

    def district(self, rng: random.Random) -> tuple[str, str, str | None]:
        """(district, town, locality code or None)."""
        r = rng.random()
        if r < self.outside_share + self.unknown_share:
            district, town = rng.choice(OUTSIDE if r < self.outside_share else UNKNOWN)
            locality = self.profile.locality_for_district(district)
            return district, town, locality.code if locality else None
        district, code = rng.choices(self.inside, cum_weights=self.inside_weights)[0]
        prefix = district.rstrip("0123456789")
        return district, TOWNS.get(prefix, "Leeds"), code

    def address(self, rng: random.Random) -> Address:
        district, town, code = self.district(rng)
        street = f"{rng.choice(_STREET_WORDS)} {rng.choice(_STREET_KINDS)}"
        number = rng.randrange(1, 240)
        if rng.random() < 0.18:
            line = f"Flat {rng.randrange(1, 40)}, {number} {street}, {town}"
        else:
            line = f"{number} {street}, {town}"
        postcode = (
            f"{district} {rng.randrange(10)}{rng.choice(_UNIT_LETTERS)}{rng.choice(_UNIT_LETTERS)}"
        )
        return Address(line, postcode, district, code)
