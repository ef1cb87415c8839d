"""Dataset metadata, regenerated on every build: VoID statistics (for the whole dataset and per named
graph), a DCAT catalogue with one distribution per dump file (media type, byte size, SHA-256), and the
build's provenance in PROV-O (input files with their SHA-256, tool version, git commit, time).

Reproducible by construction: the time is SOURCE_DATE_EPOCH if set, else the time of the git HEAD
commit, else left out; never the wall clock. Same inputs and commit, same triples."""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from lacrdf.config import ONTOLOGY_FILES, Namespaces, ProjectPaths
from lacrdf.errors import InputError
from lacrdf.graph.dataset import Dataset
from lacrdf.graph.dumps import FORMATS
from lacrdf.graph.metadata_defaults import DEFAULT_SPARQL_ENDPOINT  # noqa: E402

LICENSE = "https://creativecommons.org/publicdomain/zero/1.0/"

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SPDX = "http://spdx.org/rdf/terms#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = "https://schema.org/"
IANA = "https://www.iana.org/assignments/media-types/"
METADATA_PREFIXES = {"void": VOID, "dcat": DCAT, "spdx": SPDX}
EXAMPLE_CLASSES = ("SovereignState", "Embassy", "Agreement", "Event", "Figure", "SourceDocument")


@dataclass(frozen=True, slots=True)
class Counts:
    """VoID statistics of a set of triples."""

    triples: int
    entities: int
    classes: int
    properties: int
    distinct_subjects: int
    distinct_objects: int


@dataclass(frozen=True, slots=True)
class VoidPart:
    """What one record file adds to one graph's VoID statistics. Subjects never span files (each is a
    record's own IRI), so triple, subject and entity counts add up; properties, classes and objects are
    sets (objects as 64-bit hashes of their N-Triples form) that a build unites."""

    triples: int
    subjects: int
    entities: int
    properties: frozenset[str]
    classes: frozenset[str]
    objects: bytes  # array('Q') of hashes
    first_of_class: tuple[tuple[str, str], ...]  # (class, smallest subject IRI)


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def void_parts(quads: Iterable[ox.Quad], uri_space: str) -> dict[str, VoidPart]:
    """The VoID part of each graph the quads fall in."""
    from array import array

    by_graph: dict[str, list[ox.Quad]] = {}
    for q in quads:
        by_graph.setdefault(q.graph_name.value, []).append(q)  # type: ignore[union-attr]
    out = {}
    for graph, qs in by_graph.items():
        subjects = {q.subject.value for q in qs}
        first: dict[str, str] = {}
        for q in qs:
            if q.predicate.value == RDF + "type":
                cls, s = q.object.value, q.subject.value
                if cls not in first or s < first[cls]:
                    first[cls] = s
        out[graph] = VoidPart(
            triples=len(set(qs)), subjects=len(subjects),  # within one graph a quad is its triple
            entities=sum(1 for s in subjects if s.startswith(uri_space)),
            properties=frozenset(q.predicate.value for q in qs), classes=frozenset(first),
            objects=array("Q", sorted({_hash(o) for o in {str(q.object) for q in qs}})).tobytes(),
            first_of_class=tuple(sorted(first.items())))
    return out


def combine_parts(parts: Iterable[VoidPart]) -> tuple[Counts, dict[str, str]]:
    """One graph's (or the whole dataset's) counts from its files' parts, and the first resource of each
    class."""
    from array import array

    triples = subjects = entities = 0
    properties: set[str] = set()
    classes: set[str] = set()
    objects: set[int] = set()
    first: dict[str, str] = {}
    for part in parts:
        triples += part.triples
        subjects += part.subjects
        entities += part.entities
        properties |= part.properties
        classes |= part.classes
        hashes = array("Q")
        hashes.frombytes(part.objects)
        objects.update(hashes)
        for cls, s in part.first_of_class:
            if cls not in first or s < first[cls]:
                first[cls] = s
    return Counts(triples, entities, len(classes), len(properties), subjects, len(objects)), first


