"""One figure of the Measures screen: its trend chart, its weekly numbers and its breakdown.

The chart is a QtCharts trend: the weekly line, the latest week marked with a larger
diamond and its value, the previous 52 weeks' median as a dashed line, a dotted target
where the figure has one. Nothing is said by colour alone: the legend names each line,
the tables beside the chart carry every number, and ``describe`` says the chart in words.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCharts import (
    QAbstractSeries,
    QChart,
    QChartView,
    QDateTimeAxis,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QDateTime, QPointF, Qt, QTime
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.measures import FigureResult, shown
from frontdoor_app.measures.output import number
from frontdoor_app.ui.core.i18n import translate

LINE = QColor("#1f4e9a")
LATEST = QColor("#b3261e")
BASELINE = QColor("#6b6b6b")
TARGET = QColor("#2f7d32")


def _msecs(day: dt.date) -> float:
    return float(QDateTime(QDate(day.year, day.month, day.day), QTime(12, 0)).toMSecsSinceEpoch())


def describe(r: FigureResult) -> str:
    """The chart in one sentence, for screen readers and the tooltip's first line."""
    f = r.figure
    latest = r.latest
    words = [
        f"{f.title}, week by week, {len(r.points)} weeks",
        f"latest week (beginning {latest.week:%d %B}): {shown(f, latest)}",
        f"52-week median: {number(r.baseline, f.unit)}",
    ]
    if f.target is not None:
        words.append(f"target: {number(f.target, f.unit)}")
    known = [p.value for p in r.points if p.value is not None]
    if known:
        words.append(f"lowest {number(min(known), f.unit)}, highest {number(max(known), f.unit)}")
    return "; ".join(words)


