"""One case's section of the minutes."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, HRFlowable, Table

from . import formatting as fmt
from .document import Bookmark
from .minutes_model import CaseMinutes, EntryRow
from .styles import FRAME_WIDTH, RULE, key_value_table_style, styles
from .tables import text_table
from .text import markup, markup_para, para

HEADING_ROOM = 22 * mm  # a heading moves to the next page unless this much room is left
ENTRY_ROOM = 14 * mm  # an entry's heading line and at least two lines of its text


class CaseView:
    """A case as one copy of the minutes shows it: restricted entries filtered by agency."""

    def __init__(self, case: CaseMinutes, agency: str | None) -> None:
        self.case = case
        self.agency = agency
        self.entries = tuple(e for e in case.entries if e.visible_to(agency))
        self.amendments = tuple(a for a in case.amendments if a.visible_to(agency))
        self.withheld = (len(case.entries) - len(self.entries)) + (
            len(case.amendments) - len(self.amendments)
        )


def case_heading(case: CaseMinutes) -> str:
    return f"Case {case.position} \u2014 {case.reference} \u00b7 {case.household}"


def case_section(view: CaseView, tz: str) -> list[Flowable]:
    """The flowables for one case: summary facts, what was shared, decision, actions, FGC.

    Small sections are single paragraphs with a bold lead-in rather than heading plus
    body: the layout stays dense for printing and a 180-case Monday lays out in seconds.
    """
    s = styles()
    case = view.case
    out: list[Flowable] = [
        CondPageBreak(60 * mm),
        Bookmark(f"case-{case.position}", f"Case {case.position}: {case.reference}", level=1),
        para(case_heading(case), s.h1_free),  # the CondPageBreak above keeps it with its case
        _facts(case, tz),
    ]
    if case.incident_summary or case.narrative:
        out.extend(_heading("Notification summary"))
        if case.incident_summary:
            out.append(para(case.incident_summary, s.entry_head))
        if case.narrative:
            out.append(para(case.narrative, s.body))
    if case.people:
        out.extend(_heading("Household"))
        out.append(_people_table(case))
    out.extend(_heading("Flags and history"))
    flags = ", ".join(case.flags) if case.flags else "None"
    history = case.history or ("No earlier notifications or meetings in the last 12 months.",)
    lines = [f"<b>Flags:</b> {markup(flags)}", *(f"\u2022 {markup(h)}" for h in history)]
    out.append(markup_para("<br/>".join(lines), s.body, raw_text=flags + "".join(history)))
    out.extend(_shared(view, tz))
    out.extend(_voices(view, tz))
    out.extend(_sharing(case))
    out.extend(_decision(case))
    out.extend(_actions(case))
    out.append(_fgc(case))
    out.extend(_amendments(view, tz))
    out.append(HRFlowable(width="100%", thickness=0.6, color=RULE, spaceBefore=6, spaceAfter=6))
    return out


def _heading(text: str) -> list[Flowable]:
    # A conditional break, not keepWithNext: keeping with the next flowable makes
    # reportlab lay that flowable out twice, which costs seconds on a 180-case Monday.
    return [CondPageBreak(HEADING_ROOM), para(text, styles().h2_free)]


def _facts(case: CaseMinutes, tz: str) -> Flowable:
    s = styles()
    dash = f" (DASH {case.dash_yes} of 27 \u201cyes\u201d)" if case.dash_yes is not None else ""
    rows = [
        (
            "Household",
            fmt_join(
                case.household, case.household_reference and f"ref. {case.household_reference}"
            ),
        ),
        ("Area", fmt_join(case.postcode, case.locality)),
        ("Police risk", fmt.risk(case.police_risk) + dash),
        ("Agreed risk", fmt.risk(case.agreed_risk) if case.agreed_risk else "Not recorded"),
        (
            "Incident",
            fmt_join(
                fmt.date_time(case.incident_at, tz) if case.incident_at else "",
                case.officer and f"officer {case.officer}",
            ),
        ),
    ]
    if case.minutes_spent is not None:
        rows.append(("Time spent", f"{case.minutes_spent} min"))
    # Labels and short fixed values are plain strings: far cheaper to lay out than
    # paragraphs, and drawn literally (no markup). User text that may wrap stays a paragraph.
    wrapping = {"Household", "Incident"}
    data = [
        [label, para(value or "\u2014", s.body) if label in wrapping else value or "\u2014"]
        for label, value in rows
    ]
    table = Table(data, colWidths=[32 * mm, FRAME_WIDTH - 32 * mm], hAlign="LEFT")
    table.setStyle(key_value_table_style(bold_labels=True))
    return table


def fmt_join(*parts: str | None) -> str:
    return " \u00b7 ".join(p for p in parts if p)


def _people_table(case: CaseMinutes) -> Table:
    rows = [
        (fmt.ROLE_WORDS.get(p.role, p.role), p.name, p.age_text or "\u2014", p.detail)
        for p in case.people
    ]
    widths = [32 * mm, 62 * mm, 18 * mm, FRAME_WIDTH - 112 * mm]
    return text_table(
        rows, ("Role", "Name", "Age", "Detail"), widths, bold_column=1, plain_columns=(0, 2)
    )


def _entry(entry: EntryRow, tz: str, lead: str = "") -> list[Flowable]:
    s = styles()
    who = fmt_join(entry.agency_name, entry.author, fmt.clock(entry.at, tz) if entry.at else "")
    if entry.may_minute and not entry.restricted_to:
        # The common case: plain heading and text, both laid out without the markup parser.
        head_text = f"{lead}: {who}" if lead else who
        return [CondPageBreak(ENTRY_ROOM), para(head_text, s.entry_head), para(entry.text, s.body)]
    head = (f"<b>{lead}:</b> " if lead else "") + f"<b>{markup(who)}</b>"
    if entry.restricted_to:
        head += f" \u2014 <i>restricted to {markup(entry.restricted_to_name or entry.restricted_to)}</i>"
    if not entry.may_minute:
        return [
            markup_para(
                head + " \u2014 <i>given to the meeting only; not minuted</i>", s.body, raw_text=who
            )
        ]
    # The text is a paragraph of its own, without markup: reportlab lays such a paragraph
    # out several times faster than one mixing bold and plain runs. The conditional break
    # keeps the heading off the foot of a page (keepWithNext would lay the text out twice).
    return [
        CondPageBreak(ENTRY_ROOM),
        markup_para(head, s.entry_head, raw_text=who),
        para(entry.text, s.body),
    ]


def _shared(view: CaseView, tz: str) -> list[Flowable]:
    s = styles()
    entries = [e for e in view.entries if e.kind == "agency"]
    out: list[Flowable] = [*_heading("What agencies shared")]
    if not entries:
        out.append(para("No agency information recorded.", s.muted))
    for entry in entries:
        out.extend(_entry(entry, tz))
    if view.withheld:
        noun = "entry" if view.withheld == 1 else "entries"
        out.append(
            para(
                f"{view.withheld} {noun} restricted to another agency withheld from this copy.",
                s.note,
            )
        )
    return out


def _voices(view: CaseView, tz: str) -> list[Flowable]:
    s = styles()
    out: list[Flowable] = []
    for kind, title in (
        ("victim_view", "Victim\u2019s view"),
        ("child_voice", "Child\u2019s voice"),
    ):
        entries = [e for e in view.entries if e.kind == kind]
        if not entries:
            out.append(markup_para(f"<b>{title}:</b> <i>not recorded.</i>", s.body))
            continue
        for entry in entries:
            out.extend(_entry(entry, tz, lead=title))
    return out


def _sharing(case: CaseMinutes) -> list[Flowable]:
    if not case.sharing:
        return []
    lines = ["<b>Information sharing decisions</b>"]
    raw = ""
    for row in case.sharing:
        verb = "shared" if row.shared else "not shared"
        line = fmt_join(f"{row.agency_name}: {verb}", row.with_whom and f"with {row.with_whom}")
        lines.append(markup(f"{line}. Reason: {row.reason}"))
        raw += line + row.reason
    return [markup_para("<br/>".join(lines), styles().body, raw_text=raw)]


def _decision(case: CaseMinutes) -> list[Flowable]:
    s = styles()
    out: list[Flowable] = [*_heading("Decision")]
    outcomes = "; ".join(case.outcomes) if case.outcomes else "No decision recorded"
    risk = fmt.risk(case.agreed_risk) if case.agreed_risk else "not recorded"
    if case.marac_by_judgement:
        risk += " \u2014 MARAC referral on professional judgement"
    rationale = case.rationale or "\u2014"
    text = (
        f"<b>Outcomes:</b> {markup(outcomes)}<br/><b>Agreed risk:</b> {markup(risk)}"
        f"<br/><b>Rationale:</b> {markup(rationale)}"
    )
    if case.decided_by:
        text += f"<br/><i>Recorded by {markup(case.decided_by)}</i>"
    out.append(markup_para(text, s.body, raw_text=outcomes + rationale + case.decided_by))
    return out


def _actions(case: CaseMinutes) -> list[Flowable]:
    s = styles()
    out: list[Flowable] = [*_heading("Actions")]
    if not case.actions:
        out.append(para("No actions agreed.", s.muted))
        return out
    rows = [
        (
            a.owner_agency_name,
            a.owner_name or "\u2014",
            a.description,
            fmt.short_date(a.due_date),
            fmt.ACTION_STATUS_WORDS.get(a.status, a.status),
        )
        for a in case.actions
    ]
    widths = [34 * mm, 28 * mm, FRAME_WIDTH - 108 * mm, 22 * mm, 24 * mm]
    headers = ("Agency", "Owner", "Action", "Due", "Status")
    out.append(text_table(rows, headers, widths, plain_columns=(3,)))
    return out


def _fgc(case: CaseMinutes) -> Flowable:
    s = styles()
    lead = "<b>Family Group Conference:</b> "
    fgc = case.fgc
    if fgc is None:
        return markup_para(lead + "<i>no FGC referral from this meeting.</i>", s.body)
    routed = {"locality": "by locality", "by_hand": "by hand", "unrouted": "not yet routed"}
    line = fmt_join(
        f"stage: {fgc.stage.replace('_', ' ')}",
        fgc.team and f"team {fgc.team}",
        fgc.routed_how and f"routed {routed.get(fgc.routed_how, fgc.routed_how)}",
        fgc.coordinator and f"coordinator {fgc.coordinator}",
    )
    extra = [markup(x) for x in (fgc.routing_reason, fgc.note) if x]
    text = lead + "<br/>".join([markup(line), *extra])
    return markup_para(text, s.body, raw_text=line + fgc.routing_reason + fgc.note)


def _amendments(view: CaseView, tz: str) -> list[Flowable]:
    if not view.amendments:
        return []
    dash = "\u2014"
    rows = [
        (
            fmt.date_time(a.at, tz),
            a.by,
            a.what,
            f"{a.before or dash} \u2192 {a.after or dash}",
            a.reason,
        )
        for a in view.amendments
    ]
    widths = [24 * mm, 28 * mm, 30 * mm, FRAME_WIDTH - 122 * mm, 40 * mm]
    return [
        *_heading("Amendments after close"),
        text_table(rows, ("When", "By", "What", "Before \u2192 after", "Reason"), widths),
    ]
