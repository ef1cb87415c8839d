"""The linked-data site: every resource has a page and RDF variants that re-parse into its triples; links
resolve offline; the Apache, nginx and Python servers negotiate alike; VoID counts and DCAT sizes match
the data; provenance lists the inputs; two builds are byte-identical; diagram labels do not overlap."""

from __future__ import annotations

import hashlib
import html
import http.client
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from lacrdf import Dataset, InputError, ProjectPaths
from lacrdf.cli import main
from lacrdf.graph.metadata import build_time, metadata_turtle
from lacrdf.publish.site import SiteReport, build_site, dataset_metadata
from lacrdf.publish.site.build import MANIFEST
from lacrdf.publish.site.conneg import accept_pattern, choose_variant, resolve
from lacrdf.publish.site.layout import RDF_VARIANTS, place_of
from lacrdf.publish.site.server import serve_site
from lacrdf.publish.site.svg import Box, overlapping, svg_text_boxes, svgs_in

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SPDX = "http://spdx.org/rdf/terms#"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

_SITES: dict[int, tuple[Path, SiteReport]] = {}


def built_site(tmp_path_factory: pytest.TempPathFactory, dataset: Dataset,
               paths: ProjectPaths) -> tuple[Path, SiteReport]:
    """The full site, built once per test session (writing its ~4000 files is the slow part); the
    browser tests import this to reuse the same build."""
    key = id(tmp_path_factory)
    if key not in _SITES:
        out = tmp_path_factory.mktemp("site")
        _SITES[key] = (out, build_site(dataset, paths, out, texts=paths.seeds))
    return _SITES[key]


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, dataset: Dataset, paths: ProjectPaths) -> Path:
    return built_site(tmp_path_factory, dataset, paths)[0]


@contextmanager
def serving(site_dir: Path, **options: object) -> Iterator[str]:
    """serve_site on a free loopback port in a thread (with ``options``, e.g. timeouts); stopped (and
    checked stopped) on exit."""
    ready: queue.Queue[str] = queue.Queue()
    stop = threading.Event()
    failures: list[BaseException] = []

    def run() -> None:
        try:
            serve_site(site_dir, host="127.0.0.1", port=0, on_ready=ready.put, stop=stop,
                       **options)  # type: ignore[arg-type]
        except BaseException as exc:  # reported to the test below
            failures.append(exc)
            ready.put("")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        url = ready.get(timeout=20)
        assert url, f"serve_site failed: {failures}"
        yield url
    finally:
        stop.set()
        thread.join(timeout=10)
        assert not thread.is_alive(), "serve_site did not stop"


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    with serving(site) as url:
        yield url


