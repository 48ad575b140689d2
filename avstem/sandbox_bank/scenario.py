"""The generator's input: a company as the accounting program knows it (its own bank accounts,
customers with open invoices, suppliers with open supplier invoices, employees), so the program
side can export it and the sandbox bank can make realistic traffic from it.

JSON shape (amounts as decimal strings, dates as YYYY-MM-DD; optional fields may be left out):

    {
      "org_number": "923456783", "name": "Fjellbekk Bakeri AS",
      "accounts": [{"account_number": "15030012345", "role": "operating", "gl_account": "1920",
                    "name": "Driftskonto", "currency": "NOK", "opening_balance": "250000.00",
                    "ocr_agreement_id": "923456001"}],            # role: operating | tax_withholding |
                                                                  #       payroll | savings
      "customers": [{"id": "K1", "name": "Kafé Nord AS", "account_number": "86011117947",
                     "org_number": "912345678"}],
      "invoices": [{"number": "10001", "customer": "K1", "amount": "1250.00",
                    "due_date": "2025-03-14", "kid": "0000100010", "issue_date": "2025-02-28"}],
      "suppliers": [{"id": "L1", "name": "Mølle AS", "account_number": "...", "org_number": "..."}],
      "supplier_invoices": [{"number": "A-77", "supplier": "L1", "amount": "8000.00",
                             "due_date": "2025-03-10", "kid": null}],
      "employees": [{"name": "Kari Nordmann", "account_number": "...", "net_salary": "32000.00",
                     "tax_withheld": "11000.00"}],
      "merchants": [{"name": "REMA 1000", "gl_account": "6800", "typical_amount": "450.00", "per_month": 6}],
      "pay_day": 25,
      "gl_accounts": {"bank_fees": "7770", "interest_income": "8040", "interest_expense": "8150",
                      "salary_payable": "2930", "tax_withholding_payable": "2600"}
    }
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from avstem.norway.accounts import complete_account_number, validate_account_number
from avstem.norway.errors import InvalidNumber
from avstem.norway.identifiers import validate_organisation_number
from avstem.norway.kid import KID, InvalidKid

ROLES = ("operating", "tax_withholding", "payroll", "savings")


@dataclass(frozen=True)
class OwnAccount:
    account_number: str
    role: str = "operating"
    gl_account: str = "1920"
    name: str = "Driftskonto"
    currency: str = "NOK"
    opening_balance: Decimal = Decimal("100000.00")
    ocr_agreement_id: str | None = None  # a Nets OCR agreement: KID payments arrive as OCR batches


@dataclass(frozen=True)
class Party:
    """A customer or a supplier."""

    id: str
    name: str
    account_number: str | None = None
    org_number: str | None = None


@dataclass(frozen=True)
class Invoice:
    number: str
    customer: str  # Party.id
    amount: Decimal  # what is open
    due_date: dt.date
    kid: str | None = None
    issue_date: dt.date | None = None


@dataclass(frozen=True)
class SupplierInvoice:
    number: str
    supplier: str  # Party.id
    amount: Decimal
    due_date: dt.date
    kid: str | None = None


@dataclass(frozen=True)
class Employee:
    name: str
    account_number: str
    net_salary: Decimal
    tax_withheld: Decimal


@dataclass(frozen=True)
class Merchant:
    """Somewhere the company's card is used again and again."""

    name: str
    gl_account: str
    typical_amount: Decimal
    per_month: int = 4


@dataclass(frozen=True)
class GlAccounts:
    bank_fees: str = "7770"
    interest_income: str = "8040"
    interest_expense: str = "8150"
    salary_payable: str = "2930"
    tax_withholding_payable: str = "2600"


DEFAULT_MERCHANTS = (
    Merchant("REMA 1000", "6800", Decimal("450.00"), 6),
    Merchant("CIRCLE K", "7000", Decimal("780.00"), 4),
    Merchant("CLAS OHLSON", "6540", Decimal("620.00"), 1),
    Merchant("TELENOR NORGE AS", "6900", Decimal("899.00"), 1),
    Merchant("MICROSOFT*365", "6540", Decimal("1150.00"), 1),
    Merchant("POSTEN NORGE", "6860", Decimal("210.00"), 2),
    Merchant("VY", "7140", Decimal("329.00"), 2),
)


