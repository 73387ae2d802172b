"""The rule files a priced run needs, loaded once for one day: the rule set, the assumption
settings, the plans asked for, the rules in force, the price books, the message-part rules and
the porting matrix. `forecast`, sweeps and break-even points all start from one of these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from simulator.engine.porting import PortingMatrix, load_porting, select_porting
from simulator.engine.tables import resolved_rules
from simulator.message.profiles import SegmentationRules, load_segmentation_rules
from simulator.pricing.book import PriceBook, load_default_price_book, load_price_book
from simulator.pricing.resolve import ResolvedPrices, resolve_prices
from simulator.rules.assumptions import resolve_settings
from simulator.rules.ruleset import RuleSet, load_ruleset


@dataclass(frozen=True)
class RuleContext:
    """Everything that prices a message on `as_of` besides the message, price overrides and
    the recipients."""

    ruleset: RuleSet
    settings: dict[str, str]
    plans: list[str]
    as_of: dt.date
    rules_in_force: pl.DataFrame
    book: PriceBook
    user_book: PriceBook | None
    segmentation: SegmentationRules
    porting: PortingMatrix

    @classmethod
    def load(
        cls,
        as_of: dt.date,
        *,
        rules_dir: Path | None = None,
        assume: Mapping[str, str] | None = None,
        plans: Sequence[str] | None = None,
        price_book: Path | None = None,
    ) -> RuleContext:
        """Read and check the rule files of `rules_dir` (the shipped rules by default)."""
        rs = load_ruleset(rules_dir)
        settings = resolve_settings(rs, assume or {})
        return cls(
            ruleset=rs,
            settings=settings,
            plans=rs.plan_ids(plans),
            as_of=as_of,
            rules_in_force=resolved_rules(rs, as_of, settings),
            book=load_default_price_book(rules_dir),
            user_book=load_price_book(price_book) if price_book is not None else None,
            segmentation=load_segmentation_rules(rules_dir),
            porting=select_porting(load_porting(rules_dir), settings),
        )

    def prices(self, overrides: Mapping[str, str]) -> ResolvedPrices:
        """The prices on `as_of`: the user's book over the default one, then `overrides`."""
        return resolve_prices(
            self.book,
            self.as_of,
            overrides=overrides,
            user_book=self.user_book,
            settings=self.settings,
        )
