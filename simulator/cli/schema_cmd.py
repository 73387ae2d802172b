"""`kpsim schema COMMAND`: the JSON Schema of that command's `--json` output."""

from __future__ import annotations

import typer

from simulator.cli import options as opt
from simulator.cli.common import print_json
from simulator.errors import UsageError
from simulator.result.schemas import DOCUMENTS, json_schema


def schema_cmd(
    command: str = typer.Argument(..., metavar="COMMAND", help=f"One of: {', '.join(DOCUMENTS)}."),
) -> None:
    """Print the JSON Schema of a command's --json output (generated from kpsim's models)."""
    if command not in DOCUMENTS:
        raise UsageError(f"no schema for {command!r}", hint=f"choose from {', '.join(DOCUMENTS)}")
    print_json(json_schema(command))


EXAMPLES = opt.examples("schema")
