"""The daily meeting's minutes: a pure function from ``MinutesData`` to PDF bytes.

Cover (authority, date and times, chair, attendance, confidentiality statement), a
summary table of every case, a section per case, the actions by agency (each agency on
its own page, so it can be handed over alone) and the deferred cases. A per-agency copy
leaves out entries restricted to other agencies and says so where it does.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer, Table

from frontdoor_app.wording import counted

from . import formatting as fmt
from .document import Bookmark, BuiltPdf, DocumentInfo, build
from .minutes_case import CaseView, case_section
from .minutes_model import ATTENDANCE_STATUSES, ActionRow, MinutesData, ReviewedRow
from .styles import FRAME_WIDTH, key_value_table_style, styles
from .tables import text_table
from .text import markup, markup_para, para

TITLE = "Front door daily meeting \u2014 minutes"


def minutes_reference(data: MinutesData, agency: str | None = None, draft: bool = False) -> str:
    """The document reference printed on every page, e.g. ``LEEDS-FDM-20261123-POL``."""
    words = re.findall(r"[A-Z0-9]+", (data.short_name or data.authority).upper())
    short = words[0][:10] if words else "FD"
    parts = [short, "FDM", f"{data.meeting_date:%Y%m%d}"]
    if agency:
        parts.append(agency.upper())
    if draft:
        parts.append("DRAFT")
    return "-".join(parts)


def render_minutes(
    data: MinutesData,
    *,
    agency: str | None = None,
    draft: bool = False,
    generated_at: dt.datetime,
    invariant: bool = False,
) -> bytes:
    """The minutes as PDF bytes; ``agency`` makes that agency's copy."""
    return render_minutes_built(
        data, agency=agency, draft=draft, generated_at=generated_at, invariant=invariant
    ).data


def render_minutes_built(
    data: MinutesData,
    *,
    agency: str | None = None,
    draft: bool = False,
    generated_at: dt.datetime,
    invariant: bool = False,
) -> BuiltPdf:
    """As ``render_minutes``, with the page count."""
    views = [CaseView(case, agency) for case in data.cases]
    tz = data.timezone
    story: list[Flowable] = []
    story += _cover(data, agency, draft, generated_at, views)
    story += _summary(data)
    story.append(PageBreak())
    story.append(Bookmark("cases", "Cases discussed"))
    story.append(para("Cases discussed", styles().title))
    if not views:
        story.append(para("No cases were discussed.", styles().muted))
    for view in views:
        story += case_section(view, tz)
    story += _actions_by_agency(data)
    story += _deferred(data)
    story += _meeting_amendments(data, agency)
    note = f"Copy for {data.agency_name(agency)}" if agency else ""
    info = DocumentInfo(
        title=TITLE,
        author=data.authority,
        subject=f"Minutes of the front door meeting of {fmt.long_date(data.meeting_date)}"
        + (f" ({note.lower()})" if note else ""),
        reference=minutes_reference(data, agency, draft),
        date_text=fmt.long_date(data.meeting_date),
        marking=data.protective_marking,
        keywords=(
            "minutes",
            "front door",
            "domestic abuse",
            data.protective_marking,
            f"{data.meeting_date:%Y-%m-%d}",
        ),
        draft=draft,
        invariant=invariant,
        header_note=note,
        footer_note=(f"Audit trail at close: {_short(data.audit_head)}" if data.audit_head else ""),
    )
    return build(story, info)


def _short(chain_hash: str) -> str:
    return " ".join(chain_hash[i : i + 4] for i in range(0, 16, 4))


