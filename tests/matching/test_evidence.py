"""Each kind of evidence, strongest first: what it matches, when it is automatic, what it says."""

from __future__ import annotations

from avstem.matching import (
    Charges,
    Config,
    ItemKind,
    Kind,
    LedgerPosting,
    Outcome,
    OwnAccount,
    SentPayment,
    TargetKind,
    TxDetail,
)
from tests.matching.builders import DAY, account, best, day, item, kid, line, result_of, run, settled, typo

K1 = kid("0012345")
K2 = kid("0012346")
K3 = kid("0012347")


# --- end-to-end ids of payments we sent -------------------------------------------------------------


def test_end_to_end_id_of_a_payment_we_sent_settles_its_supplier_invoice():
    bill = item("A-77", 800000, "L1", kind=ItemKind.SUPPLIER, name="Mølle AS")
    sent = SentPayment("AVS-A-77", -800000, open_item_ids=("S:A-77",))
    result = run([line("b1", -800000, e2e="AVS-A-77", name="Mølle AS")], [bill], sent_payments=[sent])
    p = best(result, "b1")
    assert p.kind is Kind.END_TO_END and p.automatic and p.confidence == 1.0
    assert settled(p) == {"S:A-77": -800000}
    assert "AVS-A-77" in p.explanation.en and "supplier invoice A-77" in p.explanation.en
    assert "leverandørfaktura A-77" in p.explanation.nb
    assert result.remaining == {"S:A-77": 0}


def test_end_to_end_id_of_a_salary_goes_to_its_gl_account():
    sent = SentPayment("SAL-202503-1", -3200000, gl_account="2930")
    result = run([line("s1", -3200000, e2e="SAL-202503-1")], sent_payments=[sent])
    p = best(result, "s1")
    assert p.automatic and p.targets[0].kind is TargetKind.GL and p.targets[0].ref == "2930"


def test_end_to_end_id_with_another_amount_is_only_proposed_with_the_difference():
    sent = SentPayment("SAL-1", -3200000, gl_account="2930")
    p = best(run([line("s1", -3100000, e2e="SAL-1")], sent_payments=[sent]), "s1")
    assert not p.automatic
    assert sum(t.amount for t in p.targets) == -3100000
    assert any(t.kind is TargetKind.DIFFERENCE and t.amount == 100000 for t in p.targets)


def test_one_bank_line_settles_a_whole_payment_batch():
    bills = [item(f"A-{n}", 10000 * n, f"L{n}", kind=ItemKind.SUPPLIER) for n in range(1, 6)]
    sent = [SentPayment(f"E2E-{n}", -10000 * n, batch_id="PMT-7", open_item_ids=(f"S:A-{n}",)) for n in range(1, 6)]
    total = -sum(10000 * n for n in range(1, 6))
    result = run([line("b", total, pmtinf="PMT-7")], bills, sent_payments=sent)
    p = best(result, "b")
    assert p.kind is Kind.PAYMENT_BATCH and p.automatic
    assert settled(p) == {f"S:A-{n}": -10000 * n for n in range(1, 6)}
    assert "PMT-7" in p.explanation.en and "5 payments" in p.explanation.en


def test_a_batch_line_with_another_total_is_a_whole_line_alternative():
    bills = [item("A-1", 10000, "L1", kind=ItemKind.SUPPLIER), item("A-2", 20000, "L2", kind=ItemKind.SUPPLIER)]
    sent = [SentPayment("E1", -10000, batch_id="B", open_item_ids=("S:A-1",)),
            SentPayment("E2", -20000, batch_id="B", open_item_ids=("S:A-2",))]
    found = run([line("b", -29000, pmtinf="B")], bills, sent_payments=sent).by_line()["b"]
    assert found.outcome is Outcome.PROPOSED
    assert found.alternatives[0].kind is Kind.PAYMENT_BATCH and not found.alternatives[0].automatic


# --- KIDs ---------------------------------------------------------------------------------------------


def test_valid_kid_with_equal_amount_is_automatic_and_explained():
    result = run([line("l", 125000, refs=(K1,))], [item("1042", 125000, kid=K1)])
    p = best(result, "l")
    assert p.kind is Kind.KID and p.automatic and p.confidence >= 0.99
    assert p.explanation.nb == f"KID {K1} er gyldig og hører til faktura 1042; beløpet stemmer"
    assert p.explanation.en == f"KID {K1} is valid and belongs to invoice 1042; amount equal"


