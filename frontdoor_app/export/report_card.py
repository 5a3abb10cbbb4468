"""The weekly report card: every measure as a trend chart with its numbers, as PDF bytes.

A pure function from ``Measures`` (frontdoor_app.measures) to PDF. Each figure gets a
chart drawn with reportlab's own graphics (the weekly line, the latest week marked and
labelled, the previous 52 weeks' median as a dashed baseline, a target where the figure
has one) beside a table of the latest weeks' numbers, then its breakdown with small counts
suppressed. The appendix gives every figure's definition. Same page furniture, marking,
page numbering and fonts as the minutes (``document``, ``styles``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table

from frontdoor_app.measures import GROUPS, FigureResult, Measures
from frontdoor_app.measures.output import DASH, number, shown
from frontdoor_app.profile import Profile
from frontdoor_app.wording import counted

from . import formatting as fmt
from .document import Bookmark, DocumentInfo, build
from .fonts import BODY, BODY_BOLD
from .styles import FRAME_WIDTH, INK, MUTED, key_value_table_style, styles
from .tables import text_table
from .text import para

TITLE = "Weekly report card"
LINE = colors.HexColor("#1f4e9a")
BASELINE = colors.HexColor("#8a8a8a")
TARGET = colors.HexColor("#2f7d32")
LATEST = colors.HexColor("#b3261e")
CHART_W, CHART_H = 92 * mm, 44 * mm
TABLE_WEEKS = 6


@dataclass(frozen=True)
class CardContext:
    authority: str
    short_name: str
    protective_marking: str
    timezone: str
    threshold: int  # the profile's small-count threshold


def card_context(profile: Profile) -> CardContext:
    return CardContext(
        profile.name,
        profile.short_name,
        profile.protective_marking,
        profile.timezone,
        profile.measures.small_count_threshold,
    )


def card_reference(m: Measures, ctx: CardContext) -> str:
    return (
        f"{ctx.short_name.split()[0].upper()}-MEASURES-{m.first_week:%Y%m%d}-{m.last_week:%Y%m%d}"
    )


def render_report_card(
    m: Measures, ctx: CardContext, *, generated_at: dt.datetime, invariant: bool = False
) -> bytes:
    """The report card as PDF bytes."""
    s = styles()
    story: list[Flowable] = [
        Bookmark("card", TITLE),
        para(ctx.authority, s.title),
        para(f"{TITLE}: weeks of {_week(m.first_week)} to {_week(m.last_week)}", s.subtitle),
    ]
    narrowed = " and ".join(
        x
        for x in (
            f"agency {m.agency}" if m.agency else "",
            f"locality {m.locality}" if m.locality else "",
        )
        if x
    )
    facts = [
        (
            "Weeks",
            f"Monday {_week(m.first_week)} to Sunday "
            f"{_week(m.last_week + dt.timedelta(days=6))} ({counted(len(m.weeks), 'week')})",
        ),
        ("Counted as of", fmt.long_date(m.as_of)),
        ("Narrowed to", narrowed or "everyone (no agency or locality filter)"),
        ("Produced", fmt.date_time(generated_at, ctx.timezone)),
    ]
    table = Table(
        [[para(k, s.label), para(v, s.body)] for k, v in facts],
        colWidths=[38 * mm, FRAME_WIDTH - 38 * mm],
    )
    table.setStyle(key_value_table_style(bold_labels=True))
    story += [
        table,
        Spacer(1, 3 * mm),
        para(
            "These figures are here to show the meeting its own work over time, to inspire and "
            "motivate, not to create performance anxiety. Each chart shows the weekly figure, the "
            "latest week marked with a red dot and its value, and the median of the previous 52 "
            "weeks as a dashed grey line. Counts and shares only: no figure names a person. In the "
            f"breakdowns any count from 1 to {ctx.threshold - 1} is shown as “<{ctx.threshold}”. "
            "Every figure's definition is in the appendix.",
            s.muted,
        ),
    ]
    for group in GROUPS:
        results = [r for r in m.figures if r.figure.group == group]
        if not results:
            continue
        story += [CondPageBreak(80 * mm), Bookmark(group, group), para(group, s.h1)]
        for r in results:
            story.append(_figure(r, m, ctx))
    story += [
        CondPageBreak(60 * mm),
        Bookmark("definitions", "Definitions"),
        para("Appendix: definitions", s.h1),
    ]
    for r in m.figures:
        f = r.figure
        scope = {
            "agency": "May be narrowed to one agency.",
            "locality": "May be narrowed to one locality.",
        }.get(f.filter or "", "Cannot be narrowed.")
        story.append(KeepTogether([para(f.title, s.h3), para(f"{f.definition} {scope}", s.body)]))
    info = DocumentInfo(
        title=TITLE,
        author=ctx.authority,
        subject=f"Front door measures, weeks of {_week(m.first_week)} to {_week(m.last_week)}",
        reference=card_reference(m, ctx),
        date_text=fmt.long_date(fmt.local(generated_at, ctx.timezone).date()),  # type: ignore[union-attr]
        marking=ctx.protective_marking,
        keywords=("measures", "report card", ctx.protective_marking),
        invariant=invariant,
        header_note=narrowed,
    )
    return build(story, info).data


def _week(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _figure(r: FigureResult, m: Measures, ctx: CardContext) -> Flowable:
    s = styles()
    f = r.figure
    heading = f.title + (
        ""
        if r.filtered or not (m.agency or m.locality) or f.filter is None
        else " (everyone: this figure cannot be narrowed that way)"
    )
    if (m.agency or m.locality) and f.filter is None:
        heading = f.title + " (everyone: this figure cannot be narrowed)"
    recent = r.points[-TABLE_WEEKS:]
    rows = [[f"w/c {p.week.day} {p.week:%b}", shown(f, p)] for p in recent]
    rows.append(["All weeks shown", shown(f, r.total)])
    rows.append(["Baseline (52-week median)", number(r.baseline, f.unit)])
    if f.target is not None:
        rows.append(["Target", number(f.target, f.unit)])
    numbers = text_table(
        rows,
        ["Week", _unit_words(f.unit, f.kind)],
        [44 * mm, FRAME_WIDTH - CHART_W - 48 * mm],
        plain_columns=(0, 1),
    )
    side = Table([[_chart(r), numbers]], colWidths=[CHART_W + 4 * mm, None], hAlign="LEFT")
    side.setStyle(key_value_table_style())
    parts: list[Flowable] = [para(heading, s.h2), side]
    if r.parts:
        part_rows = [[p.label, shown(f, p, threshold=ctx.threshold)] for p in r.parts]
        parts.append(
            text_table(
                part_rows,
                [f"By {f.parts_title}", "Over the weeks shown"],
                [FRAME_WIDTH - 50 * mm, 50 * mm],
                plain_columns=(1,),
            )
        )
    return KeepTogether(parts)


def _unit_words(unit: str, kind: str) -> str:
    if kind == "share":
        return "Share (of how many)"
    if kind == "median":
        return f"Median {unit}"
    return unit.capitalize()


def _chart(r: FigureResult) -> Drawing:
    """The weekly line, the latest week marked, the baseline dashed, a target in green."""
    f = r.figure
    drawing = Drawing(CHART_W, CHART_H)
    values = [p.value for p in r.points]
    known = [v for v in values if v is not None]
    top = max([*known, r.baseline or 0, f.target or 0, 1.0])
    top = 100.0 if f.unit == "%" else top * 1.15
    plot = LinePlot()
    plot.x, plot.y = 12 * mm, 8 * mm
    plot.width, plot.height = CHART_W - 16 * mm, CHART_H - 12 * mm
    segments: list[list[tuple[float, float]]] = [[]]
    for n, v in enumerate(values):
        if v is None:
            if segments[-1]:
                segments.append([])
        else:
            segments[-1].append((n, v))
    segments = [seg for seg in segments if seg] or [[(0, 0)]]
    plot.data = segments
    for n in range(len(segments)):
        plot.lines[n].strokeColor = LINE
        plot.lines[n].strokeWidth = 1.4
        plot.lines[n].symbol = makeMarker("Circle", size=2.2, fillColor=LINE, strokeColor=LINE)
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, max(len(values) - 1, 1)
    step = max(1, len(values) // 6)
    plot.xValueAxis.valueSteps = list(range(0, len(values), step))
    plot.xValueAxis.labelTextFormat = lambda x: f"{r.points[int(x)].week:%d %b}"  # noqa: E731
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = 0, top
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName, axis.labels.fontSize = BODY, 6.5
        axis.labels.fillColor = MUTED
        axis.strokeColor = MUTED
    whole = f.kind == "count" or top >= 10
    if f.kind == "count":
        top = max(top, 4.0)
        plot.yValueAxis.valueMax = top
    plot.yValueAxis.labelTextFormat = (
        (lambda y: f"{y:.0f}%")
        if f.unit == "%"
        else (lambda y: f"{y:.0f}" if whole else f"{y:.1f}")
    )
    if f.unit != "%":
        y_step = _nice_step(top)
        plot.yValueAxis.valueStep = max(y_step, 1.0) if f.kind == "count" else y_step
    drawing.add(plot)

    def y_of(value: float) -> float:
        return float(plot.y + plot.height * value / top)

    def x_of(index: int) -> float:
        return float(plot.x + plot.width * index / max(len(values) - 1, 1))

    if r.baseline is not None:
        drawing.add(
            Line(
                plot.x,
                y_of(r.baseline),
                plot.x + plot.width,
                y_of(r.baseline),
                strokeColor=BASELINE,
                strokeWidth=1,
                strokeDashArray=[3, 2],
            )
        )
    if f.target is not None:
        drawing.add(
            Line(
                plot.x,
                y_of(f.target),
                plot.x + plot.width,
                y_of(f.target),
                strokeColor=TARGET,
                strokeWidth=1,
                strokeDashArray=[1, 1.5],
            )
        )
        drawing.add(
            String(
                plot.x + plot.width,
                y_of(f.target) + 2,
                "target",
                fontName=BODY,
                fontSize=6.5,
                fillColor=TARGET,
                textAnchor="end",
            )
        )
    last = values[-1]
    if last is not None:
        x, y = x_of(len(values) - 1), y_of(last)
        drawing.add(makeMarker("Circle", x=x, y=y, size=5, fillColor=LATEST, strokeColor=INK))
        drawing.add(
            String(
                x - 4,
                min(y + 4, CHART_H - 7),
                number(last, f.unit),
                fontName=BODY_BOLD,
                fontSize=7.5,
                fillColor=LATEST,
                textAnchor="end",
            )
        )
    else:
        drawing.add(
            String(
                plot.x + plot.width,
                plot.y + plot.height - 6,
                f"latest week: {DASH} (nothing to count yet)",
                fontName=BODY,
                fontSize=6.5,
                fillColor=MUTED,
                textAnchor="end",
            )
        )
    return drawing


def _nice_step(top: float) -> float:
    for step in (0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0, 200.0, 250.0, 500.0, 1000.0):
        if top / step <= 6:
            return step
    return top / 5
