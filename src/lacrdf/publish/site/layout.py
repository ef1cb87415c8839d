"""Where each IRI lives in the static site. A resource ``{base}id/state/BE`` is the page
``id/state/BE.html`` beside ``id/state/BE.ttl`` (and .jsonld, .nt, .rdf); ``{base}ontology#Term`` is the
anchor ``Term`` of ``ontology.html``. Links between pages are relative, so the site works from any folder."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

import pyoxigraph as ox

from lacrdf.config import Namespaces
from lacrdf.errors import InputError


@dataclass(frozen=True, slots=True)
class Variant:
    """One RDF serialisation a resource is published in."""

    ext: str
    media_type: str
    label: str
    format: ox.RdfFormat


RDF_VARIANTS: tuple[Variant, ...] = (
    Variant("ttl", "text/turtle", "Turtle", ox.RdfFormat.TURTLE),
    Variant("jsonld", "application/ld+json", "JSON-LD", ox.RdfFormat.JSON_LD),
    Variant("nt", "application/n-triples", "N-Triples", ox.RdfFormat.N_TRIPLES),
    Variant("rdf", "application/rdf+xml", "RDF/XML", ox.RdfFormat.RDF_XML),
)

# The only path segments a page may have: resource ids are [A-Za-z0-9._-], so anything else (or '.', '..')
# would mean an IRI we did not mint, and it must never become a path outside the site folder.
_SEGMENT = re.compile(r"^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$")


@dataclass(frozen=True, slots=True)
class Place:
    """The page of an IRI: its path in the site without extension, and an anchor for hash IRIs."""

    path: str
    fragment: str | None = None


def place_of(iri: str, ns: Namespaces) -> Place | None:
    """The page an IRI is published at, or None for IRIs outside the site (Wikidata, schema.org...)."""
    if not iri.startswith(ns.base):
        return None
    rest = iri[len(ns.base):]
    path, _, fragment = rest.partition("#")
    if not path.startswith(("id/", "concept/")) and path != "ontology":
        return None
    if not all(_SEGMENT.match(seg) for seg in path.split("/")):
        raise InputError(f"cannot publish <{iri}>: its path is not a safe file name")
    return Place(path, fragment or None)


def href(from_page: str, to: Place | str, ext: str = "html") -> str:
    """A relative link from the page file ``from_page`` (e.g. 'id/state/BE.html') to a place."""
    place = Place(to) if isinstance(to, str) else to
    target = f"{place.path}.{ext}" if ext else place.path
    link = site_href(from_page, target)
    return f"{link}#{place.fragment}" if place.fragment else link


def site_href(from_page: str, file: str) -> str:
    """A relative link from a page to any file of the site (both given relative to the site root)."""
    here = posixpath.dirname(from_page).split("/") if "/" in from_page else []
    there = file.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])
