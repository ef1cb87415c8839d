"""What a change did to the graph (``lacrdf diff``): the facts and actors two builds hold, compared field by
field, read from their stores (never from YAML), and rendered as text, Markdown (a pull-request comment)
or JSON. A fact is a subject typed with a subclass of lac:Fact, identified by its IRI; its fields are its
own triples and those of the nodes it owns (IRIs under its own: ``…/amount``, ``…/evidence/…``)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tarfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from lacrdf.config import Namespaces, ProjectPaths
from lacrdf.errors import InputError
from lacrdf.graph.enrichments import is_enrichment_graph
from lacrdf.graph.store import STORE, BuiltGraph, read_manifest
from lacrdf.vocab import W3C

RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
EVIDENCE_FIELD = "evidence"
"""The field that stands for a fact's evidence nodes and their selectors: one value per span."""
STATUSES = ("added", "removed", "changed")
FORMATS = ("text", "markdown", "json")

_EVIDENCE_NODE = {W3C.RDF_TYPE.value, W3C.OA_HAS_SOURCE.value, W3C.OA_HAS_SELECTOR.value}
_SELECTOR_NODE = {W3C.RDF_TYPE.value, W3C.OA_START.value, W3C.OA_END.value}
_PARAGRAPH_IRI = re.compile(r"/paragraph/(\d+)$")


# ---------------------------------------------------------------------------------------------- the report

@dataclass(frozen=True, slots=True, order=True)
class Span:
    """An evidence span: paragraph number and character offsets (code points, end exclusive)."""

    para: int
    start: int
    end: int

    def render(self) -> str:
        return f"{self.para}:{self.start}-{self.end}"


@dataclass(frozen=True, slots=True)
class Entity:
    """A fact or an actor as one build holds it. ``fields`` maps a field (``lac:date``, ``amount.schema:value``,
    ``evidence``) to its values, each an RDF term in Turtle syntax with IRIs relative to the base."""

    iri: str
    graph: str
    """The source id of a fact's graph ({base}graph/source/<id>); ``actors`` for the actors' graph."""
    types: tuple[str, ...]
    label: str
    paragraphs: tuple[int, ...]
    evidence: tuple[Span, ...]
    fields: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Change:
    """One field of an entity whose values differ between the builds."""

    property: str
    old: tuple[str, ...]
    new: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EntityDiff:
    """An entity added, removed or changed; ``entity`` is the new one (the old one when removed)."""

    status: str
    entity: Entity
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True, slots=True)
class GraphDelta:
    """Triples of a named graph that belong to no fact or actor (source documents, paragraph locators, the
    ontology, enrichment graphs), counted: they are not itemised."""

    graph: str
    added: int
    removed: int


@dataclass(frozen=True)
class BuildDiff:
    """Everything ``lacrdf diff`` reports, sorted: by source, status (added, removed, changed) and IRI."""

    base: str
    old: str
    new: str
    facts: tuple[EntityDiff, ...]
    actors: tuple[EntityDiff, ...]
    other: tuple[GraphDelta, ...] = field(default=())

    def counts(self) -> dict[str, dict[str, int]]:
        def of(items: tuple[EntityDiff, ...]) -> dict[str, int]:
            return {s: sum(1 for d in items if d.status == s) for s in STATUSES}

        return {"facts": of(self.facts), "actors": of(self.actors),
                "other_triples": {"added": sum(g.added for g in self.other),
                                  "removed": sum(g.removed for g in self.other)}}

    @property
    def empty(self) -> bool:
        return not (self.facts or self.actors or self.other)


# ---------------------------------------------------------------------------------------------- opening

