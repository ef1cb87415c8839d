"""Per-document counts of facts, actors and triples (``lacrdf stats``): the build's manifest keeps the
counts of the records, the store counts the triples. An enrichment graph (enrich/*.trig) gets a row of its
own and stays out of the total, which counts the curated data (the union the triple dumps hold)."""

from __future__ import annotations

from lacrdf.graph.enrichments import enrichment_prefix
from lacrdf.graph.store import BuiltGraph


def compute_stats(built: BuiltGraph) -> list[dict[str, object]]:
    ns = built.ns
    per_graph = {row["g"].value: int(row["n"].value) for row in built.store.query(  # type: ignore[index,union-attr]
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    rows: list[dict[str, object]] = []
    manifest = built.manifest
    for row in manifest.get("stats", []):
        graph = f"{ns.graphs}source/{row['source']}"
        rows.append({**row, "triples": per_graph.get(graph, 0)})
    counts = manifest["counts"]
    rows.append({"source": "actors", "file": "data/actors + source files", "facts": 0, "actors": counts["actors"],
                 "triples": per_graph.get(ns.graphs + "actors", 0), "kinds": {}})
    onto = ns.graphs + "ontology"
    enrich = enrichment_prefix(ns)
    for graph in sorted(g for g in per_graph if g.startswith(enrich)):
        actors = next(iter(built.store.query(  # type: ignore[call-overload]
            f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} "
            f'FILTER(STRSTARTS(STR(?s), "{ns.resources}")) }}')))["n"].value
        rows.append({"source": graph[len(ns.graphs):], "file": "", "facts": 0, "actors": int(actors),
                     "triples": per_graph[graph], "kinds": {}})
    total = next(iter(built.store.query(  # type: ignore[call-overload]
        f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
        f'FILTER(?g != <{onto}> && !STRSTARTS(STR(?g), "{enrich}")) }} }}')))["n"].value
    rows.append({"source": "total", "file": "", "facts": counts["facts"], "actors": counts["actors"],
                 "triples": int(total), "kinds": {}})
    return rows


def render_stats(rows: list[dict[str, object]]) -> str:
    header = ("source", "facts", "actors", "triples")
    widths = [max(len(h), *(len(str(r[h])) for r in rows)) for h in header]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=False)), "  ".join("-" * w for w in widths)]
    for r in rows:
        lines.append("  ".join(str(r[h]).ljust(w) for h, w in zip(header, widths, strict=False)).rstrip())
    return "\n".join(lines) + "\n"
