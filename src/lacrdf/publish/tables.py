"""Tables for analysts: the built graph as one CSV per fact kind, plus actors (with their codes), sources,
evidence spans, the actors and facts each fact refers to and the missions as dyads and dyad-years, described
by a Frictionless data package (``lacrdf export --format csv``); or the same tables in one SQLite file with
foreign keys and full-text search, ready for Datasette (``--format sqlite``). Everything is read from the
build with SPARQL; rows are sorted, columns fixed, and the output is written whole and renamed into place."""

from __future__ import annotations

import contextlib
import csv
import ctypes
import errno
import io
import json
import os
import re
import secrets
import shutil
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from lacrdf.config import Namespaces
from lacrdf.countries import SCHEMES
from lacrdf.errors import InputError
from lacrdf.graph.convert.actors import ACTOR_CLASSES, WIKIDATA
from lacrdf.graph.store import BuiltGraph
from lacrdf.values import XSD, canonical_decimal

Value = str | int | Decimal | bool | None

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
OA = "http://www.w3.org/ns/oa#"
SCHEMA = "https://schema.org/"
OWL_SAMEAS = "http://www.w3.org/2002/07/owl#sameAs"

PRECISION = {XSD + "gYear": "year", XSD + "gYearMonth": "month", XSD + "date": "day", XSD + "gMonthDay": "month-day"}
DATE_PATTERN = r"--[0-9]{2}-[0-9]{2}|[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"
PACKAGE_NAME = "lacrdf"


# ---------------------------------------------------------------------------------------------- schema

@dataclass(frozen=True, slots=True)
class Field:
    """One column: its Frictionless type (string, integer, number, boolean) and constraints."""

    name: str
    type: str
    description: str
    required: bool = False
    pattern: str | None = None
    enum: tuple[str, ...] | None = None
    format: str | None = None

    def descriptor(self) -> dict[str, object]:
        out: dict[str, object] = {"name": self.name, "type": self.type, "description": self.description}
        if self.format:
            out["format"] = self.format
        constraints: dict[str, object] = {}
        if self.required:
            constraints["required"] = True
        if self.pattern:
            constraints["pattern"] = self.pattern
        if self.enum:
            constraints["enum"] = list(self.enum)
        if constraints:
            out["constraints"] = constraints
        return out


@dataclass(frozen=True, slots=True)
class Table:
    """A table with its schema and its rows (sorted, one value per field)."""

    name: str
    title: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str, str], ...]
    """(field, referenced table, referenced field)"""
    rows: tuple[tuple[Value, ...], ...]
    fts: tuple[str, ...] = ()
    """Columns searched by the SQLite full-text index."""

    def schema(self) -> dict[str, object]:
        out: dict[str, object] = {"fields": [f.descriptor() for f in self.fields], "missingValues": [""],
                                  "primaryKey": list(self.primary_key)}
        if self.foreign_keys:
            out["foreignKeys"] = [{"fields": name, "reference": {"resource": "" if table == self.name else table,
                                                                 "fields": ref}}
                                  for name, table, ref in self.foreign_keys]
        return out


def _s(name: str, description: str, **kw: object) -> Field:
    return Field(name, "string", description, **kw)  # type: ignore[arg-type]


def _i(name: str, description: str, **kw: object) -> Field:
    return Field(name, "integer", description, **kw)  # type: ignore[arg-type]


def _date_fields(name: str, description: str) -> tuple[Field, Field]:
    return (_s(name, f"{description}, at the precision the text states", pattern=DATE_PATTERN),
            _s(f"{name}_precision", f"precision of {name}: year, month, day or month-day (a day with no year)",
               enum=("year", "month", "day", "month-day")))


# ---------------------------------------------------------------------------------------------- fact kinds

@dataclass(frozen=True, slots=True)
class Col:
    """A kind-specific column: the predicate it reads and how its values become cells. ``ref`` is the id
    of one actor or fact (column NAME_id), ``refs`` several (NAME_ids, sorted, joined by '; '), ``concept``
    the key of a SKOS concept (``embassy``), ``date`` a date and its precision (two columns), ``amount`` a
    figure's amount node (amount as stated, unit multiplier, exact value, currency, unit)."""

    name: str
    predicate: str
    value: str
    description: str
    to: str = "actor"
    """What a ref points at: an actor (a foreign key to actors), a fact, or either ("any")."""


def _lac(name: str) -> str:
    return "lac:" + name


@dataclass(frozen=True, slots=True)
class KindTable:
    """The table of one fact kind: the ontology classes its facts have and its own columns."""

    name: str
    kind: str
    title: str
    classes: tuple[str, ...]
    columns: tuple[Col, ...]


