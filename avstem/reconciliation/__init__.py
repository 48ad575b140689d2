"""Bank reconciliation: every bank line paired with the ledger postings it stands for.

The engine (`avstem.matching`, pure Python) says what fits; this context applies it: posts what
must be posted (payments against 1500/2400 settling their open items, fees, rules), links bank
lines and ledger postings in a `Reconciliation`, keeps proposals for the screen, undoes by
reversal, reports bank against ledger and signs periods off.

Modules: `models`, `errors`, `inputs` (database rows to engine inputs), `plans` (what a
reconciliation does, from a proposal or a selection), `services` (the transactions: reconcile,
post_and_reconcile, accept, undo), `automatic` (runs after a sync, the proposal cache), `rules`,
`automation`, `queries` (the screen's lists), `report` (+ `pdf`, `chart`), `signoff`.
"""
