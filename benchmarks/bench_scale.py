"""Benchmark: checking and forecasting 1M, 10M, 100M dirty rows against the polars floor.

    python benchmarks/bench_scale.py                          # 1M and 10M rows, median of 3
    python benchmarks/bench_scale.py --sizes 1M,10M,100M      # 100M: one run (about 25 min)

Each list is generated to a temporary directory in chunks of 1M rows (datasets/generate.py's
generator with one seed per chunk, appended to one CSV), so even 100M rows never sit in memory.
Each measurement runs in a fresh child process that reports its wall-clock and CPU seconds and
its own peak RSS (`ru_maxrss`), so one run's memory never hides in another's:

(a) floor: polars scans the CSV and groups by a 5-digit prefix of the digits (as
    bench_recipients.py), the least any checker does;
(b) `check_list(...)` + its summary: what `kpsim recipients check FILE` does (streaming: row
    batches, derived columns spilled to scratch files, duplicates in bounded hash buckets);
(c) `forecast(...)` of a fixed message under standard, lite and full: what `kpsim forecast FILE`
    computes (the check above, then pricing, porting uncertainty and the summary).

Targets: time grows linearly with rows, (b)/(a) within 3x, peak RSS flat (under 4 GiB at 100M).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT, ROOT / "datasets"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

import polars as pl  # noqa: E402

CHUNK_ROWS = 1_000_000
AS_OF = dt.date(2026, 11, 25)
MESSAGE = "【テスト】ご予約の確認です。詳細はWebでご確認ください。"


def parse_size(text: str) -> int:
    """`1M`, `10m`, `250K` or `1000000` -> rows."""
    text = text.strip().upper().replace("_", "")
    scale = {"K": 1_000, "M": 1_000_000, "G": 1_000_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("KMG")) * scale)


def size_label(rows: int) -> str:
    return f"{rows // 1_000_000:,}M" if rows % 1_000_000 == 0 else f"{rows:,}"


def write_dirty_csv(path: Path, rows: int, *, seed: int, dirty_share: float) -> float:
    """Append generated chunks of CHUNK_ROWS rows to one CSV (customer ids stay unique);
    returns the seconds it took."""
    from generate import generate

    started = time.perf_counter()
    with path.open("wb") as fh:
        for index, start in enumerate(range(0, rows, CHUNK_ROWS)):
            n = min(CHUNK_ROWS, rows - start)
            chunk = generate(n, seed=seed + index, dirty_share=dirty_share).with_columns(
                customer_id=pl.lit("C")
                + (pl.int_range(1, n + 1) + start).cast(pl.String).str.zfill(9)
            )
            chunk.write_csv(fh, include_header=index == 0)
    return time.perf_counter() - started


# --- what a child process runs -------------------------------------------------------------


def floor(path: Path) -> Any:
    """Read the phone column and group by the first five digits: the least any checker does."""
    digits = pl.col("phone").str.replace_all(r"[^0-9]", "").str.slice(0, 5)
    return pl.scan_csv(path, infer_schema=False).group_by(digits).len().collect()


def check(path: Path) -> Any:
    """What `kpsim recipients check FILE` computes: every row checked, the summary counted."""
    from simulator.engine.stream import check_list

    return check_list(path, as_of=AS_OF).summarise()


def forecast(path: Path) -> Any:
    """What `kpsim forecast FILE --message ...` computes for standard, lite and full."""
    from simulator.analysis.run import ForecastOptions
    from simulator.analysis.run import forecast as run_forecast
    from simulator.result import ForecastResult

    options = ForecastOptions(message=MESSAGE, as_of=AS_OF, plans=["standard", "lite", "full"])
    return ForecastResult.of(run_forecast(path, options)).summary


TASKS: dict[str, Callable[[Path], Any]] = {"floor": floor, "check": check, "forecast": forecast}


def child(task: str, path: Path) -> None:
    """Run one task after importing everything it needs; print its timings as JSON."""
    import resource

    import simulator.analysis.run  # noqa: F401  (imports are not timed)

    start, start_cpu = time.perf_counter(), time.process_time()
    TASKS[task](path)
    wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"wall": wall, "cpu": cpu, "peak_mib": peak_kib / 1024}))


# --- the parent ----------------------------------------------------------------------------


def measure(task: str, path: Path) -> dict[str, float]:
    """One run of `task` on `path` in a fresh process: wall s, CPU s, peak RSS MiB."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", task, str(path)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "KPSIM_PROGRESS": "0"},
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def medians(task_names: Sequence[str], path: Path, repeat: int) -> dict[str, dict[str, float]]:
    """Interleaved runs (a, b, a, b, ...) so drift on a shared machine hits both alike."""
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in task_names}
    for _ in range(repeat):
        for name in task_names:
            runs[name].append(measure(name, path))
            print(f"  {name}: {runs[name][-1]}", file=sys.stderr)
    return {
        name: {key: statistics.median(r[key] for r in results) for key in results[0]}
        for name, results in runs.items()
    }


def machine() -> str:
    return (
        f"{os.cpu_count()} cores (nproc), polars {pl.__version__}, "
        f"{pl.thread_pool_size()} polars threads, Python {sys.version.split()[0]}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sizes", default="1M,10M", help="comma-separated, e.g. 1M,10M,100M")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (100M+: one)")
    parser.add_argument("--dirty-share", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--tmp", type=Path, default=None, help="directory for the lists")
    parser.add_argument("--child", nargs=2, metavar=("TASK", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return

    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    rows_out = []
    with tempfile.TemporaryDirectory(prefix="kpsim-scale-", dir=args.tmp) as tmp:
        for rows in sizes:
            path = Path(tmp) / f"dirty_{rows}.csv"
            took = write_dirty_csv(path, rows, seed=args.seed, dirty_share=args.dirty_share)
            size_mb = path.stat().st_size / 1e6
            print(
                f"{size_label(rows)}: generated {size_mb:,.0f} MB in {took:.0f} s", file=sys.stderr
            )
            repeat = args.repeat if rows < 100_000_000 else 1
            got = medians(["floor", "check", "forecast"], path, repeat)
            rows_out.append((rows, size_mb, repeat, got))
            path.unlink()

    print(f"\nkpsim vs the polars floor, dirty share {args.dirty_share}; {machine()}\n")
    print(
        "| rows | CSV MB | runs | floor s | check s | check/floor | forecast s | forecast/floor "
        "| check s per 1M rows | peak MiB floor / check / forecast |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for rows, size_mb, repeat, got in rows_out:
        a, b, c = got["floor"], got["check"], got["forecast"]
        print(
            f"| {size_label(rows)} | {size_mb:,.0f} | {repeat} | {a['wall']:.2f} | {b['wall']:.2f} "
            f"| {b['wall'] / a['wall']:.2f} | {c['wall']:.2f} | {c['wall'] / a['wall']:.2f} "
            f"| {b['wall'] / rows * 1e6:.2f} "
            f"| {a['peak_mib']:,.0f} / {b['peak_mib']:,.0f} / {c['peak_mib']:,.0f} |"
        )
    print(
        "\nruns > 1: medians; each run is a fresh process (imports not timed); "
        "targets: ratio <= 3, s per 1M rows flat (linear), peak < 4 GiB at 100M"
    )


if __name__ == "__main__":
    main()
