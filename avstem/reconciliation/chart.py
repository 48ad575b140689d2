"""The balance-over-time chart of the report: bank against ledger, as inline SVG rendered on the
server (no JavaScript library). The same points feed the PDF, which draws them itself."""

from __future__ import annotations

import datetime
from html import escape

from avstem.ledger.money import format_amount

WIDTH, HEIGHT = 760, 240
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 86, 16, 14, 34
BANK_COLOUR, LEDGER_COLOUR = "#0f5c4d", "#c2410c"


def nice_ticks(low: int, high: int, count: int = 4) -> list[int]:
    """Round tick values (øre) covering low..high."""
    if high == low:
        high, low = high + 100_00, low - 100_00
    span = (high - low) / count
    magnitude = 10 ** max(len(str(int(abs(span)))) - 1, 0)
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= span)
    first = int(low // step * step)
    ticks, value = [], first
    while value <= high + step:
        ticks.append(int(value))
        value += step
    return ticks


def geometry(points, width: int = WIDTH, height: int = HEIGHT):
    """Scales for `points` [(day, bank, ledger)]: (x(day), y(øre), ticks)."""
    values = [v for _d, b, ledger in points for v in (b, ledger) if v is not None]
    low, high = (min(values), max(values)) if values else (0, 100_00)
    ticks = nice_ticks(low, high)
    low, high = min(ticks[0], low), max(ticks[-1], high)
    first, last = points[0][0], points[-1][0]
    days = (last - first).days + 1  # the last day holds its balance all day too
    inner_w = width - PAD_LEFT - PAD_RIGHT
    inner_h = height - PAD_TOP - PAD_BOTTOM

    def x(day: datetime.date) -> float:
        return PAD_LEFT + inner_w * (day - first).days / days

    def y(ore: int) -> float:
        return PAD_TOP + inner_h * (1 - (ore - low) / ((high - low) or 1))

    return x, y, ticks


def day_ticks(points, count: int = 6) -> list[datetime.date]:
    """About `count` evenly spaced days, always the first and the last, none crowding another."""
    days = [p[0] for p in points]
    if len(days) <= count:
        return days
    step = -(-(len(days) - 1) // (count - 1))
    ticks = days[::step]
    if ticks[-1] != days[-1]:
        if (days[-1] - ticks[-1]).days < step / 2:
            ticks[-1] = days[-1]
        else:
            ticks.append(days[-1])
    return ticks


def _path(points, index: int, x, y) -> str:
    """A step line: a balance holds all day and changes at the next day's start."""
    parts, pen, last_y = [], "M", None
    for p in points:
        value = p[index]
        if value is None:
            pen, last_y = "M", None
            continue
        if pen == "M":
            parts.append(f"M{x(p[0]):.1f},{y(value):.1f}")
            pen = "L"
        else:
            parts.append(f"H{x(p[0]):.1f}")
            if y(value) != last_y:
                parts.append(f"V{y(value):.1f}")
        last_y = y(value)
    if last_y is not None:
        parts.append(f"H{x(points[-1][0] + datetime.timedelta(days=1)):.1f}")
    return " ".join(parts)


def svg(points, *, bank_label: str, ledger_label: str, title: str) -> str:
    if not points:
        return ""
    x, y, ticks = geometry(points)
    out = [f'<svg class="balance-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
           f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for tick in ticks:
        ty = y(tick)
        if PAD_TOP - 1 <= ty <= HEIGHT - PAD_BOTTOM + 1:
            out.append(f'<line x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" class="grid"/>')
            out.append(f'<text x="{PAD_LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end" class="tick">'
                       f'{escape(format_amount(tick // 100 * 100)[:-3])}</text>')
    for day in day_ticks(points):
        out.append(f'<text x="{x(day):.1f}" y="{HEIGHT - 12}" text-anchor="middle" class="tick">{day:%d.%m}</text>')
    out.append(f'<path d="{_path(points, 2, x, y)}" fill="none" stroke="{LEDGER_COLOUR}" stroke-width="2" '
               f'stroke-dasharray="6 4"><title>{escape(ledger_label)}</title></path>')
    out.append(f'<path d="{_path(points, 1, x, y)}" fill="none" stroke="{BANK_COLOUR}" stroke-width="2.5">'
               f'<title>{escape(bank_label)}</title></path>')
    out.append("</svg>")
    return "".join(out)
