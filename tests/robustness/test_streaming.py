"""Lists larger than memory: checking in row batches (spilled to scratch files) gives exactly the
rows and summary of the in-memory path, and a forecast keeps its memory bounded."""

from __future__ import annotations

import datetime as dt
import functools
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from unittest import mock

import polars as pl
import psutil
import pytest
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal
from robustness_support import REPO, child_env, load_generator

from simulator.analysis.run import ForecastOptions, forecast
from simulator.engine import stream
from simulator.engine.stream import check_list
from simulator.numbers.recipients import check_recipients, summarise
from simulator.result import ForecastResult
from simulator.result.forecast import ForecastInput

generate = load_generator().generate

AS_OF = dt.date(2025, 6, 1)
MEMORY_BOUND = 1536 << 20
"""Peak RSS allowed to the child forecasting 300k rows: generous (it needs about 400 MiB), so
the test catches a plan that holds the list in memory many times over, not allocator noise."""


@functools.cache
def pool(dirty_share: float, lookup: bool) -> pl.DataFrame:
    """A generated list to slice examples from (generating costs more than checking)."""
    return generate(2_000, seed=0, dirty_share=dirty_share, dup_share=0.2, lookup_column=lookup)


@st.composite
def generated_lists(draw: st.DrawFn) -> pl.DataFrame:
    """Slices of synthetic lists: dirty formats, landlines, repeats, maybe a lookup column."""
    frame = pool(draw(st.sampled_from([0.0, 0.3, 0.9])), draw(st.booleans()))
    start = draw(st.integers(0, frame.height - 1))
    return frame.slice(start, draw(st.integers(1, 200)))


@given(
    frame=generated_lists(),
    dedupe=st.booleans(),
    batch_rows=st.integers(40, 150),
    spill=st.booleans(),
)
def test_checking_in_batches_gives_the_rows_and_summary_of_the_in_memory_path(
    frame: pl.DataFrame, dedupe: bool, batch_rows: int, spill: bool
) -> None:
    lookup = "carrier" if "carrier" in frame.columns else None
    in_memory = check_recipients(frame, as_of=AS_OF, dedupe=dedupe, carrier_column=lookup)
    expected = in_memory.collect()
    with mock.patch.object(stream, "SPILL_BYTES", 0 if spill else stream.SPILL_BYTES):
        streamed = check_list(
            frame, as_of=AS_OF, dedupe=dedupe, carrier_column=lookup, batch_rows=batch_rows
        )
    assert streamed.spilled == spill
    assert_frame_equal(streamed.frame.collect(), expected)
    assert streamed.summarise() == summarise(expected)


def test_duplicates_are_found_across_batches_and_hash_buckets() -> None:
    frame = pl.DataFrame({"phone": ["090-1234-5678", "08011112222", "+81 90 1234 5678"] * 5})
    with mock.patch.object(stream, "BUCKET_ROWS", 4):
        streamed = check_list(frame, as_of=AS_OF, dedupe=True, batch_rows=2)
    rows = streamed.frame.collect()
    assert rows["dup_of"].to_list() == [None, None, 1, *[1, 2, 1] * 4]
    assert streamed.summarise().rejects_by_reason == {"duplicate": 13}


def test_checked_rows_are_held_as_one_byte_codes_without_row_numbers() -> None:
    frame = generate(5_000, seed=3, dirty_share=0.5, dup_share=0.2)
    with mock.patch.object(
        stream.SpillStore, "add", autospec=True, side_effect=stream.SpillStore.add
    ) as add:
        streamed = check_list(frame, as_of=AS_OF, batch_rows=1_000)
    store = add.call_args.args[0]
    held = pl.concat(store.frames)
    coded = ["number_class", "repair", "allocated_carrier", "carrier", "carrier_source", "_reason"]
    assert "row" not in held.columns
    assert all(isinstance(held.schema[c], pl.Enum) for c in coded)
    assert all(held[c].to_physical().dtype == pl.UInt8 for c in coded)
    assert held.estimated_size() < 24 * frame.height  # key and dup_of 8 bytes, codes 1 each
    assert streamed.frame.collect()["row"].to_list() == list(range(1, frame.height + 1))


