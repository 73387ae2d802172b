"""Typed model of the rule files in `rules/`: plans, carriers, sources, assumptions and routing rules."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Route = Literal["direct", "standard"]
ChargeClass = Literal["k_premium", "standard"]
SenderKind = Literal["registered", "fixed", "user"]
Identifier = str


class Strict(BaseModel):
    """Base for rule-file models: unknown keys are mistakes, values are immutable."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True
    )


class Source(Strict):
    """A public document a rule or price rests on: a file at a commit, or a web page."""

    id: Identifier
    kind: Literal["git", "web"]
    title: str
    date: dt.date
    repo: str | None = None
    path: str | None = None
    commit: str | None = Field(default=None, pattern=r"^[0-9a-f]{7,40}$")
    url: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _located(self) -> Source:
        if self.kind == "git" and not (self.repo and self.path and self.commit):
            raise ValueError("a git source needs repo, path and commit")
        if self.kind == "web" and not self.url:
            raise ValueError("a web source needs url")
        return self

    def citation(self) -> str:
        """One-line human citation."""
        if self.kind == "git":
            return f"{self.repo}:{self.path}@{(self.commit or '')[:10]} ({self.date})"
        return f"{self.url} ({self.date})"


class SourcesFile(Strict):
    sources: list[Source] = Field(min_length=1)


class Carrier(Strict):
    """A host network recipients are delivered by, with the names a carrier lookup may return."""

    id: Identifier
    name: str
    mccmnc: list[str] = Field(min_length=1)
    allocation_labels: list[str] = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    sources: list[Identifier] = Field(min_length=1)


class CarriersFile(Strict):
    carriers: list[Carrier] = Field(min_length=1)


class Plan(Strict):
    """A way of sending: standard, K-Premium Lite or full K-Premium, and when it became available."""

    id: Identifier
    name: str
    aliases: list[str] = Field(default_factory=list)
    """Other names a user may give for the plan (`--plan`, `--plans`), matched like lookup values."""
    flag_role: Identifier | None = None
    available_from: dt.date
    fixed_fees: list[Identifier] = Field(default_factory=list)
    sources: list[Identifier] = Field(min_length=1)
    description: str


class PlanSubset(Strict):
    """An invariant: wherever `smaller` sends a carrier direct, `larger` sends it direct too,
    showing the same sender, under every assumption combination (checked by the linter)."""

    smaller: Identifier
    larger: Identifier
    says: str


class PlansFile(Strict):
    plans: list[Plan] = Field(min_length=1)
    subsets: list[PlanSubset] = Field(default_factory=list)


class AssumptionValue(Strict):
    id: Identifier
    says: str
    sources: list[Identifier] = Field(default_factory=list)


class Assumption(Strict):
    """A named, switchable choice where the public documents disagree or are silent."""

    id: Identifier
    about: str = Field(description="the contradiction or gap, e.g. C7 or 'gap'")
    question: str
    default: Identifier
    values: list[AssumptionValue] = Field(min_length=2)
    modelled: bool = True
    note: str | None = None

    @model_validator(mode="after")
    def _default_is_a_value(self) -> Assumption:
        ids = [v.id for v in self.values]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate value ids in {ids}")
        if self.default not in ids:
            raise ValueError(f"default {self.default!r} is not one of the values {ids}")
        return self


class AssumptionsFile(Strict):
    assumptions: list[Assumption] = Field(min_length=1)


class SenderDisplay(Strict):
    """What the recipient sees as sender: the registered ID, a fixed code, or the user's `sender`."""

    kind: SenderKind
    value: str | None = None
    value_known: bool = True

    @model_validator(mode="after")
    def _value_matches_kind(self) -> SenderDisplay:
        if self.kind == "fixed" and self.value is None and self.value_known:
            raise ValueError("a fixed sender needs a value (or value_known: false)")
        if self.kind != "fixed" and (self.value is not None or not self.value_known):
            raise ValueError(f"a {self.kind} sender takes no value")
        return self

    @property
    def guaranteed(self) -> bool:
        """Only the user's own `sender` on the standard route is shown on a best-effort basis."""
        return self.kind != "user"


class Outcome(Strict):
    route: Route
    sender: SenderDisplay
    charge: ChargeClass


