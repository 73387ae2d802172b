"""The `kpsim` command line: a thin layer over the Python API."""

from __future__ import annotations

import os
import signal
import sys
import threading

import typer

from simulator import scratch
from simulator._version import __version__
from simulator.cli.common import stderr
from simulator.errors import KpsimError, UsageError
from simulator.numbers.reader import DIGIT_RUN
from simulator.privacy import mask_number
from simulator.result.document import to_json

app = typer.Typer(
    name="kpsim",
    help="Rules engine and cost simulator for Japanese SMS sent through Xoxzo K-Premium.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _print_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"kpsim {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
    version: bool = typer.Option(
        False,
        "--version",
        help="Print the kpsim version and exit.",
        callback=_print_version,
        is_eager=True,
    ),
) -> None:
    if debug:
        os.environ["KPSIM_DEBUG"] = "1"


# Command modules register themselves here (one line each).
from simulator.cli import rules_cmd  # noqa: E402

app.add_typer(rules_cmd.app, name="rules")
app.command("explain")(rules_cmd.explain)
# -- more commands below --
from simulator.cli import recipients_cmd  # noqa: E402

app.add_typer(recipients_cmd.app, name="recipients")
from simulator.cli import forecast_cmd  # noqa: E402

app.command("forecast")(forecast_cmd.forecast_cmd)
from simulator.cli import diff_cmd  # noqa: E402

app.command("diff")(diff_cmd.diff_cmd)
from simulator.cli import schema_cmd  # noqa: E402

app.command("schema")(schema_cmd.schema_cmd)


def _one_line(exc: BaseException) -> str:
    """The first line of an unexpected error, with anything like a phone number masked."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return DIGIT_RUN.sub(lambda m: mask_number(m.group()), first)


def _wants_json(argv: list[str]) -> bool:
    return "--json" in argv


INTERRUPT_EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143}
"""Exit codes of an interrupted run: 128 + the signal's number, as a shell reports it."""


def _on_interrupt(signum: int, wants_json: bool) -> None:
    """Clean up and end the process at once: scratch folder and staging of `--out` removed, one
    line on stderr (and `{"error"}` on stdout with `--json`), exit 130 (SIGINT) or 143 (SIGTERM).
    Runs on a watcher thread, so it works while the main thread is inside polars (a Python
    handler there would wait for the query, or raise inside polars' callbacks and panic)."""
    try:
        scratch.cleanup()
    finally:
        name = signal.Signals(signum).name
        code = INTERRUPT_EXIT.get(signal.Signals(signum), 128 + signum)
        line = f"kpsim: interrupted ({name}); outputs under --out are unchanged"
        if wants_json:
            error = {"error": line.removeprefix("kpsim: "), "kind": "interrupted"}
            document = {**error, "code": name.lower(), "exit_code": code}
            os.write(1, to_json(document).encode())
        os.write(2, (line + "\n").encode())
        os._exit(code)


def install_signal_handlers(wants_json: bool = False) -> None:
    """SIGINT and SIGTERM end the run cleanly (`_on_interrupt`); only for a real `kpsim`
    process (the main thread of a POSIX process), never inside a host such as pytest."""
    if os.name != "posix" or threading.current_thread() is not threading.main_thread():
        return
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    for signum in INTERRUPT_EXIT:
        signal.signal(signum, lambda *_: None)
    signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)

    def watch() -> None:
        data = os.read(read_end, 1)
        if data:
            _on_interrupt(data[0], wants_json)

    threading.Thread(target=watch, name="kpsim-interrupt", daemon=True).start()


def _empty_out(args: list[str]) -> bool:
    """`--out ""` or `--out=` (an unset shell variable): typer would read it as `.`."""
    for i, arg in enumerate(args):
        if arg == "--out" and i + 1 < len(args) and not args[i + 1].strip():
            return True
        if arg.startswith("--out=") and not arg.removeprefix("--out=").strip():
            return True
    return False


def run(argv: list[str] | None = None) -> None:
    """Entry point: user mistakes become one line on stderr and a non-zero exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if argv is None:
        install_signal_handlers(_wants_json(args))
    scratch.sweep_stale()
    try:
        if _empty_out(args):
            raise UsageError(
                "--out is empty", hint="give a folder, e.g. --out report/", code="empty_out"
            )
        code = app(args=args, prog_name="kpsim", standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except KpsimError as err:
        if os.environ.get("KPSIM_DEBUG"):
            raise
        if _wants_json(args):
            sys.stdout.write(to_json(err.as_dict()))
        stderr.print(f"kpsim: {err.render()}", markup=False)
        sys.exit(err.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:  # typer's usage errors (it vendors click)
        if exc.format_message():  # empty after the help shown for a bare `kpsim` or group
            usage = UsageError(" ".join(exc.format_message().split()), hint="try 'kpsim --help'")
            if _wants_json(args):
                sys.stdout.write(to_json(usage.as_dict()))
            stderr.print(f"kpsim: {usage.render()}", markup=False)
        sys.exit(2)
    except typer.Abort:
        stderr.print("kpsim: aborted", markup=False)
        sys.exit(130)
    except (BrokenPipeError, KeyboardInterrupt):
        sys.exit(130)
    except Exception as exc:  # a bug in kpsim, not a user mistake: still one line
        if os.environ.get("KPSIM_DEBUG"):
            raise
        message = (
            f"internal error ({type(exc).__name__}: {_one_line(exc)}); "
            "rerun with --debug for the traceback and please report it"
        )
        if _wants_json(args):
            internal = {"error": message, "kind": "internal", "code": "internal", "file": None}
            sys.stdout.write(to_json({**internal, "line": None, "exit_code": 70}))
        stderr.print(f"kpsim: {message}", markup=False)
        sys.exit(70)
    sys.exit(0)


if __name__ == "__main__":
    run()
