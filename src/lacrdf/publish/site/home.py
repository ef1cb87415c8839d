"""The home page (what the graph holds, the network diagrams of missions and agreements, the states,
organisations and source documents, the downloads) and the list of every resource by class."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping

import pyoxigraph as ox

from lacrdf.graph.dumps import FORMATS
from lacrdf.publish.site.html import Renderer, e, page
from lacrdf.publish.site.index import SiteIndex
from lacrdf.publish.site.layout import RDF_VARIANTS, place_of
from lacrdf.publish.site.svg import Box, Edge, Node, bipartite
from lacrdf.vocab import W3C

MISSION_STYLES = (("Embassy", "solid", "embassy"), ("ConsulateGeneral", "dashed", "consulate general"),
                  ("HonoraryConsulate", "dotted", "honorary consulate"))


def _node(index: SiteIndex, r: Renderer, iri: str, title: str | None = None) -> Node:
    return Node(iri, index.label(iri), r.link_to_href(iri), title)


def missions_diagram(index: SiteIndex, r: Renderer) -> tuple[str, list[Box]] | None:
    """Sending states on the left, host countries on the right, one line per mission, styled by its kind
    (several missions of one state in one country are drawn side by side)."""
    lac = index.lac
    edges = []
    for mission in index.instances_of_class("DiplomaticMission"):
        sending = index.value(mission, lac + "sendingState")
        host = index.value(mission, lac + "hostState")
        if host is None:
            seat = index.value(mission, lac + "seat")
            host = index.value(seat.value, lac + "country") if seat is not None else None
        if sending is None or host is None:
            continue
        style = next((s for cls, s, _ in MISSION_STYLES if index.is_a(mission, cls)), "dotted")
        edges.append(Edge(sending.value, host.value, style, index.label(mission)))
    if not edges:
        return None
    left = [_node(index, r, s) for s in sorted({e.left for e in edges})]
    right = [_node(index, r, h) for h in sorted({e.right for e in edges})]
    legend = [(style, text) for _, style, text in MISSION_STYLES]
    return bipartite("Diplomatic missions: which state keeps a mission in which country", "Sending state",
                     "Host country", left, right, edges, legend)


def agreements_diagram(index: SiteIndex, r: Renderer) -> tuple[str, list[Box]] | None:
    """Parties on the left, agreements on the right."""
    edges = []
    agreements = index.instances_of_class("Agreement")
    for agreement in agreements:
        for party in index.values(agreement, index.lac + "party"):
            edges.append(Edge(party.value, agreement, "solid",
                              f"{index.label(party.value)}: {index.label(agreement)}"))
    if not edges:
        return None
    left = [_node(index, r, p) for p in sorted({e.left for e in edges})]
    right = [_node(index, r, a) for a in agreements if any(e.right == a for e in edges)]
    return bipartite("Agreements: who is party to which agreement", "Party", "Agreement", left, right, edges)


def _count_facts(index: SiteIndex, iri: str) -> int:
    return len(index.facts_about(iri))


def home_page(index: SiteIndex, dist_files: Mapping[str, bytes], counts: Mapping[str, int]) -> bytes:
    path = "index.html"
    r = Renderer(index, path)
    facts = [s for s in index.resources if index.is_fact(s)]
    actors = [s for s in index.resources if index.is_a(s, "Actor")]
    sources = index.instances_of_class("SourceDocument")
    numbers = [(len(sources), "source documents"), (len(facts), "facts, each citing its paragraph"),
               (len(actors), "actors"), (counts["triples"], "triples"), (counts["graphs"], "named graphs")]
    parts = [
        "<h1>Diplomatic relations of Latin America &amp; the Caribbean</h1>",
        "<p>An open knowledge graph of the diplomatic relations between the 33 CELAC states and their "
        "partners: missions, agreements, visits, programmes, figures and positions. Every fact is curated "
        "from a public source document and cites its paragraph. Every IRI below is a page for people and "
        "RDF for programs.</p>",
        '<ul class="numbers">' + "".join(f"<li><b>{n:,}</b>{e(t)}</li>" for n, t in numbers) + "</ul>",
    ]
    for diagram, caption in (
        (missions_diagram(index, r), "Who keeps missions where. Lines run from the sending state to the "
         "host country; a mission known only by its seat city is drawn to that city's country."),
        (agreements_diagram(index, r), "Who is party to which agreement. Lines are coloured by party; "
         "long titles are shortened (the full title is on the agreement's page)."),
    ):
        if diagram:
            parts.append(f"<figure>{diagram[0]}<figcaption>{e(caption)} Names link to their pages."
                         "</figcaption></figure>")
    parts.append(_actor_lists(index, r))
    parts.append(_sources(index, r, sources))
    parts.append(_data_section(r, dist_files, index.ns.resources))
    description = ("An open knowledge graph of the diplomatic relations of Latin America and the Caribbean, "
                   "every fact citing its source paragraph.")
    block = json.dumps(dataset_description(index, dist_files, description), ensure_ascii=False, indent=1,
                       sort_keys=True).replace("</", "<\\/")
    return page("Diplomatic relations of Latin America & the Caribbean", "\n".join(parts), path=path,
                alternates=[(v.media_type, f"VoID ({v.label})", f"void.{v.ext}") for v in RDF_VARIANTS],
                description=description, head=f'\n<script type="application/ld+json">\n{block}\n</script>')


DATE_PREDICATES = ("date", "dateSigned", "startDate", "endDate", "asOf", "periodStart", "periodEnd",
                   "earliestDate", "latestDate")


def dataset_description(index: SiteIndex, dist_files: Mapping[str, bytes], description: str) -> dict[str, object]:
    """The schema.org Dataset that dataset search engines read: name, description, license, version, the
    downloads, and the temporal coverage the facts' dates span (years as the data states them)."""
    from lacrdf import __version__

    base = index.ns.base
    years = sorted(v.value[:4] for fact in index.resources if index.is_fact(fact) for name in DATE_PREDICATES
                   for v in index.values(fact, index.lac + name)
                   if isinstance(v, ox.Literal) and v.value[:4].isdigit())
    downloads = []
    for name in sorted(dist_files):
        ext = name.rsplit(".", 1)[-1]
        fmt = next((f for f in FORMATS.values() if f.extension == ext), None)
        downloads.append({"@type": "DataDownload", "contentUrl": f"{base}dist/{name}",
                          "encodingFormat": fmt.media_type if fmt else "text/turtle",
                          "contentSize": f"{len(dist_files[name])} B"})
    out: dict[str, object] = {
        "@context": "https://schema.org/", "@type": "Dataset", "@id": base,
        "name": "lacrdf: diplomatic relations of Latin America & the Caribbean",
        "description": description, "url": base, "version": __version__,
        "license": "https://creativecommons.org/publicdomain/zero/1.0/", "isAccessibleForFree": True,
        "creator": {"@type": "Organization", "name": "The lacrdf contributors"},
        "keywords": ["diplomacy", "Latin America and the Caribbean", "CELAC", "linked data"],
        "spatialCoverage": {"@type": "Place", "name": "Latin America and the Caribbean"},
        "distribution": downloads,
    }
    if years:
        out["temporalCoverage"] = f"{years[0]}/{years[-1]}"
    return out