def test_mod11_kid_with_dash_check_digit_is_valid():
    payload = next(f"{n:06d}" for n in range(1000) if kid(f"{n:06d}", "MOD11").endswith("-"))
    k = kid(payload, "MOD11")
    p = best(run([line("l", 5000, refs=(k,))], [item("1", 5000, kid=k)]), "l")
    assert p.kind is Kind.KID and p.automatic


def test_kid_printed_with_spaces_is_read():
    spaced = " ".join([K1[:4], K1[4:]])
    assert best(run([line("l", 100, refs=(spaced,))], [item("1", 100, kid=K1)]), "l").automatic


def test_several_kids_settle_several_invoices_when_they_sum_to_the_amount():
    items = [item("1", 10000, kid=K1), item("2", 20000, kid=K2), item("3", 30000, kid=K3)]
    p = best(run([line("l", 60000, refs=(K1, K2, K3))], items), "l")
    assert p.kind is Kind.KID_MULTI and p.automatic
    assert settled(p) == {"C:1": 10000, "C:2": 20000, "C:3": 30000}
    assert "3 items sum to the amount" in p.explanation.en


def test_kids_of_an_invoice_and_a_credit_note_net_off():
    from dataclasses import replace

    invoice = item("1", 50000, kid=K1)
    credit = replace(item("2", 10000, kid=K2), remaining=-10000)
    p = best(run([line("l", 40000, refs=(K1, K2))], [invoice, credit]), "l")
    assert p.kind is Kind.KID_MULTI and p.automatic
    assert settled(p) == {"C:1": 50000, "C:2": -10000}


def test_a_credit_note_alone_is_not_paid_by_money_in():
    from dataclasses import replace

    credit = replace(item("2", 10000, kid=K2), remaining=-10000)
    d = result_of(run([line("l", 10000, refs=(K2,))], [credit]), "l")
    assert d.match is None and "goes the opposite way" in d.reason.en


def test_several_kids_that_do_not_sum_are_a_proposal():
    items = [item("1", 10000, kid=K1), item("2", 20000, kid=K2)]
    d = result_of(run([line("l", 25000, refs=(K1, K2))], items), "l")
    assert d.outcome is Outcome.PROPOSED
    assert d.proposals[0].kind is Kind.PARTIAL
    assert sum(t.amount for t in d.proposals[0].targets) == 25000
    assert d.proposals[0].settles() == {"C:1": 10000, "C:2": 15000}  # the one due first is settled first


def test_ocr_batch_line_is_matched_per_transaction():
    kids = [kid(f"{n:07d}") for n in range(1, 301)]
    items = [item(str(1000 + n), 1000 + n, f"K{n}", kid=k) for n, k in enumerate(kids)]
    details = tuple(TxDetail(amount=1000 + n, creditor_refs=(k,)) for n, k in enumerate(kids))
    result = run([line("ocr", sum(d.amount for d in details), details=details)], items)
    found = result.by_line()["ocr"]
    assert found.outcome is Outcome.MATCHED and len(found.details) == 300
    assert all(d.match.kind is Kind.KID for d in found.details)


def test_an_ocr_batch_with_one_bad_transaction_is_proposed_but_the_rest_stay_certain():
    ks = [kid(f"{n:07d}") for n in range(1, 4)]
    items = [item(str(n), 1000, f"K{n}", kid=k) for n, k in enumerate(ks)]
    bad = typo(ks[2])
    details = (TxDetail(1000, creditor_refs=(ks[0],)), TxDetail(1000, creditor_refs=(ks[1],)), TxDetail(1000, creditor_refs=(bad,)))
    found = run([line("ocr", 3000, details=details)], items).by_line()["ocr"]
    assert found.outcome is Outcome.PROPOSED
    assert [d.outcome for d in found.details] == [Outcome.MATCHED, Outcome.MATCHED, Outcome.LEFT]
    assert "fails its check digit" in found.details[2].reason.en


