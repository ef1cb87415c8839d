"""Enrichment graphs: the TriG files under the project's enrich/ (``lacrdf enrich`` writes them), each
holding named graphs under {base}graph/enrich/ with their own provenance. A build adds their quads, as
they are, to the store and to the dumps that keep graphs (TriG, N-Quads); they never enter a curated graph."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from lacrdf.config import Namespaces
from lacrdf.errors import InputError

ENRICH_GRAPHS = "enrich/"
"""Where enrichment graphs live, under the base's graph/ space ({base}graph/enrich/...)."""


def enrichment_files(folder: Path) -> list[Path]:
    """The enrichment files a build reads: ``folder/*.trig``, sorted (none when the folder is absent)."""
    return sorted(p for p in folder.glob("*.trig") if p.is_file()) if folder.is_dir() else []


def enrichment_prefix(ns: Namespaces) -> str:
    return ns.graphs + ENRICH_GRAPHS


def is_enrichment_graph(iri: str, ns: Namespaces) -> bool:
    return iri.startswith(enrichment_prefix(ns))


@dataclass(frozen=True)
class Enrichment:
    """The quads of every enrichment file (sorted, unique, moved to the build's base) and their N-Quads."""

    quads: tuple[ox.Quad, ...]
    nquads: bytes

    @property
    def key(self) -> str | None:
        """A digest of the quads (None without any): what tells a build its enrichment changed."""
        return hashlib.sha256(self.nquads).hexdigest() if self.quads else None

    def __bool__(self) -> bool:
        return bool(self.quads)


NO_ENRICHMENT = Enrichment((), b"")


def load_enrichment(files: Mapping[str, Path], ns: Namespaces) -> Enrichment:
    """Parse the enrichment files (display name -> path). Every quad must sit in a named graph under
    {base}graph/enrich/ and hold no blank node (a build loads files side by side, where blank node labels
    could meet); IRIs written under the default base move to ``ns``'s base, as the ontology's do."""
    prefix = enrichment_prefix(ns)
    found: set[ox.Quad] = set()
    for name, path in sorted(files.items()):
        try:
            quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))
        except (OSError, SyntaxError, ValueError) as exc:
            raise InputError(f"{name}: cannot read the enrichment graph: {exc}") from None
        for quad in quads:
            graph = quad.graph_name
            if not isinstance(graph, ox.NamedNode):
                raise InputError(f"{name}: a triple outside any named graph ({quad.triple}); an enrichment file "
                                 f"holds only named graphs under <{prefix}>")
            moved = ox.Quad(_rebase(quad.subject, ns), _rebase(quad.predicate, ns), _rebase(quad.object, ns),
                            _rebase(graph, ns))
            if not moved.graph_name.value.startswith(prefix):  # type: ignore[union-attr]
                raise InputError(f"{name}: graph <{moved.graph_name.value}> is not under <{prefix}>; an enrichment "  # type: ignore[union-attr]
                                 "file never writes into a curated graph")
            if isinstance(moved.subject, ox.BlankNode) or isinstance(moved.object, ox.BlankNode):
                raise InputError(f"{name}: blank node in {quad}; enrichment graphs name every node with an IRI")
            found.add(moved)
    ordered = tuple(sorted(found, key=_order))
    return Enrichment(ordered, (ox.serialize(ordered, format=ox.RdfFormat.N_QUADS) or b"") if ordered else b"")


def _order(quad: ox.Quad) -> tuple[str, str]:
    return quad.graph_name.value, str(quad.triple)  # type: ignore[union-attr]


def _rebase(term, ns: Namespaces):  # type: ignore[no-untyped-def]
    if isinstance(term, ox.NamedNode):
        moved = ns.rebase(term.value)
        return term if moved == term.value else ox.NamedNode(moved)
    return term