def _cover(
    data: MinutesData,
    agency: str | None,
    draft: bool,
    generated_at: dt.datetime,
    views: list[CaseView],
) -> list[Flowable]:
    s = styles()
    tz = data.timezone
    out: list[Flowable] = [
        Bookmark("cover", "Meeting"),
        para(data.authority, s.title),
        para(
            f"Front door daily domestic abuse meeting \u2014 minutes of "
            f"{fmt.long_date(data.meeting_date)}",
            s.subtitle,
        ),
    ]
    if draft or data.status != "closed":
        out.append(
            para("DRAFT \u2014 the meeting is not closed; these minutes may change.", s.note)
        )
    if agency:
        out.append(
            para(
                f"Copy for {data.agency_name(agency)}. Entries restricted to other agencies "
                "have been left out of this copy.",
                s.note,
            )
        )
    elif any(e.restricted_to for case in data.cases for e in case.entries):
        out.append(
            para(
                "Full record: it includes entries restricted to named agencies. Send each "
                "agency its own copy, not this one.",
                s.note,
            )
        )
    withheld = sum(v.withheld for v in views)
    times = f"{fmt.clock(data.opened_at, tz)} to {fmt.clock(data.closed_at, tz)}"
    window = (
        f"{fmt.date_time(data.window_start, tz)} to {fmt.date_time(data.window_end, tz)}"
        if data.window_start and data.window_end
        else "\u2014"
    )
    actions = sum(len(c.actions) for c in data.cases)
    facts = [
        ("Meeting", fmt.long_date(data.meeting_date)),
        ("Times", times),
        ("Chair", data.chair or "\u2014"),
        ("Notifications covered", window),
        (
            "Status",
            {"closed": "Closed", "in_progress": "In progress", "planned": "Planned"}.get(
                data.status, data.status
            ),
        ),
        (
            "Cases",
            f"{len(data.cases)} discussed, {len(data.deferred)} deferred; "
            f"{counted(actions, 'action')}",
        ),
        ("Earlier actions reviewed", _reviewed_fact(data)),
        ("Generated", fmt.date_time(generated_at, tz)),
    ]
    if data.audit_head:
        # The trail's chain hash at close: 'frontdoor audit verify' later proves the trail
        # still holds what it held that day (the printed value must be in the chain).
        facts.append(("Audit trail at close", f"{data.audit_head[:32]} {data.audit_head[32:]}"))
    if agency and withheld:
        facts.append(("Withheld", f"{withheld} restricted to other agencies"))
    table = Table(
        [[para(k, s.label), para(v, s.body)] for k, v in facts],
        colWidths=[42 * mm, FRAME_WIDTH - 42 * mm],
        hAlign="LEFT",
    )
    table.setStyle(key_value_table_style())
    out += [Spacer(1, 3 * mm), table, para("Attendance", s.h2), _attendance(data)]
    out.append(para("Confidentiality statement", s.h2))
    out.append(para(data.confidentiality_statement or "\u2014", s.statement))
    if data.confidentiality_read_at:
        out.append(
            para(f"Read by the chair at {fmt.clock(data.confidentiality_read_at, tz)}.", s.small)
        )
    return [*out, *_reviewed(data)]


def _status(row: ReviewedRow) -> str:
    before = fmt.ACTION_STATUS_WORDS.get(row.status_from, row.status_from or "\u2014")
    return f"{before} \u2192 {fmt.ACTION_STATUS_WORDS.get(row.status_to, row.status_to)}"


def _reviewed_fact(data: MinutesData) -> str:
    """For the cover's facts: "3: 2 done, 1 not done by agency", or "None"."""
    if not data.reviewed:
        return "None"
    to = Counter(r.status_to for r in data.reviewed).most_common()
    words = (f"{n} {fmt.ACTION_STATUS_WORDS.get(k, k).lower()}" for k, n in to)
    return f"{len(data.reviewed)}: {', '.join(words)}"


