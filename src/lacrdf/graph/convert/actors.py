"""Actors and source documents to triples: a state's names in en/es/pt/fr and ISO codes from pycountry, its
COW, Gleditsch-Ward, UN M49 and FIPS 10-4 codes from countrycode, any other actor's name as its documents
spell it, owl:sameAs to Wikidata, and the paragraph locators facts cite."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from lacrdf.countries import country_alt_labels, country_codes, country_labels, state_codes
from lacrdf.graph.terms import Context, Emit, Out, date, integer, string, text
from lacrdf.records.model import ActorRecord, SourceRecord
from lacrdf.vocab import W3C

ACTOR_CLASSES = {
    "state": "SovereignState", "organization": "InternationalOrganization", "region": "Region",
    "city": "City", "government-body": "GovernmentBody", "person": "Person", "company": "Company",
    "political-party": "PoliticalParty",
}
WIKIDATA = "http://www.wikidata.org/entity/"


def convert_actor(rec: ActorRecord, ctx: Context) -> Iterable[Emit]:
    out = Out(ctx, ctx.actor(rec.id))
    lac = ctx.lac
    out.add(W3C.RDF_TYPE, lac[ACTOR_CLASSES[rec.type]], "type")
    out.add(W3C.DCT_IDENTIFIER, string(rec.id), "id")
    labels: dict[str, str] = {}
    if rec.type == "state":
        labels.update(country_labels(rec.id))
        alpha2, alpha3 = country_codes(rec.id)
        out.add(lac.iso3166Alpha2, string(alpha2), "id")
        out.add(lac.iso3166Alpha3, string(alpha3), "id")
        # the codes other data sets key states by (COW, G-W, M49, FIPS 10-4); none where a scheme has none
        for prop, code in state_codes(rec.id).items():
            if code is not None:
                out.add(lac[prop], string(code), "id")
        for lang, names in country_alt_labels(rec.id).items():
            for name in names:
                out.add(W3C.SKOS_ALTLABEL, text(name, lang), "id")
    if rec.name:
        # the spelling its documents give, in their language; other languages come only from a fetched
        # source kept in its own graph, never from a curator's translation
        labels[rec.name_language] = rec.name
    for lang, value in sorted(labels.items()):
        out.add(W3C.RDFS_LABEL, text(value, lang), "name" if rec.name else "id")
    for lang, names in (rec.aliases or {}).items():
        for name in names:
            out.add(W3C.SKOS_HIDDENLABEL, text(name, lang), "aliases")
    if rec.acronym:
        out.add(lac.acronym, string(rec.acronym), "acronym")
    if rec.wikidata:
        out.add(W3C.OWL_SAMEAS, ox.NamedNode(WIKIDATA + rec.wikidata), "wikidata")
    out.refs(lac.country, rec.country, "country")
    out.refs(lac.partOf, rec.part_of, "part_of")
    return out.items


def convert_source(rec: SourceRecord, ctx: Context, cited: Iterable[int]) -> Iterable[Emit]:
    """The document node and one locator node per cited paragraph."""
    subject = ctx.source(rec.id)
    out = Out(ctx, subject)
    lac = ctx.lac
    out.add(W3C.RDF_TYPE, lac.SourceDocument, "id")
    out.add(W3C.DCT_IDENTIFIER, string(rec.id), "id")
    if rec.title:
        out.add(W3C.DCT_TITLE, text(rec.title, rec.language), "title")
    out.add(W3C.DCT_LANGUAGE, string(rec.language), "language")
    out.add(lac.fileName, string(rec.file), "file")
    out.add(lac.sha256, string(rec.sha256), "sha256")
    out.refs(W3C.DCT_PUBLISHER, rec.publisher, "publisher")
    out.refs(W3C.DCT_CREATOR, rec.author, "author")
    if rec.date:
        out.add(W3C.DCT_ISSUED, date(rec.date), "date")
    if rec.url:
        out.add(W3C.SCHEMA_URL, ox.NamedNode(rec.url), "url")
    for para in sorted(set(cited)):
        loc = ctx.locator(rec.id, para)
        out.add(W3C.RDF_TYPE, lac.ParagraphLocator, "id", loc)
        out.add(W3C.DCT_IS_PART_OF, subject, "id", loc)
        out.add(lac.paragraphNumber, integer(para), "id", loc)
        out.add(W3C.RDFS_LABEL, text(f"{rec.title or rec.id}, paragraph {para}", rec.language), "id", loc)
    return out.items
