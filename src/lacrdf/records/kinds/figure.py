"""Money and quantity figures (trade, aid, loans, investment, donations) as observations: reporter,
partner, flow, period, and an amount node holding the exact value, its currency or unit, and the power of
ten it was stated in, so "5,032.9 million euros" keeps its stated precision."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar, Literal

from lacrdf.countries import is_currency
from lacrdf.records.kinds import Kind
from lacrdf.records.kinds.count import Qualifier
from lacrdf.records.model import ActorRef, FactRecord, Ref
from lacrdf.values import PartialDate

SCALES = {"one": 0, "thousand": 3, "million": 6, "billion": 9}


@dataclass(frozen=True, slots=True, kw_only=True)
class FigureRecord(FactRecord):
    KIND: ClassVar[str] = "figure"
    SEGMENT: ClassVar[str] = "figure"
    figure_type: Literal["trade", "official-development-assistance", "loans", "investment", "donation",
                         "funding", "vaccines", "growth-elasticity", "households"]
    flow: Literal["imports", "exports", "turnover", "provided", "received", "approved", "announced",
                  "committed"] | None = None
    reporter: ActorRef
    partner: ActorRef | None = None
    amount: Decimal
    scale: Literal["one", "thousand", "million", "billion"] = "one"
    currency: str | None = field(default=None, metadata={"doc": "ISO 4217 code"})
    unit: str | None = field(default=None, metadata={"doc": "unit of a non-monetary quantity"})
    period: PartialDate | None = None
    period_start: PartialDate | None = None
    period_end: PartialDate | None = None
    qualifier: Qualifier = "exact"
    share_of_total: Decimal | None = field(default=None, metadata={"doc": "percent"})
    change_percent: Decimal | None = None
    statistics_source: ActorRef | None = None
    related_to: Ref | None = None


def exact_value(rec: FigureRecord) -> Decimal:
    return rec.amount.scaleb(SCALES[rec.scale])


def check(rec: FigureRecord) -> tuple[str, str] | None:
    if rec.currency is not None and not is_currency(rec.currency):
        return "currency", f"'{rec.currency}' is not an ISO 4217 currency code (such as EUR, USD)"
    if (rec.currency is None) == (rec.unit is None):
        return "currency", "give exactly one of 'currency' (money) or 'unit' (other quantities)"
    if rec.period is not None and (rec.period_start or rec.period_end):
        return "period", "give 'period' or 'period_start'/'period_end', not both"
    if rec.period_start and rec.period_end and rec.period_end < rec.period_start:
        return "period_end", "period_end is before period_start"
    if rec.amount < 0:
        return "amount", "amounts are not negative; use 'flow' for the direction"
    return None


KIND = Kind("figure", FigureRecord, lambda r: "Figure",
            "a trade, aid, loan, investment or other figure with its amount and period", check)  # type: ignore[arg-type]
