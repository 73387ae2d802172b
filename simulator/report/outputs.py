"""Files written under `--out`: per-recipient Parquet, rejects CSV, summary, charts, HTML."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl

from simulator import atomic, scratch
from simulator.engine.stream import collect_streaming
from simulator.errors import UsageError
from simulator.privacy import mask_expr, mask_phone_like_expr
from simulator.report.requests_file import is_requests_file, write_requests_files
from simulator.report.workbook import WORKBOOK_FILE, input_columns, write_forecast_workbook
from simulator.result.document import to_json
from simulator.result.forecast import Forecast
from simulator.result.shared import sender_shown_expr

if sys.platform != "win32":
    import fcntl

NUMBER_COLUMNS = ("e164", "raw")
OUTPUT_FILES = {"recipients": "recipients.parquet", "rejects": "rejects.csv"}
TOO_LONG_FILE = "too_long.csv"
"""forecast --out: each recipient × plan whose rendered message is too long for the plan."""
TOO_LONG_COLUMNS = ("row", "plan", "e164", "carrier", "encoding", "units")


def check_out_dir(out: Path, *, option: str = "--out") -> Path:
    """`out` made ready as the output folder, or a one-line usage error (exit 2): empty, an
    existing file or device, a dangling symlink, a name too long, or a folder kpsim cannot
    create or write in. Checked before any work, so a bad `--out` costs nothing."""
    text = str(out)
    if not text.strip():
        raise UsageError(
            f"{option} is empty", hint="give a folder, e.g. --out report/", code="empty_out"
        )
    try:
        dangling = out.is_symlink() and not out.exists()
        not_folder = out.exists() and not out.is_dir()
    except OSError as exc:
        raise _unwritable(option, text, exc) from None
    if dangling:
        raise UsageError(
            f"{option} {text!r} is a symlink to nothing", hint="give a folder", code="out_dangling"
        )
    if not_folder:
        raise UsageError(
            f"{option} {text!r} is a file, not a folder",
            hint="give a folder to write into",
            code="out_not_folder",
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
        # Probe beside `out`, where the set is staged: a probe inside it would be seen by a
        # reader of the current set (and left there by a SIGKILL); `_sweep_staging` removes a
        # killed run's probe like its staging folder.
        resolved = out.resolve()
        os.rmdir(
            tempfile.mkdtemp(
                prefix=f".{resolved.name}.{os.getpid()}.", suffix=".staging", dir=resolved.parent
            )
        )
        if not os.access(out, os.W_OK | os.X_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(out))
    except OSError as exc:
        raise _unwritable(option, text, exc) from None
    return out


def _unwritable(option: str, text: str, exc: OSError) -> UsageError:
    long = exc.errno == errno.ENAMETOOLONG
    reason = "name too long" if long else (exc.strerror or type(exc).__name__).lower()
    return UsageError(
        f"{option} {text[:80]!r}{'…' if len(text) > 80 else ''}: cannot write there ({reason})",
        hint="give a folder you can write to",
        code="out_name_too_long" if long else "out_not_writable",
    )


KPSIM_FILES = frozenset(
    {
        *OUTPUT_FILES.values(),
        TOO_LONG_FILE,
        "summary.json",
        "report.html",
        "cost_by_plan_and_carrier.png",
        "lite_vs_full.png",
        "expected_range.png",
        "diff.json",
        "changes.parquet",
        WORKBOOK_FILE,
    }
)
"""Every file a kpsim command writes under `--out`."""

_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if done == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _sweep_staging(parent: Path, name: str) -> None:
    """Staging folders of `name` left by runs that were killed (their pid has gone)."""
    prefix = f".{name}."
    for entry in os.scandir(parent):
        if not (entry.name.startswith(prefix) and entry.name.endswith((".staging", ".old"))):
            continue
        pid = entry.name[len(prefix) :].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not atomic.alive(int(pid)):
            shutil.rmtree(entry.path, ignore_errors=True)


def _commit(staging: Path, target: Path) -> None:
    """Put the set in `staging` in place of `target`'s, under a lock on the parent folder."""
    parent_fd = os.open(target.parent, os.O_RDONLY)
    try:
        if sys.platform != "win32":
            fcntl.flock(parent_fd, fcntl.LOCK_EX)
        _sweep_staging(target.parent, target.name)
        current = [e for e in os.scandir(target)] if target.is_dir() else []
        own = all(
            e.name in KPSIM_FILES
            or is_requests_file(e.name)
            or (e.name.startswith(".") and e.name.endswith(".tmp"))
            for e in current
        )
        if own:
            os.chmod(staging, stat.S_IMODE(os.stat(target).st_mode))
            if _exchange(staging, target):
                shutil.rmtree(staging, ignore_errors=True)
            else:
                old = staging.with_name(staging.name.removesuffix(".staging") + ".old")
                os.rename(target, old)
                os.rename(staging, target)
                shutil.rmtree(old, ignore_errors=True)
        else:  # the user's own files live there too: move the new files in, one rename each
            for entry in os.scandir(staging):
                os.replace(entry.path, target / entry.name)
            shutil.rmtree(staging, ignore_errors=True)
        os.fsync(parent_fd)
    finally:
        os.close(parent_fd)


