from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from kithbook.domain.health import health_report
from kithbook.io.charts import balance_chart, bar_chart, health_charts, histogram, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_bar_chart_is_labelled_for_screen_readers() -> None:
    root = parse(bar_chart("Ties by stage", "New 4, contact 2.", ["new", "contact"], [4, 2]))
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == "Ties by stage"
    assert desc is not None and desc.text == "New 4, contact 2."
    assert root.get("aria-labelledby") == "ties-by-stage-title ties-by-stage-desc"


def test_values_are_written_not_only_drawn() -> None:
    root = parse(bar_chart("T", "D", ["a", "b"], [3, 1.5]))
    assert {"a", "b", "3", "1.50"} <= set(texts(root))
    widths = [float(r.get("width", 0)) for r in root.iter(f"{SVG}rect")][1:]
    assert widths == [300.0, 150.0]


def test_text_is_escaped() -> None:
    svg = bar_chart("<Me & you>", "a \"quote\"", ["R&D <team>"], [1])
    root = parse(svg)
    assert "R&D <team>" in texts(root)


def test_balance_puts_received_left_and_gave_right() -> None:
    root = parse(balance_chart("Give and take", "D", ["advice"], [2], [4]))
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    received, gave = bars
    assert float(received.get("x", 0)) + float(received.get("width", 0)) == pytest.approx(300)
    assert float(gave.get("x", 0)) == 300
    assert float(received.get("width", 0)) == 2 * float(gave.get("width", 0))


def test_histogram_and_line_need_consistent_input() -> None:
    with pytest.raises(ValueError):
        histogram("T", "D", [0, 1], [1, 2])
    with pytest.raises(ValueError):
        line_chart("T", "D", ["a"], {"x": [1, 2]})
    with pytest.raises(ValueError):
        bar_chart("T", "D", ["a"], [-1])


def test_empty_charts_still_draw() -> None:
    parse(bar_chart("T", "D", [], []))
    parse(line_chart("T", "D", [], {"x": []}))


def test_health_report_has_five_valid_pictures() -> None:
    charts = health_charts(health_report([], [], date(2026, 6, 1)))
    # Interactions and new ties each on their own scale ("ties"): a few new ties a month
    # beside a hundred interactions would lie flat at 0.
    assert set(charts) == {"balance", "stages", "strength", "growth", "ties"}
    assert "new ties" in texts(parse(charts["ties"]))
    assert "interactions" not in texts(parse(charts["ties"]))
    for svg in charts.values():
        root = parse(svg)
        assert root.find(f"{SVG}desc") is not None


def test_every_label_is_legible_and_this_month_says_so_far() -> None:
    charts = health_charts(health_report([], [], date(2026, 6, 1)))
    for name, svg in charts.items():
        root = parse(svg)
        sizes = [float(e.get("font-size") or 0) for e in root.iter() if e.get("font-size")]
        assert min(sizes) >= 12, name  # at the natural size a phone shows
    growth = texts(parse(charts["growth"]))
    assert growth[growth.index("26-06") + 1] == "so far"  # the month is not over
    assert "26-05" in growth and "so far" not in growth[:growth.index("26-06")]