def test_rf_creditor_reference_finds_the_invoice():
    # RF reference on invoice number 539007547034 (ISO 11649 example).
    p = best(run([line("l", 100, refs=("RF18 5390 0754 7034",))], [item("539007547034", 100)]), "l")
    assert p.kind is Kind.KID and p.automatic and "RF" in p.explanation.en


# --- references in free text --------------------------------------------------------------------------


def test_invoice_number_in_text_with_equal_amount_is_automatic():
    for text in ("Faktura 10023", "Fakt.nr. 10023", "Inv10023", "betaling faktura 10023 Kafé Nord", "10023"):
        p = best(run([line("l", 5000, texts=(text,))], [item("10023", 5000)]), "l")
        assert p.kind is Kind.TEXT_REFERENCE and p.automatic, text


def test_several_invoice_numbers_in_text_settle_them_all():
    items = [item("10023", 5000), item("10024", 7000), item("10025", 1000)]
    p = best(run([line("l", 13000, texts=("Faktura 10023, 10024 og 10025",))], items), "l")
    assert p.automatic and settled(p) == {"C:10023": 5000, "C:10024": 7000, "C:10025": 1000}


def test_kid_in_text_must_pass_its_check_digit():
    good = best(run([line("l", 5000, texts=(f"KID {K1}",))], [item("1", 5000, kid=K1)]), "l")
    assert good.kind is Kind.TEXT_REFERENCE and good.automatic
    bad = typo(K1)
    d = result_of(run([line("l", 5000, texts=(f"KID {bad}",))], [item("1", 5000, kid=bad)]), "l")
    assert d.match is None  # never a match through a KID that fails its check digit


def test_invoice_number_in_text_with_another_amount_is_only_proposed():
    d = result_of(run([line("l", 4000, texts=("Faktura 10023",))], [item("10023", 5000)]), "l")
    assert d.outcome is Outcome.PROPOSED and d.proposals[0].kind is Kind.PARTIAL


# --- amount and party ---------------------------------------------------------------------------------


def test_amount_and_counterparty_account_is_automatic_when_unique():
    items = [item("1", 5000, "K1"), item("2", 7000, "K1"), item("3", 5000, "K2")]
    p = best(run([line("l", 5000, cp=account(1))], items), "l")
    assert p.kind is Kind.AMOUNT_PARTY and p.automatic and settled(p) == {"C:1": 5000}
    assert "belongs to" in p.explanation.en and "amount equal" in p.explanation.en


def test_amount_and_iban_of_the_counterparty():
    from avstem.norway.accounts import account_number_to_iban

    p = best(run([line("l", 5000, cp=account_number_to_iban(account(1)))], [item("1", 5000, "K1")]), "l")
    assert p.automatic


def test_amount_and_exact_name_with_folding_and_legal_form():
    items = [item("1", 5000, "K1", name="Kåre Ødegård Bygg AS", accounts=())]
    p = best(run([line("l", 5000, name="KAARE ODEGAARD BYGG")], items), "l")
    assert p.kind is Kind.AMOUNT_PARTY and p.automatic


def test_fuzzy_name_is_only_a_proposal():
    items = [item("1", 5000, "K1", name="Fjordlys Hotell AS", accounts=())]
    d = result_of(run([line("l", 5000, name="Fjordlys Hotel")], items), "l")
    assert d.outcome is Outcome.PROPOSED and d.proposals[0].kind is Kind.AMOUNT_PARTY
    assert "alike" in d.proposals[0].explanation.en


def test_amount_and_party_outside_the_date_window_is_only_proposed():
    items = [item("1", 5000, "K1", due=day(-400))]
    d = result_of(run([line("l", 5000, cp=account(1))], items), "l")
    assert d.outcome is Outcome.PROPOSED and "outside the date window" in d.proposals[0].explanation.en


def test_amount_alone_without_a_party_is_not_matched():
    d = result_of(run([line("l", 5000)], [item("1", 5000, "K1")]), "l")
    assert d.outcome is Outcome.LEFT
    assert d.reason is not None and d.reason.en.startswith("No KID, reference, amount")


# --- subset sums ----------------------------------------------------------------------------------------


