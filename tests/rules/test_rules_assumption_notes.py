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


def test_softbank_own_short_code_is_recorded_as_not_modelled(ruleset: RuleSet) -> None:
    """G4: the customer-owned 6-digit code (2021-06-15 post) is listed, with why it is not modelled."""
    own = ruleset.assumptions["softbank_own_shortcode"]
    assert not own.modelled and own.note is not None and "price" in own.note
    assert "blog-softbank-6digit" in next(v for v in own.values if v.id == "own_6_digit").sources


def test_every_not_modelled_assumption_says_why(ruleset: RuleSet) -> None:
    for a in ruleset.assumptions.values():
        if not a.modelled:
            assert a.note, a.id
