"""Arabic-script runs next to Latin punctuation: never a crash, never a missing glyph."""

import io

import pytest
from pypdf import PdfReader
from reportlab.platypus import SimpleDocTemplate

from frontdoor_app.export import styles, text

PUNCTUATION = "()\"';:,.!?-/[]<>&*"


@pytest.mark.parametrize("before", PUNCTUATION)
def test_any_punctuation_around_an_arabic_name_renders(before):
    st = styles.styles()
    samples = [f"{before}ليلى حسن{after} and more" for after in PUNCTUATION]
    out = io.BytesIO()
    story = [text.para(s, style) for s in samples for style in (st.body, st.h2, st.cell_bold)]
    SimpleDocTemplate(out).build(story)
    page_text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "and more" in page_text
    assert page_text.count("more") == len(samples) * 3


def test_a_run_is_kept_apart_from_glued_punctuation_only():
    assert text.markup("(محمد)").startswith("( <font")
    assert text.markup("(محمد)").endswith("</font> )")
    assert text.markup("Name: محمد علي, x").count(" <font") == 1  # the existing space only
