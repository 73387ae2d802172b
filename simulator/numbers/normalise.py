"""Phone text -> digits, prefix and national number, in polars expressions only.

The pipeline: fold widths and dash variants (NFKC on non-ASCII cells only), unwrap Excel text
tricks, drop labels, bracketed annotations and extensions, flag what cannot be repaired
(scientific notation, two numbers, letters), then split off the international or trunk prefix.
Each stage is a cached tuple of `Steps` (lists of named expressions) built once per grammar, so
checking many small lists does not rebuild hundreds of expressions each time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import polars as pl
from polars.expr.whenthen import ChainedThen, Then

from simulator.numbers.numbering import NumberingFile, load_numbering
from simulator.numbers.tables import RegionTables, region_tables
from simulator.rules.ruleset import RuleSet, load_ruleset

# Characters typed for a hyphen in Japanese lists that NFKC leaves alone (or turns into "~"):
# long-vowel mark (also what half-width ｰ folds to), hyphen, figure dash, en and em dash,
# horizontal bar, minus, wave dash, tilde, the kanji 一 and small dashes.
DASHES = "ー‐‒–—―−〜~一⁃﹘"
# Invisible characters NFKC keeps: zero-width space/joiners, word joiner, BOM, soft hyphen.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
FOLD = {**dict.fromkeys(DASHES, "-"), **dict.fromkeys(INVISIBLE, "")}

PLAIN = r"^\+?[0-9]+(?:[- ][0-9]+)*$"
EXCEL_FORMULA = r'^=?\s*"(.*)"$'
SCIENTIFIC = r"^[+-]?[0-9]+(?:\.[0-9]*)?[eE][+-]?[0-9]+$"
FLOAT_RESIDUE = r"^[0-9]+\.0+$"
FLOAT_SUFFIX = r"\.0+$"
LETTERS = r"[\p{L}\p{M}]|[\p{N}&&[^0-9]]"
LEADING_PLUS = r"^[\s(\[{]*\+"
NEVER = r"[^\s\S]"
WRITTEN_DIGITS = r"^\+?(?:[0-9(][-0-9 ()]*|[0-9][-0-9 .]*)$"
"""A stripped, unwrapped cell of digits and the separators `-`, ` ` and either `(`, `)` or `.`
(after an optional leading `+`): the cleaning grammar reads only its digits (without a
FLOAT_RESIDUE's `.0`), whether it starts with `+` and whether it is a FLOAT_RESIDUE (brackets
and `.` together are left to it: a bracketed annotation removed could leave a float)."""
WRITTEN_CHARACTERS = set("0123456789+-(). ")
# A run of digits that looks like a whole number: 9+ digits joined only by '-', '.' or brackets.
# Anything else (spaces, '/', '、', 'or', ...) between two such runs means two numbers.
MIN_RUN = 9
DIGIT_RUN = rf"(?:[0-9][-.()\[\]]*){{{MIN_RUN - 1}}}[0-9]"
TWO_NUMBERS = rf"{DIGIT_RUN}[-.()\[\]0-9]*[^-.()\[\]0-9].*{DIGIT_RUN}"


@dataclass(frozen=True)
class Grammar:
    """Everything the normaliser needs, as regexes and prefixes built once from the rule files."""

    country_code: str
    trunk_prefix: str
    international_prefix: str
    extra_international_prefixes: tuple[str, ...]
    nsn_min: int
    nsn_max: int
    leading_labels: str
    trailing_labels: str
    extension: str
    annotation: str
    words_outside_digits: bool = False
    """Every label and extension marker holds a character outside WRITTEN_CHARACTERS (so none
    can match in a cell of WRITTEN_DIGITS)."""


def _alternation(words: list[str]) -> str:
    ordered = sorted({w.strip() for w in words if w.strip()}, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s*") for w in ordered)


def build_grammar(numbering: NumberingFile, region: RegionTables) -> Grammar:
    """Compile the reading vocabulary of `numbering.yaml` into the regexes the pipeline uses."""
    reading = numbering.reading
    labels = _alternation(reading.labels) or NEVER
    opening = "".join(re.escape(pair[0]) for pair in reading.brackets)
    closing = "".join(re.escape(pair[1]) for pair in reading.brackets)
    annotation = "|".join(
        f"{re.escape(pair[0])}[^0-9{opening}{closing}]*{re.escape(pair[1])}"
        for pair in reading.brackets
    )
    return Grammar(
        country_code=region.country_code,
        trunk_prefix=region.trunk_prefix,
        international_prefix=region.international_prefix,
        extra_international_prefixes=tuple(numbering.extra_international_prefixes),
        nsn_min=numbering.national_number_length.min,
        nsn_max=numbering.national_number_length.max,
        leading_labels=rf"(?i)^(?:(?:{labels})\s*[:.#]?\s*)+",
        trailing_labels=rf"(?i)(?:\s*(?:{labels})\s*[:.]?)+$",
        extension=(
            rf"(?i)\s*(?:{_alternation(reading.extension_markers)})\s*[.:#]?\s*[0-9]+\s*$"
            if reading.extension_markers
            else NEVER
        ),
        annotation=annotation or NEVER,
        words_outside_digits=all(
            set(word) - WRITTEN_CHARACTERS for word in (*reading.labels, *reading.extension_markers)
        ),
    )


@cache
def _default_grammar() -> Grammar:
    return grammar_for(load_ruleset(None))


def grammar_for(ruleset: RuleSet | None) -> Grammar:
    """The grammar of a rule set (the shipped rules when None)."""
    if ruleset is None:
        return _default_grammar()
    numbering = load_numbering(ruleset)
    return build_grammar(numbering, region_tables(numbering.region))


def non_ascii_expr(text: pl.Expr) -> pl.Expr:
    """Whether the text holds a character outside ASCII: it is longer in UTF-8 bytes than in
    characters (a quarter of the time of a character-class regex)."""
    return text.str.len_bytes() != text.str.len_chars()


def fold_expr(text: pl.Expr) -> pl.Expr:
    """NFKC (full-width digits, '+', spaces, brackets) and every dash variant to '-'."""
    folded = text.str.normalize("NFKC").str.replace_many(FOLD)
    return pl.when(non_ascii_expr(text)).then(folded).otherwise(text)


def folded_expr(text: pl.Expr) -> pl.Expr:
    """`fold_expr` for rows known to hold a non-ASCII character (filter them first: a
    when/then would run NFKC on every row)."""
    return text.str.normalize("NFKC").str.replace_many(FOLD)


def unwrapped_expr(text: pl.Expr) -> pl.Expr:
    """Stripped text without the Excel text tricks (a leading `'`, `="..."`)."""
    t = text.str.strip_chars()
    return t.str.replace(r"^'", "").str.replace(EXCEL_FORMULA, "${1}").str.strip_chars()


def clean_text_expr(text: pl.Expr, g: Grammar, *, fold: bool = True) -> pl.Expr:
    """Folded text without Excel wrappers, extensions, bracketed annotations and labels
    (`fold=False`: `text` is folded already)."""
    t = unwrapped_expr(fold_expr(text) if fold else text)
    t = t.str.replace(g.extension, "")
    t = t.str.replace_all(g.annotation, " ")
    t = t.str.strip_chars().str.replace(g.leading_labels, "").str.replace(g.trailing_labels, "")
    return t.str.strip_chars()


def digits_expr(text: pl.Expr) -> pl.Expr:
    return text.str.replace_all(r"[^0-9]+", "")


def two_numbers_expr(text: pl.Expr, digits: pl.Expr) -> pl.Expr:
    """Two runs of 9+ digits (joined only by '-', '.' or brackets) apart in one cell."""
    return (digits.str.len_bytes() >= 2 * MIN_RUN) & text.str.contains(TWO_NUMBERS)


Step = tuple[pl.Expr, ...]
Steps = tuple[Step, ...]


def apply_steps(lf: pl.LazyFrame, steps: Steps) -> pl.LazyFrame:
    """Add each step's named expressions in turn (a step may use the columns of earlier ones)."""
    for step in steps:
        lf = lf.with_columns(step)
    return lf


