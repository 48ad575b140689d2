"""Reconciliations, bank rules, automation settings, sign-offs and the proposal cache.

A `Reconciliation` pairs bank lines with ledger postings on the bank's GL account (and records
the voucher and settlements it made to get there). Its links carry an `active` flag with a
partial unique index: a bank line or a posting is in at most one active reconciliation, which the
database itself enforces. Undo never deletes: it reverses what was posted and marks the links
inactive, so the trail stays.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from avstem.indexes import where_set


class Method(models.TextChoices):
    AUTOMATIC = "automatic", _("Automatic")
    MANUAL = "manual", _("By hand")
    PROPOSAL = "proposal", _("Accepted proposal")
    POSTED = "posted", _("Posted and reconciled")
    REVERSAL = "reversal", _("Posting and its reversal")


class Trigger(models.TextChoices):
    SYNC = "sync", _("After the bank sync")
    SCREEN = "screen", _("From the reconciliation screen")
    API = "api", _("From the API")
    CLI = "cli", _("From the command line")


class ReconciliationRun(models.Model):
    """One pass of the engine over a company's unreconciled lines: what it matched (and, when
    automation is on, applied), proposed and left."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    bank_account = models.ForeignKey("banking.BankAccount", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="+")
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    apply = models.BooleanField(default=False)  # automatic matches were applied, not only proposed
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    label = models.CharField(max_length=200, blank=True)  # the user's e-mail or job:<name>
    lines = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    applied = models.PositiveIntegerField(default=0)
    proposed = models.PositiveIntegerField(default=0)
    left = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)  # counts by evidence kind and by rule
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["company", "-started_at"], name="recon_run_recent")]

    def __str__(self) -> str:
        return f"{self.get_trigger_display()} {self.started_at:%Y-%m-%d %H:%M}"


class BankRule(models.Model):
    """A user's rule for recurring bank lines (see avstem.matching.rules): conditions that must all
    hold, and the GL account (or split) the line is posted to. Applied in `order`."""

    class Direction(models.TextChoices):
        ANY = "", _("Money in or out")
        IN = "in", _("Money in")
        OUT = "out", _("Money out")

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    order = models.PositiveIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)
    bank_account = models.ForeignKey("banking.BankAccount", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="+", verbose_name=_("only for bank account"))
    text_contains = models.CharField(_("text contains"), max_length=200, blank=True)
    text_regex = models.CharField(_("text matches (regular expression)"), max_length=200, blank=True)
    counterparty = models.CharField(_("counterparty (name or account number)"), max_length=200, blank=True)
    amount_equal = models.BigIntegerField(_("amount equals"), null=True, blank=True, help_text="øre, absolute")
    amount_min = models.BigIntegerField(_("amount at least"), null=True, blank=True)
    amount_max = models.BigIntegerField(_("amount at most"), null=True, blank=True)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices, blank=True, default="")
    account = models.ForeignKey("ledger.Account", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("post to account"))
    vat_code = models.CharField(_("VAT code"), max_length=4, blank=True)
    description = models.CharField(_("text on the voucher"), max_length=200, blank=True)
    # [{"account": "6540", "percent": "40"} | {"account": ..., "amount": øre}, "vat_code", "description"]
    splits = models.JSONField(_("split"), default=list, blank=True)
    automatic = models.BooleanField(_("apply without a click"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["company", "order"], name="recon_rule_order")]
        verbose_name = _("bank rule")
        verbose_name_plural = _("bank rules")

    def __str__(self) -> str:
        return self.name