def fetch(url: str, path: str, accept: str | None = None, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, path, headers={"Accept": accept} if accept else {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def parse(data: bytes, ext: str) -> set[ox.Triple]:
    fmt = next(v.format for v in RDF_VARIANTS if v.ext == ext)
    return {q.triple if isinstance(q, ox.Quad) else q for q in ox.parse(data, format=fmt)}


def data_subjects(ds: Dataset) -> set[str]:
    return {q.subject.value for q in ds.data_quads()}  # type: ignore[union-attr]


def own_triples(ds: Dataset, iri: str) -> set[ox.Triple]:
    return {q.triple for q in ds.quads if q.subject.value == iri}  # type: ignore[union-attr]


# --- pages and RDF variants ------------------------------------------------------------------------

def test_every_subject_of_the_data_has_a_page_and_its_rdf_variants(site: Path, dataset: Dataset) -> None:
    subjects = data_subjects(dataset)
    assert len(subjects) > 500
    missing = []
    for iri in sorted(subjects):
        place = place_of(iri, dataset.ns)
        assert place is not None, iri
        for ext in ("html", *(v.ext for v in RDF_VARIANTS)):
            if not (site / f"{place.path}.{ext}").is_file():
                missing.append(f"{place.path}.{ext}")
    assert missing == []


def test_concepts_and_schemes_have_pages_too(site: Path, dataset: Dataset) -> None:
    concepts = {q.subject.value for q in dataset.quads  # type: ignore[union-attr]
                if q.graph_name == dataset.ontology_graph and q.subject.value.startswith(dataset.ns.concepts)}
    assert len(concepts) > 50
    for iri in concepts:
        place = place_of(iri, dataset.ns)
        assert place is not None and (site / f"{place.path}.html").is_file(), iri
    page = (site / "concept/figure-type/trade.html").read_text(encoding="utf-8")
    assert "trade" in page and "Facts (" in page


def test_each_rdf_variant_reparses_and_holds_the_resources_triples(site: Path, dataset: Dataset) -> None:
    checked = 0
    for iri in sorted(data_subjects(dataset)):
        place = place_of(iri, dataset.ns)
        assert place is not None
        expected = own_triples(dataset, iri)
        for v in RDF_VARIANTS:
            parsed = parse((site / f"{place.path}.{v.ext}").read_bytes(), v.ext)
            assert expected <= parsed, f"{place.path}.{v.ext} lacks {sorted(map(str, expected - parsed))[:3]}"
            checked += 1
    assert checked == 4 * len(data_subjects(dataset))


def test_a_figure_description_folds_in_its_amount(site: Path, dataset: Dataset) -> None:
    iri = dataset.ns.resources + "figure/by-lac-exports-2018"
    parsed = parse((site / "id/figure/by-lac-exports-2018.ttl").read_bytes(), "ttl")
    assert own_triples(dataset, iri + "/amount") <= parsed
    page = (site / "id/figure/by-lac-exports-2018.html").read_text(encoding="utf-8")
    assert "853.8 million USD" in page and "paragraph 8" in page


def test_a_state_page_has_four_languages_facts_with_dates_and_citations(site: Path) -> None:
    page = (site / "id/state/BY.html").read_text(encoding="utf-8")
    for name in ("Belarus", "Bielorrusia", "Bielorússia", "Bélarus"):
        assert name in page
    facts = re.findall(r'<ul class="facts">(.*?)</ul>', page, re.S)[0]
    items = re.findall(r"<li>(.*?)</li>", facts, re.S)
    assert len(items) > 50
    assert all("paragraph" in item for item in items), "every fact cites its paragraph"
    assert re.search(r"· 2018-03\b", facts), "facts carry their dates"
    assert 'href="../source/by-mfa-latin-america/paragraph/' in page, "citations link relatively"
    assert "853.8 million USD" in page and "<svg" in page


def test_ontology_page_documents_every_term_in_english_and_spanish(site: Path, dataset: Dataset) -> None:
    page = (site / "ontology.html").read_text(encoding="utf-8")
    terms = {q.subject.value for q in dataset.quads  # type: ignore[union-attr]
             if q.graph_name == dataset.ontology_graph and q.subject.value.startswith(dataset.ns.terms)}
    assert len(terms) > 80
    for term in terms:
        local = term[len(dataset.ns.terms):]
        assert f'<section id="{local}">' in page, local
    embassy = re.search(r'<section id="Embassy">(.*?)</section>', page, re.S)
    assert embassy is not None
    text = embassy.group(1)
    assert "embajada" in text and "definition (en)" in text and "definición (es)" in text
    assert 'href="#DiplomaticMission"' in text, "subclass of, linked within the page"
    sending = re.search(r'<section id="sendingState">(.*?)</section>', page, re.S)
    assert sending is not None and "domain" in sending.group(1) and "range" in sending.group(1)
    assert own_triples(dataset, dataset.ns.terms + "Embassy") <= parse((site / "ontology.ttl").read_bytes(), "ttl")


def test_links_resolve_inside_the_site_and_no_external_assets(site: Path) -> None:
    anchors = set(re.findall(r'id="([^"]+)"', (site / "ontology.html").read_text(encoding="utf-8")))
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 500
    broken = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        # no program runs on a page: the only scripts are data blocks (the home page's schema.org Dataset),
        # except on the search page, whose Pagefind UI (script and stylesheet) the site serves itself
        scripts = re.findall(r"<script\b[^>]*>", text)
        if page == site / "search.html":
            assert scripts == ['<script src="pagefind/pagefind-ui.js">', "<script>"], scripts
            assert re.findall(r'<link rel="stylesheet"[^>]*>', text) == [
                '<link rel="stylesheet" href="pagefind/pagefind-ui.css">']
            assert (site / "pagefind/pagefind-ui.js").is_file() and (site / "pagefind/pagefind-ui.css").is_file()
        else:
            assert all(tag == '<script type="application/ld+json">' for tag in scripts), (page, scripts)
            assert 'rel="stylesheet"' not in text
        assert not re.search(r'src="https?:', text)
        for link in re.findall(r'href="([^"]+)"', text):
            link = html.unescape(link)
            if link.startswith(("http://", "https://", "#")):
                continue
            target, _, fragment = link.partition("#")
            resolved = (page.parent / target).resolve()
            if not resolved.is_file() or site.resolve() not in resolved.parents:
                broken.append(f"{page.relative_to(site)} -> {link}")
            elif fragment and resolved.name == "ontology.html" and fragment not in anchors:
                broken.append(f"{page.relative_to(site)} -> {link} (no anchor)")
    assert broken == []


@pytest.mark.curated
def test_site_report_and_the_cli(runner: CliRunner, tmp_path: Path) -> None:
    """`lacrdf site` on a part of the data; a file the previous site listed and this one did not write is
    gone (and counted); the folder that was there is moved aside whole, never deleted."""
    out = tmp_path / "small"
    (out / "id/state").mkdir(parents=True)
    (out / "id/state/ZZ.html").write_text("stale")
    (out / "notes.txt").write_text("mine")
    (out / MANIFEST).write_text("id/state/ZZ.html\n../outside.txt\n")
    # a copy of the Belgian file: a --data set no other test has built, so this run builds it
    belgium = tmp_path / "belgium-fps-lac.yaml"
    shutil.copy(Path("data/sources/belgium-fps-lac.yaml"), belgium)
    result = runner.invoke(main, ["site", "--out", str(out), "--data", "data/actors", "--data", str(belgium)])
    assert result.exit_code == 0, result.output
    assert re.match(r"wrote \d+ pages for \d+ resources to .*small/ \(\d+ files.*removed 1 stale files\)\n$",
                    result.stdout), result.output
    # --data builds into a folder of its own first, and says so in one line
    assert result.stderr.startswith("lacrdf: ") and result.stderr.endswith("; rebuilding\n"), result.stderr
    assert not (out / "id/state/ZZ.html").exists() and not (out / "notes.txt").exists()
    aside = list((tmp_path / ".small.lacrdf" / "sites").glob("*-replaced"))
    assert [(p / "notes.txt").read_text() for p in aside] == ["mine"]
    assert (out / "id/state/BE.html").is_file() and (out / "id/mission/be-emb-lima.ttl").is_file()
    assert not (out / "id/state/BY.html").exists() or "Belarus" in (out / "id/state/BY.html").read_text()


def test_serve_site_refuses_a_folder_that_is_not_a_site(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["serve", "--site", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a lacrdf site (no index.html)" in result.output


# --- determinism -------------------------------------------------------------------------------------

def test_two_builds_are_byte_identical(site: Path, paths: ProjectPaths, tmp_path: Path) -> None:
    """A second build in a fresh interpreter with another hash seed produces the same bytes, the search
    index (pagefind/) included."""
    code = ("import hashlib, json, sys\nfrom pathlib import Path\nfrom lacrdf import find_project, make_dataset\n"
            "from lacrdf.publish.site import build_site\np = find_project()\nout = Path(sys.argv[1])\n"
            "build_site(make_dataset(p), p, out, texts=p.seeds)\nroot = out.resolve()\n"
            "print(json.dumps({str(f.relative_to(root)): hashlib.sha256(f.read_bytes()).hexdigest()\n"
            "                  for f in root.rglob('*') if f.is_file()}))")
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "second")], cwd=paths.root, env=env,
                          capture_output=True, text=True, timeout=300, check=True)
    second = json.loads(done.stdout)
    first = {str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in site.rglob("*") if p.is_file()}
    assert "pagefind/pagefind-entry.json" in first and any(k.startswith("pagefind/fragment/") for k in first)
    assert sorted(first) == sorted(second)
    assert [k for k in first if first[k] != second[k]] == []


def test_metadata_time_comes_from_source_date_epoch_never_the_clock(dataset: Dataset, paths: ProjectPaths,
                                                                    tmp_path: Path) -> None:
    meta = dataset_metadata(dataset, paths, {"lacrdf.ttl": b"abc"}, env={"SOURCE_DATE_EPOCH": "1700000000"})
    times = {t.object.value for t in meta if t.predicate.value in (DCT + "modified", PROV + "endedAtTime")}
    assert times == {"2023-11-14T22:13:20Z"}
    assert build_time({}, None) is None
    with pytest.raises(InputError, match="SOURCE_DATE_EPOCH"):
        build_time({"SOURCE_DATE_EPOCH": "soon"}, None)
    # a project folder that is not a git work tree and no SOURCE_DATE_EPOCH: no time at all
    as_turtle = {q.triple for q in ox.parse(metadata_turtle(dataset, meta), format=ox.RdfFormat.TURTLE)}
    assert as_turtle == set(meta), "metadata_turtle (for dist/void.ttl) writes the same triples"
    bare = ProjectPaths(tmp_path)
    (tmp_path / "shapes").mkdir()
    meta = dataset_metadata(dataset, bare, {}, env={})
    assert not [t for t in meta if t.predicate.value in (DCT + "modified", DCT + "issued", PROV + "endedAtTime")]


# --- VoID, DCAT, PROV ----------------------------------------------------------------------------------

def _store(path: Path) -> ox.Store:
    store = ox.Store()
    store.extend(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    return store


def _one(store: ox.Store, s: str, p: str) -> str:
    values = [q.object.value for q in store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None)]
    assert len(values) == 1, (s, p, values)
    return values[0]


def _expected_counts(triples: set[ox.Triple], uri_space: str) -> dict[str, int]:
    subjects = {t.subject for t in triples}
    return {"triples": len(triples), "distinctSubjects": len(subjects),
            "distinctObjects": len({t.object for t in triples}), "properties": len({t.predicate for t in triples}),
            "classes": len({t.object for t in triples if t.predicate.value == RDF_TYPE}),
            "entities": len({s for s in subjects if s.value.startswith(uri_space)})}  # type: ignore[union-attr]


def test_void_counts_equal_the_datasets(site: Path, dataset: Dataset) -> None:
    store = _store(site / "void.ttl")
    node = dataset.ns.base + "dataset"
    uri_space = dataset.ns.resources
    expected = _expected_counts({q.triple for q in dataset.quads}, uri_space)
    assert {k: int(_one(store, node, VOID + k)) for k in expected} == expected
    subsets = {q.object.value for q in store.quads_for_pattern(ox.NamedNode(node), ox.NamedNode(VOID + "subset"),
                                                               None)}
    assert subsets == {g.value for g in dataset.graphs}
    for graph in dataset.graphs:
        triples = {q.triple for q in dataset.quads if q.graph_name == graph}
        want = _expected_counts(triples, uri_space)
        assert {k: int(_one(store, graph.value, VOID + k)) for k in want} == want, graph.value
    assert _one(store, node, VOID + "sparqlEndpoint") == "http://127.0.0.1:7878/query"
    examples = [q.object.value for q in store.quads_for_pattern(ox.NamedNode(node),
                                                                ox.NamedNode(VOID + "exampleResource"), None)]
    assert examples and all((site / f"{place_of(e, dataset.ns).path}.html").is_file() for e in examples)  # type: ignore[union-attr]
    # served at /.well-known/void by the rules, and the other variants say the same
    for v in RDF_VARIANTS:
        assert parse((site / f"void.{v.ext}").read_bytes(), v.ext) == parse((site / "void.ttl").read_bytes(), "ttl")


def test_dcat_distributions_have_the_byte_sizes_and_checksums_of_the_files(site: Path, dataset: Dataset) -> None:
    store = _store(site / "void.ttl")
    node = dataset.ns.base + "dataset"
    dists = [q.object.value for q in store.quads_for_pattern(ox.NamedNode(node), ox.NamedNode(DCAT + "distribution"),
                                                             None)]
    names = sorted(p.name for p in (site / "dist").iterdir())
    media = {"ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json",
             "rdf": "application/rdf+xml", "trig": "application/trig", "nq": "application/n-quads"}
    assert names == sorted({f"lacrdf.{ext}" for ext in media} | {"ontology.ttl"}) and len(dists) == len(names)
    for dist in dists:
        url = _one(store, dist, DCAT + "downloadURL")
        assert url.startswith(dataset.ns.base + "dist/")
        data = (site / url[len(dataset.ns.base):]).read_bytes()
        assert int(_one(store, dist, DCAT + "byteSize")) == len(data)
        checksum = _one(store, dist, SPDX + "checksum")
        assert _one(store, checksum, SPDX + "checksumValue") == hashlib.sha256(data).hexdigest()
        assert _one(store, dist, DCAT + "mediaType").endswith("/" + media[url.rsplit(".", 1)[-1]])
        assert url in {q.object.value for q in store.quads_for_pattern(ox.NamedNode(node),
                                                                      ox.NamedNode(VOID + "dataDump"), None)}
    assert _one(store, node, DCT + "license") == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert _one(store, node, DCAT + "version") == "0.1.0"
    assert _one(store, node, "http://www.w3.org/2002/07/owl#versionInfo") == "0.1.0"
    catalog = dataset.ns.base + "catalog"
    assert _one(store, catalog, DCAT + "dataset") == node


def _git_head(root: Path) -> str | None:
    try:
        top = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel", "HEAD"], capture_output=True,
                             text=True, timeout=10, check=False)
    except OSError:
        return None
    lines = top.stdout.split()
    return lines[1] if top.returncode == 0 and Path(lines[0]).resolve() == root.resolve() else None


