"""The minutes PDF from a meeting in the database, read back with pypdf."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from frontdoor_app.context import AppContext
from frontdoor_app.export.fonts import ARABIC
from frontdoor_app.export.minutes import minutes_reference, render_minutes, render_minutes_built
from frontdoor_app.export.minutes_model import MinutesData
from frontdoor_app.export.text import has_arabic
from frontdoor_app.meeting.minutes_data import MinutesError, load_minutes
from tests.minutes_builder import (
    DAY,
    HOSTILE,
    NOT_MINUTED_TEXT,
    RESTRICTED_TEXT,
    BuiltMeeting,
    build_closed_meeting,
)

GENERATED = dt.datetime(2026, 11, 23, 15, 5, tzinfo=dt.UTC)


def load(ctx: AppContext) -> MinutesData:
    with ctx.session() as s:
        return load_minutes(s, ctx.profile, DAY)


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(pages: list[str]) -> str:
    return re.sub(r"\s+", " ", " ".join(pages))


def arabic_runs(pdf: bytes) -> list[tuple[int, str, str]]:
    """(page, font, text) for every text operation that shows Arabic script."""
    runs: list[tuple[int, str, str]] = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):

        def visit(
            text: str, cm: object, tm: object, font: dict | None, size: object, number: int = number
        ) -> None:
            if font and has_arabic(text):
                runs.append((number, str(font.get("/BaseFont")).split("+")[-1], text))

        page.extract_text(visitor_text=visit)
    return runs


@pytest.fixture
def built(ctx: AppContext) -> BuiltMeeting:
    return build_closed_meeting(ctx)


def test_full_minutes_hold_every_case_action_marking_and_page_number(
    ctx: AppContext, built: BuiltMeeting
) -> None:
    data = load(ctx)
    assert data.status == "closed" and len(data.cases) == 5 and len(data.deferred) == 1
    pdf = render_minutes(data, generated_at=GENERATED, invariant=True)
    pages = pages_text(pdf)
    total = len(pages)
    assert total >= 6
    for n, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") == 2, f"page {n} lacks the marking twice"
        assert f"Page {n} of {total}" in text
        assert f"Ref. {minutes_reference(data)}" in text
    text = flat(pages)
    for ref in built.refs:
        assert ref in text
    for action in built.actions:
        assert action in text
    assert built.deferred_ref in text and "Deferred cases" in text
    assert HOSTILE in text  # escaped, printed literally, never interpreted as markup
    assert "O'Brien & Sons <script>" in text
    assert "Zoë Łukasiewicz" in text and "Thị Lan Nguyễn" in text
    assert "Leeds-like City Council (sample)" in text
    assert "Generated 23 Nov 2026 15:05" in text  # the injected clock, in local time
    assert RESTRICTED_TEXT in text and "restricted to Housing" in text
    assert NOT_MINUTED_TEXT not in text and "not minuted" in text
    assert "Agency asked for more time" in text  # the amendment after close
    assert "Actions for West Yorkshire Police" in text
    assert "Present" in text and "Apologies" in text and "Information sent" in text


def test_each_agency_action_list_starts_its_own_page(ctx: AppContext, built: BuiltMeeting) -> None:
    pages = pages_text(render_minutes(load(ctx), generated_at=GENERATED, invariant=True))
    starts = [p for p in pages if "Actions for " in p]
    assert len(starts) == 3  # POL, HSG, CSWS
    for page in starts:
        assert page.count("Actions for ") == 1


def test_per_agency_copy_withholds_other_agencies_restricted_entries(
    ctx: AppContext, built: BuiltMeeting
) -> None:
    data = load(ctx)
    police = flat(pages_text(render_minutes(data, agency="POL", generated_at=GENERATED)))
    assert RESTRICTED_TEXT not in police
    assert "restricted to another agency withheld from this copy" in police
    assert "Copy for West Yorkshire Police" in police
    for ref in built.refs:
        assert ref in police
    housing = flat(pages_text(render_minutes(data, agency="HSG", generated_at=GENERATED)))
    assert RESTRICTED_TEXT in housing and "withheld" not in housing


def test_arabic_script_names_are_set_in_the_arabic_font(
    ctx: AppContext, built: BuiltMeeting
) -> None:
    runs = arabic_runs(render_minutes(load(ctx), generated_at=GENERATED, invariant=True))
    assert runs, "no Arabic-script text found in the PDF"
    assert {font for _, font, _ in runs} == {ARABIC + "-Regular"} | (
        {ARABIC + "-Bold"} & {font for _, font, _ in runs}
    )
    assert any(font.startswith(ARABIC) for _, font, _ in runs)
    assert all(font.startswith(ARABIC) for _, font, _ in runs)


def test_same_meeting_gives_byte_identical_pdfs(ctx: AppContext, built: BuiltMeeting) -> None:
    first = render_minutes(load(ctx), generated_at=GENERATED, invariant=True)
    second = render_minutes(load(ctx), generated_at=GENERATED, invariant=True)
    assert first == second
    later = render_minutes(
        load(ctx), generated_at=GENERATED + dt.timedelta(minutes=1), invariant=True
    )
    assert later != first  # the clock really is printed


def test_metadata_and_draft_stamp(ctx: AppContext) -> None:
    build_closed_meeting(ctx, status="in_progress")
    data = load(ctx)
    pdf = render_minutes(data, draft=True, generated_at=GENERATED, invariant=True)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata is not None
    assert reader.metadata.author == "Leeds-like City Council (sample)"
    assert "minutes" in (reader.metadata.title or "")
    assert "23 November 2026" in (reader.metadata.subject or "")
    assert "OFFICIAL-SENSITIVE" in str(reader.metadata.get("/Keywords"))
    for page in reader.pages:
        assert "DRAFT" in page.extract_text()


def test_no_meeting_is_a_clear_error(ctx: AppContext) -> None:
    with (
        ctx.session() as s,
        pytest.raises(MinutesError, match="no meeting on Tuesday 01 December 2026"),
    ):
        load_minutes(s, ctx.profile, dt.date(2026, 12, 1))


def test_rendered_pages_for_people_to_look_at(
    ctx: AppContext, built: BuiltMeeting, artefacts: Path, tmp_path: Path
) -> None:
    built_pdf = render_minutes_built(load(ctx), generated_at=GENERATED, invariant=True)
    pdf_path = artefacts / "minutes" / "minutes.pdf"
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    pdf_path.write_bytes(built_pdf.data)
    pages = pages_text(built_pdf.data)
    case_page = next(n for n, p in enumerate(pages, 1) if "Case 3 " in p)
    action_page = next(n for n, p in enumerate(pages, 1) if "Actions for " in p)
    assert built_pdf.pages == len(pages)
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed; the PDF itself was written")
    for name, page in (("cover", 1), ("case", case_page), ("agency-actions", action_page)):
        out = artefacts / "minutes" / name
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(pdf_path),
                str(out),
            ],
            check=True,
        )
        assert out.with_suffix(".png").stat().st_size > 10_000


def test_long_tables_repeat_their_header_and_long_narratives_flow() -> None:
    from dataclasses import replace

    from tests.minutes_sample import synthetic_minutes

    data = synthetic_minutes(60)
    long_text = " ".join(f"Sentence {n} of a very long account." for n in range(600)) + " THE END."
    first = replace(data.cases[0], narrative=long_text)
    data = replace(data, cases=(first, *data.cases[1:]))
    pages = pages_text(render_minutes(data, generated_at=GENERATED, invariant=True))
    summary = [n for n, p in enumerate(pages) if "Summary of cases" in p][0]
    cases_start = [n for n, p in enumerate(pages) if "Cases discussed" in p][0]
    assert cases_start - summary >= 2  # the 60-row summary spans pages
    for page in pages[summary:cases_start]:
        assert "# Reference Household Risk Flags Outcomes FGC" in re.sub(r"\s+", " ", page)
    text = flat(pages)
    assert "Sentence 599 of a very long account. THE END." in text  # nothing cut off
    assert all(f"Page {n} of {len(pages)}" in p for n, p in enumerate(pages, start=1))
    for action in data.actions:
        assert action.description in text


def test_household_is_named_as_the_profile_says(ctx: AppContext, built: BuiltMeeting) -> None:
    from dataclasses import replace

    with ctx.session() as s:
        by_surname = load_minutes(s, ctx.profile, DAY)
        by_initials = load_minutes(s, replace(ctx.profile, household_display="initials"), DAY)
        by_reference = load_minutes(s, replace(ctx.profile, household_display="reference"), DAY)
    assert by_surname.cases[0].household == "Łukasiewicz"
    assert by_initials.cases[0].household == "Z.Ł."
    assert by_reference.cases[0].household == "HH-0001"
    text = flat(pages_text(render_minutes(by_initials, generated_at=GENERATED)))
    assert "Z.Ł." in text and "Łukasiewicz" in text  # the case section still names people


def test_the_cases_line_says_one_action_in_the_singular(
    ctx: AppContext, built: BuiltMeeting
) -> None:
    data = load(ctx)
    one = next(c for c in data.cases if len(c.actions) > 1)
    single = dataclasses.replace(data, cases=(dataclasses.replace(one, actions=one.actions[:1]),))
    text = flat(pages_text(render_minutes(single, generated_at=GENERATED, invariant=True)))
    assert "1 discussed, 1 deferred; 1 action" in text and "1 actions" not in text
    many = flat(pages_text(render_minutes(data, generated_at=GENERATED, invariant=True)))
    total = sum(len(c.actions) for c in data.cases)
    assert total > 1 and f"5 discussed, 1 deferred; {total} actions" in many