@dataclass(frozen=True)
class Scenario:
    org_number: str
    name: str
    accounts: list[OwnAccount]
    customers: list[Party] = field(default_factory=list)
    invoices: list[Invoice] = field(default_factory=list)
    suppliers: list[Party] = field(default_factory=list)
    supplier_invoices: list[SupplierInvoice] = field(default_factory=list)
    employees: list[Employee] = field(default_factory=list)
    merchants: list[Merchant] = field(default_factory=lambda: list(DEFAULT_MERCHANTS))
    pay_day: int = 25
    gl_accounts: GlAccounts = GlAccounts()

    def account(self, role: str) -> OwnAccount | None:
        return next((a for a in self.accounts if a.role == role), None)

    @property
    def operating(self) -> OwnAccount:
        return self.account("operating")  # type: ignore[return-value]

    # -- JSON ------------------------------------------------------------------------------------

    def to_dict(self) -> dict:
        def plain(value: Any) -> Any:
            if isinstance(value, Decimal):
                return f"{value:.2f}"
            if isinstance(value, dt.date):
                return value.isoformat()
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return [plain(v) for v in value]
            return value

        return plain(asdict(self))

    @classmethod
    def from_dict(cls, data: object) -> Scenario:
        """Build and check a scenario; ValueError names the field ("invoices[3].kid: ...")."""
        r = _Reader()
        d = r.obj(data, "scenario")
        org = r.text(d, "org_number", "scenario")
        try:
            org = validate_organisation_number(org)
        except InvalidNumber as exc:
            raise ValueError(f"org_number {org!r}: {exc}") from None
        accounts = [OwnAccount(
            account_number=r.account(a, "account_number", f"accounts[{i}]"),
            role=r.choice(a, "role", ROLES, f"accounts[{i}]", "operating"),
            gl_account=r.text(a, "gl_account", f"accounts[{i}]", "1920"),
            name=r.text(a, "name", f"accounts[{i}]", "Konto"),
            currency=r.text(a, "currency", f"accounts[{i}]", "NOK"),
            opening_balance=r.money(a, "opening_balance", f"accounts[{i}]", Decimal("0.00"), allow_negative=True),
            ocr_agreement_id=r.optional_text(a, "ocr_agreement_id", f"accounts[{i}]"),
        ) for i, a in enumerate(r.objects(d, "accounts", "scenario", required=True))]
        if not any(a.role == "operating" for a in accounts):
            raise ValueError("accounts: one account must have role operating")
        if len({a.account_number for a in accounts}) != len(accounts):
            raise ValueError("accounts: an account number is listed twice")
        customers = [r.party(p, f"customers[{i}]") for i, p in enumerate(r.objects(d, "customers", "scenario"))]
        suppliers = [r.party(p, f"suppliers[{i}]") for i, p in enumerate(r.objects(d, "suppliers", "scenario"))]
        customer_ids = r.unique([c.id for c in customers], "customers", "id")
        supplier_ids = r.unique([s.id for s in suppliers], "suppliers", "id")
        invoices = [Invoice(
            number=r.text(v, "number", f"invoices[{i}]"),
            customer=r.ref(v, "customer", customer_ids, f"invoices[{i}]"),
            amount=r.money(v, "amount", f"invoices[{i}]"),
            due_date=r.date(v, "due_date", f"invoices[{i}]"),
            kid=r.kid(v, "kid", f"invoices[{i}]"),
            issue_date=r.date(v, "issue_date", f"invoices[{i}]", required=False),
        ) for i, v in enumerate(r.objects(d, "invoices", "scenario"))]
        r.unique([v.number for v in invoices], "invoices", "number")
        supplier_invoices = [SupplierInvoice(
            number=r.text(v, "number", f"supplier_invoices[{i}]"),
            supplier=r.ref(v, "supplier", supplier_ids, f"supplier_invoices[{i}]"),
            amount=r.money(v, "amount", f"supplier_invoices[{i}]"),
            due_date=r.date(v, "due_date", f"supplier_invoices[{i}]"),
            kid=r.kid(v, "kid", f"supplier_invoices[{i}]"),
        ) for i, v in enumerate(r.objects(d, "supplier_invoices", "scenario"))]
        for i, v in enumerate(supplier_invoices):
            if next(s for s in suppliers if s.id == v.supplier).account_number is None:
                raise ValueError(f"supplier_invoices[{i}]: supplier {v.supplier} has no account_number to pay to")
        employees = [Employee(
            name=r.text(e, "name", f"employees[{i}]"), account_number=r.account(e, "account_number", f"employees[{i}]"),
            net_salary=r.money(e, "net_salary", f"employees[{i}]"),
            tax_withheld=r.money(e, "tax_withheld", f"employees[{i}]", Decimal("0.00")),
        ) for i, e in enumerate(r.objects(d, "employees", "scenario"))]
        merchants = [Merchant(
            name=r.text(m, "name", f"merchants[{i}]"), gl_account=r.text(m, "gl_account", f"merchants[{i}]"),
            typical_amount=r.money(m, "typical_amount", f"merchants[{i}]"),
            per_month=r.integer(m, "per_month", f"merchants[{i}]", 4, 0, 60),
        ) for i, m in enumerate(r.objects(d, "merchants", "scenario"))] if "merchants" in d else list(DEFAULT_MERCHANTS)
        gl = r.obj(d.get("gl_accounts", {}), "gl_accounts")
        return cls(org_number=org, name=r.text(d, "name", "scenario"), accounts=accounts, customers=customers,
                   invoices=invoices, suppliers=suppliers, supplier_invoices=supplier_invoices, employees=employees,
                   merchants=merchants, pay_day=r.integer(d, "pay_day", "scenario", 25, 1, 28),
                   gl_accounts=GlAccounts(**{k: r.text(gl, k, "gl_accounts", getattr(GlAccounts(), k))
                                             for k in GlAccounts.__dataclass_fields__}))


