"""The matching engine: bank lines against open items, ledger postings, payments we sent, own
accounts, rules and learned suggestions.

Evidence is weighed strongest first, each kind over every line before the next kind, so that a
certain match takes its open item before weaker evidence elsewhere could:

1. the end-to-end id of a payment we sent, or a whole batch of them booked as one line;
2. structured references: valid KIDs (check digit verified), one or several per payment;
3. invoice numbers and valid KIDs found as whole words in the free text;
4. ledger postings already on the bank's GL account (same amount, nearby date);
5. transfers between the company's own accounts, paired across the two accounts;
6. amount equal with the party's account number or (fuzzy) name, within a date window;
7. bounded subset sums of one party's open items, and deducted fees without a reference;
8. the user's rules, in their order; 9. suggestions learned from history.

Only certain and unique evidence is automatic: an ambiguity makes proposals, never a match.
Open items are settled in memory as the run goes, so a payment made twice finds its item
settled and is proposed as a duplicate. Transactions get their evidence in (booking date,
account, line id, detail) order and every candidate list is sorted, so the same input in any
order gives the same answers (returned in the order of the input).
"""

from __future__ import annotations

import bisect
import datetime as dt
import gc
import operator
import re
import time
from collections.abc import Iterable, Sequence

from avstem.matching import rules as rules_module
from avstem.matching.explain import Explanation
from avstem.matching.index import CandidateIndex, PartyKey
from avstem.matching.learned import Learner
from avstem.matching.model import (
    BOOKED,
    KIND_ORDER,
    BankLine,
    Config,
    DetailResult,
    Kind,
    LedgerPosting,
    LineResult,
    OpenItem,
    OwnAccount,
    Proposal,
    Reconciliation,
    Remaining,
    SentPayment,
    Target,
    TargetKind,
    TxDetail,
)
from avstem.matching.normalise import account_key, compact_ref, invoice_key, normalise_name, reference_tokens, similarity
from avstem.matching.references import kid_is_valid, kid_near_miss, rf_payload
from avstem.matching.rules import LineView, Rule
from avstem.matching.subset import subsets_with_sum
from avstem.norway.kid import mod10_check_digit, mod11_check_digit

OPEN_ITEM, FEE, UNAPPLIED, GL, DIFFERENCE = (TargetKind.OPEN_ITEM, TargetKind.FEE, TargetKind.UNAPPLIED,
                                              TargetKind.GL, TargetKind.DIFFERENCE)
_BY_ID = operator.attrgetter("id")
_LINE_DATE = operator.attrgetter("booking_date")
_NOTHING = Explanation((("nothing",),))
_EQUAL = ("amount_equal",)
# A structured reference names the item for certain, but the amount does not settle it exactly
# (partial, over-paid, paid twice): sure of whose money it is, not of what the payer meant.
AUTO_UNEVEN = 0.92
_DIGIT = re.compile(r"\d")
_ACCOUNT_LIKE = re.compile(r"\b\d{4}[. ]?\d{2}[. ]?\d{5}\b")
MIN_POSTING_REF = 4  # a posting's reference this long or longer, equal to the line's, names the posting


class _Unit:
    """One transaction being matched: a detail of a line, or a whole line."""

    __slots__ = ("pos", "line", "detail", "amount", "date", "refs", "texts", "name", "cp", "e2e", "charges",
                 "proposals", "notes", "blocked", "done", "bad_kids", "parties", "evidence")

    def __init__(self, pos: int, line: BankLine, detail: int | None, source: BankLine | TxDetail, single: bool) -> None:
        self.pos = pos
        self.line = line
        self.detail = detail
        amount = source.amount
        self.amount = line.amount if amount is None else amount
        self.date = line.booking_date
        self.refs = source.creditor_refs
        if source is line or not single:
            self.texts = source.texts
            self.name = source.counterparty_name
            self.cp = source.counterparty_account
            self.charges = source.charges
        else:  # the line's only detail: the line's own fields fill the gaps
            self.texts = source.texts + line.texts
            self.name = source.counterparty_name or line.counterparty_name
            self.cp = source.counterparty_account or line.counterparty_account
            self.charges = source.charges or line.charges
        self.e2e = source.end_to_end_id
        self.proposals: list[Proposal] = _NONE  # type: ignore[assignment]  # a list once there is one
        self.notes: list[tuple] = _NONE  # type: ignore[assignment]
        self.blocked = False  # it carries a reference that did not lead to a match: weaker evidence is never automatic
        self.done = False
        self.bad_kids: tuple[str, ...] = ()
        self.parties: list[tuple[PartyKey, str, float]] | None = None  # (party, how, score)
        self.evidence = False  # an open item or posting was proposed for it

    def view(self) -> LineView:
        return LineView(self.amount, self.texts, self.name, self.cp, self.line.account_id)


_NONE: tuple = ()


def _note(u: _Unit, part: tuple) -> None:
    if u.notes:
        u.notes.append(part)
    else:
        u.notes = [part]


def _same_sign(a: int, b: int) -> bool:
    return (a > 0 and b > 0) or (a < 0 and b < 0)


def _label(item: OpenItem) -> OpenItem:
    return item  # explanations render an item as "faktura 1042" / "invoice 1042" (explain.item_label)


def _party_ref(item: OpenItem) -> str:
    return f"{item.kind.value}:{item.party_id}"  # "customer:K1"


def _target_key(p: Proposal) -> tuple:
    return (tuple((t.kind.value, t.ref, t.amount) for t in p.targets), p.counterpart or ())


def _sort_key(p: Proposal) -> tuple:
    return (-p.confidence, KIND_ORDER[p.kind], _target_key(p))