@cache
def text_steps(source: str, g: Grammar, fold: bool = True) -> Steps:
    """`_text`, `_digits`, `_plus` and the flags `_sci`, `_float`, `_two`, `_letters`
    (`fold=False`: `source` is folded already, see `fold_rows`)."""
    text = pl.col("_text")
    flags = ("_sci", "_float", "_letters", "_plus", "_two")
    return (
        (clean_text_expr(pl.col(source), g, fold=fold).alias("_text"),),
        (
            text.str.contains(SCIENTIFIC).alias("_sci"),
            text.str.contains(FLOAT_RESIDUE).alias("_float"),
        ),
        (
            pl.when(pl.col("_float"))
            .then(text.str.replace(FLOAT_SUFFIX, ""))
            .otherwise(text)
            .alias("_text"),
        ),
        (
            (~pl.col("_sci") & text.str.contains(LETTERS)).alias("_letters"),
            text.str.contains(LEADING_PLUS).alias("_plus"),
            digits_expr(text).alias("_digits"),
        ),
        (two_numbers_expr(text, pl.col("_digits")).alias("_two"),),
        tuple(pl.col(f).fill_null(False) for f in flags),
    )


def normalise_text(lf: pl.LazyFrame, source: str, g: Grammar, *, fold: bool = True) -> pl.LazyFrame:
    """Add `_text`, `_digits`, `_plus` and the flags `_sci`, `_float`, `_two`, `_letters`."""
    return apply_steps(lf, text_steps(source, g, fold))


