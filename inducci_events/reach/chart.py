"""The monthly bar chart's geometry: pure arithmetic, no Flask, no database.

The template draws it as inline SVG (attributes only: the CSP allows no inline styles and
no scripts), so the chart needs neither JavaScript nor anything from another site.
"""
from dataclasses import dataclass

WIDTH, HEIGHT = 640, 200
LEFT, BOTTOM, TOP = 40, 24, 12


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list
    maximum: int
    baseline: float


def bar_chart(points, width=WIDTH, height=HEIGHT):
    """``points`` = ``[(label, value)]`` -> one :class:`Bar` per point, scaled so that the
    largest value fills the plot height; ``None`` values draw as 0."""
    values = [v or 0 for _, v in points]
    maximum = max(values, default=0) or 1
    plot_w, plot_h = width - LEFT, height - BOTTOM - TOP
    slot = plot_w / max(1, len(points))
    bars = []
    for i, ((label, _), value) in enumerate(zip(points, values)):
        h = plot_h * value / maximum
        bars.append(Bar(x=round(LEFT + i * slot + slot * 0.15, 2), y=round(TOP + plot_h - h, 2),
                        width=round(slot * 0.7, 2), height=round(h, 2), value=value, label=label))
    return Chart(width=width, height=height, bars=bars, maximum=maximum, baseline=TOP + plot_h)