@pytest.mark.parametrize(
    "message", ["テスト配信です", "{name}様、ご予約の確認です", "x" * 200], ids=str.__len__
)
def test_a_forecast_read_in_spilled_batches_equals_one_read_in_one_piece(
    tmp_path: Path, message: str
) -> None:
    path = tmp_path / "list.csv"
    generate(3_000, seed=11, dup_share=0.05, lookup_column=True).write_csv(path)
    options = ForecastOptions(message=message, as_of=AS_OF, dedupe=True, carrier_column="carrier")
    whole = ForecastResult.of(forecast(pl.read_csv(path, infer_schema=False), options))
    with (
        mock.patch.object(stream, "SPILL_BYTES", 0),
        mock.patch.object(stream, "BATCH_ROWS", 700),
    ):
        batched = ForecastResult.of(forecast(path, options))
    assert batched.summary.rows_in == 3_000
    no_input = {"input": ForecastInput()}
    assert batched.summary.model_copy(update=no_input) == whole.summary.model_copy(update=no_input)
    by_plan = ["plan", "row"]
    assert_frame_equal(batched.rows.collect().sort(by_plan), whole.rows.collect().sort(by_plan))
    assert_frame_equal(batched.checked, whole.checked)


CHILD = textwrap.dedent(
    """
    import json, resource, sys
    from simulator.analysis.run import ForecastOptions, forecast
    from simulator.engine import stream
    from simulator.result import ForecastResult
    stream.BATCH_ROWS = 50_000
    stream.SPILL_BYTES = 1 << 20
    options = ForecastOptions(message="テスト配信です", as_of=__import__("datetime").date(2025, 6, 1))
    summary = ForecastResult.of(forecast(sys.argv[1], options)).summary
    print(json.dumps({"rows": summary.rows_in,
                      "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
    """
)


def test_a_forecast_of_300k_rows_keeps_peak_memory_bounded(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    generate(300_000, seed=3).write_csv(path)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=child_env(KPSIM_PROGRESS="0"),
    )
    watched = psutil.Process(child.pid)
    peak = 0
    while child.poll() is None:
        try:
            peak = max(peak, watched.memory_info().rss)
        except psutil.NoSuchProcess:
            break
        time.sleep(0.02)
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    report = json.loads(out.strip().splitlines()[-1])
    assert report["rows"] == 300_000
    assert max(peak, report["peak"]) < MEMORY_BOUND


def test_queries_over_one_checked_list_never_share_a_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Queries that read one scan at different speeds make the streaming engine buffer the whole
    list (6.6 GiB for `recipients check` at 100M rows in bench_scale.py): every collect of
    several queries — the summary, `recipients check --out`, a forecast and its outputs — keeps
    common-subplan elimination off, so each query scans on its own."""
    from simulator.cli.main import run

    path = tmp_path / "list.csv"
    generate(2_000, seed=5).write_csv(path)
    collects: list[tuple[int, pl.QueryOptFlags | None]] = []
    collect_all = pl.collect_all

    def spy(queries: list[pl.LazyFrame], **kwargs: object) -> list[pl.DataFrame]:
        collects.append((len(queries), kwargs.get("optimizations")))  # type: ignore[arg-type]
        return collect_all(queries, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pl, "collect_all", spy)
    check_list(path, as_of=AS_OF).summarise()
    for args in (
        ["recipients", "check", str(path), "--out", str(tmp_path / "checked"), "--quiet"],
        ["forecast", str(path), "--message", "テスト", "--out", str(tmp_path / "fc"), "--quiet"],
    ):
        with pytest.raises(SystemExit) as stopped:
            run([*args, "--as-of", AS_OF.isoformat()])
        assert stopped.value.code == 0
    shared = [opts for n, opts in collects if n > 1]
    assert len(shared) >= 3
    assert all(opts is not None and not opts.comm_subplan_elim for opts in shared)


SCRATCH_CHILD = textwrap.dedent(
    """
    import datetime, json, sys
    from simulator import scratch
    from simulator.engine import stream
    from simulator.engine.stream import check_list
    stream.SPILL_BYTES = 0
    checked = check_list(sys.argv[1], as_of=datetime.date(2025, 6, 1), encoding="cp932")
    checked.summarise()
    root = scratch.directory("probe").parent
    print(json.dumps({"root": str(root), "kinds": sorted(p.name.split("-")[0] for p in root.iterdir())}))
    """
)


def test_one_scratch_root_holds_spilled_batches_and_transcoded_lists_until_exit() -> None:
    path = REPO / "datasets" / "sample_recipients_cp932.csv"
    done = subprocess.run(
        [sys.executable, "-c", SCRATCH_CHILD, str(path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=child_env(KPSIM_PROGRESS="0"),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["kinds"] == ["check", "probe", "transcoded"]
    assert not Path(report["root"]).exists()
