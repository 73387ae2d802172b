"""Vectorised message-part counting: encoding, length units and parts of every text in a column.

Parts are `ceil(units / per_part)` once a text exceeds `single` units. A surrogate pair or GSM-7
escape pair that would straddle a part boundary is not moved to the next part, so a real carrier
split may need one part more in that rare case; Xoxzo's own counter divides the same way. An
empty text has no parts (the API refuses an empty message).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from simulator.message.profiles import Profile
from simulator.message.render import TemplatePiece

PARTS_FIELDS: dict[str, pl.DataType] = {
    "units": pl.UInt32(),
    "encoding": pl.Utf8(),
    "parts": pl.UInt32(),
    "too_long": pl.Boolean(),
}
PARTS_DTYPE = pl.Struct(PARTS_FIELDS)

ASTRAL = r"[\x{10000}-\x{10FFFF}]"


def char_class(chars: str, *, negate: bool = False) -> str:
    """A regex character class of exactly `chars`, every one written as a `\\x{..}` escape."""
    body = "".join(f"\\x{{{ord(c):X}}}" for c in chars)
    return f"[{'^' if negate else ''}{body}]"


def is_ascii_expr(text: pl.Expr) -> pl.Expr:
    """True when every character is in U+0000-U+007F (one UTF-8 byte per character)."""
    return text.str.len_bytes() == text.str.len_chars()


def is_gsm7_expr(text: pl.Expr, profile: Profile) -> pl.Expr:
    """True when every character is in the profile's GSM-7 basic or extension table."""
    alphabet = profile.gsm7_basic + profile.gsm7_extension
    return ~text.str.contains(char_class(alphabet, negate=True))


@dataclass(frozen=True)
class TextStats:
    """What counting needs of a text, each a sum or an all over its characters, so the stats
    of a concatenation follow from those of its pieces (`joined`): characters, characters
    outside the BMP, GSM-7 extension characters, and whether all are in the narrow encoding."""

    chars: pl.Expr
    astral: pl.Expr
    extension: pl.Expr
    narrow: pl.Expr

    def columns(self) -> list[pl.Expr]:
        """The stats as columns named after their fields."""
        return [getattr(self, name).alias(name) for name in STATS_FIELDS]


STATS_FIELDS = ("chars", "astral", "extension", "narrow")


def text_stats(text: pl.Expr, profile: Profile) -> TextStats:
    """The `TextStats` of each text under `profile`'s counting (its narrow encoding)."""
    if profile.counting == "gsm7_or_ucs2":
        narrow = is_gsm7_expr(text, profile)
        extension = (
            text.str.count_matches(char_class(profile.gsm7_extension))
            if profile.gsm7_extension and profile.extension_units != 1
            else pl.lit(0, dtype=pl.UInt32)
        )
    else:
        narrow = is_ascii_expr(text)
        extension = pl.lit(0, dtype=pl.UInt32)
    return TextStats(
        chars=text.str.len_chars().cast(pl.UInt32),
        astral=text.str.count_matches(ASTRAL).cast(pl.UInt32),
        extension=extension.cast(pl.UInt32),
        narrow=narrow,
    )


def joined(pieces: Sequence[TextStats]) -> TextStats:
    """The stats of the pieces' texts written one after another."""
    return TextStats(
        chars=pl.sum_horizontal(p.chars for p in pieces).cast(pl.UInt32),
        astral=pl.sum_horizontal(p.astral for p in pieces).cast(pl.UInt32),
        extension=pl.sum_horizontal(p.extension for p in pieces).cast(pl.UInt32),
        narrow=pl.all_horizontal(p.narrow for p in pieces),
    )


def _gsm7_units(stats: TextStats, profile: Profile) -> pl.Expr:
    extra = profile.extension_units - 1
    if profile.gsm7_extension and extra:
        return stats.chars + extra * stats.extension
    return stats.chars


def _pick(narrow: pl.Expr, if_narrow: object, if_wide: object, dtype: pl.DataType) -> pl.Expr:
    """`if_narrow` where the text is in the narrow encoding, `if_wide` where not, null for null."""
    a = if_narrow if isinstance(if_narrow, pl.Expr) else pl.lit(if_narrow, dtype=dtype)
    b = if_wide if isinstance(if_wide, pl.Expr) else pl.lit(if_wide, dtype=dtype)
    return pl.when(narrow).then(a).when(~narrow).then(b)


def _limit(narrow: pl.Expr, profile: Profile, field: str) -> pl.Expr | None:
    """One limit of the text's encoding, or None when neither encoding has it."""
    a, b = getattr(profile.narrow_limits, field), getattr(profile.wide_limits, field)
    if a is None and b is None:
        return None
    if a == b:
        return pl.lit(a, dtype=pl.UInt32)
    return _pick(narrow, a, b, pl.UInt32())


