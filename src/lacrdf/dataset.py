"""Records to an RDF dataset: one named graph per source document, one for actors, one for the ontology.
Every quad is remembered with the record field it came from, so validation results can name the YAML
line. Quads are sorted and unique, so everything downstream is deterministic."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

from .actors import convert_actor, convert_source
from .config import Namespaces
from .errors import InputError, RecordError, RecordErrors
from .kinds import KINDS, kind_of
from .kinds.base import Context, Emit, string
from .progress import SILENT, Reporter
from .records import Origin, Project
from .vocab import W3C

ONTOLOGY_FILES = ("lacrdf.ttl", "concepts.ttl")


@dataclass(frozen=True, slots=True)
class TripleOrigin:
    """The record, field and YAML position a triple was made from."""

    record: str
    field: str
    origin: Origin


@dataclass(frozen=True)
class Dataset:
    """A built lacrdf dataset: sorted unique quads plus the origin of each data triple."""

    ns: Namespaces
    quads: tuple[ox.Quad, ...]
    origins: Mapping[ox.Triple, TripleOrigin] = field(repr=False)
    subject_origins: Mapping[ox.NamedNode, TripleOrigin] = field(repr=False)

    @property
    def ontology_graph(self) -> ox.NamedNode:
        return ox.NamedNode(self.ns.graphs + "ontology")

    @cached_property
    def graphs(self) -> tuple[ox.NamedNode, ...]:
        return tuple(sorted({q.graph_name for q in self.quads}, key=str))  # type: ignore[misc]

    def data_quads(self) -> list[ox.Quad]:
        """Everything but the ontology graph."""
        onto = self.ontology_graph
        return [q for q in self.quads if q.graph_name != onto]

    def triples(self, include_ontology: bool = False) -> list[ox.Triple]:
        """The union of the graphs as sorted unique triples (computed once: every export uses it)."""
        return self._all_triples if include_ontology else self._data_triples

    @cached_property
    def _data_triples(self) -> list[ox.Triple]:
        return sorted({q.triple for q in self.data_quads()}, key=str)

    @cached_property
    def _all_triples(self) -> list[ox.Triple]:
        return sorted({q.triple for q in self.quads}, key=str)

    @cached_property
    def quads_by_graph(self) -> list[ox.Quad]:
        """The quads sorted by graph, then subject, predicate, object (for TriG and N-Quads)."""
        return sorted(self.quads, key=lambda q: (q.graph_name.value, str(q.triple)))  # type: ignore[union-attr]

    @cached_property
    def store(self) -> ox.Store:
        """An in-memory pyoxigraph store holding the dataset (named graphs kept)."""
        store = ox.Store()
        store.extend(self.quads)
        return store


def load_ontology(ontology_dir: Path, ns: Namespaces) -> list[ox.Quad]:
    graph = ox.NamedNode(ns.graphs + "ontology")
    quads: list[ox.Quad] = []
    for name in ONTOLOGY_FILES:
        path = ontology_dir / name
        try:
            triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
        except (OSError, SyntaxError, ValueError) as exc:
            raise InputError(f"{path}: cannot read the ontology: {exc}") from None
        for t in triples:
            quads.append(ox.Quad(_rebase(t.subject, ns), _rebase(t.predicate, ns), _rebase(t.object, ns), graph))
    return quads


def _rebase(term, ns: Namespaces):  # type: ignore[no-untyped-def]
    if isinstance(term, ox.NamedNode):
        moved = ns.rebase(term.value)
        return term if moved == term.value else ox.NamedNode(moved)
    return term


def check_rules(project: Project) -> list[RecordError]:
    """The cross-field rules of each kind (field types and references are checked at load)."""
    errors = []
    for rec in project.facts.values():
        kind = kind_of(rec)
        problem = kind.check(rec) if kind.check else None
        if problem:
            fname, message = problem
            line, col = rec.positions.get(fname, (rec.origin.line, rec.origin.column))
            errors.append(RecordError(rec.origin.file, line, col, message, field=fname, record=rec.id))
    return errors


def fact_emits(rec, ctx: Context) -> Iterable[Emit]:  # type: ignore[no-untyped-def]
    """The triples every fact has (type, identifier, provenance) followed by its kind's own."""
    kind = kind_of(rec)
    subject = ctx.fact(rec.id)
    yield Emit(subject, W3C.RDF_TYPE, ctx.lac[kind.class_of(rec)], "kind")
    yield Emit(subject, W3C.DCT_IDENTIFIER, string(rec.id), "id")
    for para in rec.para:
        yield Emit(subject, W3C.PROV_DERIVED, ctx.locator(rec.source, para), "para")
    yield from kind.convert(rec, ctx)


def build_dataset(project: Project, ns: Namespaces | None = None,
                  ontology: Iterable[ox.Quad] = (), progress: Reporter = SILENT) -> Dataset:
    """Convert every record; raise RecordErrors if a cross-field rule fails (nothing is built)."""
    ns = ns or Namespaces()
    errors = check_rules(project)
    if errors:
        raise RecordErrors(errors)
    ctx = Context(ns, project.actors, project.facts, project.sources)
    quads: set[ox.Quad] = set(ontology)
    origins: dict[ox.Triple, TripleOrigin] = {}
    subjects: dict[ox.NamedNode, TripleOrigin] = {}

    def take(emits: Iterable[Emit], graph: ox.NamedNode, rec_id: str, positions_of) -> None:  # type: ignore[no-untyped-def]
        by_field: dict[str, TripleOrigin] = {}  # one origin object per field of the record, shared
        for e in emits:
            where = by_field.get(e.field)
            if where is None:
                where = by_field[e.field] = TripleOrigin(rec_id, e.field, positions_of(e.field))
            triple = ox.Triple(e.subject, e.predicate, e.object)
            quads.add(ox.Quad(e.subject, e.predicate, e.object, graph))
            origins.setdefault(triple, where)
            if e.subject not in subjects:
                subjects[e.subject] = TripleOrigin(rec_id, "id", positions_of("id"))

    actors_graph = ctx.graph("actors")
    for actor in project.actors.values():
        take(convert_actor(actor, ctx), actors_graph, actor.id, actor.field_origin)
    for source in progress.track(project.sources.values(), "converting", len(project.sources)):
        graph = ctx.graph(f"source/{source.id}")
        facts = project.facts_of(source.id)
        cited = [p for f in facts for p in f.para]
        take(convert_source(source, ctx, cited), graph, source.id, source.field_origin)
        for rec in facts:
            take(fact_emits(rec, ctx), graph, rec.id, rec.field_origin)
    ordered = tuple(sorted(quads, key=str))
    return Dataset(ns, ordered, origins, subjects)


def kinds_summary() -> list[tuple[str, str]]:
    return [(name, kind.summary) for name, kind in sorted(KINDS.items())]
