"""Ledger models. Amounts are integer øre (BigIntegerField), debit positive, credit negative.

Posted vouchers and their postings are immutable: `save` on an existing row, `delete`, and the
queryset's `update`/`delete` all raise ImmutableError. A correction is a reversal: a new voucher
mirroring the old one, linked both ways (`reversal_of` / `reversed_by`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from avstem.indexes import where_set

from .errors import ImmutableError
from .money import format_amount


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableError("posted vouchers and postings cannot be changed; reverse the voucher instead")

    def delete(self):
        raise ImmutableError("posted vouchers and postings cannot be deleted; reverse the voucher instead")


class ImmutableModel(models.Model):
    """Rows that are written once: created, never updated or deleted."""

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError(f"{self._meta.verbose_name} cannot be changed once posted")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(f"{self._meta.verbose_name} cannot be deleted once posted")


# --- Settings and chart of accounts -----------------------------------------------------------


class KidAlgorithm(models.TextChoices):
    MOD10 = "MOD10", _("MOD10 (Luhn)")
    MOD11 = "MOD11", _("MOD11")


class LedgerSettings(models.Model):
    """Per-company ledger settings. The KID on an invoice is
    customer number (zero-padded to `kid_customer_digits`) + invoice number (zero-padded to
    `kid_invoice_digits`) + one check digit by `kid_algorithm`."""

    company = models.OneToOneField("companies.Company", on_delete=models.CASCADE, related_name="ledger_settings")
    kid_algorithm = models.CharField(_("KID check digit"), max_length=5, choices=KidAlgorithm.choices, default=KidAlgorithm.MOD10)
    kid_customer_digits = models.PositiveSmallIntegerField(_("KID: digits for the customer number"), default=5)
    kid_invoice_digits = models.PositiveSmallIntegerField(_("KID: digits for the invoice number"), default=6)
    payment_terms_days = models.PositiveSmallIntegerField(_("Payment terms (days)"), default=14)

    class Meta:
        verbose_name = _("ledger settings")
        verbose_name_plural = _("ledger settings")

    def __str__(self) -> str:
        return f"{self.company} ledger settings"

    @property
    def kid_length(self) -> int:
        return self.kid_customer_digits + self.kid_invoice_digits + 1


class AccountType(models.TextChoices):
    ASSET = "asset", _("Asset")
    LIABILITY = "liability", _("Liability")
    EQUITY = "equity", _("Equity")
    REVENUE = "revenue", _("Revenue")
    EXPENSE = "expense", _("Expense")
    APPROPRIATION = "appropriation", _("Appropriation of profit")


class Subledger(models.TextChoices):
    NONE = "", _("None")
    CUSTOMER = "customer", _("Customers")
    SUPPLIER = "supplier", _("Suppliers")


class Account(models.Model):
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="accounts")
    number = models.CharField(_("account number"), max_length=6)
    name = models.CharField(_("name"), max_length=200)
    account_type = models.CharField(_("type"), max_length=16, choices=AccountType.choices)
    vat_code = models.CharField(_("default VAT code"), max_length=4, blank=True)
    active = models.BooleanField(_("active"), default=True)
    grouping_category = models.CharField(_("SAF-T grouping category"), max_length=100)
    grouping_code = models.CharField(_("SAF-T grouping code"), max_length=20)
    subledger = models.CharField(_("subledger"), max_length=10, choices=Subledger.choices, blank=True, default="")
    is_bank = models.BooleanField(_("bank account"), default=False)
    standard = models.BooleanField(_("from the standard chart"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="ledger_account_number_unique")]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def is_balance_sheet(self) -> bool:
        return self.number < "3"


# --- Customers and suppliers ------------------------------------------------------------------


class Party(models.Model):
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)
    org_number = models.CharField(_("organisation number"), max_length=9, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=4, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Customer(Party):
    class Meta(Party.Meta):
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="ledger_customer_number_unique")]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")


class Supplier(Party):
    bank_account = models.CharField(_("bank account number"), max_length=11, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    default_account = models.ForeignKey(
        Account, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("default expense account")
    )

    class Meta(Party.Meta):
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="ledger_supplier_number_unique")]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")

    @property
    def payment_account(self) -> str:
        return self.bank_account or self.iban


# --- Vouchers ---------------------------------------------------------------------------------


class Series(models.TextChoices):
    MANUAL = "manual", _("Manual")
    SALES = "sales", _("Sales")
    PURCHASE = "purchase", _("Purchases")
    BANK = "bank", _("Bank")
    PAYROLL = "payroll", _("Payroll")
    OPENING = "opening", _("Opening balance")


SERIES_PREFIX = {
    Series.MANUAL: "M",
    Series.SALES: "S",
    Series.PURCHASE: "P",
    Series.BANK: "B",
    Series.PAYROLL: "L",
    Series.OPENING: "IB",
}


class NumberCounter(models.Model):
    """The last number used in a series. Locked (SELECT ... FOR UPDATE) by the transaction that
    takes the next number, so numbers stay gap-free when many post at once: a rolled-back
    transaction gives its number back with its lock."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=30)
    year = models.PositiveSmallIntegerField(default=0)  # 0 for series that never restart
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "key", "year"], name="ledger_counter_unique")]

    def __str__(self) -> str:
        return f"{self.key}/{self.year}: {self.last}"


