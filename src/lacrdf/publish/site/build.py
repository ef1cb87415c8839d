"""Writes the whole static site and publishes it in one atomic step: a page and four RDF variants per
resource, the ontology documentation, the home page and resource list, the dumps and their VoID/DCAT/PROV
metadata, and the content-negotiation rules, written into a fresh folder that the output link then points
at. The manifest lists what a site holds (the report counts the files of the previous site that are gone)."""

from __future__ import annotations

import os
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from lacrdf.config import ProjectPaths
from lacrdf.errors import InputError
from lacrdf.graph.dataset import Dataset
from lacrdf.graph.dumps import BUILD_FORMATS, get_format
from lacrdf.graph.metadata import DEFAULT_SPARQL_ENDPOINT, dataset_metadata, metadata_prefixes, store_metadata
from lacrdf.graph.store import BuiltGraph
from lacrdf.publish.site.conneg import htaccess, nginx_conf
from lacrdf.publish.site.dataset_page import dataset_page
from lacrdf.publish.site.describe import description, rdf_files
from lacrdf.publish.site.evidence import SourceTexts
from lacrdf.publish.site.home import home_page, resources_page
from lacrdf.publish.site.index import SiteIndex
from lacrdf.publish.site.layout import place_of
from lacrdf.publish.site.ontology_doc import ontology_page, ontology_triples
from lacrdf.publish.site.pages import resource_page
from lacrdf.publish.site.search import index_site, mark_search_documents

MANIFEST = ".lacrdf-site"


@dataclass(frozen=True, slots=True)
class SiteReport:
    """What a site build wrote."""

    out: Path
    pages: int
    resources: int
    files: int
    removed: int

    def render(self) -> str:
        folder = str(self.out).rstrip("/") + "/"
        gone = f"; removed {self.removed} stale files" if self.removed else ""
        return (f"wrote {self.pages} pages for {self.resources} resources to {folder} "
                f"({self.files} files with the RDF variants, dumps, VoID and conneg rules{gone})\n")


def dist_files(ds: Dataset) -> dict[str, bytes]:
    """The dump files the site serves under dist/, as `lacrdf build` writes them."""
    from lacrdf.graph.dumps import ontology_turtle, render

    files = {f"lacrdf.{get_format(f).extension}": render(ds, f) for f in BUILD_FORMATS}
    files["ontology.ttl"] = ontology_turtle((q for q in ds.quads if q.graph_name == ds.ontology_graph), ds.ns)
    return files


def site_files(source: Dataset | BuiltGraph, paths: ProjectPaths, *,
               sparql_endpoint: str = DEFAULT_SPARQL_ENDPOINT,
               texts: Path | None = None) -> tuple[dict[str, bytes], int, int]:
    """Every file of the site (path relative to the site folder -> bytes), the page and resource counts.
    From a build, the dumps are the build's own files and the metadata is counted by its store. ``texts``
    is the folder of source texts whose paragraphs and evidence spans the pages show (None: offsets only)."""
    if isinstance(source, BuiltGraph):
        ds = source.dataset()
        names = [f"lacrdf.{get_format(f).extension}" for f in BUILD_FORMATS] + ["ontology.ttl"]
        dumps = {name: (source.folder / name).read_bytes() for name in names if (source.folder / name).is_file()}
        inputs = [(n, d) for kind in ("records", "ontology", "shapes")
                  for n, d in source.manifest.get("inputs", {}).get(kind, {}).items()]
        meta = store_metadata(source.store, source.ns, inputs, paths, dumps, sparql_endpoint=sparql_endpoint)
    else:
        ds = source
        dumps = dist_files(ds)
        meta = dataset_metadata(ds, paths, dumps, sparql_endpoint=sparql_endpoint)
    index = SiteIndex(ds)
    source_texts = SourceTexts(index, texts)
    prefixes = ds.ns.prefixes()
    files: dict[str, bytes] = {}
    for iri in index.resources:
        place = place_of(iri, ds.ns)
        assert place is not None, iri
        files[f"{place.path}.html"] = resource_page(index, iri, source_texts)
        files.update(rdf_files(place.path, description(index, iri), prefixes))
    files["ontology.html"] = ontology_page(index)
    files.update(rdf_files("ontology", ontology_triples(index), prefixes))

    files.update({f"dist/{name}": data for name, data in dumps.items()})
    files.update(rdf_files("void", meta, metadata_prefixes(ds)))
    files["void.html"] = dataset_page(index, meta)
    counts = {"triples": len({q.triple for q in ds.quads}), "graphs": len(ds.graphs)}
    files["index.html"] = home_page(index, dumps, counts)
    files["resources.html"] = resources_page(index)
    files[".htaccess"] = htaccess().encode("utf-8")
    files["nginx.conf"] = nginx_conf().encode("utf-8")
    mark_search_documents(index, files)  # the pages Pagefind indexes, and search.html
    pages = sum(1 for name in files if name.endswith(".html"))
    files[MANIFEST] = ("".join(f"{name}\n" for name in sorted(files))).encode("utf-8")
    return files, pages, len(index.resources)