class AutomationSetting(models.Model):
    """Per bank account: the confidence an automatic match needs to be applied without a click.
    Whether automation is on is the agreement link's `auto_reconcile` (R5.1: it needs an active
    agreement with statements)."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    bank_account = models.OneToOneField("banking.BankAccount", on_delete=models.CASCADE, related_name="+")
    min_confidence = models.DecimalField(_("confidence needed"), max_digits=4, decimal_places=3, default="0.900")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.bank_account_id}: {self.min_confidence}"


class Reconciliation(models.Model):
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+", db_index=False)
    bank_account = models.ForeignKey("banking.BankAccount", on_delete=models.PROTECT, related_name="+", db_index=False)
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    kind = models.CharField(_("evidence"), max_length=20, blank=True)  # avstem.matching.Kind value
    confidence = models.FloatField(null=True, blank=True)
    explanation = models.JSONField(default=list, blank=True)  # the engine's reasons, see explanations.py
    rule = models.ForeignKey(BankRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False)
    run = models.ForeignKey(ReconciliationRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                            db_index=False)
    date = models.DateField()  # the latest date of its lines and postings: the period it belongs to
    amount = models.BigIntegerField(default=0)  # øre: the sum of its bank lines
    note = models.CharField(max_length=200, blank=True)
    # What a posted line went to, for suggestions learned from history.
    learn_account = models.CharField(max_length=6, blank=True)
    learn_vat = models.CharField(max_length=4, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", db_index=False)
    created_by_label = models.CharField(max_length=200, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", db_index=False)
    undone_by_label = models.CharField(max_length=200, blank=True)
    # The voucher it posted (at most one: the bank line's, with its settlements), and the
    # reversal its undo posted. Columns, not a link table: a row and two key checks fewer for
    # each of the automatic run's lines.
    voucher = models.ForeignKey("ledger.Voucher", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                db_index=False)
    reversal = models.ForeignKey("ledger.Voucher", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 db_index=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["bank_account", "date"], name="recon_account_date"),
            models.Index(fields=["company", "-created_at"], name="recon_recent"),
            where_set("rule", "recon_rule_set"),
            where_set("run", "recon_run_set"),
            where_set("created_by", "recon_created_by"),
            where_set("undone_by", "recon_undone_by"),
            where_set("voucher", "recon_voucher_set"),
            where_set("reversal", "recon_reversal_set"),
        ]
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")

    def __str__(self) -> str:
        return self.describer()(self)

    @staticmethod
    def describer():
        """str for many reconciliations in the language active now (the automatic run's audit
        entries name one per line): the word translated once and each date formatted once,
        which cost more than the rest."""
        word, days = gettext("Reconciliation"), {}

        def describe(rec: Reconciliation) -> str:
            day = days.get(rec.date)
            if day is None:
                day = days[rec.date] = f"{rec.date:%d.%m.%Y}"
            return f"{word} {rec.id} ({day})"

        return describe

    @property
    def active(self) -> bool:
        return self.undone_at is None


class ReconciledLine(models.Model):
    reconciliation = models.ForeignKey(Reconciliation, on_delete=models.CASCADE, related_name="line_links")
    bank_line = models.ForeignKey("banking.BankLine", on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bank_line"], condition=Q(active=True), name="recon_line_once"),
        ]


class ReconciledPosting(models.Model):
    reconciliation = models.ForeignKey(Reconciliation, on_delete=models.CASCADE, related_name="posting_links")
    posting = models.ForeignKey("ledger.Posting", on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["posting"], condition=Q(active=True), name="recon_posting_once"),
        ]


class MadeSettlement(models.Model):
    """A settlement of open items a reconciliation made (undone by its undo)."""

    reconciliation = models.ForeignKey(Reconciliation, on_delete=models.CASCADE, related_name="settlements")
    settlement = models.ForeignKey("ledger.Settlement", on_delete=models.PROTECT, related_name="+")


class SignOff(models.Model):
    """A bookkeeper's signature on one account's reconciliation through `period_end`, with the
    figures they signed. While it stands, the reconciled lines of the period cannot be undone."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    bank_account = models.ForeignKey("banking.BankAccount", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("through"))
    signed_at = models.DateTimeField(auto_now_add=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_by_label = models.CharField(max_length=200)
    note = models.CharField(_("note"), max_length=300, blank=True)
    bank_balance = models.BigIntegerField(null=True, blank=True)
    ledger_balance = models.BigIntegerField()
    unreconciled_lines = models.PositiveIntegerField(default=0)
    unreconciled_lines_sum = models.BigIntegerField(default=0)
    unreconciled_postings = models.PositiveIntegerField(default=0)
    unreconciled_postings_sum = models.BigIntegerField(default=0)
    unexplained = models.BigIntegerField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["-period_end", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["bank_account", "period_end"], condition=Q(revoked_at__isnull=True),
                                    name="recon_signoff_once"),
        ]
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")

    def __str__(self) -> str:
        return f"{self.period_start:%d.%m.%Y}–{self.period_end:%d.%m.%Y}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class LineAnalysis(models.Model):
    """The engine's last word on one unreconciled bank line: its outcome and, when nothing fits,
    why. Its proposals are `LineProposal` rows. Replaced by every run that sees the line."""

    bank_line = models.OneToOneField("banking.BankLine", on_delete=models.CASCADE, primary_key=True, related_name="+")
    bank_account = models.ForeignKey("banking.BankAccount", on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=10)  # avstem.matching.Outcome value
    confidence = models.FloatField(default=0)  # of the best proposal
    reason = models.JSONField(default=list, blank=True)
    run = models.ForeignKey(ReconciliationRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["bank_account", "outcome"], name="recon_analysis_outcome")]


class LineProposal(models.Model):
    bank_line = models.ForeignKey("banking.BankLine", on_delete=models.CASCADE, related_name="+")
    bank_account = models.ForeignKey("banking.BankAccount", on_delete=models.CASCADE, related_name="+")
    detail = models.PositiveSmallIntegerField(null=True, blank=True)  # None: the whole line
    alternative = models.BooleanField(default=False)  # a whole-line proposal for a line of many details
    rank = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=20)
    confidence = models.FloatField()
    automatic = models.BooleanField(default=False)
    targets = models.JSONField()  # [[kind, ref, amount, gl_account, vat_code, description], ...]
    explanation = models.JSONField(default=list)
    counterpart = models.JSONField(null=True, blank=True)  # [line id, detail] of an own transfer's other side
    rule_id = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["bank_line_id", "alternative", "detail", "rank"]
        indexes = [models.Index(fields=["bank_line", "rank"], name="recon_proposal_line")]
