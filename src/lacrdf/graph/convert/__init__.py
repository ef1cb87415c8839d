"""Records to triples: one pure converter per fact kind, registered here by kind name, plus the actor and
source converters. A converter reads one typed record and the naming context and yields ``Emit`` tuples;
it does no I/O."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from importlib import import_module

import pyoxigraph as ox

from lacrdf.graph.terms import Context, Emit, date, integer, string
from lacrdf.records.kinds import KINDS, kind_of, type_module
from lacrdf.records.model import FactRecord
from lacrdf.vocab import W3C

Converter = Callable[[FactRecord, Context], Iterable[Emit]]

# one module per fact kind, named as the kind's module in lacrdf.records.kinds
CONVERTERS: Mapping[str, Converter] = {
    name: import_module(f"lacrdf.graph.convert.{type_module(kind.record)}").convert for name, kind in KINDS.items()
}


def fact_emits(rec: FactRecord, ctx: Context) -> Iterable[Emit]:
    """The triples every fact has (type, identifier, provenance) followed by its kind's own."""
    kind = kind_of(rec)
    subject = ctx.fact(rec.id)
    yield Emit(subject, W3C.RDF_TYPE, ctx.lac[kind.class_of(rec)], "kind")
    yield Emit(subject, W3C.DCT_IDENTIFIER, string(rec.id), "id")
    for para in rec.para:
        yield Emit(subject, W3C.PROV_DERIVED, ctx.locator(rec.source, para), "para")
    for span in rec.evidence:
        # a Web Annotation specific resource: the cited paragraph, narrowed by a text position selector
        # (offsets as xsd:integer: Oxigraph stores xsd:nonNegativeInteger literals as xsd:integer)
        ev = ox.NamedNode(f"{subject.value}/evidence/{span.para}-{span.start}-{span.end}")
        selector = ox.NamedNode(ev.value + "/selector")
        yield Emit(subject, ctx.lac.evidence, ev, "evidence")
        yield Emit(ev, W3C.RDF_TYPE, W3C.OA_SPECIFIC_RESOURCE, "evidence")
        yield Emit(ev, W3C.OA_HAS_SOURCE, ctx.locator(rec.source, span.para), "evidence")
        yield Emit(ev, W3C.OA_HAS_SELECTOR, selector, "evidence")
        yield Emit(selector, W3C.RDF_TYPE, W3C.OA_TEXT_POSITION_SELECTOR, "evidence")
        yield Emit(selector, W3C.OA_START, integer(span.start), "evidence")
        yield Emit(selector, W3C.OA_END, integer(span.end), "evidence")
    if rec.earliest_date is not None:
        yield Emit(subject, ctx.lac.earliestDate, date(rec.earliest_date), "earliest_date")
    if rec.latest_date is not None:
        yield Emit(subject, ctx.lac.latestDate, date(rec.latest_date), "latest_date")
    yield from CONVERTERS[kind.name](rec, ctx)
