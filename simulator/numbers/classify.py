"""Number types from phonenumbers' patterns, applied with polars regexes on the national number."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import polars as pl
from polars.expr.whenthen import ChainedThen, Then

from simulator.errors import RulesError
from simulator.numbers import reasons as R
from simulator.numbers.normalise import NEVER, Steps, apply_steps
from simulator.numbers.numbering import NumberingFile, issuance_starts
from simulator.numbers.tables import (
    FIXED_LINE_OR_MOBILE,
    UNKNOWN,
    RegionTables,
    TypePattern,
    country_patterns,
)

MOBILE_TYPE = "MOBILE"
LEADING_ZERO_RESTORED = "leading_zero_restored"
"""The repair of a mobile number written without its trunk prefix."""
FLOAT_SUFFIX_REMOVED = "float_suffix_removed"
"""The repair of a number a spreadsheet wrote as a float (`9012345678.0`)."""


@dataclass(frozen=True)
class ClassRules:
    """What the rule files say for one check: type -> class and reason, the NSN prefixes not yet
    issued on the day checked (with their reason), and the ordinary NSN lengths."""

    classes: tuple[tuple[str, str], ...]
    reasons: tuple[tuple[str, str], ...]
    not_issued: tuple[tuple[str, str], ...]
    nsn_min: int
    nsn_max: int


def class_rules(
    numbering: NumberingFile, region: RegionTables, settings: Mapping[str, str], as_of: dt.date
) -> ClassRules:
    """The rules of `numbering.yaml` for `as_of`; every type in the metadata must have a class."""
    classes = {t.type: t.number_class for t in numbering.types}
    needed = [t.type for t in region.types]
    if region.pattern("FIXED_LINE") and region.pattern(MOBILE_TYPE):
        needed.append(FIXED_LINE_OR_MOBILE)
    missing = [t for t in needed if t not in classes]
    if missing:
        raise RulesError(
            f"number type(s) {', '.join(missing)} of region {region.region} have no class",
            file="numbering.yaml",
            hint="add them under types:",
        )
    starts = issuance_starts(numbering, settings)
    return ClassRules(
        classes=tuple(classes.items()),
        reasons=tuple((t.type, t.reason) for t in numbering.types if t.reason),
        not_issued=tuple(
            (item.prefix, item.reason) for item in numbering.issuance if as_of < starts[item.prefix]
        ),
        nsn_min=numbering.national_number_length.min,
        nsn_max=numbering.national_number_length.max,
    )


def tagged_regex(patterns: list[TypePattern]) -> str:
    """One regex over `LL:nsn` that matches when any pattern matches with one of its lengths."""
    parts = []
    for p in patterns:
        tags = "|".join(f"{n:02d}" for n in sorted(set(p.lengths)))
        parts.append(f"(?:{tags}):{p.regex.removeprefix('^').removesuffix('$')}")
    return "^(?:" + "|".join(parts) + ")$" if parts else NEVER


def length_tagged(nsn: pl.Expr) -> pl.Expr:
    """`9012345678` -> `10:9012345678`, so one regex can test pattern and possible length."""
    return pl.concat_str(nsn.str.len_bytes().cast(pl.String).str.zfill(2), pl.lit(":"), nsn)


def issuance_exprs(nsn: pl.Expr, rules: ClassRules) -> tuple[pl.Expr, pl.Expr]:
    """(not issued yet on the day checked, its reject reason) for national numbers."""
    not_issued = pl.lit(False)
    reason = pl.lit(None, dtype=pl.String)
    for prefix, why in rules.not_issued:
        hit = nsn.str.starts_with(prefix)
        not_issued = not_issued | hit
        reason = pl.when(hit).then(pl.lit(why)).otherwise(reason)
    return not_issued, reason


@dataclass(frozen=True)
class FastPath:
    """Regexes for the common row: a national mobile number with its trunk prefix, digits and
    hyphens only. Only the types phonenumbers tests before MOBILE that share the mobile length
    need ruling out, and with one length no length tag is needed."""

    trunk: str
    length: int
    general: str
    mobile: str
    earlier: str | None


def fast_path(region: RegionTables) -> FastPath | None:
    """The fast path of a region, or None when its mobile numbers have several lengths."""
    mobile = region.pattern(MOBILE_TYPE)
    if mobile is None or region.same_mobile_and_fixed or len(mobile.lengths) != 1:
        return None
    length = mobile.lengths[0]
    if length not in region.general.lengths or not region.trunk_prefix:
        return None
    earlier = [t.regex for t in region.types if t.type != MOBILE_TYPE and length in t.lengths]
    return FastPath(
        trunk=region.trunk_prefix,
        length=length,
        general=region.general.regex,
        mobile=mobile.regex,
        earlier="|".join(earlier) if earlier else None,
    )


def fast_mobile_expr(national: pl.Expr, fp: FastPath) -> tuple[pl.Expr, pl.Expr]:
    """(is a plain national mobile number, its NSN) for text with hyphens already removed."""
    nsn = national.str.slice(len(fp.trunk))
    hit = (
        (national.str.len_bytes() == fp.length + len(fp.trunk))
        & national.str.starts_with(fp.trunk)
        & nsn.str.contains(fp.general)
        & nsn.str.contains(fp.mobile)
    )
    if fp.earlier is not None:
        hit = hit & ~nsn.str.contains(fp.earlier)
    return hit.fill_null(False), nsn


@cache
def fast_steps(source: str, region: RegionTables, rules: ClassRules) -> Steps:
    """`_fast` (a plain national mobile number) and, for those rows, every derived column."""
    fp = fast_path(region)
    if fp is None:
        return ((pl.lit(False).alias("_fast"), pl.lit(None, dtype=pl.String).alias("_fnsn")),)
    is_fast, nsn = fast_mobile_expr(pl.col(source).str.replace_all("-", "", literal=True), fp)
    not_issued, reason = issuance_exprs(pl.col("_fnsn"), rules)
    return (
        (is_fast.alias("_fast"), nsn.alias("_fnsn")),
        (
            (pl.lit("+" + region.country_code) + pl.col("_fnsn")).alias("_fe164"),
            pl.when(not_issued)
            .then(pl.lit(R.NON_SMS))
            .otherwise(pl.lit(R.MOBILE))
            .alias("_fclass"),
            reason.alias("_freason"),
        ),
    )


def fast_values() -> dict[str, pl.Expr]:
    """The derived columns of a fast-path row, from the columns `fast_steps` adds (`repair` is
    null there, as the slow path leaves it for rows it did not see)."""
    return {
        "e164": pl.col("_fe164"),
        "number_class": pl.col("_fclass"),
        "_reason": pl.col("_freason"),
    }


def home_type_expr(tagged: pl.Expr, region: RegionTables) -> pl.Expr:
    """phonenumbers' `number_type` for a length-tagged national number, in its test order."""
    general = tagged.str.contains(tagged_regex([region.general]))
    mobile = region.pattern(MOBILE_TYPE)
    chain: Then | ChainedThen = pl.when(~general).then(pl.lit(UNKNOWN))
    for t in region.types:
        hit = tagged.str.contains(tagged_regex([t]))
        if t.type == "FIXED_LINE":
            both = (
                pl.lit(True)
                if region.same_mobile_and_fixed
                else tagged.str.contains(tagged_regex([mobile] if mobile else []))
            )
            chain = chain.when(hit & both).then(pl.lit(FIXED_LINE_OR_MOBILE))
            chain = chain.when(hit).then(pl.lit("FIXED_LINE"))
        elif t.type == MOBILE_TYPE and region.same_mobile_and_fixed:
            continue
        else:
            chain = chain.when(hit).then(pl.lit(t.type))
    return chain.otherwise(pl.lit(UNKNOWN))


