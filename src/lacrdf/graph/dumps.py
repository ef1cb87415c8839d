"""Deterministic exports. Turtle, N-Triples, RDF/XML and JSON-LD hold the union of the data graphs; TriG
and N-Quads every graph. A dump is a format's header, chunks of sorted quads serialised by pyoxigraph (one
per record file in a build, see below) and the format's footer; JSON-LD is written by our own one-pass
writer (a @context of our prefixes, keys and values sorted per node). Same input, same bytes."""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from lacrdf.config import Namespaces
from lacrdf.errors import InputError
from lacrdf.graph.dataset import Dataset

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True, slots=True)
class ExportFormat:
    name: str
    extension: str
    media_type: str
    quads: bool


_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


class _Compactor:
    """IRIs to CURIEs for the JSON-LD @context (memoised: the same few thousand IRIs recur)."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self.prefixes = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
        self.seen: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        found = self.seen.get(iri)
        if found is None:
            found = iri
            for prefix, ns in self.prefixes:
                if iri.startswith(ns) and _LOCAL.match(iri[len(ns):]):
                    found = f"{prefix}:{iri[len(ns):]}"
                    break
            self.seen[iri] = found
        return found


def jsonld_nodes(triples: Iterable[ox.Triple], compact: Callable[[str], str]) -> Iterator[dict[str, object]]:
    """One compacted node object per run of triples with the same subject, in one pass (the store's order
    groups a subject's triples within each graph; a subject described in two graphs gets two node
    objects, which JSON-LD merges on expansion)."""
    subject: str | None = None
    node: dict[str, list[object]] = {}
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            raise InputError("blank nodes are not expected in lacrdf data")
        if t.subject.value != subject:
            if subject is not None:
                yield _node(subject, node, compact)
            subject, node = t.subject.value, {}
        pred, obj = t.predicate.value, t.object
        if pred == RDF_TYPE and isinstance(obj, ox.NamedNode):
            node.setdefault("@type", []).append(compact(obj.value))
            continue
        if isinstance(obj, ox.NamedNode):
            value: object = {"@id": compact(obj.value)}
        elif isinstance(obj, ox.Literal):
            if obj.language:
                value = {"@value": obj.value, "@language": obj.language}
            elif obj.datatype.value == XSD_STRING:
                value = {"@value": obj.value}
            else:
                value = {"@value": obj.value, "@type": compact(obj.datatype.value)}
        else:  # pragma: no cover - lacrdf makes no blank nodes or quoted triples
            raise InputError(f"cannot write {obj!r} as JSON-LD")
        node.setdefault(compact(pred), []).append(value)
    if subject is not None:
        yield _node(subject, node, compact)


def _node(subject: str, node: dict[str, list[object]], compact: Callable[[str], str]) -> dict[str, object]:
    out: dict[str, object] = {"@id": compact(subject)}
    for key in sorted(node):
        values = node[key]
        out[key] = sorted(values, key=_value_key) if len(values) > 1 else values
    return out


def _value_key(value: object) -> tuple[tuple[str, str], ...] | str:
    """A total order of node values (compact IRIs of @type, or value objects by their sorted items)."""
    return tuple(sorted(value.items())) if isinstance(value, dict) else ("", str(value))  # type: ignore[return-value]


def node_json(node: Mapping[str, object]) -> str:
    """One node object on one line (the C encoder: an indented dump is written by Python, 10x slower)."""
    return json.dumps(node, ensure_ascii=False, separators=(", ", ": "))


def write_jsonld(triples: Iterable[ox.Triple], prefixes: Mapping[str, str], out: BinaryIO) -> None:
    """A compacted, flattened JSON-LD 1.1 document (@context of our prefixes, one node object per
    subject run, one per line), streamed."""
    compact = _Compactor(prefixes)
    nodes = (node_json(n).encode("utf-8") for n in jsonld_nodes(triples, compact))
    _assemble(out, "jsonld", _jsonld_frame(prefixes), nodes)


def ontology_turtle(quads: Iterable[ox.Quad], ns: Namespaces) -> bytes:
    """The ontology graph as Turtle (dist/ontology.ttl), its triples sorted."""
    triples = sorted({q.triple for q in quads}, key=str)
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=ns.prefixes()) or b""


FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("ttl", "ttl", "text/turtle", False),
    ExportFormat("nt", "nt", "application/n-triples", False),
    ExportFormat("jsonld", "jsonld", "application/ld+json", False),
    ExportFormat("xml", "rdf", "application/rdf+xml", False),
    ExportFormat("trig", "trig", "application/trig", True),
    ExportFormat("nq", "nq", "application/n-quads", True),
)}
BUILD_FORMATS = ("ttl", "nt", "jsonld", "xml", "trig", "nq")


def get_format(name: str) -> ExportFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise InputError(f"unknown format '{name}'; choose one of {', '.join(FORMATS)}") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_many(files: Mapping[Path, bytes]) -> None:
    """Write every file to a temporary sibling first; rename them all only when all are written.
    On any failure the temporaries are removed and the previous files are left as they were."""
    temps: list[tuple[Path, Path]] = []
    try:
        for target, payload in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            temps.append((Path(tmp), target))
            os.chmod(tmp, 0o666 & ~_umask())
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
    except BaseException:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, target in temps:
        os.replace(tmp, target)


# ---------------------------------------------------------------------------------------------- chunks
#
# A build writes its dumps from per-file chunks: every record file's quads, sorted, serialized once in each
# format without the format's header or footer, and cached with the file's conversion. A dump is the
# format's header, the chunks in file order (the ontology first, for the formats that hold graphs) and its
# footer. Subjects never span two record files (every subject is a record's own IRI, or derived from it), so
# the union of the data graphs is the concatenation of the files' triples, with no duplicates. Writing
# from the chunks is what keeps a build after a one-file change fast, and its dumps byte-identical to a
# clean build's: a chunk depends on its file's quads alone. (Reading the quads back out of the RocksDB
# store to write six dumps costs about 15 s per format at a million triples on the project's machine.)

_PREFIX_LINE = b"@prefix "


def _split_header(data: bytes, fmt: str) -> tuple[bytes, bytes, bytes]:
    """(header, body, footer) of one serialization."""
    if fmt in ("ttl", "trig"):
        lines = data.splitlines(keepends=True)
        n = 0
        while n < len(lines) and lines[n].startswith(_PREFIX_LINE):
            n += 1
        return b"".join(lines[:n]), b"".join(lines[n:]), b""
    if fmt == "xml":
        start = data.index(b"<rdf:RDF")
        start = data.index(b">", start) + 1
        if data[start:start + 1] == b"\n":
            start += 1
        end = data.rindex(b"</rdf:RDF>")
        return data[:start], data[start:end], data[end:]
    return b"", data, b""


_FORMATS_OF_CHUNKS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "xml": ox.RdfFormat.RDF_XML,
                      "trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS}


def chunk_bodies(quads: Sequence[ox.Quad], ns: Namespaces, formats: Sequence[str] = BUILD_FORMATS,
                 with_graphs_only: bool = False) -> dict[str, bytes]:
    """The chunk of each format for ``quads`` (sorted by the caller); ``with_graphs_only``: the ontology's
    chunk, which only the formats holding named graphs (TriG, N-Quads) include."""
    prefixes = ns.prefixes()
    triples = [q.triple for q in quads]
    out: dict[str, bytes] = {}
    for fmt in formats:
        holds_graphs = get_format(fmt).quads
        if with_graphs_only and not holds_graphs:
            continue
        if fmt == "jsonld":
            compact = _Compactor(prefixes)
            nodes = [node_json(n) for n in jsonld_nodes(triples, compact)]
            out[fmt] = ",\n  ".join(nodes).encode("utf-8")
            continue
        items = quads if holds_graphs else triples
        data = ox.serialize(items, format=_FORMATS_OF_CHUNKS[fmt], prefixes=prefixes if fmt != "nt" and
                            fmt != "nq" else None) or b""
        header, body, footer = _split_header(data, fmt) if items else (b"", b"", b"")
        if items and (header, footer) != _frame(fmt, ns)[:2] and fmt == "xml":
            raise InputError(f"RDF/XML chunk with an unexpected root element: {header[:200]!r}")
        out[fmt] = body
    return out


def _jsonld_frame(prefixes: Mapping[str, str]) -> tuple[bytes, bytes]:
    context = json.dumps(dict(sorted(prefixes.items())), ensure_ascii=False, indent=1)
    return ('{\n "@context": ' + context.replace("\n", "\n ") + ',\n "@graph": [').encode("utf-8"), b"\n ]\n}\n"


def _assemble(out: BinaryIO, fmt: str, frame: tuple[bytes, bytes], bodies: Iterable[bytes]) -> None:
    """Header, the non-empty chunk bodies (JSON-LD node lists joined by commas) and footer."""
    header, footer = frame
    out.write(header)
    first = True
    for body in bodies:
        if not body:
            continue
        if fmt == "jsonld":
            out.write(b"\n  " if first else b",\n  ")
        out.write(body)
        first = False
    out.write(b"]\n}\n" if fmt == "jsonld" and first else footer)


def _frame(fmt: str, ns: Namespaces) -> tuple[bytes, bytes]:
    """The header and footer a dump of ``fmt`` starts and ends with."""
    if fmt == "jsonld":
        return _jsonld_frame(ns.prefixes())
    if fmt in ("nt", "nq"):
        return b"", b""
    probe = ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode(ns.terms + "p"), ox.Literal("x"),
                    ox.NamedNode(ns.graphs + "x"))
    item = probe if get_format(fmt).quads else probe.triple
    data = ox.serialize([item], format=_FORMATS_OF_CHUNKS[fmt], prefixes=ns.prefixes()) or b""
    header, _, footer = _split_header(data, fmt)
    return header, footer


def write_from_chunks(folder: Path, ns: Namespaces, formats: Sequence[str],
                      chunks: Callable[[str], Iterable[Path]]) -> dict[str, Path]:
    """Write ``lacrdf.EXT`` for each format into ``folder``: header, the chunk files ``chunks(fmt)`` gives
    (in order), footer. Returns file name -> path."""
    written: dict[str, Path] = {}
    for fmt in formats:
        ext = get_format(fmt).extension
        path = folder / f"lacrdf.{ext}"
        with open(path, "wb") as out:
            _assemble(out, fmt, _frame(fmt, ns), (part.read_bytes() for part in chunks(fmt)))
        written[path.name] = path
    return written


def render(ds: Dataset, fmt: str) -> bytes:
    """One dump of an in-memory dataset: the ontology's chunk (formats with graphs), then one chunk of all
    data quads in sorted order, framed as a build frames its dumps."""
    onto = ds.ontology_graph
    data = sorted((q for q in ds.quads if q.graph_name != onto), key=str)
    parts = []
    if get_format(fmt).quads:
        parts.append(chunk_bodies(sorted((q for q in ds.quads if q.graph_name == onto), key=str), ds.ns,
                                  [fmt])[fmt])
    parts.append(chunk_bodies(data, ds.ns, [fmt])[fmt])
    buf = io.BytesIO()
    _assemble(buf, fmt, _frame(fmt, ds.ns), parts)
    return buf.getvalue()


def jsonld_document(triples: Iterable[ox.Triple], prefixes: Mapping[str, str]) -> dict[str, object]:
    """A small compacted JSON-LD document in memory (one node object per subject, subjects sorted), for the
    site's per-resource descriptions."""
    ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return {"@context": dict(sorted(prefixes.items())), "@graph": list(jsonld_nodes(ordered, _Compactor(prefixes)))}