def parts_expr(text: pl.Expr, profile: Profile) -> pl.Expr:
    """Struct {units, encoding, parts, too_long} per text; `parts` is null when too long.

    A null text gives null fields. `text` is used several times: pass a column, not a costly
    expression (render the message into a column first, or count its pieces: `stats_parts`).
    """
    return stats_parts(text_stats(text, profile), profile)


def stats_parts(stats: TextStats, profile: Profile) -> pl.Expr:
    """`parts_expr` of the texts whose stats these are (the one place parts are counted)."""
    narrow = stats.narrow
    utf16 = stats.chars + stats.astral
    if profile.counting == "gsm7_or_ucs2":
        units = _pick(narrow, _gsm7_units(stats, profile), utf16, pl.UInt32())
    else:
        units = utf16
    units = units.cast(pl.UInt32)
    single = _limit(narrow, profile, "single")
    per_part = _limit(narrow, profile, "per_part")
    max_units = _limit(narrow, profile, "max_units")
    max_parts = _limit(narrow, profile, "max_parts")
    assert single is not None
    one_part = units <= single
    if per_part is None:
        raw = pl.lit(1, dtype=pl.UInt32)
        too_long = ~one_part
    else:
        raw = (
            pl.when(one_part)
            .then(pl.lit(1, dtype=pl.UInt32))
            .otherwise((units + per_part - 1) // per_part)
        )
        too_long = ~one_part & per_part.is_null()
        if max_units is not None:
            too_long = too_long | (units > max_units).fill_null(False)
        if max_parts is not None:
            too_long = too_long | (raw > max_parts).fill_null(False)
    too_long = pl.when(units.is_not_null()).then(too_long)
    parts = pl.when(units == 0).then(pl.lit(0, dtype=pl.UInt32)).when(~too_long).then(raw)
    return pl.struct(
        units=units,
        encoding=_pick(narrow, profile.narrow, profile.wide, pl.Utf8()),
        parts=parts.cast(pl.UInt32),
        too_long=too_long.cast(pl.Boolean),
    ).alias("message_parts")


def template_stats(pieces: Sequence[TemplatePiece], profile: Profile) -> TextStats:
    """The stats of a template's rendered text per row, from its pieces, without rendering it:
    the literal text's are computed once, each placeholder's column is counted on its own (a
    null value renders as empty text)."""
    literal = "".join(p.text for p in pieces if not p.is_placeholder)
    fixed = pl.select(text_stats(pl.lit(literal, dtype=pl.Utf8), profile).columns()).row(
        0, named=True
    )
    columns = [
        text_stats(pl.col(p.text).cast(pl.Utf8).fill_null(""), profile)
        for p in pieces
        if p.is_placeholder
    ]
    constant = TextStats(
        chars=pl.lit(fixed["chars"], dtype=pl.UInt32),
        astral=pl.lit(fixed["astral"], dtype=pl.UInt32),
        extension=pl.lit(fixed["extension"], dtype=pl.UInt32),
        narrow=pl.lit(fixed["narrow"], dtype=pl.Boolean),
    )
    stats = joined([constant, *columns])
    if not fixed["narrow"]:
        # Never narrow: the columns' narrowness and extension characters change nothing.
        stats = TextStats(stats.chars, stats.astral, constant.extension, constant.narrow)
    return stats


def parts_columns(text: pl.Expr, profile: Profile, *, prefix: str = "") -> list[pl.Expr]:
    """The fields of `parts_expr` as separate columns (`units`, `encoding`, `parts`, `too_long`)."""
    counted = parts_expr(text, profile)
    return [counted.struct.field(name).alias(prefix + name) for name in PARTS_FIELDS]


def parts_expr_by(text: pl.Expr, key: pl.Expr, profiles: Mapping[str, Profile]) -> pl.Expr:
    """`parts_expr` with the profile chosen per row by `key` (a profile id); unknown keys give null."""
    branches = [pl.when(key == pid).then(parts_expr(text, p)) for pid, p in profiles.items()]
    if not branches:
        return pl.lit(None, dtype=PARTS_DTYPE).alias("message_parts")
    return pl.coalesce(branches).alias("message_parts")


@dataclass(frozen=True)
class PartsResult:
    """Counting of one text: its length units, encoding, parts (None when too long)."""

    units: int
    encoding: str
    parts: int | None
    too_long: bool


def count_parts(text: str, profile: Profile) -> PartsResult:
    """Count one text with the same polars expression the batch path uses."""
    frame = pl.DataFrame({"text": [text]}, schema={"text": pl.Utf8})
    row = frame.select(parts_expr(pl.col("text"), profile)).item()
    return PartsResult(
        units=int(row["units"]),
        encoding=str(row["encoding"]),
        parts=None if row["parts"] is None else int(row["parts"]),
        too_long=bool(row["too_long"]),
    )