@cache
def foreign_steps(home_code: str) -> Steps:
    """`_foreign_ok`: `_intl` digits start with another country's code and its national number
    matches that country's patterns (built once from phonenumbers' metadata)."""
    tables = country_patterns(home_code)
    digits = pl.col("_intl")
    code = pl.lit(None, dtype=pl.String)
    for width in sorted(tables.code_lengths, reverse=True):
        head = digits.str.slice(0, width)
        codes = [c for c in tables.general if len(c) == width]
        code = pl.when(head.is_in(codes)).then(head).otherwise(code)
    general = pl.Series(list(tables.general.values()), dtype=pl.String)
    specific = pl.Series(list(tables.specific.values()), dtype=pl.String)
    keys = pl.Series(list(tables.general), dtype=pl.String)
    return (
        (code.alias("_code"),),
        (
            length_tagged(digits.str.slice(pl.col("_code").str.len_bytes())).alias("_ftag"),
            pl.col("_code").replace_strict(keys, general, default=None).alias("_fgen"),
            pl.col("_code").replace_strict(keys, specific, default=None).alias("_fspec"),
        ),
        (
            (
                pl.col("_ftag").str.contains(pl.col("_fgen"))
                & pl.col("_ftag").str.contains(pl.col("_fspec"))
            )
            .fill_null(False)
            .alias("_foreign_ok"),
        ),
    )