class _Run:
    def __init__(self, lines: Iterable[BankLine], index: CandidateIndex, rules: Sequence[Rule],
                 learner: Learner | None, config: Config) -> None:
        started = time.process_time()
        self.timings: dict[str, float] = {}
        # By date (a cheap key; _order decides the rest): a million lines walked in date order touch
        # memory in the order it was filled (by a date-ordered query or file), and the open items
        # they settle were mostly made near each other too; a shuffled walk misses the caches.
        given = lines if isinstance(lines, list) else list(lines)
        self.given_at = sorted(range(len(given)), key=list(map(_LINE_DATE, given)).__getitem__)
        self.lines = [given[i] for i in self.given_at]
        if len(set(map(_BY_ID, self.lines))) != len(self.lines):
            raise ValueError("two bank lines have the same id")
        self.idx = index
        self.rules = rules_module.ordered(rules)
        self.learner = learner
        self.config = config
        self.settled_by: dict[str, int] = {}  # item id -> position of the line that last settled (some of) it
        self.left: dict[str, int] = {}  # what is left of items settled in part; in settled_by and not here: nothing
        self.units: list[list[_Unit | DetailResult]] = []  # per line (in date order): its transactions
        # Per line: its result, made in the first look when that answered all of it (while the
        # line is still in the caches); None when it is made at the end (`_assemble`).
        self.ready: list[LineResult | None] = []
        self.alternatives: dict[int, list[Proposal]] = {}
        self.pending: list[_Unit] = []
        self.timings["check"] = time.process_time() - started

    # -- bookkeeping ---------------------------------------------------------------------------------

    def rem(self, iid: str) -> int:
        """What is open of an item now, after this run's automatic matches so far."""
        if iid in self.settled_by:
            return self.left.get(iid, 0)
        return self.idx.items[iid].remaining

    def consume(self, u: _Unit, targets: Iterable[Target]) -> None:
        for t in targets:
            if t.kind is OPEN_ITEM:
                rest = self.rem(t.ref) - t.amount
                if rest:
                    self.left[t.ref] = rest
                else:
                    self.left.pop(t.ref, None)
                self.settled_by[t.ref] = u.pos

    def propose(self, u: _Unit, kind: Kind, targets: tuple[Target, ...], confidence: float, automatic: bool,
                parts: Sequence[tuple], counterpart: tuple[str, int | None] | None = None, rule_id: str = "") -> None:
        proposal = tuple.__new__(Proposal, (kind, targets, round(confidence, 3), automatic, tuple.__new__(
            Explanation, (parts if type(parts) is tuple else tuple(parts),)), counterpart, rule_id))
        if u.proposals:
            u.proposals.append(proposal)
        else:
            u.proposals = [proposal]
        if automatic:
            u.done = True
            self.consume(u, targets)

    # -- the run -------------------------------------------------------------------------------------

    def _order(self, pos: int, detail: int | None) -> tuple:
        """The order in which transactions get their evidence: booking date, account, line id,
        detail. Input order never matters."""
        line = self.lines[pos]
        return (line.booking_date, line.account_id, line.id, -1 if detail is None else detail)

    def run(self) -> Reconciliation:
        """First look, over every line in date order: the common case (one valid KID of an open
        item, amount equal) is answered at once; two such payments of one item are settled in
        favour of the one first in `_order`. Everything else then goes through the phases in
        `_order`, strongest evidence first."""
        self.started = time.process_time()
        units, ready, lines, slow = self.units, self.ready, self.lines, self.pending
        idx = self.idx
        kid_get, kid_more = idx.kid.get, idx.kid_more
        settled_by, batches = self.settled_by, idx.sent_by_batch
        new = tuple.__new__
        mod10, mod11 = mod10_check_digit, mod11_check_digit
        kind_kid, open_item, equal = Kind.KID, OPEN_ITEM, _EQUAL
        batch_lines: list[int] = []
        for pos, line in enumerate(lines):
            if line.status != BOOKED:
                units.append([DetailResult(None, line.amount, (), Explanation((("pending", line.status),)))])
                ready.append(None)
                continue
            if batches and (line.payment_info_id or line.end_to_end_id) in batches:
                units.append([])
                ready.append(None)
                batch_lines.append(pos)
                continue
            details = line.details
            entry: list[_Unit | DetailResult] = []
            waiting = False
            for n, source in enumerate(details or (line,)):
                refs = source.creditor_refs
                if len(refs) == 1 and not source.end_to_end_id:
                    ref = refs[0]
                    item = kid_get(ref)
                    if item is not None and ref not in kid_more:
                        amount = line.amount if source.amount is None else source.amount
                        iid = item.id
                        r = self.rem(iid) if iid in settled_by else item.remaining
                        body, check = ref[:-1], ref[-1]
                        # kid_is_valid(ref), inline: the KID's check digit by avstem.norway.kid.
                        if (amount and (r == amount or (r == 0 and amount == item.remaining and iid in settled_by
                                                        and self._takes_over(iid, pos, n if details else None)))
                                and item.currency == line.currency and 2 <= len(ref) <= 25 and body.isdigit()
                                and body.isascii() and ((check != "-" and mod10(body) == check) or mod11(body) == check)):
                            if r == 0:
                                self._demote(iid)  # the same payment came twice: the earlier one keeps the item
                            settled_by[iid] = pos
                            why = new(Explanation, ((("kid_item", ref, item), equal),))
                            proposal = new(Proposal, (kind_kid, (new(Target, (open_item, iid, amount, "", "", "")),), 0.99,
                                                      True, why, None, ""))
                            entry.append(new(DetailResult, (n if details else None, amount, (proposal,), None)))
                            continue
                u = _Unit(pos, line, n if details else None, source, len(details) <= 1)
                entry.append(u)
                slow.append(u)
                waiting = True
            units.append(entry)
            ready.append(None if waiting else new(LineResult, (line.id, line.account_id, line.booking_date, line.amount,
                                                               tuple(entry), ())))
        for pos in sorted(batch_lines, key=lambda p: self._order(p, None)):
            line = lines[pos]
            if not self._whole_batch(pos, line):
                details = line.details
                units[pos] = [_Unit(pos, line, n if details else None, source, len(details) <= 1)
                              for n, source in enumerate(details or (line,))]
                slow.extend(units[pos])  # type: ignore[arg-type]
        slow.sort(key=lambda u: self._order(u.pos, u.detail))
        for u in slow:
            self._strong(u)
        clock = time.process_time
        timings = self.timings
        timings["references"] = clock() - self.started
        pending = self.pending = [u for u in slow if not u.done]
        for name, phase in (("text", self._text), ("postings", self._postings), ("transfers", self._transfers),
                            ("amount_party", self._amount_party), ("subsets", self._subsets), ("rules", self._rules),
                            ("learned", self._learned)):
            started = clock()
            phase(pending)
            self.pending = pending = [u for u in pending if not u.done]
            timings[name] = clock() - started
        started = clock()
        result = self._assemble()
        timings["assemble"] = clock() - started
        return result

    def _takes_over(self, iid: str, pos: int, detail: int | None) -> bool:
        """Whether this transaction comes before the one that took the item in the first look."""
        winner = self.settled_by[iid]
        for found in self.units[winner] if winner < len(self.units) else ():
            if type(found) is DetailResult and found.proposals and found.proposals[0].targets[0].ref == iid:
                return self._order(pos, detail) < self._order(winner, found.detail)
        return False

    def _demote(self, iid: str) -> None:
        """The first look gave `iid` to a later payment: that one becomes a transaction to look at
        again (it will find the item settled: a duplicate)."""
        winner = self.settled_by[iid]
        entry = self.units[winner]
        line = self.lines[winner]
        for k, found in enumerate(entry):
            if type(found) is DetailResult and found.proposals and found.proposals[0].targets[0].ref == iid:
                n = found.detail
                u = _Unit(winner, line, n, line if n is None else line.details[n], len(line.details) <= 1)
                entry[k] = u
                self.pending.append(u)
                self.ready[winner] = None
                return

    def _assemble(self) -> Reconciliation:
        out = self.ready
        limit = self.config.max_proposals
        alternatives = self.alternatives
        new = tuple.__new__
        result = self._result
        for pos in [pos for pos, done in enumerate(out) if done is None]:  # the lines the first look left
            line = self.lines[pos]
            details = tuple(u if type(u) is DetailResult else result(u, limit) for u in self.units[pos])
            extra = tuple(sorted(alternatives[pos], key=_sort_key)) if pos in alternatives else ()
            out[pos] = new(LineResult, (line.id, line.account_id, line.booking_date, line.amount, details, extra))
        in_input_order = [None] * len(out)
        for result_at, given in enumerate(self.given_at):
            in_input_order[given] = out[result_at]
        return Reconciliation(tuple(in_input_order), Remaining(self.settled_by, self.left), self.timings)

    def _result(self, u: _Unit, limit: int) -> DetailResult:
        proposals = u.proposals
        if u.done:
            return DetailResult(u.detail, u.amount, (proposals[-1],))
        if len(proposals) > 1:
            best: dict[tuple, Proposal] = {}
            for p in sorted(proposals, key=_sort_key):
                best.setdefault(_target_key(p), p)
            proposals = list(best.values())[:limit]
        if not proposals:
            return DetailResult(u.detail, u.amount, (), Explanation(tuple(u.notes) + _NOTHING.parts))
        reason = Explanation(tuple(u.notes) + (("review",),))
        return DetailResult(u.detail, u.amount, tuple(proposals), reason)

    # -- 1. payments we sent, and structured references ---------------------------------------------

    def _whole_batch(self, pos: int, line: BankLine) -> bool:
        """A batch of payments we sent, booked as one line: all of it or nothing automatic."""
        batch_id = line.payment_info_id or line.end_to_end_id
        sents = self.idx.sent_by_batch.get(batch_id) if batch_id else None
        if not sents or any(d.end_to_end_id in self.idx.sent_by_e2e for d in line.details):
            return False
        u = _Unit(pos, line, None, line, True)
        targets: list[Target] = []
        certain = True
        for sent in sents:
            if sent.open_item_ids:
                items = [self.idx.items.get(i) for i in sent.open_item_ids]
                if any(it is None for it in items) or sum(self.rem(i) for i in sent.open_item_ids) != sent.amount:
                    certain = False
                targets += [Target(OPEN_ITEM, it.id, self.rem(it.id)) for it in items if it is not None and self.rem(it.id)]
            elif sent.gl_account:
                targets.append(Target(GL, sent.gl_account, sent.amount))
            else:
                certain = False
        total = sum(t.amount for t in targets)
        parts: list[tuple] = [("batch", batch_id, len(sents))]
        if total == line.amount and certain:
            parts.append(("sum_equal", len(targets)))
            self.propose(u, Kind.PAYMENT_BATCH, tuple(targets), 1.0, True, parts)
            self.units[pos] = [self._result(u, 1)]
            return True
        if total != line.amount:
            parts.append(("amount_differs", line.amount, total))
            targets.append(Target(DIFFERENCE, self.config.difference_account, line.amount - total))
        self.alternatives.setdefault(pos, []).append(
            Proposal(Kind.PAYMENT_BATCH, tuple(targets), 0.6, False, Explanation(tuple(parts))))
        return False

    def _strong(self, u: _Unit) -> bool:
        if u.e2e:
            sents = self.idx.sent_by_e2e.get(u.e2e)
            if sents:
                return self._sent(u, sents)
        if u.refs:
            return self._structured(u)
        return False

    def _sent(self, u: _Unit, sents: list[SentPayment]) -> bool:
        sent = sents[0]
        parts: list[tuple] = [("e2e", sent.end_to_end_id)]
        certain = len(sents) == 1 and (not sent.account_id or sent.account_id == u.line.account_id)
        if sent.open_item_ids:
            items = [self.idx.items[i] for i in sent.open_item_ids if i in self.idx.items]
            certain = certain and len(items) == len(sent.open_item_ids)
            parts.append(("e2e_pays", tuple(_label(it) for it in items)))
            return self._settle(u, [it.id for it in items], Kind.END_TO_END, parts, certain, 1.0)
        if sent.gl_account:
            parts.append(("e2e_gl", sent.gl_account))
            if u.amount == sent.amount:
                parts.append(("amount_equal",))
                self.propose(u, Kind.END_TO_END, (Target(GL, sent.gl_account, u.amount),), 1.0, certain, parts)
                return certain
            parts.append(("amount_differs", u.amount, sent.amount))
            self.propose(u, Kind.END_TO_END, (Target(GL, sent.gl_account, sent.amount),
                                              Target(DIFFERENCE, self.config.difference_account, u.amount - sent.amount)),
                         0.7, False, parts)
        u.blocked = True
        return False

    def _structured(self, u: _Unit) -> bool:
        found: list[str] = []
        parts: list[tuple] = []
        certain = True
        bad: list[str] = []
        for raw in u.refs:
            ref = raw if raw.isdigit() else compact_ref(raw)
            if not ref:
                continue
            if ref[:2].upper() == "RF":
                payload = rf_payload(ref)
                ids = (self.idx.by_kid(payload) or self.idx.by_invoice(invoice_key(payload))) if payload else ()
                if len(ids) == 1:
                    found.append(ids[0])
                    parts.append(("rf_item", ref, _label(self.idx.items[ids[0]])))
                else:
                    certain = False
                    _note(u, ("rf_unknown", ref))
                continue
            if not kid_is_valid(ref):
                bad.append(ref)
                _note(u, ("kid_invalid", ref))
                continue
            ids = self.idx.by_kid(ref)
            if len(ids) == 1:
                found.append(ids[0])
                parts.append(("kid_item", ref, _label(self.idx.items[ids[0]])))
            elif ids:
                certain = False
                found.extend(ids)
                parts.append(("kid_shared", ref, tuple(_label(self.idx.items[i]) for i in ids)))
            else:
                certain = False
                _note(u, ("kid_unknown", ref))
        if bad:
            u.bad_kids = tuple(bad)
            certain = False
        if not found:
            u.blocked = u.blocked or bool(bad) or bool(u.notes)
            return False
        return self._settle(u, list(dict.fromkeys(found)), Kind.KID, parts, certain, 0.99)

    def _payer_elsewhere(self, u: _Unit, item: OpenItem, parts: list[tuple]) -> bool:
        """The payer's account is known to belong to other parties, not to the item's: a mistyped
        reference that happens to be valid, so uneven amounts are not applied without a click."""
        if not u.cp:
            return False
        parties = self.idx.parties_by_account(account_key(u.cp))
        if not parties or (item.kind, item.party_id) in parties:
            return False
        parts.append(("payer_other", u.cp))
        return True

    def _settle(self, u: _Unit, found: list[str], kind: Kind, parts: list[tuple], certain: bool, top: float) -> bool:
        """The items a reference points to against the amount: equal (automatic when certain),
        short by a fee, partial, overpaid, or already settled (a duplicate)."""
        items = self.idx.items
        usable: list[str] = []
        settled: list[str] = []
        for iid in found:
            item = items[iid]
            r = self.rem(iid)
            if item.currency != u.line.currency:
                parts.append(("currency", _label(item), item.currency))
                _note(u, ("currency", _label(item), item.currency))
                certain = False
            elif r == 0:
                settled.append(iid)
            else:
                usable.append(iid)
        structured = kind in (Kind.KID, Kind.KID_MULTI, Kind.END_TO_END)
        identified = certain and structured and not usable and len(settled) == 1  # paid twice, for certain
        # Credit notes net off against invoices paid with them; on their own, or when they
        # outweigh the invoices, they go the wrong way.
        if usable and not _same_sign(sum(self.rem(i) for i in usable), u.amount) or all(
                not _same_sign(self.rem(i), u.amount) for i in usable):
            for iid in [i for i in usable if not _same_sign(self.rem(i), u.amount)]:
                parts.append(("sign", _label(items[iid])))
                _note(u, ("sign", _label(items[iid])))
                usable.remove(iid)
            certain = False
        u.evidence = True
        if settled:
            certain = False
            if not usable:
                item = items[settled[0]]
                by = self.settled_by.get(item.id)
                if by is None:
                    parts.append(("settled", _label(item)))
                else:
                    parts.append(("duplicate", _label(item), self.lines[by].id, self.lines[by].booking_date))
                # Paid twice: the second payment is the party's money, left on its account. Only
                # when this run saw the first payment settle the item (else it is only "settled").
                automatic = (identified and by is not None and self.config.auto_duplicate
                             and not self._payer_elsewhere(u, item, parts))
                if automatic:
                    parts.append(("credit_left", abs(u.amount)))
                self.propose(u, Kind.DUPLICATE, (Target(UNAPPLIED, _party_ref(item), u.amount),),
                             AUTO_UNEVEN if automatic else 0.6, automatic, parts)
                u.blocked = not automatic
                return automatic
            parts.extend(("settled", _label(items[i])) for i in settled)
        if not usable:
            u.blocked = True
            return False
        amount = u.amount
        total = sum(self.rem(i) for i in usable)
        if len(usable) > 1 and kind is Kind.KID:
            kind = Kind.KID_MULTI
        settle = tuple(Target(OPEN_ITEM, i, self.rem(i)) for i in usable)
        if total == amount:
            parts.append(("amount_equal",) if len(usable) == 1 else ("sum_equal", len(usable)))
            confidence = top if certain else top * 0.85
            self.propose(u, kind, settle, confidence if len(usable) == 1 else confidence - 0.01, certain, parts)
            u.blocked = not certain
            return certain
        config = self.config
        sign = 1 if amount > 0 else -1
        short = abs(total) - abs(amount)
        first = items[usable[0]]
        if short > 0:
            fee_sized = short <= config.fee_tolerance
            plausible = fee_sized and short <= config.fee_max_share * abs(total)
            if fee_sized:
                charged = sum(c.amount for c in u.charges if c.included)
                exact = charged == short
                fee_parts = [*parts, ("amount_differs", amount, total), ("fee", short, config.fee_account)]
                if exact:
                    fee_parts.append(("fee_charges", charged))
                automatic = certain and exact and config.auto_fee_with_charges
                self.propose(u, Kind.FEE_DEDUCTED, (*settle, Target(FEE, config.fee_account, -sign * short)),
                             0.97 if exact else 0.8 if plausible else 0.45, automatic, fee_parts)
                if automatic:
                    return True
            # Credit notes count in full; the money goes to the invoices due first.
            credits = [Target(OPEN_ITEM, i, self.rem(i)) for i in usable if not _same_sign(self.rem(i), amount)]
            left = abs(amount) + sum(abs(t.amount) for t in credits)
            alloc = list(credits)
            for iid in sorted((i for i in usable if _same_sign(self.rem(i), amount)),
                              key=lambda i: (items[i].due_date or dt.date.max, i)):
                take = min(left, abs(self.rem(iid)))
                if take:
                    alloc.append(Target(OPEN_ITEM, iid, sign * take))
                left -= take
            # Automatic (Config.auto_partial) only by a structured reference naming one item, and
            # never when the shortfall could be a fee instead (then it is one of two readings).
            automatic = (certain and config.auto_partial and len(usable) == 1 and not fee_sized
                         and kind in (Kind.KID, Kind.END_TO_END) and not self._payer_elsewhere(u, first, parts))
            confidence = AUTO_UNEVEN if automatic else (0.6 if plausible else 0.75) if len(usable) == 1 else 0.55
            self.propose(u, Kind.PARTIAL, tuple(alloc), confidence, automatic,
                         [*parts, ("partial", abs(amount), abs(total), short)])
            if automatic:
                return True
        else:
            over = -short
            automatic = (certain and config.auto_overpayment and structured
                         and not self._payer_elsewhere(u, first, parts))
            self.propose(u, Kind.OVERPAYMENT, (*settle, Target(UNAPPLIED, _party_ref(first), sign * over)),
                         AUTO_UNEVEN if automatic else 0.75,
                         automatic, [*parts, ("amount_differs", amount, total), ("overpaid", over)])
            if automatic:
                return True
        u.blocked = True
        return False

    # -- 2. references in the free text ---------------------------------------------------------------

    def _lookup_text(self, token: str) -> tuple[tuple[str, ...], bool]:
        """Items a text token names: an invoice number, else a KID that passes its check digit."""
        idx = self.idx
        ids = idx.by_invoice(token if token.isdigit() and token[0] != "0" else invoice_key(token))
        if ids:
            return ids, False
        if token.isdigit() and kid_is_valid(token):
            return idx.by_kid(token), True
        return (), False

    def _text(self, pending: list[_Unit]) -> None:
        idx = self.idx
        for u in pending:
            if u.evidence or not u.texts:
                continue
            named: dict[str, tuple] = {}  # item id -> explanation part; these are references for sure
            loose: dict[str, tuple] = {}  # a short number nobody announced: only if the amount is exact
            for text in u.texts:
                if not _DIGIT.search(text):
                    continue  # no number, no reference
                for ref in reference_tokens(text):
                    token = ref.token
                    ids, is_kid = self._lookup_text(token)
                    if not ids:
                        for part in ref.parts:
                            ids, is_kid = self._lookup_text(part)
                            if ids:
                                token = part
                                break
                    for iid in ids:
                        item = idx.items[iid]
                        # A reference in text must go the payment's way (a card purchase at REMA 1000
                        # is not a payment of invoice 1000).
                        if iid in named or not _same_sign(item.remaining, u.amount):
                            continue
                        part = ("text_kid_item", token, _label(item)) if is_kid else ("text_item", _label(item), token)
                        if is_kid or ref.announced or len(token) >= 5:
                            named[iid] = part
                            loose.pop(iid, None)
                        else:
                            loose[iid] = part
            if len(named) == 1 and not u.blocked:
                # The common case, answered without `_settle`'s generality (the same answer).
                iid = next(iter(named))
                item = idx.items[iid]
                if self.rem(iid) == u.amount and item.currency == u.line.currency:
                    u.evidence = True
                    self.propose(u, Kind.TEXT_REFERENCE, (Target(OPEN_ITEM, iid, u.amount),), 0.95, True,
                                 (named[iid], _EQUAL))
                    continue
            if 0 < len(named) <= 8:  # a text naming more items than that is no reference
                self._settle(u, list(named), Kind.TEXT_REFERENCE, list(named.values()), not u.blocked, 0.95)
            elif not named:
                exact = [iid for iid in loose if self.rem(iid) == u.amount]
                if len(exact) == 1:
                    u.evidence = True
                    self.propose(u, Kind.TEXT_REFERENCE, (Target(OPEN_ITEM, exact[0], u.amount),), 0.6, False,
                                 [loose[exact[0]], ("amount_equal",)])

    # -- 3. ledger postings -------------------------------------------------------------------------------

    def _postings(self, pending: list[_Unit]) -> None:
        idx = self.idx
        if not idx.postings:
            return
        window = self.config.posting_window
        taken: set[str] = set()
        candidates: dict[int, list[LedgerPosting]] = {}
        claims: dict[str, int] = {}
        named: dict[int, LedgerPosting] = {}  # the one candidate posting that carries the line's reference
        named_by: dict[str, int] = {}
        for n, u in enumerate(pending):
            found = [p for p in idx.postings_by_amount.get((u.line.account_id, u.amount), ())
                     if abs((p.date - u.date).days) <= window]
            if found:
                candidates[n] = found
                for p in found:
                    claims[p.id] = claims.get(p.id, 0) + 1
                refs = {key for key in map(compact_ref, u.refs) if len(key) >= MIN_POSTING_REF}
                same = [p for p in found if refs and compact_ref(p.reference) in refs]
                if len(same) == 1:
                    named[n] = same[0]
                    named_by[same[0].id] = named_by.get(same[0].id, 0) + 1
        for n, found in candidates.items():
            u = pending[n]
            p = named.get(n)
            if p is not None and named_by[p.id] == 1 and p.id not in taken:
                # A payment recorded by hand with the bill's KID: the KID names no open item (the
                # posting settled it), so the reference that blocked the line is the posting's own.
                days = abs((p.date - u.date).days)
                self.propose(u, Kind.LEDGER_POSTING, (Target(TargetKind.POSTING, p.id, u.amount),), 0.97, True,
                             (("posting", p.reference or p.id, p.date, days), ("posting_ref", compact_ref(p.reference))))
                u.evidence = True
                taken.add(p.id)
                continue
            free = [p for p in found if p.id not in taken]
            unique = len(found) == 1 and claims[found[0].id] == 1 and not u.blocked and found[0].id not in named_by
            for p in sorted(free, key=lambda p: (abs((p.date - u.date).days), p.id))[:3]:
                days = abs((p.date - u.date).days)
                parts: list[tuple] = [("posting", p.reference or p.id, p.date, days)]
                if len(found) > 1:
                    parts.append(("postings_many", len(found)))
                if claims[p.id] > 1:
                    parts.append(("contested", claims[p.id]))
                confidence = 0.92 if unique else max(0.3, 0.7 - 0.04 * days - 0.1 * (len(found) - 1))
                u.evidence = True
                self.propose(u, Kind.LEDGER_POSTING, (Target(TargetKind.POSTING, p.id, u.amount),), confidence, unique, parts)
                if unique:
                    taken.add(p.id)
                    break
        # A line of many transactions may have been posted as one voucher.
        for pos, alternatives in self._whole_line_postings(taken):
            self.alternatives.setdefault(pos, []).extend(alternatives)

    def _whole_line_postings(self, taken: set[str]) -> list[tuple[int, list[Proposal]]]:
        out = []
        window = self.config.posting_window
        for pos, entry in enumerate(self.units):
            if len(entry) < 2 or any(type(u) is DetailResult or u.done or u.evidence for u in entry):  # type: ignore[union-attr]
                continue
            line = self.lines[pos]
            found = [p for p in self.idx.postings_by_amount.get((line.account_id, line.amount), ())
                     if abs((p.date - line.booking_date).days) <= window and p.id not in taken]
            out.append((pos, [Proposal(Kind.LEDGER_POSTING, (Target(TargetKind.POSTING, p.id, line.amount),), 0.7, False,
                                       Explanation((("posting", p.reference or p.id, p.date,
                                                     abs((p.date - line.booking_date).days)),))) for p in found[:3]]))
        return [(pos, a) for pos, a in out if a]

    # -- 4. transfers between own accounts ----------------------------------------------------------------

    def _own_target(self, u: _Unit) -> OwnAccount | None:
        own = self.idx.own_by_number
        if u.cp:
            other = own.get(account_key(u.cp))
            if other is not None and other.id != u.line.account_id:
                return other
        for text in u.texts:
            for found in _ACCOUNT_LIKE.findall(text):
                other = own.get(account_key(found))
                if other is not None and other.id != u.line.account_id:
                    return other
        return None

    def _transfers(self, pending: list[_Unit]) -> None:
        idx = self.idx
        if len(idx.own_by_id) < 1:
            return
        window = self.config.transfer_window
        own_lines = [u for u in pending if u.line.account_id in idx.own_by_id and not u.evidence]
        by_key: dict[tuple[str, int], list[_Unit]] = {}
        for u in own_lines:
            by_key.setdefault((u.line.account_id, u.amount), []).append(u)
        this_number = {o.id: account_key(o.number) for o in idx.own_by_id.values()}
        for u in own_lines:
            if u.done:
                continue
            other = self._own_target(u)
            if other is None:
                continue
            mine = idx.own_by_id[u.line.account_id]
            sides = [v for v in by_key.get((other.id, -u.amount), ())
                     if not v.done and abs((v.date - u.date).days) <= window
                     and (not v.cp or account_key(v.cp) == this_number[mine.id])]
            target = (Target(TargetKind.TRANSFER, other.id, u.amount, gl_account=other.gl_account),)
            parts: list[tuple] = [("transfer", other.name or other.id, other.number)]
            if len(sides) == 1:
                v = sides[0]
                back = [w for w in by_key.get((mine.id, u.amount), ())
                        if not w.done and abs((w.date - v.date).days) <= window and self._own_target(w) in (None, other)]
                automatic = self.config.auto_own_transfer and len(back) == 1 and not u.blocked and not v.blocked
                self.propose(u, Kind.OWN_TRANSFER, target, 0.97 if automatic else 0.7, automatic,
                             [*parts, ("transfer_pair", v.line.id, v.date)], counterpart=(v.line.id, v.detail))
                self.propose(v, Kind.OWN_TRANSFER, (Target(TargetKind.TRANSFER, mine.id, v.amount, gl_account=mine.gl_account),),
                             0.97 if automatic else 0.7, automatic,
                             [("transfer", mine.name or mine.id, mine.number), ("transfer_pair", u.line.id, u.date)],
                             counterpart=(u.line.id, u.detail))
            else:
                for v in sides[:3]:
                    self.propose(u, Kind.OWN_TRANSFER, target, 0.6, False,
                                 [*parts, ("transfer_pair", v.line.id, v.date)], counterpart=(v.line.id, v.detail))
                if not sides:
                    self.propose(u, Kind.OWN_TRANSFER, target, 0.85, False, [*parts, ("transfer_unpaired",)])
        # No account on either side: the opposite amount on another own account, nearby, is a guess.
        for u in own_lines:
            if u.done or u.proposals or u.cp or u.amount >= 0:
                continue
            sides = [v for acc in idx.own_by_id if acc != u.line.account_id
                     for v in by_key.get((acc, -u.amount), ())
                     if not v.done and not v.proposals and not v.cp and abs((v.date - u.date).days) <= window]
            if len(sides) == 1:
                v = sides[0]
                other, mine = idx.own_by_id[v.line.account_id], idx.own_by_id[u.line.account_id]
                self.propose(u, Kind.OWN_TRANSFER, (Target(TargetKind.TRANSFER, other.id, u.amount, gl_account=other.gl_account),),
                             0.5, False, [("transfer_guess", other.number), ("transfer_pair", v.line.id, v.date)],
                             counterpart=(v.line.id, v.detail))
                self.propose(v, Kind.OWN_TRANSFER, (Target(TargetKind.TRANSFER, mine.id, v.amount, gl_account=mine.gl_account),),
                             0.5, False, [("transfer_guess", mine.number), ("transfer_pair", u.line.id, u.date)],
                             counterpart=(u.line.id, u.detail))

    # -- 5. amount and party ------------------------------------------------------------------------------

    def _parties(self, u: _Unit) -> list[tuple[PartyKey, str, float]]:
        """Who the counterparty is: by account number, else by exact normalised name, else by a
        fuzzy name within the name blocks; (party, how, score)."""
        if u.parties is not None:
            return u.parties
        idx = self.idx
        found: list[tuple[PartyKey, str, float]] = []
        if u.cp:
            found = [(p, "account", 100.0) for p in idx.parties_by_account(account_key(u.cp))]
        if not found and u.name:
            name = normalise_name(u.name)
            if name:
                found = [(p, "name", 100.0) for p in idx.parties_by_name(name)]
                if not found:
                    threshold = self.config.name_threshold
                    for p in idx.parties_by_name_block(name):
                        score = similarity(name, idx.party_name(p))
                        if score >= threshold:
                            found.append((p, "fuzzy", score))
        if len(found) > 1:
            found.sort(key=lambda f: (-f[2], f[0][0].value, f[0][1]))
        u.parties = found
        return found

    def _in_window(self, item: OpenItem, day: dt.date) -> bool:
        if item.due_date is None:
            return True
        before, after = self.config.due_window
        return before <= (day - item.due_date).days <= after

    def _amount_candidates(self, u: _Unit) -> list[tuple[str, str, float]]:
        """(item id, how, score) of items whose remaining amount equals the payment, with party evidence."""
        idx = self.idx
        out: list[tuple[str, str, float]] = []
        parties = self._parties(u)
        for party, how, score in parties:
            for iid in idx.party_amount(party, u.amount):
                if self.rem(iid) == u.amount and idx.items[iid].currency == u.line.currency:
                    out.append((iid, how, score))
        return out

    def _amount_party(self, pending: list[_Unit]) -> None:
        idx = self.idx
        found: dict[int, list[tuple[str, str, float]]] = {}
        claims: dict[str, int] = {}
        for n, u in enumerate(pending):
            if not u.amount or u.evidence:
                continue  # a reference already points somewhere: amount and party would only add noise
            cands = self._amount_candidates(u)
            if cands:
                found[n] = cands
                for iid, _, _ in cands:
                    claims[iid] = claims.get(iid, 0) + 1
        for n, cands in found.items():
            u = pending[n]
            unique = len(cands) == 1
            for iid, how, score in cands:
                item = idx.items[iid]
                if self.rem(iid) != u.amount:
                    continue  # taken meanwhile by a unique match of another line
                in_window = self._in_window(item, u.date)
                parts: list[tuple] = []
                if how == "account":
                    parts.append(("party_account", u.cp, item.party_name or item.party_id))
                else:
                    parts.append(("party_name", u.name, item.party_name, round(score)))
                parts.append(("amount_equal",))
                if item.due_date is not None:
                    parts.append(("in_window" if in_window else "out_window", item.due_date))
                confidence = {"account": 0.9, "name": 0.85}.get(how, 0.5 + (score - self.config.name_threshold) / 100)
                near = [k for k in u.bad_kids if item.kid and kid_near_miss(k, item.kid)]
                if near:
                    parts.insert(0, ("kid_invalid", near[0]))
                if not in_window:
                    confidence -= 0.25
                if not unique:
                    parts.append(("ambiguous", len(cands), tuple(_label(idx.items[c[0]]) for c in cands)))
                    confidence *= 0.6
                if claims[iid] > 1:
                    parts.append(("contested", claims[iid]))
                    confidence *= 0.7
                if u.blocked and not near:
                    parts.append(("ref_elsewhere",))
                    confidence *= 0.5
                automatic = (self.config.auto_amount_party and unique and claims[iid] == 1 and in_window
                             and how in ("account", "name") and not u.blocked)
                u.evidence = True
                self.propose(u, Kind.AMOUNT_PARTY, (Target(OPEN_ITEM, iid, u.amount),), confidence, automatic, parts)
                if automatic:
                    break

    # -- 6. subset sums and fees without a reference ---------------------------------------------------

    def _nearest_items(self, party: PartyKey, u: _Unit, count: int) -> list[str]:
        """Up to `count` open items of `party` going the payment's way, due nearest its date (a
        bounded walk outward from the date, so a party with thousands of items costs no more)."""
        idx = self.idx
        days, ids = idx.party_by_due(party)
        day = u.date.toordinal()
        right = bisect.bisect_left(days, day)
        left = right - 1
        chosen: list[str] = []
        steps = 0
        while len(chosen) < count and (left >= 0 or right < len(ids)) and steps < 8 * count + 64:
            steps += 1
            if right >= len(ids) or (left >= 0 and day - days[left] <= days[right] - day):
                iid, left = ids[left], left - 1
            else:
                iid, right = ids[right], right + 1
            if _same_sign(self.rem(iid), u.amount) and idx.items[iid].currency == u.line.currency:
                chosen.append(iid)
        return sorted(chosen)

    def _subsets(self, pending: list[_Unit]) -> None:
        idx = self.idx
        config = self.config
        for u in pending:
            if u.blocked or u.evidence or not u.amount:
                continue
            for party, how, score in self._parties(u)[:2]:
                items = self._nearest_items(party, u, config.max_subset_items)
                if not items:
                    continue
                values = [self.rem(i) for i in items]
                solutions = subsets_with_sum(values, u.amount, limit=config.max_subset_solutions)
                name = idx.items[items[0]].party_name or party[1]
                for solution in solutions[: config.max_subset_solutions]:
                    chosen = [items[i] for i in solution]
                    parts: list[tuple] = [("subset", len(chosen), name, tuple(_label(idx.items[i]) for i in chosen))]
                    if how == "account":
                        parts.insert(0, ("party_account", u.cp, name))
                    if len(solutions) > 1:
                        parts.append(("subset_many", len(solutions)))
                    unique = len(solutions) == 1
                    automatic = config.auto_subset_sum and unique and how == "account"
                    u.evidence = True
                    self.propose(u, Kind.SUBSET_SUM, tuple(Target(OPEN_ITEM, i, self.rem(i)) for i in chosen),
                                 0.7 if unique else 0.4, automatic, parts)
                    if automatic:
                        break
                if u.done:
                    break
                # Short by a fee, no reference: a proposal.
                sign = 1 if u.amount > 0 else -1
                for iid, value in zip(items, values):
                    short = abs(value) - abs(u.amount)
                    if 0 < short <= config.fee_tolerance and short <= config.fee_max_share * abs(value):
                        item = idx.items[iid]
                        u.evidence = True
                        self.propose(u, Kind.FEE_DEDUCTED, (Target(OPEN_ITEM, iid, value), Target(FEE, config.fee_account, -sign * short)),
                                     0.55 if how != "fuzzy" else 0.45, False,
                                     [("fee_party", short, _label(item)), ("fee", short, config.fee_account)])

    # -- 7. rules and 8. learned suggestions ----------------------------------------------------------

    def _rules(self, pending: list[_Unit]) -> None:
        if not self.rules:
            return
        for u in pending:
            view = u.view()
            rule = rules_module.first_match(self.rules, view)
            if rule is None:
                continue
            targets = rules_module.targets(rule, u.amount)
            if targets is None:
                continue
            parts: list[tuple] = [("rule", rule.label)]
            if len(targets) > 1:
                parts.append(("rule_split", len(targets)))
            automatic = rule.automatic and not u.evidence and not u.blocked and not u.proposals
            self.propose(u, Kind.RULE, targets, 0.95 if automatic else 0.8, automatic, parts, rule_id=rule.id)

    def _learned(self, pending: list[_Unit]) -> None:
        if self.learner is None or not len(self.learner):
            return
        for u in pending:
            if u.evidence or any(p.kind is Kind.RULE for p in u.proposals):
                continue
            for suggestion in self.learner.suggestions(u.view()):
                self.propose(u, Kind.LEARNED, (Target(GL, suggestion.gl_account, u.amount, vat_code=suggestion.vat_code),),
                             suggestion.confidence, False,
                             [("learned", suggestion.count, suggestion.total, suggestion.label, suggestion.gl_account)])


def reconcile(lines: Iterable[BankLine], *, open_items: Iterable[OpenItem] = (), postings: Iterable[LedgerPosting] = (),
              sent_payments: Iterable[SentPayment] = (), own_accounts: Iterable[OwnAccount] = (),
              rules: Iterable[Rule] = (), learner: Learner | None = None, config: Config = Config(),
              index: CandidateIndex | None = None) -> Reconciliation:
    """Match `lines` against the candidates; see the module docstring. Pass a prebuilt `index`
    instead of the candidate lists to match several batches of lines against the same candidates
    (each run starts again from the items' `remaining`)."""
    # The engine makes millions of small acyclic tuples: the cyclic garbage collector would walk
    # the whole heap again and again for nothing, so it pauses for the run.
    paused = gc.isenabled()
    gc.disable()
    try:
        started = time.process_time()
        if index is None:
            index = CandidateIndex(open_items, postings, sent_payments, own_accounts)
        built = time.process_time() - started
        result = _Run(lines, index, list(rules), learner, config).run()
        result.timings["index"] = built
        return result
    finally:
        if paused:
            gc.enable()
