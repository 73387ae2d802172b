"""`Forecast`: the comparison of plans `kpsim forecast --json` prints and summary.json holds."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import polars as pl
from pydantic import Field

from simulator.result.document import Document, Model, Yen
from simulator.result.lookup import CarrierLookupOption
from simulator.result.shared import ApiRequest, SenderDisplay


class CarrierResult(Model):
    """One plan on one serving carrier: the rule in force and what its recipients cost."""

    recipients: int
    parts: int
    route: str
    sender_display: SenderDisplay
    charge_class: str
    cost_jpy_excl_tax: Yen
    rule_id: str


class SourceRef(Model):
    """A public document a figure rests on: its id, title, date and where to read it."""

    id: str
    title: str
    date: dt.date
    url: str
    """The web page, or the file at its commit in the repository (GitHub)."""


class RuleUsed(Model):
    """A rule version a plan's figures come from, with the citations of its sources."""

    id: str
    effective_from: dt.date
    sources: list[str]
    source_refs: list[SourceRef] = Field(default_factory=list)


class FeeLine(Model):
    """One fixed fee of a plan with its arithmetic: amount = periods × sender IDs × unit."""

    name: str
    charged_per: str
    unit_jpy: Yen | None
    sender_ids: int
    period_days: int
    """The days the campaign runs (--period-days)."""
    days_per_period: int
    periods: int
    """Started periods of `days_per_period` days."""
    amount_jpy: Yen | None
    arithmetic: str = ""
    """The amount's arithmetic in words (English), e.g. `¥100,000 = 2 started 30-day periods
    (31 days) × 1 sender ID × ¥50,000`."""


class MessageFit(Model):
    """Whether the recipients' messages fit a plan: `all`, `partly` (`recipients_fit` of
    `recipients_checked`) or `none`, against the plan's limit, with the length range of the
    rendered messages and how many characters the longest too-long one has to lose."""

    sends: Literal["all", "partly", "none"]
    recipients_fit: int
    recipients_checked: int
    """Recipients whose message was rendered and counted (the list's valid rows)."""
    limit: str
    """The plan's limits in words, per encoding."""
    longest_allowed: dict[str, int] = Field(default_factory=dict)
    """Per encoding: the most units one message may have under the plan."""
    units_range: tuple[int, int] | None = None
    """Shortest and longest rendered message, in the plan's units (None without recipients)."""
    too_long_units_range: tuple[int, int] | None = None
    """Shortest and longest of the messages that are too long."""
    cut_characters: int | None = None
    """Units to cut from the longest too-long message so that every message fits."""


class RangeDriver(Model):
    """One thing that widens a plan's range: number portability, or a price that is not exact
    (with the band an assumption gives it). `low_jpy`/`high_jpy` are how far it moves the
    total's low and high ends (low <= 0 <= high); `code` and `fields` word it in a language
    (`range_driver.<code>` in the catalogue), `text` is its English wording."""

    code: str
    price: str | None = None
    assumption: str | None = None
    """`name=value` of the assumption that chose the band."""
    low_jpy: Yen
    high_jpy: Yen
    fields: dict[str, str] = Field(default_factory=dict)
    text: str


class PlanResult(Model):
    """One plan: sendable or why not, recipients, parts, charges, fees, totals and the 95%
    range number portability brings. Amounts are exact JPY (None when a price is unknown)."""

    sendable: bool
    reason: str | None
    recipients: int = 0
    parts: int = 0
    cost_jpy_excl_tax: Yen | None = None
    cost_jpy_incl_tax: Yen | None = None
    cost_per_recipient_jpy_excl_tax: Yen | None = None
    fixed_fees_jpy: Yen | None = None
    fixed_fees: list[str] = Field(default_factory=list)
    fee_lines: list[FeeLine] = Field(default_factory=list)
    """Each fixed fee with its arithmetic (periods × sender IDs × unit)."""
    charge_classes: list[str] = Field(default_factory=list)
    price_basis: str | None = None
    """The least certain basis of the prices used: exact, assumed_unchanged, upper_bound,
    user or unknown."""
    total_jpy_excl_tax: Yen | None = None
    total_jpy_incl_tax: Yen | None = None
    expected_cost_jpy_excl_tax: float | None = None
    """The expectation over number portability (a statistic, rounded to sen)."""
    interval_95_jpy_excl_tax: tuple[Yen, Yen] | None = None
    carrier_dependent: bool = False
    not_priced: dict[str, int] = Field(default_factory=dict)
    """Recipients not priced under this plan, by plan status (too_long, price_unknown, ...)."""
    by_carrier: dict[str, CarrierResult] = Field(default_factory=dict)
    rules: list[RuleUsed] = Field(default_factory=list)
    api_request: ApiRequest | None = None
    fit: MessageFit | None = None
    """Whether the messages fit the plan (None when the plan does not exist that day)."""
    range_jpy_excl_tax: tuple[Yen, Yen] | None = None
    """Where the total (fees included) may lie: the 95% portability interval widened by every
    price that is not exact, each to the ends of its band (None when a price is unknown)."""
    range_drivers: list[RangeDriver] = Field(default_factory=list)
    """What makes the range wide, by code and price (sorted)."""


