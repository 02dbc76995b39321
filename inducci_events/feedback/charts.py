"""Bar charts as server-rendered SVG: no JavaScript, no CDN, nothing the CSP would block.

Pure: ``bar_chart(rows)`` returns markup from ``[(label, count)]``; labels are escaped.
Only presentational attributes (the CSP allows no inline ``style``).
"""
from markupsafe import Markup, escape

BAR_HEIGHT, GAP, LABEL_WIDTH, BAR_WIDTH, COUNT_WIDTH = 22, 6, 180, 300, 60


def _short(label, limit=28):
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(rows, *, title=""):
    """A horizontal bar per ``(label, count)``; the longest bar is the largest count."""
    rows = list(rows)
    top = max((count for _label, count in rows), default=0) or 1
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + COUNT_WIDTH
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" aria-label="{escape(title)}">']
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    for i, (label, count) in enumerate(rows):
        y = GAP + i * (BAR_HEIGHT + GAP)
        length = round(BAR_WIDTH * count / top)
        middle = y + BAR_HEIGHT // 2 + 5
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end" font-size="13" '
                     f'fill="#222">{escape(_short(str(label)))}</text>')
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" fill="#2b6cb0">'
                     f"<title>{escape(str(label))}: {int(count)}</title></rect>")
        parts.append(f'<text x="{LABEL_WIDTH + length + 6}" y="{middle}" font-size="13" fill="#222">'
                     f"{int(count)}</text>")
    parts.append("</svg>")
    return Markup("".join(parts))
