"""`rules/porting.yaml`: the porting matrix P(serving carrier | allocating carrier), and its rescaling."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import polars as pl
import yaml
from pydantic import AfterValidator, Field, model_validator

from simulator.errors import RulesError, UsageError
from simulator.rules.schema import Identifier, Strict
from simulator.rules.yaml_source import load_model, read_yaml

if TYPE_CHECKING:
    from simulator.rules.ruleset import RuleSet

PORTING_FILE = "porting.yaml"
SUM_TOLERANCE = 1e-9
STATED_SHARE_TOLERANCE = 1e-3

PORTING_SCHEMA: dict[str, pl.DataType] = {
    "allocated_carrier": pl.Utf8(),
    "serving_carrier": pl.Utf8(),
    "probability": pl.Float64(),
}


def _sums_to_one(values: dict[str, float]) -> dict[str, float]:
    total = math.fsum(values.values())
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise ValueError(f"probabilities sum to {total:.12g}, not 1")
    return values


Probability = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
Distribution = Annotated[dict[Identifier, Probability], AfterValidator(_sums_to_one)]


class ShareRange(Strict):
    """The range of the overall porting share a sensitivity sweep should cover."""

    low: Probability
    high: Probability

    @model_validator(mode="after")
    def _ordered(self) -> ShareRange:
        if self.low > self.high:
            raise ValueError(f"low {self.low} is above high {self.high}")
        return self


class PortingMatrix(Strict):
    """Rows: allocating carrier; columns: serving carrier; each row a probability distribution."""

    id: Identifier
    assumption: Identifier
    without_porting_value: Identifier
    status: Literal["estimate", "sourced", "measured"]
    as_of: dt.date
    basis: str
    sources: list[Identifier] = Field(min_length=1)
    off_diagonal_share: Probability
    sensitivity: ShareRange
    allocation_shares: Distribution | None = None
    matrix: dict[Identifier, Distribution] = Field(min_length=1)
    note: str | None = None

    @property
    def carriers(self) -> list[str]:
        """Carrier ids in the order of the matrix rows."""
        return list(self.matrix)

    def weights(self) -> dict[str, float]:
        """Allocation shares of the rows, or equal weights when the file gives none."""
        if self.allocation_shares is not None:
            return {c: self.allocation_shares.get(c, 0.0) for c in self.matrix}
        return {c: 1.0 / len(self.matrix) for c in self.matrix}

    def porting_share(self) -> float:
        """Share of numbers not on their allocating network, weighted by `weights()`."""
        w = self.weights()
        return math.fsum(w[c] * (1.0 - row.get(c, 0.0)) for c, row in self.matrix.items())

    def frame(self) -> pl.DataFrame:
        """Long form: allocated_carrier, serving_carrier, probability (every pair, zeros kept)."""
        records = [
            (allocated, serving, float(row.get(serving, 0.0)))
            for allocated, row in self.matrix.items()
            for serving in self.carriers
        ]
        return pl.DataFrame(records, schema=PORTING_SCHEMA, orient="row")

    def without_porting(self) -> PortingMatrix:
        """The identity matrix: every number is served by the carrier it was allocated to."""
        identity = {a: {s: float(a == s) for s in self.carriers} for a in self.carriers}
        return self.model_copy(update={"matrix": identity, "off_diagonal_share": 0.0})

    def with_porting_share(self, share: float) -> PortingMatrix:
        """Rescale every row's off-diagonal mass by one factor so the overall share is `share`.

        The share is weighted by `allocation_shares` (equal weights when absent). Rows whose
        scaled mass would pass 1 stay at 1 (nothing left on the diagonal); the factor is then
        solved on the remaining rows, so every share in [0, 1) is reachable when each row ports.
        """
        if not 0.0 <= share < 1.0 or math.isnan(share):
            raise UsageError(f"porting share {share} is outside [0, 1)", hint="e.g. 0.25 for 25%")
        off = {c: 1.0 - row.get(c, 0.0) for c, row in self.matrix.items()}
        factor = _scale_factor(off, self.weights(), share)
        matrix: dict[str, dict[str, float]] = {}
        for allocated, row in self.matrix.items():
            scaled_off = min(1.0, factor * off[allocated])
            ratio = scaled_off / off[allocated] if off[allocated] > 0 else 0.0
            matrix[allocated] = {
                serving: (1.0 - scaled_off) if serving == allocated else p * ratio
                for serving, p in row.items()
            }
        return self.model_copy(update={"matrix": matrix, "off_diagonal_share": share})


def _scale_factor(off: Mapping[str, float], weights: Mapping[str, float], share: float) -> float:
    """The k with Σ w·min(1, k·off) = share (piecewise linear and increasing in k)."""
    if share == 0.0:
        return 0.0
    moving = sorted((o, weights[c]) for c, o in off.items() if o > 0 and weights[c] > 0)
    if not moving:
        raise UsageError(
            "the porting matrix has no off-diagonal mass to rescale",
            hint="use a matrix with ports, not the identity",
        )
    saturated = 0.0
    for i, (o, _) in enumerate(reversed(moving)):
        rest = moving[: len(moving) - i]
        slope = math.fsum(w * x for x, w in rest)
        factor = (share - saturated) / slope
        if factor * o <= 1.0:
            return factor
        saturated += rest[-1][1]
    raise UsageError(
        f"porting share {share} cannot be reached",
        hint=f"at most {saturated:.3f} of the numbers sit on rows that can port",
    )


def _locate(path: Path, loc: Sequence[int | str], message: str, code: str) -> RulesError:
    """A RulesError at the YAML node `loc`; a top-level key is reported at the key's own line."""
    doc = read_yaml(path)
    line = doc.line_of(loc)
    if len(loc) == 1 and isinstance(doc.root, yaml.MappingNode):
        keys = [k for k, _ in doc.root.value if k.value == loc[0]]
        line = keys[0].start_mark.line + 1 if keys else line
    return RulesError(message, file=path, line=line, code=code)


