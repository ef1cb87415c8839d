"""Names of the actors in other languages, fetched from their Wikidata items and kept apart: one SPARQL
SELECT (batched) to a SPARQL 1.1 endpoint, the answers as ``skos:altLabel`` of our actors in one named
graph ({base}graph/enrich/wikidata) with its PROV-O provenance, written as a deterministic TriG file that
the next build adds to the store. The curated graphs are never touched."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox
import requests

from lacrdf.config import DEFAULT_BASE, Namespaces
from lacrdf.countries import LANGUAGES
from lacrdf.errors import InputError, RemoteError
from lacrdf.graph.convert.actors import WIKIDATA, convert_actor
from lacrdf.graph.dumps import atomic_write_many
from lacrdf.graph.enrichments import enrichment_prefix
from lacrdf.graph.metadata import build_time
from lacrdf.graph.terms import Context
from lacrdf.publish.remote import _check_url, _http_message, _network_reason, _one_line, results_from_json, safe_url
from lacrdf.records.model import Project

WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"
GRAPH_NAME = "wikidata"
"""The graph's name under {base}graph/enrich/ and the default file's under enrich/."""
BATCH_SIZE = 200
"""Wikidata items per request (a VALUES block of this size stays well within the endpoint's limits)."""
SPARQL_JSON = "application/sparql-results+json"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
ALT_LABEL = SKOS + "altLabel"
CURATED_LABELS = frozenset({RDFS + "label", ALT_LABEL, SKOS + "hiddenLabel"})


def user_agent() -> str:
    """What the Wikidata Query Service asks clients to send: tool name and version, a contact, library."""
    from lacrdf import __version__

    return f"lacrdf/{__version__} (https://w3id.org/lacrdf/; lacrdf enrich) python-requests/{requests.__version__}"


# ---------------------------------------------------------------------------------------------- what to ask

@dataclass(frozen=True, slots=True, order=True)
class WikidataLink:
    """An actor of ours and the Wikidata item its record names (``wikidata:``)."""

    item: str  # Q-id, e.g. Q155
    actor: str  # the actor's lacrdf IRI, under the default base


def wikidata_links(project: Project) -> tuple[WikidataLink, ...]:
    """Every actor with a Wikidata id, sorted by item number then actor IRI. IRIs are written under the
    default base (a build moves them to its own base, as it does the ontology's)."""
    ctx = Context(Namespaces(DEFAULT_BASE), project.actors, {})
    links = {WikidataLink(rec.wikidata, ctx.actor(rec.id).value) for rec in project.actors.values() if rec.wikidata}
    return tuple(sorted(links, key=lambda link: (_item_number(link.item), link.item, link.actor)))


def curated_labels(project: Project) -> dict[str, frozenset[tuple[str, str]]]:
    """Actor IRI -> the (text, language) of every label the curated graphs give it (rdfs:label,
    skos:altLabel, skos:hiddenLabel): a fetched name equal to one of them adds nothing."""
    ctx = Context(Namespaces(DEFAULT_BASE), project.actors, {})
    out: dict[str, frozenset[tuple[str, str]]] = {}
    for rec in project.actors.values():
        if rec.wikidata:
            out[ctx.actor(rec.id).value] = frozenset(
                (e.object.value, e.object.language or "") for e in convert_actor(rec, ctx)
                if e.predicate.value in CURATED_LABELS and isinstance(e.object, ox.Literal))
    return out


def _item_number(item: str) -> int:
    return int(item[1:]) if item[1:].isdigit() else 0


def batches(items: Sequence[str], size: int = BATCH_SIZE) -> list[tuple[str, ...]]:
    if size < 1:
        raise InputError("the batch size must be 1 or more")
    return [tuple(items[i:i + size]) for i in range(0, len(items), size)]


def label_query(items: Iterable[str], languages: Sequence[str] = LANGUAGES) -> str:
    """One SPARQL SELECT of the labels of ``items`` (Q-ids) in ``languages``."""
    values = [f"wd:{item}" for item in items]
    lines = ["    " + " ".join(values[i:i + 10]) for i in range(0, len(values), 10)]
    langs = ", ".join(f'"{lang}"' for lang in languages)
    return ("PREFIX wd: <http://www.wikidata.org/entity/>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            "SELECT ?item ?label WHERE {\n"
            "  VALUES ?item {\n" + "\n".join(lines) + "\n  }\n"
            "  ?item rdfs:label ?label .\n"
            f"  FILTER(LANG(?label) IN ({langs}))\n"
            "}\n")


# ---------------------------------------------------------------------------------------------- asking

Label = tuple[str, str, str]
"""A label kept for one of our actors: (actor IRI, text, language)."""


@dataclass(frozen=True, slots=True, order=True)
class FetchedLabel:
    item: str
    language: str
    text: str


def fetch_labels(endpoint: str, query: str, timeout: float) -> list[FetchedLabel]:
    """Send one SELECT by the SPARQL 1.1 Protocol (POST, URL-encoded form; JSON results) and return the
    labels it answers. Every failure is a RemoteError whose text says what failed, in one line."""
    _check_url(endpoint, "endpoint")
    where = safe_url(endpoint)
    try:
        response = requests.post(endpoint, data={"query": query}, timeout=(timeout, timeout),
                                 headers={"Accept": SPARQL_JSON, "User-Agent": user_agent()})
    except requests.Timeout:
        raise RemoteError(f"no answer from {where} within {timeout:g} s (--timeout)") from None
    except requests.RequestException as exc:
        raise RemoteError(f"cannot reach {where}: {_network_reason(exc)}") from None
    if response.status_code != 200:
        raise RemoteError(_http_message(where, response.status_code, _one_line(response.text)))
    results = results_from_json(response.content, where, response.headers.get("Content-Type", ""))
    if not {"item", "label"} <= set(results.variables):
        raise RemoteError(f"endpoint {where}: the results have no ?item and ?label "
                          f"(got {', '.join('?' + v for v in results.variables) or 'no variables'})")
    out = []
    for row in results.rows:
        item, label = row.get("item"), row.get("label")
        if (isinstance(item, ox.NamedNode) and item.value.startswith(WIKIDATA) and isinstance(label, ox.Literal)
                and label.language):
            out.append(FetchedLabel(item.value[len(WIKIDATA):], label.language.lower(), label.value))
    return out


# ---------------------------------------------------------------------------------------------- the graph

@dataclass(frozen=True)
class WikidataLabels:
    """One fetch: what was asked of which endpoint, when, and the labels kept for our actors."""

    endpoint: str
    queries: tuple[str, ...]
    started: datetime
    ended: datetime
    labels: tuple[Label, ...]  # sorted
    actors: int  # actors with a Wikidata id
    skipped: int  # fetched labels equal to a curated label, left out

    @property
    def labelled(self) -> int:
        return len({actor for actor, _, _ in self.labels})

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted({lang for _, _, lang in self.labels}))


def collect(links: Sequence[WikidataLink], fetched: Iterable[FetchedLabel],
            curated: Mapping[str, frozenset[tuple[str, str]]],
            languages: Sequence[str] = LANGUAGES) -> tuple[tuple[Label, ...], int]:
    """The labels to keep, as (actor IRI, text, language) sorted, and how many equal a curated label. Only
    the items and languages that were asked for are kept, whatever the endpoint sends."""
    actors_of: dict[str, list[str]] = {}
    for link in links:
        actors_of.setdefault(link.item, []).append(link.actor)
    wanted = set(languages)
    kept: set[Label] = set()
    skipped = 0
    for label in fetched:
        if label.language not in wanted:
            continue
        for actor in actors_of.get(label.item, ()):
            if (label.text, label.language) in curated.get(actor, frozenset()):
                skipped += 1
            else:
                kept.add((actor, label.text, label.language))
    return tuple(sorted(kept)), skipped


def graph_iri(ns: Namespaces, name: str = GRAPH_NAME) -> str:
    return enrichment_prefix(ns) + name


def enrichment_quads(fetch: WikidataLabels, ns: Namespaces | None = None, name: str = GRAPH_NAME) -> list[ox.Quad]:
    """The enrichment graph: each label as ``<actor> skos:altLabel "text"@lang``, and its provenance —
    the graph ``prov:wasGeneratedBy`` a ``prov:Activity`` that ``prov:used`` the endpoint and the query
    (a ``prov:Entity`` whose ``prov:value`` is the query text), started and ended at xsd:dateTime times, by
    lacrdf (a ``prov:SoftwareAgent``); the graph ``prov:wasDerivedFrom`` the endpoint. Sorted; IRIs have
    no blank nodes and depend only on the content, so the same answers give the same quads."""
    from lacrdf import __version__

    ns = ns or Namespaces(DEFAULT_BASE)
    graph = graph_iri(ns, name)
    when = f"{_when(fetch.started)} {_when(fetch.ended)}"
    digest = hashlib.sha256("\n".join([fetch.endpoint, when, *fetch.queries]).encode()).hexdigest()[:16]
    activity = f"{ns.base}enrich/{name}/{digest}"
    tool = f"{ns.base}tool/lacrdf"
    g = ox.NamedNode(graph)
    quads: set[ox.Quad] = set()

    def add(s: str, p: str, o: str | ox.Literal) -> None:
        quads.add(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o) if isinstance(o, str) else o, g))

    for actor, text, lang in fetch.labels:
        add(actor, ALT_LABEL, ox.Literal(text, language=lang))
    add(graph, RDF + "type", PROV + "Entity")
    add(graph, RDFS + "label", ox.Literal(f"names of the actors in {', '.join(LANGUAGES)} from their Wikidata "
                                          "items", language="en"))
    add(graph, PROV + "wasGeneratedBy", activity)
    add(graph, PROV + "wasDerivedFrom", fetch.endpoint)
    add(activity, RDF + "type", PROV + "Activity")
    add(activity, RDFS + "label", ox.Literal(f"lacrdf enrich --wikidata: labels in {', '.join(LANGUAGES)} of "
                                             f"{fetch.actors} actors' Wikidata items", language="en"))
    add(activity, PROV + "startedAtTime", _when(fetch.started))
    add(activity, PROV + "endedAtTime", _when(fetch.ended))
    add(activity, PROV + "used", fetch.endpoint)
    add(activity, PROV + "wasAssociatedWith", tool)
    add(fetch.endpoint, RDF + "type", PROV + "Entity")
    add(tool, RDF + "type", PROV + "SoftwareAgent")
    add(tool, RDFS + "label", ox.Literal(f"lacrdf {__version__}", language="en"))
    for n, query in enumerate(fetch.queries, 1):
        entity = f"{activity}/query/{n}"
        add(activity, PROV + "used", entity)
        add(entity, RDF + "type", PROV + "Entity")
        add(entity, RDFS + "label", ox.Literal(f"SPARQL query {n} of {len(fetch.queries)}", language="en"))
        add(entity, DCT + "format", ox.Literal("application/sparql-query"))
        add(entity, PROV + "value", ox.Literal(query))
    return sorted(quads, key=lambda q: (str(q.subject), str(q.predicate), str(q.object)))