def build_site(ds: Dataset | BuiltGraph, paths: ProjectPaths, out: Path, *,
               sparql_endpoint: str = DEFAULT_SPARQL_ENDPOINT, texts: Path | None = None) -> SiteReport:
    """Write the linked-data site for ``ds`` and make ``out`` show it in one atomic step.

    The site is written whole into a fresh folder beside ``out`` (``.<out>.lacrdf/sites/``); only when
    every file is written does ``out``, a symbolic link, switch to it (one rename). A killed run leaves
    the previous site in place, and its partial folder is removed by the next run; a resource removed
    from the data is gone from the new site, since nothing of the old one is carried over. The previous
    site is kept until the next switch, for readers that still have it open. An existing real folder at
    ``out`` (an older lacrdf's site) is moved aside into the state folder, never deleted. Pagefind
    indexes the written pages into ``pagefind/`` of the new folder before the switch."""
    files, pages, resources = site_files(ds, paths, sparql_endpoint=sparql_endpoint, texts=texts)
    previous = _manifest(out)
    state = out.parent / f".{out.name}.lacrdf" / "sites"
    state.mkdir(parents=True, exist_ok=True)
    _clean_leftovers(state, out)
    folder = state / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{secrets.token_hex(4)}.partial"
    try:
        for name, data in sorted(files.items()):
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        # the search index is built over the written pages, inside the new folder, before the switch
        indexed = index_site(folder)
        if indexed:
            names = sorted({*files, *indexed} - {MANIFEST})
            (folder / MANIFEST).write_bytes("".join(f"{name}\n" for name in names).encode("utf-8"))
        _fsync_tree(folder)
        final = folder.with_name(folder.name.removesuffix(".partial"))
        os.replace(folder, final)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    kept = out.resolve() if out.is_symlink() else None
    if out.exists() and not out.is_symlink():
        if not out.is_dir():
            raise InputError(f"{out} exists and is not a folder; move it away or choose another --out")
        os.replace(out, state / f"{final.name}-replaced")  # what was there before lacrdf linked it
    link = out.with_name(f".{out.name}.link-{os.getpid()}")
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(final, out.parent), link)
    os.replace(link, out)  # the one step that publishes the new site
    for old in state.iterdir():
        if old not in (final, kept) and not old.name.endswith(("-replaced", ".partial")):
            shutil.rmtree(old, ignore_errors=True)
    written = set(files) | set(indexed)
    removed = len(previous - written)
    return SiteReport(out, pages, resources, len(written), removed)


def _clean_leftovers(state: Path, out: Path) -> None:
    """Partial folders and link files of runs that were killed."""
    for stale in state.glob("*.partial"):
        shutil.rmtree(stale, ignore_errors=True)
    for link in out.parent.glob(f".{out.name}.link-*"):
        link.unlink(missing_ok=True)


def _fsync_tree(folder: Path) -> None:
    """The new site on disk before the link points at it: one sync of the file systems (an fsync per file
    costs seconds for the ~12,000 files of a site)."""
    os.sync()


def _manifest(out: Path) -> set[str]:
    try:
        lines = (out / MANIFEST).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return set()
    # only plain relative names a build of ours could have written
    return {line for line in lines if line and not line.startswith("/") and ".." not in line.split("/")}