class Voucher(ImmutableModel):
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+", db_index=False)
    series = models.CharField(_("series"), max_length=10, choices=Series.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    number = models.PositiveIntegerField(_("number"))
    date = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=200)
    source = models.CharField(_("source"), max_length=30, blank=True)
    reversal_of = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by", verbose_name=_("reverses")
    )
    posted_at = models.DateTimeField(_("posted"), default=timezone.now)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  db_index=False)
    posted_by_label = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "series", "fiscal_year", "number"], name="ledger_voucher_number_unique")
        ]
        indexes = [models.Index(fields=["company", "date"], name="ledger_voucher_date"),
                   where_set("posted_by", "ledger_voucher_posted_by")]
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")

    def __str__(self) -> str:
        return f"{self.display_number} {self.description}"

    @property
    def display_number(self) -> str:
        return f"{SERIES_PREFIX.get(self.series, '?')}{self.fiscal_year}-{self.number}"

    @property
    def is_reversed(self) -> bool:
        try:
            return self.reversed_by is not None
        except Voucher.DoesNotExist:
            return False


class Posting(ImmutableModel):
    """One line of a posted voucher. `company` and `date` repeat the voucher's so that the
    balance of an account on a date is one index range scan: (account, date, amount), which
    also covers the sum (an account belongs to one company, so it leads the index)."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+", db_index=False)
    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="postings", db_index=False)
    line = models.PositiveSmallIntegerField()
    # No index of its own: the balance index below starts with the account.
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings", db_index=False)
    date = models.DateField()
    amount = models.BigIntegerField(help_text="øre; debit positive, credit negative")
    description = models.CharField(max_length=200, blank=True)
    vat_code = models.CharField(max_length=4, blank=True)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    # On a line with a VAT code: the VAT it gave rise to (signed like `amount`). On a VAT line:
    # the same, and `is_vat` set, `vat_base_line` naming the line it came from.
    vat_amount = models.BigIntegerField(null=True, blank=True)
    is_vat = models.BooleanField(default=False)
    vat_base_line = models.PositiveSmallIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    currency_amount = models.BigIntegerField(null=True, blank=True, help_text="hundredths of the currency, signed like amount")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="postings",
                                 db_index=False)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, null=True, blank=True, related_name="postings",
                                 db_index=False)
    # The banking context's bank account (banking.BankAccount id) on postings to a bank GL
    # account; a plain integer until that app exists, then it becomes a foreign key.
    bank_account_id = models.BigIntegerField(null=True, blank=True)
    reference = models.CharField(max_length=60, blank=True, help_text="KID, end-to-end id or bank reference")

    class Meta:
        ordering = ["voucher_id", "line"]
        constraints = [models.UniqueConstraint(fields=["voucher", "line"], name="ledger_posting_line_unique")]
        indexes = [
            models.Index(fields=["account", "date", "amount"], name="ledger_posting_balance"),
            models.Index(fields=["company", "date"], name="ledger_posting_company_date"),
            where_set("customer", "ledger_posting_customer"),
            where_set("supplier", "ledger_posting_supplier"),
        ]
        verbose_name = _("posting")
        verbose_name_plural = _("postings")

    def __str__(self) -> str:
        return f"{self.account_id} {format_amount(self.amount)}"

    @property
    def debit(self) -> int:
        return self.amount if self.amount > 0 else 0

    @property
    def credit(self) -> int:
        return -self.amount if self.amount < 0 else 0


class VoucherDraft(models.Model):
    """A voucher not yet posted: suggested by a job (a bank line to book) or saved by a user.
    It has no number and touches no balance; posting it turns it into a Voucher and deletes it.
    `lines` holds the lines as the posting service takes them (amounts in øre, accounts by
    number, customers and suppliers by id)."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    series = models.CharField(_("series"), max_length=10, choices=Series.choices, default=Series.MANUAL)
    date = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=200)
    lines = models.JSONField(default=list)
    source = models.CharField(_("source"), max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by_label = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("voucher draft")
        verbose_name_plural = _("voucher drafts")

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.description}"

    @property
    def debit_total(self) -> int:
        return sum(line["amount"] for line in self.lines if line["amount"] > 0)


