"""VAT codes (the SAF-T standard tax codes) and their rates by date, from the project's data
files `data/vat_codes.csv` and `data/vat_rates.csv`. Pure Python: no Django import.

How a posting with a VAT code is booked (the rule the whole ledger follows):

- The amount of a posting is NET by default: it is what lands on the posting's own account, and
  the VAT is calculated from it at the rate valid on the voucher date and posted as extra lines
  on the code's VAT accounts. The voucher must balance after those lines are added, so the
  counter-posting (bank, customer, supplier) carries the gross amount.
- With `gross=True` the amount includes VAT: the VAT is extracted (net = gross / (1 + rate),
  rounded to the øre, VAT = gross - net), the posting keeps the net and the VAT lines get the rest.
- VAT is rounded to the øre, halves away from zero, so a negated posting gives exactly the
  negated VAT.

Treatments:
  output                sales: VAT credited to the output account (2700...)
  input                 purchases: VAT debited to the input account (2710...)
  reverse               reverse charge with deduction (imports, services from abroad): both an
                        input line (debit) and an output line (credit); they cancel out
  reverse_no_deduction  reverse charge without deduction: output VAT credited, the same amount
                        debited to the posting's own account (it becomes cost)
  import_vat            VAT paid at customs (14, 15): the posting's amount is itself the VAT;
                        no line is added
  none                  no VAT lines (zero rate, exempt, outside the scope, no treatment)
"""

from __future__ import annotations

import csv
import datetime
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .money import round_half_up

DATA_DIR = Path(__file__).resolve().parent / "data"
TREATMENTS = ("output", "input", "reverse", "reverse_no_deduction", "import_vat", "none")


class VatError(ValueError):
    """An unknown code or a date with no rate."""


@dataclass(frozen=True)
class VatRate:
    rate_class: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    percent: Decimal

    def covers(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class VatCode:
    code: str
    treatment: str
    rate_class: str
    output_account: str
    input_account: str
    name_nb: str
    name_en: str

    @property
    def computes_vat(self) -> bool:
        return self.treatment in ("output", "input", "reverse", "reverse_no_deduction")

    @property
    def is_sales(self) -> bool:
        return self.treatment == "output" or (self.treatment == "none" and self.code in SALES_CODES_WITHOUT_VAT)

    @property
    def is_purchase(self) -> bool:
        return not self.is_sales

    def name(self, language: str = "nb") -> str:
        return self.name_en if language.startswith("en") else self.name_nb

    def accounts(self) -> tuple[str, ...]:
        return tuple(a for a in (self.output_account, self.input_account) if a)


# Codes without VAT that belong on the sales side (the others without VAT are purchases).
SALES_CODES_WITHOUT_VAT = frozenset({"5", "51", "52", "6", "7"})


@dataclass(frozen=True)
class VatSplit:
    """The result of applying a code to an amount: the posting keeps `net`, `lines` are the
    VAT postings (account number, signed øre) to add, `vat` is the VAT itself (signed like the
    posting, for the SAF-T tax amount)."""

    net: int
    vat: int
    percent: Decimal | None
    lines: tuple[tuple[str, int], ...] = field(default=())


@functools.cache
def codes() -> dict[str, VatCode]:
    with open(DATA_DIR / "vat_codes.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    result = {}
    for row in rows:
        if row["treatment"] not in TREATMENTS:
            raise ValueError(f"vat_codes.csv: unknown treatment {row['treatment']!r} for code {row['code']}")
        result[row["code"]] = VatCode(**row)
    return result


@functools.cache
def rates() -> tuple[VatRate, ...]:
    with open(DATA_DIR / "vat_rates.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    return tuple(
        VatRate(
            rate_class=row["rate_class"],
            valid_from=datetime.date.fromisoformat(row["valid_from"]),
            valid_to=datetime.date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
            percent=Decimal(row["percent"]),
        )
        for row in rows
    )


def get(code: str) -> VatCode:
    try:
        return codes()[str(code)]
    except KeyError:
        raise VatError(f"Unknown VAT code {code}.") from None


def percent_on(code: str | VatCode, day: datetime.date) -> Decimal | None:
    """The rate in percent for `code` on `day`; None for codes with no rate class."""
    vat_code = code if isinstance(code, VatCode) else get(code)
    if not vat_code.rate_class:
        return None
    for rate in rates():
        if rate.rate_class == vat_code.rate_class and rate.covers(day):
            return rate.percent
    raise VatError(f"VAT code {vat_code.code} has no rate on {day:%d.%m.%Y}.")


def vat_of_net(net: int, percent: Decimal) -> int:
    return round_half_up(Decimal(net) * percent / 100)


def split(code: str | VatCode, amount: int, day: datetime.date, *, gross: bool = False, vat: int | None = None) -> VatSplit:
    """Apply `code` to a posting of `amount` øre on its own account, dated `day`.

    `vat` overrides the calculated VAT (an invoice from a supplier states its own VAT; it may
    differ from ours by rounding): with `gross`, net = amount - vat.
    """
    vat_code = code if isinstance(code, VatCode) else get(code)
    if vat_code.treatment in ("none", "import_vat"):
        percent = percent_on(vat_code, day) if vat_code.rate_class else None
        recorded = amount if vat_code.treatment == "import_vat" else 0
        return VatSplit(net=amount, vat=recorded, percent=percent)
    percent = percent_on(vat_code, day)
    assert percent is not None
    reverse = vat_code.treatment in ("reverse", "reverse_no_deduction")
    if gross and not reverse:
        if vat is None:
            net = round_half_up(Decimal(amount) * 100 / (100 + percent))
            vat = amount - net
        net = amount - vat
    else:
        net = amount  # a reverse-charge invoice has no VAT on it: the amount is the basis
        if vat is None:
            vat = vat_of_net(net, percent)
    if vat_code.treatment == "output":
        lines = ((vat_code.output_account, vat),)
    elif vat_code.treatment == "input":
        lines = ((vat_code.input_account, vat),)
    elif vat_code.treatment == "reverse":
        lines = ((vat_code.input_account, vat), (vat_code.output_account, -vat))
    else:  # reverse_no_deduction: the VAT is a cost on the posting's own account
        lines = (("", vat), (vat_code.output_account, -vat))
    return VatSplit(net=net, vat=vat, percent=percent, lines=lines)