KIND_TABLES: tuple[KindTable, ...] = (
    KindTable("missions", "mission", "Diplomatic missions: embassies, consulates general, honorary consulates",
              ("Embassy", "ConsulateGeneral", "HonoraryConsulate"), (
                  Col("sending", _lac("sendingState"), "ref", "the sending state"),
                  Col("host", _lac("hostState"), "ref", "the host state"),
                  Col("seat", _lac("seat"), "ref", "the city the mission sits in"),
                  Col("jurisdiction", _lac("jurisdiction"), "refs", "further states it is accredited to"),
                  Col("since", _lac("startDate"), "date", "since when the mission exists"))),
    KindTable("relations", "relation", "Diplomatic relations between two parties", ("DiplomaticRelation",), (
        Col("party", _lac("party"), "refs", "the parties"),
        Col("status", _lac("relationStatus"), "concept", "established, resumed or maintained"),
        Col("date", _lac("date"), "date", "when"),
        Col("assessment", _lac("assessment"), "text", "the source's own word for the relations"))),
    KindTable("counts", "count", "Stated counts (how many states, treaties, documents)", ("CountStatement",), (
        Col("subject", _lac("subject"), "ref", "who the count is about"),
        Col("counted", _lac("countedThing"), "text", "what is counted, in our own words"),
        Col("count", _lac("count"), "integer", "the number the text gives"),
        Col("out_of", _lac("outOf"), "integer", "the whole it is a part of, where stated (31 of 33)"),
        Col("qualifier", _lac("countQualifier"), "concept", "exact, or the bound the text gives (more-than...)"),
        Col("scope", _lac("scope"), "ref", "the region or group counted in"),
        Col("counterpart", _lac("counterpart"), "refs", "the actors counted, where named"),
        Col("related_to", _lac("relatedTo"), "ref", "a related actor or fact", "any"),
        Col("as_of", _lac("asOf"), "date", "as of when"))),
    KindTable("partnerships", "partnership", "Strategic and other partnerships", ("Partnership",), (
        Col("party", _lac("party"), "refs", "the parties"),
        Col("partnership_type", _lac("partnershipType"), "concept", "the kind of partnership"),
        Col("since", _lac("startDate"), "date", "since when"))),
    KindTable("agreements", "agreement", "Agreements, treaties, memoranda and outcome documents", ("Agreement",), (
        Col("agreement_type", _lac("agreementType"), "concept", "the kind of agreement"),
        Col("party", _lac("party"), "refs", "the parties"),
        Col("status", _lac("status"), "concept", "signed, in force, adopted..."),
        Col("date_signed", _lac("dateSigned"), "date", "when it was signed"),
        Col("date", _lac("date"), "date", "the date of its status (other than signed)"),
        Col("topic", _lac("topic"), "text", "what it is about, in our own words"),
        Col("period_start", _lac("periodStart"), "date", "start of the period it covers"),
        Col("period_end", _lac("periodEnd"), "date", "end of the period it covers"))),
    KindTable("memberships", "membership", "Memberships and observer statuses", ("Membership",), (
        Col("member", ORG + "member", "ref", "the member"),
        Col("organization", ORG + "organization", "ref", "the organisation"),
        Col("role", ORG + "role", "concept", "member or observer"),
        Col("since", _lac("startDate"), "date", "since when"))),
    KindTable("events", "event", "Visits, consultations, meetings, forums and summits", ("Event",), (
        Col("event_type", _lac("eventType"), "concept", "the kind of event"),
        Col("theme", _lac("theme"), "text", "its theme, in our own words"),
        Col("date", _lac("date"), "date", "when (its first day)"),
        Col("end_date", _lac("endDate"), "date", "its last day"),
        Col("location", _lac("location"), "ref", "where"),
        Col("online", _lac("online"), "boolean", "held online"),
        Col("participant", _lac("participant"), "refs", "who took part"),
        Col("headed_by", _lac("headedBy"), "refs", "who headed the delegations or the event"),
        Col("hosted_by", _lac("hostedBy"), "refs", "the host"),
        Col("organizer", _lac("organizer"), "refs", "the organisers"),
        Col("supporter", _lac("supporter"), "refs", "the supporters"),
        Col("part_of", _lac("partOf"), "ref", "the series or larger event it belongs to", "any"),
        Col("ordinal", _lac("ordinal"), "integer", "its number in a series (II Forum: 2)"),
        Col("outcome", PROV + "generated", "refs", "the documents it adopted or produced", "fact"))),
    KindTable("bodies", "body", "Joint commissions, committees and other joint bodies", ("JointBody",), (
        Col("body_type", _lac("bodyType"), "concept", "the kind of body"),
        Col("party", _lac("party"), "refs", "the parties"),
        Col("established", _lac("startDate"), "date", "when it was set up"),
        Col("part_of", _lac("partOf"), "ref", "the larger body or framework it belongs to"))),
    KindTable("programmes", "programme", "Cooperation programmes, projects, initiatives, funds and loans",
              ("Programme",), (
                  Col("programme_type", _lac("programmeType"), "concept", "the kind of programme"),
                  Col("acronym", _lac("acronym"), "string", "its acronym"),
                  Col("party", _lac("party"), "refs", "the parties"),
                  Col("funder", _lac("funder"), "ref", "who funds it"),
                  Col("start", _lac("startDate"), "date", "when it starts"),
                  Col("end", _lac("endDate"), "date", "when it ends"),
                  Col("topic", _lac("topic"), "text", "what it is about, in our own words"),
                  Col("part_of", _lac("partOf"), "ref", "the larger programme or framework it belongs to", "any"))),
    KindTable("figures", "figure", "Trade, aid, loan and other money and quantity figures", ("Figure",), (
        Col("figure_type", _lac("figureType"), "concept", "trade, aid, loan..."),
        Col("flow", _lac("flow"), "concept", "imports, exports, turnover..."),
        Col("reporter", _lac("reporter"), "ref", "whose figure it is"),
        Col("partner", _lac("partner"), "ref", "the partner"),
        Col("qualifier", _lac("valueQualifier"), "concept", "exact, or the bound the text gives (more-than...)"),
        Col("amount", _lac("amount"), "amount", "the amount"),
        Col("period", _lac("date"), "date", "the period (a year, a month)"),
        Col("period_start", _lac("periodStart"), "date", "start of a longer period"),
        Col("period_end", _lac("periodEnd"), "date", "end of a longer period"),
        Col("share_of_total", _lac("shareOfTotal"), "decimal", "share of the total, in per cent, where stated"),
        Col("change_percent", _lac("changePercent"), "decimal", "change on the previous period, in per cent"),
        Col("statistics_source", _lac("statisticsSource"), "ref", "whose statistics the text cites"),
        Col("related_to", _lac("relatedTo"), "ref", "a related actor or fact", "any"))),
    KindTable("presences", "presence", "Companies' branches, offices and joint ventures", ("CompanyPresence",), (
        Col("company", _lac("company"), "ref", "the company"),
        Col("presence_type", _lac("presenceType"), "concept", "branch, representative office, joint venture..."),
        Col("country", _lac("operatesIn"), "ref", "where"),
        Col("since", _lac("startDate"), "date", "since when"),
        Col("partner", _lac("party"), "refs", "its partners"),
        Col("activity", _lac("activity"), "text", "what it does, in our own words"))),
    KindTable("posts", "post", "Offices held by persons at the time the text describes", ("Post",), (
        Col("holder", ORG + "heldBy", "ref", "the person"),
        Col("title", RDFS + "comment", "text", "the office, as the text gives it"),
        Col("organization", ORG + "postIn", "ref", "the state or organisation of the office"),
        Col("as_of", _lac("asOf"), "date", "when the text describes the person in the office"))),
    KindTable("positions", "position", "Views a source states as its own or attributes to a named actor",
              ("Position",), (
                  Col("holder", _lac("holder"), "ref", "whose view (none: the source's own)"),
                  Col("stance", _lac("stance"), "concept", "supports, opposes, assesses..."),
                  Col("topic", _lac("topic"), "text", "the view, in our own words"),
                  Col("about", _lac("about"), "refs", "whom it is about"),
                  Col("date", _lac("date"), "date", "when it was stated"))),
)