def open_build(folder: Path) -> BuiltGraph:
    """A build folder as it is (what ``lacrdf build --out`` writes, or a link to one). Unlike
    ``pipeline.open_graph`` it never checks the build against the project's inputs or rebuilds it: a diff
    compares builds as they were made."""
    resolved = folder.resolve()
    manifest = read_manifest(resolved)
    if not folder.exists():
        raise InputError(f"{folder}: no such build folder (make one with 'lacrdf build --out {folder}'; "
                         "for git revisions use --rev)")
    if manifest is None or not (resolved / STORE).is_dir():
        raise InputError(f"{folder}: not a lacrdf build (no manifest.json and store/); make one with "
                         f"'lacrdf build --out {folder}'")
    return BuiltGraph(resolved, manifest)


def compare_builds(old: BuiltGraph, new: BuiltGraph, old_label: str, new_label: str) -> BuildDiff:
    """Compare two opened builds (of one base IRI)."""
    if old.ns.base != new.ns.base:
        raise InputError(f"{old_label} was built with base {old.ns.base} and {new_label} with {new.ns.base}; "
                         "compare builds of one base")
    return compare_stores(old.store, new.store, old.ns, old_label, new_label)


def compare_stores(old: ox.Store, new: ox.Store, ns: Namespaces, old_label: str = "old",
                   new_label: str = "new") -> BuildDiff:
    """The facts and actors added, removed and changed from ``old`` to ``new``, and the count of the other
    triples per graph. A class is a fact (actor) class when either build's ontology makes it a subclass of
    lac:Fact (lac:Actor)."""
    old_quads, new_quads = _Quads.of(old, ns), _Quads.of(new, ns)
    terms = ns.prefixes()["lac"]
    fact_classes = _subclasses(terms + "Fact", old_quads.subclass_edges | new_quads.subclass_edges)
    actor_classes = _subclasses(terms + "Actor", old_quads.subclass_edges | new_quads.subclass_edges)
    before = _Snapshot.of(old_quads, ns, fact_classes, actor_classes)
    after = _Snapshot.of(new_quads, ns, fact_classes, actor_classes)
    other = []
    for graph in sorted(before.other.keys() | after.other.keys()):
        a, b = before.other.get(graph, frozenset()), after.other.get(graph, frozenset())
        if a != b:
            other.append(GraphDelta(graph, len(b - a), len(a - b)))
    return BuildDiff(ns.base, old_label, new_label, _diff(before.facts, after.facts),
                     _diff(before.actors, after.actors), tuple(other))


# ---------------------------------------------------------------------------------------------- reading

@dataclass(frozen=True)
class _Quads:
    """A store's curated triples by graph key, and the rdfs:subClassOf edges of its ontology graph."""

    by_graph: Mapping[str, list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]]]
    subclass_edges: frozenset[tuple[str, str]]
    other_graphs: Mapping[str, frozenset[str]]
    """The graphs that hold no facts or actors (ontology, enrichment): their triples in N-Triples."""

    @classmethod
    def of(cls, store: ox.Store, ns: Namespaces) -> _Quads:
        onto = ns.graphs + "ontology"
        by_graph: dict[str, list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]]] = {}
        other: dict[str, set[str]] = {}
        edges: set[tuple[str, str]] = set()
        for quad in store.quads_for_pattern(None, None, None, None):
            graph = quad.graph_name
            name = graph.value if isinstance(graph, ox.NamedNode) else ""
            key = graph_key(name, ns)
            if name == onto or is_enrichment_graph(name, ns) or not name:
                other.setdefault(key or "default graph", set()).add(str(quad.triple))
                if name == onto and quad.predicate.value == RDFS_SUBCLASS:
                    edges.add((quad.subject.value, quad.object.value))  # type: ignore[union-attr]
                continue
            by_graph.setdefault(key, []).append((quad.subject, quad.predicate, quad.object))  # type: ignore[arg-type]
        return cls(by_graph, frozenset(edges), {k: frozenset(v) for k, v in other.items()})


def graph_key(graph: str, ns: Namespaces) -> str:
    """How a report names a graph: a source's id, ``actors``, ``ontology``, ``enrich/<name>``."""
    if graph.startswith(ns.graphs):
        graph = graph[len(ns.graphs):]
        return graph.removeprefix("source/")
    return graph


