"""The ontology's documentation page: every class and property with its labels and definitions in
English and Spanish, domain and range, super- and subclasses, alignments to other vocabularies, how
often the data uses it, and the concept schemes. Each term ``{base}ontology#Term`` is the anchor #Term."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from lacrdf.publish.site.html import Renderer, e, formats_line, page, rdf_alternates
from lacrdf.publish.site.index import SKOS_CONCEPT_SCHEME, SiteIndex, tv
from lacrdf.vocab import W3C

OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
KINDS = ((OWL + "Class", "Classes", "class"), (OWL + "ObjectProperty", "Object properties", "object property"),
         (OWL + "DatatypeProperty", "Datatype properties", "datatype property"),
         (OWL + "AnnotationProperty", "Annotation properties", "annotation property"))
ROWS = ((RDFS + "subClassOf", "subclass of"), (RDFS + "subPropertyOf", "subproperty of"),
        (RDFS + "domain", "domain"), (RDFS + "range", "range"), (OWL + "inverseOf", "inverse of"),
        (OWL + "equivalentClass", "equivalent class"), (OWL + "equivalentProperty", "equivalent property"),
        (OWL + "disjointWith", "disjoint with"))


def ontology_triples(index: SiteIndex) -> list[ox.Triple]:
    """The ontology's own description: the ontology node and its terms (concepts have their own pages)."""
    return [t for t in index.ontology_triples
            if tv(t.subject) == index.ns.ontology or tv(t.subject).startswith(index.ns.terms)]


def _text(index: SiteIndex, iri: str, predicate: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in index.values(iri, predicate):
        if isinstance(v, ox.Literal):
            out.setdefault(v.language or "", v.value)
    return out


def ontology_page(index: SiteIndex) -> bytes:
    path = "ontology.html"
    r = Renderer(index, path)
    onto = index.ns.ontology
    labels = _text(index, onto, W3C.RDFS_LABEL.value)
    comments = _text(index, onto, W3C.RDFS_COMMENT.value)
    version = index.value(onto, OWL + "versionInfo")
    title = labels.get("en", "lacrdf ontology")
    parts = [f"<h1>{e(title)}</h1>"]
    if "es" in labels:
        parts.append(f'<p class="kind" lang="es">{e(labels["es"])}</p>')
    parts += [f'<p class="iri">{e(onto)} · prefix <code>lac:</code> = <code>{e(index.ns.terms)}</code>'
              + (f" · version {e(version.value)}" if version is not None else "") + "</p>",
              formats_line(r, "ontology")]
    for lang in ("en", "es"):
        if lang in comments:
            parts.append(f'<p lang="{lang}">{e(comments[lang])}</p>')

    by_kind: dict[str, list[str]] = defaultdict(list)
    for term in index.terms:
        kinds = [k for k, _, _ in KINDS if k in index.types.get(term, [])]
        by_kind[kinds[0] if kinds else ""].append(term)
    toc = []
    for kind, heading, _ in KINDS:
        terms = by_kind.get(kind, [])
        if terms:
            links = ", ".join(f'<a href="#{e(_local(index, t))}">{e(_local(index, t))}</a>' for t in terms)
            toc.append(f"<h3>{e(heading)} ({len(terms)})</h3><p>{links}</p>")
    schemes = sorted(s for s in index.onto_out if SKOS_CONCEPT_SCHEME in index.types.get(s, []))
    if schemes:
        links = ", ".join(r.link_to(s) for s in schemes)
        toc.append(f'<h3>Concept schemes ({len(schemes)})</h3><p>{links}</p>')
    parts.append("<h2>Contents</h2>\n" + "\n".join(toc))

    usage = _usage(index)
    for kind, heading, singular in KINDS + (("", "Other terms", "term"),):
        terms = by_kind.get(kind, [])
        if terms:
            parts.append(f"<h2>{e(heading)}</h2>")
            parts += [_term(index, r, t, singular, usage) for t in terms]
    return page(title, "\n".join(parts), path=path, alternates=rdf_alternates("ontology"),
                description=comments.get("en"))


def _local(index: SiteIndex, term: str) -> str:
    return term[len(index.ns.terms):]


def _usage(index: SiteIndex) -> dict[str, int]:
    """How many data triples use each term (as predicate, or as the class of an instance)."""
    used: dict[str, int] = defaultdict(int)
    for t in index.data_triples:
        used[t.predicate.value] += 1
        if t.predicate == W3C.RDF_TYPE:
            used[tv(t.object)] += 1
    return used


def _term(index: SiteIndex, r: Renderer, term: str, kind: str, usage: dict[str, int]) -> str:
    local = _local(index, term)
    labels = _text(index, term, W3C.RDFS_LABEL.value)
    comments = _text(index, term, W3C.RDFS_COMMENT.value)
    rows = []
    if "es" in labels:
        rows.append(f'<dt>label (es)</dt><dd lang="es">{e(labels["es"])}</dd>')
    for lang, name in (("en", "definition"), ("es", "definición")):
        if lang in comments:
            rows.append(f'<dt>{name} ({lang})</dt><dd lang="{lang}">{e(comments[lang])}</dd>')
    for pred, name in ROWS:
        values = sorted(v.value for v in index.values(term, pred) if isinstance(v, ox.NamedNode))
        if values:
            rows.append(f"<dt>{e(name)}</dt><dd>{', '.join(_ref(index, r, v) for v in values)}</dd>")
    for pred, name in ((RDFS + "subClassOf", "subclasses"), (RDFS + "subPropertyOf", "subproperties")):
        subs = sorted(tv(t.subject) for t in index.ontology_triples
                      if t.predicate.value == pred and tv(t.object) == term)
        if subs:
            rows.append(f"<dt>{e(name)}</dt><dd>{', '.join(_ref(index, r, s) for s in subs)}</dd>")
    if kind == "class":  # instances of the class or of any subclass (every embassy is a diplomatic mission)
        local_name = term[len(index.lac):] if term.startswith(index.lac) else None
        count = len(index.instances_of_class(local_name)) if local_name else usage.get(term, 0)
        rows.append(f"<dt>in the data</dt><dd>{count} instances (its subclasses' included)</dd>")
    else:
        rows.append(f"<dt>in the data</dt><dd>{usage.get(term, 0)} triples</dd>")
    return (f'<section id="{e(local)}"><h3>{e(labels.get("en", local))} <code>lac:{e(local)}</code></h3>'
            f'<p class="meta">{e(kind)} · <span class="iri">{e(term)}</span></p>'
            f'<dl class="props">{"".join(rows)}</dl></section>')


def _ref(index: SiteIndex, r: Renderer, iri: str) -> str:
    """A term reference: our terms by local name (an anchor on this page), others by prefixed name."""
    if iri.startswith(index.ns.terms):
        return f'<a href="#{e(_local(index, iri))}">lac:{e(_local(index, iri))}</a>'
    return r.link_to(iri, index.short(iri))
