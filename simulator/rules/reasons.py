"""The reasons a recipient row is rejected or repaired: the codes rule files (numbering.yaml) may name.

They live with the rule schema because `numbering.yaml` refers to them; `simulator.numbers` reports
them. Each has one line of meaning.
"""

from __future__ import annotations

from typing import Final

from simulator.i18n import Lang, has, t

REJECT_REASONS: Final[dict[str, str]] = {
    "empty": "The phone cell is blank or holds only punctuation.",
    "scientific_notation": "Excel scientific notation (9.01235E+09): the digits are lost.",
    "two_numbers": "The cell holds more than one phone number.",
    "letters": "Letters remain after removing labels and bracketed annotations.",
    "too_short": "Fewer digits than the shortest Japanese number.",
    "too_long": "More digits than the longest Japanese number.",
    "invalid": "Not a valid number in Japan's numbering plan or any country's.",
    "landline": "A fixed-line (0AB-J) number: cannot receive SMS.",
    "ip_phone": "A 050 IP-phone number: SMS not delivered.",
    "m2m_pager": "A 020 M2M/pager number: not for person-to-person SMS.",
    "toll_free": "A toll-free number (0120, 0800, 00xx): cannot receive SMS.",
    "premium_rate": "A 0990 premium-rate number: cannot receive SMS.",
    "uan": "A 0570 navi-dial (UAN) number: cannot receive SMS.",
    "personal_number": "A 9-digit 060 personal (FMC) number: cannot receive SMS.",
    "shared_cost": "A shared-cost number: cannot receive SMS.",
    "voicemail": "A voicemail access number: cannot receive SMS.",
    "n060_not_issued": "A 060 mobile number before 060 issuance began (assumption n060_issuance_start).",
    "international_not_priced": "A valid non-Japanese number: kept and classified, not priced.",
    "unknown_lookup_carrier": "The carrier-lookup value names no known carrier, brand or MCC-MNC.",
    "no_carrier": "A mobile number with no allocation entry and no carrier-lookup value.",
    "duplicate": "A later occurrence of an E.164 number already in the list (dedupe on).",
}

REPAIRS: Final[dict[str, str]] = {
    "leading_zero_restored": "A 10-digit mobile number without its trunk 0 (lost by Excel).",
    "float_suffix_removed": "A trailing '.0' left by a spreadsheet float was removed.",
}


def describe(code: str, lang: Lang = "en") -> str:
    """The one-line description of a reject reason or repair code, in `lang` (English is the
    source above; other languages come from the catalogue, `reason.<code>`)."""
    if lang != "en" and has(f"reason.{code}"):
        return t(f"reason.{code}", lang=lang)
    return REJECT_REASONS.get(code) or REPAIRS.get(code) or code