def load(path: str | Path) -> Scenario:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc}") from None
    return Scenario.from_dict(data)


class _Reader:
    def obj(self, value: object, where: str) -> dict:
        if not isinstance(value, dict):
            raise ValueError(f"{where} must be an object")
        return value

    def objects(self, d: dict, key: str, where: str, required: bool = False) -> list[dict]:
        value = d.get(key, [] if not required else None)
        if not isinstance(value, list) or (required and not value):
            raise ValueError(f"{key} must be a {'non-empty ' if required else ''}list")
        return [self.obj(v, f"{key}[{i}]") for i, v in enumerate(value)]

    def text(self, d: dict, key: str, where: str, default: str | None = None) -> str:
        value = d.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{where}.{key} is required (text)")
        return value.strip()

    def optional_text(self, d: dict, key: str, where: str) -> str | None:
        value = d.get(key)
        return None if value in (None, "") else self.text(d, key, where)

    def choice(self, d: dict, key: str, choices: tuple[str, ...], where: str, default: str) -> str:
        value = d.get(key, default)
        if value not in choices:
            raise ValueError(f"{where}.{key} must be one of {', '.join(choices)}")
        return value

    def integer(self, d: dict, key: str, where: str, default: int, low: int, high: int) -> int:
        value = d.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{where}.{key} must be a whole number from {low} to {high}")
        return value

    def money(self, d: dict, key: str, where: str, default: Decimal | None = None, allow_negative: bool = False) -> Decimal:
        value = d.get(key, default)
        if value is None:
            raise ValueError(f"{where}.{key} is required")
        if isinstance(value, float):
            raise ValueError(f"{where}.{key} must be a decimal string, not a float")
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise ValueError(f"{where}.{key} {value!r} is not an amount") from None
        if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
            raise ValueError(f"{where}.{key} {value!r} must have at most 2 decimals")
        if amount < 0 and not allow_negative or amount == 0 and key in ("amount", "typical_amount", "net_salary"):
            raise ValueError(f"{where}.{key} must be positive")
        return amount.quantize(Decimal("0.01"))

    def date(self, d: dict, key: str, where: str, required: bool = True) -> dt.date | None:  # type: ignore[return]
        value = d.get(key)
        if value is None and not required:
            return None
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValueError(f"{where}.{key} {value!r} is not a date (YYYY-MM-DD)") from None

    def account(self, d: dict, key: str, where: str) -> str:
        value = self.text(d, key, where)
        try:
            return validate_account_number(value)
        except InvalidNumber as exc:
            raise ValueError(f"{where}.{key} {value!r}: {exc}") from None

    def kid(self, d: dict, key: str, where: str) -> str | None:
        value = d.get(key)
        if value in (None, ""):
            return None
        try:
            return KID.parse(str(value)).validate().value
        except InvalidKid as exc:
            raise ValueError(f"{where}.{key} {value!r}: {exc}") from None

    def party(self, p: dict, where: str) -> Party:
        account = self.account(p, "account_number", where) if p.get("account_number") else None
        org = p.get("org_number")
        if org:
            try:
                org = validate_organisation_number(str(org))
            except InvalidNumber as exc:
                raise ValueError(f"{where}.org_number {org!r}: {exc}") from None
        return Party(id=self.text(p, "id", where), name=self.text(p, "name", where), account_number=account,
                     org_number=org or None)

    def ref(self, d: dict, key: str, known: set[str], where: str) -> str:
        value = self.text(d, key, where)
        if value not in known:
            raise ValueError(f"{where}.{key} {value!r} is not a listed id")
        return value

    def unique(self, values: list[str], where: str, key: str) -> set[str]:
        seen: set[str] = set()
        for value in values:
            if value in seen:
                raise ValueError(f"{where}: {key} {value!r} is listed twice")
            seen.add(value)
        return seen


# --- a made-up company ---------------------------------------------------------------------------

_NAMES = ("Kafé Nord", "Bygg og Bad", "Fjordlys Hotell", "Tindeklatring", "Havbris Catering", "Elvebredden Barnehage",
          "Granli Gård", "Nordkapp Reiser", "Solsikken Blomster", "Vestland Elektro", "Polar Regnskap", "Sjøsprøyt Marina",
          "Bakkehuset", "Birkebeiner Sport", "Lyngen Fisk", "Trollstigen Transport", "Skogly Snekkeri", "Måkeskjær Kro",
          "Østmarka IT", "Fiskebrygga Mat", "Kløverenga Skole", "Rondane Hytter", "Aurora Design", "Stavkirken Turisme")
