"""Benchmark: `forecast` with three plans on N dirty rows against the polars floor, in one run.

    python benchmarks/bench_forecast.py                  # 10,000,000 rows, median of 3
    python benchmarks/bench_forecast.py --rows 1M --repeat 5

The list is generated in 1M-row chunks (see bench_scale.py). Each run is a fresh child process
reporting wall-clock, CPU and its own peak RSS: (a) the floor of bench_recipients.py (scan the
CSV, group by a 5-digit prefix); (b) `forecast(...)` for standard, lite and full with a fixed
Japanese message: the list read once in row batches, prices, expected cost and 95% range.
Targets: (b)/(a) within 3x, peak RSS under 4 GiB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench_scale import machine, medians, parse_size, size_label, write_dirty_csv


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--rows", default="10M", help="e.g. 1M, 10M, 2500000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dirty-share", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--tmp", type=Path, default=None, help="directory for the list")
    args = parser.parse_args(argv)

    rows = parse_size(args.rows)
    with tempfile.TemporaryDirectory(prefix="kpsim-forecast-", dir=args.tmp) as tmp:
        path = Path(tmp) / "dirty.csv"
        took = write_dirty_csv(path, rows, seed=args.seed, dirty_share=args.dirty_share)
        size_mb = path.stat().st_size / 1e6
        print(f"generated {size_mb:,.0f} MB in {took:.0f} s", file=sys.stderr)
        got = medians(["floor", "forecast"], path, args.repeat)

    a, b = got["floor"], got["forecast"]
    print(
        f"\nforecast (standard, lite, full) vs the floor, {size_label(rows)} rows "
        f"({size_mb:,.0f} MB CSV), dirty share {args.dirty_share}, median of {args.repeat}; "
        f"{machine()}\n"
    )
    print("| step | wall s | CPU s | rows/s (wall) | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|")
    print(
        f"| (a) floor: scan CSV + group by 5-digit prefix | {a['wall']:.2f} | {a['cpu']:.2f} "
        f"| {rows / a['wall']:,.0f} | {a['peak_mib']:,.0f} |"
    )
    print(
        f"| (b) forecast, 3 plans | {b['wall']:.2f} | {b['cpu']:.2f} "
        f"| {rows / b['wall']:,.0f} | {b['peak_mib']:,.0f} |"
    )
    print(
        f"| ratio (b)/(a), target <= 3; peak target < 4096 MiB | {b['wall'] / a['wall']:.2f} "
        f"| {b['cpu'] / a['cpu']:.2f} | | |"
    )


if __name__ == "__main__":
    main()
