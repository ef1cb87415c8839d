"""The lacrdf vocabulary, declared once. ``Vocabulary(ns).sendingState`` is the IRI of that term; a name
that is not declared here raises AttributeError, so a typo never becomes a silent new IRI. A test checks
this list against ontology/lacrdf.ttl in both directions."""

from __future__ import annotations

from functools import cache

import pyoxigraph as ox

CLASSES = frozenset({
    "Actor", "SovereignState", "InternationalOrganization", "Region", "City", "GovernmentBody", "Person",
    "Company", "PoliticalParty",
    "SourceDocument", "ParagraphLocator", "Fact",
    "DiplomaticMission", "Embassy", "ConsulateGeneral", "HonoraryConsulate",
    "DiplomaticRelation", "CountStatement", "Partnership", "Agreement", "Membership", "Event", "JointBody",
    "Programme", "Figure", "CompanyPresence", "Post", "Position",
})

OBJECT_PROPERTIES = frozenset({
    "country", "partOf", "sendingState", "hostState", "seat", "jurisdiction", "party", "relationStatus",
    "subject", "scope", "counterpart", "countQualifier", "partnershipType", "agreementType", "status",
    "eventType", "location", "participant", "headedBy", "hostedBy", "organizer", "supporter", "bodyType",
    "programmeType",
    "funder", "figureType", "flow", "reporter", "partner", "amount", "valueQualifier", "statisticsSource",
    "relatedTo", "company", "presenceType", "operatesIn", "holder", "stance", "about", "evidence",
})

DATATYPE_PROPERTIES = frozenset({
    "iso3166Alpha2", "iso3166Alpha3", "iso3166Numeric", "unM49", "cowNumber", "cowCode", "gwNumber", "gwCode",
    "fips104Code", "acronym", "sha256", "fileName", "paragraphNumber", "date",
    "startDate", "endDate", "assessment", "countedThing", "count", "outOf", "asOf", "topic", "dateSigned",
    "periodStart", "periodEnd", "ordinal", "online", "unitMultiplier", "shareOfTotal", "changePercent",
    "activity", "earliestDate", "latestDate", "theme",
})

TERMS = CLASSES | OBJECT_PROPERTIES | DATATYPE_PROPERTIES


class Vocabulary:
    """IRIs of lacrdf terms under one terms namespace."""

    __slots__ = ("_ns",)

    def __init__(self, namespace: str) -> None:
        self._ns = namespace

    def __getattr__(self, name: str) -> ox.NamedNode:
        return _term(self._ns, name)

    def __getitem__(self, name: str) -> ox.NamedNode:
        return _term(self._ns, name)


@cache
def _term(ns: str, name: str) -> ox.NamedNode:
    if name not in TERMS:
        raise AttributeError(f"'{name}' is not a lacrdf term; declare it in vocab.py and ontology/lacrdf.ttl")
    return ox.NamedNode(ns + name)


class W3C:
    """The standard terms lacrdf writes."""

    RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
    OWL_SAMEAS = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
    SKOS_ALTLABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
    SKOS_HIDDENLABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#hiddenLabel")
    DCT_IDENTIFIER = ox.NamedNode("http://purl.org/dc/terms/identifier")
    DCT_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
    DCT_PUBLISHER = ox.NamedNode("http://purl.org/dc/terms/publisher")
    DCT_CREATOR = ox.NamedNode("http://purl.org/dc/terms/creator")
    DCT_LANGUAGE = ox.NamedNode("http://purl.org/dc/terms/language")
    DCT_ISSUED = ox.NamedNode("http://purl.org/dc/terms/issued")
    DCT_IS_PART_OF = ox.NamedNode("http://purl.org/dc/terms/isPartOf")
    PROV_DERIVED = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
    PROV_ATTRIBUTED = ox.NamedNode("http://www.w3.org/ns/prov#wasAttributedTo")
    PROV_GENERATED = ox.NamedNode("http://www.w3.org/ns/prov#generated")
    ORG_MEMBER = ox.NamedNode("http://www.w3.org/ns/org#member")
    ORG_ORGANIZATION = ox.NamedNode("http://www.w3.org/ns/org#organization")
    ORG_ROLE = ox.NamedNode("http://www.w3.org/ns/org#role")
    ORG_HELD_BY = ox.NamedNode("http://www.w3.org/ns/org#heldBy")
    ORG_POST_IN = ox.NamedNode("http://www.w3.org/ns/org#postIn")
    OA_SPECIFIC_RESOURCE = ox.NamedNode("http://www.w3.org/ns/oa#SpecificResource")
    OA_TEXT_POSITION_SELECTOR = ox.NamedNode("http://www.w3.org/ns/oa#TextPositionSelector")
    OA_HAS_SOURCE = ox.NamedNode("http://www.w3.org/ns/oa#hasSource")
    OA_HAS_SELECTOR = ox.NamedNode("http://www.w3.org/ns/oa#hasSelector")
    OA_START = ox.NamedNode("http://www.w3.org/ns/oa#start")
    OA_END = ox.NamedNode("http://www.w3.org/ns/oa#end")
    SCHEMA_URL = ox.NamedNode("https://schema.org/url")
    SCHEMA_VALUE = ox.NamedNode("https://schema.org/value")
    SCHEMA_CURRENCY = ox.NamedNode("https://schema.org/currency")
    SCHEMA_UNIT_TEXT = ox.NamedNode("https://schema.org/unitText")
    SCHEMA_MONETARY_AMOUNT = ox.NamedNode("https://schema.org/MonetaryAmount")
    SCHEMA_QUANTITATIVE_VALUE = ox.NamedNode("https://schema.org/QuantitativeValue")
