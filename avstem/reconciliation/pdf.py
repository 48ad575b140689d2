"""The reconciliation report as PDF, with fpdf2 (pure Python, no browser or system library).

A4 portrait: the figures, the balance chart drawn as vector lines, the outstanding postings and
bank lines, the sign-offs. The PDF core font (Helvetica) covers Latin-1, which holds every
Norwegian letter; the few typographic characters outside it are replaced.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from avstem.ledger.money import format_amount

from .chart import BANK_COLOUR, LEDGER_COLOUR, day_ticks, nice_ticks
from .report import Report, summary_rows

_REPLACE = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2019": "'", "\u2018": "'", "\u201c": '"',
                          "\u201d": '"', "\u2026": "...", "\u00a0": " ", "\u202f": " "})
GREEN = (15, 92, 77)
MUTED = (93, 107, 112)
LINE = (223, 229, 227)


def _t(text) -> str:
    return str(text).translate(_REPLACE).encode("latin-1", "replace").decode("latin-1")


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _money(ore: int | None) -> str:
    return "" if ore is None else format_amount(ore)


class _Document(FPDF):
    def __init__(self, title: str, subtitle: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.title_text, self.subtitle = title, subtitle
        self.set_auto_page_break(auto=True, margin=16)
        self.set_margins(16, 16, 16)
        self.alias_nb_pages()

    def header(self):
        self.set_font("Helvetica", "B", 15)
        self.set_text_color(*GREEN)
        self.cell(0, 8, _t(self.title_text), new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", "", 9.5)
        self.set_text_color(*MUTED)
        self.cell(0, 5, _t(self.subtitle), new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(*LINE)
        self.line(16, self.get_y() + 2, 194, self.get_y() + 2)
        self.ln(5)
        self.set_text_color(0, 0, 0)

    def footer(self):
        self.set_y(-11)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(*MUTED)
        stamp = timezone.localtime().strftime("%d.%m.%Y %H:%M")
        self.cell(0, 5, _t(_("Made by Avstem %(when)s") % {"when": stamp}), align="L")
        self.cell(0, 5, f"{self.page_no()}/{{nb}}", align="R")


def render(report: Report, company_name: str) -> bytes:
    account = report.account
    title = _("Bank reconciliation %(date)s") % {"date": report.on.strftime("%d.%m.%Y")}
    subtitle = (f"{company_name} · {account.nickname} {account.account_number_display} · "
                + _("GL account %(number)s") % {"number": account.gl_account.number})
    pdf = _Document(title, subtitle)
    pdf.set_title(_t(title))
    pdf.set_author("Avstem")
    pdf.add_page()
    _summary(pdf, report)
    if len(report.points) > 1:
        _chart(pdf, report)
    _items(pdf, _("Postings not yet in the bank"), report.postings, report.postings_count, report.postings_sum)
    _items(pdf, _("Bank lines not yet in the ledger"), report.lines, report.lines_count, report.lines_sum)
    _sign_offs(pdf, report)
    return bytes(pdf.output())


def _summary(pdf: _Document, report: Report) -> None:
    rows = summary_rows(report)
    for n, row in enumerate(rows):
        last = n == len(rows) - 1
        pdf.set_font("Helvetica", "B" if row.strong else "", 10)
        if row.op == "=" or last:
            pdf.set_draw_color(0, 0, 0)
            pdf.line(16, pdf.get_y(), 194, pdf.get_y())
        pdf.cell(6, 6.5, _t(row.op))
        pdf.cell(124, 6.5, _t(row.label))
        text = _money(row.amount) if row.amount is not None else _("no statement")
        if last and row.amount not in (None, 0):
            pdf.set_text_color(166, 27, 27)
        pdf.cell(0, 6.5, _t(text), align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 9)
    pdf.set_text_color(*MUTED)
    if report.bank_balance_date and report.bank_balance_date != report.on:
        pdf.multi_cell(0, 4.5, _t(_("The bank balance is the statement's closing balance of %(date)s, the last day "
                                    "with a statement.") % {"date": report.bank_balance_date.strftime("%d.%m.%Y")}),
                       new_x="LMARGIN", new_y="NEXT")
    if report.agrees:
        pdf.set_text_color(*GREEN)
        pdf.multi_cell(0, 4.5, _t(_("Bank and ledger agree: every difference is explained by the lines below.")),
                       new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(3)


def _chart(pdf: _Document, report: Report) -> None:
    points = report.points
    if pdf.get_y() > 200:
        pdf.add_page()
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, _t(_("Balance over time")), new_x="LMARGIN", new_y="NEXT")
    left, top, width, height = 38.0, pdf.get_y() + 2, 154.0, 52.0
    values = [v for _d, b, ledger in points for v in (b, ledger) if v is not None]
    ticks = nice_ticks(min(values), max(values))
    low, high = min(ticks[0], min(values)), max(ticks[-1], max(values))
    first, last = points[0][0], points[-1][0]
    days = (last - first).days + 1  # the last day holds its balance all day too

    def x(day: datetime.date) -> float:
        return left + width * (day - first).days / days

    def y(ore: int) -> float:
        return top + height * (1 - (ore - low) / ((high - low) or 1))

    pdf.set_font("Helvetica", "", 7.5)
    pdf.set_text_color(*MUTED)
    pdf.set_draw_color(*LINE)
    pdf.set_line_width(0.2)
    for tick in ticks:
        ty = y(tick)
        if top - 0.5 <= ty <= top + height + 0.5:
            pdf.line(left, ty, left + width, ty)
            pdf.set_xy(left - 24, ty - 2)
            pdf.cell(22, 4, _t(format_amount(tick // 100 * 100)[:-3]), align="R")
    for day in day_ticks(points):
        pdf.set_xy(x(day) - 8, top + height + 1.5)
        pdf.cell(16, 4, day.strftime("%d.%m"), align="C")
    for index, colour, dashed in ((2, LEDGER_COLOUR, True), (1, BANK_COLOUR, False)):
        pdf.set_draw_color(*_hex(colour))
        pdf.set_line_width(0.5 if not dashed else 0.4)
        if dashed:
            pdf.set_dash_pattern(dash=1.6, gap=1.0)
        previous = None
        for day, *values_of_day in points:  # steps: a balance holds all day
            value = values_of_day[index - 1]
            if value is not None and previous is not None:
                pdf.line(previous[0], previous[1], x(day), previous[1])
                pdf.line(x(day), previous[1], x(day), y(value))
            previous = (x(day), y(value)) if value is not None else None
        if previous is not None:
            pdf.line(previous[0], previous[1], x(last + datetime.timedelta(days=1)), previous[1])
        pdf.set_dash_pattern()
    legend_y = top + height + 7
    pdf.set_text_color(0, 0, 0)
    for n, (colour, label) in enumerate(((BANK_COLOUR, _("Bank")), (LEDGER_COLOUR, _("Ledger")))):
        lx = left + n * 40
        pdf.set_draw_color(*_hex(colour))
        pdf.set_line_width(0.6)
        pdf.line(lx, legend_y + 2, lx + 8, legend_y + 2)
        pdf.set_xy(lx + 10, legend_y)
        pdf.cell(28, 4, _t(label))
    pdf.set_line_width(0.2)
    pdf.set_y(legend_y + 8)


def _items(pdf: _Document, title: str, items, count: int, total: int) -> None:
    if pdf.get_y() > 250:
        pdf.add_page()
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, _t(f"{title} ({count})"), new_x="LMARGIN", new_y="NEXT")
    if not count:
        pdf.set_font("Helvetica", "", 9.5)
        pdf.set_text_color(*MUTED)
        pdf.cell(0, 6, _t(_("None.")), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.ln(2)
        return
    widths = (22, 26, 100, 30)
    pdf.set_font("Helvetica", "B", 8.5)
    pdf.set_text_color(*MUTED)
    for w, head, align in zip(widths, (_("Date"), _("Reference"), _("Text"), _("Amount")), "LLLR"):
        pdf.cell(w, 5.5, _t(head), align=align)
    pdf.ln()
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("Helvetica", "", 8.5)
    for item in items:
        if pdf.get_y() > 276:
            pdf.add_page()
        pdf.set_draw_color(*LINE)
        pdf.line(16, pdf.get_y(), 194, pdf.get_y())
        pdf.cell(widths[0], 5.5, item.date.strftime("%d.%m.%Y"))
        pdf.cell(widths[1], 5.5, _t(item.reference[:16]))
        pdf.cell(widths[2], 5.5, _t(_fit(pdf, item.text, widths[2] - 2)))
        pdf.cell(widths[3], 5.5, _t(_money(item.amount)), align="R", new_x="LMARGIN", new_y="NEXT")
    if count > len(items):
        pdf.set_text_color(*MUTED)
        pdf.cell(0, 5.5, _t(_("… and %(more)s more (see the CSV file)") % {"more": count - len(items)}),
                 new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
    pdf.set_font("Helvetica", "B", 8.5)
    pdf.set_draw_color(0, 0, 0)
    pdf.line(16, pdf.get_y(), 194, pdf.get_y())
    pdf.cell(sum(widths[:3]), 6, _t(_("Total")))
    pdf.cell(widths[3], 6, _t(_money(total)), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _fit(pdf: _Document, text: str, width: float) -> str:
    text = (text or "").replace("\n", " ")
    if pdf.get_string_width(_t(text)) <= width:
        return text
    while text and pdf.get_string_width(_t(text + "...")) > width:
        text = text[:-1]
    return text + "..."


def _sign_offs(pdf: _Document, report: Report) -> None:
    signed = [s for s in report.sign_offs if s.active]
    if pdf.get_y() > 250:
        pdf.add_page()
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, _t(_("Sign-off")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9.5)
    if report.signed is not None:
        s = report.signed
        pdf.multi_cell(0, 5, _t(_("Signed off %(start)s–%(end)s by %(who)s on %(when)s.") % {
            "start": s.period_start.strftime("%d.%m.%Y"), "end": s.period_end.strftime("%d.%m.%Y"),
            "who": s.signed_by_label, "when": timezone.localtime(s.signed_at).strftime("%d.%m.%Y %H:%M")}),
            new_x="LMARGIN", new_y="NEXT")
        if s.note:
            pdf.multi_cell(0, 5, _t(s.note), new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(0, 5, _t(_("Not signed off.") + (" " + _("Latest sign-off: through %(date)s.") % {
            "date": signed[0].period_end.strftime("%d.%m.%Y")} if signed else "")), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
