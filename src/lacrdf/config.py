"""Namespaces, IRI layout and project paths. One configurable base holds everything:
terms under ``{base}ontology#``, resources under ``{base}id/``, named graphs under ``{base}graph/``."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from lacrdf.errors import InputError

DEFAULT_BASE = "https://w3id.org/lacrdf/"
ONTOLOGY_FILES = ("lacrdf.ttl", "concepts.ttl")
"""The ontology's files in ontology/, loaded into the ontology graph."""

PREFIXES: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "wd": "http://www.wikidata.org/entity/",
    "oa": "http://www.w3.org/ns/oa#",
}

_BASE_RE = re.compile(r"^https?://[^\s<>\"{}|\\^`]+/$")


@dataclass(frozen=True, slots=True)
class Namespaces:
    """The IRI layout derived from one base IRI."""

    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        if not _BASE_RE.match(self.base):
            raise InputError(f"base IRI {self.base!r} must be an absolute http(s) IRI ending with '/'")

    @property
    def terms(self) -> str:
        return self.base + "ontology#"

    @property
    def ontology(self) -> str:
        return self.base + "ontology"

    @property
    def resources(self) -> str:
        return self.base + "id/"

    @property
    def concepts(self) -> str:
        return self.base + "concept/"

    @property
    def graphs(self) -> str:
        return self.base + "graph/"

    def prefixes(self) -> dict[str, str]:
        return {"lac": self.terms, **PREFIXES}

    def rebase(self, iri: str) -> str:
        """Move an IRI written under the default base to this base."""
        if self.base != DEFAULT_BASE and iri.startswith(DEFAULT_BASE):
            return self.base + iri[len(DEFAULT_BASE):]
        return iri


@dataclass(frozen=True, slots=True)
class ProjectPaths:
    """Where a lacrdf project keeps its parts (the repository layout by default)."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def enrich(self) -> Path:
        """Enrichment graphs (``lacrdf enrich`` writes them; every build includes their *.trig files)."""
        return self.root / "enrich"

    @property
    def dist(self) -> Path:
        """The default build (LACRDF_DIST moves it, for example for a test run)."""
        env = os.environ.get("LACRDF_DIST")
        return Path(env) if env else self.root / "dist"

    @property
    def seeds(self) -> Path:
        env = os.environ.get("LACRDF_SEEDS")
        return Path(env) if env else self.root.parent / "shared" / "seeds"


def find_project(start: Path | None = None) -> ProjectPaths:
    """The nearest folder at or above ``start`` holding ontology/ and data/ (or LACRDF_HOME)."""
    env = os.environ.get("LACRDF_HOME")
    if env:
        return ProjectPaths(Path(env).resolve())
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "ontology" / "lacrdf.ttl").is_file() and (folder / "data").is_dir():
            return ProjectPaths(folder)
    raise InputError(f"no lacrdf project (ontology/lacrdf.ttl and data/) at or above {here}; "
                     "run inside the repository or set LACRDF_HOME")
