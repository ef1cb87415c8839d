"""The site's search: Pagefind's static index, built over the written pages before the site is published.

The pages of actors, facts, source documents and concepts are Pagefind documents (their ``<main>``: names
in every language, other names, acronyms and codes, fact labels, the quoted evidence), each result shown
with its kind; nav, footer and the RDF links are not indexed, nor paragraphs, evidence spans and amounts
(their words are on their facts' pages). ``search.html`` runs Pagefind's UI from the site's own
``pagefind/`` folder; it is the one page with a program, and every other page works without it.

No Pagefind filters (``data-pagefind-filter``): with them Pagefind writes its filter files in a hash map's
order, different on each run, and the site would no longer be the same bytes for the same data. The kind
is a word of every page, so "embassy Lima" narrows as a filter would."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from lacrdf.errors import InputError
from lacrdf.publish.site.html import e, page, search_document
from lacrdf.publish.site.index import SiteIndex
from lacrdf.publish.site.layout import place_of

BUNDLE = "pagefind"
"""The folder of the site that holds the index and Pagefind's JS and CSS."""
SEARCH_PAGE = "search.html"
# inside a document, not indexed: the IRI line, the RDF links, the charts' SVG text, and the lists of the
# facts an actor takes part in or a document states (each fact is found on its own page)
EXCLUDE_SELECTORS = ("p.iri", "p.formats", "figure > svg", "ul.facts")
KIND_NAMES = {"http://www.w3.org/2004/02/skos/core#Concept": "concept",
              "http://www.w3.org/2004/02/skos/core#ConceptScheme": "concept scheme"}
FACT_WEIGHT = 1
"""The weight of a fact page's words: Pagefind weighs a title (<h1>) 7 by default and this flattens it, so
an actor's name outranks the same word in the title of a fact it takes part in ("Belgium" finds Belgium
first, then its embassies)."""
TIMEOUT = 600  # seconds; Pagefind indexes the ~2,400 pages of the curated site in about two


def is_search_document(index: SiteIndex, iri: str) -> bool:
    """Actors, facts, source documents and concepts; not paragraphs, evidence spans, selectors or amounts."""
    return (index.is_fact(iri) or index.is_a(iri, "Actor") or index.is_a(iri, "SourceDocument")
            or iri.startswith(index.ns.concepts))


def kind_of(index: SiteIndex, iri: str) -> str:
    """What a result is, shown beside its name: 'person', 'embassy', 'sovereign state'."""
    return ", ".join(sorted({KIND_NAMES.get(t, index.label(t)) for t in index.type_of(iri)})) or "resource"


def mark_search_documents(index: SiteIndex, files: dict[str, bytes]) -> None:
    """Make the resource pages in ``files`` Pagefind documents, and add the search page."""
    for iri in index.resources:
        if not is_search_document(index, iri):
            continue
        place = place_of(iri, index.ns)
        assert place is not None, iri
        name = f"{place.path}.html"
        weight = FACT_WEIGHT if index.is_fact(iri) else None
        files[name] = search_document(files[name], {"kind": kind_of(index, iri)}, weight)
    files[SEARCH_PAGE] = search_page()


def search_page() -> bytes:
    """The search page: Pagefind's UI (each result with its kind, the page's metadata), with the query of
    ``?q=`` (the nav's search box) run at once."""
    # ranked by where a word stands (an actor's name weighs most), not by how often a page repeats it:
    # else the facts that name Belgium again and again would outrank Belgium itself
    options = {"element": "#search", "showSubResults": False, "showImages": False, "excerptLength": 24,
               "ranking": {"termFrequency": 0.0}}
    script = f"""
(function () {{
  var here = new URL(".", window.location.href);
  var options = {json.dumps(options, sort_keys=True)};
  options.bundlePath = new URL("{BUNDLE}/", here).href;
  options.baseUrl = here.pathname;
  var ui = new PagefindUI(options);
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) {{ ui.triggerSearch(query); }}
}})();
"""
    body = (
        "<h1>Search</h1>\n"
        '<p class="meta">Names in every language, other names, acronyms and codes, fact labels and the words '
        "the sources use, for every actor, fact, source document and concept. Add a kind to narrow the results "
        "(<i>embassy Lima</i>).</p>\n"
        '<div id="search"></div>\n'
        f'<noscript><p>Search runs in your browser and needs JavaScript. Every other page works without it: '
        f'<a href="resources.html">all resources</a> lists every page by class.</p></noscript>\n'
        f'<script src="{e(BUNDLE)}/pagefind-ui.js"></script>\n'
        f"<script>{script}</script>"
    )
    head = f'\n<link rel="stylesheet" href="{e(BUNDLE)}/pagefind-ui.css">'
    return page("Search", body, path=SEARCH_PAGE, head=head,
                description="Search the names, facts and quoted sources of the lacrdf knowledge graph")


def pagefind_executable() -> Path:
    """The Pagefind binary that the PyPI package ``pagefind[bin]`` ships."""
    try:
        from pagefind_bin import get_executable  # type: ignore[import-not-found,import-untyped]
    except ImportError:
        raise InputError("the site's search index needs Pagefind: pip install 'pagefind[bin]'") from None
    return Path(get_executable())


def index_site(folder: Path) -> list[str]:
    """Run Pagefind over the written site in ``folder``; the files it wrote (relative, sorted)."""
    cmd = [str(pagefind_executable()), "--site", str(folder), "--output-subdir", BUNDLE, "--silent",
           "--exclude-selectors", ", ".join(EXCLUDE_SELECTORS)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, check=False,
                              preexec_fn=_dies_with_parent())
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError(f"pagefind could not index the site: {exc}") from None
    if done.returncode != 0:
        detail = " ".join((done.stderr or done.stdout).split())[-500:]
        raise InputError(f"pagefind could not index the site (exit {done.returncode}): {detail}")
    bundle = folder / BUNDLE
    return sorted(str(p.relative_to(folder)) for p in bundle.rglob("*") if p.is_file())


def _dies_with_parent() -> Callable[[], None] | None:
    """What the child runs before Pagefind starts, on Linux: die with the build (PR_SET_PDEATHSIG), so a
    killed build leaves nothing writing into its partial folder once the next run has removed it. The
    libc function is looked up here, in the parent: the child only calls it."""
    if sys.platform != "linux":
        return None
    import ctypes

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def die_with_parent() -> None:
        prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the build died before that took effect
            os._exit(1)

    return die_with_parent
