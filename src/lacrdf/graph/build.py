"""Records to a persistent Oxigraph store, converting only what changed.

Each record file is a unit. What the rest of a build needs from a file (its actors and sources, the ids
and kinds of its facts, the ids it references, its converted quads as chunks of every dump format) is
cached under the state folder, keyed by the file's SHA-256 and by the fingerprint of everything its
triples depend on: the actors and facts of other files it references, the source texts it cites, the base
IRI, the versions of lacrdf, pycountry and pyoxigraph and a digest of lacrdf's own code. A build parses
and converts the files whose key changed; the others are read back from the cache. The store is then
updated in place (the previous build's store is copied by a RocksDB checkpoint and only the changed
files' quads are removed and added) or, when most files changed, bulk loaded. Either way the store holds
the same quads as a clean build."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

import pyoxigraph as ox

from lacrdf.config import Namespaces
from lacrdf.errors import RecordError, RecordErrors
from lacrdf.graph.dataset import Converted, TripleOrigin, check_rules, load_ontology
from lacrdf.graph.dumps import chunk_bodies
from lacrdf.graph.enrichments import NO_ENRICHMENT, Enrichment, is_enrichment_graph
from lacrdf.graph.fingerprint import _sha, file_sha256, tool_fingerprint
from lacrdf.graph.metadata import VoidPart, void_parts
from lacrdf.graph.terms import Context
from lacrdf.progress import SILENT, Reporter
from lacrdf.records.kinds import kind_of
from lacrdf.records.loader import (
    FileRecords,
    check_references,
    data_files,
    display_path,
    errors_of,
    merge_files,
    read_file,
    read_partial,
    reference_ids,
)
from lacrdf.records.model import ActorRecord, Project, SourceRecord
from lacrdf.records.texts import check_against_texts, check_evidence, check_names, involved_actors, involvement


@dataclass(frozen=True)
class FileSummary:
    """What a build keeps of one converted record file."""

    file: str
    sha256: str
    deps: str
    actors: Mapping[str, ActorRecord]
    sources: Mapping[str, SourceRecord]
    facts: Mapping[str, tuple[str, str]]  # fact id -> (kind, IRI segment)
    refs: tuple[str, ...]  # ids of actors and facts its records reference
    texts: tuple[str, ...]  # source text files its sources cite
    quads: int
    stats: tuple[dict[str, object], ...] = field(default=())  # per source: facts, kinds, actors involved
    void: Mapping[str, VoidPart] = field(default_factory=dict)  # graph -> this file's VoID part

    @property
    def key(self) -> str:
        return _sha(f"{self.file}\n{self.sha256}\n{self.deps}")


def actor_fingerprint(rec: ActorRecord) -> str:
    return repr(tuple((f.name, getattr(rec, f.name)) for f in fields(rec) if f.compare))


def _summarise(unit: FileRecords, sha: str, deps: str, refs: Sequence[str], quads: Sequence[ox.Quad],
               texts: tuple[str, ...], uri_space: str) -> FileSummary:
    stats = []
    for source in unit.sources.values():
        facts = [f for f in unit.facts.values() if f.source == source.id]
        involved = {a for f in facts for _, a in involved_actors(f)}
        stats.append({"source": source.id, "file": source.file, "facts": len(facts), "actors": len(involved),
                      "kinds": dict(sorted(Counter(kind_of(f).name for f in facts).items()))})
    return FileSummary(unit.file, sha, deps, dict(unit.actors), dict(unit.sources),
                       {f.id: (kind_of(f).name, type(f).SEGMENT) for f in unit.facts.values()},  # type: ignore[attr-defined]
                       tuple(refs), texts, len(quads), tuple(stats), void_parts(quads, uri_space))


def _write(path: Path, payload: bytes) -> None:
    """Write a cache file whole or not at all (a temporary sibling, then a rename)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(payload)
    os.replace(tmp, path)


def _unpickle(path: Path) -> object | None:
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)  # noqa: S301 - our own cache, written by this module
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
        return None