def _subclasses(root: str, edges: Iterable[tuple[str, str]]) -> frozenset[str]:
    below: dict[str, set[str]] = {}
    for sub, sup in edges:
        below.setdefault(sup, set()).add(sub)
    found, todo = {root}, [root]
    while todo:
        for sub in below.get(todo.pop(), ()):
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return frozenset(found)


@dataclass(frozen=True)
class _Snapshot:
    facts: Mapping[str, Entity]
    actors: Mapping[str, Entity]
    other: Mapping[str, frozenset[str]]

    @classmethod
    def of(cls, quads: _Quads, ns: Namespaces, fact_classes: frozenset[str],
           actor_classes: frozenset[str]) -> _Snapshot:
        rdf_type = W3C.RDF_TYPE.value
        kinds: dict[str, tuple[str, str]] = {}  # entity IRI -> ("fact" | "actor", graph key)
        for key in sorted(quads.by_graph):
            for s, p, o in quads.by_graph[key]:
                if p.value != rdf_type or s.value in kinds:
                    continue
                if o.value in fact_classes:
                    kinds[s.value] = ("fact", key)
                elif o.value in actor_classes:
                    kinds[s.value] = ("actor", key)
        # every triple of a curated graph belongs to the entity whose IRI is its subject's or a prefix of it
        owned: dict[str, dict[str, list[tuple[str, ox.NamedNode, ox.NamedNode | ox.Literal]]]] = {}
        other: dict[str, set[str]] = {k: set(v) for k, v in quads.other_graphs.items()}
        paragraph_of: dict[str, int] = {}
        number = ns.prefixes()["lac"] + "paragraphNumber"
        for key, triples in quads.by_graph.items():
            for s, p, o in triples:
                if p.value == number and isinstance(o, ox.Literal) and o.value.isdigit():
                    paragraph_of[s.value] = int(o.value)
                owner = _owner(s.value, kinds)
                if owner is None:
                    other.setdefault(key, set()).add(str(ox.Triple(s, p, o)))
                else:
                    owned.setdefault(owner, {}).setdefault(s.value, []).append((key, p, o))
        render = TermRenderer(ns)
        facts: dict[str, Entity] = {}
        actors: dict[str, Entity] = {}
        for iri, (kind, key) in kinds.items():
            classes = fact_classes if kind == "fact" else actor_classes
            entity = _entity(iri, key, owned.get(iri, {}), classes, paragraph_of, render)
            (facts if kind == "fact" else actors)[iri] = entity
        return cls(facts, actors, {k: frozenset(v) for k, v in other.items()})


def _owner(subject: str, entities: Mapping[str, object]) -> str | None:
    candidate = subject
    while True:
        if candidate in entities:
            return candidate
        if "/" not in candidate:
            return None
        candidate = candidate.rsplit("/", 1)[0]


def _paragraph(iri: str, paragraph_of: Mapping[str, int]) -> int | None:
    if iri in paragraph_of:
        return paragraph_of[iri]
    match = _PARAGRAPH_IRI.search(iri)
    return int(match.group(1)) if match else None