# what every fact has, read by the common columns
_COMMON = {RDF + "type", DCT + "identifier", RDFS + "label", PROV + "wasDerivedFrom", "lac:evidence",
           "lac:earliestDate", "lac:latestDate"}


def _col_fields(col: Col) -> tuple[Field, ...]:
    if col.value == "ref":
        return (_s(f"{col.name}_id", f"{col.description} (id of an actor or fact)"),)
    if col.value == "refs":
        return (_s(f"{col.name}_ids", f"{col.description} (ids, sorted, separated by '; ')"),)
    if col.value == "date":
        return _date_fields(col.name, col.description)
    if col.value == "amount":
        return (Field("amount", "number", "the amount as the text states it, in units of 10^unit_multiplier"),
                _i("unit_multiplier", "the power of ten it was stated in (6: millions)"),
                Field("value", "number", "the exact value (amount x 10^unit_multiplier)"),
                _s("currency", "ISO 4217 currency code, for money"),
                _s("unit", "the unit, for a quantity that is not money"))
    if col.value == "integer":
        return (_i(col.name, col.description),)
    if col.value == "decimal":
        return (Field(col.name, "number", col.description),)
    if col.value == "boolean":
        return (Field(col.name, "boolean", col.description),)
    return (_s(col.name, col.description),)


def _kind_fields(spec: KindTable) -> tuple[Field, ...]:
    head = (_s("fact_id", "the fact's record id", required=True),
            _s("class", "its ontology class (lac:...)", required=True),
            _s("label", "its label, made from its fields", required=True))
    tail = (*_date_fields("earliest_date", "the earliest date the text allows, when it only bounds the date"),
            *_date_fields("latest_date", "the latest date the text allows"),
            _s("source_id", "the source document", required=True),
            _s("paragraphs", "the cited paragraphs, 1-based, separated by '; '", required=True),
            _s("evidence", "the evidence spans as paragraph:start-end (code points, end exclusive), '; '-separated"),
            _s("iri", "the fact's IRI", required=True, format="uri"))
    return (*head, *(f for col in spec.columns for f in _col_fields(col)), *tail)


# ---------------------------------------------------------------------------------------------- reading

