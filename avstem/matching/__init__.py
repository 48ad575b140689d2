"""The matching engine: which open items, postings or GL accounts a bank line belongs to, with a
confidence and an explanation a bookkeeper can read. Pure Python: no Django, no database.

    from avstem.matching import reconcile, BankLine, OpenItem, Config

    result = reconcile(lines, open_items=items, postings=postings, sent_payments=sent,
                       own_accounts=accounts, rules=rules, learner=Learner(history))
    for line in result.lines:
        line.outcome            # matched / proposed / left
        for detail in line.details:
            detail.proposals    # best first; proposals[0].automatic when certain and unique
            detail.proposals[0].explanation.nb   # "KID 0012345 er gyldig og hører til faktura 1042; beløpet stemmer"

Modules: `model` (the types), `engine` (`reconcile`), `index` (candidate indexes), `rules` (user
rules, `rule_draft`), `learned` (suggestions from history), `subset` (bounded subset sum),
`references` (KID and RF checks), `normalise` (Norwegian folding, names, tokens), `explain`
(bilingual explanations).
"""

from avstem.matching.engine import reconcile
from avstem.matching.explain import Explanation
from avstem.matching.index import CandidateIndex
from avstem.matching.learned import Learner, PostedLine, Suggestion
from avstem.matching.model import (
    BankLine,
    Charges,
    Config,
    DetailResult,
    Direction,
    ItemKind,
    Kind,
    LedgerPosting,
    LineResult,
    OpenItem,
    Outcome,
    OwnAccount,
    Proposal,
    Reconciliation,
    SentPayment,
    Target,
    TargetKind,
    TxDetail,
)
from avstem.matching.rules import InvalidRule, LineView, Rule, Split, allocate, first_match, rule_draft

__all__ = [
    "BankLine", "CandidateIndex", "Charges", "Config", "DetailResult", "Direction", "Explanation", "InvalidRule",
    "ItemKind", "Kind", "Learner", "LedgerPosting", "LineResult", "LineView", "OpenItem", "Outcome", "OwnAccount",
    "PostedLine", "Proposal", "Reconciliation", "Rule", "SentPayment", "Split", "Suggestion", "Target", "TargetKind",
    "TxDetail", "allocate", "first_match", "reconcile", "rule_draft",
]
