"""Synthetic Japanese recipient lists for tests, demos and benchmarks (never real personal data).

Mobile numbers are drawn allocation-weighted from phonenumbers' carrier prefixes (random suffix
digits), a share is rendered the way real spreadsheets mangle them, and landlines, 050/0120/020
numbers, duplicates, names and an optional carrier-lookup column are mixed in.

    python datasets/generate.py --preset retail_promo_50k --out /tmp/retail.csv
    python datasets/generate.py --rows 10000 --dirty-share 0.3 --lookup --out list.csv
    python datasets/generate.py --samples          # rewrite the committed samples
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from simulator.numbers.tables import allocation_table  # noqa: E402
from simulator.rules.ruleset import load_ruleset  # noqa: E402

HERE = Path(__file__).resolve().parent

FAMILY_JA = [
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
    "木村",
    "林",
    "斎藤",
    "清水",
    "髙橋",
    "山﨑",
]
GIVEN_JA = [
    "太郎",
    "花子",
    "翔太",
    "陽菜",
    "蓮",
    "結衣",
    "大輝",
    "美咲",
    "健",
    "葵",
    "悠真",
    "さくら",
    "湊",
    "芽依",
    "拓海",
    "愛",
    "ゆうき",
    "ひなた",
    "ケンタ",
    "ミナ",
]
FAMILY_LATIN = ["Yamada", "Sato", "Suzuki", "Clark", "Garcia", "Nguyen", "Kim", "Smith", "Tanaka"]
GIVEN_LATIN = ["Taro", "Hanako", "Emily", "Ken", "Maria", "Minh", "Ji-woo", "Alex", "Yuki"]

# Non-mobile ranges: (weight, NSN prefix, random digits after it, national grouping).
OTHER_RANGES = [
    (0.22, "3", 8, (2, 4)),  # Tokyo 03-XXXX-XXXX
    (0.12, "6", 8, (2, 4)),  # Osaka 06
    (0.08, "52", 7, (3, 3)),  # Nagoya 052
    (0.06, "45", 7, (3, 3)),  # Yokohama 045
    (0.04, "92", 7, (3, 3)),  # Fukuoka 092
    (0.20, "50", 8, (3, 4)),  # 050 IP phone
    (0.14, "120", 6, (4, 3)),  # 0120 toll-free
    (0.10, "20", 8, (3, 4)),  # 020 M2M
    (0.04, "570", 6, (4, 3)),  # 0570 navi dial
]

# Dash variants in Japanese data; the second list survives a CP932 round trip unchanged.
DASHES_ALL = ["ー", "ｰ", "‐", "‑", "‒", "–", "—", "―", "−", "～", "〜", "一", "－"]
DASHES_CP932 = ["ー", "ｰ", "‐", "―", "～", "一", "－"]
FULLWIDTH = {str(d): chr(0xFF10 + d) for d in range(10)} | {"-": "－", "+": "＋"}

# Dirty renderings: name -> weight among dirty rows. Rejected ones are rarer.
DIRTY_FORMATS = {
    "fullwidth": 10,
    "dash_variant": 14,
    "spaces": 5,
    "ideographic_space": 3,
    "plus81": 6,
    "plus81_trunk": 3,
    "zero_zero_81": 3,
    "idd_010_81": 2,
    "bare_81": 3,
    "lost_zero": 10,
    "float_residue": 4,
    "annotation": 6,
    "label": 6,
    "excel_apostrophe": 3,
    "excel_formula": 3,
    "parentheses": 3,
    "dots": 2,
    "scientific": 3,
    "two_numbers": 2,
    "letters": 1,
    "blank": 2,
    "nbsp_zero_width": 2,
}
CP932_UNSAFE_FORMATS = {"nbsp_zero_width"}
ANNOTATIONS = [("", "（携帯）"), ("(mobile) ", ""), ("【携帯】", ""), ("", " (自宅)")]
LABELS = ["TEL:", "電話 ", "Tel. ", "携帯:", "ＴＥＬ："]
SEPARATORS = [" / ", "、", " or ", ",", "・"]
JUNK = ["なし", "不明", "未記入", "unknown", "090-XXXX-XXXX"]
UNKNOWN_LOOKUP = ["不明", "MVNO", "unknown carrier"]

PRESETS: dict[str, dict[str, Any]] = {
    "retail_promo_50k": {
        "n": 50_000,
        "seed": 50,
        "dirty_share": 0.25,
        "landline_share": 0.06,
        "dup_share": 0.03,
        "lookup_column": False,
        "ported_share": 0.0,
    },
    "otp_fallback_1m": {
        "n": 1_000_000,
        "seed": 1_000,
        "dirty_share": 0.08,
        "landline_share": 0.01,
        "dup_share": 0.01,
        "lookup_column": True,
        "ported_share": 0.22,
    },
}
SAMPLES = {
    "sample_recipients.csv": {"n": 2_000, "seed": 7, "lookup_column": False},
    "sample_recipients_lookup.csv": {"n": 2_000, "seed": 8, "lookup_column": True},
}


def _choice(rng: np.random.Generator, items: list[str], n: int) -> pl.Series:
    return pl.Series(
        np.asarray(items, dtype=object)[rng.integers(0, len(items), n)], dtype=pl.String
    )


def _digits(rng: np.random.Generator, counts: np.ndarray) -> pl.Series:
    """Random digit strings, one per row, of the given lengths (at most 9)."""
    values = rng.integers(0, 10 ** counts.astype(np.int64), dtype=np.int64)
    text = pl.Series(values).cast(pl.String)
    return pl.select(text.str.zfill(pl.Series(counts))).to_series()


def _national_numbers(
    rng: np.random.Generator, n: int, landline_share: float, rules_dir: Path | None
) -> pl.DataFrame:
    """NSNs with their kind (mobile/other), allocating carrier and national grouping."""
    rs = load_ruleset(rules_dir)
    width, table = allocation_table("81", rs.carriers.values())
    prefixes = np.asarray(list(table), dtype=object)
    carriers = np.asarray(list(table.values()), dtype=object)
    is_other = rng.random(n) < landline_share
    pick = rng.integers(0, len(prefixes), n)
    weights = np.asarray([r[0] for r in OTHER_RANGES])
    other = rng.choice(len(OTHER_RANGES), size=n, p=weights / weights.sum())
    other_prefix = np.asarray([r[1] for r in OTHER_RANGES], dtype=object)[other]
    other_len = np.asarray([r[2] for r in OTHER_RANGES])[other]
    mobile_tail = np.full(n, 10 - width)
    tails = _digits(rng, np.where(is_other, other_len, mobile_tail))
    # Ranges after a non-mobile prefix never start with 0 (03-0xxx, 050-0xxx do not exist).
    lead = pl.Series(rng.integers(1, 10, n)).cast(pl.String)
    tails = pl.select(
        pl.when(pl.Series(is_other)).then(lead + tails.str.slice(1)).otherwise(tails)
    ).to_series()
    group_a = np.where(is_other, np.asarray([r[3][0] for r in OTHER_RANGES])[other], 3)
    group_b = np.where(is_other, np.asarray([r[3][1] for r in OTHER_RANGES])[other], 4)
    return pl.DataFrame(
        {
            "kind": np.where(is_other, "other", "mobile"),
            "head": np.where(is_other, other_prefix, prefixes[pick]),
            "tail": tails,
            "allocated": carriers[pick].astype(str),
            "group_a": group_a,
            "group_b": group_b,
        },
        schema_overrides={"kind": pl.String, "head": pl.String, "allocated": pl.String},
    ).select(
        "kind",
        pl.when(pl.col("kind") == "mobile").then(pl.col("allocated")).alias("allocated"),
        "group_a",
        "group_b",
        nsn=pl.col("head") + pl.col("tail"),
    )


def _with_duplicates(rng: np.random.Generator, df: pl.DataFrame, share: float) -> pl.DataFrame:
    """Replace a share of rows by a copy of an earlier, original row."""
    n = df.height
    dup = rng.random(n) < share
    dup[0] = False
    originals = np.flatnonzero(~dup)
    positions = np.flatnonzero(dup)
    before = np.searchsorted(originals, positions)
    source = np.arange(n)
    source[positions] = originals[(rng.random(len(positions)) * before).astype(np.int64)]
    return df[source]


def _grouped(nat: pl.Expr, a: pl.Expr, b: pl.Expr, sep: pl.Expr | str) -> pl.Expr:
    sep_expr = pl.lit(sep) if isinstance(sep, str) else sep
    return pl.concat_str(
        nat.str.slice(0, a), sep_expr, nat.str.slice(a, b), sep_expr, nat.str.slice(a + b)
    )


def _render(
    rng: np.random.Generator, df: pl.DataFrame, dirty_share: float, cp932_safe: bool
) -> pl.Series:
    """The phone cell as a person or a spreadsheet wrote it."""
    n = df.height
    formats = {
        k: v for k, v in DIRTY_FORMATS.items() if not (cp932_safe and k in CP932_UNSAFE_FORMATS)
    }
    names = list(formats)
    weights = np.asarray(list(formats.values()), dtype=float)
    dirty = rng.random(n) < dirty_share
    fmt = np.where(
        dirty,
        np.asarray(names, dtype=object)[rng.choice(len(names), n, p=weights / weights.sum())],
        np.where(rng.random(n) < 0.5, "plain", "hyphen"),
    )
    dashes = DASHES_CP932 if cp932_safe else DASHES_ALL
    other = df["nsn"].sample(n, with_replacement=True, seed=int(rng.integers(0, 2**31)))
    frame = df.with_columns(
        fmt=pl.Series(fmt, dtype=pl.String),
        dash=_choice(rng, dashes, n),
        annotation=pl.Series(rng.integers(0, len(ANNOTATIONS), n)),
        label=_choice(rng, LABELS, n),
        separator=_choice(rng, SEPARATORS, n),
        junk=_choice(rng, JUNK, n),
        other=("0" + other),
        _i=pl.int_range(0, n),
    )
    nsn = pl.col("nsn")
    nat = "0" + nsn
    a, b = pl.col("group_a"), pl.col("group_b")
    hyphen = _grouped(nat, a, b, "-")
    nsn_grouped = _grouped(nsn, a - 1, b, "-")
    sci = pl.concat_str(
        nsn.str.slice(0, 1),
        pl.lit("."),
        nsn.str.slice(1, 5),
        pl.lit("E+"),
        (nsn.str.len_chars() - 1).cast(pl.String).str.zfill(2),
    )
    annotated = pl.lit("")
    for i, (before, after) in enumerate(ANNOTATIONS):
        annotated = (
            pl.when(pl.col("annotation") == i)
            .then(pl.lit(before) + hyphen + pl.lit(after))
            .otherwise(annotated)
        )
    rendered = {
        "plain": nat,
        "hyphen": hyphen,
        "fullwidth": hyphen.str.replace_many(FULLWIDTH),
        "dash_variant": _grouped(nat, a, b, pl.col("dash")),
        "spaces": _grouped(nat, a, b, " "),
        "ideographic_space": _grouped(nat, a, b, "\u3000"),
        "plus81": "+81 " + nsn_grouped,
        "plus81_trunk": "+81 (0)" + nsn_grouped.str.replace_all("-", " "),
        "zero_zero_81": "0081-" + nsn_grouped,
        "idd_010_81": "010-81-" + nsn_grouped,
        "bare_81": "81" + nsn,
        "lost_zero": nsn,
        "float_residue": nsn + ".0",
        "annotation": annotated,
        "label": pl.col("label") + hyphen,
        "excel_apostrophe": "'" + nat,
        "excel_formula": '="' + nat + '"',
        "parentheses": _grouped(nat, a, b, ")")
        .str.replace(r"^", "(", literal=False)
        .str.replace(r"\)(\d+)$", "-$1"),
        "dots": _grouped(nat, a, b, "."),
        "scientific": sci,
        "two_numbers": hyphen + pl.col("separator") + pl.col("other"),
        "letters": pl.col("junk"),
        "blank": pl.lit(None, dtype=pl.String),
        "nbsp_zero_width": _grouped(nat, a, b, "\u00a0").str.replace("^", "\u200b"),
    }
    parts = [
        frame.filter(pl.col("fmt") == name).select("_i", value.alias("phone"))
        for name, value in rendered.items()
    ]
    return pl.concat(parts).sort("_i")["phone"]


def _names(rng: np.random.Generator, n: int) -> pl.Series:
    japanese = rng.random(n) < 0.7
    ja = _choice(rng, FAMILY_JA, n) + " " + _choice(rng, GIVEN_JA, n)
    latin = _choice(rng, GIVEN_LATIN, n) + " " + _choice(rng, FAMILY_LATIN, n)
    return pl.select(pl.when(pl.Series(japanese)).then(ja).otherwise(latin)).to_series()


def _lookup(
    rng: np.random.Generator, df: pl.DataFrame, ported_share: float, rules_dir: Path | None
) -> pl.Series:
    """What a carrier-lookup API would say: brand names and MCC-MNC codes, some numbers ported."""
    rs = load_ruleset(rules_dir)
    ids = list(rs.carriers)
    n = df.height
    ported = rng.random(n) < ported_share
    shift = rng.integers(1, len(ids), n)
    spellings = {
        c.id: [c.id, c.name, *c.aliases, *c.mccmnc, *(m.replace("-", "") for m in c.mccmnc)]
        for c in rs.carriers.values()
    }
    index = (
        df["allocated"]
        .replace_strict({c: i for i, c in enumerate(ids)}, default=-1, return_dtype=pl.Int64)
        .to_numpy()
    )
    serving = np.where(ported & (index >= 0), (index + shift) % len(ids), index)
    out = np.empty(n, dtype=object)
    for i, carrier_id in enumerate(ids):
        rows = np.flatnonzero(serving == i)
        words = np.asarray(spellings[carrier_id], dtype=object)
        out[rows] = words[rng.integers(0, len(words), len(rows))]
    unknown = (index >= 0) & (rng.random(n) < 0.003)
    out[unknown] = np.asarray(UNKNOWN_LOOKUP, dtype=object)[
        rng.integers(0, len(UNKNOWN_LOOKUP), unknown.sum())
    ]
    return pl.Series(out, dtype=pl.String)


def generate(
    n: int,
    *,
    seed: int = 0,
    dirty_share: float = 0.3,
    landline_share: float = 0.05,
    dup_share: float = 0.02,
    lookup_column: bool = False,
    ported_share: float = 0.2,
    cp932_safe: bool = False,
    rules_dir: Path | None = None,
) -> pl.DataFrame:
    """A synthetic list: customer_id, name, phone (as written) and, optionally, carrier (lookup)."""
    rng = np.random.default_rng(seed)
    numbers = _with_duplicates(rng, _national_numbers(rng, n, landline_share, rules_dir), dup_share)
    columns: dict[str, pl.Series] = {
        "customer_id": pl.select(
            pl.lit("C") + pl.int_range(1, n + 1).cast(pl.String).str.zfill(8)
        ).to_series(),
        "name": _names(rng, n),
        "phone": _render(rng, numbers, dirty_share, cp932_safe),
    }
    if lookup_column:
        columns["carrier"] = _lookup(rng, numbers, ported_share, rules_dir)
    return pl.DataFrame(columns)


def write(df: pl.DataFrame, out: Path, encoding: str = "utf-8") -> None:
    """CSV in UTF-8 (streamed by polars) or another encoding such as cp932; .parquet by suffix."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".parquet":
        df.write_parquet(out)
    elif encoding.replace("-", "").lower() in ("utf8", "utf_8"):
        df.write_csv(out)
    else:
        out.write_bytes(df.write_csv().encode(encoding))