def _reviewed_rows(
    rows: Sequence[ReviewedRow], tz: str, with_agency: bool
) -> list[tuple[str, ...]]:
    """Case (its reference, household and the meeting that agreed the action), agency and
    owner (on an agency's own page, the owner goes with the action), the action and its due
    date; the status it went from and to, the note, and who recorded it when."""
    out: list[tuple[str, ...]] = []
    for r in rows:
        a = r.action
        case = f"{a.case_reference}\n{a.household}\nagreed {fmt.short_date(r.agreed_on)}"
        due = f"due {fmt.short_date(a.due_date)}"
        recorded = "\n".join(filter(None, (_status(r), r.note, f"{r.by}, {fmt.clock(r.at, tz)}")))
        if with_agency:
            agency = f"{a.owner_agency_name}\n{a.owner_name}".strip()
            out.append((case, agency, f"{a.description} ({due})", recorded))
        else:
            owner = f"; {a.owner_name}" if a.owner_name else ""
            out.append((case, f"{a.description} ({due}{owner})", recorded))
    return out


def _reviewed(data: MinutesData) -> list[Flowable]:
    """The opening review: each earlier meeting's action whose status this meeting updated."""
    s = styles()
    out: list[Flowable] = [para("Actions from earlier meetings reviewed", s.h2)]
    if not data.reviewed:
        return [*out, para("No action from an earlier meeting was updated at this one.", s.muted)]
    widths = [30 * mm, 34 * mm, FRAME_WIDTH - 118 * mm, 54 * mm]
    headers = ("Case", "Agency", "Action", "Status and note")
    rows = _reviewed_rows(data.reviewed, data.timezone, with_agency=True)
    return [*out, text_table(rows, headers, widths)]


def _attendance(data: MinutesData) -> Flowable:
    s = styles()
    by_agency: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    names: dict[str, str] = {}
    for row in data.attendance:
        by_agency[row.agency_code][row.status].append(row.person_name)
        names[row.agency_code] = row.agency_name
    if not by_agency:
        return para("No attendance recorded.", s.muted)
    headers = ["Agency", *(fmt.ATTENDANCE_WORDS[k] for k in ATTENDANCE_STATUSES)]
    rows = []
    for code in sorted(by_agency, key=lambda c: names[c].casefold()):
        statuses = by_agency[code]
        rows.append([names[code], *("; ".join(sorted(statuses[k])) for k in ATTENDANCE_STATUSES)])
    third = (FRAME_WIDTH - 52 * mm) / 3
    return text_table(rows, headers, [52 * mm, third, third, third])


def _summary(data: MinutesData) -> list[Flowable]:
    s = styles()
    out: list[Flowable] = [
        PageBreak(),
        Bookmark("summary", "Summary of cases"),
        para("Summary of cases", s.title),
    ]
    if not data.cases:
        return [*out, para("No cases were discussed.", s.muted)]
    rows = []
    for case in data.cases:
        fgc = case.fgc.stage.replace("_", " ").capitalize() if case.fgc else "\u2014"
        risk = fmt.risk(case.agreed_risk or case.police_risk)
        rows.append(
            (
                str(case.position),
                case.reference,
                case.household,
                risk,
                ", ".join(case.flags) or "\u2014",
                "; ".join(case.outcomes) or "\u2014",
                fgc,
            )
        )
    widths = [8 * mm, 24 * mm, 30 * mm, 24 * mm, 32 * mm, FRAME_WIDTH - 136 * mm, 18 * mm]
    headers = ("#", "Reference", "Household", "Risk", "Flags", "Outcomes", "FGC")
    # The key goes above the table: below it, a table ending at the foot of a page left
    # the key alone on the next one.
    out.append(
        para(
            "Risk is the risk agreed by the meeting, or the police grade where none was agreed.",
            s.small,
        )
    )
    out.append(text_table(rows, headers, widths, bold_column=2, plain_columns=(0, 1, 3)))
    return out