@cache
def classify_steps(region: RegionTables, rules: ClassRules) -> Steps:
    """`_type`, `e164`, `number_class`, `_reason` (number reasons only) and `repair`."""
    cc = region.country_code
    home = pl.col("_scope") == "home"
    nsn = pl.col("_nsn")
    known = pl.col("_known")
    not_issued, issuance_reason = issuance_exprs(nsn, rules)
    classes = dict(rules.classes)
    empty = pl.col("_raw_blank") | ((pl.col("_digits") == "") & ~pl.col("_letters"))
    type_steps: Steps = (
        (pl.when(home & (nsn != "")).then(length_tagged(nsn)).alias("_tagged"),),
        (home_type_expr(pl.col("_tagged"), region).alias("_type"),),
        (pl.when(pl.col("_tagged").is_not_null()).then(pl.col("_type")).alias("_type"),),
    )
    facts: Steps = (
        (
            (pl.col("_type").is_not_null() & (pl.col("_type") != UNKNOWN)).alias("_known"),
            pl.col("_type")
            .replace_strict(classes, default=None, return_dtype=pl.String)
            .alias("_tclass"),
            pl.col("_type")
            .replace_strict(dict(rules.reasons), default=None, return_dtype=pl.String)
            .alias("_treason"),
            not_issued.alias("_not_issued"),
            issuance_reason.alias("_iss_reason"),
            nsn.str.len_bytes().alias("_len"),
            empty.alias("_empty"),
            pl.when(empty)
            .then(pl.lit("empty"))
            .when(pl.col("_sci"))
            .then(pl.lit("scientific_notation"))
            .when(pl.col("_two"))
            .then(pl.lit("two_numbers"))
            .when(pl.col("_letters"))
            .then(pl.lit("letters"))
            .alias("_pre"),
        ),
    )
    number_class = (
        pl.when(pl.col("_empty"))
        .then(pl.lit(R.EMPTY))
        .when(pl.col("_pre").is_not_null())
        .then(pl.lit(R.INVALID))
        .when(pl.col("_foreign_ok"))
        .then(pl.lit(R.INTERNATIONAL))
        .when(home & known & (pl.col("_tclass") == R.MOBILE) & pl.col("_not_issued"))
        .then(pl.lit(R.NON_SMS))
        .when(home & known)
        .then(pl.col("_tclass"))
        .otherwise(pl.lit(R.INVALID))
    )
    reason = (
        pl.when(pl.col("_pre").is_not_null())
        .then(pl.col("_pre"))
        .when(pl.col("_foreign_ok"))
        .then(pl.lit("international_not_priced"))
        .when(home & ~known & (pl.col("_len") < rules.nsn_min))
        .then(pl.lit("too_short"))
        .when(home & ~known & (pl.col("_len") > rules.nsn_max))
        .then(pl.lit("too_long"))
        .when(~known)
        .then(pl.lit("invalid"))
        .when(pl.col("_treason").is_not_null())
        .then(pl.col("_treason"))
        .when(pl.col("_not_issued"))
        .then(pl.col("_iss_reason"))
    )
    e164 = (
        pl.when(home & known)
        .then(pl.lit("+" + cc) + nsn)
        .when(pl.col("_foreign_ok"))
        .then(pl.lit("+") + pl.col("_intl"))
    )
    ok_number = pl.col("number_class").is_in([R.MOBILE, R.NON_SMS, R.INTERNATIONAL])
    repair = (
        pl.when(ok_number & pl.col("_no_trunk") & home & (pl.col("_type") == MOBILE_TYPE))
        .then(pl.lit(LEADING_ZERO_RESTORED))
        .when(ok_number & pl.col("_float"))
        .then(pl.lit(FLOAT_SUFFIX_REMOVED))
    )
    return (
        *type_steps,
        *foreign_steps(cc),
        *facts,
        (number_class.alias("number_class"), reason.alias("_reason"), e164.alias("_e164")),
        (pl.when(ok_number).then(pl.col("_e164")).alias("e164"), repair.alias("repair")),
    )


def classify(lf: pl.LazyFrame, region: RegionTables, rules: ClassRules) -> pl.LazyFrame:
    """Add `_type`, `e164`, `number_class`, `_reason` (number reasons only) and `repair`."""
    return apply_steps(lf, classify_steps(region, rules))