def _entity(iri: str, graph: str, nodes: Mapping[str, list[tuple[str, ox.NamedNode, ox.NamedNode | ox.Literal]]],
            classes: frozenset[str], paragraph_of: Mapping[str, int], render: TermRenderer) -> Entity:
    """An entity's fields: its own triples by predicate, its evidence as spans, and the triples of the other
    nodes it owns as ``<path below its IRI>.<predicate>`` (``amount.schema:value``)."""
    values: dict[str, set[str]] = {}
    own = nodes.get(iri, [])
    spans: list[Span] = []
    consumed: set[tuple[str, str]] = set()  # (node, predicate) summarised by a span
    evidence_predicate = render.ns.prefixes()["lac"] + "evidence"
    for _, p, o in own:
        if p.value != evidence_predicate or o.value not in nodes:
            continue
        span = _span(o.value, nodes, paragraph_of)
        if span is None:
            continue
        spans.append(span[0])
        consumed.add((iri, p.value + " " + o.value))
        consumed.update(span[1])
    for node in sorted(nodes):
        prefix = "" if node == iri else node[len(iri) + 1:] + "."
        for _, p, o in nodes[node]:
            if (node, p.value) in consumed or (node, p.value + " " + o.value) in consumed:
                continue
            values.setdefault(prefix + render.iri(p.value), set()).add(render.term(o))
    fields = {name: tuple(sorted(v)) for name, v in values.items()}
    evidence = tuple(sorted(set(spans)))
    if evidence:
        fields[EVIDENCE_FIELD] = tuple(s.render() for s in evidence)
    derived = render.ns.prefixes()["prov"] + "wasDerivedFrom"
    paragraphs = sorted({n for _, p, o in own if p.value == derived
                         for n in [_paragraph(o.value, paragraph_of)] if n is not None})
    types = sorted(render.iri(o.value) for _, p, o in own if p.value == W3C.RDF_TYPE.value and o.value in classes)
    labels = sorted((o.language != "en", o.value) for _, p, o in own
                    if p.value == W3C.RDFS_LABEL.value and isinstance(o, ox.Literal))
    return Entity(iri, graph, tuple(types), labels[0][1] if labels else "", tuple(paragraphs), evidence,
                  dict(sorted(fields.items())))


def _span(node: str, nodes: Mapping[str, list[tuple[str, ox.NamedNode, ox.NamedNode | ox.Literal]]],
          paragraph_of: Mapping[str, int]) -> tuple[Span, set[tuple[str, str]]] | None:
    """An evidence node and its selector as a span, with the (node, predicate) pairs the span stands for;
    None when they do not make one (their triples are then shown as they are)."""
    triples = {p.value: o for _, p, o in nodes.get(node, []) if p.value in _EVIDENCE_NODE}
    source, selector = triples.get(W3C.OA_HAS_SOURCE.value), triples.get(W3C.OA_HAS_SELECTOR.value)
    if source is None or selector is None:
        return None
    para = _paragraph(source.value, paragraph_of)
    offsets = {p.value: o.value for _, p, o in nodes.get(selector.value, []) if p.value in _SELECTOR_NODE}
    start, end = offsets.get(W3C.OA_START.value, ""), offsets.get(W3C.OA_END.value, "")
    if para is None or not start.isdigit() or not end.isdigit():
        return None
    return Span(para, int(start), int(end)), {*((node, p) for p in _EVIDENCE_NODE),
                                              *((selector.value, p) for p in _SELECTOR_NODE)}


def _diff(old: Mapping[str, Entity], new: Mapping[str, Entity]) -> tuple[EntityDiff, ...]:
    out: list[EntityDiff] = []
    for iri in old.keys() | new.keys():
        before, after = old.get(iri), new.get(iri)
        if before is None and after is not None:
            out.append(EntityDiff("added", after))
        elif after is None and before is not None:
            out.append(EntityDiff("removed", before))
        elif before is not None and after is not None:
            changes = _changes(before, after)
            if changes:
                out.append(EntityDiff("changed", after, changes))
    return tuple(sorted(out, key=lambda d: (d.entity.graph, STATUSES.index(d.status), d.entity.iri)))


def _changes(old: Entity, new: Entity) -> tuple[Change, ...]:
    changes = [Change("source", (old.graph,), (new.graph,))] if old.graph != new.graph else []
    for name in sorted(old.fields.keys() | new.fields.keys()):
        before, after = old.fields.get(name, ()), new.fields.get(name, ())
        if before != after:
            changes.append(Change(name, before, after))
    return tuple(changes)


# ---------------------------------------------------------------------------------------------- terms