class Cache:
    """Per-file summaries, serialised chunks (N-Quads among them) and validation results, stored by key
    under ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def part(self, key: str, fmt: str) -> Path:
        """The cached chunk of one format (see lacrdf.graph.dumps)."""
        return self.folder / f"{key}.{fmt}.part"

    def nquads(self, key: str) -> Path:
        return self.part(key, "nq")

    def get(self, key: str) -> FileSummary | None:
        summary = _unpickle(self.folder / f"{key}.summary") if self.nquads(key).is_file() else None
        return summary if isinstance(summary, FileSummary) else None

    def put(self, summary: FileSummary, parts: Mapping[str, bytes]) -> None:
        """Store a file's chunks, then its summary (written last: a summary on disk means its chunks are
        complete)."""
        self.put_parts(summary.key, parts)
        _write(self.folder / f"{summary.key}.summary", pickle.dumps(summary, protocol=5))

    def put_parts(self, key: str, parts: Mapping[str, bytes]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for fmt, payload in parts.items():
            _write(self.part(key, fmt), payload)

    def results(self, key: str, vkey: str) -> list[object] | None:
        """The validation results of a file's focus nodes under shapes and ontology ``vkey``, if cached."""
        found = _unpickle(self.folder / f"{key}.{vkey}.results")
        return found if isinstance(found, list) else None

    def put_results(self, key: str, vkey: str, results: list[object]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        _write(self.folder / f"{key}.{vkey}.results", pickle.dumps(results, protocol=5))

    def prune(self, keep: Iterable[str]) -> None:
        """Remove the entries no build refers to any more."""
        wanted = set(keep)
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            key = path.name.split(".", 1)[0]
            if key and key not in wanted and not path.name.startswith("."):
                path.unlink(missing_ok=True)


@dataclass
class Conversion:
    """The outcome of converting a project's record files (errors, or every file's summary)."""

    ns: Namespaces
    summaries: dict[str, FileSummary]  # display path -> summary, in file order
    converted: list[str]  # display paths converted in this run
    errors: list[RecordError]
    paths: dict[str, Path]  # display path -> file

    def tables(self) -> tuple[dict[str, ActorRecord], dict[str, SourceRecord], dict[str, tuple[str, str]]]:
        actors: dict[str, ActorRecord] = {}
        sources: dict[str, SourceRecord] = {}
        facts: dict[str, tuple[str, str]] = {}
        for summary in self.summaries.values():
            actors.update(summary.actors)
            sources.update(summary.sources)
            facts.update(summary.facts)
        return actors, sources, facts

    def file_of_graph(self) -> dict[str, str]:
        """Named graph IRI -> the record file whose source it holds."""
        out = {}
        for name, summary in self.summaries.items():
            for source_id in summary.sources:
                out[f"{self.ns.graphs}source/{source_id}"] = name
        return out

    def file_of_actor(self) -> dict[str, str]:
        return {a: name for name, s in self.summaries.items() for a in s.actors}


def _deps(refs: Iterable[str], texts: Iterable[str], actors: Mapping[str, ActorRecord],
          facts: Mapping[str, tuple[str, str]], text_digest: Mapping[str, str], tool: str) -> str:
    parts = [tool]
    for ref in refs:
        if ref in actors:
            parts.append(f"a {ref} {actor_fingerprint(actors[ref])}")
        elif ref in facts:
            parts.append(f"f {ref} {facts[ref]}")
        else:
            parts.append(f"? {ref}")
    parts.extend(f"t {name} {text_digest.get(name, '-')}" for name in texts)
    return _sha("\n".join(parts))


def convert_files(data: Sequence[Path], root: Path, ns: Namespaces, cache: Cache,
                  previous: Mapping[str, tuple[str, str]] | None, seeds: Path | None,
                  progress: Reporter = SILENT) -> Conversion:
    """Parse, check and convert the record files under ``data`` whose cache key changed.

    ``previous`` maps each file of the last build to its (sha256, deps); a file whose SHA-256 is the same
    keeps its summary if its dependencies' fingerprint is the same too."""
    files = data_files(data)
    if not files:
        error = RecordError(", ".join(map(str, data)) or ".", 1, 1, "no YAML record files found",
                            hint="add files under data/")
        return Conversion(ns, {}, [], [error], {})
    tool = tool_fingerprint(ns)
    previous = previous or {}
    paths = {display_path(p, root): p for p in files}
    cached: dict[str, FileSummary] = {}
    parsed: dict[str, FileRecords] = {}
    shas: dict[str, str] = {}
    errors: list[RecordError] = []
    for name, path in progress.track(paths.items(), "reading records", len(paths)):
        shas[name] = sha = file_sha256(path)
        before = previous.get(name)
        summary = cache.get(_sha(f"{name}\n{sha}\n{before[1]}")) if before and before[0] == sha else None
        if summary is not None:
            cached[name] = summary
            continue
        try:
            parsed[name] = read_file(path, name)
        except (RecordError, RecordErrors) as exc:
            # nothing is converted now, but the records that parsed are still checked (every mistake of
            # the run is reported at once)
            errors.extend(errors_of(exc))
            parsed[name] = read_partial(path, name)
    failed = {e.record for e in errors if e.record}
    unreadable = any(not (u.actors or u.sources or u.facts) for n, u in parsed.items()
                     if any(e.file == n for e in errors))
    # the tables every file resolves its references against
    actors: dict[str, ActorRecord] = {}
    facts: dict[str, tuple[str, str]] = {}
    for name in paths:
        if name in cached:
            actors.update(cached[name].actors)
            facts.update(cached[name].facts)
        elif name in parsed:
            actors.update(parsed[name].actors)
            facts.update({f.id: (kind_of(f).name, type(f).SEGMENT)  # type: ignore[attr-defined]
                          for f in parsed[name].facts.values()})
    texts_of = {name: _texts(u.sources.values()) for name, u in parsed.items()}
    text_digest = _text_digests(seeds, {t for s in cached.values() for t in s.texts} |
                                {t for ts in texts_of.values() for t in ts})
    for name, summary in list(cached.items()):
        if _deps(summary.refs, summary.texts, actors, facts, text_digest, tool) != summary.deps:
            del cached[name]  # something it references changed: convert it again
            try:
                parsed[name] = read_file(paths[name], name)
                texts_of[name] = _texts(parsed[name].sources.values())
            except (RecordError, RecordErrors) as exc:  # pragma: no cover - the file's bytes are unchanged
                errors.extend(errors_of(exc))
    units = [parsed[n] for n in paths if n in parsed]
    errors.extend(_duplicates(units, cached))
    sources = {s.id: s for u in units for s in u.sources.values()}
    # the changed files' records, resolving references against every file's actors and facts
    local = Project(dict(sorted(actors.items())), sources, {f.id: f for u in units for f in u.facts.values()},
                    {fid: kind for fid, (kind, _) in facts.items()})
    if not unreadable:  # a file that is not records at all: its ids are unknown, so are its references
        errors.extend(check_references(local, unknown_ok=failed))
    errors.extend(check_rules(local.facts.values()))
    all_sources = {sid: src for s in cached.values() for sid, src in s.sources.items()} | sources
    if seeds is not None and seeds.is_dir():
        errors.extend(check_against_texts(local, seeds))
        errors.extend(check_evidence(local, seeds, required=True))
        if any(u.actors for u in units) or sources:  # a name changed, or a document came or changed
            per_file = [([src.file for src in s.sources.values()], s.refs, s.actors) for s in cached.values()]
            per_file += [([src.file for src in u.sources.values()],
                          [r for f in u.facts.values() for r in reference_ids(f)], u.actors) for u in units]
            errors.extend(check_names(actors.values(), involvement(per_file), seeds))
    if errors:
        return Conversion(ns, {}, [], errors, paths)
    ctx = Context(ns, actors, {fid: seg for fid, (_, seg) in facts.items()}, all_sources)
    summaries: dict[str, FileSummary] = {}
    for name in progress.track(list(paths), "converting", len(paths)):
        if name in cached:
            summaries[name] = cached[name]
            continue
        unit = parsed[name]
        out = Converted(ctx, with_origins=False).records(unit.actors.values(), unit.sources.values(),
                                                          unit.facts.values())
        quads = sorted(set(out.quads), key=str)
        refs = sorted({r for rec in (*unit.actors.values(), *unit.sources.values(), *unit.facts.values())
                       for r in reference_ids(rec)} - set(unit.actors) - set(unit.facts))
        deps = _deps(refs, texts_of[name], actors, facts, text_digest, tool)
        summary = _summarise(unit, shas[name], deps, refs, quads, texts_of[name], ns.resources)
        cache.put(summary, chunk_bodies(quads, ns))
        summaries[name] = summary
    return Conversion(ns, summaries, [n for n in paths if n not in cached], [], paths)


def _duplicates(units: Sequence[FileRecords], cached: Mapping[str, FileSummary]) -> list[RecordError]:
    """Ids declared twice: within the parsed files, or by a parsed file and an unchanged one."""
    _, errors = merge_files(units)
    seen: dict[str, str] = {}
    for summary in cached.values():
        for rid in (*summary.actors, *summary.sources, *summary.facts):
            seen.setdefault(rid, summary.file)
    for unit in units:
        for rec in (*unit.actors.values(), *unit.sources.values(), *unit.facts.values()):
            if rec.id in seen:
                where = rec.field_origin("id")
                errors.append(RecordError(where.file, where.line, where.column,
                                          f"duplicate id '{rec.id}' (first defined in {seen[rec.id]})",
                                          field="id", record=rec.id, hint="give the record another id"))
    return errors


def _texts(sources: Iterable[SourceRecord]) -> tuple[str, ...]:
    return tuple(sorted({s.file for s in sources}))


def _text_digests(seeds: Path | None, names: Iterable[str]) -> dict[str, str]:
    out = {}
    for name in names:
        path = seeds / name if seeds is not None else None
        if path is not None and path.is_file():
            out[name] = file_sha256(path)
    return out


# ---------------------------------------------------------------------------------------------- store

def ontology_nquads(ontology_dir: Path, ns: Namespaces) -> bytes:
    quads = sorted(set(load_ontology(ontology_dir, ns)), key=str)
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


class _Chain(io.RawIOBase):
    """Several files read as one stream (for one bulk load)."""

    def __init__(self, paths: Iterable[Path], extra: bytes = b"") -> None:
        self._paths: Iterator[Path] = iter(paths)
        self._current: io.BufferedReader | io.BytesIO | None = io.BytesIO(extra)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        while self._current is not None:
            n = self._current.readinto(buffer)
            if n:
                return n
            self._current.close()
            nxt = next(self._paths, None)
            self._current = open(nxt, "rb") if nxt is not None else None  # noqa: SIM115
        return 0


def write_store(folder: Path, conversion: Conversion, cache: Cache, ontology: bytes,
                previous_store: Path | None, previous_files: Mapping[str, str], previous_ontology: str | None,
                progress: Reporter = SILENT, enrichment: Enrichment = NO_ENRICHMENT,
                previous_enrichment: str | None = None) -> tuple[ox.Store, str]:
    """A store in ``folder`` holding every file's quads, the ontology and the enrichment graphs; returns it
    (open for writing) and how it was made ("bulk load" or "updated N files").

    With a previous store and few changes, that store is checkpointed into ``folder`` and only the quads
    of changed, added and removed files are removed and added (the enrichment graphs are replaced whole
    when their digest changed)."""
    keys = {name: s.key for name, s in conversion.summaries.items()}
    changed = [n for n in keys if previous_files.get(n) != keys[n]]
    removed = [n for n in previous_files if n not in keys]
    onto_key = hashlib.sha256(ontology).hexdigest()
    enrichment_changed = previous_enrichment != enrichment.key
    stale_parts = len(changed) + len(removed) + (previous_ontology != onto_key) + enrichment_changed
    if folder.exists():
        shutil.rmtree(folder)
    if previous_store is not None and previous_store.is_dir() and stale_parts * 4 <= max(len(keys), 1):
        try:
            old = ox.Store.read_only(str(previous_store))
            old.backup(str(folder))
            del old
            store = ox.Store(str(folder))
            gone: list[Path] = [cache.nquads(previous_files[n]) for n in (*changed, *removed) if n in previous_files]
            if all(p.is_file() for p in gone):
                for path in gone:
                    for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
                        store.remove(quad)
                if previous_ontology != onto_key:
                    store.remove_graph(ox.NamedNode(conversion.ns.graphs + "ontology"))
                    store.load(ontology, format=ox.RdfFormat.N_QUADS)
                if enrichment_changed:
                    for graph in list(store.named_graphs()):
                        if isinstance(graph, ox.NamedNode) and is_enrichment_graph(graph.value, conversion.ns):
                            store.remove_graph(graph)
                    if enrichment:
                        store.load(enrichment.nquads, format=ox.RdfFormat.N_QUADS)
                for name in changed:
                    store.load(path=str(cache.nquads(keys[name])), format=ox.RdfFormat.N_QUADS)
                store.flush()
                how = f"updated {len(changed) + len(removed)} of {len(keys)} record files"
                return store, how + ("; replaced the enrichment graphs" if enrichment_changed else "")
            del store
        except OSError:
            pass
        shutil.rmtree(folder, ignore_errors=True)
    store = ox.Store(str(folder))
    progress.step(f"loading {sum(s.quads for s in conversion.summaries.values())} quads into the store")
    chain = _Chain([cache.nquads(k) for k in keys.values()], ontology + enrichment.nquads)
    store.bulk_load(io.BufferedReader(chain, 1 << 20), format=ox.RdfFormat.N_QUADS)
    store.flush()
    return store, "bulk load"


def origins_of(conversion: Conversion, name: str) -> tuple[dict[ox.Triple, TripleOrigin],
                                                            dict[ox.NamedNode, TripleOrigin]]:
    """The record field of every triple of one file (its records parsed and converted again, with
    origins): how a validation result is traced to its YAML line without keeping origins for all."""
    unit = read_file(conversion.paths[name], name)
    actors, sources, facts = conversion.tables()
    ctx = Context(conversion.ns, actors, {fid: seg for fid, (_, seg) in facts.items()}, sources)
    out = Converted(ctx, with_origins=True).records(unit.actors.values(), unit.sources.values(),
                                                     unit.facts.values())
    return out.origins, out.subjects

