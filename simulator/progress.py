"""Progress of long work on stderr: a rich bar with rows done, rate and time left.

The counts are exact: the list is checked in row batches and each finished batch advances the
bar (a step polars runs as one call, such as pricing, shows a spinner and the time it takes).
The bar appears only when stderr is a terminal and the work has lasted `SHOW_AFTER` seconds;
`--quiet` turns it off. `KPSIM_PROGRESS=1` forces it on at once (into a pipe or a log only the
final state is written), `KPSIM_PROGRESS=0` off; `KPSIM_PROGRESS_AFTER` sets the delay.
"""

from __future__ import annotations

import os
import sys
import threading
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

ENV = "KPSIM_PROGRESS"
DELAY_ENV = "KPSIM_PROGRESS_AFTER"
SHOW_AFTER = 2.0
ON = {"1", "true", "yes", "on"}
OFF = {"0", "false", "no", "off"}


def _forced() -> bool | None:
    value = os.environ.get(ENV, "").strip().lower()
    return True if value in ON else False if value in OFF else None


def wanted(quiet: bool = False) -> bool:
    """Whether to show progress: never with --quiet, else as KPSIM_PROGRESS says, else on a TTY."""
    if quiet:
        return False
    forced = _forced()
    return forced if forced is not None else sys.stderr.isatty()


def show_after() -> float:
    """Seconds of work before the bar appears (0 when forced on by KPSIM_PROGRESS=1)."""
    try:
        return max(0.0, float(os.environ[DELAY_ENV]))
    except (KeyError, ValueError):
        return 0.0 if _forced() else SHOW_AFTER


class CountColumn(ProgressColumn):
    """`3,000,000/10,000,000 rows` (blank for a step without a row count)."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        if not task.fields.get("counted", True):
            return Text("")
        total = "?" if task.total is None else f"{int(task.total):,}"
        return Text(f"{int(task.completed):,}/{total} {self.unit}", style="progress.download")


class RateColumn(ProgressColumn):
    """Rows per second over the last seconds (else since the start), e.g. `812,345 rows/s`."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        if speed is None and task.elapsed:
            speed = task.completed / task.elapsed
        if not task.fields.get("counted", True) or not speed:
            return Text("")
        return Text(f"{speed:,.0f} {self.unit}/s", style="progress.data.speed")


class Meter:
    """Counts rows done and draws them on stderr once the work has lasted `show_after()` seconds.

    A disabled meter only counts. Use as a context manager; each `step()` starts a new line.
    """

    def __init__(self, *, enabled: bool, unit: str = "rows") -> None:
        self.enabled = enabled
        self.done = 0
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._task: TaskID | None = None
        self._bar: Progress | None = None
        self._shown = False
        if enabled:
            self._bar = Progress(
                SpinnerColumn(finished_text="✓"),
                TextColumn("{task.description}", markup=False),  # a file name, not markup
                BarColumn(),
                CountColumn(unit),
                RateColumn(unit),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True, highlight=False, markup=False),
                redirect_stdout=False,
                redirect_stderr=False,
            )

    def __enter__(self) -> Meter:
        if self._bar is not None:
            delay = show_after()
            if delay <= 0:
                self._show()
            else:
                self._timer = threading.Timer(delay, self._show)
                self._timer.daemon = True
                self._timer.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            if kind is None:
                self._finish_task()
            if self._shown and self._bar is not None:
                self._bar.stop()
            self._shown = False

    def _show(self) -> None:
        with self._lock:
            if self._bar is not None and not self._shown:
                self._bar.start()
                self._shown = True

    def _finish_task(self) -> None:
        if self._bar is None or self._task is None:
            return
        task = next(t for t in self._bar.tasks if t.id == self._task)
        if task.fields.get("counted", True):
            self._bar.update(self._task, total=task.completed)
        else:
            self._bar.update(self._task, total=1, completed=1)
        self._bar.stop_task(self._task)

    def step(self, description: str, total: int | None = None, *, counted: bool = True) -> None:
        """Start a new line: `total` rows (None: not known), or a spinner when not `counted`."""
        if self._bar is None:
            return
        with self._lock:
            self._finish_task()
            self._task = self._bar.add_task(description, total=total, counted=counted)

    def advance(self, rows: int) -> None:
        """Record `rows` more rows done on the current line."""
        self.done += rows
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task, rows)
