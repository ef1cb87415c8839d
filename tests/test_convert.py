"""Converters are pure functions from one record to triples: checked here on literal records."""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox

from lacrdf import Namespaces
from lacrdf.graph.convert.actors import convert_actor
from lacrdf.graph.dataset import fact_emits
from lacrdf.graph.terms import Context
from lacrdf.records.kinds.figure import FigureRecord
from lacrdf.records.kinds.mission import MissionRecord
from lacrdf.records.model import ActorRecord, ActorRef, Origin
from lacrdf.values import PartialDate

R = "https://w3id.org/lacrdf/id/"
T = "https://w3id.org/lacrdf/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
AT = Origin("test.yaml", 1)


def ctx_with(*facts) -> Context:  # type: ignore[no-untyped-def]
    actors = {
        "BE": ActorRecord(id="BE", origin=AT, type="state", wikidata="Q31"),  # type: ignore[arg-type]
        "lac": ActorRecord(id="lac", origin=AT, type="region", name="LAC"),  # type: ignore[arg-type]
        "lima": ActorRecord(id="lima", origin=AT, type="city", name="Lima", country=ActorRef("BE")),  # type: ignore[arg-type]
    }
    return Context(Namespaces(), actors, {f.id: f for f in facts})


def triples(emits) -> set[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return {(e.subject.value, e.predicate.value, str(e.object)) for e in emits}


def test_mission_triples() -> None:
    rec = MissionRecord(id="m1", origin=AT, source="s", para=(11,), mission_type="embassy",
                        sending=ActorRef("BE"), seat=ActorRef("lima"))
    got = triples(fact_emits(rec, ctx_with(rec)))
    m = R + "mission/m1"
    assert (m, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"<{T}Embassy>") in got
    assert (m, T + "sendingState", f"<{R}state/BE>") in got
    assert (m, T + "seat", f"<{R}city/lima>") in got
    assert (m, "http://www.w3.org/ns/prov#wasDerivedFrom", f"<{R}source/s/paragraph/11>") in got
    assert not any(p == T + "hostState" for _, p, _ in got)


def test_figure_keeps_stated_precision_and_exact_value() -> None:
    rec = FigureRecord(id="f1", origin=AT, source="s", para=(13,), figure_type="trade", flow="imports",
                       reporter=ActorRef("BE"), partner=ActorRef("lac"), amount=Decimal("5032.9"),
                       scale="million", currency="EUR", period=PartialDate("2020"),
                       share_of_total=Decimal("1.40"))
    got = triples(fact_emits(rec, ctx_with(rec)))
    amount = R + "figure/f1/amount"
    assert (amount, "https://schema.org/value", f'"5032900000"^^<{XSD}decimal>') in got
    assert (amount, T + "unitMultiplier", f'"6"^^<{XSD}integer>') in got
    assert (amount, "https://schema.org/currency", '"EUR"') in got
    assert (R + "figure/f1", T + "date", f'"2020"^^<{XSD}gYear>') in got
    assert (R + "figure/f1", T + "shareOfTotal", f'"1.4"^^<{XSD}decimal>') in got


def test_state_gets_iso_codes_and_four_labels_from_pycountry() -> None:
    ctx = ctx_with()
    got = triples(convert_actor(ctx.actors["BE"], ctx))
    s = R + "state/BE"
    assert (s, T + "iso3166Alpha2", '"BE"') in got
    assert (s, T + "iso3166Alpha3", '"BEL"') in got
    assert (s, "http://www.w3.org/2002/07/owl#sameAs", "<http://www.wikidata.org/entity/Q31>") in got
    labels = {o for _, p, o in got if p == "http://www.w3.org/2000/01/rdf-schema#label"}
    assert labels == {'"Belgium"@en', '"Bélgica"@es', '"Bélgica"@pt', '"Belgique"@fr'}


def test_converters_are_deterministic() -> None:
    rec = MissionRecord(id="m1", origin=AT, source="s", para=(11,), mission_type="embassy",
                        sending=ActorRef("BE"), seat=ActorRef("lima"))
    ctx = ctx_with(rec)
    assert list(fact_emits(rec, ctx)) == list(fact_emits(rec, ctx))
    assert all(isinstance(e.subject, ox.NamedNode) for e in fact_emits(rec, ctx))
