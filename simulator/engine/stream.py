"""The streaming executor: every list is read, checked and queried here, in bounded memory.

`check_list` reads a list once, in row batches checked in memory by WORKERS threads (numbers/
gives the per-batch check, `check_batch`); it keeps only the coded columns of each batch, in a
`SpillStore` (spilled to scratch Parquet files beyond SPILL_BYTES), finds the rows that repeat
an earlier number one hash bucket of bounded size at a time (`duplicate_rows`), adds `dup_of` to
each part, and zips the input columns back from a second scan of the list, so that every later
query streams with no join and no sort. `collect_streaming` runs the queries over a checked list
(the summary, the pricing, the output sinks) in one streaming collect.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Unpack

import polars as pl

from simulator import scratch
from simulator.numbers.reader import ROW, RecipientSource, is_read_error, read_error
from simulator.numbers.recipients import (
    CHECKED_SCHEMA,
    KEY,
    CheckedList,
    CheckOptions,
    CheckSetup,
    Source,
    _examples_by_reason,
    check_batch,
    checked_columns,
    finished,
    setup_check,
)
from simulator.progress import Meter

BATCH_ROWS = 500_000
"""Rows checked per batch by `check_list` (a batch's working set is about 1 KB per row)."""
SPILL_BYTES = 256 << 20
"""Coded columns held in memory before `check_list` writes them to scratch files instead."""
BUCKET_ROWS = 10_000_000
"""Rows per hash bucket when looking for duplicates (held in memory with their hash table:
about 60 bytes a row)."""
WORKERS = 4
"""Batches checked at once, each in its own thread (polars releases the GIL). More than the 2
cores measured on: a batch's string functions mostly run on one thread each, so 4 batches in
flight keep 2 cores busy (10M rows: wall ×0.88, 64 MiB more per extra batch)."""

SEPARATE_SCANS = pl.QueryOptFlags(comm_subplan_elim=False)
"""Each query scans the checked list on its own: a scan shared by queries that read at different
speeds (one stops after a few rows, another reads all; or the plans of an ordered concat, read one
after another) makes the streaming engine buffer the list (6.6 GiB at 100M rows)."""


def collect_streaming(queries: Sequence[pl.LazyFrame]) -> list[pl.DataFrame]:
    """Run queries over a checked list (and sinks of it) in one streaming collect, in bounded
    memory: see SEPARATE_SCANS."""
    return pl.collect_all(queries, engine="streaming", optimizations=SEPARATE_SCANS)


@dataclass
class SpillStore:
    """The `part_schema` rows of a list (`schema`), batch by batch in row order: held in memory
    up to SPILL_BYTES, then all written to Parquet files in a scratch directory (Parquet, not
    Arrow IPC: polars memory-maps IPC files, which would count the whole scratch as resident).
    The rows are numbered from 1 with no gaps, so `row` is not kept but numbered again when
    read; `dup_of` comes later, per part, as a column of its own."""

    schema: dict[str, pl.DataType]
    frames: list[pl.DataFrame] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    heights: list[int] = field(default_factory=list)
    dup_files: list[Path] = field(default_factory=list)
    held: int = 0
    directory: Path | None = None
    dup_added: bool = False

    def add(self, part: pl.DataFrame) -> None:
        part = part.drop(ROW)
        self.frames.append(part)
        self.heights.append(part.height)
        self.held += int(part.estimated_size())
        if self.files or self.held > SPILL_BYTES:
            for frame in self.frames:
                self.files.append(self._write(frame, f"part-{len(self.files):06d}"))
            self.frames.clear()
            self.held = 0

    def _write(self, frame: pl.DataFrame, name: str) -> Path:
        if self.directory is None:
            self.directory = scratch.directory("check")
        path = self.directory / f"{name}.parquet"
        frame.write_parquet(path, compression="lz4", statistics=False)
        return path

    def add_dup_of(self, dups: pl.DataFrame) -> None:
        """Give each part its `dup_of` column from `duplicate_rows` (rows are numbered from 1
        in part order, so each part's slice of `dups` is found by binary search). Spilled parts
        get theirs written one by one: held all at once, the columns alone would take 9 bytes
        a row."""
        rows = dups[ROW]
        start = 1
        columns = []
        self.dup_files = []
        for index, height in enumerate(self.heights):
            low = rows.search_sorted(start, side="left")
            high = rows.search_sorted(start + height, side="left")
            found = dups.slice(low, high - low)
            column = pl.repeat(None, height, dtype=pl.UInt64, eager=True).alias("dup_of")
            if found.height:
                column = column.scatter((found[ROW] - start).cast(pl.Int64), found["dup_of"])
            if self.files:
                self.dup_files.append(self._write(column.to_frame(), f"dup-{index:06d}"))
            else:
                columns.append(column)
            start += height
        if not self.files:
            self.frames = [f.with_columns(c) for f, c in zip(self.frames, columns, strict=True)]
        self.dup_added = True

    def lazy(self) -> pl.LazyFrame:
        """The rows in `schema`, with `dup_of` once `add_dup_of` has run."""
        dup_of = {"dup_of": pl.UInt64()} if self.dup_added else {}
        if self.files:
            parts = pl.scan_parquet(self.files)
            if self.dup_files:
                parts = pl.concat([parts, pl.scan_parquet(self.dup_files)], how="horizontal")
        elif self.frames:
            parts = pl.concat(self.frames, rechunk=False).lazy()
        else:
            return pl.LazyFrame(schema={**self.schema, **dup_of})
        numbered = parts.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.UInt64))
        return numbered.select(*self.schema, *dup_of)

    def remove(self) -> None:
        """Delete the scratch files (the frames built on them can no longer be collected)."""
        if self.directory is not None:
            scratch.remove(self.directory)


