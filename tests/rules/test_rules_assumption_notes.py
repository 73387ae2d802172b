"""What the not-modelled assumptions say about themselves (issue 16, M8)."""

from __future__ import annotations

from simulator.rules.ruleset import RuleSet


def test_c13_not_modelled_reason_says_what_it_would_change(ruleset: RuleSet) -> None:
    """Reading the sender-ID FAQ literally changes `guaranteed` for Docomo and Rakuten."""
    c13 = next(a for a in ruleset.assumptions.values() if a.about == "C13")
    assert not c13.modelled and c13.note is not None
    note = " ".join(c13.note.split())
    assert "guaranteed" in note and "Docomo" in note and "Rakuten" in note
    assert "changes nothing" not in note
