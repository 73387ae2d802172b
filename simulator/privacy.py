"""Masking of phone numbers for reports, logs and error messages."""

from __future__ import annotations

import polars as pl

MASK = "****"


def mask_number(number: str | None) -> str:
    """`+819012345678` -> `090-****-5678`; other strings keep only their last four characters."""
    if not number:
        return ""
    if number.startswith("+81") and len(number) == 13:
        national = "0" + number[3:]
        return f"{national[:3]}-{MASK}-{national[-4:]}"
    if len(number) <= 4:
        return MASK
    return f"{MASK}{number[-4:]}"


def mask_expr(column: str | pl.Expr) -> pl.Expr:
    """Vectorised `mask_number` for a column of E.164 or raw strings."""
    col = pl.col(column) if isinstance(column, str) else column
    is_jp_mobile = col.str.starts_with("+81") & (col.str.len_chars() == 13)
    jp = pl.concat_str(
        [pl.lit("0"), col.str.slice(3, 2), pl.lit("-" + MASK + "-"), col.str.slice(-4, 4)]
    )
    other = (
        pl.when(col.str.len_chars() <= 4)
        .then(pl.lit(MASK))
        .otherwise(pl.lit(MASK) + col.str.slice(-4, 4))
    )
    return (
        pl.when(col.is_null() | (col == ""))
        .then(pl.lit(""))
        .when(is_jp_mobile)
        .then(jp)
        .otherwise(other)
    )


PHONE_LIKE = r"(?:[0-9０-９][-‐－ー.．()（） +＋]*){8}[0-9０-９]"
"""A run of nine or more digits (half- or full-width) with only separators between them: the
shortest Japanese number with its leading 0 dropped has nine digits, a date (8) has fewer."""

PHONE_LIKE_FROM = 10**8
"""A number of nine digits or more could be a phone number stored as a number."""


def mask_phone_like_expr(column: str, dtype: pl.DataType) -> pl.Expr | None:
    """The column with every cell that could hold a phone number masked (`mask_expr`, the
    whole cell), or None when no cell of this type can: text cells holding a `PHONE_LIKE` run,
    integer or float cells of nine digits or more (the column is then written as text)."""
    col = pl.col(column)
    if dtype == pl.String:
        return pl.when(col.str.contains(PHONE_LIKE)).then(mask_expr(col)).otherwise(col)
    if dtype.is_integer() or dtype.is_float():
        text = col.cast(pl.String)
        big = col.abs() >= PHONE_LIKE_FROM
        return pl.when(big).then(mask_expr(text)).otherwise(text)
    return None
