"""Benchmark: checking and forecasting 1M, 10M, 100M dirty rows against the polars floor.

    python benchmarks/bench_scale.py                          # 1M and 10M rows, median of 3
    python benchmarks/bench_scale.py --sizes 1M,10M,100M      # 100M: one run (many minutes)
    python benchmarks/bench_scale.py --sizes 1M --no-cli      # warm figures only
    python benchmarks/bench_scale.py --sizes 100M --no-cli --no-loop --tasks templated

Each list is generated to a temporary directory in chunks of 1M rows (datasets/generate.py's
generator with one seed per chunk, appended to one CSV), so even 100M rows never sit in memory.
Each measurement runs in a fresh child process that reports its wall-clock and CPU seconds and
its own peak RSS (VmHWM), so one run's memory never hides in another's:

(a) floor: polars scans the CSV and groups by a 5-digit prefix of the digits (as
    bench_recipients.py), the least any checker does;
(b) `check_list(...)` + its summary: what `kpsim recipients check FILE` does (streaming: row
    batches, derived columns spilled to scratch files, duplicates in bounded hash buckets);
(c) `forecast(...)` of a fixed message under standard, lite and full: what `kpsim forecast FILE`
    computes (the check above, then pricing, porting uncertainty and the summary);
(d) the same forecast of a templated message (`{customer_id}` in it: priced per recipient);
(e) the per-row loop: phonenumbers parse + is_valid + number_type + carrier + E.164 on every
    cell (as bench_recipients.py), timed on a LOOP_SAMPLE-row sample and scaled to all rows;
(f) CLI: `kpsim recipients check FILE --json` and `kpsim forecast FILE ... --json` as whole
    fresh processes (interpreter, imports and rules included), timed from outside (the console
    script is started by a two-line launcher that records its peak RSS at exit).

Peak RSS is each process's own VmHWM (ru_maxrss would include the forked parent's size).

"warm" rows time the work inside a child that has already imported everything; "CLI" rows time
the whole command. CPU seconds (user + system, every thread) are steadier than wall seconds on
a shared machine; both are printed.

Targets (issue 12): check and forecast <= 2x the floor at 10M as CLI (<= 3x at 1M), >= 100x the
per-row loop at 10M, forecast - check <= 10% of check, peak RSS <= 1 GiB at 10M.
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
for extra in (ROOT, ROOT / "datasets", ROOT / "benchmarks"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

import polars as pl  # noqa: E402

CHUNK_ROWS = 1_000_000
AS_OF = dt.date(2026, 11, 25)
MESSAGE = "【テスト】ご予約の確認です。詳細はWebでご確認ください。"
TEMPLATE = "【テスト】{customer_id}様、ご予約の確認です。詳細はWebでご確認ください。"
PLANS = ["standard", "lite", "full"]
LOOP_SAMPLE = 100_000


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


def forecast(path: Path, message: str = MESSAGE) -> Any:
    """What `kpsim forecast FILE --message ...` computes for standard, lite and full."""
    from simulator.analysis.run import ForecastOptions
    from simulator.analysis.run import forecast as run_forecast
    from simulator.result import ForecastResult

    options = ForecastOptions(message=message, as_of=AS_OF, plans=PLANS)
    return ForecastResult.of(run_forecast(path, options)).summary


def templated(path: Path) -> Any:
    """The forecast of a message with a placeholder: rendered and counted per recipient."""
    return forecast(path, TEMPLATE)


def loop(path: Path) -> Any:
    """The per-row phonenumbers loop on the first LOOP_SAMPLE cells (the parent scales it)."""
    from bench_recipients import per_row_loop

    cells = pl.read_csv(path, columns=["phone"], n_rows=LOOP_SAMPLE, infer_schema=False)
    return per_row_loop(cells["phone"].to_list())


TASKS: dict[str, Callable[[Path], Any]] = {
    "floor": floor,
    "check": check,
    "forecast": forecast,
    "templated": templated,
    "loop": loop,
}
WARM = ("floor", "check", "forecast", "templated")
CLI = {
    "cli check": [
        "recipients",
        "check",
        "{path}",
        "--as-of",
        AS_OF.isoformat(),
        "--json",
    ],
    "cli forecast": [
        "forecast",
        "{path}",
        "--message",
        MESSAGE,
        "--plans",
        ",".join(PLANS),
        "--as-of",
        AS_OF.isoformat(),
        "--json",
    ],
}


def child(task: str, path: Path) -> None:
    """Run one task after importing everything it needs; print its timings as JSON."""
    import phonenumbers  # noqa: F401

    import simulator.analysis.run  # noqa: F401  (imports are not timed)

    if task == "loop":
        pl.read_csv(path, columns=["phone"], n_rows=10, infer_schema=False)
    start, start_cpu = time.perf_counter(), time.process_time()
    TASKS[task](path)
    wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    print(json.dumps({"wall": wall, "cpu": cpu, "peak_mib": peak_mib()}))


def peak_mib() -> float:
    """This process's peak RSS since its exec (VmHWM). Not `ru_maxrss`: Linux carries that over
    from the forked parent, so every child would report at least the parent's size."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


