"""Lookup tables built once from the phonenumbers metadata and carrier data, applied vectorised.

Approximations, documented here once:
- International numbers: a country code is valid when its national number matches, with one of
  the type's possible lengths, the pattern of any number type of any region sharing the code, and
  the general pattern of any of those regions (phonenumbers picks one region first). National
  prefixes written after the country code (+44 (0)20...) are not removed.
- The JP allocation table is the carrier data expanded to one entry per 5-digit NSN prefix
  (longest prefix wins), which equals a longest-prefix match for 3- to 5-digit prefixes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import phonenumbers
from phonenumbers import PhoneMetadata
from phonenumbers.carrierdata import CARRIER_DATA

from simulator import cache as disk_cache
from simulator.errors import RulesError
from simulator.rules.schema import Carrier

# The order in which phonenumbers tests number types (`_number_type_helper`); FIXED_LINE and
# MOBILE come last, and a number matching both would be FIXED_LINE_OR_MOBILE.
TYPE_ORDER = (
    "PREMIUM_RATE",
    "TOLL_FREE",
    "SHARED_COST",
    "VOIP",
    "PERSONAL_NUMBER",
    "PAGER",
    "UAN",
    "VOICEMAIL",
    "FIXED_LINE",
    "MOBILE",
)
FIXED_LINE_OR_MOBILE = "FIXED_LINE_OR_MOBILE"
UNKNOWN = "UNKNOWN"
NON_GEO_REGION = "001"


@dataclass(frozen=True)
class TypePattern:
    """One number type of a region: a full-match regex on the NSN and its possible lengths."""

    type: str
    regex: str
    lengths: tuple[int, ...]


@dataclass(frozen=True)
class RegionTables:
    """A region's country code, prefixes and number-type patterns in phonenumbers' test order."""

    region: str
    country_code: str
    trunk_prefix: str
    international_prefix: str
    general: TypePattern
    types: tuple[TypePattern, ...]
    same_mobile_and_fixed: bool

    def pattern(self, type_name: str) -> TypePattern | None:
        return next((t for t in self.types if t.type == type_name), None)


def ascii_digits(regex: str) -> str:
    r"""`\d` is Unicode-aware in polars' regex engine; phone patterns mean ASCII digits only."""
    return regex.replace(r"\d", "[0-9]")


def _anchored(regex: str) -> str:
    return f"^(?:{ascii_digits(regex)})$"


def _desc_pattern(name: str, desc: object, general_lengths: tuple[int, ...]) -> TypePattern | None:
    regex = getattr(desc, "national_number_pattern", None)
    if not regex:
        return None
    lengths = tuple(getattr(desc, "possible_length", ()) or general_lengths)
    return TypePattern(
        type=name, regex=_anchored(regex), lengths=tuple(n for n in lengths if n > 0)
    )


@cache
def region_tables(region: str) -> RegionTables:
    """Patterns of one region, read from phonenumbers' metadata once per process."""
    md = PhoneMetadata.metadata_for_region(region)
    if md is None or md.general_desc is None:
        raise RulesError(f"phonenumbers has no metadata for region {region!r}")
    general_lengths = tuple(md.general_desc.possible_length or ())
    general = _desc_pattern("GENERAL", md.general_desc, general_lengths)
    if general is None:
        raise RulesError(f"phonenumbers metadata for {region} has no general pattern")
    types = tuple(
        p
        for name in TYPE_ORDER
        if (p := _desc_pattern(name, getattr(md, name.lower()), general_lengths)) is not None
    )
    return RegionTables(
        region=region,
        country_code=str(md.country_code),
        trunk_prefix=md.national_prefix or "",
        international_prefix=md.international_prefix or "",
        general=general,
        types=types,
        same_mobile_and_fixed=bool(md.same_mobile_and_fixed_line_pattern),
    )


def _metadata_for(country_code: int) -> list[PhoneMetadata]:
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(country_code, ())
    out: list[PhoneMetadata] = []
    for region in regions:
        md = (
            PhoneMetadata.metadata_for_nongeo_region(country_code)
            if region == NON_GEO_REGION
            else PhoneMetadata.metadata_for_region(region)
        )
        if md is not None:
            out.append(md)
    return out


def _length_tagged(descs: Iterable[tuple[str, tuple[int, ...]]]) -> str:
    """One regex over `LL:nsn` strings: any (pattern, possible lengths) pair matches."""
    parts = []
    for regex, lengths in descs:
        tags = "|".join(f"{n:02d}" for n in sorted(set(lengths)))
        parts.append(f"(?:{tags}):(?:{ascii_digits(regex)})")
    return "^(?:" + "|".join(parts) + ")$"


@dataclass(frozen=True)
class CountryPatterns:
    """Per country code: regexes over `LL:nsn` for its general and specific number patterns."""

    general: dict[str, str]
    specific: dict[str, str]
    code_lengths: tuple[int, ...]