_SUPPLIERS = ("Mølle AS", "Norgesmøllene", "Tine SA", "Asko Øst", "Bama Gruppen", "Fjordkraft", "Eiendomsselskapet Storgata",
              "Regnskapshuset", "If Skadeforsikring", "Renovasjonsetaten")
_PEOPLE = ("Kari Nordmann", "Ola Hansen", "Ingrid Johansen", "Lars Olsen", "Sofie Larsen", "Magnus Berg", "Nora Haugen")
_BANKS = ("1503", "4202", "6003", "8601", "9041", "1202", "3000")


def example_scenario(seed: int = 1, invoices: int = 40, org_number: str = "923456783",
                     name: str = "Fjellbekk Bakeri AS", around: dt.date | None = None) -> Scenario:
    """A made-up but realistic company with `invoices` open invoices (KIDs with MOD10, some
    customers with two invoices of equal amount), suppliers, employees and accounts."""
    rng = random.Random(f"example:{org_number}:{seed}")
    around = around or dt.date.today()

    def account_number() -> str:
        while True:
            try:
                return complete_account_number(rng.choice(_BANKS) + f"{rng.randrange(10**6):06d}")
            except InvalidNumber:
                continue

    def org() -> str:
        while True:
            base = f"9{rng.randrange(10**7):07d}"
            weights = (3, 2, 7, 6, 5, 4, 3, 2)
            check = 11 - sum(int(a) * b for a, b in zip(base, weights)) % 11
            if check == 11:
                check = 0
            if check != 10:
                return base + str(check)

    n_customers = max(3, min(len(_NAMES) * 4, invoices // 3))
    customers = [Party(id=f"K{i + 1}", name=f"{_NAMES[i % len(_NAMES)]}{'' if i < len(_NAMES) else f' {i // len(_NAMES) + 1}'} AS",
                       account_number=account_number(), org_number=org()) for i in range(n_customers)]
    open_invoices = []
    number = 10000 + rng.randrange(1000) * 10
    while len(open_invoices) < invoices:
        customer = rng.choice(customers)
        amount = Decimal(int(rng.lognormvariate(8.3, 0.9) * 100)).scaleb(-2).quantize(Decimal("0.01"))
        amount = max(amount, Decimal("150.00"))
        twins = 2 if rng.random() < 0.02 and len(open_invoices) + 2 <= invoices else 1
        for _ in range(twins):
            number += 1
            issued = around - dt.timedelta(days=rng.randrange(5, 40))
            kid = KID.create(f"{int(customer.id[1:]):05d}{number:06d}").value
            open_invoices.append(Invoice(number=str(number), customer=customer.id, amount=amount,
                                         due_date=issued + dt.timedelta(days=14), kid=kid, issue_date=issued))
    suppliers = [Party(id=f"L{i + 1}", name=s, account_number=account_number(), org_number=org())
                 for i, s in enumerate(_SUPPLIERS)]
    supplier_invoices = []
    for i in range(max(2, invoices // 5)):
        supplier = rng.choice(suppliers)
        kid = KID.create(f"{rng.randrange(10**8):08d}").value if rng.random() < 0.6 else None
        supplier_invoices.append(SupplierInvoice(
            number=f"{supplier.id}-{1000 + i}", supplier=supplier.id,
            amount=Decimal(int(rng.lognormvariate(8.8, 0.8) * 100)).scaleb(-2).quantize(Decimal("0.01")),
            due_date=around + dt.timedelta(days=rng.randrange(-10, 25)), kid=kid))
    employees = [Employee(name=_PEOPLE[i], account_number=account_number(),
                          net_salary=Decimal(rng.randrange(28000, 46000)).quantize(Decimal("0.01")),
                          tax_withheld=Decimal(rng.randrange(9000, 17000)).quantize(Decimal("0.01")))
                 for i in range(rng.randrange(2, 6))]
    accounts = [
        OwnAccount(account_number(), "operating", "1920", "Driftskonto", opening_balance=Decimal("250000.00"),
                   ocr_agreement_id=f"{org_number[:6]}001"),
        OwnAccount(account_number(), "tax_withholding", "1950", "Skattetrekkskonto", opening_balance=Decimal("36000.00")),
        OwnAccount(account_number(), "savings", "1930", "Sparekonto", opening_balance=Decimal("400000.00")),
    ]
    return Scenario(org_number=org_number, name=name, accounts=accounts, customers=customers, invoices=open_invoices,
                    suppliers=suppliers, supplier_invoices=supplier_invoices, employees=employees)
