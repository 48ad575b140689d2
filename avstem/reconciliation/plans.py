"""What one reconciliation does, before anything is written: which bank lines it takes, which
existing postings it pairs them with, and what it posts (open items settled, GL accounts, fees,
unapplied amounts, own transfers). Built from an engine proposal, from a selection on the screen,
or from a "post and reconcile" form; applied by `services.apply`.

Amounts are shares of the bank amount in øre, signed like the bank line (money in positive); an
open item's share is signed like its `remaining`. A plan balances when its bank lines sum to
its postings plus its shares.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from avstem.matching import Proposal, TargetKind

from .models import Method


@dataclass
class GLShare:
    account: str  # GL account number
    amount: int
    vat_code: str = ""
    description: str = ""
    role: str = "gl"  # gl, fee, difference


@dataclass
class Transfer:
    account_id: int  # the other own bank account
    gl_account: str
    amount: int
    counterpart_line: int | None = None  # the other side's bank line, when known


@dataclass
class Plan:
    bank_account_id: int
    line_ids: list[int] = field(default_factory=list)
    posting_ids: list[int] = field(default_factory=list)
    items: list[tuple[int, int]] = field(default_factory=list)  # (open item id, share)
    unapplied: list[tuple[str, int, int]] = field(default_factory=list)  # (customer|supplier, party id, share)
    gl: list[GLShare] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    method: str = Method.MANUAL
    kind: str = ""
    confidence: float | None = None
    explanation: list = field(default_factory=list)
    reasons: tuple = ()  # the engine's own parts, when made from its proposals (see services._summary)
    rule_id: int | None = None
    description: str = ""
    note: str = ""

    @property
    def shares(self) -> int:
        """What the voucher it posts puts on the bank's GL account."""
        return (sum(a for _i, a in self.items) + sum(a for _k, _p, a in self.unapplied)
                + sum(g.amount for g in self.gl) + sum(t.amount for t in self.transfers))

    @property
    def posts(self) -> bool:
        return bool(self.items or self.unapplied or self.gl or self.transfers)

    def learned(self) -> tuple[str, str]:
        """The GL account and VAT code this plan teaches the learned suggestions: a line posted
        to one GL account (the largest part of a split)."""
        gl = [g for g in self.gl if g.role == "gl"]
        if not gl or self.items or self.unapplied or self.transfers:
            return "", ""
        biggest = max(gl, key=lambda g: abs(g.amount))
        return biggest.account, biggest.vat_code


def add_targets(plan: Plan, targets, counterpart: tuple | None = None) -> None:
    """Add an engine proposal's targets (Target tuples or their stored lists) to `plan`."""
    for target in targets:
        kind, ref, amount = TargetKind(target[0]), str(target[1]), int(target[2])
        gl_account = target[3] if len(target) > 3 else ""
        vat_code = target[4] if len(target) > 4 else ""
        description = target[5] if len(target) > 5 else ""
        if kind is TargetKind.OPEN_ITEM:
            plan.items.append((int(ref), amount))
        elif kind is TargetKind.POSTING:
            plan.posting_ids.append(int(ref))
        elif kind is TargetKind.GL:
            plan.gl.append(GLShare(ref, amount, vat_code, description, "gl"))
        elif kind is TargetKind.FEE:
            plan.gl.append(GLShare(ref, amount, "", description, "fee"))
        elif kind is TargetKind.DIFFERENCE:
            plan.gl.append(GLShare(ref, amount, "", description, "difference"))
        elif kind is TargetKind.UNAPPLIED:
            party_kind, _, party_id = ref.partition(":")
            plan.unapplied.append((party_kind, int(party_id), amount))
        elif kind is TargetKind.TRANSFER:
            other = int(counterpart[0]) if counterpart else None
            plan.transfers.append(Transfer(int(ref), gl_account, amount, other))


def from_proposals(bank_account_id: int, line_id: int, proposals: list, *, method: str = Method.PROPOSAL,
                   run_id=None) -> Plan:
    """A plan for one bank line from one proposal per transaction (or one for the whole line).
    `proposals` are engine `Proposal`s or stored `LineProposal`s."""
    plan = Plan(bank_account_id=bank_account_id, line_ids=[line_id], method=method)
    explanation: list = []
    reasons: list = []
    for p in proposals:
        if isinstance(p, Proposal):
            from .explanations import dump

            add_targets(plan, p.targets, p.counterpart)
            kind, confidence, parts, rule_id = p.kind.value, p.confidence, dump(p.explanation), p.rule_id
            reasons += p.explanation.parts
        else:
            add_targets(plan, p.targets, p.counterpart)
            kind, confidence, parts, rule_id = p.kind, p.confidence, p.explanation, p.rule_id
        plan.kind = plan.kind if plan.kind and plan.kind != kind else kind
        plan.confidence = confidence if plan.confidence is None else min(plan.confidence, confidence)
        explanation += parts
        if rule_id and plan.rule_id is None:
            plan.rule_id = int(rule_id)
    for t in plan.transfers:
        if t.counterpart_line is not None:
            plan.line_ids.append(t.counterpart_line)
    if len({p.kind if not isinstance(p, Proposal) else p.kind.value for p in proposals}) > 1:
        plan.kind = "mixed"
    plan.explanation = explanation
    if all(isinstance(p, Proposal) for p in proposals):
        plan.reasons = tuple(reasons)
    return plan
