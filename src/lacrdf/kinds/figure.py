"""Money and quantity figures (trade, aid, loans, investment, donations) as observations: reporter,
partner, flow, period, and an amount node holding the exact value, its currency or unit, and the power of
ten it was stated in, so "5,032.9 million euros" keeps its stated precision."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar, Literal

import pyoxigraph as ox

from ..countries import is_currency
from ..records import ActorRef, FactRecord, Ref
from ..values import PartialDate
from ..vocab import W3C
from . import Kind
from .base import Context, Emit, Out, decimal, integer, string
from .count import Qualifier

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


def convert(rec: FigureRecord, ctx: Context) -> Iterable[Emit]:
    subject = ctx.fact(rec.id)
    amount = ox.NamedNode(subject.value + "/amount")
    out = Out(ctx, subject)
    lac = ctx.lac
    what = rec.currency or rec.unit or ""
    scale = "" if rec.scale == "one" else f" {rec.scale}"
    flow = f" {rec.flow}" if rec.flow else ""
    partner = f" – {ctx.label(rec.partner)}" if rec.partner else ""
    when = rec.period or (f"{rec.period_start}/{rec.period_end}" if rec.period_start else "")
    out.label(f"{ctx.label(rec.reporter)}{partner}: {rec.figure_type.replace('-', ' ')}{flow} "
              f"{rec.amount}{scale} {what} {when}".replace("  ", " ").strip(), "amount")
    out.concept(lac.figureType, "figure-type", rec.figure_type, "figure_type")
    out.concept(lac.flow, "flow", rec.flow, "flow")
    out.refs(lac.reporter, rec.reporter, "reporter")
    out.refs(lac.partner, rec.partner, "partner")
    out.add(lac.amount, amount, "amount")
    out.add(W3C.RDF_TYPE, W3C.SCHEMA_MONETARY_AMOUNT if rec.currency else W3C.SCHEMA_QUANTITATIVE_VALUE,
            "amount", amount)
    out.add(W3C.SCHEMA_VALUE, decimal(exact_value(rec)), "amount", amount)
    out.add(lac.unitMultiplier, integer(SCALES[rec.scale]), "scale", amount)
    out.add(W3C.SCHEMA_CURRENCY, string(rec.currency) if rec.currency else None, "currency", amount)
    out.add(W3C.SCHEMA_UNIT_TEXT, ox.Literal(rec.unit, language="en") if rec.unit else None, "unit", amount)
    out.date(lac.date, rec.period, "period")
    out.date(lac.periodStart, rec.period_start, "period_start")
    out.date(lac.periodEnd, rec.period_end, "period_end")
    out.concept(lac.valueQualifier, "qualifier", rec.qualifier, "qualifier")
    out.add(lac.shareOfTotal, decimal(rec.share_of_total) if rec.share_of_total is not None else None,
            "share_of_total")
    out.add(lac.changePercent, decimal(rec.change_percent) if rec.change_percent is not None else None,
            "change_percent")
    out.refs(lac.statisticsSource, rec.statistics_source, "statistics_source")
    out.refs(lac.relatedTo, rec.related_to, "related_to")
    return out.items


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


KIND = Kind("figure", FigureRecord, convert, lambda r: "Figure",
            "a trade, aid, loan, investment or other figure with its amount and period", check)  # type: ignore[arg-type]
