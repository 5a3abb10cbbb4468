"""The authority profile: the sample loads; a broken one is refused naming its line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from frontdoor_app.profile import SAMPLE_PROFILE, ProfileError, load_profile, parse_profile

SAMPLE = SAMPLE_PROFILE.read_text(encoding="utf-8")


def test_the_sample_profile_loads() -> None:
    profile = load_profile()
    assert len(profile.agencies) == 15
    assert len(profile.localities) == 25
    assert len(profile.fgc_teams) == 4
    assert profile.protective_marking == "OFFICIAL-SENSITIVE"
    assert "confidential" in profile.confidentiality_statement
    assert profile.locality_for_district("ls9").name == "Harehills"  # type: ignore[union-attr]
    team_codes = {t.code for t in profile.fgc_teams}
    assert {loc.fgc_team for loc in profile.localities} == team_codes
    districts = [d for loc in profile.localities for d in loc.districts]
    assert len(districts) == len(set(districts))
    assert any(o.is_nfa for o in profile.outcomes) and any(o.is_fgc_offer for o in profile.outcomes)


def line_number(text: str, needle: str, start: int = 0) -> int:
    """1-based line of the first ``needle`` at or after character ``start``."""
    index = text.index(needle, start)
    return text.count("\n", 0, index) + 1


def replace_line_after(anchor: str, key: str, new_line: str) -> tuple[str, int]:
    """Replace the first ``key = ...`` line after ``anchor``; the new text and its line."""
    start = SAMPLE.index(anchor)
    match = re.compile(rf"^{re.escape(key)} = .*$", re.M).search(SAMPLE, start)
    assert match, f"{key} after {anchor} not in the sample"
    text = SAMPLE[: match.start()] + new_line + SAMPLE[match.end() :]
    return text, text.count("\n", 0, match.start()) + 1


def refused(text: str) -> ProfileError:
    with pytest.raises(ProfileError) as info:
        parse_profile(text, "broken.toml")
    return info.value


def test_invalid_toml_names_the_line() -> None:
    text, line = replace_line_after("[intake]", "review_threshold", "review_threshold = 0.75 0.8")
    error = refused(text)
    assert error.line == line and "not valid TOML" in str(error)
    assert str(error).startswith(f"broken.toml, line {line}:")


@pytest.mark.parametrize(
    ("anchor", "key", "new_line", "words"),
    [
        ('code = "C02"', "fgc_team", 'fgc_team = "FGC-NOWHERE"', "FGC-NOWHERE"),
        ('code = "C02"', "districts", 'districts = ["LS14", "LS9"]', "LS9 is in both"),
        ('code = "C02"', "districts", 'districts = ["LS14", "9LS"]', "not a postcode district"),
        ('code = "C02"', "districts", "districts = []", "needs a list"),
        ("[intake]", "auto_link_threshold", "auto_link_threshold = 1.5", "at most 1"),
        ("[intake]", "review_threshold", "review_threshold = 0.95", "must be below"),
        ("[meeting]", "window_hours_monday", "window_hours_monday = 0", "from 1 to 168"),
        ("[meeting]", "start_time", 'start_time = "half nine"', "a time"),
        ("[meeting]", "agenda_order", 'agenda_order = ["dash", "postcode"]', "'postcode'"),
        ("[authority]", "household_display", 'household_display = "full"', "household_display"),
        ('code = "CSWS"', "code", 'code = "POL"', "used twice"),
        ('code = "CSWS"', "core", 'core = "yes"', "true or false"),
        ('code = "CSWS"', "sharing_agreement_date", 'sharing_agreement_date = "April"', "a date"),
    ],
)
def test_a_mistake_is_refused_naming_its_line(
    anchor: str, key: str, new_line: str, words: str
) -> None:
    text, line = replace_line_after(anchor, key, new_line)
    error = refused(text)
    assert words in error.message
    assert error.line == line, f"reported line {error.line}, the mistake is on line {line}"


def test_missing_authority_name_points_at_the_authority_table() -> None:
    text, _ = replace_line_after("[authority]", "name", "# name removed")
    error = refused(text)
    assert "needs 'name'" in error.message
    assert error.line == line_number(text, "[authority]")


def test_unreadable_profiles_are_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="cannot read the profile"):
        load_profile(tmp_path / "missing.toml")
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes(SAMPLE.replace("Leeds-like", "Leeds-like ©").encode("latin-1", "replace"))
    with pytest.raises(ProfileError, match="not UTF-8"):
        load_profile(latin1)
    broken = tmp_path / "broken.toml"
    broken.write_text(SAMPLE.replace('code = "C02"', 'code = "C02"\ncode = "C03"'), "utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(broken)
    assert str(broken) in str(info.value) and info.value.line == line_number(
        broken.read_text("utf-8"), 'code = "C03"'
    )