def test_one_payment_for_several_invoices_of_one_customer_by_subset_sum():
    items = [item("1", 11100, "K1"), item("2", 22200, "K1"), item("3", 40400, "K1"), item("4", 80000, "K1")]
    d = result_of(run([line("l", 51500, cp=account(1))], items), "l")
    p = d.proposals[0]
    assert p.kind is Kind.SUBSET_SUM and not p.automatic
    assert settled(p) == {"C:1": 11100, "C:3": 40400}
    assert sum(t.amount for t in p.targets) == 51500
    assert "2 open items" in p.explanation.en


def test_several_subsets_that_fit_are_all_proposed_and_none_is_automatic():
    items = [item(str(n), v, "K1") for n, v in enumerate((100, 200, 300, 400, 500), start=1)]
    d = result_of(run([line("l", 700, cp=account(1))], items, config=Config(auto_subset_sum=True)), "l")
    subsets = [p for p in d.proposals if p.kind is Kind.SUBSET_SUM]
    assert len(subsets) >= 2 and not any(p.automatic for p in subsets)
    assert all(sum(p.settles().values()) == 700 for p in subsets)


def test_a_unique_subset_can_be_automatic_when_configured():
    items = [item("1", 11100, "K1"), item("2", 22200, "K1"), item("3", 40400, "K1")]
    p = best(run([line("l", 51500, cp=account(1))], items, config=Config(auto_subset_sum=True)), "l")
    assert p.kind is Kind.SUBSET_SUM and p.automatic


# --- partial, over-payment, fees ------------------------------------------------------------------------


def test_partial_payment_with_kid_is_automatic_and_leaves_the_rest_open():
    result = run([line("l", 30000, refs=(K1,))], [item("1", 100000, kid=K1)])
    p = best(result, "l")
    assert p.kind is Kind.PARTIAL and p.automatic and settled(p) == {"C:1": 30000}
    assert result.remaining == {"C:1": 70000}
    assert "700,00 står igjen" in p.explanation.nb


def test_partial_payment_is_a_proposal_when_switched_off():
    d = result_of(run([line("l", 30000, refs=(K1,))], [item("1", 100000, kid=K1)], config=Config(auto_partial=False)), "l")
    assert d.match is None and d.proposals[0].kind is Kind.PARTIAL and settled(d.proposals[0]) == {"C:1": 30000}


def test_configured_partial_payments_are_never_automatic_when_the_shortfall_could_be_a_fee():
    config = Config(auto_partial=True)
    fee_sized = best(run([line("l", 96500, refs=(K1,))], [item("1", 100000, kid=K1)], config=config), "l")
    assert not fee_sized.automatic
    by_text = best(run([line("l", 30000, texts=("Faktura 10023",))], [item("10023", 100000)], config=config), "l")
    assert by_text.kind is Kind.PARTIAL and not by_text.automatic  # only a structured reference is enough


def test_overpayment_leaves_the_difference_unapplied_on_the_customer():
    p = best(run([line("l", 105000, refs=(K1,))], [item("1", 100000, kid=K1)]), "l")
    assert p.kind is Kind.OVERPAYMENT and p.automatic
    assert settled(p) == {"C:1": 100000}
    assert [(t.kind, t.ref, t.amount) for t in p.targets if t.kind is TargetKind.UNAPPLIED] == [
        (TargetKind.UNAPPLIED, "customer:K1", 5000)]


def test_overpayment_is_a_proposal_when_switched_off():
    result = run([line("l", 105000, refs=(K1,))], [item("1", 100000, kid=K1)], config=Config(auto_overpayment=False))
    d = result_of(result, "l")
    assert d.match is None and d.proposals[0].kind is Kind.OVERPAYMENT and "C:1" not in result.remaining


def test_overpayment_by_invoice_number_in_text_stays_a_proposal():
    p = best(run([line("l", 105000, texts=("Faktura 10023",))], [item("10023", 100000)]), "l")
    assert p.kind is Kind.OVERPAYMENT and not p.automatic


