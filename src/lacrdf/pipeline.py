"""The library API behind the CLI: load records, build the graph into its persistent store, validate,
write the dumps, and open the built graph (rebuilding it first when its inputs changed).
Everything the CLI does is one call here (``from lacrdf import build``)."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lacrdf.config import ProjectPaths, find_project
from lacrdf.graph.metadata_defaults import DEFAULT_SPARQL_ENDPOINT
from lacrdf.graph.store import BuiltGraph, StaleBuild, Target, current_build, staleness
from lacrdf.progress import SILENT, Reporter

if TYPE_CHECKING:
    import pyoxigraph as ox
    import rdflib

    from lacrdf.checks.results import RawResult, ValidationReport
    from lacrdf.graph.build import Cache, Conversion
    from lacrdf.graph.dataset import Dataset, TripleOrigin
    from lacrdf.graph.enrichments import Enrichment
    from lacrdf.records.model import Project

BUILD_FORMATS = ("ttl", "nt", "jsonld", "xml", "trig", "nq")


@contextmanager
def _no_gc() -> Iterator[None]:
    """Loading makes millions of small objects and no reference cycles worth collecting; Python's cyclic
    collector would rescan the growing heap again and again (measured: 20-30% of the load time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# ---------------------------------------------------------------------------------------------- in memory

def load_records(paths: ProjectPaths, data: Sequence[Path] | None = None, progress: Reporter = SILENT) -> Project:
    """Load and check the records (default: the project's data/); texts are checked when present."""
    from lacrdf.errors import RecordErrors
    from lacrdf.graph.dataset import check_rules
    from lacrdf.records.loader import collect_project, reference_ids
    from lacrdf.records.texts import check_against_texts, check_evidence, check_names, involvement

    project, errors = collect_project(list(data) if data else [paths.data], root=paths.root, progress=progress)
    errors += check_rules(project.facts.values())
    if paths.seeds.is_dir():
        errors += check_against_texts(project, paths.seeds) + check_evidence(project, paths.seeds, required=True)
        refs: dict[str, set[str]] = {}
        for fact in project.facts.values():
            refs.setdefault(fact.source, set()).update(reference_ids(fact))
        declared: dict[str, list[str]] = {}
        for actor in project.actors.values():
            declared.setdefault(actor.origin.file, []).append(actor.id)
        per_file = [([src.file], refs.get(src.id, ()), declared.get(src.origin.file, ()))
                    for src in project.sources.values()]
        errors += check_names(project.actors.values(), involvement(per_file), paths.seeds)
    if errors:
        raise RecordErrors(errors)
    return project


def make_dataset(paths: ProjectPaths, data: Sequence[Path] | None = None, base: str | None = None,
                 infer: bool = False, progress: Reporter = SILENT) -> Dataset:
    """Load the records and build the dataset in memory, with the record field of every triple (what
    ``validate`` reports against); with ``infer``, add the OWL 2 RL entailments in their own named graph
    ({base}graph/inferred)."""
    from lacrdf.config import Namespaces
    from lacrdf.graph.dataset import build_dataset, load_ontology

    ns = Namespaces(base) if base else Namespaces()
    with _no_gc():
        project = load_records(paths, data, progress)
        ds = build_dataset(project, ns, load_ontology(paths.ontology_dir, ns), progress)
    if infer:
        from lacrdf.checks.infer import with_inferences

        progress.step("inferring (OWL 2 RL)")
        ds = with_inferences(ds)
    return ds


def validate(dataset: Dataset, paths: ProjectPaths, progress: Reporter = SILENT,
             engine: str = "oxigraph") -> ValidationReport:
    from lacrdf.checks.shacl import validate_dataset
    from lacrdf.checks.shapes import load_shapes, shapes_files

    files = shapes_files(paths.shapes_dir)
    progress.step(f"validating {len(dataset.quads)} quads ({engine})")
    return validate_dataset(dataset, load_shapes(files, dataset.ns), [str(f.relative_to(paths.root)) for f in files],
                            engine=engine)


# ---------------------------------------------------------------------------------------------- the build

@dataclass(frozen=True)
class BuildResult:
    report: ValidationReport
    written: tuple[Path, ...]
    graph: BuiltGraph | None
    how: str = ""
    """How the store was made: a bulk load, or the number of record files updated in place."""

    @property
    def conforms(self) -> bool:
        return self.graph is not None


def _locator(conversion: Conversion, store: ox.Store) -> Callable[[RawResult], TripleOrigin | None]:
    """Trace a result to its record: the graph holding the focus node names the file, which is parsed and
    converted again with origins (only the files that have results)."""

    from lacrdf.checks.shacl import _by_subject_predicate, _locate
    from lacrdf.graph.build import origins_of
    from lacrdf.graph.dataset import Dataset

    file_of = _file_of_focus(conversion, store)
    per_file: dict[str, tuple[Dataset, dict[str, str], dict[tuple[str, str], TripleOrigin]]] = {}

    def locate(raw: RawResult) -> TripleOrigin | None:
        name = file_of(raw.focus)
        if name is None:
            return None
        if name not in per_file:  # once per file that has results
            origins, subjects = origins_of(conversion, name)
            ds = Dataset(conversion.ns, (), origins, subjects)
            fields_of: dict[str, str] = {}
            for triple, origin in ds.origins.items():
                fields_of.setdefault(triple.predicate.value, origin.field)
            per_file[name] = (ds, fields_of, _by_subject_predicate(ds))
        ds, fields_of, index = per_file[name]
        return _locate(ds, raw, fields_of, index)

    return locate


def build(paths: ProjectPaths | None = None, data: Sequence[Path] | None = None, base: str | None = None,
          out: Path | None = None, formats: Sequence[str] = BUILD_FORMATS, threshold: str = "violation",
          progress: Reporter = SILENT, engine: str = "oxigraph",
          sparql_endpoint: str = DEFAULT_SPARQL_ENDPOINT) -> BuildResult:
    """Convert the records (only the files whose inputs changed), load the store, validate it and, if the
    data conforms at ``threshold``, write the dumps and switch the output folder to the new build.
    Raises RecordErrors (nothing written) when records are wrong."""
    from lacrdf.graph.store import build_lock

    paths = paths or find_project()
    target = Target.of(paths, data, base, out)
    with build_lock(target), _no_gc():
        return _build(target, formats, threshold, progress, engine, sparql_endpoint)


def _build(target: Target, formats: Sequence[str], threshold: str, progress: Reporter, engine: str,
           sparql_endpoint: str) -> BuildResult:
    import hashlib

    import pyoxigraph as ox

    from lacrdf.checks.shacl import located_report
    from lacrdf.checks.shapes import load_shapes, shapes_files
    from lacrdf.errors import RecordErrors
    from lacrdf.graph.build import Cache, convert_files, ontology_nquads, write_store
    from lacrdf.graph.dumps import chunk_bodies, get_format, ontology_turtle, write_from_chunks
    from lacrdf.graph.enrichments import load_enrichment
    from lacrdf.graph.fingerprint import file_sha256
    from lacrdf.graph.metadata import VoidPart, metadata_turtle, store_metadata, void_parts
    from lacrdf.graph.store import STORE, input_paths, new_build_folder, read_manifest, switch_to, write_manifest

    paths, ns = target.paths, target.ns
    previous = current_build(target)
    manifest = previous.manifest if previous else {}
    cache = Cache(target.state / "cache")
    seeds = paths.seeds if paths.seeds.is_dir() else None
    conversion = convert_files(target.data, paths.root, ns, cache, manifest.get("files"), seeds, progress)
    if conversion.errors:
        raise RecordErrors(conversion.errors)
    ontology = ontology_nquads(paths.ontology_dir, ns)
    # the enrichment graphs (enrich/*.trig): their own named graphs, as they are; none, no change at all
    enrichment = load_enrichment(input_paths(target)["enrich"], ns)
    folder = new_build_folder(target)
    try:
        store, how = write_store(folder / STORE, conversion, cache, ontology,
                                 previous.store_path if previous else None,
                                 manifest.get("cache_keys", {}), manifest.get("ontology_key"), progress,
                                 enrichment, manifest.get("enrichment_key"))
        shape_files = shapes_files(paths.shapes_dir)
        vkey = hashlib.sha256(b"\0".join([engine.encode(), ontology, *(f.read_bytes() for f in shape_files),
                                          *([enrichment.nquads] if enrichment else [])])).hexdigest()[:32]
        raws, validated = _validate(store, load_shapes(shape_files, ns), conversion, cache, vkey,
                                    manifest.get("validation_key"), engine, progress, enrichment.quads)
        locate = _locator(conversion, store)
        report = located_report(raws, locate, [str(f.relative_to(paths.root)) for f in shape_files])
        how = f"{how}; validated {validated}"
        if not report.conforms(threshold):
            del store
            shutil.rmtree(folder, ignore_errors=True)
            return BuildResult(report, (), None, how)
        progress.step("writing the dumps")
        onto_key = "ontology-" + hashlib.sha256(ontology).hexdigest()[:32]
        onto_quads = sorted(ox.parse(ontology, format=ox.RdfFormat.N_QUADS), key=str)
        cache.put_parts(onto_key, chunk_bodies(onto_quads, ns, formats, with_graphs_only=True))
        keys = [s.key for s in conversion.summaries.values()]
        enrich_key = f"enrich-{enrichment.key[:32]}" if enrichment.key else None
        if enrich_key:  # only the dumps that keep graphs hold them: a triple dump would mix them in
            cache.put_parts(enrich_key, chunk_bodies(enrichment.quads, ns, formats, with_graphs_only=True))

        def chunks(fmt: str) -> list[Path]:
            if not get_format(fmt).quads:
                return [cache.part(k, fmt) for k in keys]
            tail = [cache.part(enrich_key, fmt)] if enrich_key else []
            return [cache.part(onto_key, fmt), *(cache.part(k, fmt) for k in keys), *tail]

        dumps = write_from_chunks(folder, ns, formats, chunks)
        (folder / "ontology.ttl").write_bytes(ontology_turtle(onto_quads, ns))
        dump_info = {name: (path.stat().st_size, file_sha256(path)) for name, path in dumps.items()}
        dump_info["ontology.ttl"] = ((folder / "ontology.ttl").stat().st_size, file_sha256(folder / "ontology.ttl"))
        inputs = _inputs(target, conversion)
        flat = [(name, digest) for kind in ("records", "ontology", "shapes", "enrich")
                for name, digest in inputs.get(kind, {}).items()]
        parts: dict[str, list[VoidPart]] = {}
        for summary in conversion.summaries.values():
            for graph, part in summary.void.items():
                parts.setdefault(graph, []).append(part)
        for graph, part in void_parts(onto_quads, ns.resources).items():
            parts.setdefault(graph, []).append(part)
        for graph, part in void_parts(enrichment.quads, ns.resources).items():
            parts.setdefault(graph, []).append(part)
        # the files' parts add up only while subjects never span files; an enrichment graph describes the
        # actors again, so with one the store counts the dataset itself
        meta = store_metadata(store, ns, flat, paths, dump_info, sparql_endpoint=sparql_endpoint,
                              parts=None if enrichment else parts)
        (folder / "void.ttl").write_bytes(metadata_turtle(ns, meta))
        write_manifest(folder, _manifest(target, conversion, inputs, ontology, len(onto_quads), len(parts),
                                         report, dump_info, vkey, enrichment))
        store.flush()
        del store
        final = switch_to(target, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    cache.prune([*(s.key for s in conversion.summaries.values()), onto_key, *([enrich_key] if enrich_key else [])])
    built = BuiltGraph(final, read_manifest(final) or {})
    written = tuple(sorted(target.out / name for name in (*dump_info, "void.ttl", "manifest.json", STORE)))
    return BuildResult(report, written, built, how)


def _validate(store: ox.Store, shapes: rdflib.Graph, conversion: Conversion, cache: Cache, vkey: str,
              previous_vkey: str | None, engine: str, progress: Reporter,
              enrichment: Sequence[ox.Quad] = ()) -> tuple[list[RawResult], str]:
    """The raw SHACL results of the build, and what was validated. With the same shapes, ontology and
    engine as the last build, only the focus nodes of the record files converted again are validated; the
    results of the other files come from the cache. (lacrdf's shapes reach from a focus node only nodes of
    its own record file — the amount node of a figure — so a file's results depend on its own triples and
    on the classes of what it references, and those are in its cache key.)"""
    from lacrdf.checks.shacl import store_results

    summaries = conversion.summaries
    changed = set(conversion.converted)
    kept: list[RawResult] | None = [] if previous_vkey == vkey and engine == "oxigraph" else None
    if kept is not None:
        for name, summary in summaries.items():
            if name in changed:
                continue
            found = cache.results(summary.key, vkey)
            if found is None:
                kept = None
                break
            kept.extend(found)
    if kept is None:
        progress.step(f"validating every focus node ({engine})")
        raws = store_results(store, shapes, engine)
        todo = set(summaries)
        what = "all"
    else:
        progress.step(f"validating the {len(changed)} changed files ({engine})")
        raws = _validate_changed(store, shapes, conversion, cache, [summaries[n].key for n in changed],
                                 engine, enrichment) if changed else []
        todo = changed
        what = f"{len(changed)} changed files" if changed else "nothing new"
    by_file: dict[str, list[RawResult]] = {name: [] for name in todo}
    file_of = _file_of_focus(conversion, store)
    for raw in raws:
        name = file_of(raw.focus)
        by_file.setdefault(name or "", []).append(raw)
    for name in todo:
        cache.put_results(summaries[name].key, vkey, by_file.get(name, []))
    return [*(kept or []), *raws], what


def _validate_changed(store: ox.Store, shapes: rdflib.Graph, conversion: Conversion, cache: Cache,
                      keys: Sequence[str], engine: str, enrichment: Sequence[ox.Quad] = ()) -> list[RawResult]:
    """Validate only the changed files: their quads, the ontology and the enrichment graphs (their triples
    are in the union a clean build validates) in a small in-memory store, with the rdf:type of everything
    they reference copied from the build's store into a context graph."""
    import pyoxigraph as ox

    from lacrdf.checks.shacl import store_results

    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    context = ox.NamedNode(conversion.ns.graphs + "validation-context")
    onto = ox.NamedNode(conversion.ns.graphs + "ontology")
    small = ox.Store()
    objects: set[ox.NamedNode] = set()
    for key in keys:
        quads = list(ox.parse(path=str(cache.nquads(key)), format=ox.RdfFormat.N_QUADS))
        small.extend(quads)
        objects.update(q.object for q in quads if isinstance(q.object, ox.NamedNode))
    small.extend(store.quads_for_pattern(None, None, None, onto))
    small.extend(enrichment)
    small.extend(ox.Quad(o, rdf_type, q.object, context)
                 for o in objects for q in store.quads_for_pattern(o, rdf_type, None, None))
    return store_results(small, shapes, engine, context_graph=context.value)


def _file_of_focus(conversion: Conversion, store: ox.Store) -> Callable[[str], str | None]:
    """The record file whose triples describe a focus node (the graph holding it names the file)."""
    import pyoxigraph as ox

    graph_file = conversion.file_of_graph()
    actor_file = conversion.file_of_actor()

    def file_of(focus: str) -> str | None:
        try:
            node = ox.NamedNode(focus)
        except ValueError:
            return None
        for quad in store.quads_for_pattern(node, None, None, None):
            name = graph_file.get(quad.graph_name.value) or actor_file.get(focus.rsplit("/", 1)[-1])  # type: ignore[union-attr]
            if name:
                return name
        return None

    return file_of


def _inputs(target: Target, conversion: Conversion) -> dict[str, dict[str, str]]:
    from lacrdf.graph.fingerprint import file_sha256
    from lacrdf.graph.store import input_paths

    files = input_paths(target)
    out: dict[str, dict[str, str]] = {kind: {} for kind in files}
    out["records"] = {name: s.sha256 for name, s in conversion.summaries.items()}
    for kind in ("ontology", "shapes"):
        out[kind] = {name: file_sha256(path) for name, path in files[kind].items()}
    if files["enrich"]:
        out["enrich"] = {name: file_sha256(path) for name, path in files["enrich"].items()}
    else:  # a build without enrichment records nothing about it
        del out["enrich"]
    seeds = target.paths.seeds
    texts = sorted({t for s in conversion.summaries.values() for t in s.texts})
    out["texts"] = {t: file_sha256(seeds / t) for t in texts if (seeds / t).is_file()}
    return out


def _manifest(target: Target, conversion: Conversion, inputs: dict[str, dict[str, str]], ontology: bytes,
              ontology_quads: int, graphs: int, report: ValidationReport, dumps: dict[str, tuple[int, str]],
              validation_key: str, enrichment: Enrichment) -> dict[str, object]:
    import hashlib

    from lacrdf import __version__
    from lacrdf.graph.fingerprint import tool_fingerprint

    summaries = conversion.summaries.values()
    stats = sorted((row for s in summaries for row in s.stats), key=lambda r: str(r["source"]))
    extra: dict[str, object] = {"enrichment_key": enrichment.key} if enrichment else {}
    return {
        **extra,
        "format": 1,
        "version": __version__,
        "tool": tool_fingerprint(target.ns),
        "base": target.base,
        "data": [_rel(p, target.paths.root) for p in target.data],
        "inputs": inputs,
        "files": {name: [s.sha256, s.deps] for name, s in conversion.summaries.items()},
        "cache_keys": {name: s.key for name, s in conversion.summaries.items()},
        "ontology_key": hashlib.sha256(ontology).hexdigest(),
        "counts": {"quads": sum(s.quads for s in summaries) + ontology_quads + len(enrichment.quads),
                   "graphs": graphs,
                   "files": len(conversion.summaries), "actors": sum(len(s.actors) for s in summaries),
                   "sources": sum(len(s.sources) for s in summaries),
                   "facts": sum(len(s.facts) for s in summaries)},
        "validation": report.counts(),
        "validation_key": validation_key,
        "stats": stats,
        "dumps": {name: {"bytes": size, "sha256": digest} for name, (size, digest) in sorted(dumps.items())},
    }


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------------------------- opening

def open_graph(paths: ProjectPaths | None = None, data: Sequence[Path] | None = None, base: str | None = None,
               out: Path | None = None, *, rebuild: bool = True, progress: Reporter = SILENT,
               notify: Callable[[str], None] = lambda line: None) -> BuiltGraph:
    """The one way every command opens the built graph. When the build is missing or its inputs changed,
    rebuild first (``notify`` gets one line saying why) or, with ``rebuild=False``, raise StaleBuild."""
    paths = paths or find_project()
    target = Target.of(paths, data, base, out)
    built = current_build(target)
    why = staleness(target, built)
    if why is None and built is not None:
        return built
    if not rebuild:
        raise StaleBuild(f"{target.display()} is out of date ({why}); run 'lacrdf build' or drop --no-build")
    notify(f"lacrdf: {target.display()} is out of date ({why}); rebuilding")
    result = build(paths, data, base, out, progress=progress)
    if result.graph is None:
        from lacrdf.checks.reports import render_report

        raise BuildFailed(render_report(result.report, "text", "violation").rstrip("\n"))
    return result.graph


class BuildFailed(StaleBuild):
    """The rebuild a command needed found SHACL violations (nothing was switched)."""

    exit_code = 1