def _counts_query(uri_space: str, per_graph: bool) -> str:
    inner = ("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }" if per_graph
             else "SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    group = "?g " if per_graph else ""
    return f"""SELECT {group}(COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
  (COUNT(DISTINCT ?p) AS ?properties) (COUNT(DISTINCT ?e) AS ?entities) (COUNT(DISTINCT ?c) AS ?classes)
WHERE {{ {{ {inner} }}
  BIND(IF(isIRI(?s) && STRSTARTS(STR(?s), "{uri_space}"), ?s, ?unbound) AS ?e)
  BIND(IF(?p = <{RDF}type>, ?o, ?unbound) AS ?c) }}{" GROUP BY ?g" if per_graph else ""}"""


def store_counts(store: ox.Store, uri_space: str) -> tuple[Counts, dict[str, Counts]]:
    """VoID statistics of the whole dataset (the union of its graphs) and of each named graph, counted
    by the store (no Python object per triple)."""
    def counts(row: ox.QuerySolution) -> Counts:
        def n(v: str) -> int:
            term = row[v]
            return int(term.value) if term is not None else 0
        return Counts(n("triples"), n("entities"), n("classes"), n("properties"), n("subjects"), n("objects"))

    total = next(iter(store.query(_counts_query(uri_space, False))))  # type: ignore[arg-type]
    graphs = {row["g"].value: counts(row) for row in store.query(_counts_query(uri_space, True))}  # type: ignore[union-attr,index]
    return counts(total), graphs  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class BuildInfo:
    """What the provenance records about a build: inputs, tool version, git commit and time."""

    inputs: tuple[tuple[str, str], ...]  # (path relative to the project, SHA-256)
    version: str
    commit: str | None
    time: datetime | None
    first_commit_time: datetime | None


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def _git_info(root: Path) -> tuple[str | None, datetime | None, datetime | None]:
    """HEAD commit, its time and the first commit's time, if ``root`` is itself a git work tree (a
    repository further up, which the project merely sits in, does not count)."""
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None or Path(top).resolve() != root.resolve():
        return None, None, None
    commit = _git(root, "rev-parse", "HEAD")
    head_time = _git(root, "log", "-1", "--format=%ct", "HEAD")
    roots = _git(root, "rev-list", "--max-parents=0", "HEAD")
    first = _git(root, "log", "-1", "--format=%ct", roots.split()[0]) if roots else None
    return commit, _epoch(head_time), _epoch(first)


def _epoch(value: str | None) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=timezone.utc) if value and value.isdigit() else None


MAX_EPOCH = 253402300799
"""The last second of 9999-12-31: xsd:dateTime and Python's datetime go no further."""


def build_time(env: Mapping[str, str], git_time: datetime | None) -> datetime | None:
    raw = env.get("SOURCE_DATE_EPOCH")
    if raw is not None and raw.strip():
        text = raw.strip()
        if not (text.isascii() and text.isdigit()) or int(text) > MAX_EPOCH:
            raise InputError(f"SOURCE_DATE_EPOCH={raw!r} must be a whole number of seconds since 1970, "
                             f"at most {MAX_EPOCH} (9999-12-31)")
        return datetime.fromtimestamp(int(text), tz=timezone.utc)
    return git_time


def input_files(ds: Dataset, paths: ProjectPaths) -> list[Path]:
    """The files an in-memory dataset was built from: its record files, the ontology and the shapes."""
    records = {Path(o.origin.file) for o in ds.subject_origins.values()}
    files = {p if p.is_absolute() else paths.root / p for p in records}
    files |= {paths.ontology_dir / name for name in ONTOLOGY_FILES}
    files |= set(paths.shapes_dir.glob("*.ttl"))
    return sorted(f for f in files if f.is_file())


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def build_info(inputs: Iterable[tuple[str, str]], paths: ProjectPaths,
               env: Mapping[str, str] | None = None) -> BuildInfo:
    """``inputs``: (path relative to the project, SHA-256) of every file the build read."""
    from lacrdf import __version__

    inputs = tuple(sorted(inputs))
    commit, head_time, first_time = _git_info(paths.root)
    time = build_time(os.environ if env is None else env, head_time)
    return BuildInfo(inputs, __version__, commit, time, first_time or time)


class _Triples:
    """A small builder so the metadata below reads as a list of statements."""

    def __init__(self) -> None:
        self.items: set[ox.Triple] = set()

    def add(self, s: str, p: str, o: ox.NamedNode | ox.Literal | str) -> None:
        obj = ox.NamedNode(o) if isinstance(o, str) else o
        self.items.add(ox.Triple(ox.NamedNode(s), ox.NamedNode(p), obj))


def _lit(value: str | int, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(str(value), language=lang)
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(datatype or XSD + "integer"))
    return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)


def _when(t: datetime) -> ox.Literal:
    return _lit(t.strftime("%Y-%m-%dT%H:%M:%SZ"), XSD + "dateTime")


def _media_type(name: str) -> str:
    ext = name.rsplit(".", 1)[-1]
    for f in FORMATS.values():
        if f.extension == ext:
            return f.media_type
    return "application/octet-stream"


def _counts(b: _Triples, node: str, c: Counts, uri_space: str) -> None:
    b.add(node, RDF + "type", VOID + "Dataset")
    b.add(node, VOID + "uriSpace", _lit(uri_space))
    for prop, value in (("triples", c.triples), ("entities", c.entities), ("classes", c.classes),
                        ("properties", c.properties), ("distinctSubjects", c.distinct_subjects),
                        ("distinctObjects", c.distinct_objects)):
        b.add(node, VOID + prop, _lit(value))