def test_provenance_lists_every_input_with_its_sha256(site: Path, dataset: Dataset, paths: ProjectPaths) -> None:
    store = _store(site / "void.ttl")
    activity = _one(store, dataset.ns.base + "dataset", PROV + "wasGeneratedBy")
    assert ox.Quad(ox.NamedNode(activity), ox.NamedNode(RDF_TYPE), ox.NamedNode(PROV + "Activity")) in store
    used = [q.object.value for q in store.quads_for_pattern(ox.NamedNode(activity), ox.NamedNode(PROV + "used"), None)]
    files = {}
    for entity in used:
        names = [q.object.value for q in store.quads_for_pattern(ox.NamedNode(entity), ox.NamedNode(SPDX + "fileName"),
                                                                 None)]
        if names:
            files[names[0]] = _one(store, _one(store, entity, SPDX + "checksum"), SPDX + "checksumValue")
    root = paths.root
    expected = sorted({str(p.relative_to(root)) for p in paths.data.rglob("*.yaml")}
                      | {f"ontology/{n}" for n in ("lacrdf.ttl", "concepts.ttl")}
                      | {str(p.relative_to(root)) for p in paths.shapes_dir.glob("*.ttl")})
    assert sorted(files) == expected
    for name, sha in files.items():
        assert hashlib.sha256((root / name).read_bytes()).hexdigest() == sha, name
    tool = _one(store, activity, PROV + "wasAssociatedWith")
    assert _one(store, tool, "https://schema.org/softwareVersion") == "0.1.0"
    head = _git_head(root)
    commits = [u for u in used if "/build/commit/" in u]
    assert commits == ([dataset.ns.base + f"build/commit/{head}"] if head else [])
    times = [q.object.value for q in store.quads_for_pattern(ox.NamedNode(activity), ox.NamedNode(PROV + "endedAtTime"),
                                                             None)]
    assert len(times) == (1 if head or os.environ.get("SOURCE_DATE_EPOCH") else 0)