class _Graph:
    """The build's triples the tables need, read with SPARQL: every subject's properties by predicate,
    the ids of actors and facts, and each paragraph locator's source and number."""

    def __init__(self, built: BuiltGraph) -> None:
        self.ns: Namespaces = built.ns
        self.store = built.store
        lac = self.ns.terms
        self.lac = lac
        actors_graph = f"<{self.ns.graphs}actors>"
        sources = self.ns.graphs + "source/"
        self.actor_class: dict[str, str] = {}
        self.fact_class: dict[str, str] = {}
        self.props: dict[str, dict[str, list[ox.Term]]] = defaultdict(lambda: defaultdict(list))
        for row in self._select(f"""SELECT ?s ?c WHERE {{
              GRAPH {actors_graph} {{ ?s a ?c }} ?c <{RDFS}subClassOf>* <{lac}Actor> }}"""):
            self._classify(self.actor_class, row)
        for row in self._select(f"SELECT ?s ?p ?o WHERE {{ GRAPH {actors_graph} {{ ?s ?p ?o }} }}"):
            self.props[row["s"].value][row["p"].value].append(row["o"])
        for row in self._select(f"""SELECT ?s ?c WHERE {{
              GRAPH ?g {{ ?s a ?c }} ?c <{RDFS}subClassOf>* <{lac}Fact> FILTER(STRSTARTS(STR(?g), "{sources}")) }}"""):
            self._classify(self.fact_class, row)
        # every triple of the source graphs: facts, their amount, evidence and selector nodes, documents,
        # locators (one pass; the subjects are few kinds and their IRIs say which)
        for row in self._select(f"""SELECT ?s ?p ?o WHERE {{
              GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{sources}")) }}"""):
            self.props[row["s"].value][row["p"].value].append(row["o"])
        self.ids: dict[str, str] = {}
        for iri in (*self.actor_class, *self.fact_class):
            found = self.props[iri].get(DCT + "identifier", [])
            if len(found) != 1:
                raise InputError(f"{iri} has {len(found)} dcterms:identifier values; a table row needs one")
            self.ids[iri] = found[0].value
        for iri, by_pred in self.props.items():
            if ox.NamedNode(lac + "SourceDocument") in by_pred.get(RDF + "type", ()):
                self.ids[iri] = self.one(iri, DCT + "identifier").value  # type: ignore[union-attr]

    def _classify(self, classes: dict[str, str], row: Mapping[str, ox.Term]) -> None:
        iri, cls = row["s"].value, row["c"].value.removeprefix(self.lac)
        if classes.get(iri, cls) != cls:
            raise InputError(f"{iri} has two classes (lac:{classes[iri]}, lac:{cls}); a table row needs one")
        classes[iri] = cls

    def _select(self, text: str) -> Iterable[dict[str, ox.Term]]:
        solutions = self.store.query(text, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        for sol in solutions:
            yield {n: sol[n] for n in names if sol[n] is not None}  # type: ignore[misc]

    def pred(self, name: str) -> str:
        return self.lac + name[4:] if name.startswith("lac:") else name

    def values(self, subject: str, predicate: str) -> list[ox.Term]:
        return self.props.get(subject, {}).get(self.pred(predicate), [])

    def one(self, subject: str, predicate: str) -> ox.Term | None:
        found = self.values(subject, predicate)
        if len(found) > 1:
            raise InputError(f"{subject} has {len(found)} values of {predicate}; its table column holds one")
        return found[0] if found else None

    def ref_id(self, term: ox.Term) -> str:
        found = self.ids.get(term.value)
        if found is None:
            raise InputError(f"{term.value} is neither an actor nor a fact of the build")
        return found

    def concept_key(self, term: ox.Term) -> str:
        if not term.value.startswith(self.ns.concepts):
            raise InputError(f"{term.value} is not a lacrdf concept")
        return term.value.rsplit("/", 1)[1]

    def locator(self, iri: str) -> tuple[str, int]:
        """(source id, paragraph number) of a paragraph locator."""
        doc = self.one(iri, DCT + "isPartOf")
        number = self.one(iri, "lac:paragraphNumber")
        if doc is None or number is None:
            raise InputError(f"{iri} is not a paragraph locator of the build")
        return self.ids[doc.value], int(number.value)


def _date(term: ox.Term | None) -> tuple[str | None, str | None]:
    if term is None:
        return None, None
    assert isinstance(term, ox.Literal)
    return term.value, PRECISION.get(term.datatype.value, term.datatype.value)


def _decimal(term: ox.Term | None) -> Decimal | None:
    return Decimal(term.value) if term is not None else None


def _text(term: ox.Term | None) -> str | None:
    return term.value if term is not None else None


@dataclass
class _Facts:
    """The facts of the build as rows of their kind tables, and the long tables that go with them."""

    kinds: dict[str, list[tuple[Value, ...]]] = field(default_factory=dict)
    facts: list[tuple[Value, ...]] = field(default_factory=list)
    evidence: list[tuple[Value, ...]] = field(default_factory=list)
    fact_actors: list[tuple[Value, ...]] = field(default_factory=list)
    fact_links: list[tuple[Value, ...]] = field(default_factory=list)
    citation: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    """fact IRI -> (source id, paragraphs, evidence) as the kind tables write them"""


def _read_facts(g: _Graph) -> _Facts:
    out = _Facts(kinds={spec.name: [] for spec in KIND_TABLES})
    by_class = {cls: spec for spec in KIND_TABLES for cls in spec.classes}
    for iri, cls in sorted(g.fact_class.items()):
        spec = by_class.get(cls)
        if spec is None:
            raise InputError(f"{iri}: no table holds facts of class lac:{cls}; add it to lacrdf/publish/tables.py")
        fact_id = g.ids[iri]
        mapped = _COMMON | {col.predicate for col in spec.columns}
        for pred in g.props[iri]:
            short = "lac:" + pred.removeprefix(g.lac) if pred.startswith(g.lac) else pred
            if short not in mapped:
                raise InputError(f"fact '{fact_id}' has {short}, which no column of table '{spec.name}' holds; "
                                 "add it to lacrdf/publish/tables.py")
        cells: list[Value] = [fact_id, cls, _text(g.one(iri, RDFS + "label"))]
        for col in spec.columns:
            cells.extend(_cells(g, iri, fact_id, col, out))
        cited = sorted({g.locator(t.value) for t in g.values(iri, PROV + "wasDerivedFrom")})
        source_ids = sorted({s for s, _ in cited})
        if len(source_ids) != 1:
            raise InputError(f"fact '{fact_id}' cites {len(source_ids)} source documents; a row cites one")
        spans = []
        for ev in g.values(iri, "lac:evidence"):
            src = g.one(ev.value, OA + "hasSource")
            sel = g.one(ev.value, OA + "hasSelector")
            if src is None or sel is None:
                raise InputError(f"{ev.value} is not an evidence span of the build")
            doc, para = g.locator(src.value)
            start, end = (int(g.one(sel.value, OA + p).value) for p in ("start", "end"))  # type: ignore[union-attr]
            spans.append((para, start, end))
            out.evidence.append((fact_id, para, start, end, doc))
        spans.sort()
        paragraphs = "; ".join(str(p) for _, p in cited)
        evidence = "; ".join(f"{p}:{s}-{e}" for p, s, e in spans)
        cells.extend(_date(g.one(iri, "lac:earliestDate")))
        cells.extend(_date(g.one(iri, "lac:latestDate")))
        cells.extend([source_ids[0], paragraphs, evidence or None, iri])
        out.kinds[spec.name].append(tuple(cells))
        out.facts.append((fact_id, spec.kind, cls, cells[2], source_ids[0], iri))
        out.citation[iri] = (source_ids[0], paragraphs, evidence)
    return out


def _cells(g: _Graph, iri: str, fact_id: str, col: Col, out: _Facts) -> list[Value]:
    if col.value in ("ref", "refs"):
        terms = g.values(iri, col.predicate)
        if col.value == "ref" and len(terms) > 1:
            raise InputError(f"fact '{fact_id}' has {len(terms)} values of {col.predicate}; column "
                             f"{col.name}_id holds one")
        ids = sorted(g.ref_id(t) for t in terms)
        for t in terms:
            is_actor = t.value in g.actor_class
            if col.to != "any" and is_actor != (col.to == "actor"):
                raise InputError(f"fact '{fact_id}': {col.predicate} points at {'an actor' if is_actor else 'a fact'}"
                                 f", but column {col.name} holds {col.to}s")
            (out.fact_actors if is_actor else out.fact_links).append((fact_id, col.name, g.ref_id(t)))
        return ["; ".join(ids) or None]
    term = g.one(iri, col.predicate)
    if col.value == "date":
        return list(_date(term))
    if col.value == "concept":
        return [g.concept_key(term) if term is not None else None]
    if col.value == "integer":
        return [int(term.value) if term is not None else None]
    if col.value == "decimal":
        return [_decimal(term)]
    if col.value == "boolean":
        return [None if term is None else term.value in ("true", "1")]
    if col.value == "amount":
        if term is None:
            return [None] * 5
        node = term.value
        value = _decimal(g.one(node, SCHEMA + "value"))
        multiplier = g.one(node, "lac:unitMultiplier")
        power = int(multiplier.value) if multiplier is not None else 0
        stated = Decimal(canonical_decimal(value.scaleb(-power))) if value is not None else None
        return [stated, power, value, _text(g.one(node, SCHEMA + "currency")), _text(g.one(node, SCHEMA + "unitText"))]
    return [_text(term)]


# ---------------------------------------------------------------------------------------------- actors

def _code_fields() -> tuple[Field, ...]:
    out = []
    for scheme in SCHEMES:
        if scheme.numeric:
            out.append(_i(scheme.column, f"{scheme.label} (lac:{scheme.prop}, from {scheme.package}); states only"))
        else:
            out.append(_s(scheme.column, f"{scheme.label} (lac:{scheme.prop}, from {scheme.package}); states only"))
    return tuple(out)


ACTOR_FIELDS = (
    _s("actor_id", "the actor's id (ISO 3166-1 alpha-2 for states)", required=True),
    _s("type", "state, organization, region, city, government-body, person, company or political-party",
       required=True),
    _s("label", "its name: English where there is one, else the documents' spelling", required=True),
    _s("label_language", "the language of label", required=True),
    _s("label_es", "its name in Spanish, where the graph has one (states: pycountry)"),
    _s("label_pt", "its name in Portuguese, where the graph has one"),
    _s("label_fr", "its name in French, where the graph has one"),
    _s("acronym", "its acronym, as the documents write it"),
    _s("country_id", "the state it belongs to (cities, bodies, companies...)"),
    _s("part_of_id", "the actor it is part of"),
    _s("wikidata", "its Wikidata item (Q...), where checked"),
    _s("iso3166_alpha2", "ISO 3166-1 alpha-2 (lac:iso3166Alpha2, from pycountry); states only"),
    _s("iso3166_alpha3", "ISO 3166-1 alpha-3 (lac:iso3166Alpha3, from pycountry); states only"),
    *_code_fields(),
    _s("iri", "the actor's IRI", required=True, format="uri"),
)

_TYPES = {cls: name for name, cls in ACTOR_CLASSES.items()}


def _actor_rows(g: _Graph) -> tuple[list[tuple[Value, ...]], list[tuple[Value, ...]]]:
    actors: list[tuple[Value, ...]] = []
    names: list[tuple[Value, ...]] = []
    for iri, cls in sorted(g.actor_class.items(), key=lambda kv: g.ids[kv[0]]):
        actor_id = g.ids[iri]
        labels: dict[str, str] = {}
        for term in g.values(iri, RDFS + "label"):
            assert isinstance(term, ox.Literal)
            labels[term.language or ""] = term.value
            names.append((actor_id, term.value, term.language or None, "label"))
        for pred, what in ((SKOS + "altLabel", "alternative"), (SKOS + "hiddenLabel", "alias")):
            for term in g.values(iri, pred):
                assert isinstance(term, ox.Literal)
                names.append((actor_id, term.value, term.language or None, what))
        lang = "en" if "en" in labels else min(labels)
        same = g.one(iri, OWL_SAMEAS)
        wikidata = same.value.removeprefix(WIKIDATA) if same is not None else None
        codes: list[Value] = []
        for scheme in SCHEMES:
            code = _text(g.one(iri, "lac:" + scheme.prop))
            codes.append(int(code) if code is not None and scheme.numeric else code)
        country, part_of = (g.one(iri, "lac:" + p) for p in ("country", "partOf"))
        actors.append((actor_id, _TYPES.get(cls, cls), labels[lang], lang or None, labels.get("es"),
                       labels.get("pt"), labels.get("fr"), _text(g.one(iri, "lac:acronym")),
                       g.ref_id(country) if country is not None else None,
                       g.ref_id(part_of) if part_of is not None else None, wikidata,
                       _text(g.one(iri, "lac:iso3166Alpha2")), _text(g.one(iri, "lac:iso3166Alpha3")), *codes, iri))
    names.sort(key=lambda r: (r[0], r[3], r[2] or "", r[1]))  # type: ignore[arg-type,return-value]
    return actors, names


def _source_rows(g: _Graph) -> list[tuple[Value, ...]]:
    rows = []
    for iri, source_id in g.ids.items():
        if iri in g.actor_class or iri in g.fact_class:
            continue
        title = g.one(iri, DCT + "title")
        publisher, author, url = (g.one(iri, DCT + "publisher"), g.one(iri, DCT + "creator"),
                                  g.one(iri, SCHEMA + "url"))
        rows.append((source_id, _text(title), title.language if isinstance(title, ox.Literal) else None,
                     _text(g.one(iri, DCT + "language")), _text(g.one(iri, "lac:fileName")),
                     _text(g.one(iri, "lac:sha256")), g.ref_id(publisher) if publisher is not None else None,
                     g.ref_id(author) if author is not None else None, *_date(g.one(iri, DCT + "issued")),
                     _text(url), iri))
    return sorted(rows, key=lambda r: str(r[0]))


SOURCE_FIELDS = (
    _s("source_id", "the source document's id", required=True),
    _s("title", "its title, as the text writes it (none if it has none)"),
    _s("title_language", "the language of title"),
    _s("language", "the language of the text", required=True),
    _s("file_name", "the text's file name in the seeds folder", required=True),
    _s("sha256", "SHA-256 of the text", required=True, pattern="[0-9a-f]{64}"),
    _s("publisher_id", "its publisher, where the text names one"),
    _s("author_id", "its author, where the text names one"),
    *_date_fields("date", "its date"),
    _s("url", "where it was published, where known", format="uri"),
    _s("iri", "the document's IRI", required=True, format="uri"),
)


# ---------------------------------------------------------------------------------------------- missions

YEAR_RULE = ("only years the text states: the year of the mission's 'since' date, and the year of the source "
             "document's date (a document describes the missions it lists as they are when it is written); no "
             "year in between, none from a document without a date")


def _mission_tables(g: _Graph, facts: _Facts, actors: Mapping[str, tuple[Value, ...]]) -> tuple[
        list[tuple[Value, ...]], list[tuple[Value, ...]]]:
    """One row per mission (sender, receiver and their COW codes), and one per mission and stated year."""
    cow = [f.name for f in ACTOR_FIELDS].index("cow_number")
    spec = next(s for s in KIND_TABLES if s.kind == "mission")
    source_date = {row[0]: (row[8], row[9]) for row in _source_rows(g)}
    dyads: list[tuple[Value, ...]] = []
    years: list[tuple[Value, ...]] = []
    for iri, cls in sorted(g.fact_class.items()):
        if cls not in spec.classes:
            continue
        mission_id = g.ids[iri]
        mission_type = re.sub(r"(?<!^)([A-Z])", r"-\1", cls).lower()  # ConsulateGeneral -> consulate-general
        sender = g.ref_id(g.one(iri, "lac:sendingState"))  # type: ignore[arg-type]
        host, seat = g.one(iri, "lac:hostState"), g.one(iri, "lac:seat")
        if host is not None:
            receiver, basis = g.ref_id(host), "host"
        else:
            city = g.one(seat.value, "lac:country") if seat is not None else None
            receiver, basis = (g.ref_id(city), "seat") if city is not None else (None, None)
        since, since_precision = _date(g.one(iri, "lac:startDate"))
        source_id, paragraphs, evidence = facts.citation[iri]
        doc_date, doc_precision = source_date.get(source_id, (None, None))
        stated: dict[int, list[str]] = defaultdict(list)
        for when, precision, why in ((since, since_precision, "since"), (doc_date, doc_precision, "source-date")):
            if when is not None and precision != "month-day":
                stated[int(str(when)[:4])].append(why)
        send, recv = actors[sender], actors.get(receiver) if receiver else None
        codes = (send[cow], send[cow + 1], recv[cow] if recv else None, recv[cow + 1] if recv else None)
        dyads.append((mission_id, mission_type, sender, codes[0], codes[1], receiver, basis, codes[2], codes[3],
                      since, since_precision, source_id, doc_date, doc_precision,
                      "; ".join(str(y) for y in sorted(stated)) or None, paragraphs, evidence or None))
        for year, why in sorted(stated.items()):
            years.append((sender, receiver, year, codes[0], codes[1], codes[2], codes[3], mission_type,
                          mission_id, "; ".join(why), source_id, paragraphs, evidence or None))
    years.sort(key=lambda r: (str(r[0]), str(r[1] or ""), r[2], str(r[8])))  # type: ignore[arg-type,return-value]
    return dyads, years


def _cow(role: str) -> tuple[Field, Field]:
    return (_i(f"{role}_cow_number", f"the {role}'s Correlates of War number (ccode)"),
            _s(f"{role}_cow_code", f"the {role}'s Correlates of War abbreviation"))


DYAD_FIELDS = (
    _s("mission_id", "the mission's fact id", required=True),
    _s("mission_type", "embassy, consulate-general or honorary-consulate", required=True,
       enum=("embassy", "consulate-general", "honorary-consulate")),
    _s("sender_id", "the sending state", required=True), *_cow("sender"),
    _s("receiver_id", "the receiving state: the host state, else the country of the seat city"),
    _s("receiver_basis", "host (the record names the host state) or seat (the seat city's country)",
       enum=("host", "seat")),
    *_cow("receiver"),
    *_date_fields("since", "since when the mission exists"),
    _s("source_id", "the source document", required=True),
    *_date_fields("source_date", "the source document's date"),
    _s("stated_years", "the years the text states for the mission (see mission_years), '; '-separated"),
    _s("paragraphs", "the cited paragraphs, '; '-separated", required=True),
    _s("evidence", "the evidence spans as paragraph:start-end, '; '-separated"),
)

YEAR_FIELDS = (
    _s("sender_id", "the sending state", required=True),
    _s("receiver_id", "the receiving state"),
    _i("year", "a year the text states for the mission: " + YEAR_RULE, required=True),
    *_cow("sender"), *_cow("receiver"),
    _s("mission_type", "embassy, consulate-general or honorary-consulate", required=True,
       enum=("embassy", "consulate-general", "honorary-consulate")),
    _s("mission_id", "the mission's fact id", required=True),
    _s("year_basis", "why the year: since (its 'since' date), source-date (the document's date), or both",
       required=True),
    _s("source_id", "the source document (the citation)", required=True),
    _s("paragraphs", "the cited paragraphs, '; '-separated", required=True),
    _s("evidence", "the evidence spans as paragraph:start-end, '; '-separated"),
)


# ---------------------------------------------------------------------------------------------- all tables

def _fk(name: str, table: str = "actors", ref: str = "actor_id") -> tuple[str, str, str]:
    return name, table, ref


def build_tables(built: BuiltGraph) -> tuple[Table, ...]:
    """Every table of the export, in a fixed order (referenced tables first)."""
    g = _Graph(built)
    facts = _read_facts(g)
    actor_rows, name_rows = _actor_rows(g)
    actors = {str(row[0]): row for row in actor_rows}
    dyads, years = _mission_tables(g, facts, actors)
    fact_fk = _fk("fact_id", "facts", "fact_id")
    tables = [
        Table("actors", "Actors: states with their codes, organisations, persons, cities, companies", ACTOR_FIELDS,
              ("actor_id",), (_fk("country_id"), _fk("part_of_id")), tuple(actor_rows),
              ("label", "label_es", "label_pt", "label_fr", "acronym")),
        Table("actor_names", "Every name of each actor: labels, alternative names and aliases", (
            _s("actor_id", "the actor", required=True), _s("name", "the name", required=True),
            _s("language", "its language"),
            _s("name_type", "label, alternative (ISO's full and official names) or alias (other spellings the "
               "documents use)", required=True, enum=("label", "alternative", "alias"))),
            ("actor_id", "name_type", "language", "name"), (_fk("actor_id"),), tuple(name_rows), ("name",)),
        Table("sources", "Source documents", SOURCE_FIELDS, ("source_id",),
              (_fk("publisher_id"), _fk("author_id")), tuple(_source_rows(g))),
        Table("facts", "Every fact once: its kind, label and source", (
            _s("fact_id", "the fact's record id", required=True),
            _s("kind", "its record kind (its table: " + ", ".join(s.name for s in KIND_TABLES) + ")",
               required=True, enum=tuple(s.kind for s in KIND_TABLES)),
            _s("class", "its ontology class", required=True), _s("label", "its label", required=True),
            _s("source_id", "the source document", required=True),
            _s("iri", "the fact's IRI", required=True, format="uri")),
            ("fact_id",), (_fk("source_id", "sources", "source_id"),), tuple(sorted(facts.facts, key=_key)),
            ("label",)),
        Table("evidence", "Evidence spans: the words of the cited paragraph that state each fact", (
            _s("fact_id", "the fact", required=True), _i("paragraph", "the paragraph, 1-based", required=True),
            _i("start", "first character (Unicode code points from 0)", required=True),
            _i("end", "end character, exclusive", required=True),
            _s("source_id", "the source document", required=True)),
            ("fact_id", "paragraph", "start", "end"), (fact_fk, _fk("source_id", "sources", "source_id")),
            tuple(sorted(facts.evidence, key=_key))),
        Table("fact_actors", "Every actor a fact refers to, by role (the column it fills)", (
            _s("fact_id", "the fact", required=True), _s("role", "the column (sending, party, ...)", required=True),
            _s("actor_id", "the actor", required=True)),
            ("fact_id", "role", "actor_id"), (fact_fk, _fk("actor_id")), tuple(sorted(facts.fact_actors, key=_key))),
        Table("fact_links", "Every fact a fact refers to, by role (part_of, outcome, related_to)", (
            _s("fact_id", "the fact", required=True), _s("role", "the column", required=True),
            _s("target_id", "the fact referred to", required=True)),
            ("fact_id", "role", "target_id"), (fact_fk, _fk("target_id", "facts", "fact_id")),
            tuple(sorted(facts.fact_links, key=_key))),
    ]
    for spec in KIND_TABLES:
        refs = tuple(_fk(f"{c.name}_id", *(("actors", "actor_id") if c.to == "actor" else ("facts", "fact_id")))
                     for c in spec.columns if c.value == "ref" and c.to != "any")
        tables.append(Table(spec.name, spec.title, _kind_fields(spec), ("fact_id",),
                            (fact_fk, *refs, _fk("source_id", "sources", "source_id")),
                            tuple(sorted(facts.kinds[spec.name], key=_key))))
    tables.append(Table("mission_dyads", "Missions as directed dyads: sender, receiver, their COW codes",
                        DYAD_FIELDS, ("mission_id",),
                        (_fk("mission_id", "facts", "fact_id"), _fk("sender_id"), _fk("receiver_id"),
                         _fk("source_id", "sources", "source_id")), tuple(sorted(dyads, key=_key))))
    tables.append(Table("mission_years", "Missions by dyad and year, as the diplomatic-exchange data sets "
                        "(COW) shape them: " + YEAR_RULE, YEAR_FIELDS, ("mission_id", "year"),
                        (_fk("mission_id", "facts", "fact_id"), _fk("sender_id"), _fk("receiver_id"),
                         _fk("source_id", "sources", "source_id")), tuple(years)))
    for table in tables:
        width = len(table.fields)
        assert all(len(row) == width for row in table.rows), table.name
    return tuple(tables)


def _key(row: tuple[Value, ...]) -> tuple[str, ...]:
    return tuple("" if v is None else f"{v:012d}" if isinstance(v, int) and not isinstance(v, bool) else str(v)
                 for v in row)


# ---------------------------------------------------------------------------------------------- CSV

def cell(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return canonical_decimal(value)
    return str(value)


def csv_bytes(table: Table) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([f.name for f in table.fields])
    for row in table.rows:
        writer.writerow([cell(v) for v in row])
    return buf.getvalue().encode("utf-8")


def datapackage(tables: Sequence[Table], built: BuiltGraph) -> dict[str, object]:
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": "lacrdf: diplomatic relations of Latin America and the Caribbean, as tables",
        "description": "The facts of the lacrdf knowledge graph, one table per fact kind, with actors (states "
                       "with ISO, UN M49, COW, Gleditsch-Ward and FIPS 10-4 codes), source documents, evidence "
                       "spans and the missions as dyads and dyad-years. Written by 'lacrdf export --format csv' "
                       "from the build.",
        "version": str(built.manifest.get("version", "")),
        "licenses": [{"name": "CC0-1.0", "path": "https://creativecommons.org/publicdomain/zero/1.0/",
                      "title": "Creative Commons CC0 1.0 Universal"}],
        "resources": [{"name": t.name, "title": t.title, "path": f"{t.name}.csv", "profile": "tabular-data-resource",
                       "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "schema": t.schema()}
                      for t in tables],
    }


def _dump_json(data: object) -> bytes:
    return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _write_file(path: Path, payload: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_csv(built: BuiltGraph, folder: Path) -> tuple[Table, ...]:
    """Write every table as FOLDER/NAME.csv with FOLDER/datapackage.json: into a fresh folder beside it,
    renamed into place when complete (a previous export there is replaced in one step)."""
    target = _check_target(Path(folder), folder=True)
    tables = build_tables(built)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    tmp.mkdir(parents=True)
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        for table in tables:
            _write_file(tmp / f"{table.name}.csv", csv_bytes(table))
        _write_file(tmp / "datapackage.json", _dump_json(datapackage(tables, built)))
        _replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tables


def _check_target(target: Path, folder: bool) -> Path:
    """Refuse to replace what is not a previous export: a file for --format csv, a folder that does not
    hold a lacrdf data package, a folder for --format sqlite."""
    target = target.resolve() if target.is_symlink() else Path(os.path.abspath(target))
    if folder and target.exists():
        if not target.is_dir():
            raise InputError(f"{target} exists and is not a folder; choose another --output")
        entries = list(target.iterdir())
        package = target / "datapackage.json"
        if entries and not _is_our_package(package):
            raise InputError(f"{target} is a folder that does not hold a lacrdf table export; choose another "
                             "--output (an empty or new folder)")
    if not folder and target.is_dir():
        raise InputError(f"{target} is a folder; --format sqlite writes one file")
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def _is_our_package(path: Path) -> bool:
    try:
        return bool(json.loads(path.read_text("utf-8")).get("name") == PACKAGE_NAME)
    except (OSError, ValueError, AttributeError):
        return False


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _replace(new: Path, target: Path) -> None:
    """Put folder ``new`` at ``target``: a rename when nothing is there, else an atomic exchange of the
    two (Linux renameat2), then the old one is removed. Where the exchange is not available, the old folder
    is moved aside first (a moment without either)."""
    if not target.exists():
        os.rename(new, target)
        return
    if _exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # ``new`` now names the previous export
        return
    aside = target.with_name(f".{target.name}.old-{os.getpid()}-{secrets.token_hex(4)}")
    os.rename(target, aside)
    os.rename(new, target)
    shutil.rmtree(aside, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


# ---------------------------------------------------------------------------------------------- SQLite

_SQL_TYPES = {"string": str, "integer": int, "number": float, "boolean": int}


def write_sqlite(built: BuiltGraph, path: Path) -> tuple[Table, ...]:
    """The same tables in one SQLite file (sqlite-utils): primary and foreign keys, FTS5 indexes on the
    actors' names and labels, their other names and aliases, and the facts' labels. Written to a temporary
    file beside ``path`` and renamed over it."""
    import sqlite_utils

    target = _check_target(Path(path), folder=False)
    tables = build_tables(built)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        db = sqlite_utils.Database(str(tmp))
        with contextlib.closing(db.conn):
            for table in tables:
                columns = {f.name: _SQL_TYPES[f.type] for f in table.fields}
                db[table.name].create(columns, pk=table.primary_key[0] if len(table.primary_key) == 1 else
                                      table.primary_key, foreign_keys=list(table.foreign_keys),
                                      not_null={f.name for f in table.fields if f.required})
                db[table.name].insert_all((dict(zip(columns, (_sql(v) for v in row), strict=True))
                                           for row in table.rows), batch_size=1000)
            for table in tables:
                if table.fts:
                    db[table.name].enable_fts(list(table.fts), fts_version="FTS5",
                                              tokenize="unicode61 remove_diacritics 2")
            db.conn.commit()
            db.vacuum()
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tables


def _sql(value: Value) -> str | int | float | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        number = float(value)
        if Decimal(repr(number)) != value:  # SQLite keeps doubles: refuse to round a stated amount
            raise InputError(f"{value} cannot be stored exactly as an SQLite REAL")
        return number
    return value