@contextlib.contextmanager
def output_set(out: Path | None) -> Iterator[Path | None]:
    """A staging folder beside `out` to write a run's whole set into; when the block ends without
    an error the set replaces the one in `out` as a whole (readers see the old set or the new
    one, never a mix); on an error or an interrupt it is removed and `out` is untouched.
    Concurrent runs into one `out` take turns (a lock on its parent folder) and the last one to
    finish wins. Yields None when there is no `out`."""
    if out is None:
        yield None
        return
    target = out.resolve()
    try:
        staging = Path(
            tempfile.mkdtemp(
                prefix=f".{target.name}.{os.getpid()}.", suffix=".staging", dir=target.parent
            )
        )
    except OSError as exc:
        raise UsageError(
            f"--out {str(out)!r}: cannot write in its parent folder ({exc.strerror})",
            hint="kpsim writes the set beside --out, then swaps it in",
            code="out_not_writable",
        ) from None
    scratch.track(staging)
    try:
        yield staging
        with scratch.critical():
            _commit(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        scratch.untrack(staging)


KPSIM_COLUMNS = frozenset(
    {"row", "dup_of", "number_class", "repair", "allocated_carrier", "carrier", "status"}
    | {"carrier_source", "reject_reason", "sender_kind", "sender_value", "sender_shown"}
    | {"plan", "route", "sender_guaranteed", "charge_class", "rule_id", "rule_variant"}
    | {"rule_effective_from", "units", "encoding", "parts", "unit_sen", "price_basis"}
    | {"cost_sen", "plan_status"}
)
"""Columns kpsim adds that never hold a recipient's number (the sender shown is yours)."""


def masked(frame: pl.LazyFrame, columns: tuple[str, ...] = NUMBER_COLUMNS) -> pl.LazyFrame:
    """Phone-number columns replaced by their masked form, and in every column passed through
    from the list (a second `tel` column, `phone_duplicated_0`, a note) each cell that looks
    like a phone number (`mask_phone_like_expr`)."""
    schema = frame.collect_schema()
    exprs = [mask_expr(c).alias(c) for c in columns if c in schema]
    for name, dtype in schema.items():
        if name in columns or name in KPSIM_COLUMNS:
            continue
        expr = mask_phone_like_expr(name, dtype)
        if expr is not None:
            exprs.append(expr.alias(name))
    return frame.with_columns(exprs)


def output_sinks(
    out_dir: Path,
    stack: contextlib.ExitStack[Any],
    *,
    recipients: pl.LazyFrame,
    rejects: pl.LazyFrame,
    full_numbers: bool = False,
    bom: bool = False,
) -> list[pl.LazyFrame]:
    """Lazy sinks of recipients.parquet and rejects.csv (UTF-8, with a BOM when `bom`) into
    temporary files that replace the targets when `stack` closes without an error; phone
    numbers are masked unless `full_numbers`."""
    if not full_numbers:
        recipients, rejects = masked(recipients), masked(rejects)
    parquet = stack.enter_context(atomic.atomic_path(out_dir / OUTPUT_FILES["recipients"]))
    csv = stack.enter_context(atomic.atomic_path(out_dir / OUTPUT_FILES["rejects"]))
    return [
        recipients.sink_parquet(parquet, lazy=True),
        rejects.sink_csv(csv, include_bom=bom, lazy=True),
    ]


def with_sender_shown(
    rows: pl.LazyFrame, *, sender: str | None, kp_sender: str | None
) -> pl.LazyFrame:
    """Priced rows with `sender_shown`: what the recipient sees (as in the summary)."""
    shown = sender_shown_expr(
        pl.col("sender_kind"), pl.col("sender_value"), sender=sender, kp_sender=kp_sender
    )
    return rows.with_columns(shown.alias("sender_shown"))


def rejects_rows(checked: pl.LazyFrame) -> pl.LazyFrame:
    """rejects.csv of either command: the rejected rows with every column of the checked list
    (kpsim's, then the list's own such as 顧客番号/氏名) except nested ones, which CSV lacks."""
    flat = [name for name, dtype in checked.collect_schema().items() if not dtype.is_nested()]
    return checked.filter(pl.col("status") == "rejected").select(flat)


def too_long_sink(
    out_dir: Path,
    stack: contextlib.ExitStack[Any],
    rows: pl.LazyFrame,
    checked: pl.LazyFrame,
    *,
    full_numbers: bool,
) -> pl.LazyFrame:
    """A lazy sink of too_long.csv (UTF-8 with a BOM, for Excel): the priced rows whose
    message is too long for their plan, then the phone as the list gave it and the list's own
    columns (顧客番号, 氏名: what the template filled in), numbers masked unless `full_numbers`."""
    schema = checked.collect_schema()
    own = ["row", "raw", *(c for c in input_columns(schema) if not schema[c].is_nested())]
    long = (
        rows.filter(pl.col("plan_status") == "too_long")
        .select(TOO_LONG_COLUMNS)
        .join(checked.select(own), on="row", how="left", maintain_order="left")
    )
    if not full_numbers:
        long = masked(long)
    path = stack.enter_context(atomic.atomic_path(out_dir / TOO_LONG_FILE))
    return long.sink_csv(path, include_bom=True, lazy=True)


def forecast_sinks(
    out_dir: Path,
    stack: contextlib.ExitStack[Any],
    *,
    full_numbers: bool = False,
    sender: str | None = None,
    kp_sender: str | None = None,
) -> Callable[[pl.LazyFrame, pl.LazyFrame], list[pl.LazyFrame]]:
    """`output_sinks` for `forecast(..., sinks=...)`: one row per recipient and plan (with the
    sender shown) and the rejected rows, from the priced rows and the checked list."""

    def sinks(rows: pl.LazyFrame, checked: pl.LazyFrame) -> list[pl.LazyFrame]:
        return [
            *output_sinks(
                out_dir,
                stack,
                recipients=with_sender_shown(rows, sender=sender, kp_sender=kp_sender),
                rejects=rejects_rows(checked),
                full_numbers=full_numbers,
                bom=True,
            ),
            too_long_sink(out_dir, stack, rows, checked, full_numbers=full_numbers),
        ]

    return sinks


def write_report_files(
    out_dir: Path,
    summary: Forecast,
    *,
    checked: pl.LazyFrame | None = None,
    full_numbers: bool = False,
) -> dict[str, Path]:
    """summary.json, the PNG charts, report.html, requests_<plan>.jsonl and, given the
    `checked` list, kpsim.xlsx (after recipients.parquet, which they read), each written
    atomically."""
    from simulator.report.charts import write_charts  # matplotlib loads only when charts are drawn
    from simulator.report.html import render_html

    written = {"summary": atomic.write_text(out_dir / "summary.json", to_json(summary))}
    charts = write_charts(summary, out_dir)
    written.update({name: path for name, path in charts.items()})
    written["report"] = atomic.write_text(out_dir / "report.html", render_html(summary, charts))
    written.update(write_requests_files(out_dir, summary, out_dir / OUTPUT_FILES["recipients"]))
    if checked is not None:
        written["workbook"] = write_forecast_workbook(
            out_dir,
            summary,
            checked=checked if full_numbers else masked(checked),
            priced=pl.scan_parquet(out_dir / OUTPUT_FILES["recipients"]),
        )
    return written


def write_forecast_outputs(
    out_dir: Path,
    *,
    rows: pl.LazyFrame,
    checked: pl.DataFrame | pl.LazyFrame,
    summary: Forecast,
    full_numbers: bool = False,
) -> dict[str, Path]:
    """Write every output atomically (what `kpsim forecast --out` writes, from a forecast
    already run); numbers are masked unless `full_numbers`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        sinks = forecast_sinks(
            out_dir,
            stack,
            full_numbers=full_numbers,
            sender=summary.sender,
            kp_sender=summary.kp_sender,
        )
        collect_streaming(sinks(rows, checked.lazy()))
    written = {name: out_dir / file for name, file in OUTPUT_FILES.items()}
    written["too_long"] = out_dir / TOO_LONG_FILE
    written.update(
        write_report_files(out_dir, summary, checked=checked.lazy(), full_numbers=full_numbers)
    )
    return written