def attachment_path(instance, filename: str) -> str:
    return f"ledger/{instance.company_id}/{timezone.now():%Y/%m}/{filename}"


class Attachment(models.Model):
    """A document behind a voucher (receipt, invoice scan). Attachments may be added to a posted
    voucher, never removed: they are part of the documentation (bokføringsloven)."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name

    def delete(self, *args, **kwargs):
        raise ImmutableError("attachments of posted vouchers cannot be deleted")


class PeriodLock(models.Model):
    """A locked month: nothing may be posted with a date in it."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    locked_at = models.DateTimeField(auto_now_add=True)
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["year", "month"]
        constraints = [models.UniqueConstraint(fields=["company", "year", "month"], name="ledger_period_lock_unique")]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


# --- Invoices ---------------------------------------------------------------------------------


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    POSTED = "posted", _("Posted")


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class PostedDocument(models.Model):
    """A document that may change while a draft and never once posted."""

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._posted_in_db = instance.__dict__.get("status") == DocumentStatus.POSTED
        return instance

    def save(self, *args, **kwargs):
        if getattr(self, "_posted_in_db", False):
            raise ImmutableError(f"a posted {self._meta.verbose_name} cannot be changed")
        super().save(*args, **kwargs)
        self._posted_in_db = self.status == DocumentStatus.POSTED

    def delete(self, *args, **kwargs):
        if self.status == DocumentStatus.POSTED or getattr(self, "_posted_in_db", False):
            raise ImmutableError(f"a posted {self._meta.verbose_name} cannot be deleted")
        return super().delete(*args, **kwargs)


