"""Benchmark: checking a recipient list vs reading it, and vs a per-row phonenumbers loop.

    python benchmarks/bench_recipients.py                 # 10,000,000 rows
    python benchmarks/bench_recipients.py --rows 1000000 --dirty-share 0.3

(a) floor: polars reads the same CSV and groups by a 5-digit prefix of the digits;
(b) `check_recipients` on it, collected (one lazy plan, in memory);
(b2) `check_list` on it plus its summary (what `kpsim recipients check` runs: row batches,
    bounded memory);
(c) parse + is_valid + number_type + carrier name + E.164 format per row with phonenumbers, on a
    sample, scaled to all rows.
Each timing is repeated and the median printed, with the ratios (b)/(a) and (c)/(b), as a
markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import phonenumbers
import polars as pl
from phonenumbers import NumberParseException, PhoneNumberFormat, carrier

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT, ROOT / "datasets"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from generate import generate  # noqa: E402

from simulator.engine.stream import check_list  # noqa: E402
from simulator.numbers.recipients import check_recipients  # noqa: E402
from simulator.rules.ruleset import load_ruleset  # noqa: E402


def median_seconds(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall-clock and median process CPU seconds (CPU is steadier on a shared machine)."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def floor(path: Path) -> pl.DataFrame:
    """Read the phone column and group by the first five digits: the least any checker does."""
    digits = pl.col("phone").str.replace_all(r"[^0-9]", "").str.slice(0, 5)
    return pl.scan_csv(path, infer_schema=False).group_by(digits).len().collect()


def per_row_loop(cells: list[str | None]) -> int:
    """The row-by-row way: phonenumbers on every cell (what kpsim replaces)."""
    ok = 0
    for cell in cells:
        if not cell:
            continue
        try:
            number = phonenumbers.parse(cell, "JP")
        except NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            phonenumbers.number_type(number)
            carrier.name_for_number(number, "en")
            phonenumbers.format_number(number, PhoneNumberFormat.E164)
            ok += 1
    return ok


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--dirty-share", type=float, default=0.3)
    parser.add_argument("--lookup", action="store_true", help="add a carrier-lookup column")
    parser.add_argument("--sample", type=int, default=100_000, help="rows for the loop (c)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    frame = generate(
        args.rows, seed=args.seed, dirty_share=args.dirty_share, lookup_column=args.lookup
    )
    with tempfile.TemporaryDirectory(prefix="kpsim-bench-") as tmp:
        path = Path(tmp) / "recipients.csv"
        frame.write_csv(path)
        size_mb = path.stat().st_size / 1e6
        sample = frame["phone"].head(args.sample).to_list()
        del frame
        print(
            f"generated {args.rows:,} rows ({size_mb:,.0f} MB) in "
            f"{time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )

        ruleset = load_ruleset()
        as_of = dt.date(2026, 11, 25)
        checked = check_recipients(path, as_of=as_of, ruleset=ruleset).collect()
        ok = int((checked["status"] == "ok").sum())
        del checked

        a, a_cpu = median_seconds(lambda: floor(path), args.repeat)
        b, b_cpu = median_seconds(
            lambda: check_recipients(path, as_of=as_of, ruleset=ruleset).collect(), args.repeat
        )
        b2, b2_cpu = median_seconds(
            lambda: check_list(path, as_of=as_of, ruleset=ruleset).summarise(), args.repeat
        )
        c_sample, c_cpu_sample = median_seconds(lambda: per_row_loop(sample), args.repeat)
    scale = args.rows / len(sample)
    c, c_cpu = c_sample * scale, c_cpu_sample * scale

    def rate(seconds: float) -> str:
        return f"{args.rows / seconds:,.0f}"

    print(
        f"\n{args.rows:,} rows ({size_mb:,.0f} MB CSV), dirty share {args.dirty_share}, "
        f"{ok:,} ok; median of {args.repeat}; polars {pl.__version__}, phonenumbers "
        f"{phonenumbers.__version__}, {pl.thread_pool_size()} polars threads\n"
    )
    print("| step | wall s | CPU s | rows/s (wall) |")
    print("|---|---:|---:|---:|")
    print(f"| (a) floor: scan CSV + group by 5-digit prefix | {a:.2f} | {a_cpu:.2f} | {rate(a)} |")
    print(f"| (b) check_recipients(...).collect() | {b:.2f} | {b_cpu:.2f} | {rate(b)} |")
    print(f"| (b2) check_list(...).summarise() | {b2:.2f} | {b2_cpu:.2f} | {rate(b2)} |")
    print(
        f"| (c) phonenumbers per row ({len(sample):,}-row sample, scaled) "
        f"| {c:.1f} | {c_cpu:.1f} | {rate(c)} |"
    )
    print(f"| ratio (b)/(a), target <= 2 | {b / a:.2f} | {b_cpu / a_cpu:.2f} | |")
    print(f"| ratio (b2)/(a) | {b2 / a:.2f} | {b2_cpu / a_cpu:.2f} | |")
    print(f"| ratio (c)/(b), target >= 100 | {c / b:.0f} | {c_cpu / b_cpu:.0f} | |")


if __name__ == "__main__":
    main()
