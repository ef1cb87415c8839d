"""The HTML shell of every page (inline CSS, no scripts, no external assets, readable on a phone; a search
box that opens the search page) and the formatting of RDF values: labels linked to their pages, dates,
amounts, citations."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from html import escape

import pyoxigraph as ox

from lacrdf import __version__
from lacrdf.publish.site.index import Amount, Citation, SiteIndex
from lacrdf.publish.site.layout import RDF_VARIANTS, href, place_of, site_href
from lacrdf.vocab import W3C

CSS = """
:root{--fg:#1d2330;--muted:#5b6475;--line:#d9dde5;--accent:#0b5cad;--bg:#fff;--soft:#f4f6f9}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);
background:var(--bg)}
header.top{background:#13294b;color:#fff;padding:.5rem 1rem}
header.top nav{display:flex;flex-wrap:wrap;gap:.2rem 1rem}
header.top a{color:#fff;text-decoration:none;white-space:nowrap}
header.top a.home{font-weight:700}
header.top form.search{margin-left:auto}
header.top form.search input{font:inherit;font-size:.9rem;padding:.1rem .4rem;border:0;border-radius:4px;width:14rem;
max-width:60vw}
main{max-width:70rem;margin:0 auto;padding:1rem}
h1{font-size:1.7rem;line-height:1.25;margin:.6rem 0 .2rem}
h2{font-size:1.25rem;margin:1.8rem 0 .6rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
h3{font-size:1.05rem;margin:1.2rem 0 .3rem}
a{color:var(--accent)}
.kind{color:var(--muted);margin:0 0 .6rem}
.iri{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.85rem;word-break:break-all;color:var(--muted)}
.formats a{margin-right:.6rem;white-space:nowrap}
dl.props{display:grid;grid-template-columns:minmax(8rem,14rem) 1fr;gap:.3rem 1rem;margin:0}
dl.props dt{color:var(--muted)}
dl.props dd{margin:0;overflow-wrap:anywhere}
dl.props dd ul{margin:0;padding-left:1.1rem}
ul.facts{list-style:none;padding:0;margin:0}
ul.facts>li{border-top:1px solid var(--line);padding:.45rem 0}
ul.facts ul{margin:.2rem 0 0;padding-left:1.2rem}
.meta{color:var(--muted);font-size:.9rem}
.cite{font-size:.9rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
.wrap{overflow-x:auto}
figure{margin:1rem 0;padding:.6rem;width:fit-content;max-width:100%;background:var(--soft);border-radius:6px;
overflow-x:auto}
figure svg{max-width:100%;height:auto;display:block;background:#fff}
figcaption{font-size:.9rem;color:var(--muted);margin-top:.4rem}
ul.cols{columns:14rem;padding-left:1.1rem}
.numbers{display:flex;flex-wrap:wrap;gap:.6rem;padding:0;list-style:none}
.numbers li{background:var(--soft);border-radius:6px;padding:.4rem .8rem}
.numbers b{font-size:1.3rem;display:block}
code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.9em;background:var(--soft);padding:0 .2em}
blockquote.para{margin:0;padding:.6rem .8rem;background:var(--soft);border-left:4px solid var(--line);
white-space:pre-wrap}
blockquote.para mark{background:#fff1a8;color:inherit}
blockquote.para mark.many{background:#ffd966}
a.ev{color:inherit;text-decoration:none}
a.ev:hover mark,a.ev:focus mark{outline:2px solid var(--accent)}
figure.quote{background:none;padding:0;width:auto}
figure.quote blockquote{margin:0;padding:.4rem .8rem;border-left:4px solid #fff1a8;background:var(--soft)}
pre{background:var(--soft);padding:.6rem;overflow-x:auto;font-size:.85rem}
footer{max-width:70rem;margin:2rem auto 1rem;padding:0 1rem;color:var(--muted);font-size:.85rem}
@media (max-width:40rem){dl.props{grid-template-columns:1fr}dl.props dd{margin-bottom:.5rem}
h1{font-size:1.4rem}}
""".strip()

SCALE_WORDS = {0: "", 3: "thousand", 6: "million", 9: "billion", 12: "trillion"}
STANDARD_LABELS = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": "type",
    "http://www.w3.org/2000/01/rdf-schema#label": "name",
    "http://www.w3.org/2000/01/rdf-schema#comment": "comment",
    "http://www.w3.org/2002/07/owl#sameAs": "same as",
    "http://www.w3.org/2004/02/skos/core#altLabel": "other names",
    "http://www.w3.org/2004/02/skos/core#hiddenLabel": "also written",
    "http://www.w3.org/2004/02/skos/core#prefLabel": "name",
    "http://www.w3.org/2004/02/skos/core#inScheme": "in scheme",
    "http://www.w3.org/2004/02/skos/core#notation": "notation",
    "http://purl.org/dc/terms/identifier": "identifier",
    "http://purl.org/dc/terms/title": "title",
    "http://purl.org/dc/terms/publisher": "publisher",
    "http://purl.org/dc/terms/creator": "author",
    "http://purl.org/dc/terms/language": "language",
    "http://purl.org/dc/terms/issued": "issued",
    "http://purl.org/dc/terms/isPartOf": "part of",
    "http://www.w3.org/ns/prov#wasDerivedFrom": "source paragraph",
    "http://www.w3.org/ns/prov#wasAttributedTo": "attributed to",
    "http://www.w3.org/ns/prov#generated": "resulted in",
    "http://www.w3.org/ns/org#member": "member",
    "http://www.w3.org/ns/org#organization": "organisation",
    "http://www.w3.org/ns/org#role": "role",
    "http://www.w3.org/ns/org#heldBy": "held by",
    "http://www.w3.org/ns/org#postIn": "post in",
    "https://schema.org/url": "web address",
    "https://schema.org/value": "exact value",
    "https://schema.org/currency": "currency",
    "https://schema.org/unitText": "unit",
}


def e(text: str) -> str:
    return escape(text, quote=True)


class Renderer:
    """Formats values for one page; every link it writes is relative to that page's file."""

    def __init__(self, index: SiteIndex, page: str) -> None:
        self.index = index
        self.page = page

    def link_to_href(self, iri: str) -> str:
        """The relative link to an IRI's page, or the IRI itself for resources outside the site."""
        place = place_of(iri, self.index.ns)
        return iri if place is None else href(self.page, place)

    def link_to(self, iri: str, text: str | None = None, lang: str = "en") -> str:
        shown = text if text is not None else self.index.label(iri, lang)
        external = ' rel="external"' if place_of(iri, self.index.ns) is None else ""
        return f'<a href="{e(self.link_to_href(iri))}"{external}>{e(shown)}</a>'

    def file(self, file: str) -> str:
        return e(site_href(self.page, file))

    def predicate(self, iri: str) -> str:
        if iri in STANDARD_LABELS:
            return STANDARD_LABELS[iri]
        return self.index.label(iri) if iri in self.index.labels else self.index.short(iri)

    def term(self, term: ox.NamedNode | ox.Literal) -> str:
        if isinstance(term, ox.NamedNode):
            return self.link_to(term.value)
        lang = f' lang="{e(term.language)}"' if term.language else ""
        text = e(term.value)
        return f"<span{lang}>{text}</span>" if lang else text

    def citation(self, c: Citation) -> str:
        """'“Title” (Publisher), paragraph N', the title linking to the document, the number to the
        paragraph's page."""
        title = self.link_to(c.source, f"“{self.index.label(c.source)}”")
        publisher = self.index.value(c.source, W3C.DCT_PUBLISHER.value)
        by = ""
        if publisher is not None:
            acronym = self.index.value(publisher.value, self.index.lac + "acronym")
            by = f" ({e(acronym.value if acronym is not None else self.index.label(publisher.value))})"
        return f'{title}{by}, {self.link_to(c.locator, f"paragraph {c.paragraph}")}'

    def citations(self, cs: Sequence[Citation]) -> str:
        return "; ".join(self.citation(c) for c in cs)


def format_amount(a: Amount) -> str:
    """'more than 853.8 million USD': the stated qualifier, then the value in the power of ten it was stated
    in, with its currency or unit."""
    scale = a.multiplier if a.multiplier in SCALE_WORDS else 0
    shown = a.value.scaleb(-scale)
    number = _group(shown)
    word = SCALE_WORDS[scale]
    what = a.currency or a.unit or ""
    return " ".join(p for p in (a.qualifier.strip(), number, word, what) if p)


def _group(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    whole, _, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups: list[str] = []
    while len(whole) > 3:  # bounded by the number of digits
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ",".join(groups) + (f".{frac}" if frac else "")


def fact_date(index: SiteIndex, fact: str) -> tuple[str, str]:
    """(sort key, text) of when a fact happened or holds, at the precision stated."""
    lac = index.lac

    def v(name: str) -> str | None:
        found = index.value(fact, lac + name)
        return found.value if found is not None else None

    start, end = v("periodStart"), v("periodEnd")
    for name, prefix in (("date", ""), ("dateSigned", "signed "), ("startDate", "since "), ("asOf", "as of ")):
        found = v(name)
        if found:
            return found, prefix + found
    if start or end:
        return (start or end or ""), f"{start or '…'}–{end or '…'}"
    if v("endDate"):
        return v("endDate") or "", f"until {v('endDate')}"
    return "9999", ""


def page(title: str, body: str, *, path: str, alternates: Iterable[tuple[str, str, str]] = (),
         description: str | None = None, head: str = "") -> bytes:
    """A whole HTML document; ``alternates`` are (media type, title, file) of the RDF variants."""
    up = site_href(path, "index.html")
    links = "".join(f'\n<link rel="alternate" type="{e(t)}" title="{e(n)}" href="{e(site_href(path, f))}">'
                    for t, n, f in alternates)
    meta = f'\n<meta name="description" content="{e(description)}">' if description else ""
    search = e(site_href(path, "search.html"))
    nav = (f'<a class="home" href="{e(up)}">lacrdf</a><a href="{e(site_href(path, "resources.html"))}">All '
           f'resources</a><a href="{e(site_href(path, "ontology.html"))}">Ontology</a>'
           f'<a href="{e(site_href(path, "void.html"))}">Dataset</a><a href="{search}">Search</a>'
           # a plain form: it opens the search page with ?q=, no program runs on this page
           f'<form class="search" action="{search}" method="get" role="search"><input type="search" name="q" '
           'aria-label="Search names, facts and sources" placeholder="Search names, facts…"></form>')
    doc = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} · lacrdf</title>{meta}{links}{head}
<style>
{CSS}
</style>
</head>
<body>
<header class="top"><nav>{nav}</nav></header>
<main>
{body}
</main>
<footer>lacrdf {e(__version__)} · data under <a href="https://creativecommons.org/publicdomain/zero/1.0/" \
rel="license">CC0 1.0</a> · every fact cites the paragraph of the source document it was curated from.</footer>
</body>
</html>
"""
    return doc.encode("utf-8")


def search_document(doc: bytes, meta: Mapping[str, str], weight: float | None = None) -> bytes:
    """A page of this shell made a Pagefind document: its ``<main>`` is what is indexed (not the nav or the
    footer), with every word weighing ``weight`` if given (Pagefind's scale, 0 to 10), and ``<meta>``
    elements in its head give the metadata shown with a result (``kind``)."""
    tags = [f'<meta name="lacrdf:{e(key)}" content="{e(value)}" data-pagefind-meta="{e(key)}[content]">'
            for key, value in sorted(meta.items())]
    head, main = b"\n<style>\n", b"\n<main>\n"
    assert doc.count(head) == 1 and doc.count(main) == 1, "not a page of this shell"
    weighed = f' data-pagefind-weight="{weight}"' if weight is not None else ""
    marked = doc.replace(main, f"\n<main data-pagefind-body{weighed}>\n".encode())
    # the words of a statement and of the next one's property stay apart in the index (a page's grid
    # does not show the white space)
    marked = marked.replace(b"</dd><dt>", b"</dd>\n<dt>").replace(b"</dt><dd>", b"</dt>\n<dd>")
    return marked.replace(head, ("\n" + "\n".join(tags)).encode("utf-8") + head)


def rdf_alternates(place_path: str) -> list[tuple[str, str, str]]:
    return [(v.media_type, v.label, f"{place_path}.{v.ext}") for v in RDF_VARIANTS]


def formats_line(r: Renderer, place_path: str) -> str:
    links = " ".join(f'<a href="{r.file(f"{place_path}.{v.ext}")}" type="{e(v.media_type)}">{e(v.label)}</a>'
                     for v in RDF_VARIANTS)
    return f'<p class="formats">This description as {links}</p>'