def check_porting(path: Path, porting: PortingMatrix, ruleset: RuleSet) -> None:
    """Carrier ids, row and column sets, source ids and stated shares against the rule set."""
    known = list(ruleset.carriers)
    for allocated, row in porting.matrix.items():
        if allocated not in ruleset.carriers:
            raise _locate(
                path,
                ["matrix", allocated],
                f"matrix: unknown carrier {allocated!r}",
                "unknown_carrier",
            )
        for serving in row:
            if serving not in ruleset.carriers:
                raise _locate(
                    path,
                    ["matrix", allocated, serving],
                    f"matrix.{allocated}: unknown carrier {serving!r}",
                    "unknown_carrier",
                )
        missing_columns = [c for c in known if c not in row]
        if missing_columns:
            raise _locate(
                path,
                ["matrix", allocated],
                f"matrix.{allocated}: no column for {', '.join(missing_columns)} (write 0 if none)",
                "missing_key",
            )
    missing_rows = [c for c in known if c not in porting.matrix]
    if missing_rows:
        raise _locate(
            path, ["matrix"], f"matrix: no row for carrier {', '.join(missing_rows)}", "missing_key"
        )
    if porting.allocation_shares is not None:
        for carrier in porting.allocation_shares:
            if carrier not in ruleset.carriers:
                raise _locate(
                    path,
                    ["allocation_shares", carrier],
                    f"allocation_shares: unknown carrier {carrier!r}",
                    "unknown_carrier",
                )
        computed = porting.porting_share()
        if abs(computed - porting.off_diagonal_share) > STATED_SHARE_TOLERANCE:
            raise _locate(
                path,
                ["off_diagonal_share"],
                f"off_diagonal_share {porting.off_diagonal_share} does not match the matrix "
                f"({computed:.4f} weighted by allocation_shares)",
                "inconsistent",
            )
    for i, source in enumerate(porting.sources):
        if source not in ruleset.sources:
            raise _locate(
                path,
                ["sources", i],
                f"sources: {source!r} is not in sources.yaml",
                "unknown_source",
            )
    low, high = porting.sensitivity.low, porting.sensitivity.high
    if not low <= porting.off_diagonal_share <= high:
        raise _locate(
            path,
            ["off_diagonal_share"],
            f"off_diagonal_share {porting.off_diagonal_share} is outside sensitivity {low}-{high}",
            "inconsistent",
        )
    assumption = ruleset.assumptions.get(porting.assumption)
    if assumption is None:
        raise _locate(
            path,
            ["assumption"],
            f"assumption {porting.assumption!r} is not in assumptions.yaml",
            "unknown_assumption",
        )
    for key, value in (
        ("id", porting.id),
        ("without_porting_value", porting.without_porting_value),
    ):
        if value not in {v.id for v in assumption.values}:
            raise _locate(
                path,
                [key],
                f"{key} {value!r} is not a value of assumption {porting.assumption}",
                "unknown_assumption",
            )


def read_porting(path: Path) -> PortingMatrix:
    """Parse and validate `porting.yaml` on its own (rows are distributions, shares in range)."""
    return load_model(path, PortingMatrix)