def test_fee_deducted_within_tolerance_goes_to_the_fee_account_as_a_proposal():
    d = result_of(run([line("l", 96500, texts=("Faktura 10023",))], [item("10023", 100000)]), "l")
    p = d.proposals[0]
    assert p.kind is Kind.FEE_DEDUCTED and not p.automatic
    assert [(t.kind, t.ref, t.amount) for t in p.targets] == [
        (TargetKind.OPEN_ITEM, "C:10023", 100000), (TargetKind.FEE, "7770", -3500)]
    assert any(q.kind is Kind.PARTIAL for q in d.proposals)  # the other reading is offered too


def test_fee_explained_exactly_by_camt_charges_is_automatic():
    p = best(run([line("l", 96500, refs=(K1,), charges=(Charges(3500, True),))], [item("1", 100000, kid=K1)]), "l")
    assert p.kind is Kind.FEE_DEDUCTED and p.automatic
    assert "charges record" in p.explanation.en


def test_charges_that_do_not_explain_the_difference_are_not_enough():
    p = best(run([line("l", 96500, refs=(K1,), charges=(Charges(2500, True),))], [item("1", 100000, kid=K1)]), "l")
    assert p.kind is Kind.FEE_DEDUCTED and not p.automatic


def test_fee_above_tolerance_is_a_partial_payment():
    p = best(run([line("l", 60000, refs=(K1,))], [item("1", 100000, kid=K1)]), "l")
    assert p.kind is Kind.PARTIAL


def test_fee_deducted_without_reference_is_found_through_the_party():
    d = result_of(run([line("l", 96500, cp=account(1))], [item("1", 100000, "K1")]), "l")
    assert d.proposals[0].kind is Kind.FEE_DEDUCTED and not d.proposals[0].automatic


# --- ledger postings ---------------------------------------------------------------------------------------


def test_ledger_posting_with_same_amount_nearby_is_matched():
    posting = LedgerPosting("P1", "OP", day(-1), -129900, "Telenor", "bilag 55")
    p = best(run([line("l", -129900, texts=("Telenor",))], postings=[posting]), "l")
    assert p.kind is Kind.LEDGER_POSTING and p.automatic
    assert p.targets[0].kind is TargetKind.POSTING and p.targets[0].ref == "P1"
    assert "bilag 55" in p.explanation.en and "1 days apart" in p.explanation.en


def test_ledger_posting_on_another_bank_account_or_far_away_is_not_matched():
    postings = [LedgerPosting("P1", "OTHER", DAY, -100), LedgerPosting("P2", "OP", day(-30), -100)]
    assert result_of(run([line("l", -100)], postings=postings), "l").outcome is Outcome.LEFT


def test_two_postings_of_the_same_amount_are_proposed_nearest_first():
    postings = [LedgerPosting("P1", "OP", day(-3), -100), LedgerPosting("P2", "OP", day(-1), -100)]
    d = result_of(run([line("l", -100)], postings=postings), "l")
    assert d.outcome is Outcome.PROPOSED
    assert [p.targets[0].ref for p in d.proposals] == ["P2", "P1"]


def test_a_bill_paid_by_hand_with_its_kid_pairs_with_the_posting_that_carries_the_kid():
    # The ledger settled the bill when the payment was recorded, so the KID names no open item;
    # the posting on the bank's GL account carries it, and another of the same amount does not.
    postings = [LedgerPosting("P1", "OP", day(-1), -450000, "Mølle AS", "1 234 567 897"),
                LedgerPosting("P2", "OP", day(-2), -450000, "Husleie", "")]
    result = run([line("l", -450000, refs=("1234567897",), name="Mølle AS")], postings=postings)
    p = best(result, "l")
    assert p.kind is Kind.LEDGER_POSTING and p.automatic and p.targets[0].ref == "P1"
    assert "the posting carries the line's reference (1234567897)" in p.explanation.en
    assert "samme referanse som banklinjen" in p.explanation.nb


def test_a_kid_that_names_no_open_item_is_not_enough_without_the_posting_carrying_it():
    postings = [LedgerPosting("P1", "OP", day(-1), -450000, "Mølle AS", "1234567880")]
    d = result_of(run([line("l", -450000, refs=("1234567897",))], postings=postings), "l")
    assert d.outcome is Outcome.PROPOSED and not d.proposals[0].automatic and d.proposals[0].targets[0].ref == "P1"