def enrichment_trig(quads: Sequence[ox.Quad], ns: Namespaces | None = None) -> bytes:
    """The quads as TriG with the project's prefixes (given sorted, they give the same bytes every time)."""
    prefixes = (ns or Namespaces(DEFAULT_BASE)).prefixes()
    return ox.serialize(list(quads), format=ox.RdfFormat.TRIG, prefixes=prefixes) or b""


def _when(t: datetime) -> ox.Literal:
    stamp = t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return ox.Literal(stamp, datatype=ox.NamedNode(XSD + "dateTime"))


def _now(env: Mapping[str, str]) -> datetime:
    """SOURCE_DATE_EPOCH if set (reproducible files), else the wall clock: when the fetch really happened."""
    return build_time(env, None) or datetime.now(timezone.utc).replace(microsecond=0)


# ---------------------------------------------------------------------------------------------- one call

@dataclass(frozen=True)
class EnrichReport:
    fetch: WikidataLabels
    output: str  # as shown to the user
    requests: int

    def render(self) -> str:
        e = self.fetch
        langs = ", ".join(e.languages) or "no language"
        skipped = f"; {e.skipped} equal to a curated label left out" if e.skipped else ""
        plural = "s" if self.requests != 1 else ""
        return (f"{len(e.labels)} labels ({langs}) for {e.labelled} of {e.actors} actors with a Wikidata id, "
                f"from {e.endpoint} ({self.requests} request{plural}{skipped}); wrote {self.output}\n")