# --- content negotiation ------------------------------------------------------------------------------

ACCEPTS = ["text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml", BROWSER_ACCEPT,
           "*/*", "", "text/turtle;q=0, text/html", "application/rdf+xml;q=0.5, text/turtle", "TEXT/TURTLE",
           "text/turtlex", "application/ld+json;q=0.0,application/n-triples",
           # media-type parameters before the weight (RFC 9110): q=0 still refuses the type
           "text/turtle;level=1;q=0, text/html", "text/turtle;level=1", "text/turtle; charset=utf-8 ;Q=0.000",
           'application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted,x";q=0,application/rdf+xml;q=0.1']


def test_choose_variant() -> None:
    assert [choose_variant(a) for a in ACCEPTS] == ["ttl", "jsonld", "nt", "rdf", "html", "html", "html", "html",
                                                    "ttl", "ttl", "html", "nt", "html", "ttl", "html", "rdf"]
    assert choose_variant(None) == "html"


def test_htaccess_and_nginx_have_a_rule_per_media_type(site: Path) -> None:
    htaccess = (site / ".htaccess").read_text()
    nginx = (site / "nginx.conf").read_text()
    for v in RDF_VARIANTS:
        pattern = accept_pattern(v.media_type)
        assert f"RewriteCond %{{HTTP_ACCEPT}} {pattern} [NC]" in htaccess
        assert f"RewriteRule ^((?:id|concept)/.+|ontology)$ $1.{v.ext} [END]" in htaccess
        assert f"AddType {v.media_type} .{v.ext}" in htaccess
        assert f'if ($http_accept ~* "{pattern}") {{ set $lacrdf_variant {v.ext}; }}' in nginx
        assert f"{v.media_type} {v.ext};" in nginx


