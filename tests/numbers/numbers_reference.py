"""A slow, row-by-row reference classifier built directly on phonenumbers (tests only).

kpsim deliberately reads some inputs the library does not; `preclean` applies exactly those
documented differences before the library sees the text:
- half-width ｰ, the kanji 一 and tildes (～, 〜, ~) typed as dashes: the library fails on ｰ and 一
  and reads tildes as extension markers;
- bracketed annotations without digits ("（携帯）", "(mobile)", "【携帯】") and labels after the
  number ("... 携帯"): the library fails on them;
- "0081..." / "00 81 ...": Japan's international prefix is 010, so the library reads 0081 as a
  national number; kpsim accepts it as +81;
- a trailing ".0" left by a spreadsheet float.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType, carrier

from simulator.numbers.numbering import NumberingFile
from simulator.rules.ruleset import RuleSet

DASH_LIKE = re.compile("[ｰ一～〜~]")
ANNOTATION = re.compile(r"[（(【\[][^0-9()（）【】\[\]]*[)）】\]]")
TRAILING_LABEL = re.compile(r"\s*(?:携帯|自宅|mobile)\s*$", re.IGNORECASE)
ZERO_ZERO_81 = re.compile(r"^\s*0\s*0\s*8\s*1")
FLOAT_SUFFIX = re.compile(r"^([0-9]+)\.0+$")


def preclean(text: str) -> str:
    """The documented kpsim-only rewrites, so the library can be asked about the same number."""
    t = unicodedata.normalize("NFKC", text)
    t = DASH_LIKE.sub("-", t)
    t = ANNOTATION.sub(" ", t)
    t = TRAILING_LABEL.sub("", t)
    t = ZERO_ZERO_81.sub("+81", t)
    t = FLOAT_SUFFIX.sub(r"\1", t.strip())
    return t


@dataclass(frozen=True)
class Expected:
    e164: str | None
    number_class: str
    allocated_carrier: str | None


def reference(
    text: str | None, *, rs: RuleSet, numbering: NumberingFile, as_of: dt.date, n060_start: dt.date
) -> Expected:
    """What phonenumbers says about one cell, mapped to kpsim's classes and carrier ids."""
    if text is None or not preclean(text).strip(" -"):
        return Expected(None, "empty", None)
    try:
        number = phonenumbers.parse(preclean(text), "JP")
    except NumberParseException:
        return Expected(None, "invalid", None)
    if not phonenumbers.is_valid_number(number):
        return Expected(None, "invalid", None)
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if number.country_code != 81:
        return Expected(e164, "international", None)
    type_name = PhoneNumberType.to_string(phonenumbers.number_type(number))
    classes = {t.type: t.number_class for t in numbering.types}
    number_class = classes[type_name]
    nsn = phonenumbers.national_significant_number(number)
    if number_class == "mobile" and nsn.startswith("60") and as_of < n060_start:
        number_class = "non_sms"
    label = carrier.name_for_number(number, "en")
    by_label = {lab: c.id for c in rs.carriers.values() for lab in c.allocation_labels}
    return Expected(e164, number_class, by_label.get(label))