class EnrichError(RemoteError):
    """A fetch that failed: nothing was written and the previous file, if any, is as it was."""

    def __init__(self, reason: str, output: str) -> None:
        self.reason = reason
        self.output = output
        super().__init__(self.render())

    def render(self) -> str:
        return f"lacrdf: {self.reason}; {self.output} not written"

    def __str__(self) -> str:
        return self.render()


def enrich_wikidata(project: Project, endpoint: str, output: Path, *, timeout: float = 60.0,
                    batch_size: int = BATCH_SIZE, shown: str | None = None,
                    env: Mapping[str, str] | None = None) -> EnrichReport:
    """Fetch the labels of every actor's Wikidata item from ``endpoint`` and write the enrichment graph to
    ``output`` (TriG, atomically). Nothing is written unless every request succeeded; a failure is an
    EnrichError (exit code 3) of one line naming the endpoint, the reason and the file not written."""
    shown = shown or str(output)
    if timeout <= 0:
        raise InputError("--timeout must be more than 0 seconds")
    links = wikidata_links(project)
    if not links:
        raise InputError("no actor has a Wikidata id ('wikidata:' in data/actors); nothing to fetch")
    _check_url(endpoint, "endpoint")
    try:
        iri = ox.NamedNode(safe_url(endpoint))
    except ValueError:
        raise InputError(f"endpoint {safe_url(endpoint)!r} is not a valid IRI") from None
    env = os.environ if env is None else env
    items = sorted({link.item for link in links}, key=lambda i: (_item_number(i), i))
    queries = tuple(label_query(chunk) for chunk in batches(items, batch_size))
    started = _now(env)
    fetched: list[FetchedLabel] = []
    try:
        for query in queries:
            fetched.extend(fetch_labels(endpoint, query, timeout))
    except RemoteError as exc:
        raise EnrichError(exc.render(), shown) from None
    ended = _now(env)
    labels, skipped = collect(links, fetched, curated_labels(project))
    fetch = WikidataLabels(iri.value, queries, started, ended, labels, len({link.actor for link in links}), skipped)
    try:
        atomic_write_many({output: enrichment_trig(enrichment_quads(fetch))})
    except OSError as exc:
        raise InputError(f"{shown}: cannot write the enrichment graph ({exc.strerror or exc})") from None
    return EnrichReport(fetch, shown, len(queries))


def dry_run(project: Project, batch_size: int = BATCH_SIZE) -> list[str]:
    """The queries ``enrich_wikidata`` would send (nothing is sent or written)."""
    items = sorted({link.item for link in wikidata_links(project)}, key=lambda i: (_item_number(i), i))
    if not items:
        raise InputError("no actor has a Wikidata id ('wikidata:' in data/actors); nothing to fetch")
    return [label_query(chunk) for chunk in batches(items, batch_size)]