def fold_rows(lf: pl.LazyFrame, source: str, target: str) -> pl.LazyFrame:
    """`target` = `fold_expr(source)`, with NFKC run only on the rows that hold a non-ASCII
    character (a filter, then the two parts concatenated: row order changes)."""
    non_ascii = non_ascii_expr(pl.col(source)).fill_null(False)
    return pl.concat(
        [
            lf.filter(~non_ascii).with_columns(pl.col(source).alias(target)),
            lf.filter(non_ascii).with_columns(folded_expr(pl.col(source)).alias(target)),
        ]
    )


@cache
def prefix_steps(g: Grammar) -> Steps:
    """`_scope` ('home'/'foreign'), `_nsn` (home national number), `_intl` (foreign digits after
    the '+' or call prefix) and `_no_trunk` (home digits written without any prefix).

    Prefix lengths are found with cheap tests first; each string is then sliced once."""
    d = pl.col("_digits")
    plus = pl.col("_plus")
    cc, idd, trunk = g.country_code, g.international_prefix, g.trunk_prefix
    bare_lengths = list(range(len(cc) + g.nsn_min, len(cc) + len(trunk) + g.nsn_max + 1))
    home: Then | ChainedThen = pl.when(plus & d.str.starts_with(cc)).then(pl.lit(len(cc)))
    for prefix in [idd + cc, *(p + cc for p in g.extra_international_prefixes)]:
        home = home.when(~plus & d.str.starts_with(prefix)).then(pl.lit(len(prefix)))
    home = home.when(~plus & d.str.starts_with(cc) & d.str.len_bytes().is_in(bare_lengths)).then(
        pl.lit(len(cc))
    )
    foreign = pl.when(plus).then(pl.lit(0)).when(d.str.starts_with(idd)).then(pl.lit(len(idd)))
    after_home = pl.col("_home")
    trunk_after = (d.str.slice(after_home, len(trunk)) == trunk).cast(pl.Int64)
    offset = (
        pl.when(after_home.is_not_null())
        .then(after_home + trunk_after)
        .when(pl.col("_foreign").is_not_null())
        .then(None)
        .when(d.str.starts_with(trunk) & ~d.str.starts_with(trunk + trunk))
        .then(pl.lit(len(trunk)))
        .otherwise(pl.lit(0))
    )
    is_foreign = after_home.is_null() & pl.col("_foreign").is_not_null()
    return (
        (
            home.otherwise(None).cast(pl.Int64).alias("_home"),
            foreign.otherwise(None).cast(pl.Int64).alias("_foreign"),
        ),
        (
            offset.alias("_offset"),
            pl.when(is_foreign).then(pl.lit("foreign")).otherwise(pl.lit("home")).alias("_scope"),
            (after_home.is_null() & ~is_foreign & ~d.str.starts_with(trunk)).alias("_no_trunk"),
        ),
        (
            d.str.slice(pl.col("_offset")).alias("_nsn"),
            pl.when(is_foreign).then(d.str.slice(pl.col("_foreign"))).alias("_intl"),
        ),
    )


def split_prefix(lf: pl.LazyFrame, g: Grammar) -> pl.LazyFrame:
    """Add `_scope`, `_nsn`, `_intl` and `_no_trunk` (see `prefix_steps`)."""
    return apply_steps(lf, prefix_steps(g))


def normalise_expr(col: pl.Expr, grammar: Grammar | None = None) -> pl.Expr:
    """One expression: a struct of `text`, `digits`, `plus`, `scientific`, `float`, `letters`
    and `two_numbers` for a column of phone text (the frame pipeline adds prefix splitting)."""
    g = grammar or _default_grammar()
    plain = col.str.contains(PLAIN).fill_null(False)
    text = pl.when(plain).then(col).otherwise(clean_text_expr(col, g))
    is_float = text.str.contains(FLOAT_RESIDUE)
    text = pl.when(is_float).then(text.str.replace(FLOAT_SUFFIX, "")).otherwise(text)
    digits = digits_expr(text)
    return pl.struct(
        text.alias("text"),
        digits.alias("digits"),
        text.str.contains(LEADING_PLUS).alias("plus"),
        text.str.contains(SCIENTIFIC).alias("scientific"),
        is_float.alias("float"),
        (~text.str.contains(SCIENTIFIC) & text.str.contains(LETTERS)).alias("letters"),
        two_numbers_expr(text, digits).alias("two_numbers"),
    )
