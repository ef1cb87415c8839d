"""Per-document counts of facts, actors and triples (``lacrdf stats``)."""

from __future__ import annotations

from collections import Counter

from .dataset import Dataset
from .kinds import kind_of
from .kinds.base import Context
from .records import Project


def compute_stats(project: Project, ds: Dataset) -> list[dict[str, object]]:
    ctx = Context(ds.ns, project.actors, project.facts)
    per_graph = Counter(str(q.graph_name.value) for q in ds.quads)  # type: ignore[union-attr]
    rows: list[dict[str, object]] = []
    for source in project.sources.values():
        facts = project.facts_of(source.id)
        graph = ctx.graph(f"source/{source.id}").value
        graph_quads = [q for q in ds.quads if q.graph_name.value == graph]  # type: ignore[union-attr]
        actor_iris = {ctx.actor(a).value for a in project.actors}
        involved = {q.object.value for q in graph_quads if q.object.value in actor_iris}
        kinds = Counter(kind_of(f).name for f in facts)
        rows.append({"source": source.id, "file": source.file, "facts": len(facts), "actors": len(involved),
                     "triples": per_graph.get(graph, 0), "kinds": dict(sorted(kinds.items()))})
    rows.append({"source": "actors", "file": "data/actors + source files", "facts": 0,
                 "actors": len(project.actors), "triples": per_graph.get(ctx.graph("actors").value, 0),
                 "kinds": {}})
    total_triples = len({q.triple for q in ds.data_quads()})
    rows.append({"source": "total", "file": "", "facts": len(project.facts), "actors": len(project.actors),
                 "triples": total_triples, "kinds": {}})
    return rows


def render_stats(rows: list[dict[str, object]]) -> str:
    header = ("source", "facts", "actors", "triples")
    widths = [max(len(h), *(len(str(r[h])) for r in rows)) for h in header]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=False)), "  ".join("-" * w for w in widths)]
    for r in rows:
        lines.append("  ".join(str(r[h]).ljust(w) for h, w in zip(header, widths, strict=False)).rstrip())
    return "\n".join(lines) + "\n"
