"""The company's bank accounts, each tied to one GL account in its books."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from avstem.indexes import where_set

from .scheduling import default_sync_time


class Kind(models.TextChoices):
    OPERATING = "operating", _("Operating account")
    TAX_WITHHOLDING = "tax_withholding", _("Tax withholding account")
    PAYROLL = "payroll", _("Payroll account")
    CURRENCY = "currency", _("Currency account")


# The GL account a new bank account of each kind usually posts to (R1.4). A second operating
# or a currency account gets an account of its own (1921, 1922, ...), added in the chart.
SUGGESTED_GL = {Kind.OPERATING: "1920", Kind.TAX_WITHHOLDING: "1950", Kind.PAYROLL: "1920"}


class BankAccount(models.Model):
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="bank_accounts")
    nickname = models.CharField(_("nickname"), max_length=100)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.OPERATING)
    account_number = models.CharField(_("account number"), max_length=11)
    iban = models.CharField("IBAN", max_length=34)
    bic = models.CharField("BIC", max_length=11, blank=True)
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="NOK")
    gl_account = models.ForeignKey(
        "ledger.Account", on_delete=models.PROTECT, related_name="bank_accounts", verbose_name=_("GL account")
    )
    is_default_operating = models.BooleanField(_("default operating account"), default=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-active", "kind", "nickname"]
        constraints = [
            models.UniqueConstraint(fields=["company", "account_number"], name="banking_account_number_once"),
            # R2.5: one GL account never serves two active bank accounts.
            models.UniqueConstraint(fields=["gl_account"], condition=Q(active=True), name="banking_gl_account_once"),
            models.UniqueConstraint(
                fields=["company"], condition=Q(is_default_operating=True), name="banking_one_default_operating"
            ),
        ]
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")

    def __str__(self) -> str:
        return f"{self.nickname} ({self.account_number_display})"

    @property
    def account_number_display(self) -> str:
        from avstem.norway.accounts import format_account_number

        return format_account_number(self.account_number)


# --- Bank agreements (R1, R2, R3.6-R3.9) ------------------------------------------------------


class Connection(models.TextChoices):
    API = "api", _("Direct API integration")
    FILE = "file", _("File exchange")


class ApprovalMethod(models.TextChoices):
    ACCOUNTING = "accounting", _("Accounting-approved payments (recommended)")
    ONLINE_BANK = "online_bank", _("Approval in the online bank")


class AgreementStatus(models.TextChoices):
    ORDERED = "ordered", _("Ordered, waiting for the bank")
    ACTIVE = "active", _("Active")
    DEACTIVATED = "deactivated", _("Deactivated")


class Service(models.TextChoices):
    STATEMENTS = "statements", _("Statements and reconciliation")
    REMITTANCE = "remittance", _("Remittance (payments)")
    BOTH = "both", _("Both")


STATEMENT_SERVICES = (Service.STATEMENTS, Service.BOTH)
REMITTANCE_SERVICES = (Service.REMITTANCE, Service.BOTH)


class BankAgreement(models.Model):
    """A company's agreement with one bank: how it is connected, what it covers, and the sync state.

    `ordered_on` is the activation date of R3.7/R3.8 (the day it was activated in the program);
    `active_from` the day the bank confirmed (file exchange) or the consent was given (API).
    The OAuth tokens are one encrypted JSON document in `tokens` (see crypto.py); they never
    leave this model except through `services.agreements.tokens_of`.
    """

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="bank_agreements")
    bank_key = models.CharField(_("bank"), max_length=40)
    bank_name = models.CharField(_("bank"), max_length=200)
    bank_bic = models.CharField("BIC", max_length=11, blank=True)
    connection = models.CharField(_("connection"), max_length=10, choices=Connection.choices)
    approval_method = models.CharField(_("approval of payments"), max_length=20, choices=ApprovalMethod.choices,
                                       default=ApprovalMethod.ACCOUNTING)
    status = models.CharField(_("status"), max_length=20, choices=AgreementStatus.choices,
                              default=AgreementStatus.ORDERED)
    ordered_on = models.DateField(_("activated in the program on"))
    active_from = models.DateField(_("active from"), null=True, blank=True)
    deactivated_on = models.DateField(_("deactivated on"), null=True, blank=True)
    terms_accepted_at = models.DateTimeField(null=True, blank=True)
    terms_accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                          blank=True, related_name="+")
    external_id = models.CharField(_("the bank's agreement id"), max_length=100, blank=True)
    ocr_agreement = models.BooleanField(_("OCR agreement (Nets)"), default=False)
    ocr_agreement_id = models.CharField(_("OCR agreement id"), max_length=9, blank=True)
    fee_account = models.ForeignKey("ledger.Account", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("GL account for bank fees"))
    start_date = models.DateField(_("reconciliation start date"), null=True, blank=True)
    operating_account = models.ForeignKey(BankAccount, on_delete=models.SET_NULL, null=True, blank=True,
                                          related_name="+", verbose_name=_("operating account"))
    payroll_account = models.ForeignKey(BankAccount, on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+", verbose_name=_("payroll account"))
    tax_withholding_account = models.ForeignKey(BankAccount, on_delete=models.SET_NULL, null=True, blank=True,
                                                related_name="+", verbose_name=_("tax withholding account"))
    api_base_url = models.CharField(max_length=300, blank=True)
    consent_expires = models.DateField(_("consent expires"), null=True, blank=True)
    tokens = models.TextField(blank=True, editable=False)  # Fernet-encrypted JSON; never shown
    token_expires_at = models.DateTimeField(null=True, blank=True)
    sync_time = models.TimeField(_("daily sync at"), default=default_sync_time)  # BANK_SYNC_TIME, 06:00
    next_sync_at = models.DateTimeField(null=True, blank=True)
    last_sync_at = models.DateTimeField(_("last successful sync"), null=True, blank=True)
    last_sync_error = models.CharField(max_length=500, blank=True)
    sync_lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "bank_name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "bank_key", "connection"],
                                    condition=~Q(status="deactivated"), name="banking_one_live_agreement_per_bank"),
        ]
        indexes = [models.Index(fields=["status", "next_sync_at"], name="banking_agreement_due")]
        verbose_name = _("bank agreement")
        verbose_name_plural = _("bank agreements")

    def __str__(self) -> str:
        return f"{self.bank_name} ({self.get_connection_display()})"

    def __repr__(self) -> str:  # never the tokens
        return f"<BankAgreement {self.pk} {self.bank_key} {self.connection} {self.status}>"

    @property
    def is_active(self) -> bool:
        return self.status == AgreementStatus.ACTIVE

    @property
    def is_pending(self) -> bool:
        return self.status == AgreementStatus.ORDERED


class AgreementAccount(models.Model):
    """A bank account an agreement covers, with its services (R2.6)."""

    agreement = models.ForeignKey(BankAgreement, on_delete=models.CASCADE, related_name="accounts")
    bank_account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="agreement_links")
    services = models.CharField(_("services"), max_length=20, choices=Service.choices, default=Service.BOTH)
    external_id = models.CharField(max_length=100, blank=True)  # the bank's id for the account
    active = models.BooleanField(default=True)
    connected_on = models.DateField()
    deactivated_on = models.DateField(null=True, blank=True)
    synced_through = models.DateField(null=True, blank=True)  # every day up to this one is imported
    first_synced_at = models.DateTimeField(null=True, blank=True)
    # R5.1/R5.3: automatic reconciliation (issue 7 owns what it does; the switch lives here).
    auto_reconcile = models.BooleanField(_("automatic reconciliation"), default=False)

    class Meta:
        ordering = ["agreement_id", "bank_account__nickname"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "bank_account"], name="banking_agreement_account_once"),
            models.UniqueConstraint(fields=["bank_account"], condition=Q(active=True),
                                    name="banking_one_active_agreement_per_account"),
        ]

    def __str__(self) -> str:
        return f"{self.bank_account} ({self.get_services_display()})"

    @property
    def has_statements(self) -> bool:
        return self.services in STATEMENT_SERVICES

    @property
    def has_remittance(self) -> bool:
        return self.services in REMITTANCE_SERVICES


# --- Bank lines, their transaction details, daily balances ----------------------------------------


class LineStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    PENDING = "pending", _("Pending")


class Source(models.TextChoices):
    API = "api", _("Bank API")
    CAMT053 = "camt053", _("Statement (camt.053)")
    CAMT054 = "camt054", _("Notification (camt.054)")
    CAMT052 = "camt052", _("Account report (camt.052)")
    OCR = "ocr", _("Nets OCR")
    CSV = "csv", _("CSV from the online bank")
    MANUAL = "manual", _("Entered by hand")


class ReconciliationStatus(models.TextChoices):
    UNRECONCILED = "unreconciled", _("Not reconciled")
    RECONCILED = "reconciled", _("Reconciled")


class BankLine(models.Model):
    """One line on the bank statement (camt `Ntry`): the bank-ledger level reconciliation proves.

    Identity (see importing.py): `ref` is the bank's archive reference (`AcctSvcrRef`, the API's
    id), unique per account; lines from sources without one (CSV, OCR) carry `fp_key`, a
    fingerprint of date, amount and occurrence, unique per account. A line can carry both once a
    referenced delivery and an unreferenced one were recognised as the same transaction.
    Removal is a soft delete: the line stays (so a re-import does not bring it back). A pending
    line the bank dropped is soft-deleted by the sync with `dropped_by_bank` set.
    """

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+", db_index=False)
    bank_account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="lines", db_index=False)
    status = models.CharField(_("status"), max_length=10, choices=LineStatus.choices, default=LineStatus.BOOKED)
    amount = models.BigIntegerField(_("amount"), help_text="øre; credits (money in) positive")
    currency = models.CharField(_("currency"), max_length=3, default="NOK")
    date = models.DateField(_("date"))  # booking date once booked, else the transaction date
    booking_date = models.DateField(_("booking date"), null=True, blank=True)
    value_date = models.DateField(_("value date"), null=True, blank=True)
    transaction_date = models.DateField(null=True, blank=True)
    ref = models.CharField(_("archive reference"), max_length=100, null=True, blank=True)
    fp_key = models.CharField(max_length=64, null=True, blank=True)
    entry_ref = models.CharField(max_length=100, blank=True)
    bank_code = models.CharField(_("transaction code"), max_length=60, blank=True)
    description = models.CharField(_("text"), max_length=500, blank=True)
    counterparty_name = models.CharField(_("counterparty"), max_length=200, blank=True)
    counterparty_account = models.CharField(max_length=40, blank=True)
    reversal = models.BooleanField(default=False)
    is_batch = models.BooleanField(default=False)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    sources = models.CharField(max_length=80, blank=True)  # every source it arrived by, comma-separated
    import_batch = models.ForeignKey("ImportBatch", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="lines", db_index=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", db_index=False)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", db_index=False)
    delete_reason = models.CharField(_("reason"), max_length=300, blank=True)
    # A pending line the bank stopped reporting (sync.py): removed by the sync, not by a user, so
    # it comes back if the bank reports the transaction again.
    dropped_by_bank = models.BooleanField(default=False)
    reconciliation_status = models.CharField(max_length=20, choices=ReconciliationStatus.choices,
                                             default=ReconciliationStatus.UNRECONCILED)

    class Meta:
        ordering = ["bank_account_id", "date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bank_account", "ref"], condition=Q(ref__isnull=False),
                                    name="banking_line_ref_once"),
            models.UniqueConstraint(fields=["bank_account", "fp_key"], condition=Q(fp_key__isnull=False),
                                    name="banking_line_fingerprint_once"),
        ]
        indexes = [
            models.Index(fields=["bank_account", "date", "amount"], name="banking_line_account_date"),
            models.Index(fields=["company", "reconciliation_status"], name="banking_line_to_reconcile"),
            where_set("import_batch", "banking_line_import_batch"),
            where_set("created_by", "banking_line_created_by"),
            where_set("deleted_by", "banking_line_deleted_by"),
        ]
        verbose_name = _("bank line")
        verbose_name_plural = _("bank lines")

    def __str__(self) -> str:
        from avstem.ledger.money import format_amount

        return f"{self.date:%d.%m.%Y} {format_amount(self.amount)} {self.description[:40]}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_pending(self) -> bool:
        return self.status == LineStatus.PENDING

    def source_list(self) -> list[str]:
        return [s for s in self.sources.split(",") if s]


class BankLineDetail(models.Model):
    """One transaction inside a bank line (camt `TxDtls`, an OCR payment): the invoice level."""

    # Indexed on its own although banking_line_detail_once leads with it (the rule of
    # avstem/indexes.py): without this index PostgreSQL read each chunk of the reconciliation's
    # load (line_id = ANY(5,000 keys)) by scanning the whole table, 130 ms a chunk against 5 ms,
    # and the load of a million lines took 46 s instead of 26 s.
    line = models.ForeignKey(BankLine, on_delete=models.CASCADE, related_name="details")
    n = models.PositiveSmallIntegerField()
    amount = models.BigIntegerField(null=True, blank=True)  # øre, signed like the line
    currency = models.CharField(max_length=3, blank=True)
    kid = models.CharField(max_length=35, blank=True, db_index=True)  # the first KID-shaped reference
    creditor_references = models.JSONField(default=list, blank=True)  # every KID / RF reference
    remittance = models.CharField(max_length=1000, blank=True)  # free text (Ustrd, OCR text)
    end_to_end_id = models.CharField(max_length=100, blank=True, db_index=True)
    instruction_id = models.CharField(max_length=100, blank=True)
    payment_information_id = models.CharField(max_length=100, blank=True)
    ref = models.CharField(max_length=100, blank=True)  # the transaction's own archive reference
    counterparty_name = models.CharField(max_length=200, blank=True)
    counterparty_account = models.CharField(max_length=40, blank=True)
    counterparty_bic = models.CharField(max_length=11, blank=True)
    counterparty_org = models.CharField(max_length=35, blank=True)
    additional_info = models.CharField(max_length=500, blank=True)
    return_reason = models.CharField(max_length=10, blank=True)
    ocr_type = models.CharField(max_length=2, blank=True)

    class Meta:
        ordering = ["line_id", "n"]
        constraints = [models.UniqueConstraint(fields=["line", "n"], name="banking_line_detail_once")]

    def __str__(self) -> str:
        return f"{self.line_id}/{self.n}"


class DailyBalance(models.Model):
    """The bank's balances of one account on one day (camt OPBD/CLBD/CLAV, the API's balances)."""

    bank_account = models.ForeignKey(BankAccount, on_delete=models.CASCADE, related_name="daily_balances")
    date = models.DateField()
    opening_booked = models.BigIntegerField(null=True, blank=True)
    closing_booked = models.BigIntegerField(null=True, blank=True)
    available = models.BigIntegerField(null=True, blank=True)
    final = models.BooleanField(default=True)  # False: today's interim figures
    source = models.CharField(max_length=10, choices=Source.choices)
    # Opening booked minus the closing booked of the latest earlier day we have: not zero means
    # statements are missing or overlap wrongly (a warning on the account).
    gap = models.BigIntegerField(null=True, blank=True)
    gap_from = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["bank_account_id", "date"]
        constraints = [models.UniqueConstraint(fields=["bank_account", "date"], name="banking_balance_once")]

    def __str__(self) -> str:
        return f"{self.bank_account_id} {self.date}"


class ImportKind(models.TextChoices):
    CAMT053 = "camt053", _("camt.053 statement")
    CAMT054 = "camt054", _("camt.054 notification")
    CAMT052 = "camt052", _("camt.052 account report")
    OCR = "ocr", _("Nets OCR giro")
    CSV = "csv", _("CSV from the online bank")
    API = "api", _("Bank API")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Failed")


class ImportBatch(models.Model):
    """One delivery: an uploaded file, a mailbox file or one day of an API sync."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    bank_account = models.ForeignKey(BankAccount, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    agreement = models.ForeignKey(BankAgreement, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="imports")
    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    file_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    size = models.BigIntegerField(default=0)
    stored_path = models.CharField(max_length=500, blank=True)  # the upload, kept until imported
    options = models.JSONField(default=dict, blank=True)  # CSV mapping, the account asked for
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    lines_new = models.PositiveIntegerField(default=0)
    lines_updated = models.PositiveIntegerField(default=0)
    lines_unchanged = models.PositiveIntegerField(default=0)
    balances = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.REFUSED, ImportStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return int(100 * self.processed / self.total) if self.total else 0


class RunKind(models.TextChoices):
    SCHEDULED = "scheduled", _("Next-morning sync")
    MANUAL = "manual", _("Fetch statements")
    INITIAL = "initial", _("First sync after connecting")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    RETRYING = "retrying", _("Retrying")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class SyncRun(models.Model):
    """One sync of an agreement. A scheduled run is unique per agreement and day, so two
    schedulers can never enqueue the same morning twice."""

    agreement = models.ForeignKey(BankAgreement, on_delete=models.CASCADE, related_name="runs")
    kind = models.CharField(max_length=10, choices=RunKind.choices)
    run_date = models.DateField()
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    attempt = models.PositiveSmallIntegerField(default=0)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    lines_new = models.PositiveIntegerField(default=0)
    lines_updated = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "run_date"], condition=Q(kind="scheduled"),
                                    name="banking_one_scheduled_run_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.run_date}"

    @property
    def finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == RunStatus.DONE:
            return 100
        return int(100 * self.progress_done / self.progress_total) if self.progress_total else 0


class CsvMapping(models.Model):
    """A CSV column layout a company saved for its bank's export (presets live in csvfiles.py)."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    spec = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="banking_csv_mapping_name_once")]

    def __str__(self) -> str:
        return self.name