class Invoice(PostedDocument):
    """A customer invoice or credit note. Drafts have no number; posting gives it the next
    number of the company's invoice series (shared by credit notes), a KID and a voucher."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    status = models.CharField(_("status"), max_length=8, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("customer"))
    number = models.PositiveIntegerField(_("invoice number"), null=True, blank=True)
    invoice_date = models.DateField(_("invoice date"))
    due_date = models.DateField(_("due date"))
    reference = models.CharField(_("your reference"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    kid = models.CharField(_("KID"), max_length=25, blank=True)
    credited_invoice = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes", verbose_name=_("credits invoice")
    )
    voucher = models.OneToOneField(Voucher, on_delete=models.PROTECT, null=True, blank=True, related_name="invoice")
    net_amount = models.BigIntegerField(default=0)
    vat_amount = models.BigIntegerField(default=0)
    gross_amount = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    posted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-invoice_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], condition=Q(number__isnull=False), name="ledger_invoice_number_unique"),
            models.UniqueConstraint(fields=["company", "kid"], condition=~Q(kid=""), name="ledger_invoice_kid_unique"),
        ]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")

    def __str__(self) -> str:
        return self.label_of(self.kind, self.number)

    @staticmethod
    def label_of(kind: str, number: int | None, tr=gettext) -> str:
        # gettext, not the lazy _: the automatic run labels an open item per line (with
        # `tr` = rows.gettext_once(), which translates each word once; gettext_noop marks the
        # words for the catalogue)
        label = tr(gettext_noop("Credit note") if kind == InvoiceKind.CREDIT_NOTE else gettext_noop("Invoice"))
        return f"{label} {number or tr(gettext_noop('(draft)'))}"

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE

    @property
    def is_draft(self) -> bool:
        return self.status == DocumentStatus.DRAFT


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    line = models.PositiveSmallIntegerField()
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit_price = models.BigIntegerField(_("unit price"), help_text="øre, excluding VAT")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", verbose_name=_("account"))
    vat_code = models.CharField(_("VAT code"), max_length=4, blank=True)
    amount = models.BigIntegerField(_("amount"), help_text="øre, quantity x unit price, excluding VAT")

    class Meta:
        ordering = ["line"]
        constraints = [models.UniqueConstraint(fields=["invoice", "line"], name="ledger_invoice_line_unique")]

    def __str__(self) -> str:
        return self.description


class SupplierInvoice(PostedDocument):
    """An invoice received from a supplier, booked on one expense account:
    credit 2400 (gross) / debit expense (net) / debit input VAT."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=8, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("supplier"))
    supplier_invoice_number = models.CharField(_("supplier's invoice number"), max_length=50)
    invoice_date = models.DateField(_("invoice date"))
    due_date = models.DateField(_("due date"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", verbose_name=_("expense account"))
    vat_code = models.CharField(_("VAT code"), max_length=4, blank=True)
    gross_amount = models.BigIntegerField(_("amount including VAT"))
    vat_amount = models.BigIntegerField(_("VAT"), default=0)
    kid = models.CharField(_("KID"), max_length=25, blank=True)
    message = models.CharField(_("message to the supplier"), max_length=140, blank=True)
    creditor_account = models.CharField(_("pay to account"), max_length=34, blank=True)
    voucher = models.OneToOneField(Voucher, on_delete=models.PROTECT, null=True, blank=True, related_name="supplier_invoice")
    created_at = models.DateTimeField(auto_now_add=True)
    posted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-invoice_date", "-id"]
        verbose_name = _("supplier invoice")
        verbose_name_plural = _("supplier invoices")

    def __str__(self) -> str:
        return f"{self.supplier.name} {self.supplier_invoice_number}"

    @property
    def is_draft(self) -> bool:
        return self.status == DocumentStatus.DRAFT

    @property
    def net_amount(self) -> int:
        return self.gross_amount - self.vat_amount


# --- Open items and settlement ----------------------------------------------------------------


class OpenItem(models.Model):
    """Every posting on a subledger account (1500 customers, 2400 suppliers) is an open item:
    invoices, credit notes, payments, a payment's unused remainder (a credit on the customer).
    `amount` is the posting's (signed: receivables positive, payables negative); `remaining` is
    what is left after settlements, with the same sign, 0 when closed."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+", db_index=False)
    posting = models.OneToOneField(Posting, on_delete=models.PROTECT, related_name="open_item")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="open_items",
                                 db_index=False)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, null=True, blank=True, related_name="open_items",
                                 db_index=False)
    date = models.DateField()
    due_date = models.DateField()
    amount = models.BigIntegerField()
    remaining = models.BigIntegerField()
    kid = models.CharField(max_length=25, blank=True)
    description = models.CharField(max_length=200, blank=True)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="open_items",
                                db_index=False)
    supplier_invoice = models.ForeignKey(
        SupplierInvoice, on_delete=models.PROTECT, null=True, blank=True, related_name="open_items", db_index=False
    )

    class Meta:
        ordering = ["due_date", "id"]
        # A customer or supplier belongs to one company, so their items are found by the party
        # alone, in due order, from one index each that holds only their own items (and serves
        # the foreign key). The company's items as a whole come from the KID index's prefix.
        # One index fewer per item, and the one that went was a random page per payment: a
        # million-line reconciliation inserts a payment's item for every line.
        indexes = [
            models.Index(fields=["customer", "due_date"], name="ledger_openitem_customer_due",
                         condition=Q(customer__isnull=False)),
            models.Index(fields=["supplier", "due_date"], name="ledger_openitem_supplier_due",
                         condition=Q(supplier__isnull=False)),
            models.Index(fields=["company", "kid"], name="ledger_openitem_kid"),
            where_set("invoice", "ledger_openitem_invoice"),
            where_set("supplier_invoice", "ledger_openitem_supplier_inv"),
        ]
        verbose_name = _("open item")
        verbose_name_plural = _("open items")

    def __str__(self) -> str:
        return f"{self.label} {format_amount(self.remaining)}"

    @property
    def party(self):
        return self.customer or self.supplier

    @property
    def is_receivable(self) -> bool:
        return self.customer_id is not None

    @property
    def is_open(self) -> bool:
        return self.remaining != 0

    @property
    def label(self) -> str:
        return self.label_of(self.description, (self.invoice.kind, self.invoice.number) if self.invoice_id else None,
                             self.supplier_invoice.supplier_invoice_number if self.supplier_invoice_id else None)

    # What `label` reads, for queries that fetch values instead of instances (settle_many).
    LABEL_VALUES = ("description", "invoice_id", "invoice__kind", "invoice__number", "supplier_invoice_id",
                    "supplier_invoice__supplier_invoice_number")

    @staticmethod
    def label_of(description: str, invoice: tuple[str, int | None] | None, supplier_invoice_number: str | None,
                 tr=gettext) -> str:
        """`label` from values: `invoice` is the invoice's (kind, number), None without one;
        `supplier_invoice_number` is None without a supplier invoice. `tr`: as Invoice.label_of."""
        if invoice is not None:
            return Invoice.label_of(*invoice, tr)
        if supplier_invoice_number is not None:
            return tr(gettext_noop("Supplier invoice %(number)s")) % {"number": supplier_invoice_number}
        return description or tr(gettext_noop("Posting"))


class Settlement(models.Model):
    """Open items closed against each other: a payment against invoices, a credit note against
    an invoice. The lines sum to zero. Undone by `unsettle`, which marks it reversed (the row
    stays, for the trail)."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   db_index=False)
    created_by_label = models.CharField(max_length=200, blank=True)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    db_index=False)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [where_set("created_by", "ledger_settlement_created_by"),
                   where_set("reversed_by", "ledger_settlement_reversed_by")]
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")

    def __str__(self) -> str:
        return f"Settlement {self.pk} {self.date}"

    @property
    def active(self) -> bool:
        return self.reversed_at is None


class SettlementLine(models.Model):
    """How much of one open item a settlement closed; `amount` has the item's sign and is
    subtracted from its `remaining`."""

    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="lines")
    open_item = models.ForeignKey(OpenItem, on_delete=models.PROTECT, related_name="settlement_lines")
    amount = models.BigIntegerField()

    class Meta:
        ordering = ["id"]