def _actor_lists(index: SiteIndex, r: Renderer) -> str:
    out = []
    for cls, heading in (("SovereignState", "States"), ("InternationalOrganization", "Organisations"),
                         ("Region", "Regions")):
        members = sorted(index.instances_of_class(cls), key=lambda s: (index.label(s), s))
        if not members:
            continue
        items = "".join(f'<li>{r.link_to(s)} <span class="meta">({_count_facts(index, s)})</span></li>'
                        for s in members)
        out.append(f'<h2>{e(heading)}</h2>\n<ul class="cols">{items}</ul>')
    if out:
        out.insert(0, '<p class="meta">In brackets: the number of facts each takes part in. '
                   f'Cities, persons, bodies and companies are listed under '
                   f'<a href="{r.file("resources.html")}">all resources</a>.</p>')
    return "\n".join(out)


def _sources(index: SiteIndex, r: Renderer, sources: list[str]) -> str:
    if not sources:
        return ""
    rows = []
    for s in sources:
        publisher = index.value(s, W3C.DCT_PUBLISHER.value)
        issued = index.value(s, W3C.DCT_ISSUED.value)
        # each fact once, however many of the document's paragraphs it cites (as lacrdf stats counts)
        cited = len({f for loc in index.subjects_linking(s, W3C.DCT_IS_PART_OF.value)
                     for f in index.subjects_linking(loc, W3C.PROV_DERIVED.value)})
        rows.append(f"<tr><td>{r.link_to(s)}</td><td>{r.link_to(publisher.value) if publisher else ''}</td>"
                    f"<td>{e(issued.value) if issued else ''}</td><td>{cited}</td></tr>")
    return ('<h2>Source documents</h2>\n<div class="wrap"><table><thead><tr><th>Document</th><th>Publisher'
            f'</th><th>Date</th><th>Facts</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def _size(n: int) -> str:
    return f"{n / 1024:,.0f} KiB" if n >= 1024 else f"{n} bytes"


def _data_section(r: Renderer, dist_files: Mapping[str, bytes], resources: str) -> str:
    media = {f"lacrdf.{f.extension}": f.media_type for f in FORMATS.values()}
    rows = "".join(f'<tr><td><a href="{r.file("dist/" + name)}">{e(name)}</a></td>'
                   f"<td>{e(media.get(name, 'text/turtle'))}</td><td>{_size(len(data))}</td></tr>"
                   for name, data in sorted(dist_files.items()))
    void_links = " · ".join(f'<a href="{r.file(f"void.{v.ext}")}">{e(v.label)}</a>' for v in RDF_VARIANTS)
    return f"""<h2>Data</h2>
<div class="wrap"><table><thead><tr><th>Download</th><th>Media type</th><th>Size</th></tr></thead>
<tbody>{rows}</tbody></table></div>
<p>Dataset description (VoID, DCAT catalogue and build provenance in PROV-O): {void_links}; also served
at <code>/.well-known/void</code>. The <a href="{r.file("ontology.html")}">ontology</a> documents every class
and property.</p>
<p>Every resource IRI answers with this site's HTML page in a browser and with RDF when asked for it:</p>
<pre>curl -H 'Accept: text/turtle' {e(resources)}state/BE</pre>
<p>Query the graph with SPARQL: <code>lacrdf serve --port 7878</code> starts an endpoint at
<code>http://127.0.0.1:7878/query</code>; <code>lacrdf serve --site site</code> serves this site with the same
content negotiation as its <code>.htaccess</code> and <code>nginx.conf</code>.</p>"""


def resources_page(index: SiteIndex) -> bytes:
    """Every resource with a page, grouped by class."""
    path = "resources.html"
    r = Renderer(index, path)
    groups: dict[str, list[str]] = defaultdict(list)
    for iri in index.resources:
        types = index.type_of(iri)
        groups[types[0] if types else ""].append(iri)
    headings = sorted(groups, key=lambda c: (index.label(c) if c else "other").lower())
    toc = " · ".join(f'<a href="#{_anchor(c)}">{e(index.label(c) if c else "other")}</a> '
                     f"({len(groups[c])})" for c in headings)
    sections = []
    for cls in headings:
        members = sorted(groups[cls], key=lambda s: (index.label(s).lower(), s))
        items = "".join(f"<li>{r.link_to(s)}</li>" for s in members)
        title = r.link_to(cls) if cls and place_of(cls, index.ns) else e(index.label(cls) if cls else "other")
        sections.append(f'<h2 id="{_anchor(cls)}">{title} ({len(members)})</h2>\n<ul class="cols">{items}</ul>')
    body = (f"<h1>All resources</h1>\n<p>{len(index.resources):,} resources, each with an HTML page and "
            f"its description in RDF.</p>\n<p>{toc}</p>\n" + "\n".join(sections))
    return page("All resources", body, path=path)


def _anchor(iri: str) -> str:
    tail = iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1] if iri else "other"
    return "c-" + "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in tail)
