"""Ruled tables of user text, shared by every export (minutes, FGC referral)."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Table

from .fonts import BODY, BODY_BOLD
from .styles import FRAME_WIDTH, grid_table_style, key_value_table_style, styles
from .text import para, wrap_plain

CELL_PADDING = 6.5  # left + right padding of grid_table_style, and a hair to spare


def text_table(
    rows: Sequence[Sequence[str]],
    headers: Sequence[str],
    widths: Sequence[float],
    bold_column: int = -1,
    plain_columns: Sequence[int] = (),
) -> Table:
    """A ruled table of user text whose header row repeats on every page it spans.

    Cells are plain strings wrapped to their column (drawn literally, cheap to lay out);
    only a cell with Arabic script becomes a shaped paragraph. ``plain_columns`` hold
    short fixed words (dates, numbers) that are never wrapped.
    """
    s = styles()
    data: list[list[object]] = [list(headers)]  # fixed words: plain, bold by the table style
    for row in rows:
        cells: list[object] = []
        for i, value in enumerate(row):
            if i in plain_columns:
                cells.append(value)
                continue
            bold = i == bold_column
            font = BODY_BOLD if bold else BODY
            wrapped = wrap_plain(value, widths[i] - CELL_PADDING, font, s.cell.fontSize)
            cells.append(
                wrapped if wrapped is not None else para(value, s.cell_bold if bold else s.cell)
            )
        data.append(cells)
    table = Table(
        data, colWidths=list(widths), repeatRows=1, hAlign="LEFT", splitByRow=1, spaceAfter=4
    )
    style = grid_table_style()
    if bold_column >= 0:
        style.add("FONTNAME", (bold_column, 1), (bold_column, -1), BODY_BOLD)
    table.setStyle(style)
    return table


def facts_table(rows: Sequence[tuple[str, str]]) -> Table:
    """Label and value, a row each, across the frame (the head of a referral or a SAR)."""
    s = styles()
    table = Table(
        [[para(k, s.label), para(v, s.body)] for k, v in rows],
        colWidths=[38 * mm, FRAME_WIDTH - 38 * mm],
        hAlign="LEFT",
    )
    table.setStyle(key_value_table_style(bold_labels=True))
    return table


def grid_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
) -> Table:
    """A ruled grid across the frame, its header repeated on each page; ``widths`` are
    relative (scaled to the frame)."""
    s = styles()
    body = [[para(h, s.header_cell) for h in header]]
    body += [[para(cell, s.cell) for cell in row] for row in rows]
    scale = FRAME_WIDTH / sum(widths)
    table = Table(body, colWidths=[w * scale for w in widths], repeatRows=1)
    table.setStyle(grid_table_style())
    return table
