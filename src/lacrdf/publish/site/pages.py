"""The page of one resource: names in every language, types, its own statements, the facts it takes part
in (with date, amount and the source paragraph cited), what links to it, and for a state its figures
as a bar chart."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from lacrdf.publish.site.evidence import SourceTexts, highlighted_paragraph, offsets_only, quoted_spans
from lacrdf.publish.site.html import Renderer, e, fact_date, format_amount, formats_line, page, rdf_alternates
from lacrdf.publish.site.index import SiteIndex, tv
from lacrdf.publish.site.layout import place_of
from lacrdf.publish.site.svg import Bar, bar_chart
from lacrdf.vocab import W3C

LANGUAGE_NAMES = {"en": "English", "es": "Español", "pt": "Português", "fr": "Français"}
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
SKOS_HIDDEN = "http://www.w3.org/2004/02/skos/core#hiddenLabel"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
# shown in their own sections, not in the list of statements
_SHOWN_ELSEWHERE = {W3C.RDF_TYPE.value, W3C.RDFS_LABEL.value, SKOS_PREF, SKOS_ALT, W3C.PROV_DERIVED.value}


def resource_page(index: SiteIndex, iri: str, texts: SourceTexts | None = None) -> bytes:
    place = place_of(iri, index.ns)
    assert place is not None, iri
    path = f"{place.path}.html"
    r = Renderer(index, path)
    title = index.label(iri)
    types = index.type_of(iri)
    parts = [f"<h1>{e(title)}</h1>"]
    if types:
        parts.append(f'<p class="kind">{", ".join(r.link_to(t) for t in types)}</p>')
    parts += [f'<p class="iri">{e(iri)}</p>', formats_line(r, place.path)]
    texts = texts if texts is not None else SourceTexts(index, None)
    parts += [_names(index, iri), _chart(index, r, iri), _paragraph_text(index, r, iri, texts),
              _statements(index, r, iri), _cited(index, r, iri), _evidence(index, r, iri, texts),
              _paragraphs(index, r, iri), _members(index, r, iri), _facts(index, r, iri),
              _linked_from(index, r, iri)]
    kinds = ", ".join(index.label(t) for t in types)
    return page(title, "\n".join(p for p in parts if p), path=path, alternates=rdf_alternates(place.path),
                description=f"{title} ({kinds}) in the lacrdf knowledge graph" if kinds else title)


def _names(index: SiteIndex, iri: str) -> str:
    labels = index.labels_by_language(iri)
    alt: dict[str, list[str]] = defaultdict(list)
    for t in index.triples_of(iri):
        if t.predicate.value == SKOS_ALT and isinstance(t.object, ox.Literal):
            alt[t.object.language or ""].append(t.object.value)
    if len(labels) < 2 and not alt:
        return ""
    rows = []
    for lang, name in labels:
        others = "; ".join(alt.get(lang, []))
        rows.append(f'<tr><th scope="row">{e(LANGUAGE_NAMES.get(lang, lang or "—"))}</th>'
                    f'<td lang="{e(lang)}">{e(name)}</td><td lang="{e(lang)}">{e(others)}</td></tr>')
    return ('<h2>Names</h2>\n<div class="wrap"><table><thead><tr><th>Language</th><th>Name</th>'
            f'<th>Other names</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def _statements(index: SiteIndex, r: Renderer, iri: str) -> str:
    by_pred: dict[str, list[str]] = defaultdict(list)
    for t in index.triples_of(iri):
        pred = t.predicate.value
        if pred in _SHOWN_ELSEWHERE:
            continue
        if pred == index.lac + "count" and isinstance(t.object, ox.Literal):
            by_pred[pred].append(e(index.qualifier(iri) + t.object.value))
        elif pred == index.lac + "amount" and isinstance(t.object, ox.NamedNode):
            amount = index.amount(iri)
            text = format_amount(amount) if amount else index.label(t.object.value)
            by_pred[pred].append(r.link_to(t.object.value, text))
        else:
            by_pred[pred].append(r.term(t.object))  # type: ignore[arg-type]
    if not by_pred:
        return ""
    rows = []
    for pred in sorted(by_pred, key=lambda p: (r.predicate(p), p)):
        values = sorted(by_pred[pred])
        shown = values[0] if len(values) == 1 else "<ul>" + "".join(f"<li>{v}</li>" for v in values) + "</ul>"
        rows.append(f"<dt>{r.link_to(pred, r.predicate(pred))}</dt><dd>{shown}</dd>")
    return f'<h2>Statements</h2>\n<dl class="props">{"".join(rows)}</dl>'


def _cited(index: SiteIndex, r: Renderer, iri: str) -> str:
    cites = index.citations(iri)
    if not cites:
        return ""
    items = "".join(f"<li>{r.citation(c)}</li>" for c in cites)
    return f"<h2>Source</h2>\n<ul>{items}</ul>"


def _evidence(index: SiteIndex, r: Renderer, iri: str, texts: SourceTexts) -> str:
    """On a fact's page: the words of each paragraph it cites that state it."""
    spans = index.evidence(iri)
    return quoted_spans(r, texts, spans) if spans else ""


