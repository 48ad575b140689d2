"""Indexes over the candidates, so that no bank line ever scans them all.

Built once per run: open items by KID, by invoice number and by party (and, per party touched,
by amount); parties by account number and normalised name (and name blocks for fuzzy lookups);
sent payments by end-to-end id and batch id; ledger postings
by (bank account, amount); own accounts by number. The rarely used ones are built on first use.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable, Iterable
from itertools import chain, filterfalse
from operator import methodcaller

from avstem.matching.model import ItemKind, LedgerPosting, OpenItem, OwnAccount, SentPayment
from avstem.matching.normalise import account_key, compact_ref, invoice_key, normalise_name

PartyKey = tuple[ItemKind, str]
_NO_DATE = datetime.date(1900, 1, 1)
_ID = operator.attrgetter("id")
_KID = operator.attrgetter("kid")
_NUMBER = operator.attrgetter("invoice_number")
NAME_BLOCK_LIMIT = 200
_KIND_ORDER = {ItemKind.CUSTOMER: 0, ItemKind.SUPPLIER: 1}


def _party_order(party: PartyKey) -> tuple[int, str]:
    return (_KIND_ORDER[party[0]], party[1])

  # a name token shared by more parties than this is no use as a block


def _first_index(keys: list[str], values: list, ids: list[str]) -> tuple[dict, dict[str, list[str]]]:
    """key -> the value of the first item with that key (a dictionary made in C: inserted
    backwards, so the first wins); and key -> ids of every item, for keys on more than one."""
    index = dict(zip(reversed(keys), reversed(values)))
    index.pop("", None)
    more: dict[str, list[str]] = {}
    if len(index) != len(keys) - keys.count(""):
        seen: set[str] = set()
        twice = {k for k in keys if k and (k in seen or seen.add(k))}  # type: ignore[func-returns-value]
        for k, iid in zip(keys, ids):
            if k in twice:
                more.setdefault(k, []).append(iid)
    return index, more


def _rekey(index: dict, more: dict[str, list[str]], keys: list[str], normal: Callable[[str], str],
           id_of: Callable[[object], str]) -> None:
    """Move `keys` of `index` (and `more`) to their lookup form, merging keys that then meet."""
    for key in keys:
        value, new = index.pop(key), normal(key)
        moved = more.pop(key, [id_of(value)])
        if new in index:
            more[new] = sorted(set(more.get(new, [id_of(index[new])]) + moved))
        else:
            index[new] = value
            if len(moved) > 1:
                more[new] = moved


class CandidateIndex:
    def __init__(self, open_items: Iterable[OpenItem] = (), postings: Iterable[LedgerPosting] = (),
                 sent_payments: Iterable[SentPayment] = (), own_accounts: Iterable[OwnAccount] = ()) -> None:
        open_items = open_items if isinstance(open_items, (list, tuple)) else list(open_items)
        # The id and KID indexes are made in C (dict over zip); the loop below does the rest.
        items: dict[str, OpenItem] = dict(zip(map(_ID, open_items), open_items))
        if len(items) != len(open_items):
            seen: set[str] = set()
            twice = next(i.id for i in open_items if i.id in seen or seen.add(i.id))  # type: ignore[func-returns-value]
            raise ValueError(f"open item {twice!r} is given twice")
        ids = list(items)
        # KID -> the item itself (the hot path needs no second lookup); invoice number -> item id.
        kid, kid_more = _first_index(list(map(_KID, open_items)), open_items, ids)
        odd = [k for k in filterfalse(str.isdigit, kid) if compact_ref(k) != k]  # printed with spaces
        _rekey(kid, kid_more, odd, compact_ref, lambda item: item.id)
        invoice, invoice_more = _first_index(list(map(_NUMBER, open_items)), ids, ids)
        odd = [n for n in chain(filterfalse(str.isdigit, invoice), filter(methodcaller("startswith", "0"), invoice))
               if invoice_key(n) != n]  # "a-77 ", "0042": the lookup form
        _rekey(invoice, invoice_more, odd, invoice_key, lambda iid: iid)
        # Items by party. Grouped by party id per kind first: hashing a (kind, id) key per item would
        # call the enum's Python-level __hash__ a million times.
        customers: dict[str, list[str]] = {}
        suppliers: dict[str, list[str]] = {}
        customer = ItemKind.CUSTOMER
        for item in open_items:
            group = customers if item.kind is customer else suppliers
            bucket = group.get(item.party_id)
            if bucket is None:
                group[item.party_id] = [item.id]
            else:
                bucket.append(item.id)
        party_items: dict[PartyKey, list[str]] = {(ItemKind.CUSTOMER, p): ids for p, ids in customers.items()}
        party_items.update(((ItemKind.SUPPLIER, p), ids) for p, ids in suppliers.items())
        self.items = items
        self.kid, self.kid_more = kid, kid_more
        self.invoice, self.invoice_more = invoice, invoice_more
        self.party_items = party_items
        self._party_amounts: dict[PartyKey, dict[int, list[str]]] = {}
        self._parties_by_account: dict[str, list[PartyKey]] | None = None
        self._parties_by_name: dict[str, list[PartyKey]] | None = None
        self._name_blocks: dict[str, list[PartyKey]] | None = None
        self._party_names: dict[PartyKey, str] = {}
        self._party_due: dict[PartyKey, tuple[list[int], list[str]]] = {}

        self.sent_by_e2e: dict[str, list[SentPayment]] = {}
        self.sent_by_batch: dict[str, list[SentPayment]] = {}
        for sent in sent_payments:
            if sent.end_to_end_id:
                self.sent_by_e2e.setdefault(sent.end_to_end_id, []).append(sent)
            if sent.batch_id:
                self.sent_by_batch.setdefault(sent.batch_id, []).append(sent)
        for group in (*self.sent_by_e2e.values(), *self.sent_by_batch.values()):
            group.sort(key=lambda s: (s.end_to_end_id, s.batch_id, s.amount))

        self.postings: dict[str, LedgerPosting] = {}
        self.postings_by_amount: dict[tuple[str, int], list[LedgerPosting]] = {}
        for posting in postings:
            if posting.id in self.postings:
                raise ValueError(f"ledger posting {posting.id!r} is given twice")
            self.postings[posting.id] = posting
            self.postings_by_amount.setdefault((posting.account_id, posting.amount), []).append(posting)
        for group in self.postings_by_amount.values():
            group.sort(key=lambda p: (p.date, p.id))

        self.own_by_id: dict[str, OwnAccount] = {}
        self.own_by_number: dict[str, OwnAccount] = {}
        for own in own_accounts:
            self.own_by_id[own.id] = own
            self.own_by_number[account_key(own.number)] = own

    # -- lookups ------------------------------------------------------------------------------------

    def by_kid(self, kid: str) -> tuple[str, ...]:
        more = self.kid_more.get(kid)
        if more is not None:
            return tuple(sorted(more))
        found = self.kid.get(kid)
        return (found.id,) if found is not None else ()

    def by_invoice(self, key: str) -> tuple[str, ...]:
        more = self.invoice_more.get(key)
        if more is not None:
            return tuple(sorted(more))
        found = self.invoice.get(key)
        return (found,) if found is not None else ()

    def party_amount(self, party: PartyKey, amount: int) -> list[str]:
        """Items of `party` whose remaining amount was `amount` when the run started."""
        amounts = self._party_amounts.get(party)
        if amounts is None:
            amounts = {}
            items = self.items
            for iid in self.party_items.get(party, ()):
                found = amounts.get(items[iid].remaining)
                if found is None:
                    amounts[items[iid].remaining] = [iid]
                else:
                    found.append(iid)
            for found in amounts.values():
                if len(found) > 1:
                    found.sort()
            self._party_amounts[party] = amounts
        return amounts.get(amount, [])

    def party_by_due(self, party: PartyKey) -> tuple[list[int], list[str]]:
        """The items of `party` ordered by due date (then id): (day ordinals, ids)."""
        found = self._party_due.get(party)
        if found is None:
            pairs = sorted(((self.items[i].due_date or _NO_DATE).toordinal(), i) for i in self.party_items.get(party, ()))
            found = ([d for d, _ in pairs], [i for _, i in pairs])
            self._party_due[party] = found
        return found

    def party_name(self, party: PartyKey) -> str:
        """The normalised name of a party (a party's name and accounts are read from one of its
        items: they are the party's, the same on each)."""
        name = self._party_names.get(party)
        if name is None:
            name = normalise_name.__wrapped__(self.items[self.party_items[party][0]].party_name)  # cached here, per party
            self._party_names[party] = name
        return name

    def _build_parties(self) -> None:
        by_account: dict[str, list[PartyKey]] = {}
        by_name: dict[str, list[PartyKey]] = {}
        items = self.items
        for party, ids in self.party_items.items():
            first = items[ids[0]]
            for account in first.party_accounts:
                key = account_key(account)
                if key:
                    found = by_account.get(key)
                    if found is None:
                        by_account[key] = [party]
                    elif party not in found:
                        found.append(party)
            name = self.party_name(party)
            if name:
                found = by_name.get(name)
                if found is None:
                    by_name[name] = [party]
                else:
                    found.append(party)
        # Lists in a stable order, whatever the order of the input.
        for index in (by_account, by_name):
            for parties in index.values():
                if len(parties) > 1:
                    parties.sort(key=_party_order)
        self._parties_by_account, self._parties_by_name = by_account, by_name

    def _build_name_blocks(self) -> None:
        blocks: dict[str, list[PartyKey]] = {}
        if self._parties_by_name is None:
            self._build_parties()
        for name, parties in self._parties_by_name.items():  # type: ignore[union-attr]
            for token in set(name.split()):
                if len(token) >= 3:
                    blocks.setdefault(token[:4], []).extend(parties)
        for block in blocks.values():
            block.sort(key=_party_order)
        self._name_blocks = blocks

    def parties_by_account(self, account: str) -> list[PartyKey]:
        if self._parties_by_account is None:
            self._build_parties()
        return self._parties_by_account.get(account, [])  # type: ignore[union-attr]

    def parties_by_name(self, name: str) -> list[PartyKey]:
        if self._parties_by_name is None:
            self._build_parties()
        return self._parties_by_name.get(name, [])  # type: ignore[union-attr]

    def parties_by_name_block(self, name: str) -> list[PartyKey]:
        """Parties sharing a name token's first four letters with `name` (fuzzy candidates)."""
        if self._name_blocks is None:
            self._build_name_blocks()
        found: dict[PartyKey, None] = {}
        for token in set(name.split()):
            if len(token) >= 3:
                block = self._name_blocks.get(token[:4], [])  # type: ignore[union-attr]
                if len(block) <= NAME_BLOCK_LIMIT:
                    found.update(dict.fromkeys(block))
        return list(found)