@cache
def country_patterns(exclude: str) -> CountryPatterns:
    """Validation regexes for every country code except `exclude` (the home country): read
    from kpsim's cache (see `simulator.cache`) when this phonenumbers and this module built
    them before, else built from the metadata of every region (about 0.1 s) and cached."""
    return disk_cache.cached(
        COUNTRY_PATTERNS,
        disk_cache.key_of(phonenumbers.__version__, exclude, Path(__file__).read_bytes()),
        lambda: build_country_patterns(exclude),
        dataclasses.asdict,
        _stored_patterns,
    )


COUNTRY_PATTERNS = "country-patterns"


def _stored_patterns(value: object) -> CountryPatterns | None:
    """A cached CountryPatterns, or None if the entry is not one."""
    if not isinstance(value, dict) or set(value) != {"general", "specific", "code_lengths"}:
        return None
    general, specific, lengths = value["general"], value["specific"], value["code_lengths"]
    texts = (
        [*general.items(), *specific.items()]
        if isinstance(general, dict) and isinstance(specific, dict)
        else None
    )
    if texts is None or not all(isinstance(k, str) and isinstance(v, str) for k, v in texts):
        return None
    if not isinstance(lengths, list) or not all(isinstance(n, int) for n in lengths):
        return None
    return CountryPatterns(general=general, specific=specific, code_lengths=tuple(lengths))


def build_country_patterns(exclude: str) -> CountryPatterns:
    """`country_patterns` built from phonenumbers' metadata."""
    general: dict[str, str] = {}
    specific: dict[str, str] = {}
    for code in sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE):
        if str(code) == exclude:
            continue
        gen: list[tuple[str, tuple[int, ...]]] = []
        spec: list[tuple[str, tuple[int, ...]]] = []
        for md in _metadata_for(code):
            glen = tuple(
                n for n in (getattr(md.general_desc, "possible_length", ()) or ()) if n > 0
            )
            gpat = getattr(md.general_desc, "national_number_pattern", None)
            if gpat and glen:
                gen.append((gpat, glen))
            for name in TYPE_ORDER:
                desc = getattr(md, name.lower(), None)
                pat = getattr(desc, "national_number_pattern", None)
                if not pat:
                    continue
                lens = tuple(n for n in (getattr(desc, "possible_length", ()) or glen) if n > 0)
                if lens:
                    spec.append((pat, lens))
        if gen and spec:
            general[str(code)] = _length_tagged(gen)
            specific[str(code)] = _length_tagged(spec)
    lengths = tuple(sorted({len(c) for c in general}))
    return CountryPatterns(general=general, specific=specific, code_lengths=lengths)


def allocation_prefixes(country_code: str) -> dict[str, str]:
    """NSN prefix -> phonenumbers' English carrier label (the original designee of the block)."""
    out: dict[str, str] = {}
    for key, names in CARRIER_DATA.items():
        if key.startswith(country_code) and names.get("en"):
            out[key[len(country_code) :]] = names["en"]
    return out


def expand_prefixes(prefixes: dict[str, str]) -> tuple[int, dict[str, str]]:
    """Every prefix expanded to the longest prefix length; longer (more specific) entries win."""
    if not prefixes:
        return 0, {}
    width = max(len(p) for p in prefixes)
    out: dict[str, str] = {}
    for prefix in sorted(prefixes, key=len):
        free = width - len(prefix)
        for n in range(10**free):
            tail = f"{n:0{free}d}" if free else ""
            out[prefix + tail] = prefixes[prefix]
    return width, out


@cache
def _expanded_allocation(country_code: str) -> tuple[int, dict[str, str]]:
    return expand_prefixes(allocation_prefixes(country_code))


def allocation_table(country_code: str, carriers: Iterable[Carrier]) -> tuple[int, dict[str, str]]:
    """(prefix width, NSN prefix -> carrier id) from phonenumbers' carrier data and carriers.yaml."""
    labels = tuple((label, c.id) for c in carriers for label in c.allocation_labels)
    return allocation_prefix_table(country_code, labels)


@cache
def allocation_prefix_table(
    country_code: str, labels: tuple[tuple[str, str], ...]
) -> tuple[int, dict[str, str]]:
    """`allocation_table` for (phonenumbers label, carrier id) pairs, built once per pairs."""
    by_label = dict(labels)
    width, expanded = _expanded_allocation(country_code)
    unmapped = sorted({label for label in expanded.values() if label not in by_label})
    if unmapped:
        raise RulesError(
            f"phonenumbers carrier label(s) {', '.join(map(repr, unmapped))} have no carrier",
            file="carriers.yaml",
            hint="add them to a carrier's allocation_labels",
        )
    return width, {prefix: by_label[label] for prefix, label in expanded.items()}