def _paragraph_text(index: SiteIndex, r: Renderer, iri: str, texts: SourceTexts) -> str:
    """On a paragraph's page: its text with each fact's evidence span highlighted and linked to the fact."""
    if not index.is_a(iri, "ParagraphLocator"):
        return ""
    spans = index.spans_by_locator.get(iri, [])
    text = texts.paragraph(iri)
    if text is None:
        return "<h2>Text and evidence</h2>\n" + offsets_only(r, spans)
    return "<h2>Text and evidence</h2>\n" + highlighted_paragraph(r, text, spans)


def _paragraphs(index: SiteIndex, r: Renderer, iri: str) -> str:
    """On a source document's page: each cited paragraph with the facts curated from it."""
    locators = index.subjects_linking(iri, W3C.DCT_IS_PART_OF.value)
    if not locators:
        return ""
    numbered = []
    for loc in locators:
        found = index.value(loc, index.lac + "paragraphNumber")
        numbered.append((int(found.value) if found is not None else 0, loc))
    items = []
    total = 0
    for number, loc in sorted(numbered):
        facts = index.subjects_linking(loc, W3C.PROV_DERIVED.value)
        total += len(facts)
        links = "".join(f"<li>{r.link_to(f)}</li>" for f in facts)
        items.append(f"<li>{r.link_to(loc, f'Paragraph {number}')}<ul>{links}</ul></li>")
    return (f"<h2>Paragraphs cited ({len(numbered)}), with the facts curated from them ({total})</h2>\n"
            f'<ul class="facts">{"".join(items)}</ul>')


def _members(index: SiteIndex, r: Renderer, iri: str) -> str:
    members = index.scheme_members.get(iri)
    if not members:
        return ""
    items = "".join(f"<li>{r.link_to(m)}</li>" for m in members)
    return f'<h2>Concepts in this scheme</h2>\n<ul class="cols">{items}</ul>'


def fact_line(index: SiteIndex, r: Renderer, fact: str, roles: list[str] | None = None) -> str:
    """One fact as a list item: its label, kind, role, date, amount and citation."""
    meta = [", ".join(index.label(t) for t in index.type_of(fact))]
    if roles:
        meta.append("as " + ", ".join(r.predicate(p) for p in roles))
    _, when = fact_date(index, fact)
    if when:
        meta.append(when)
    amount = index.amount(fact)
    if amount:
        meta.append(format_amount(amount))
    cites = index.citations(fact)
    cite = f'<br><span class="cite">Source: {r.citations(cites)}</span>' if cites else ""
    return f'<li>{r.link_to(fact)} <span class="meta">· {e(" · ".join(m for m in meta if m))}</span>{cite}</li>'


