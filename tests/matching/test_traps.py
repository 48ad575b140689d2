"""The traps that catch the matching engines of today: each one has a test."""

from __future__ import annotations

import dataclasses
import random

from avstem.matching import Config, ItemKind, Kind, Outcome, TargetKind
from tests.matching.builders import account, best, day, item, kid, line, result_of, run, settled, typo

K1 = kid("0012345")
K2 = kid("0012346")


# --- a KID with a typo ------------------------------------------------------------------------------------


def test_a_kid_with_a_typo_is_never_matched_as_a_kid():
    wrong = typo(K1)
    d = result_of(run([line("l", 5000, refs=(wrong,))], [item("1", 5000, kid=K1)]), "l")
    assert d.outcome is Outcome.LEFT
    assert f"KID {wrong} fails its check digit" in d.reason.en
    assert "har feil kontrollsiffer" in d.reason.nb


def test_a_kid_with_a_typo_is_still_proposed_by_amount_and_party_but_not_automatic():
    wrong = typo(K1, position=3)
    d = result_of(run([line("l", 5000, refs=(wrong,), cp=account(1))], [item("1", 5000, "K1", kid=K1)]), "l")
    p = d.proposals[0]
    assert p.kind is Kind.AMOUNT_PARTY and not p.automatic and settled(p) == {"C:1": 5000}
    assert p.confidence >= 0.8  # one keystroke from the item's own KID
    assert "fails its check digit" in p.explanation.en


def test_a_typo_that_happens_to_be_another_valid_kid_points_at_that_invoice_not_by_amount():
    # A wrong KID that passes its check digit is someone else's KID: the amount decides nothing.
    other = kid("0099999")
    items = [item("1", 5000, "K1", kid=K1), item("2", 7000, "K2", kid=other)]
    d = result_of(run([line("l", 5000, refs=(other,), cp=account(1))], items), "l")
    assert d.match is None
    assert {p.kind for p in d.proposals} >= {Kind.PARTIAL}  # 5000 of invoice 2's 7000 (its KID says so)


def test_a_valid_kid_of_no_open_item_blocks_an_automatic_amount_match():
    stranger = kid("5555555")
    d = result_of(run([line("l", 5000, refs=(stranger,), cp=account(1))], [item("1", 5000, "K1", kid=K1)]), "l")
    assert d.match is None and d.proposals[0].kind is Kind.AMOUNT_PARTY
    assert "belongs to no open item" in d.reason.en


def test_a_valid_kid_of_another_customer_is_not_applied_unevenly_when_the_payer_is_known_elsewhere():
    # Customer 1 (account 1) pays 500,00 with customer 2's valid KID: a partial payment of
    # invoice 2 by its KID, but the payer's account says otherwise, so it waits for a click.
    other = kid("0099999")
    items = [item("1", 50000, "K1", kid=K1), item("2", 200000, "K2", kid=other)]
    d = result_of(run([line("l", 50000, refs=(other,), cp=account(1))], items), "l")
    assert d.match is None
    assert any(p.kind is Kind.PARTIAL for p in d.proposals)
    assert "belongs to another customer or supplier" in next(p for p in d.proposals if p.kind is Kind.PARTIAL).explanation.en
    same_payer = run([line("l", 50000, refs=(other,), cp=account(2))], items)
    assert best(same_payer, "l").kind is Kind.PARTIAL and best(same_payer, "l").automatic


# --- the same payment twice -------------------------------------------------------------------------------


def test_the_same_payment_twice_settles_once_and_the_second_is_left_as_a_credit_on_the_customer():
    lines = [line("first", 5000, refs=(K1,)), line("second", 5000, refs=(K1,), on=day(2))]
    result = run(lines, [item("1", 5000, kid=K1)])
    assert best(result, "first").automatic
    p = best(result, "second")
    assert p.kind is Kind.DUPLICATE and p.automatic
    assert p.settles() == {}  # it must not settle the settled item again
    assert [(t.kind, t.ref, t.amount) for t in p.targets] == [(TargetKind.UNAPPLIED, "customer:K1", 5000)]
    assert "already settled by bank line first" in p.explanation.en
    assert "left as a credit on the customer" in p.explanation.en
    assert result.remaining == {"C:1": 0}


