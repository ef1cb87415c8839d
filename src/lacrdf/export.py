"""Deterministic exports. Triples and quads are sorted before writing, JSON-LD is written by our own
small writer (with a @context, keys and values sorted), and every file goes to a temporary file in the
target folder that replaces the old file only once everything was written."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .dataset import Dataset
from .errors import InputError

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True, slots=True)
class ExportFormat:
    name: str
    extension: str
    media_type: str
    quads: bool
    write: Callable[[Dataset], bytes]


def _quads_sorted(ds: Dataset) -> list[ox.Quad]:
    return ds.quads_by_graph


def _turtle(ds: Dataset) -> bytes:
    return ox.serialize(ds.triples(), format=ox.RdfFormat.TURTLE, prefixes=ds.ns.prefixes())


def _ntriples(ds: Dataset) -> bytes:
    return ox.serialize(ds.triples(), format=ox.RdfFormat.N_TRIPLES)


def _nquads(ds: Dataset) -> bytes:
    return ox.serialize(_quads_sorted(ds), format=ox.RdfFormat.N_QUADS)


def _trig(ds: Dataset) -> bytes:
    return ox.serialize(_quads_sorted(ds), format=ox.RdfFormat.TRIG, prefixes=ds.ns.prefixes())


def _rdfxml(ds: Dataset) -> bytes:
    return ox.serialize(ds.triples(), format=ox.RdfFormat.RDF_XML, prefixes=ds.ns.prefixes())


_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def _compact(iri: str, prefixes: Mapping[str, str]) -> str:
    for prefix, ns in prefixes.items():
        if iri.startswith(ns) and _LOCAL.match(iri[len(ns):]):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def jsonld_document(triples: Iterable[ox.Triple], prefixes: Mapping[str, str]) -> dict[str, object]:
    """A compacted, flattened JSON-LD 1.1 document: one node object per subject, sorted."""
    prefixes = dict(sorted(prefixes.items(), key=lambda kv: -len(kv[1])))
    nodes: dict[str, dict[str, list[object]]] = {}
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            raise InputError("blank nodes are not expected in lacrdf data")
        node = nodes.setdefault(t.subject.value, {})
        pred = t.predicate.value
        obj = t.object
        if pred == RDF_TYPE and isinstance(obj, ox.NamedNode):
            node.setdefault("@type", []).append(_compact(obj.value, prefixes))
            continue
        key = _compact(pred, prefixes)
        if isinstance(obj, ox.NamedNode):
            value: object = {"@id": _compact(obj.value, prefixes)}
        elif isinstance(obj, ox.Literal):
            if obj.language:
                value = {"@value": obj.value, "@language": obj.language}
            elif obj.datatype.value == XSD_STRING:
                value = {"@value": obj.value}
            else:
                value = {"@value": obj.value, "@type": _compact(obj.datatype.value, prefixes)}
        else:  # pragma: no cover - lacrdf makes no blank nodes or quoted triples
            raise InputError(f"cannot write {obj!r} as JSON-LD")
        node.setdefault(key, []).append(value)
    graph = []
    for subject in sorted(nodes):
        obj_node: dict[str, object] = {"@id": _compact(subject, prefixes)}
        for key in sorted(nodes[subject]):
            vals = sorted(nodes[subject][key], key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
            obj_node[key] = vals
        graph.append(obj_node)
    context = {p: ns for p, ns in sorted(prefixes.items())}
    return {"@context": context, "@graph": graph}


def _jsonld(ds: Dataset) -> bytes:
    doc = jsonld_document(ds.triples(), ds.ns.prefixes())
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("ttl", "ttl", "text/turtle", False, _turtle),
    ExportFormat("nt", "nt", "application/n-triples", False, _ntriples),
    ExportFormat("jsonld", "jsonld", "application/ld+json", False, _jsonld),
    ExportFormat("xml", "rdf", "application/rdf+xml", False, _rdfxml),
    ExportFormat("trig", "trig", "application/trig", True, _trig),
    ExportFormat("nq", "nq", "application/n-quads", True, _nquads),
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


def render(ds: Dataset, fmt: str) -> bytes:
    return get_format(fmt).write(ds)


def export(ds: Dataset, fmt: str, output: Path) -> Path:
    atomic_write_many({output: render(ds, fmt)})
    return output
