"""agreement: the converter of AgreementRecord (see lacrdf.records.kinds.agreement for the record)."""

from __future__ import annotations

from collections.abc import Iterable

from lacrdf.graph.terms import Context, Emit, Out
from lacrdf.records.kinds.agreement import AgreementRecord


def convert(rec: AgreementRecord, ctx: Context) -> Iterable[Emit]:
    out = Out(ctx, ctx.fact(rec.id))
    lac = ctx.lac
    out.label(rec.title, "title")
    out.concept(lac.agreementType, "agreement-type", rec.agreement_type, "agreement_type")
    out.refs(lac.party, rec.parties, "parties")
    out.date(lac.dateSigned if rec.status in (None, "signed") else lac.date, rec.date, "date")
    out.concept(lac.status, "status", rec.status, "status")
    out.text(lac.topic, rec.topic, "topic")
    out.date(lac.periodStart, rec.period_start, "period_start")
    out.date(lac.periodEnd, rec.period_end, "period_end")
    return out.items

