from sqlalchemy import func, select

from frontdoor_app.models import Agency, AuditEvent, Locality, OutcomeCode, PostcodeDistrict


def test_context_migrates_and_loads_the_profile(ctx):
    with ctx.session() as s:
        assert s.scalar(select(func.count()).select_from(Agency)) == 15
        assert s.scalar(select(func.count()).select_from(Locality)) == 25
        assert s.scalar(select(func.count()).select_from(OutcomeCode)) == len(ctx.profile.outcomes)
        district = s.get(PostcodeDistrict, "LS9")
        assert district is not None and district.locality.name == "Harehills"
        assert s.scalar(select(func.count()).select_from(AuditEvent)) > 0
    assert ctx.actor.login == "test.chair" and ctx.actor.role == "chair"