LAUNCH = (
    "import atexit, os, re, runpy, sys\n"
    "def peak():\n"
    "    status = open('/proc/self/status').read()\n"
    "    kib = re.search(r'VmHWM:\\s+(\\d+)', status).group(1)\n"
    "    open(os.environ['KPSIM_BENCH_PEAK'], 'w').write(str(int(kib) / 1024))\n"
    "atexit.register(peak)\n"
    "sys.argv = sys.argv[1:]\n"
    "runpy.run_path(sys.argv[0], run_name='__main__')\n"
)
"""Runs a console script and writes its peak RSS to $KPSIM_BENCH_PEAK when it exits."""


# --- the parent ----------------------------------------------------------------------------


def _run(argv: list[str], env: dict[str, str] | None = None) -> tuple[str, float, float]:
    """Run `argv` in a fresh process: (stdout, wall s, CPU s) of that process."""
    env = {**os.environ, "KPSIM_PROGRESS": "0", **(env or {})}
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:4])} ... exited {proc.returncode}")
    return text, wall, usage.ru_utime + usage.ru_stime


def measure(task: str, path: Path) -> dict[str, float]:
    """One run of `task` on `path` in a fresh process: wall s, CPU s, peak RSS MiB."""
    if task in CLI:
        kpsim = str(Path(sys.executable).with_name("kpsim"))
        argv = [
            sys.executable,
            "-c",
            LAUNCH,
            kpsim,
            *(a.format(path=path) for a in CLI[task]),
        ]
        with tempfile.NamedTemporaryFile(suffix=".peak") as peak:
            _, wall, cpu = _run(argv, {"KPSIM_BENCH_PEAK": peak.name})
            return {
                "wall": wall,
                "cpu": cpu,
                "peak_mib": float(Path(peak.name).read_text()),
            }
    text, _, _ = _run([sys.executable, __file__, "--child", task, str(path)])
    result: dict[str, float] = json.loads(text.strip().splitlines()[-1])
    if task == "loop":
        rows = _rows_of(path)
        scale = rows / min(rows, LOOP_SAMPLE)
        result = {
            **result,
            "wall": result["wall"] * scale,
            "cpu": result["cpu"] * scale,
        }
    return result


def _rows_of(path: Path) -> int:
    return int(pl.scan_csv(path, infer_schema=False).select(pl.len()).collect().item())


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
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores (nproc), load average {load} at the end, polars "
        f"{pl.__version__}, {pl.thread_pool_size()} polars threads, Python {sys.version.split()[0]}"
    )


ROWS = [
    ("floor (polars scan + group by)", "floor"),
    ("check, warm", "check"),
    ("forecast 3 plans, warm", "forecast"),
    ("templated forecast 3 plans, warm", "templated"),
    ("check, CLI", "cli check"),
    ("forecast 3 plans, CLI", "cli forecast"),
    ("per-row phonenumbers loop (scaled)", "loop"),
]