def test_the_same_payment_twice_is_for_review_when_switched_off_or_named_only_in_text():
    lines = [line("first", 5000, refs=(K1,)), line("second", 5000, refs=(K1,), on=day(2))]
    d = result_of(run(lines, [item("1", 5000, kid=K1)], config=Config(auto_duplicate=False)), "second")
    assert d.outcome is Outcome.PROPOSED and d.proposals[0].kind is Kind.DUPLICATE and not d.proposals[0].automatic
    lines = [line("first", 5000, texts=("Faktura 10023",)), line("second", 5000, texts=("Faktura 10023",), on=day(1))]
    d = result_of(run(lines, [item("10023", 5000)]), "second")
    assert d.match is None and d.proposals[0].kind is Kind.DUPLICATE


def test_a_kid_of_an_item_settled_before_this_run_is_for_review():
    settled_earlier = dataclasses.replace(item("1", 5000, kid=K1), remaining=0)
    d = result_of(run([line("l", 5000, refs=(K1,))], [settled_earlier]), "l")
    assert d.match is None and d.proposals[0].kind is Kind.DUPLICATE and not d.proposals[0].automatic


def test_the_same_payment_twice_on_the_same_day_is_decided_by_line_id_whatever_the_input_order():
    lines = [line("b", 5000, refs=(K1,)), line("a", 5000, refs=(K1,))]
    for order in (lines, lines[::-1]):
        result = run(order, [item("1", 5000, kid=K1)])
        assert best(result, "a").automatic and best(result, "b").kind is Kind.DUPLICATE


def test_the_same_text_reference_twice_is_a_duplicate_too():
    lines = [line("first", 5000, texts=("Faktura 10023",)), line("second", 5000, texts=("Faktura 10023",), on=day(1))]
    result = run(lines, [item("10023", 5000)])
    assert best(result, "first").automatic and best(result, "second").kind is Kind.DUPLICATE


def test_the_same_payment_by_amount_and_party_twice_is_not_matched_automatically_either():
    lines = [line("first", 5000, cp=account(1)), line("second", 5000, cp=account(1), on=day(1))]
    result = run(lines, [item("1", 5000, "K1")])
    # Two lines compete for one item with the same evidence: neither is certain.
    assert not best(result, "first").automatic and not best(result, "second").automatic
    assert "2 bank lines fit the same item" in best(result, "first").explanation.en


# --- two open invoices of equal amount for one customer ----------------------------------------------------


def test_twins_by_amount_and_party_are_proposed_together_and_not_automatic():
    items = [item("1", 5000, "K1"), item("2", 5000, "K1")]
    d = result_of(run([line("l", 5000, cp=account(1))], items), "l")
    assert d.outcome is Outcome.PROPOSED
    assert {tuple(p.settles()) for p in d.proposals[:2]} == {("C:1",), ("C:2",)}
    assert all(not p.automatic for p in d.proposals)
    assert "2 open items fit equally well: invoice 1 and invoice 2" in d.proposals[0].explanation.en


def test_twins_are_decided_by_a_valid_kid():
    items = [item("1", 5000, "K1", kid=K1), item("2", 5000, "K1", kid=K2)]
    p = best(run([line("l", 5000, refs=(K2,), cp=account(1))], items), "l")
    assert p.automatic and settled(p) == {"C:2": 5000}


def test_twins_are_decided_by_the_invoice_number_in_the_text():
    items = [item("10023", 5000, "K1"), item("10024", 5000, "K1")]
    p = best(run([line("l", 5000, texts=("Betaling faktura 10024",), cp=account(1))], items), "l")
    assert p.kind is Kind.TEXT_REFERENCE and p.automatic and settled(p) == {"C:10024": 5000}


def test_twins_paid_twice_by_amount_settle_nothing_automatically():
    items = [item("1", 5000, "K1"), item("2", 5000, "K1")]
    lines = [line("a", 5000, cp=account(1)), line("b", 5000, cp=account(1), on=day(1))]
    result = run(lines, items)
    assert result.counts()["matched"] == 0


# --- a partial payment that equals another invoice's amount ---------------------------------------------------


def test_partial_payment_equal_to_another_invoice_follows_its_kid():
    items = [item("1", 10000, "K1", kid=K1), item("2", 4000, "K1", kid=K2)]
    d = result_of(run([line("l", 4000, refs=(K1,), cp=account(1))], items), "l")
    assert d.match is None
    p = d.proposals[0]
    assert p.kind is Kind.PARTIAL and settled(p) == {"C:1": 4000}
    others = [q for q in d.proposals if q.settles() == {"C:2": 4000}]
    assert all(q.confidence < p.confidence for q in others)
    assert all("does not confirm this item" in q.explanation.en for q in others)