def _actions_by_agency(data: MinutesData) -> list[Flowable]:
    s = styles()
    by_agency: dict[str, list[ActionRow]] = defaultdict(list)
    for action in data.actions:
        by_agency[action.owner_agency_code].append(action)
    reviewed: dict[str, list[ReviewedRow]] = defaultdict(list)
    for row in data.reviewed:
        reviewed[row.action.owner_agency_code].append(row)
    names = {
        a.owner_agency_code: a.owner_agency_name
        for a in (*data.actions, *(r.action for r in data.reviewed))
    }
    out: list[Flowable] = []
    if not names:
        return [
            PageBreak(),
            para("Actions by agency", s.title),
            para("No actions agreed.", s.muted),
        ]
    first = True
    for code in sorted(names, key=lambda c: names[c].casefold()):
        actions = sorted(by_agency[code], key=lambda a: (a.due_date, a.case_position))
        name = names[code]
        out.append(PageBreak())
        if first:
            out.append(Bookmark("actions", "Actions by agency"))
            first = False
        out.append(Bookmark(f"actions-{code}", name, level=1))
        out.append(para("Actions by agency", s.subtitle))
        out.append(markup_para(f"Actions for {markup(name)}", s.title, raw_text=name))
        agreed = counted(len(actions), "action") if actions else "No action"
        out.append(
            para(f"{agreed} agreed at the meeting of {fmt.long_date(data.meeting_date)}.", s.body)
        )
        rows = [
            (
                f"{a.case_position}. {a.case_reference}",
                a.household,
                a.description,
                a.owner_name or "\u2014",
                fmt.short_date(a.due_date),
                fmt.ACTION_STATUS_WORDS.get(a.status, a.status),
            )
            for a in actions
        ]
        widths = [28 * mm, 26 * mm, FRAME_WIDTH - 124 * mm, 26 * mm, 22 * mm, 22 * mm]
        headers = ("Case", "Household", "Action", "Owner", "Due", "Status")
        if rows:
            out.append(text_table(rows, headers, widths, bold_column=1, plain_columns=(0, 4)))
        out += _agency_reviewed(reviewed[code], data.timezone)
    return out


def _agency_reviewed(rows: Sequence[ReviewedRow], tz: str) -> list[Flowable]:
    """On an agency's page: its actions from earlier meetings that this meeting updated."""
    if not rows:
        return []
    s = styles()
    widths = [30 * mm, FRAME_WIDTH - 84 * mm, 54 * mm]
    headers = ("Case", "Action", "Status and note")
    return [
        Spacer(1, 4 * mm),
        para(f"{counted(len(rows), 'action')} from earlier meetings reviewed at this one:", s.body),
        text_table(_reviewed_rows(rows, tz, with_agency=False), headers, widths),
    ]


def _deferred(data: MinutesData) -> list[Flowable]:
    s = styles()
    out: list[Flowable] = [
        PageBreak(),
        Bookmark("deferred", "Deferred cases"),
        para("Deferred cases", s.title),
    ]
    if not data.deferred:
        return [*out, para("No cases were deferred.", s.muted)]
    rows = [
        (
            case.reference,
            case.household,
            fmt.risk(case.police_risk),
            ", ".join(case.flags) or "\u2014",
            fmt.long_date(case.deferred_to) if case.deferred_to else "Not yet set",
            case.deferred_reason or "\u2014",
        )
        for case in data.deferred
    ]
    widths = [26 * mm, 30 * mm, 24 * mm, 32 * mm, 34 * mm, FRAME_WIDTH - 146 * mm]
    headers = ("Reference", "Household", "Police risk", "Flags", "Deferred to", "Reason")
    out.append(text_table(rows, headers, widths, bold_column=1))
    return out


def _meeting_amendments(data: MinutesData, agency: str | None) -> list[Flowable]:
    rows = [a for a in data.amendments if a.visible_to(agency)]
    if not rows:
        return []
    s = styles()
    tz = data.timezone
    dash = "\u2014"
    table_rows = [
        (
            fmt.date_time(a.at, tz),
            a.by,
            a.what,
            f"{a.before or dash} \u2192 {a.after or dash}",
            a.reason,
        )
        for a in rows
    ]
    widths = [24 * mm, 28 * mm, 30 * mm, FRAME_WIDTH - 122 * mm, 40 * mm]
    headers = ("When", "By", "What", "Before \u2192 after", "Reason")
    return [
        para("Amendments to the meeting record", s.h1),
        text_table(table_rows, headers, widths, plain_columns=(0,)),
    ]