def _facts(index: SiteIndex, r: Renderer, iri: str) -> str:
    facts = index.facts_about(iri)
    if not facts:
        return ""
    ordered = sorted(facts, key=lambda fr: (fact_date(index, fr[0])[0], index.label(fr[0]), fr[0]))
    items = "".join(fact_line(index, r, f, roles) for f, roles in ordered)
    return f'<h2>Facts ({len(facts)})</h2>\n<ul class="facts">{items}</ul>'


def _linked_from(index: SiteIndex, r: Renderer, iri: str) -> str:
    by_pred: dict[str, set[str]] = defaultdict(set)
    for t in index.incoming.get(iri, []):
        subject = tv(t.subject)
        # facts, a document's paragraphs and the evidence narrowing a paragraph have sections of their own
        if index.is_fact(subject) or t.predicate.value in (W3C.DCT_IS_PART_OF.value, W3C.OA_HAS_SOURCE.value):
            continue
        by_pred[t.predicate.value].add(subject)
    if not by_pred:
        return ""
    rows = []
    for pred in sorted(by_pred, key=lambda p: (r.predicate(p), p)):
        subjects = sorted(by_pred[pred], key=lambda s: (index.label(s), s))
        rows.append(f"<dt>{e(r.predicate(pred))} of</dt><dd>{', '.join(r.link_to(s) for s in subjects)}</dd>")
    return f'<h2>Linked from</h2>\n<dl class="props">{"".join(rows)}</dl>'


def short_name(index: SiteIndex, iri: str) -> str:
    """An acronym, or the shortest English name, for tight spaces such as chart labels."""
    acronym = index.value(iri, index.lac + "acronym")
    if acronym is not None:
        return acronym.value
    names = [index.label(iri)] + [t.object.value for t in index.triples_of(iri)
                                   if t.predicate.value == SKOS_HIDDEN and isinstance(t.object, ox.Literal)
                                   and t.object.language == "en" and len(t.object.value) >= 2]
    return min(names, key=lambda n: (len(n), n))


def figure_bars(index: SiteIndex, r: Renderer, state: str) -> list[Bar]:
    """The figures a state reports or is the partner of, as bars ordered by group and period."""
    lac = index.lac
    rows = []
    for fig in sorted(set(index.subjects_linking(state, lac + "reporter"))
                      | set(index.subjects_linking(state, lac + "partner"))):
        amount = index.amount(fig)
        if amount is None:
            continue
        ftype = index.value(fig, lac + "figureType")
        flow = index.value(fig, lac + "flow")
        names = [index.label(x.value) for x in (ftype, flow) if x is not None]
        if len(names) == 2 and names[0] in names[1]:  # "trade" + "trade turnover"
            names = names[1:]
        what = " ".join(names) or "figure"
        key, when = fact_date(index, fig)
        reporter = index.value(fig, lac + "reporter")
        partner = index.value(fig, lac + "partner")
        if reporter is not None and reporter.value == state:
            other = f" → {short_name(index, partner.value)}" if partner is not None else ""
        else:
            other = f" ← {short_name(index, reporter.value)}" if reporter is not None else ""
        label = f"{what} {when}".strip() + other
        group = amount.currency or amount.unit or ""
        rows.append((group, key, label, Bar(label, amount.value, format_amount(amount), group,
                                            r.link_to_href(fig), index.label(fig))))
    return [bar for *_, bar in sorted(rows, key=lambda x: (x[0], x[1], x[2]))]


def _chart(index: SiteIndex, r: Renderer, iri: str) -> str:
    if not index.is_a(iri, "SovereignState"):
        return ""
    bars = figure_bars(index, r, iri)
    if not bars:
        return ""
    name = index.label(iri)
    svg, _ = bar_chart(f"Figures of {name}", bars)
    return (f"<h2>Figures</h2>\n<figure>{svg}<figcaption>Trade, aid, loans and other figures of {e(name)} "
            "(→ reported by it for a partner, ← reported by a partner for it). Bars are scaled within each "
            "currency or unit; each bar links to its figure and source.</figcaption></figure>")