class TermRenderer:
    """RDF terms in Turtle syntax: IRIs as the project's prefixed names (``lac:date``) or relative to the
    base (``<id/state/BE>``), literals with their language tag or datatype (``"2020"^^xsd:gYear``)."""

    def __init__(self, ns: Namespaces) -> None:
        self.ns = ns
        self.prefixes = sorted(ns.prefixes().items(), key=lambda kv: -len(kv[1]))

    def iri(self, iri: str) -> str:
        for prefix, namespace in self.prefixes:
            local = iri[len(namespace):]
            if iri.startswith(namespace) and local and re.fullmatch(r"[A-Za-z_][\w.-]*", local):
                return f"{prefix}:{local}"
        return self.relative(iri)

    def relative(self, iri: str) -> str:
        return f"<{iri[len(self.ns.base):]}>" if iri.startswith(self.ns.base) else f"<{iri}>"

    def term(self, term: ox.NamedNode | ox.Literal | object) -> str:
        if isinstance(term, ox.Literal):
            text = json.dumps(term.value, ensure_ascii=False)
            if term.language:
                return f"{text}@{term.language}"
            if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
                return text
            return f"{text}^^{self.iri(term.datatype.value)}"
        if isinstance(term, ox.NamedNode):
            return self.iri(term.value)
        return str(term)


# ---------------------------------------------------------------------------------------------- rendering

def render_diff(diff: BuildDiff, fmt: str) -> str:
    """The report in one of FORMATS: text, markdown or json."""
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise InputError(f"unknown diff format {fmt!r}; use one of {', '.join(FORMATS)}") from None
    return renderer(diff)


def _citation(entity: Entity) -> str:
    paras = ", ".join(map(str, entity.paragraphs))
    parts = [entity.graph]
    if entity.paragraphs:
        parts.append(f"paragraph{'s' if len(entity.paragraphs) > 1 else ''} {paras}")
    if entity.evidence:
        parts.append("evidence " + ", ".join(s.render() for s in entity.evidence))
    return ", ".join(parts)


def _summary_line(diff: BuildDiff) -> str:
    c = diff.counts()
    facts, actors, other = c["facts"], c["actors"], c["other_triples"]
    return (f"facts: {facts['added']} added, {facts['removed']} removed, {facts['changed']} changed; "
            f"actors: {actors['added']} added, {actors['removed']} removed, {actors['changed']} changed; "
            f"other triples: {other['added']} added, {other['removed']} removed")


def _groups(items: tuple[EntityDiff, ...]) -> list[tuple[str, list[EntityDiff]]]:
    groups: dict[str, list[EntityDiff]] = {}
    for item in items:
        groups.setdefault(item.entity.graph, []).append(item)
    return list(groups.items())


def _values(values: tuple[str, ...]) -> str:
    return ", ".join(values) if values else "(none)"


def render_text(diff: BuildDiff) -> str:
    render = TermRenderer(Namespaces(diff.base))
    mark = {"added": "+", "removed": "-", "changed": "~"}
    lines = [f"lacrdf diff: {diff.old} -> {diff.new} (IRIs relative to {diff.base})", _summary_line(diff)]
    sections = [(graph, items) for graph, items in _groups(diff.facts)]
    sections += [(f"{graph} (actors)" if graph != "actors" else graph, items) for graph, items in _groups(diff.actors)]
    for heading, items in sections:
        lines += ["", heading]
        for item in items:
            e = item.entity
            label = f" {json.dumps(e.label, ensure_ascii=False)}" if e.label else ""
            lines.append(f"  {mark[item.status]} {render.relative(e.iri)} {' '.join(e.types)}{label}")
            if e.paragraphs or e.evidence:
                lines.append(f"      cited: {_citation(e)}")
            for change in item.changes:
                lines.append(f"      {change.property}: {_values(change.old)} -> {_values(change.new)}")
    if diff.other:
        lines += ["", "other triples (not part of a fact or an actor)"]
        lines += [f"  {g.graph}: {g.added} added, {g.removed} removed" for g in diff.other]
    if diff.empty:
        lines += ["", "no fact, actor or other triple differs"]
    return "\n".join(lines) + "\n"


