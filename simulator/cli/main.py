"""The `kpsim` command line: a thin layer over the Python API."""

from __future__ import annotations

import os
import sys

import typer

from simulator import atomic, scratch
from simulator._version import __version__
from simulator.cli import interrupts
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
    rich_markup_mode=None,
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
app.command("explain", epilog=rules_cmd.EXPLAIN_EXAMPLES)(rules_cmd.explain)
from simulator.cli import rules_test_cmd  # noqa: E402

rules_cmd.app.command("test", epilog=rules_test_cmd.EXAMPLES)(rules_test_cmd.test_cmd)
# -- more commands below --
from simulator.cli import recipients_cmd  # noqa: E402

app.add_typer(recipients_cmd.app, name="recipients")
from simulator.cli import forecast_cmd  # noqa: E402

app.command("forecast", epilog=forecast_cmd.EXAMPLES)(forecast_cmd.forecast_cmd)
from simulator.cli import diff_cmd  # noqa: E402

app.command("diff", epilog=diff_cmd.EXAMPLES)(diff_cmd.diff_cmd)
from simulator.cli import schema_cmd  # noqa: E402

app.command("schema", epilog=schema_cmd.EXAMPLES)(schema_cmd.schema_cmd)
from simulator.cli import app_cmd  # noqa: E402

app.command("app", epilog=app_cmd.EXAMPLES)(app_cmd.app_cmd)
from simulator.cli import message_cmd  # noqa: E402

app.command("message", epilog=message_cmd.EXAMPLES)(message_cmd.message_cmd)


def _one_line(exc: BaseException) -> str:
    """The first line of an unexpected error, with anything like a phone number masked."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return DIGIT_RUN.sub(lambda m: mask_number(m.group()), first)


def _wants_json(argv: list[str]) -> bool:
    return "--json" in argv


def _empty_out(args: list[str]) -> bool:
    """`--out ""` or `--out=` (an unset shell variable): typer would read it as `.`."""
    for i, arg in enumerate(args):
        if arg == "--out" and i + 1 < len(args) and not args[i + 1].strip():
            return True
        if arg.startswith("--out=") and not arg.removeprefix("--out=").strip():
            return True
    return False


def _dispatch(args: list[str]) -> None:
    if _empty_out(args):
        raise UsageError(
            "--out is empty", hint="give a folder, e.g. --out report/", code="empty_out"
        )
    code = app(args=args, prog_name="kpsim", standalone_mode=False)
    if isinstance(code, int) and code:
        sys.exit(code)


def run(argv: list[str] | None = None) -> None:
    """Entry point: user mistakes become one line on stderr and a non-zero exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if argv is None:
        interrupts.install("--json" in args)
    scratch.sweep_stale()
    try:
        try:
            _dispatch(args)
        except BaseException:
            atomic.hold_if_stopped()  # an interrupt's one line is the only thing printed
            raise
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
        if type(exc).__name__ == "NoArgsIsHelpError":  # a bare `kpsim` or group: its help
            sys.stdout.write(exc.format_message() + "\n")
        elif exc.format_message():
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
