"""Small SVG charts, written by hand: bars, a histogram, a line over months, a balance.

Each chart is a self-contained SVG string with a <title> and <desc> for screen readers,
every value written as text beside its mark (colour is never the only carrier), and
colours from the Okabe-Ito palette, which stays distinct for colour-blind readers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from kithbook.domain.health import HealthReport
from kithbook.domain.interactions import Kind

__all__ = ["balance_chart", "bar_chart", "health_charts", "histogram", "line_chart"]

BLUE = "#0072B2"
VERMILION = "#D55E00"
INK = "#1A1A1A"
GRID = "#C8C8C8"
_FONT = "font-family=\"system-ui, sans-serif\" font-size=\"13\""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _svg(title: str, desc: str, width: int, height: int, body: list[str]) -> str:
    ident = _slug(title)
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" '
            f'aria-labelledby="{ident}-title {ident}-desc" {_FONT} fill="{INK}">')
    return "\n".join([head, f'<title id="{ident}-title">{escape(title)}</title>',
                      f'<desc id="{ident}-desc">{escape(desc)}</desc>',
                      f'<rect width="{width}" height="{height}" fill="#FFFFFF"/>',
                      f'<text x="12" y="20" font-size="15" font-weight="bold">{escape(title)}'
                      "</text>", *body, "</svg>"]) + "\n"


def _check(labels: Sequence[str], *series: Sequence[float]) -> None:
    for values in series:
        if len(values) != len(labels):
            raise ValueError("each value needs a label.")
        if any(v < 0 for v in values):
            raise ValueError("charts draw counts and shares: values cannot be negative.")


def bar_chart(title: str, desc: str, labels: Sequence[str], values: Sequence[float]) -> str:
    """Horizontal bars, one per label, the value written at the end of each."""
    _check(labels, values)
    row, left, bar_width = 24, 150, 300
    top = 36
    peak = max(values, default=0) or 1
    body: list[str] = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * row
        w = bar_width * value / peak
        body.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
        body.append(f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" '
                    f'fill="{BLUE}"><title>{escape(label)}: {_number(value)}</title></rect>')
        body.append(f'<text x="{left + w + 6:.1f}" y="{y + 15}">{_number(value)}</text>')
    return _svg(title, desc, left + bar_width + 60, top + row * len(labels) + 12, body)


def histogram(title: str, desc: str, edges: Sequence[float], counts: Sequence[int]) -> str:
    """Vertical bars over bins; `edges` has one more entry than `counts`."""
    if len(edges) != len(counts) + 1:
        raise ValueError("a histogram needs one more edge than counts.")
    _check([""] * len(counts), counts)
    left, base, height, col = 40, 220, 160, 36
    peak = max(counts, default=0) or 1
    body = [f'<line x1="{left}" y1="{base}" x2="{left + col * len(counts)}" y2="{base}" '
            f'stroke="{GRID}"/>']
    for i, n in enumerate(counts):
        x = left + i * col
        h = height * n / peak
        label = f"{_number(edges[i])}–{_number(edges[i + 1])}"
        body.append(f'<rect x="{x + 2}" y="{base - h:.1f}" width="{col - 4}" height="{h:.1f}" '
                    f'fill="{BLUE}"><title>{label}: {n}</title></rect>')
        body.append(f'<text x="{x + col / 2}" y="{base - h - 4:.1f}" text-anchor="middle">{n}'
                    "</text>")
    for i, edge in enumerate(edges):  # labels sit on the bin boundaries
        body.append(f'<text x="{left + i * col}" y="{base + 14}" text-anchor="middle" '
                    f'font-size="12">{edge:g}</text>')
    return _svg(title, desc, left + col * len(counts) + 30, base + 30, body)


def line_chart(title: str, desc: str, labels: Sequence[str],
               series: dict[str, Sequence[float]]) -> str:
    """One line per series over labelled points (months), with a legend and a scale."""
    _check(labels, *series.values())
    colours = (BLUE, VERMILION)
    if len(series) > len(colours):
        raise ValueError(f"at most {len(colours)} lines stay readable on one chart.")
    left, base, height, step = 40, 230, 150, 48
    peak = max((v for values in series.values() for v in values), default=0) or 1
    width = left + step * max(len(labels) - 1, 1) + 40
    body = [f'<line x1="{left}" y1="{base}" x2="{width - 30}" y2="{base}" stroke="{GRID}"/>',
            f'<line x1="{left}" y1="{base - height}" x2="{width - 30}" y2="{base - height}" '
            f'stroke="{GRID}" stroke-dasharray="2 4"/>',
            f'<text x="{left - 22}" y="{base + 4}" text-anchor="end">0</text>',
            f'<text x="{left - 22}" y="{base - height + 4}" text-anchor="end">'
            f"{_number(peak)}</text>"]
    for i, label in enumerate(labels):
        # A label's second line (after a newline) goes under it: "so far" under a month
        # not over yet, so that its low count does not read as a fall.
        first, _, second = label.partition("\n")
        body.append(f'<text x="{left + i * step}" y="{base + 16}" text-anchor="middle" '
                    f'font-size="12">{escape(first)}</text>')
        if second:
            body.append(f'<text x="{left + i * step}" y="{base + 30}" text-anchor="middle" '
                        f'font-size="12" font-style="italic">{escape(second)}</text>')
    for n, ((name, values), colour) in enumerate(zip(series.items(), colours, strict=False)):
        points = [(left + i * step, base - height * v / peak) for i, v in enumerate(values)]
        dash = "" if n == 0 else ' stroke-dasharray="6 3"'  # told apart without colour
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                    f'stroke-width="2"{dash}/>')
        for (x, y), v, label in zip(points, values, labels, strict=True):
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
                        f"<title>{escape(name)}, {escape(label)}: {_number(v)}</title></circle>")
        body.append(f'<line x1="{width - 200}" y1="{34 + 16 * n}" x2="{width - 180}" '
                    f'y2="{34 + 16 * n}" stroke="{colour}" stroke-width="2"{dash}/>')
        body.append(f'<text x="{width - 174}" y="{38 + 16 * n}">{escape(name)}</text>')
    return _svg(title, desc, width, base + 40, body)


def balance_chart(title: str, desc: str, labels: Sequence[str], gave: Sequence[int],
                  received: Sequence[int]) -> str:
    """Back-to-back bars: what you received to the left, what you gave to the right."""
    _check(labels, gave, received)
    row, half, mid = 24, 150, 300
    top = 52
    peak = max([*gave, *received], default=0) or 1
    body = [f'<text x="{mid - 8}" y="40" text-anchor="end" fill="{VERMILION}">received</text>',
            f'<text x="{mid + 8}" y="40" fill="{BLUE}">gave</text>',
            f'<line x1="{mid}" y1="{top}" x2="{mid}" y2="{top + row * len(labels)}" '
            f'stroke="{INK}"/>']
    for i, (label, g, r) in enumerate(zip(labels, gave, received, strict=True)):
        y = top + i * row
        wg, wr = half * g / peak, half * r / peak
        body.append(f'<text x="{mid - half - 50}" y="{y + 15}" text-anchor="end">'
                    f"{escape(label)}</text>")
        body.append(f'<rect x="{mid - wr:.1f}" y="{y + 3}" width="{wr:.1f}" height="{row - 8}" '
                    f'fill="{VERMILION}"><title>{escape(label)} received: {r}</title></rect>')
        body.append(f'<text x="{mid - wr - 6:.1f}" y="{y + 15}" text-anchor="end">{r}</text>')
        body.append(f'<rect x="{mid}" y="{y + 3}" width="{wg:.1f}" height="{row - 8}" '
                    f'fill="{BLUE}"><title>{escape(label)} gave: {g}</title></rect>')
        body.append(f'<text x="{mid + wg + 6:.1f}" y="{y + 15}">{g}</text>')
    return _svg(title, desc, mid + half + 50, top + row * len(labels) + 12, body)


def _kind_label(kind: Kind) -> str:
    return kind.value.replace("_shared", "").replace("_", " ")


def health_charts(report: HealthReport) -> dict[str, str]:
    """The pictures of the health report, by name, each as an SVG document."""
    kinds = list(report.balance.gave)
    gave = [report.balance.gave[k] for k in kinds]
    received = [report.balance.received[k] for k in kinds]
    stages = list(report.stages)
    months = list(report.interactions_by_month)
    edges = [i / len(report.strength_bins) for i in range(len(report.strength_bins) + 1)]
    return {
        "balance": balance_chart(
            "Give and take",
            f"What you gave ({sum(gave)}) and received ({sum(received)}), by kind: "
            + "; ".join(f"{_kind_label(k)} gave {g}, received {r}"
                        for k, g, r in zip(kinds, gave, received, strict=True)) + ".",
            [_kind_label(k) for k in kinds], gave, received),
        "stages": bar_chart(
            "Depth of your ties",
            "Ties by stage: " + "; ".join(f"{s.value} {report.stages[s]}" for s in stages) + ".",
            [s.value for s in stages], [report.stages[s] for s in stages]),
        "strength": histogram(
            "Strength of your ties",
            f"How many of your {report.ties} ties fall in each tenth of strength from 0 to 1.",
            edges, list(report.strength_bins)),
        # Two charts, each on its own scale: a few new ties a month drawn beside a hundred
        # interactions lie flat on the floor.
        "growth": line_chart(
            "Interactions logged per month",
            "Interactions logged per month, "
            f"{months[0]} to {months[-1]} (this month so far)." if months
            else "No months to show.",
            _month_labels(months),
            {"interactions": list(report.interactions_by_month.values())}),
        "ties": line_chart(
            "New ties per month",
            "Ties that began each month (the day you met, or the first interaction), "
            f"{months[0]} to {months[-1]} (this month so far)." if months
            else "No months to show.",
            _month_labels(list(report.new_ties_by_month)),
            {"new ties": list(report.new_ties_by_month.values())}),
    }


def _month_labels(months: list[str]) -> list[str]:
    """"26-05" for 2026-05; the last month, not over yet, says "so far" under it."""
    return [m[2:] + ("\nso far" if i == len(months) - 1 else "") for i, m in enumerate(months)]