def _cell(text: str, code: bool = False) -> str:
    text = text.replace("\n", " ").replace("|", "\\|")
    if code and text:
        fence = "``" if "`" in text else "`"
        pad = " " if fence == "``" else ""
        return f"{fence}{pad}{text}{pad}{fence}"
    return text


MARKDOWN_MARKER = "<!-- lacrdf-diff -->"
"""The first line of the Markdown report, so a CI job can find (and replace) its own comment."""


def render_markdown(diff: BuildDiff) -> str:
    render = TermRenderer(Namespaces(diff.base))
    c = diff.counts()
    facts, actors, other = c["facts"], c["actors"], c["other_triples"]
    lines = [MARKDOWN_MARKER, "## lacrdf diff", "",
             f"Compared {_cell(diff.old, True)} with {_cell(diff.new, True)}; IRIs are relative to "
             f"{_cell(diff.base, True)}.", "",
             f"**Facts:** {facts['added']} added, {facts['removed']} removed, {facts['changed']} changed · "
             f"**Actors:** {actors['added']} added, {actors['removed']} removed, {actors['changed']} changed · "
             f"**Other triples:** {other['added']} added, {other['removed']} removed"]
    if diff.empty:
        lines += ["", "No fact, actor or other triple differs."]
    sections = [(graph, items, "fact") for graph, items in _groups(diff.facts)]
    sections += [(graph if graph == "actors" else f"{graph} (actors)", items, "actor")
                 for graph, items in _groups(diff.actors)]
    for heading, items, noun in sections:
        lines += ["", f"### {_cell(heading)}", "",
                  f"| change | {noun} | type | label | paragraphs | evidence |", "|---|---|---|---|---|---|"]
        for item in items:
            e = item.entity
            lines.append(f"| {item.status} | {_cell(render.relative(e.iri), True)} | {_cell(' '.join(e.types), True)} "
                         f"| {_cell(e.label)} | {', '.join(map(str, e.paragraphs))} "
                         f"| {', '.join(s.render() for s in e.evidence)} |")
        changed = [item for item in items if item.changes]
        if changed:
            lines += ["", f"| {noun} | field | old | new |", "|---|---|---|---|"]
            for item in changed:
                for change in item.changes:
                    lines.append(f"| {_cell(render.relative(item.entity.iri), True)} | {_cell(change.property, True)} "
                                 f"| {_md_values(change.old)} | {_md_values(change.new)} |")
    if diff.other:
        lines += ["", "### Other triples", "", "Triples that belong to no fact or actor (source documents, "
                  "paragraph locators, the ontology, enrichment graphs).", "",
                  "| graph | added | removed |", "|---|---|---|"]
        lines += [f"| {_cell(g.graph, True)} | {g.added} | {g.removed} |" for g in diff.other]
    return "\n".join(lines) + "\n"


def _md_values(values: tuple[str, ...]) -> str:
    return "<br>".join(_cell(v, True) for v in values) if values else "*(none)*"


def _entity_json(item: EntityDiff, key: str) -> dict[str, object]:
    e = item.entity
    out: dict[str, object] = {key: e.iri, "types": list(e.types), "label": e.label, "source": e.graph,
                              "paragraphs": list(e.paragraphs),
                              "evidence": [{"para": s.para, "start": s.start, "end": s.end} for s in e.evidence]}
    if item.status == "changed":
        out["changes"] = [{"property": c.property, "old": list(c.old), "new": list(c.new)} for c in item.changes]
    else:
        out["fields"] = {name: list(values) for name, values in e.fields.items()}
    return out


