"""The JSON Schema of each `--json` document, generated from the models (`kpsim schema COMMAND`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from simulator.result.check import CheckSummary
from simulator.result.diff import Diff
from simulator.result.document import SCHEMA_VERSION
from simulator.result.explain import Explanation
from simulator.result.forecast import Forecast
from simulator.result.history import RulesHistory
from simulator.result.message import MessageCheck

DOCUMENTS: dict[str, type[BaseModel]] = {
    "forecast": Forecast,
    "recipients-check": CheckSummary,
    "diff": Diff,
    "explain": Explanation,
    "rules-history": RulesHistory,
    "message": MessageCheck,
}
"""The command whose `--json` output each model describes."""


def json_schema(command: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `kpsim COMMAND --json`, as it is serialised."""
    model = DOCUMENTS[command]
    schema = model.model_json_schema(mode="serialization", by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$comment": f"kpsim {command} --json, schema_version {SCHEMA_VERSION}",
        **schema,
    }