def write_samples(directory: Path = HERE) -> list[Path]:
    """The committed samples: UTF-8 and CP932 copies of one list, and a list with lookups."""
    written = []
    for name, options in SAMPLES.items():
        df = generate(
            options["n"],
            seed=options["seed"],
            lookup_column=options["lookup_column"],
            cp932_safe=True,
        )
        write(df, directory / name)
        written.append(directory / name)
        if name == "sample_recipients.csv":
            write(df, directory / "sample_recipients_cp932.csv", encoding="cp932")
            written.append(directory / "sample_recipients_cp932.csv")
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--preset", choices=sorted(PRESETS))
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dirty-share", type=float, default=0.3)
    parser.add_argument("--landline-share", type=float, default=0.05)
    parser.add_argument("--dup-share", type=float, default=0.02)
    parser.add_argument("--ported-share", type=float, default=0.2)
    parser.add_argument("--lookup", action="store_true", help="add a carrier-lookup column")
    parser.add_argument("--cp932-safe", action="store_true", help="only characters CP932 keeps")
    parser.add_argument("--encoding", default="utf-8", help="CSV encoding, e.g. cp932")
    parser.add_argument("--out", type=Path, help="output file (.csv or .parquet)")
    parser.add_argument("--samples", action="store_true", help="rewrite the committed samples")
    args = parser.parse_args(argv)
    if args.samples:
        for path in write_samples():
            print(path)
        return
    if args.out is None:
        parser.error("--out is required (or --samples)")
    if args.preset:
        options = dict(PRESETS[args.preset])
        df = generate(options.pop("n"), **options)
    else:
        df = generate(
            args.rows,
            seed=args.seed,
            dirty_share=args.dirty_share,
            landline_share=args.landline_share,
            dup_share=args.dup_share,
            lookup_column=args.lookup,
            ported_share=args.ported_share,
            cp932_safe=args.cp932_safe,
        )
    write(df, args.out, args.encoding)
    print(f"{args.out}: {df.height} rows")


if __name__ == "__main__":
    main()
