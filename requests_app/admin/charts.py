"""Small bar charts drawn on the server as SVG: no script, no CDN, and a text alternative for each.

Each chart carries a <title> and a <desc> (read by screen readers through ``aria-labelledby``) and every bar
is labelled with its value in text, so nothing is told by colour alone; the page lists the same numbers in a
table too.
"""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join

WIDTH, HEIGHT = 640, 200
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT = 22, 34, 8


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


def bar_chart(chart_id, title, description, bars, label_every=1):
    """An SVG bar chart (safe HTML); ``label_every`` thins the axis labels when there are many bars."""
    bars = list(bars)
    top = max([b.value for b in bars] + [1])
    slot = (WIDTH - MARGIN_LEFT) / max(len(bars), 1)
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    parts = []
    for i, bar in enumerate(bars):
        height = round(plot_height * bar.value / top, 1)
        x = round(MARGIN_LEFT + i * slot + slot * 0.1, 1)
        y = round(MARGIN_TOP + plot_height - height, 1)
        center = round(x + slot * 0.4, 1)
        label = bar.label if i % label_every == 0 else ""
        parts.append((x, y, round(slot * 0.8, 1), height, center, y - 4, bar.value or "", center, HEIGHT - 14, label))
    body = format_html_join(
        "",
        '<g><rect x="{}" y="{}" width="{}" height="{}" class="bar"></rect>'
        '<text x="{}" y="{}" text-anchor="middle" class="value">{}</text>'
        '<text x="{}" y="{}" text-anchor="middle" class="axis">{}</text></g>',
        parts,
    )
    return format_html(
        '<svg id="{}" class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        '<line x1="{}" x2="{}" y1="{}" y2="{}" class="baseline"></line>{}</svg>',
        chart_id,
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        MARGIN_LEFT,
        WIDTH,
        HEIGHT - MARGIN_BOTTOM,
        HEIGHT - MARGIN_BOTTOM,
        body,
    )
