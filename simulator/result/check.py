"""`CheckSummary`: what `kpsim recipients check --json` prints."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from simulator.numbers.counts import ListCounts
from simulator.result.document import Document, Model


class CheckInput(Model):
    """The list read: its name, encoding and the columns used."""

    file: str
    encoding: str | None
    phone_column: str
    carrier_column: str | None


class CheckSummary(ListCounts, Document):
    """Every row of a list accounted for (rows_in = ok + rejected), on a date: the list's
    counts (`ListCounts`) with what was read, the day and the settings."""

    input: CheckInput
    as_of: dt.date
    dedupe: bool
    assumptions: dict[str, str]
    outputs: dict[str, str] = Field(default_factory=dict)
    """The files written with --out, by name."""

    @classmethod
    def of(
        cls,
        counts: ListCounts,
        *,
        input: CheckInput,
        as_of: dt.date,
        dedupe: bool,
        assumptions: dict[str, str],
        outputs: dict[str, str] | None = None,
    ) -> CheckSummary:
        return cls(
            input=input,
            as_of=as_of,
            dedupe=dedupe,
            assumptions=assumptions,
            outputs=outputs or {},
            **counts.model_dump(),
        )