class ForecastInput(Model):
    """The list read: its name and the columns used (`phone_column` None only in documents
    written before kpsim said which column it read)."""

    file: str | None = None
    phone_column: str | None = None
    carrier_column: str | None = None


class MessagePlan(Model):
    """How one plan counts the message: encoding, length, parts (None when too long or a
    template, counted per recipient) and the plan's limit in words."""

    encoding: str | None = None
    units: int | None = None
    """Length in the plan's counting units (None for a template)."""
    parts: int | None = None
    too_long: bool = False
    limit: str


class MessageInfo(Model):
    template: str | None
    """The message when it has placeholders (then priced per recipient)."""
    templated: bool
    text: str | None = None
    """The message as given (the template when templated)."""
    characters: int | None = None
    """Characters (Unicode code points) of `text`."""
    by_plan: dict[str, MessagePlan] = Field(default_factory=dict)


class PriceUsed(Model):
    """One price on the forecast's date: amount (None when unknown), unit, basis and sources."""

    amount_jpy: Yen | None
    charged_per: str
    basis: str
    effective_from: dt.date | None
    sources: list[str]
    note: str | None
    source_refs: list[SourceRef] = Field(default_factory=list)


class TaxUsed(Model):
    rate_percent: int
    basis: str
    sources: list[str]
    note: str | None
    source_refs: list[SourceRef] = Field(default_factory=list)


class PricesUsed(Model):
    """Every price and the consumption-tax rate in force on `on`."""

    on: dt.date
    currency: str
    tax_included: bool
    tax: TaxUsed
    items: dict[str, PriceUsed]


class Notice(Model):
    """One warning as a code and its fields, so each surface can word it in its language
    (`warning.<code>` in the message catalogue); `text` is its English wording, as in
    `Forecast.warnings`. Code `text` is a warning with no catalogue entry (English only)."""

    code: str
    fields: dict[str, str] = Field(default_factory=dict)
    text: str


class Forecast(Document):
    """A recipient list priced under each plan on one date."""

    as_of: dt.date
    input: ForecastInput
    message: MessageInfo
    rows_in: int
    rows_ok: int
    rows_rejected: int
    rejects_by_reason: dict[str, int]
    reject_examples: dict[str, list[str]]
    reject_meanings: dict[str, str] = Field(default_factory=dict)
    """The one-line meaning of each reject reason that occurs."""
    duplicates: int
    by_carrier_source: dict[str, int]
    carriers: list[str]
    assumptions: dict[str, str]
    assumptions_changed: dict[str, str]
    assumption_meanings: dict[str, str] = Field(default_factory=dict)
    """Per assumption in force: what its value says (from assumptions.yaml)."""
    prices: PricesUsed
    sender_ids: int
    period_days: int
    sender: str | None = None
    """Your `sender` value (--sender), shown where a plan falls back to it."""
    kp_sender: str | None = None
    """Your registered sender ID (--kp-sender)."""
    warnings: list[str]
    plans: dict[str, PlanResult]

    notices: list[Notice] = Field(default_factory=list)
    """`warnings` as codes and fields, one per warning in the same order."""
    carrier_lookup: CarrierLookupOption | None = None
    """What looking up first the numbers priced by their allocation would cost (None when every
    carrier came from a carrier column)."""

    def sendable_plans(self) -> list[str]:
        return [name for name, plan in self.plans.items() if plan.sendable]

    def comparison(self) -> pl.DataFrame:
        """Plan × metric as a polars frame, money in integer sen (`*_sen`); see
        `simulator.result.frames.COMPARISON_SCHEMA`."""
        from simulator.result.frames import comparison_frame

        return comparison_frame(self)

    def by_carrier(self) -> pl.DataFrame:
        """Plan × serving carrier as a polars frame, cost in integer sen; see
        `simulator.result.frames.BY_CARRIER_SCHEMA`."""
        from simulator.result.frames import by_carrier_frame

        return by_carrier_frame(self)