def diff_json(diff: BuildDiff) -> dict[str, object]:
    """The report as JSON data: ``added``, ``removed``, ``changed`` (facts), ``actors`` (the same three
    lists), ``other`` (triple counts per graph), ``summary``, ``base``, ``old``, ``new``."""

    def by_status(items: tuple[EntityDiff, ...], key: str) -> dict[str, list[dict[str, object]]]:
        return {s: [_entity_json(d, key) for d in items if d.status == s] for s in STATUSES}

    facts = by_status(diff.facts, "fact")
    return {**facts, "actors": by_status(diff.actors, "actor"),
            "other": [{"graph": g.graph, "added": g.added, "removed": g.removed} for g in diff.other],
            "summary": diff.counts(), "base": diff.base, "old": diff.old, "new": diff.new}


def render_json(diff: BuildDiff) -> str:
    return json.dumps(diff_json(diff), indent=1, ensure_ascii=False) + "\n"


RENDERERS: dict[str, Callable[[BuildDiff], str]] = {"text": render_text, "markdown": render_markdown,
                                                    "json": render_json}


# ---------------------------------------------------------------------------------------------- revisions

@dataclass(frozen=True)
class Revision:
    """A git revision of the project written out to build: its tree, and how the report names it."""

    paths: ProjectPaths
    label: str


REVISION_FOLDERS = ("data", "ontology", "enrich")
"""What a revision contributes to its build: the records, the ontology and the enrichment graphs. The
shapes (which check what the code emits) and the source texts come from the current checkout."""


def export_revision(paths: ProjectPaths, rev: str, folder: Path) -> Revision:
    """Write the project's data/, ontology/ and enrich/ at git revision ``rev`` (``git archive``) into
    ``folder/project``, with the current shapes/ and a link to the current source texts beside it, so
    ``pipeline.build`` can build it with the current code. InputError for an unknown revision."""
    top = _git(paths.root, "rev-parse", "--show-toplevel").strip()
    prefix = _git(paths.root, "rev-parse", "--show-prefix").strip()
    try:
        commit = _git(Path(top), "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").strip()
    except InputError:
        raise InputError(f"unknown revision '{rev}' (git rev-parse found no commit of that name)") from None
    tree = folder / "project"
    tree.mkdir(parents=True)
    for name in REVISION_FOLDERS:
        spec = f"{commit}:{prefix}{name}"
        if subprocess.run(["git", "cat-file", "-e", spec], cwd=top, capture_output=True).returncode != 0:
            if name in ("data", "ontology"):
                raise InputError(f"revision '{rev}' has no {prefix}{name}/ folder; it is not a lacrdf project there")
            continue
        archive = subprocess.run(["git", "archive", "--format=tar", spec], cwd=top, capture_output=True)
        if archive.returncode != 0:
            raise InputError(f"git archive {rev}:{prefix}{name} failed: {_first_line(archive.stderr)}")
        _extract(archive.stdout, tree / name)
    if paths.shapes_dir.is_dir():
        shutil.copytree(paths.shapes_dir, tree / "shapes")
    if paths.seeds.is_dir():  # ProjectPaths.seeds is ../shared/seeds beside the tree (unless LACRDF_SEEDS)
        (folder / "shared").mkdir()
        (folder / "shared" / "seeds").symlink_to(paths.seeds.resolve(), target_is_directory=True)
    return Revision(ProjectPaths(tree), f"{rev} ({commit[:12]})")


def _extract(archive: bytes, dest: Path) -> None:
    import io

    dest.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(dest, filter="data")
        else:  # pragma: no cover - Python without extraction filters; git archive writes plain members
            tar.extractall(dest)  # noqa: S202


def _git(cwd: Path, *args: str) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    except OSError as exc:
        raise InputError(f"cannot run git ({exc}); --rev needs git") from None
    if proc.returncode != 0:
        raise InputError(f"{cwd}: git {args[0]} failed: {_first_line(proc.stderr) or 'not a git repository?'}")
    return proc.stdout


def _first_line(text: str | bytes) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return next((line.strip() for line in text.splitlines() if line.strip()), "")