def test_partial_payment_equal_to_another_invoice_follows_its_text_reference():
    items = [item("10023", 10000, "K1"), item("10024", 4000, "K1")]
    d = result_of(run([line("l", 4000, texts=("Faktura 10023",), cp=account(1))], items), "l")
    assert d.match is None and d.proposals[0].settles() == {"C:10023": 4000}


def test_amount_alone_never_matches_automatically():
    # The amount equals an open invoice but nothing says whose payment it is.
    d = result_of(run([line("l", 4000)], [item("2", 4000, "K1")]), "l")
    assert d.match is None


# --- digit fragments and other greed ------------------------------------------------------------------------


def test_invoice_numbers_are_whole_words_never_fragments_of_longer_numbers():
    for text in ("Faktura 100231", "Ordre 910023", "Ref 10023-2", "tlf 4810023"):
        d = result_of(run([line("l", 5000, texts=(text,))], [item("10023", 5000)]), "l")
        assert d.match is None, text


def test_a_card_purchase_at_rema_1000_is_not_a_payment_of_invoice_1000():
    items = [item("1000", 45000, "K1"), item("1000", 45000, "L1", kind=ItemKind.SUPPLIER)]
    d = result_of(run([line("l", -45000, texts=("*4521 04.03 NOK 450,00 REMA 1000 Kurs: 1.0000",))], items), "l")
    assert d.match is None


def test_a_short_number_nobody_announced_proposes_only_on_an_exact_amount():
    items = [item("512", 5000, "K1")]
    assert result_of(run([line("l", 4000, texts=("Hilsen 512",))], items), "l").outcome is Outcome.LEFT
    d = result_of(run([line("l", 5000, texts=("Hilsen 512",))], items), "l")
    assert d.outcome is Outcome.PROPOSED and not d.proposals[0].automatic


def test_many_customers_with_equal_amounts_none_with_evidence_are_left():
    items = [item(str(n), 5000, f"K{n}") for n in range(1, 30)]
    assert run([line("l", 5000)], items).counts() == {"matched": 0, "proposed": 0, "left": 1}


def test_competing_strong_and_weak_evidence_the_strong_one_wins_regardless_of_order():
    # Line "a" (earlier) has only amount + party; line "b" has the KID. The KID takes the item.
    items = [item("1", 5000, "K1", kid=K1)]
    lines = [line("a", 5000, cp=account(1), on=day(-1)), line("b", 5000, refs=(K1,))]
    for order in (lines, lines[::-1]):
        result = run(order, items)
        assert best(result, "b").automatic and best(result, "b").kind is Kind.KID
        assert result_of(result, "a").match is None


def test_auto_flags_do_not_turn_twins_automatic():
    items = [item("1", 5000, "K1"), item("2", 5000, "K1")]
    config = Config(auto_partial=True, auto_overpayment=True, auto_subset_sum=True)
    result = run([line("l", 5000, cp=account(1))], items, config=config)
    assert result.counts()["matched"] == 0


def test_random_noise_lines_are_never_matched_automatically():
    rng = random.Random(3)
    items = [item(str(10000 + n), rng.randrange(100, 10**6), f"K{n % 40}", kid=kid(f"{n:08d}")) for n in range(400)]
    lines = [line(f"x{n}", rng.randrange(100, 10**6), texts=(f"Diverse {rng.randrange(10**6)}",)) for n in range(400)]
    assert run(lines, items).counts()["matched"] == 0


def test_the_same_payment_three_times_in_any_order_settles_the_earliest():
    import itertools

    lines = [line("c", 5000, refs=(K1,), on=day(3)), line("a", 5000, refs=(K1,), on=day(1)),
             line("b", 5000, refs=(K1,), on=day(2))]
    for order in itertools.permutations(lines):
        result = run(list(order), [item("1", 5000, kid=K1)])
        assert best(result, "a").automatic
        for dup in ("b", "c"):
            p = best(result, dup)
            assert p.kind is Kind.DUPLICATE and "already settled by bank line a" in p.explanation.en
        assert [r.line_id for r in result.lines] == [x.id for x in order]
