import dataclasses

import pytest
from sqlalchemy import func, select

from frontdoor_app.context import build_context
from frontdoor_app.models import Agency, AuditEvent, Locality, OutcomeCode, PostcodeDistrict
from frontdoor_app.profile import SAMPLE_PROFILE, ProfileError


def test_context_migrates_and_loads_the_profile(ctx):
    with ctx.session() as s:
        assert s.scalar(select(func.count()).select_from(Agency)) == 15
        assert s.scalar(select(func.count()).select_from(Locality)) == 25
        assert s.scalar(select(func.count()).select_from(OutcomeCode)) == len(ctx.profile.outcomes)
        district = s.get(PostcodeDistrict, "LS9")
        assert district is not None and district.locality.name == "Harehills"
        assert s.scalar(select(func.count()).select_from(AuditEvent)) > 0
    assert ctx.actor.login == "test.chair" and ctx.actor.role == "chair"


def test_a_broken_fgc_table_is_refused_when_the_context_is_built(fresh_settings, db_url, tmp_path):
    broken = tmp_path / "broken.toml"
    text = SAMPLE_PROFILE.read_text(encoding="utf-8")
    broken.write_text(
        text.replace("[fgc]\n", "[fgc]\nsetup_target_dayz = 3\n", 1), encoding="utf-8"
    )
    settings = dataclasses.replace(fresh_settings, database_url=db_url, profile_path=broken)
    with pytest.raises(ProfileError, match="setup_target_dayz"):
        build_context(settings)