def test_two_lines_carrying_the_reference_of_one_posting_are_both_only_proposed():
    postings = [LedgerPosting("P1", "OP", day(-1), -450000, "Mølle AS", "1234567897")]
    lines = [line("a", -450000, refs=("1234567897",)), line("b", -450000, on=day(1), refs=("1234567897",))]
    result = run(lines, postings=postings)
    for line_id in ("a", "b"):
        assert result_of(result, line_id).outcome is Outcome.PROPOSED


def test_a_posting_named_by_one_line_is_not_taken_by_another_on_amount_alone():
    postings = [LedgerPosting("P1", "OP", day(-1), -450000, "Mølle AS", "1234567897")]
    lines = [line("a", -450000), line("b", -450000, on=day(1), refs=("1234567897",))]
    result = run(lines, postings=postings)
    assert best(result, "b").automatic and best(result, "b").targets[0].ref == "P1"
    assert result_of(result, "a").outcome is not Outcome.MATCHED


def test_a_batch_line_may_match_one_posting_for_the_whole_line():
    details = (TxDetail(-300, counterparty_name="A"), TxDetail(-700, counterparty_name="B"))
    found = run([line("l", -1000, details=details)], postings=[LedgerPosting("P", "OP", DAY, -1000)]).by_line()["l"]
    assert found.alternatives and found.alternatives[0].targets[0].ref == "P"


# --- own transfers --------------------------------------------------------------------------------------


OWN = [OwnAccount("OP", account(501), "1920", "Driftskonto"), OwnAccount("SAV", account(502), "1930", "Sparekonto")]


def test_transfer_between_own_accounts_is_paired_across_the_two():
    out = line("out", -500000, cp=account(502), texts=("Overføring",))
    into = line("in", 500000, acct="SAV", on=day(1), cp=account(501))
    result = run([out, into], own_accounts=OWN)
    p, q = best(result, "out"), best(result, "in")
    assert p.kind is q.kind is Kind.OWN_TRANSFER and p.automatic and q.automatic
    assert p.targets[0].gl_account == "1930" and q.targets[0].gl_account == "1920"
    assert p.counterpart == ("in", None) and q.counterpart == ("out", None)
    assert "in" in p.explanation.en and "Sparekonto" in p.explanation.en


def test_transfer_without_its_other_side_is_proposed():
    p = best(run([line("out", -500000, cp=account(502))], own_accounts=OWN), "out")
    assert p.kind is Kind.OWN_TRANSFER and not p.automatic and "not among the bank lines" in p.explanation.en


def test_two_possible_other_sides_make_proposals():
    lines = [line("out", -500000, cp=account(502)), line("in1", 500000, acct="SAV"), line("in2", 500000, acct="SAV", on=day(1))]
    d = result_of(run(lines, own_accounts=OWN), "out")
    assert d.outcome is Outcome.PROPOSED and len(d.proposals) == 2


def test_opposite_amounts_without_account_numbers_are_a_guess():
    lines = [line("out", -500000, texts=("Overføring",)), line("in", 500000, acct="SAV", texts=("Overføring",))]
    p = best(run(lines, own_accounts=OWN), "out")
    assert p.kind is Kind.OWN_TRANSFER and not p.automatic and p.confidence <= 0.5


# --- lines that are left -------------------------------------------------------------------------------


def test_pending_line_is_left_with_its_reason():
    d = result_of(run([line("l", 100, refs=(K1,), status="PDNG")], [item("1", 100, kid=K1)]), "l")
    assert d.outcome is Outcome.LEFT and "not booked yet" in d.reason.en


def test_other_currency_is_not_matched_automatically():
    d = result_of(run([line("l", 100, refs=(K1,), currency="EUR")], [item("1", 100, kid=K1)]), "l")
    assert d.match is None and "another currency (NOK)" in d.reason.en


def test_every_proposal_targets_sum_to_the_amount_of_its_transaction():
    items = [item("1", 100000, kid=K1), item("2", 50000, "K2", kid=K2)]
    lines = [line("a", 96500, refs=(K1,)), line("b", 150000, refs=(K2,)), line("c", 20000, refs=(K2,))]
    for found in run(lines, items).lines:
        for d in found.details:
            for p in d.proposals:
                assert sum(t.amount for t in p.targets) == d.amount
