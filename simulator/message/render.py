"""Per-recipient message text: `{column}` placeholders filled from the recipient list, vectorised."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from simulator.errors import UsageError
from simulator.numbers.reader import shown_columns


@dataclass(frozen=True)
class TemplatePiece:
    """Literal text, or the name of a column to insert."""

    text: str
    is_placeholder: bool


def parse_template(template: str) -> list[TemplatePiece]:
    """Split a template into literal text and `{name}` placeholders; `{{` and `}}` are braces."""
    pieces: list[TemplatePiece] = []
    literal: list[str] = []
    i = 0
    while i < len(template):
        ch = template[i]
        if ch in "{}" and template[i : i + 2] == ch * 2:
            literal.append(ch)
            i += 2
            continue
        if ch == "}":
            raise UsageError(
                f"message template: '}}' at character {i + 1} closes no placeholder",
                hint="write }} for a literal }",
            )
        if ch == "{":
            end = template.find("}", i + 1)
            opening = template.find("{", i + 1)
            if end == -1 or (opening != -1 and opening < end):
                raise UsageError(
                    f"message template: '{{' at character {i + 1} has no closing '}}'",
                    hint="write {{ for a literal {",
                )
            name = template[i + 1 : end].strip()
            if not name:
                raise UsageError(
                    f"message template: empty placeholder {{}} at character {i + 1}",
                    hint="put a column name inside, or write {{}} for literal braces",
                )
            if literal:
                pieces.append(TemplatePiece("".join(literal), False))
                literal = []
            pieces.append(TemplatePiece(name, True))
            i = end + 1
            continue
        literal.append(ch)
        i += 1
    if literal:
        pieces.append(TemplatePiece("".join(literal), False))
    return pieces


def placeholders(template: str) -> list[str]:
    """Column names a template uses, in order of first use."""
    return list(dict.fromkeys(p.text for p in parse_template(template) if p.is_placeholder))


def fixed_text(template: str) -> str | None:
    """The text sent for a template without placeholders (`{{` and `}}` become `{` and `}`);
    None when it has placeholders. Parts and lengths are counted on this text, never on the
    template as written."""
    pieces = parse_template(template)
    if any(p.is_placeholder for p in pieces):
        return None
    return "".join(p.text for p in pieces)


def template_pieces(template: str, available_columns: Sequence[str]) -> list[TemplatePiece]:
    """`parse_template`, with every placeholder checked against the list's columns."""
    pieces = parse_template(template)
    known = list(available_columns)
    for piece in pieces:
        if piece.is_placeholder and piece.text not in known:
            raise UsageError(
                f"message template: unknown placeholder {{{piece.text}}}",
                hint=f"columns available: {shown_columns(known)}",
            )
    return pieces


def render_expr(template: str, available_columns: Sequence[str]) -> pl.Expr:
    """The message text, one value per row (named `message`); null values render as empty text."""
    pieces = template_pieces(template, available_columns)
    exprs = [
        pl.col(p.text).cast(pl.Utf8).fill_null("") if p.is_placeholder else pl.lit(p.text)
        for p in pieces
    ]
    if all(not p.is_placeholder for p in pieces):
        literal = "".join(p.text for p in pieces)
        return pl.repeat(pl.lit(literal, dtype=pl.Utf8), pl.len()).alias("message")
    return pl.concat_str(exprs, separator="").alias("message")