def _apache(root: Path, rules: str, path: str, accept: str) -> Path | None:
    """What the .htaccess rules serve, evaluated the way mod_rewrite does in a folder."""
    conds: list[list[str]] = []
    for line in rules.splitlines():
        words = line.split()
        if line.startswith("RewriteCond "):
            conds.append(words[1:])
        elif line.startswith("RewriteRule "):
            pattern, target = words[1].strip('"'), words[2]
            match = re.search(pattern, path)
            ok = match is not None
            for test, pat, *flags in conds:
                if test == "%{HTTP_ACCEPT}":
                    ok = ok and re.search(pat, accept, re.I if "[NC]" in flags else 0) is not None
                elif test == "%{REQUEST_FILENAME}" and pat == "!-f":
                    ok = ok and not (root / path).is_file()
            conds = []
            if ok and match is not None:
                if target == "-":
                    return None
                file = root / match.expand(target.replace("$1", r"\1"))
                return file if file.is_file() else None
    file = root / (path or "index.html")
    return file if file.is_file() else None


def _nginx(root: Path, conf: str, path: str, accept: str) -> Path | None:
    """What the nginx snippet serves: the last matching 'if' sets the variant, then the first location."""
    variables: dict[str, str] = {}
    for line in conf.splitlines():  # the server-level 'set's and 'if's, in order
        plain = re.fullmatch(r"set \$(\w+) (\w+);", line)
        cond = re.fullmatch(r'if \(\$http_accept ~\* "(.*)"\) \{ set \$(\w+) (\w+); \}', line)
        if plain:
            variables[plain.group(1)] = plain.group(2)
        elif cond and re.search(cond.group(1), accept, re.I):
            variables[cond.group(2)] = cond.group(3)
    uri = "/" + path
    for pattern, body in re.findall(r'location ~ "?(.+?)"? \{\n(.*?)\n\}', conf, re.S):
        if re.search(pattern, uri):
            if "return 404" in body:
                return None
            tries = re.search(r"try_files (.*) =404;", body)
            assert tries is not None
            for candidate in tries.group(1).split():
                for name, value in variables.items():
                    candidate = candidate.replace(f"${name}", value)
                file = root / candidate.replace("$uri", uri).lstrip("/")
                if file.is_file():
                    return file
            return None
    file = root / (path or "index.html")
    return file if file.is_file() else None