def duplicate_rows(parts: pl.LazyFrame, rows: int) -> pl.DataFrame:
    """`row` and `dup_of` of every row whose number was on an earlier row, sorted by row, from
    `parts` in row order (rows numbered from 1, as SpillStore holds them: `row` is numbered on
    the fly, so only the keys are read, and kept as polars' row numbers: 4 bytes, not 8). Keys are
    taken one hash bucket (key modulo the bucket count) at a time so memory stays bounded."""
    keyed = parts.select(KEY).with_row_index(ROW, offset=1).filter(pl.col(KEY).is_not_null())
    buckets = max(1, math.ceil(rows / BUCKET_ROWS))
    found = [pl.DataFrame(schema={ROW: pl.UInt32(), "dup_of": pl.UInt32()})]
    for bucket in range(buckets):
        part = keyed if buckets == 1 else keyed.filter(pl.col(KEY) % buckets == bucket)
        found.append(repeats(part.collect(engine="streaming")))
    return pl.concat(found).sort(ROW).select(pl.col(ROW, "dup_of").cast(pl.UInt64))


def repeats(keyed: pl.DataFrame) -> pl.DataFrame:
    """`row` and `dup_of` of the rows of `keyed` (KEY, ROW) whose key is on an earlier row:
    sorted stably by key, each row after the first of a run of equal keys repeats that first
    row (a sort of one integer column: about half the time of hashing every key). One lazy
    query: eager, the same steps take twice the CPU (10M rows: 0.8 against 0.45 s)."""
    if not keyed[ROW].is_sorted():
        keyed = keyed.sort(ROW)
    key = pl.col(KEY)
    return (
        keyed.lazy()
        .sort(KEY, maintain_order=True)
        .with_columns((key == key.shift(1)).fill_null(False).alias("_repeat"))
        .with_columns(pl.when(~pl.col("_repeat")).then(pl.col(ROW)).forward_fill().alias("dup_of"))
        .filter("_repeat")
        .select(ROW, "dup_of")
        .collect()
    )


def count_rows(source: RecipientSource) -> int:
    """Data rows of a list, counted by polars without parsing fields (for a progress total)."""
    return int(source.frame.select(pl.len()).collect(engine="streaming").item())


def _batches(source: RecipientSource, batch_rows: int) -> Iterator[pl.DataFrame]:
    """Row batches of the columns the check reads (`row`, the phone and any lookup column);
    the others are zipped back later from a second scan."""
    read = list(dict.fromkeys([ROW, source.phone_column, *filter(None, [source.carrier_column])]))
    try:
        yield from source.frame.select(read).collect_batches(chunk_size=batch_rows)
    except pl.exceptions.PolarsError as exc:
        if is_read_error(exc):
            raise read_error(source.path, exc) from None
        raise


def _checked_batches(
    setup: CheckSetup, batch_rows: int
) -> Iterator[tuple[int, tuple[pl.DataFrame, pl.DataFrame]]]:
    """`check_batch` of each batch, in order, with WORKERS batches in flight (the integer
    tail's table is built first, once)."""
    _ = setup.integer_tail
    with ThreadPoolExecutor(WORKERS) as pool:
        pending: deque[tuple[int, Future[tuple[pl.DataFrame, pl.DataFrame]]]] = deque()
        for batch in _batches(setup.source, batch_rows):
            pending.append((batch.height, pool.submit(check_batch, batch, setup)))
            if len(pending) >= WORKERS:
                height, future = pending.popleft()
                yield height, future.result()
        while pending:
            height, future = pending.popleft()
            yield height, future.result()


def check_list(
    source_or_frame: RecipientSource | Source,
    *,
    as_of: dt.date,
    meter: Meter | None = None,
    batch_rows: int | None = None,
    **options: Unpack[CheckOptions],
) -> CheckedList:
    """Check a list of any size in one pass of row batches (BATCH_ROWS unless `batch_rows`);
    see the module docstring. `meter` counts the rows checked (and shows them when enabled)."""
    setup = setup_check(source_or_frame, as_of=as_of, **options)
    meter = meter or Meter(enabled=False)
    total = count_rows(setup.source) if meter.enabled else None
    meter.step(f"checking {setup.source.label}", total)
    store = SpillStore(setup.part_schema)
    examples: list[pl.DataFrame] = []
    rows = 0
    for height, (part, found) in _checked_batches(setup, batch_rows or BATCH_ROWS):
        store.add(part)
        examples.append(found)
        rows += height
        meter.advance(height)
    store.add_dup_of(duplicate_rows(store.lazy(), rows))
    coded = finished(store.lazy(), dedupe=setup.dedupe)
    inputs = setup.source.frame.rename(dict(setup.inputs)).select(
        pl.col(setup.phone).cast(pl.String).alias("raw"),
        *(pl.col(setup.inputs[name]) for name in setup.passthrough),
    )
    frame = checked_columns(pl.concat([inputs, coded], how="horizontal"), setup)
    derived = coded.select(
        pl.col(name).cast(dtype) for name, dtype in CHECKED_SCHEMA.items() if name != "raw"
    )
    return CheckedList(
        setup=setup,
        frame=frame,
        derived=derived,
        coded=coded,
        rows=rows,
        examples=_examples_by_reason(examples),
        spilled=bool(store.files),
        collect=collect_streaming,
    )
