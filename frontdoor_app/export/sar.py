"""The subject access PDF: marked and paged like the minutes, every withholding stated."""

from __future__ import annotations

import datetime as dt
from typing import Any

from reportlab.platypus import Flowable

from . import formatting as fmt
from .document import Bookmark, DocumentInfo, build
from .styles import styles
from .tables import facts_table, grid_table
from .text import para

TITLE = "Subject access request"


def render_sar(data: Any, generated_at: dt.datetime, tz: str = "Europe/London") -> bytes:
    """``data`` is an ``access.sar.SarData``."""
    s = styles()
    p = data.person
    story: list[Flowable] = [
        Bookmark("cover", "Subject"),
        para(data.authority, s.title),
        para(f"{TITLE} \u2014 everything held about {p.name}", s.subtitle),
        para(
            "For the data protection officer's review before anything is released. Other "
            "people's details and agencies' restricted entries are withheld; each "
            "withholding is stated below.",
            s.note,
        ),
        facts_table(
            [
                ("Person", p.name),
                ("Record id", str(p.id)),
                ("Date of birth", fmt.short_date(p.dob) if p.dob else "\u2014"),
                ("NHS number", p.nhs_number or "\u2014"),
                ("Address held", p.address or "\u2014"),
                ("Generated", fmt.date_time(generated_at, tz)),
            ]
        ),
    ]
    sections: list[tuple[str, list[str], list[list[str]], list[float]]] = [
        (
            "Households and roles",
            ["Household", "Role", "From", "Others"],
            [list(h) for h in data.households],
            [3, 3, 2.5, 4],
        ),
        (
            "Police notifications",
            ["Reference", "Received", "Role", "Police risk"],
            [[r, fmt.date_time(at, tz), role, risk] for r, at, role, risk in data.notifications],
            [3, 3, 3, 2],
        ),
        (
            "Meetings where the family was discussed",
            ["Meeting", "Household", "Status", "Decision"],
            [[fmt.short_date(d), h, st, dec] for d, h, st, dec in data.meetings],
            [2.5, 3, 2.5, 4],
        ),
        (
            "Information shared at meetings",
            ["Meeting", "Agency", "Entry"],
            [[fmt.short_date(d), a, t] for d, a, t in data.entries],
            [2, 3, 8],
        ),
        (
            "Actions",
            ["Meeting", "Action", "Agency", "Due", "Status"],
            [[fmt.short_date(d), t, a, due, st] for d, t, a, due, st in data.actions],
            [2, 5, 3, 2, 2],
        ),
        (
            "Family Group Conference",
            ["Household", "Stage", "Dates"],
            [list(r) for r in data.fgc],
            [3, 3, 6],
        ),
        (
            "Who viewed or exported the record",
            ["When", "Who", "What", "Record"],
            [[fmt.date_time(at, tz), who, what, rec] for at, who, what, rec in data.views],
            [3, 3, 2, 4],
        ),
    ]
    for title, header, rows, widths in sections:
        story.append(para(title, s.h2))
        story.append(grid_table(header, rows, widths) if rows else para("Nothing held.", s.muted))
    story.append(para("What is withheld, and why", s.h2))
    for line in data.withheld or ("Nothing is withheld.",):
        story.append(para(line, s.body, prefix="\u2022 "))
    info = DocumentInfo(
        title=TITLE,
        author=data.authority,
        subject=f"{TITLE}: person {p.id}",
        reference=f"SAR-{p.id}-{generated_at:%Y%m%d}",
        date_text=fmt.long_date(generated_at.date()),
        marking=data.marking,
        keywords=("subject access", data.marking),
        header_note="For the data protection officer",
    )
    return build(story, info).data