def test_apache_nginx_and_serve_site_choose_the_same_file(site: Path) -> None:
    htaccess = (site / ".htaccess").read_text()
    nginx = (site / "nginx.conf").read_text()
    paths = ["id/state/BE", "id/state/XX", "ontology", ".well-known/void", "void", "id/source/be-fps-lac",
             "id/source/be-fps-lac/paragraph/11", "id/figure/be-lac-exports-2020/amount", "concept/flow/exports",
             "id/state/BE.ttl", "index.html", "", ".lacrdf-site", "dist/lacrdf.ttl"]
    for path in paths:
        for accept in ACCEPTS:
            ours = resolve(site, "/" + path, accept)
            file = ours.file if ours else None
            assert _apache(site, htaccess, path, accept) == file, (path, accept, "apache")
            assert _nginx(site, nginx, path, accept) == file, (path, accept, "nginx")
    assert resolve(site, "/id/state/BE", "text/turtle").file == site / "id/state/BE.ttl"  # type: ignore[union-attr]
    assert resolve(site, "/../pyproject.toml", None) is None


@pytest.mark.parametrize("variant", RDF_VARIANTS, ids=lambda v: v.ext)
def test_serve_site_returns_rdf_by_accept_header(server: str, dataset: Dataset, variant: object) -> None:
    from lacrdf.publish.site.layout import Variant

    assert isinstance(variant, Variant)
    status, headers, body = fetch(server, "/id/state/BE", variant.media_type)
    assert status == 200
    assert headers["content-type"].split(";")[0] == variant.media_type
    assert headers["vary"] == "Accept"
    assert own_triples(dataset, dataset.ns.resources + "state/BE") <= parse(body, variant.ext)