class Variant(Strict):
    """An outcome that replaces the rule's default when every named assumption has the given value."""

    when: dict[Identifier, Identifier] = Field(min_length=1)
    outcome: Outcome


class Rule(Strict):
    """One version of one plan's behaviour for some carriers, from `effective_from` until replaced."""

    id: Identifier
    carriers: list[Identifier] = Field(min_length=1)
    effective_from: dt.date
    sources: list[Identifier] = Field(min_length=1)
    outcome: Outcome
    variants: list[Variant] = Field(default_factory=list)
    note: str | None = None


class RoutingFile(Strict):
    plan: Identifier
    rules: list[Rule] = Field(min_length=1)


class DateVariant(Strict):
    when: dict[Identifier, Identifier] = Field(min_length=1)
    accepted_from: dt.date | None = None
    accepted_until: dt.date | None = None


class ApiParameter(Strict):
    """A request parameter name and the days the API accepted it (`accepted_until` inclusive)."""

    name: str
    role: Identifier
    accepted_from: dt.date
    accepted_until: dt.date | None = None
    sources: list[Identifier] = Field(min_length=1)
    variants: list[DateVariant] = Field(default_factory=list)
    note: str | None = None
    value: str | None = Field(
        default=None, description="the literal always sent (a flag's `true`, a string)"
    )
    optional: bool = False
    price: Identifier | None = Field(
        default=None, description="the prices.yaml item using it adds (track_link)"
    )


class ApiConstraint(Strict):
    """A request rule: roles that exclude each other, or a role required with another."""

    id: Identifier
    kind: Literal["mutually_exclusive", "required_with"]
    roles: list[Identifier] = Field(min_length=1)
    with_roles: list[Identifier] = Field(default_factory=list)
    effective_from: dt.date
    documented_from: dt.date | None = Field(
        default=None, description="first day a source states it; before: an extrapolation"
    )
    sources: list[Identifier] = Field(min_length=1)
    says: str
    note: str | None = None


class ApiRoles(Strict):
    """The parameter roles kpsim builds requests and checks on (the rest are plan flags)."""

    message: Identifier = Field(description="the message body (UTF-8)")
    recipient: Identifier = Field(description="the recipient's number in E.164")
    required: list[Identifier] = Field(
        default_factory=list, description="roles every request carries"
    )
    user_sender: Identifier = Field(description="the customer's own `sender`, on every request")
    registered_sender: Identifier = Field(description="the registered sender ID of K-Premium")
    required_with_flag: list[Identifier] = Field(
        default_factory=list,
        description="roles a plan with a flag_role must be able to send on every day it exists",
    )


EndpointPurpose = Literal["send", "carrier_lookup", "send_template"]


class ApiEndpoint(Strict):
    """An API call kpsim builds (`send`), prices (`carrier_lookup`) or only records
    (`modelled: false`), with its form fields in the order they are posted."""

    id: Identifier
    purpose: EndpointPurpose
    method: Literal["POST"]
    url: str
    content_type: Literal["application/x-www-form-urlencoded"]
    auth: str
    form_roles: list[Identifier] = Field(min_length=1)
    effective_from: dt.date
    modelled: bool = True
    price: Identifier | None = Field(default=None, description="the prices.yaml item per call")
    sources: list[Identifier] = Field(min_length=1)
    says: str
    note: str | None = None
    not_modelled: str | None = Field(
        default=None, description="what kpsim does not compute about it, and why"
    )


class ApiFile(Strict):
    roles: ApiRoles
    endpoints: list[ApiEndpoint] = Field(default_factory=list)
    parameters: list[ApiParameter] = Field(min_length=1)
    constraints: list[ApiConstraint] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_endpoint_per_purpose(self) -> ApiFile:
        purposes = [e.purpose for e in self.endpoints]
        if len(set(purposes)) != len(purposes):
            raise ValueError(f"more than one endpoint for a purpose in {purposes}")
        return self

    def endpoint(self, purpose: EndpointPurpose) -> ApiEndpoint | None:
        """The endpoint for `purpose`, if the rules define one."""
        return next((e for e in self.endpoints if e.purpose == purpose), None)
