"""Plan and carrier names a user types (`--plan Lite`, `--carrier ソフトバンク`), matched
against the rules' ids, names and aliases exactly as a carrier-lookup column is matched."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from simulator.errors import RulesError, UsageError
from simulator.numbers.carrier import lookup_key_expr, lookup_table
from simulator.rules.ruleset import RuleSet


def name_keys(names: Iterable[str]) -> list[str]:
    """Each name as a comparable key (NFKC, case-folded, spaces and dashes removed)."""
    frame = pl.DataFrame({"name": list(names)}, schema={"name": pl.String})
    return [str(k) for k in frame.select(lookup_key_expr(pl.col("name")))["name"]]


def plan_table(rs: RuleSet) -> dict[str, str]:
    """Name key -> plan id for every id, name and alias in plans.yaml."""
    pairs = [(name, p.id) for p in rs.plans.values() for name in (p.id, p.name, *p.aliases)]
    out: dict[str, str] = {}
    for key, (name, plan) in zip(name_keys(n for n, _ in pairs), pairs, strict=True):
        if out.setdefault(key, plan) != plan:
            raise RulesError(
                f"plan alias {name!r} is claimed by both {out[key]} and {plan}", file="plans.yaml"
            )
    return out


def _resolve(
    kind: str, table: dict[str, str], names: list[str], choices: Iterable[str]
) -> list[str]:
    source = f"rules/{kind}s.yaml"
    keys = name_keys(names)
    for name, key in zip(names, keys, strict=True):
        if key not in table:
            raise UsageError(
                f"unknown {kind} {name!r}",
                hint=f"choose from {', '.join(choices)}, or a name or alias of one in {source}",
                code=f"unknown_{kind}",
            )
    return [table[key] for key in keys]


def plan_ids(rs: RuleSet, names: Iterable[str]) -> list[str]:
    """Plan ids for the names given (`Lite`, `jp_kp`, `K-Premium Lite` …); unknown: usage error."""
    return _resolve("plan", plan_table(rs), list(names), rs.plans)


def carrier_id(rs: RuleSet, name: str) -> str:
    """The carrier a name, brand or MCC-MNC stands for, as the lookup column reads it."""
    return _resolve("carrier", lookup_table(rs.carriers.values()), [name], rs.carriers)[0]