def table(rows: int, size_mb: float, repeat: int, got: dict[str, dict[str, float]]) -> list[str]:
    """One markdown table per size: each step's time, its ratio to the floor, peak RSS."""
    floor_wall, floor_cpu = got["floor"]["wall"], got["floor"]["cpu"]
    lines = [
        f"\n{size_label(rows)} rows ({size_mb:,.0f} MB CSV), "
        f"{'median of ' + str(repeat) if repeat > 1 else 'one run'}:\n",
        "| step | wall s | CPU s | wall / floor | CPU / floor | peak MiB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, task in ROWS:
        if task not in got:
            continue
        r = got[task]
        lines.append(
            f"| {label} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['wall'] / floor_wall:.2f} "
            f"| {r['cpu'] / floor_cpu:.2f} | {r['peak_mib']:,.0f} |"
        )
    check, fc, lp = got.get("check"), got.get("forecast"), got.get("loop")
    lines.append("")
    if check is not None and fc is not None:
        lines.append(
            f"forecast - check = {(fc['cpu'] - check['cpu']) / check['cpu']:+.0%} of check (CPU), "
            f"{(fc['wall'] - check['wall']) / check['wall']:+.0%} (wall)"
        )
    if lp is not None and check is not None:
        cli = got.get("cli check", check)
        lines.append(
            f"per-row loop / check: {lp['wall'] / check['wall']:.0f}x warm, "
            f"{lp['wall'] / cli['wall']:.0f}x CLI (wall); {lp['cpu'] / check['cpu']:.0f}x (CPU)"
        )
    return lines


def compile_package() -> None:
    """Byte-compile kpsim's modules first, as installing the wheel does (an editable install
    under PYTHONDONTWRITEBYTECODE would compile every module on every CLI start)."""
    import compileall

    compileall.compile_dir(ROOT / "simulator", quiet=1, force=False)


FIXED_ROWS = 100


def fixed_cost(tmp: Path, seed: int, dirty_share: float, repeat: int) -> list[str]:
    """The CLI on a FIXED_ROWS-row list: interpreter start, imports and rules, apart."""
    path = tmp / "fixed.csv"
    write_dirty_csv(path, FIXED_ROWS, seed=seed, dirty_share=dirty_share)
    got = medians(list(CLI), path, max(repeat, 3))
    lines = [
        f"\nFixed cost: the CLI on a {FIXED_ROWS}-row list, median of {max(repeat, 3)}:\n",
        "| command | wall s | CPU s | peak MiB |",
        "|---|---:|---:|---:|",
    ]
    for task, r in got.items():
        lines.append(f"| {task} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['peak_mib']:,.0f} |")
    path.unlink()
    return lines


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
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI runs")
    parser.add_argument("--no-loop", action="store_true", help="skip the per-row loop")
    parser.add_argument(
        "--tasks",
        default=",".join(WARM),
        help=f"warm steps to time, comma-separated, from {','.join(WARM)} (the floor always)",
    )
    parser.add_argument("--child", nargs=2, metavar=("TASK", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return

    chosen = {t.strip() for t in args.tasks.split(",") if t.strip()}
    if chosen - set(WARM):
        parser.error(f"--tasks: unknown {', '.join(sorted(chosen - set(WARM)))}")
    tasks = [t for t in WARM if t == "floor" or t in chosen]
    tasks += [] if args.no_cli else list(CLI)
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    lines: list[str] = []
    compile_package()
    with tempfile.TemporaryDirectory(prefix="kpsim-scale-", dir=args.tmp) as tmp:
        if not args.no_cli:
            lines += fixed_cost(Path(tmp), args.seed, args.dirty_share, args.repeat)
        for rows in sizes:
            path = Path(tmp) / f"dirty_{rows}.csv"
            took = write_dirty_csv(path, rows, seed=args.seed, dirty_share=args.dirty_share)
            size_mb = path.stat().st_size / 1e6
            print(
                f"{size_label(rows)}: generated {size_mb:,.0f} MB in {took:.0f} s",
                file=sys.stderr,
            )
            repeat = args.repeat if rows < 100_000_000 else 1
            got = medians(tasks, path, repeat)
            if not args.no_loop:
                got.update(medians(["loop"], path, 1))
            lines += table(rows, size_mb, repeat, got)
            path.unlink()

    print(f"\nkpsim vs the polars floor, dirty share {args.dirty_share}; {machine()}")
    print("\n".join(lines))
    print(
        "\nEach run is a fresh process; warm rows exclude interpreter start and imports, CLI "
        "rows include them. The loop runs once on a 100,000-row sample, scaled to all rows."
    )


if __name__ == "__main__":
    main()
