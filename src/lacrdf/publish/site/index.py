"""A read-only index over a built dataset for the site: triples by subject and by object, labels per
language, types, the class hierarchy, and each fact's citations (source document and paragraph)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cached_property

import pyoxigraph as ox

from lacrdf.countries import LANGUAGES
from lacrdf.graph.dataset import Dataset
from lacrdf.graph.terms import tv
from lacrdf.publish.site.layout import place_of
from lacrdf.records.kinds.count import QUALIFIER_WORDS
from lacrdf.vocab import W3C

RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
SKOS_PREFLABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
SKOS_INSCHEME = "http://www.w3.org/2004/02/skos/core#inScheme"
SKOS_CONCEPT_SCHEME = "http://www.w3.org/2004/02/skos/core#ConceptScheme"
# a source document is named by its dcterms:title
DISPLAY_PREFIXES = {"qb": "http://purl.org/linked-data/cube#", "foaf": "http://xmlns.com/foaf/0.1/",
                    "vann": "http://purl.org/vocab/vann/", "void": "http://rdfs.org/ns/void#",
                    "dcat": "http://www.w3.org/ns/dcat#"}
LABEL_PREDICATES = (W3C.RDFS_LABEL.value, SKOS_PREFLABEL, W3C.DCT_TITLE.value)


@dataclass(frozen=True, slots=True)
class Citation:
    """A paragraph a fact was curated from."""

    locator: str
    source: str
    paragraph: int


@dataclass(frozen=True, slots=True)
class Amount:
    """A figure's amount: exact value, the power of ten it was stated in, and its currency or unit."""

    value: Decimal
    multiplier: int
    currency: str | None
    unit: str | None
    qualifier: str = ""  # how it reads before the number: "more than ", "nearly ", "" when exact


@dataclass(frozen=True, slots=True)
class Span:
    """An evidence span: characters [start, end) of a cited paragraph that state a fact."""

    fact: str
    locator: str
    start: int
    end: int


def _sort_key(t: ox.Triple) -> tuple[str, str, str]:
    return (str(t.subject), str(t.predicate), str(t.object))