def dataset_metadata(ds: Dataset, paths: ProjectPaths, dist_files: Mapping[str, bytes | tuple[int, str]], *,
                     sparql_endpoint: str = DEFAULT_SPARQL_ENDPOINT,
                     env: Mapping[str, str] | None = None) -> list[ox.Triple]:
    """The metadata of an in-memory dataset (see ``store_metadata``)."""
    inputs = [(_relative(f, paths.root), hashlib.sha256(f.read_bytes()).hexdigest()) for f in input_files(ds, paths)]
    return store_metadata(ds.store, ds.ns, inputs, paths, dist_files, sparql_endpoint=sparql_endpoint, env=env)


def store_metadata(store: ox.Store, ns: Namespaces, inputs: Iterable[tuple[str, str]], paths: ProjectPaths,
                   dist_files: Mapping[str, bytes | tuple[int, str]], *,
                   sparql_endpoint: str = DEFAULT_SPARQL_ENDPOINT,
                   env: Mapping[str, str] | None = None,
                   parts: Mapping[str, Sequence[VoidPart]] | None = None) -> list[ox.Triple]:
    """VoID + DCAT + PROV-O triples describing the dataset in ``store`` (its counts from ``parts``, graph ->
    the files' VoID parts, when a build has them; else counted by the store) and the dump files ``dist_files``
    (file name -> the exact bytes written, or their (size, SHA-256)), sorted. ``inputs`` are the files the
    build read, as (relative path, SHA-256). ``env`` defaults to os.environ (for SOURCE_DATE_EPOCH)."""
    base = ns.base
    info = build_info(inputs, paths, env)
    b = _Triples()
    catalog, dataset, tool, service = base + "catalog", base + "dataset", base + "tool/lacrdf", base + "sparql"
    fingerprint = hashlib.sha256(repr((info.inputs, info.version, info.commit,
                                       info.time.isoformat() if info.time else None)).encode()).hexdigest()
    activity = f"{base}build/{fingerprint[:16]}"
    uri_space = ns.resources

    # the catalogue and the dataset
    b.add(catalog, RDF + "type", DCAT + "Catalog")
    b.add(catalog, DCT + "title", _lit("lacrdf data catalogue", lang="en"))
    b.add(catalog, DCT + "title", _lit("catálogo de datos lacrdf", lang="es"))
    b.add(catalog, DCAT + "dataset", dataset)
    b.add(catalog, DCAT + "service", service)
    b.add(catalog, DCT + "license", LICENSE)
    b.add(catalog, "http://xmlns.com/foaf/0.1/homepage", base)
    b.add(dataset, RDF + "type", DCAT + "Dataset")
    b.add(dataset, DCT + "title", _lit("lacrdf: diplomatic relations of Latin America and the Caribbean",
                                       lang="en"))
    b.add(dataset, DCT + "title", _lit("lacrdf: relaciones diplomáticas de América Latina y el Caribe",
                                       lang="es"))
    b.add(dataset, DCT + "description", _lit(
        "Missions, relations, agreements, memberships, events, programmes and figures between the CELAC "
        "states and their partners, each fact citing the paragraph of the public document it was curated "
        "from.", lang="en"))
    b.add(dataset, DCT + "license", LICENSE)
    b.add(dataset, DCAT + "version", _lit(info.version))
    b.add(dataset, OWL + "versionInfo", _lit(info.version))
    b.add(dataset, DCAT + "landingPage", base)
    b.add(dataset, "http://xmlns.com/foaf/0.1/homepage", base)
    b.add(dataset, VOID + "vocabulary", ns.ontology)
    b.add(dataset, VOID + "sparqlEndpoint", sparql_endpoint)
    b.add(dataset, PROV + "wasGeneratedBy", activity)
    for when, node in ((info.first_commit_time, catalog), (info.first_commit_time, dataset)):
        if when:
            b.add(node, DCT + "issued", _when(when))
    if info.time:
        for node in (catalog, dataset):
            b.add(node, DCT + "modified", _when(info.time))

    # VoID: the whole dataset is the union of all named graphs (what the TriG/N-Quads dumps hold)
    if parts is not None:
        total, firsts = combine_parts(p for ps in parts.values() for p in ps)
        per_graph = {g: combine_parts(ps)[0] for g, ps in parts.items()}
    else:
        total, per_graph = store_counts(store, uri_space)
        firsts = {}
    _counts(b, dataset, total, uri_space)
    for graph in sorted(per_graph):
        b.add(dataset, VOID + "subset", graph)
        _counts(b, graph, per_graph[graph], uri_space)
        b.add(graph, DCT + "title", _lit(f"named graph {graph[len(ns.graphs):]}", lang="en"))
        if graph.startswith(ns.graphs + "source/"):
            b.add(graph, DCT + "source", uri_space + "source/" + graph[len(ns.graphs + "source/"):])
    for cls in EXAMPLE_CLASSES:  # the first resource (in IRI order) of a few telling classes
        if parts is not None:
            example = firsts.get(ns.terms + cls)
        else:
            rows = list(store.query(f"SELECT (MIN(STR(?s)) AS ?first) WHERE {{ ?s a <{ns.terms}{cls}> }}",
                                    use_default_graph_as_union=True))
            found = rows[0]["first"] if rows else None  # type: ignore[index]
            example = found.value if found is not None else None
        if example is not None:
            b.add(dataset, VOID + "exampleResource", example)

    # DCAT distributions: one per dump file, with the size and checksum of the bytes written
    for name, data in sorted(dist_files.items()):
        size, digest = (len(data), hashlib.sha256(data).hexdigest()) if isinstance(data, bytes) else data
        dist = f"{base}dataset/distribution/{quote(name)}"
        url = f"{base}dist/{quote(name)}"
        media = _media_type(name)
        b.add(dataset, DCAT + "distribution", dist)
        b.add(dataset, VOID + "dataDump", url)
        b.add(dist, RDF + "type", DCAT + "Distribution")
        b.add(dist, DCT + "title", _lit(f"{name} ({media})", lang="en"))
        b.add(dist, DCAT + "downloadURL", url)
        b.add(dist, DCAT + "accessURL", url)
        b.add(dist, DCAT + "mediaType", IANA + media)
        b.add(dist, DCAT + "byteSize", _lit(size, XSD + "nonNegativeInteger"))
        b.add(dist, DCT + "license", LICENSE)
        b.add(dist, PROV + "wasGeneratedBy", activity)
        _checksum(b, dist, digest)
        if info.time:
            b.add(dist, DCT + "modified", _when(info.time))

    # the SPARQL endpoint `lacrdf serve` starts
    b.add(service, RDF + "type", DCAT + "DataService")
    b.add(service, DCT + "title", _lit("SPARQL endpoint (lacrdf serve)", lang="en"))
    b.add(service, DCAT + "endpointURL", sparql_endpoint)
    b.add(service, DCAT + "servesDataset", dataset)
    b.add(service, DCT + "conformsTo", "https://www.w3.org/TR/sparql11-protocol/")

    # PROV-O: the build, its inputs, the tool and the code it ran
    b.add(activity, RDF + "type", PROV + "Activity")
    b.add(activity, RDFS + "label", _lit(f"lacrdf {info.version} build", lang="en"))
    b.add(activity, PROV + "wasAssociatedWith", tool)
    if info.time:
        b.add(activity, PROV + "endedAtTime", _when(info.time))
    b.add(tool, RDF + "type", PROV + "SoftwareAgent")
    b.add(tool, RDFS + "label", _lit(f"lacrdf {info.version}", lang="en"))
    b.add(tool, SCHEMA + "softwareVersion", _lit(info.version))
    b.add(tool, OWL + "versionInfo", _lit(info.version))
    if info.commit:
        code = f"{base}build/commit/{info.commit}"
        b.add(activity, PROV + "used", code)
        b.add(code, RDF + "type", PROV + "Entity")
        b.add(code, RDFS + "label", _lit(f"lacrdf repository at git commit {info.commit}", lang="en"))
        b.add(code, DCT + "identifier", _lit(info.commit))
    for rel, sha in info.inputs:
        entity = f"{activity}/input/{quote(rel)}"
        b.add(activity, PROV + "used", entity)
        b.add(entity, RDF + "type", PROV + "Entity")
        b.add(entity, RDFS + "label", _lit(rel))
        b.add(entity, SPDX + "fileName", _lit(rel))
        _checksum(b, entity, sha)
    return sorted(b.items, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _checksum(b: _Triples, node: str, sha256: str) -> None:
    checksum = f"{node}#sha256"
    b.add(node, SPDX + "checksum", checksum)
    b.add(checksum, RDF + "type", SPDX + "Checksum")
    b.add(checksum, SPDX + "algorithm", SPDX + "checksumAlgorithm_sha256")
    b.add(checksum, SPDX + "checksumValue", _lit(sha256, XSD + "hexBinary"))


def metadata_prefixes(ns: Dataset | Namespaces) -> dict[str, str]:
    ns = ns.ns if isinstance(ns, Dataset) else ns
    return {**ns.prefixes(), **METADATA_PREFIXES}


def metadata_turtle(ns: Dataset | Namespaces, triples: Iterable[ox.Triple]) -> bytes:
    """The metadata as Turtle, e.g. for dist/void.ttl."""
    data = ox.serialize(list(triples), format=ox.RdfFormat.TURTLE, prefixes=metadata_prefixes(ns))
    assert data is not None  # serialize returns the bytes when no output is given
    return data
