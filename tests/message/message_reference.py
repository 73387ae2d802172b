"""Plain-Python reference counters for message parts, written from the sources, not from the YAML.

Xoxzo's profiles are written as the help page's cumulative split tables ("at most N characters
in K parts"); the generic GSM profile as the 3GPP rules with kpsim's documented approximation
(parts = ceil(units / per_part)). `exact_gsm_parts` is a carrier-style greedy split that never
breaks a surrogate pair or an escape pair, used only to bound that approximation.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "\x0c^{}\\[~]|€"

# Cumulative maximum length for 1, 2, ... parts (help page table of 2025-05-15 and earlier text).
XOXZO_TABLES: dict[str, dict[str, list[int]]] = {
    "xoxzo_single": {"ascii": [160], "non_ascii": [70]},
    "xoxzo_long": {
        "ascii": [140, 264, 396, 528, 660],
        "non_ascii": [70, 132, 198, 264, 330, 396, 462, 528, 594, 660],
    },
    "xoxzo_long_ascii_160": {
        "ascii": [160, 264, 396, 528, 660],
        "non_ascii": [70, 132, 198, 264, 330, 396, 462, 528, 594, 660],
    },
    "kpremium_single": {"ascii": [140], "non_ascii": [70]},
}


@dataclass(frozen=True)
class Counted:
    encoding: str
    units: int
    parts: int | None

    @property
    def too_long(self) -> bool:
        return self.parts is None


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def is_ascii(text: str) -> bool:
    return all(ord(c) <= 0x7F for c in text)


def xoxzo_counter(profile_id: str) -> Callable[[str], Counted]:
    tables = XOXZO_TABLES[profile_id]

    def count(text: str) -> Counted:
        encoding = "ascii" if is_ascii(text) else "non_ascii"
        units = utf16_length(text)
        if units == 0:
            return Counted(encoding, 0, 0)
        for parts, limit in enumerate(tables[encoding], start=1):
            if units <= limit:
                return Counted(encoding, units, parts)
        return Counted(encoding, units, None)

    return count


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def gsm_counter(text: str) -> Counted:
    if is_gsm7(text):
        encoding, units, single, per_part = "gsm7", 0, 160, 153
        for c in text:
            units += 2 if c in GSM7_EXTENSION else 1
    else:
        encoding, units, single, per_part = "ucs2", utf16_length(text), 70, 67
    if units == 0:
        return Counted(encoding, 0, 0)
    parts = 1 if units <= single else math.ceil(units / per_part)
    return Counted(encoding, units, parts if parts <= 10 else None)


def exact_gsm_parts(text: str) -> int:
    """Greedy carrier split: an escape pair or surrogate pair never straddles two parts."""
    if is_gsm7(text):
        atoms, single, per_part = [2 if c in GSM7_EXTENSION else 1 for c in text], 160, 153
    else:
        atoms, single, per_part = [utf16_length(c) for c in text], 70, 67
    if sum(atoms) <= single:
        return 0 if not atoms else 1
    parts, used = 1, 0
    for size in atoms:
        if used + size > per_part:
            parts, used = parts + 1, 0
        used += size
    return parts


def gsm_single_counter(text: str) -> Counted:
    """Generic GSM counting under K-Premium's one-part limit: 140 GSM-7 / 70 UCS-2 units."""
    counted = gsm_counter(text)
    limit = 140 if counted.encoding == "gsm7" else 70
    return Counted(
        counted.encoding, counted.units, counted.parts if counted.units <= limit else None
    )


REFERENCE: dict[str, Callable[[str], Counted]] = {
    **{profile_id: xoxzo_counter(profile_id) for profile_id in XOXZO_TABLES},
    "generic_gsm": gsm_counter,
    "generic_gsm_kpremium_single": gsm_single_counter,
}
