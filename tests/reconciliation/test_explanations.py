"""An explanation reads the same rendered from the engine's own parts (the automatic run's audit
summaries) as from its stored form (the screen, the API): checked on every proposal of
generated companies, in both languages."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from avstem.matching import Learner, reconcile
from avstem.matching.synthetic import generate
from avstem.reconciliation.explanations import dump, render, render_reasons


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**6), st.integers(5, 60), st.booleans())
def test_the_engines_parts_and_their_stored_form_render_alike(seed, invoices, extras):
    scenario = generate(seed=seed, invoices=invoices, extras=extras, days=30)
    result = reconcile(scenario.lines, learner=Learner(scenario.history), **scenario.candidates())
    seen = 0
    for line in result.lines:
        for detail in line.details:
            for proposal in (*detail.proposals, *([detail.reason] if detail.reason else [])):
                explanation = proposal if hasattr(proposal, "parts") else proposal.explanation
                for lang in ("nb", "en"):
                    assert render_reasons(explanation.parts, lang) == render(dump(explanation), lang) != ""
                seen += 1
    assert seen


def test_a_broken_explanation_renders_as_nothing_rather_than_failing_the_page():
    assert render([["in_window", "2026-05-01"]], "en").startswith("Within the date window")
    assert render([["in_window", "not a date"]], "en") == ""  # fails to load
    assert render([["kid_item", "0012345"]], "en") == ""  # an argument short
    assert render_reasons((("kid_item", "0012345"),), "en") == ""
