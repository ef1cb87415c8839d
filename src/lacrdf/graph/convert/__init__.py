"""Records to triples: one pure converter per fact kind, registered here by kind name, plus the actor and
source converters. A converter reads one typed record and the naming context and yields ``Emit`` tuples;
it does no I/O."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from lacrdf.graph.convert import (
    agreement,
    body,
    count,
    event,
    figure,
    membership,
    mission,
    partnership,
    position,
    post,
    presence,
    programme,
    relation,
)
from lacrdf.graph.terms import Context, Emit, string
from lacrdf.records.kinds import KINDS, kind_of
from lacrdf.records.model import FactRecord
from lacrdf.vocab import W3C

Converter = Callable[[FactRecord, Context], Iterable[Emit]]

CONVERTERS: Mapping[str, Converter] = {
    m.__name__.rsplit(".", 1)[1]: m.convert  # type: ignore[misc]
    for m in (agreement, body, count, event, figure, membership, mission, partnership, position, post, presence,
              programme, relation)
}
assert set(CONVERTERS) == set(KINDS), "every fact kind has exactly one converter"


def fact_emits(rec: FactRecord, ctx: Context) -> Iterable[Emit]:
    """The triples every fact has (type, identifier, provenance) followed by its kind's own."""
    kind = kind_of(rec)
    subject = ctx.fact(rec.id)
    yield Emit(subject, W3C.RDF_TYPE, ctx.lac[kind.class_of(rec)], "kind")
    yield Emit(subject, W3C.DCT_IDENTIFIER, string(rec.id), "id")
    for para in rec.para:
        yield Emit(subject, W3C.PROV_DERIVED, ctx.locator(rec.source, para), "para")
    yield from CONVERTERS[kind.name](rec, ctx)