class SiteIndex:
    """Everything the pages look up, computed once from the dataset's sorted quads."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self.ns = ds.ns
        self.lac = ds.ns.terms
        onto = ds.ontology_graph
        data: set[ox.Triple] = set()
        ontology: set[ox.Triple] = set()
        for q in ds.quads:
            (ontology if q.graph_name == onto else data).add(q.triple)
        self.data_triples = sorted(data, key=_sort_key)
        self.ontology_triples = sorted(ontology, key=_sort_key)
        self.out: dict[str, list[ox.Triple]] = defaultdict(list)
        self.incoming: dict[str, list[ox.Triple]] = defaultdict(list)
        self.onto_out: dict[str, list[ox.Triple]] = defaultdict(list)
        self.labels: dict[str, dict[str, str]] = defaultdict(dict)
        self.types: dict[str, list[str]] = defaultdict(list)
        for t in self.data_triples:
            self._take(t, self.out)
            if isinstance(t.object, ox.NamedNode):
                self.incoming[tv(t.object)].append(t)
        for t in self.ontology_triples:
            self._take(t, self.onto_out)

    def _take(self, t: ox.Triple, table: dict[str, list[ox.Triple]]) -> None:
        subject = tv(t.subject)
        table[subject].append(t)
        obj = t.object
        if t.predicate.value in LABEL_PREDICATES and isinstance(obj, ox.Literal):
            lang = obj.language or ""
            # the first label in sorted order is kept (resources carry one of these predicates per language)
            self.labels[subject].setdefault(lang, obj.value)
        elif t.predicate == W3C.RDF_TYPE and isinstance(obj, ox.NamedNode):
            self.types[subject].append(obj.value)

    # --- what gets a page -------------------------------------------------------------------------

    @cached_property
    def resources(self) -> list[str]:
        """Every IRI with a page: subjects of the data graphs, concepts and concept schemes."""
        subjects = {tv(t.subject) for t in self.data_triples if place_of(tv(t.subject), self.ns)}
        concepts = {s for s in self.onto_out if s.startswith(self.ns.concepts)}
        return sorted(subjects | concepts)

    @cached_property
    def terms(self) -> list[str]:
        """The ontology's classes and properties."""
        return sorted(s for s in self.onto_out if s.startswith(self.ns.terms))

    @cached_property
    def scheme_members(self) -> dict[str, list[str]]:
        """The concepts of each concept scheme."""
        members: dict[str, set[str]] = defaultdict(set)
        for t in self.ontology_triples:
            if t.predicate.value == SKOS_INSCHEME:
                members[tv(t.object)].add(tv(t.subject))
        return {scheme: sorted(ms, key=lambda m: (self.label(m), m)) for scheme, ms in members.items()}

    def triples_of(self, iri: str) -> list[ox.Triple]:
        """A resource's own triples (data graphs, or the ontology graph for concepts and terms)."""
        return self.out.get(iri) or self.onto_out.get(iri, [])

    # --- labels and types --------------------------------------------------------------------------

    def label(self, iri: str, lang: str = "en") -> str:
        labels = self.labels.get(iri)
        if labels:
            for key in (lang, "en", ""):
                if key in labels:
                    return labels[key]
            return labels[sorted(labels)[0]]
        return self.short(iri)

    def labels_by_language(self, iri: str) -> list[tuple[str, str]]:
        labels = self.labels.get(iri, {})
        order = [lang for lang in LANGUAGES if lang in labels] + sorted(set(labels) - set(LANGUAGES))
        return [(lang, labels[lang]) for lang in order]

    @cached_property
    def _display_prefixes(self) -> list[tuple[str, str]]:
        known = {**DISPLAY_PREFIXES, **self.ns.prefixes()}
        return sorted(known.items(), key=lambda kv: (-len(kv[1]), kv[0]))

    def short(self, iri: str) -> str:
        """A compact name for an IRI without a label: a prefixed name, else its last segment."""
        for prefix, ns in self._display_prefixes:
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns):]}"
        return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or iri

    def type_of(self, iri: str) -> list[str]:
        return sorted(set(self.types.get(iri, [])))

    @cached_property
    def superclasses(self) -> dict[str, frozenset[str]]:
        """Each ontology class with all its superclasses (itself included)."""
        direct: dict[str, set[str]] = defaultdict(set)
        for t in self.ontology_triples:
            if t.predicate.value == RDFS_SUBCLASS and isinstance(t.object, ox.NamedNode):
                direct[tv(t.subject)].add(tv(t.object))
        closure: dict[str, frozenset[str]] = {}
        for cls in sorted(direct):
            seen, todo = {cls}, [cls]
            while todo:  # bounded: each class is visited once
                for sup in sorted(direct.get(todo.pop(), ())):
                    if sup not in seen:
                        seen.add(sup)
                        todo.append(sup)
            closure[cls] = frozenset(seen)
        return closure

    def is_a(self, iri: str, term: str) -> bool:
        cls_iri = self.lac + term
        return any(cls_iri in self.superclasses.get(t, frozenset({t})) for t in self.types.get(iri, []))

    def is_fact(self, iri: str) -> bool:
        return self.is_a(iri, "Fact")

    # --- facts: values, citations, amounts ---------------------------------------------------------

    def values(self, iri: str, predicate: str) -> list[ox.NamedNode | ox.Literal]:
        return [t.object for t in self.triples_of(iri) if t.predicate.value == predicate]  # type: ignore[misc]

    def value(self, iri: str, predicate: str) -> ox.NamedNode | ox.Literal | None:
        found = self.values(iri, predicate)
        return found[0] if found else None

    def citations(self, fact: str) -> list[Citation]:
        out = []
        for loc in self.values(fact, W3C.PROV_DERIVED.value):
            source = self.value(loc.value, W3C.DCT_IS_PART_OF.value)
            number = self.value(loc.value, self.lac + "paragraphNumber")
            if source is not None and number is not None:
                out.append(Citation(loc.value, source.value, int(number.value)))
        return sorted(out, key=lambda c: (c.source, c.paragraph))

    def amount(self, figure: str) -> Amount | None:
        node = self.value(figure, self.lac + "amount")
        if node is None:
            return None
        value = self.value(node.value, W3C.SCHEMA_VALUE.value)
        if value is None:
            return None
        try:
            number = Decimal(value.value)
        except InvalidOperation:
            return None
        mult = self.value(node.value, self.lac + "unitMultiplier")
        currency = self.value(node.value, W3C.SCHEMA_CURRENCY.value)
        unit = self.value(node.value, W3C.SCHEMA_UNIT_TEXT.value)
        return Amount(number, int(mult.value) if mult is not None else 0,
                      currency.value if currency is not None else None, unit.value if unit is not None else None,
                      self.qualifier(figure))

    def qualifier(self, fact: str) -> str:
        """The words a count's or figure's stated qualifier puts before its number ("more than ")."""
        for predicate in ("valueQualifier", "countQualifier"):
            concept = self.value(fact, self.lac + predicate)
            if concept is not None:
                return QUALIFIER_WORDS.get(concept.value.rstrip("/").rsplit("/", 1)[-1], "")
        return ""

    def evidence(self, fact: str) -> list[Span]:
        """A fact's evidence spans (Web Annotation specific resources with a text position selector)."""
        out = []
        for ev in self.values(fact, self.lac + "evidence"):
            locator = self.value(ev.value, W3C.OA_HAS_SOURCE.value)
            selector = self.value(ev.value, W3C.OA_HAS_SELECTOR.value)
            if locator is None or selector is None:
                continue
            start = self.value(selector.value, W3C.OA_START.value)
            end = self.value(selector.value, W3C.OA_END.value)
            if start is not None and end is not None:
                out.append(Span(fact, locator.value, int(start.value), int(end.value)))
        return sorted(out, key=lambda s: (s.locator, s.start, s.end))

    @cached_property
    def spans_by_locator(self) -> dict[str, list[Span]]:
        """Every evidence span, by the paragraph locator it narrows, in text order."""
        table: dict[str, list[Span]] = defaultdict(list)
        facts = {tv(t.subject) for t in self.data_triples if t.predicate.value == self.lac + "evidence"}
        for fact in sorted(facts):
            for span in self.evidence(fact):
                table[span.locator].append(span)
        return {loc: sorted(spans, key=lambda s: (s.start, s.end, s.fact)) for loc, spans in table.items()}

    def facts_about(self, iri: str) -> list[tuple[str, list[str]]]:
        """The facts a resource takes part in as object, each with the predicates linking them."""
        roles: dict[str, set[str]] = defaultdict(set)
        for t in self.incoming.get(iri, []):
            if self.is_fact(tv(t.subject)):
                roles[tv(t.subject)].add(t.predicate.value)
        return [(fact, sorted(preds)) for fact, preds in sorted(roles.items())]

    def instances_of_class(self, term: str) -> list[str]:
        """Subjects of the data graphs of the lacrdf class ``term`` or one of its subclasses."""
        return sorted(s for s in self.types if s in self.out and self.is_a(s, term))

    def subjects_linking(self, iri: str, predicate: str) -> list[str]:
        return sorted({tv(t.subject) for t in self.incoming.get(iri, []) if t.predicate.value == predicate})
