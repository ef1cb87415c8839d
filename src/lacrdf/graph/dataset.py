"""Records to an RDF dataset: one named graph per source document, one for actors, one for the ontology.
Every quad is remembered with the record field it came from, so validation results can name the YAML
line. Quads are sorted and unique, so everything downstream is deterministic."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

from lacrdf.config import ONTOLOGY_FILES, Namespaces
from lacrdf.errors import InputError, RecordError, RecordErrors
from lacrdf.graph.convert import fact_emits
from lacrdf.graph.convert.actors import convert_actor, convert_source
from lacrdf.graph.terms import Context, Emit
from lacrdf.progress import SILENT, Reporter
from lacrdf.records.kinds import KINDS, kind_of
from lacrdf.records.model import ActorRecord, FactRecord, Origin, Project, Record, SourceRecord


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


def check_rules(facts: Iterable[FactRecord]) -> list[RecordError]:
    """The cross-field rules of each kind (field types and references are checked at load)."""
    errors = []
    for rec in facts:
        kind = kind_of(rec)
        problem = kind.check(rec) if kind.check else None
        if problem:
            fname, message = problem
            line, col = rec.positions.get(fname, (rec.origin.line, rec.origin.column))
            errors.append(RecordError(rec.origin.file, line, col, message, field=fname, record=rec.id))
    return errors


class Converted:
    """The quads of some records and, when asked for, the record field each triple came from."""

    def __init__(self, ctx: Context, with_origins: bool) -> None:
        self.ctx = ctx
        self.quads: list[ox.Quad] = []
        self.with_origins = with_origins
        self.origins: dict[ox.Triple, TripleOrigin] = {}
        self.subjects: dict[ox.NamedNode, TripleOrigin] = {}

    def take(self, emits: Iterable[Emit], graph: ox.NamedNode, rec: Record) -> None:
        if not self.with_origins:
            self.quads.extend(ox.Quad(e.subject, e.predicate, e.object, graph) for e in emits)
            return
        by_field: dict[str, TripleOrigin] = {}  # one origin object per field of the record, shared
        for e in emits:
            where = by_field.get(e.field)
            if where is None:
                where = by_field[e.field] = TripleOrigin(rec.id, e.field, rec.field_origin(e.field))
            self.quads.append(ox.Quad(e.subject, e.predicate, e.object, graph))
            self.origins.setdefault(ox.Triple(e.subject, e.predicate, e.object), where)
            if e.subject not in self.subjects:
                self.subjects[e.subject] = TripleOrigin(rec.id, "id", rec.field_origin("id"))

    def records(self, actors: Iterable[ActorRecord], sources: Iterable[SourceRecord],
                facts: Iterable[FactRecord]) -> Converted:
        """Convert actors into the actors graph and each source with its facts into the source's graph."""
        ctx = self.ctx
        actors_graph = ctx.graph("actors")
        for actor in actors:
            self.take(convert_actor(actor, ctx), actors_graph, actor)
        by_source: dict[str, list[FactRecord]] = {}
        for rec in facts:
            by_source.setdefault(rec.source, []).append(rec)
        for source in sources:
            graph = ctx.graph(f"source/{source.id}")
            cited = [p for f in by_source.get(source.id, ()) for p in f.para]
            self.take(convert_source(source, ctx, cited), graph, source)
            for rec in by_source.get(source.id, ()):
                self.take(fact_emits(rec, ctx), graph, rec)
        return self


def build_dataset(project: Project, ns: Namespaces | None = None,
                  ontology: Iterable[ox.Quad] = (), progress: Reporter = SILENT) -> Dataset:
    """Convert every record in memory; raise RecordErrors if a cross-field rule fails (nothing is built)."""
    ns = ns or Namespaces()
    errors = check_rules(project.facts.values())
    if errors:
        raise RecordErrors(errors)
    ctx = Context(ns, project.actors, project.facts, project.sources)
    out = Converted(ctx, with_origins=True)
    out.records(project.actors.values(), progress.track(project.sources.values(), "converting",
                                                         len(project.sources)), project.facts.values())
    ordered = tuple(sorted({*ontology, *out.quads}, key=str))
    return Dataset(ns, ordered, out.origins, out.subjects)


def kinds_summary() -> list[tuple[str, str]]:
    return [(name, kind.summary) for name, kind in sorted(KINDS.items())]
