"""What every JSON document shares: the kpsim and schema versions, exact yen, one JSON encoder."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainSerializer, WithJsonSchema

from simulator._version import __version__

SCHEMA_VERSION = 1
"""Bumped on any breaking change of any document (a key removed, renamed or retyped)."""


def _yen_number(amount: Decimal) -> int | float:
    """A whole yen amount as a JSON integer, one with sen as a decimal number."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


Yen = Annotated[
    Decimal,
    PlainSerializer(_yen_number, return_type=Any, when_used="json"),
    WithJsonSchema({"type": "number"}, mode="serialization"),
]
"""An exact amount in JPY (a Decimal with at most 2 decimals); a number in JSON."""


class Model(BaseModel):
    """A part of a document: no unknown keys, fields in the order they are declared."""

    model_config = ConfigDict(
        extra="forbid",
        serialize_by_alias=True,
        validate_by_name=True,
        json_schema_serialization_defaults_required=True,
        defer_build=True,
    )


class Document(Model):
    """A whole `--json` document."""

    kpsim_version: str = __version__
    schema_version: int = SCHEMA_VERSION


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if isinstance(obj, Decimal):
        return _yen_number(obj)
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def to_json(document: Any) -> str:
    """A document (a model, or plain data holding models, dates and Decimals) as indented UTF-8
    JSON with a final newline: the one JSON encoder of kpsim."""
    return json.dumps(document, ensure_ascii=False, indent=2, default=_jsonable) + "\n"


def versioned(payload: Mapping[str, Any]) -> dict[str, Any]:
    """A plain JSON object (rules show, history, lint) with the versions every document carries."""
    return {"kpsim_version": __version__, "schema_version": SCHEMA_VERSION, **payload}