def test_serve_site_returns_html_to_browsers_and_404_for_unknown(server: str) -> None:
    for accept in ("text/html", BROWSER_ACCEPT, None):
        status, headers, body = fetch(server, "/id/state/BE", accept)
        assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
        assert b"<h1>Belgium</h1>" in body
    for accept in ("text/turtle", "text/html", None):
        status, _, body = fetch(server, "/id/state/XX", accept)
        assert status == 404 and b"Not found" in body
    assert fetch(server, "/../pyproject.toml")[0] == 404
    assert fetch(server, "/.htaccess")[0] == 404
    status, headers, body = fetch(server, "/id/state/BE", "text/turtle", method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 100


def test_serve_site_ontology_and_well_known_void(server: str, dataset: Dataset) -> None:
    status, headers, body = fetch(server, "/ontology", "text/turtle")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    assert own_triples(dataset, dataset.ns.terms + "Embassy") <= parse(body, "ttl")
    status, _, body = fetch(server, "/ontology", BROWSER_ACCEPT)
    assert status == 200 and b'<section id="Embassy">' in body
    status, headers, body = fetch(server, "/.well-known/void", BROWSER_ACCEPT)  # a person: the readable page
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b"<h1>The dataset and its distributions</h1>" in body and b'href="void.ttl"' in body
    for accept, ext in ((None, "ttl"), ("*/*", "ttl"), ("application/ld+json", "jsonld")):
        status, headers, body = fetch(server, "/.well-known/void", accept)
        assert status == 200
        triples = parse(body, ext)
        assert ox.Triple(ox.NamedNode(dataset.ns.base + "dataset"), ox.NamedNode(RDF_TYPE),
                         ox.NamedNode(VOID + "Dataset")) in triples


# --- pictures --------------------------------------------------------------------------------------------

def _viewbox(svg: str) -> tuple[float, float]:
    found = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    assert found is not None
    return float(found.group(1)), float(found.group(2))


def _check_labels(svg: str) -> list[Box]:
    boxes = svg_text_boxes(svg)
    assert overlapping(boxes) == [], "labels overlap"
    width, height = _viewbox(svg)
    outside = [b.text for b in boxes if b.x0 < 0 or b.y0 < 0 or b.x1 > width or b.y1 > height]
    assert outside == [], "labels cut off at the edge"
    return boxes


def test_home_page_diagrams_have_no_overlapping_labels(site: Path) -> None:
    page = (site / "index.html").read_text(encoding="utf-8")
    svgs = svgs_in(page)
    assert len(svgs) == 2
    missions, agreements = (_check_labels(svg) for svg in svgs)
    names = {b.text for b in missions}
    assert {"Sending state", "Host country", "Belgium", "Belarus", "Chile", "embassy"} <= names
    assert {"Party", "Agreement", "China", "European Union"} <= {b.text for b in agreements}
    assert len(agreements) > 30


def test_state_charts_have_no_overlapping_labels(site: Path) -> None:
    for code, value in (("BE", "5,523.1 million EUR"), ("BY", "1.358 billion USD"),
                        ("CN", "more than 300 billion USD")):
        svgs = svgs_in((site / f"id/state/{code}.html").read_text(encoding="utf-8"))
        assert len(svgs) == 1, code
        boxes = _check_labels(svgs[0])
        assert value in {b.text for b in boxes}, code


def test_overlap_check_finds_overlaps() -> None:
    a, b = Box(0, 0, 10, 10, "a"), Box(9, 9, 20, 20, "b")
    assert overlapping([a, b, Box(30, 0, 40, 10, "c")]) == [(a, b)]
    assert overlapping([Box(0, 0, 10, 10), Box(10, 0, 20, 10)]) == []
