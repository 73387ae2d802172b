"""Stable codes for a recipient row's status and class; reject and repair reasons come from the rules."""

from __future__ import annotations

from typing import Final

from simulator.rules.reasons import REJECT_REASONS as REJECT_REASONS
from simulator.rules.reasons import REPAIRS as REPAIRS
from simulator.rules.reasons import describe as describe

OK: Final = "ok"
REJECTED: Final = "rejected"

MOBILE: Final = "mobile"
NON_SMS: Final = "non_sms"
INTERNATIONAL: Final = "international"
INVALID: Final = "invalid"
EMPTY: Final = "empty"
NUMBER_CLASSES: Final = (MOBILE, NON_SMS, INTERNATIONAL, INVALID, EMPTY)

LOOKUP: Final = "lookup"
ALLOCATION: Final = "allocation"
