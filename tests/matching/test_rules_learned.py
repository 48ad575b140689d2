"""Bank rules (in order, first match wins, splits) and suggestions learned from history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from avstem.matching import (
    Direction,
    InvalidRule,
    Kind,
    Learner,
    LineView,
    PostedLine,
    Rule,
    Split,
    TargetKind,
    TxDetail,
    allocate,
    first_match,
    rule_draft,
)
from avstem.matching import rules as rules_module
from tests.matching.builders import account, best, day, item, kid, line, result_of, run

CARD = "*4521 04.03 NOK 450,00 REMA 1000 Kurs: 1.0000"


def view(amount=-45000, text=CARD, name="", cp="", acct="OP"):
    return LineView(amount, (text,) if text else (), name, cp, acct)


# --- conditions ---------------------------------------------------------------------------------------


def test_text_contains_is_folded_and_punctuation_blind():
    rule = Rule("r", "6540", text_contains="microsoft 365")
    assert rules_module.matches(rule, view(text="*4521 NOK 1150,00 MICROSOFT*365"))
    assert rules_module.matches(Rule("r", "6800", text_contains="grønn"), view(text="GRØNN KONTAKT"))
    assert not rules_module.matches(rule, view(text="Microsoft Azure"))


def test_regex_counterparty_amount_and_direction_conditions():
    assert rules_module.matches(Rule("r", "7770", text_regex=r"gebyr\s+\w+"), view(text="Gebyr kontohold"))
    assert rules_module.matches(Rule("r", "6900", counterparty="telenor"), view(name="TELENOR NORGE AS"))
    assert rules_module.matches(Rule("r", "6900", counterparty=account(7)), view(cp=account(7)))
    assert not rules_module.matches(Rule("r", "6900", counterparty=account(7)), view(cp=account(8)))
    assert rules_module.matches(Rule("r", "1", text_contains="rema", amount_min=40000, amount_max=50000), view())
    assert not rules_module.matches(Rule("r", "1", text_contains="rema", amount_equal=45001), view())
    assert not rules_module.matches(Rule("r", "1", text_contains="rema", direction=Direction.IN), view())
    assert rules_module.matches(Rule("r", "1", text_contains="rema", direction="out"), view())
    assert not rules_module.matches(Rule("r", "1", text_contains="rema", account_id="SAV"), view())


def test_rules_apply_in_their_order_and_the_first_match_wins():
    rules = rules_module.ordered([Rule("b", "6800", order=2, text_contains="rema"),
                                  Rule("a", "4000", order=1, text_contains="rema 1000"),
                                  Rule("c", "7000", order=1, text_contains="circle k")])
    assert [r.id for r in rules] == ["a", "c", "b"]
    assert first_match(rules, view()).id == "a"
    assert first_match(rules, view(text="REMA 1001 Storo")).id == "b"
    assert first_match(rules, view(text="Kiwi")) is None


@pytest.mark.parametrize("bad", [
    {"text_regex": "(unclosed"},
    {"text_regex": "a" * 201},
    {},
    {"text_contains": "x", "amount_min": 10, "amount_max": 5},
    {"text_contains": "x", "splits": (Split("1", percent=Decimal(60)), Split("2", percent=Decimal(50)))},
])
def test_a_rule_that_cannot_work_is_refused_with_a_reason(bad):
    with pytest.raises(InvalidRule):
        Rule("r", "6800", **bad)


def test_a_split_needs_percent_or_amount():
    with pytest.raises(InvalidRule):
        Split("6800")
    with pytest.raises(InvalidRule):
        Split("6800", percent=Decimal(10), amount=100)
    with pytest.raises(InvalidRule):
        Split("6800", amount=-5)


# --- results and splits ------------------------------------------------------------------------------


def test_rule_result_with_vat_code_and_description():
    rule = Rule("r", "6800", name="Dagligvarer", text_contains="rema", vat_code="1", description="Kontorrekvisita", automatic=True)
    p = best(run([line("l", -45000, texts=(CARD,))], rules=[rule]), "l")
    assert p.kind is Kind.RULE and p.automatic and p.rule_id == "r"
    assert [(t.kind, t.ref, t.amount, t.vat_code, t.description) for t in p.targets] == [
        (TargetKind.GL, "6800", -45000, "1", "Kontorrekvisita")]
    assert p.explanation.nb == "Regelen «Dagligvarer» passer"


def test_a_rule_that_is_not_automatic_is_a_proposal():
    p = best(run([line("l", -45000, texts=(CARD,))], rules=[Rule("r", "6800", text_contains="rema")]), "l")
    assert p.kind is Kind.RULE and not p.automatic


def test_split_fixed_amount_then_percentages_then_the_rest_sums_exactly():
    rule = Rule("r", "6300", text_contains="husleie", splits=(
        Split("6340", amount=50000, description="Strøm"), Split("6300", percent=Decimal("33.33")), Split("6320", percent=Decimal("33.33"))))
    targets = rules_module.targets(rule, -1000001)
    assert sum(t.amount for t in targets) == -1000001
    assert targets[0].ref == "6340" and targets[0].amount == -50000
    assert [t.ref for t in targets] == ["6340", "6300", "6320", "6300"]


def test_split_whose_fixed_parts_exceed_the_amount_does_not_apply():
    rule = Rule("r", "6300", text_contains="x", splits=(Split("6340", amount=50000),))
    assert rules_module.targets(rule, -100) is None
    d = result_of(run([line("l", -100, texts=("x",))], rules=[rule]), "l")
    assert d.outcome.value == "left"


@given(st.integers(-10**12, 10**12), st.lists(st.integers(0, 10**6), min_size=1, max_size=8).filter(lambda w: sum(w) > 0))
def test_allocate_is_exact_and_proportional(total, weights):
    parts = allocate(total, weights)
    assert sum(parts) == total
    for part, weight in zip(parts, weights):
        exact = abs(total) * weight / sum(weights)
        assert abs(abs(part) - exact) < 1.0 + 1e-9


def test_rules_never_override_stronger_evidence():
    k = kid("0012345")
    rule = Rule("r", "3000", text_contains="innbetaling", automatic=True)
    result = run([line("l", 5000, refs=(k,), texts=("Innbetaling",))], [item("1", 5000, kid=k)], rules=[rule])
    assert best(result, "l").kind is Kind.KID


def test_an_automatic_rule_is_only_a_proposal_when_the_line_has_other_evidence():
    rule = Rule("r", "3000", text_contains="innbetaling", automatic=True)
    items = [item("1", 5000, "K1"), item("2", 5000, "K1")]
    d = result_of(run([line("l", 5000, texts=("Innbetaling",), cp=account(1))], items, rules=[rule]), "l")
    assert d.match is None and any(p.kind is Kind.RULE and not p.automatic for p in d.proposals)


# --- a rule from a line -----------------------------------------------------------------------------


def test_rule_draft_from_a_card_line_uses_the_merchant():
    draft = rule_draft(line("l", -45000, texts=(CARD,)), "6800")
    assert draft.text_contains == "rema 1000" and draft.direction is Direction.OUT and draft.gl_account == "6800"
    assert draft.name == "REMA 1000" and not draft.automatic and draft.account_id == "OP"
    assert rules_module.matches(draft, view(text="*9999 05.04 NOK 129,00 REMA 1000 Kurs: 1.0000"))


def test_rule_draft_from_a_line_with_a_counterparty_account():
    source = line("l", -89900, name="Telenor Norge AS", cp=account(12), texts=("Faktura 123",))
    draft = rule_draft(source, "6900", vat_code="1")
    assert draft.counterparty == account(12) and draft.vat_code == "1"
    assert rules_module.matches(draft, LineView(-129900, ("Faktura 456",), "", account(12), "OP"))


def test_rule_draft_from_one_detail_and_from_nothing():
    source = line("l", -300, details=(TxDetail(-100, counterparty_name="Posten Norge"), TxDetail(-200)))
    assert rule_draft(source, "6860", detail=0).counterparty == "Posten Norge"
    with pytest.raises(InvalidRule):
        rule_draft(line("l", -100), "6860")


# --- learned suggestions ------------------------------------------------------------------------------


def history(merchant_text, accounts, start=-200):
    return [PostedLine(f"{merchant_text}-{n}", day(start + n), -40000 - n, gl, texts=(merchant_text,))
            for n, gl in enumerate(accounts)]


def test_learned_suggestion_counts_the_last_lines_and_says_so():
    learner = Learner(history("*1111 01.02 NOK 400,00 REMA 1000 Kurs: 1.0000", ["6800"] * 3 + ["4000"] * 8 + ["6800"]))
    suggestion = learner.suggest(view())
    assert suggestion.gl_account == "4000" and (suggestion.count, suggestion.total) == (8, 12)
    result = run([line("l", -45000, texts=(CARD,))], learner=learner)
    p = best(result, "l")
    assert p.kind is Kind.LEARNED and not p.automatic
    assert p.explanation.en == "8 of the last 12 lines from REMA 1000 went to 4000"
    assert p.explanation.nb == "8 av de siste 12 linjene fra REMA 1000 ble ført på 4000"


def test_learned_only_looks_at_the_last_lines():
    learner = Learner(history("REMA 1000", ["4000"] * 30 + ["6800"] * 20), last=20)
    assert learner.suggest(view()).gl_account == "6800"


def test_learned_keys_are_per_direction_and_need_a_majority():
    learner = Learner(history("REMA 1000", ["4000"] * 5))
    assert learner.suggest(view(amount=45000)) is None  # money in from REMA is something else
    split = Learner(history("VY", ["7140", "6800", "4000"]))
    assert split.suggest(view(text="VY")) is None


def test_learned_finds_a_merchant_spelled_a_little_differently():
    learner = Learner(history("CLAS OHLSON OSLO CITY", ["6540"] * 4))
    suggestion = learner.suggest(view(text="*4521 NOK 99,00 CLAS OHLSON OSLO CTY"))
    assert suggestion.gl_account == "6540" and suggestion.fuzzy


def test_learned_by_counterparty_account_before_text():
    posted = [PostedLine(f"p{n}", day(-n), -89900, "6900", texts=(f"Faktura {n}",), counterparty_account=account(12))
              for n in range(5)]
    suggestion = Learner(posted).suggest(LineView(-129900, ("Faktura 99",), "", account(12)))
    assert suggestion.gl_account == "6900" and suggestion.total == 5


def test_an_even_split_offers_both_accounts_most_recent_first():
    learner = Learner(history("TELENOR NORGE AS", ["6900", "6900", "6590", "6590", "6900", "6590"]))
    found = learner.suggestions(view(text="TELENOR NORGE AS"))
    assert [(s.gl_account, s.count, s.total) for s in found] == [("6590", 3, 6), ("6900", 3, 6)]
    d = result_of(run([line("l", -89900, texts=("*4521 NOK 899,00 TELENOR NORGE AS",))], learner=learner), "l")
    assert [p.targets[0].ref for p in d.proposals] == ["6590", "6900"]


def test_learned_vat_code_and_tie_goes_to_the_most_recent_account():
    posted = [PostedLine("a", day(-3), -100, "6800", ("VY",), vat_code="1"),
              PostedLine("b", day(-2), -100, "7140", ("VY",), vat_code="13"),
              PostedLine("c", day(-1), -100, "7140", ("VY",), vat_code="13"),
              PostedLine("d", day(0), -100, "6800", ("VY",), vat_code="1")]
    suggestion = Learner(posted).suggest(view(text="VY"))
    assert suggestion.gl_account == "6800" and suggestion.vat_code == "1"


def test_learned_is_not_offered_when_an_open_item_is_in_play():
    learner = Learner(history("Kafe Nord", ["3000"] * 5))
    items = [item("1", 5000, "K1"), item("2", 5000, "K1")]
    d = result_of(run([line("l", 5000, texts=("Kafe Nord",), cp=account(1))], items, learner=learner), "l")
    assert all(p.kind is not Kind.LEARNED for p in d.proposals)