class FigurePanel(QFrame):
    """One figure: chart, weekly numbers, breakdown."""

    def __init__(self, result: FigureResult, narrowed: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result = result
        f = result.figure
        self.setObjectName(f"figure_{f.key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        outer = QVBoxLayout(self)
        title = f.title
        if narrowed and not result.filtered:
            title += translate(
                "MeasuresScreen", " — everyone (this figure cannot be narrowed that way)"
            )
        self.heading = heading = QLabel(title, self)
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        heading.setFont(font)
        heading.setToolTip(f.definition)
        outer.addWidget(heading)
        definition = QLabel(f.definition, self)
        definition.setWordWrap(True)
        definition.setObjectName("figureDefinition")
        definition.setStyleSheet("color: #444;")
        outer.addWidget(definition)
        row = QHBoxLayout()
        outer.addLayout(row)
        self.chart_view = self._chart()
        row.addWidget(self.chart_view, 6)
        self.table = self._weeks_table()
        row.addWidget(self.table, 2)
        self.parts_table: QTableWidget | None = None
        if result.parts:
            self.parts_table = self._parts_table()
            row.addWidget(self.parts_table, 3)
        # A fixed height: a chart's size hint grows with whatever it was last given.
        height = max(260, self.table.minimumHeight())
        for widget in (self.chart_view, self.table, self.parts_table):
            if widget is not None:
                widget.setFixedHeight(height)

    # ------------------------------------------------------------------ chart
    def _chart(self) -> QChartView:
        r, f = self.result, self.result.figure
        chart = QChart()
        chart.setBackgroundRoundness(0)
        chart.setMargins(chart.margins() * 0)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        x_axis = QDateTimeAxis()
        x_axis.setFormat("d MMM")
        x_axis.setTickCount(min(len(r.points), 7))
        first, last = r.points[0].week, r.points[-1].week
        x_axis.setRange(
            QDateTime.fromMSecsSinceEpoch(int(_msecs(first) - 3 * 86_400_000)),
            QDateTime.fromMSecsSinceEpoch(int(_msecs(last) + 3 * 86_400_000)),
        )
        y_axis = QValueAxis()
        known = [p.value for p in r.points if p.value is not None]
        top = max([*known, r.baseline or 0.0, f.target or 0.0, 1.0])
        y_axis.setRange(0, 100 if f.unit == "%" else top * 1.15)
        if f.unit != "%":
            y_axis.applyNiceNumbers()
        else:
            y_axis.setTickCount(6)
        y_axis.setLabelFormat("%.0f%%" if f.unit == "%" else ("%.0f" if top >= 10 else "%.1f"))
        y_axis.setTitleText(f.unit)
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)

        def attach(series: QAbstractSeries, legend: bool = True) -> None:
            chart.addSeries(series)
            series.attachAxis(x_axis)
            series.attachAxis(y_axis)
            if not legend:
                for marker in chart.legend().markers(series):
                    marker.setVisible(False)

        # The weekly line, broken where a week has nothing to count.
        segment: QLineSeries | None = None
        first_segment = True
        for p in r.points:
            if p.value is None:
                segment = None
                continue
            if segment is None:
                segment = QLineSeries()
                segment.setName(translate("MeasuresScreen", "Weekly"))
                pen = QPen(LINE, 2.2)
                segment.setPen(pen)
                segment.setPointsVisible(True)
                attach(segment, legend=first_segment)
                first_segment = False
            segment.append(QPointF(_msecs(p.week), p.value))
        if r.baseline is not None:
            base = QLineSeries()
            base.setName(
                translate("MeasuresScreen", "52-week median %1").replace(
                    "%1", number(r.baseline, f.unit)
                )
            )
            base.setPen(QPen(BASELINE, 1.6, Qt.PenStyle.DashLine))
            base.append(QPointF(_msecs(first) - 3 * 86_400_000, r.baseline))
            base.append(QPointF(_msecs(last) + 3 * 86_400_000, r.baseline))
            attach(base)
        if f.target is not None:
            target = QLineSeries()
            target.setName(
                translate("MeasuresScreen", "Target %1").replace("%1", number(f.target, f.unit))
            )
            target.setPen(QPen(TARGET, 1.6, Qt.PenStyle.DotLine))
            target.append(QPointF(_msecs(first) - 3 * 86_400_000, f.target))
            target.append(QPointF(_msecs(last) + 3 * 86_400_000, f.target))
            attach(target)
        latest = r.latest
        if latest.value is not None:
            mark = QScatterSeries()
            mark.setName(
                translate("MeasuresScreen", "Latest week %1").replace(
                    "%1", number(latest.value, f.unit)
                )
            )
            mark.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeRotatedRectangle)
            mark.setMarkerSize(14)
            mark.setColor(LATEST)
            mark.setBorderColor(QColor("#1a1a1a"))
            mark.append(QPointF(_msecs(latest.week), latest.value))
            mark.setPointLabelsVisible(True)
            mark.setPointLabelsFormat(number(latest.value, f.unit))
            label_font = QFont(mark.pointLabelsFont())
            label_font.setBold(True)
            mark.setPointLabelsFont(label_font)
            mark.setPointLabelsClipping(False)
            attach(mark)
        view = QChartView(chart, self)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setAccessibleName(
            translate("MeasuresScreen", "%1: trend chart").replace("%1", f.title)
        )
        view.setAccessibleDescription(describe(r))
        view.setToolTip(describe(r) + "\n\n" + f.definition)
        view.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        return view

    # ------------------------------------------------------------------ tables
    def _table(
        self, rows: list[tuple[str, str]], headers: tuple[str, str], name: str
    ) -> QTableWidget:
        table = QTableWidget(len(rows), 2, self)
        table.setObjectName(name.replace(" ", "_"))
        table.setAccessibleName(name)
        table.setHorizontalHeaderLabels(list(headers))
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setTabKeyNavigation(False)
        table.setAlternatingRowColors(True)
        for n, (a, b) in enumerate(rows):
            left, right = QTableWidgetItem(a), QTableWidgetItem(b)
            right.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            tip = f"{a}: {b}"
            left.setToolTip(tip)
            right.setToolTip(tip)
            table.setItem(n, 0, left)
            table.setItem(n, 1, right)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        table.verticalHeader().setDefaultSectionSize(21)
        # Every row shown without scrolling (a 12-week table beside its chart).
        shown_rows = min(len(rows), 16)
        table.setMinimumHeight(table.horizontalHeader().sizeHint().height() + 21 * shown_rows + 4)
        return table

    def _weeks_table(self) -> QTableWidget:
        r, f = self.result, self.result.figure
        rows = [(_week_words(p.week, latest=(p is r.latest)), shown(f, p)) for p in r.points]
        rows.append((translate("MeasuresScreen", "All weeks shown"), shown(f, r.total)))
        rows.append((translate("MeasuresScreen", "52-week median"), number(r.baseline, f.unit)))
        if f.target is not None:
            rows.append((translate("MeasuresScreen", "Target"), number(f.target, f.unit)))
        return self._table(
            rows,
            (
                translate("MeasuresScreen", "Week beginning"),
                f.unit.capitalize() if f.unit != "%" else translate("MeasuresScreen", "Share"),
            ),
            f"{f.title}: numbers by week",
        )

    def _parts_table(self) -> QTableWidget:
        r, f = self.result, self.result.figure
        rows = [(p.label, shown(f, p)) for p in r.parts]
        return self._table(
            rows,
            (
                translate("MeasuresScreen", "By %1").replace("%1", f.parts_title),
                translate("MeasuresScreen", "Weeks shown"),
            ),
            f"{f.title}: by {f.parts_title}",
        )

    def week_values(self) -> list[str]:
        """The weekly table's value column (tests compare it with the domain function)."""
        items = (self.table.item(n, 1) for n in range(len(self.result.points)))
        return [item.text() if item is not None else "" for item in items]


def _week_words(day: dt.date, latest: bool = False) -> str:
    text = f"{day.day} {day:%b %Y}"
    return text + translate("MeasuresScreen", " (latest)") if latest else text
