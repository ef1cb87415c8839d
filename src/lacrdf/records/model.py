"""Typed records: a record kind is a frozen dataclass whose field annotations say how each YAML value is
parsed (see ``lacrdf.records.loader``) and whose field metadata adds constraints (allowed actor types,
minimums)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, NewType, TypeVar

from lacrdf.values import PartialDate

ActorRef = NewType("ActorRef", str)
"""The id of an actor record (a state's ISO alpha-2 code, or a slug)."""
FactRef = NewType("FactRef", str)
"""The id of a fact record."""
Ref = NewType("Ref", str)
"""The id of an actor or of a fact."""
Iri = NewType("Iri", str)
Sha256 = NewType("Sha256", str)
WikidataId = NewType("WikidataId", str)
LangTag = NewType("LangTag", str)
TextFile = NewType("TextFile", str)
"""A source text's name inside the seeds folder: a relative path that stays in it."""
Aliases = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True, order=True)
class Origin:
    """Where a record (or one of its fields) was written."""

    file: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        # line 0: a place in a file that has no lines to point at (JSON-LD, RDF/XML, an endpoint)
        return f"{self.file}:{self.line}:{self.column}" if self.line else self.file


@dataclass(frozen=True, slots=True, kw_only=True)
class Record:
    """Fields every record has: its id and where it was written."""

    id: str
    origin: Origin = field(compare=False)
    positions: Mapping[str, tuple[int, int]] = field(default_factory=dict, compare=False, repr=False)

    def field_origin(self, name: str) -> Origin:
        line, col = self.positions.get(name, (self.origin.line, self.origin.column))
        return Origin(self.origin.file, line, col)


ActorType = Literal["state", "organization", "region", "city", "government-body", "person", "company",
                    "political-party"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ActorRecord(Record):
    """A state, organisation, region, city, government body, person or company."""

    type: ActorType
    name: str | None = field(default=None, metadata={"doc": "the name as the documents spell it"})
    name_language: LangTag = field(default=LangTag("en"), metadata={"doc": "the language of the documents"})
    aliases: Aliases | None = None
    acronym: str | None = None
    wikidata: WikidataId | None = None
    country: ActorRef | None = field(default=None, metadata={"actor_types": ("state",)})
    part_of: ActorRef | None = None

    def label(self, lang: str = "en") -> str:
        if self.name:
            return self.name
        if self.type == "state":
            from lacrdf.countries import country_labels

            return country_labels(self.id)[lang]
        return self.id


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceRecord(Record):
    """A source document: its metadata; the facts curated from it live in the same file."""

    file: TextFile
    sha256: Sha256
    title: str | None = field(default=None, metadata={"doc": "the title as the text writes it; none if it has none"})
    language: LangTag
    publisher: ActorRef | None = None
    author: ActorRef | None = field(default=None, metadata={"actor_types": ("person",)})
    date: PartialDate | None = None
    url: Iri | None = None


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """The words that state a fact: characters ``start`` (inclusive) to ``end`` (exclusive) of paragraph
    ``para``, counted in Unicode code points of the paragraph as ``sources.paragraphs`` returns it."""

    para: int
    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class FactRecord(Record):
    """Fields every fact has: the source document, the paragraph(s) it is taken from and, for each cited
    paragraph, the span(s) of the words that state it."""

    source: str = field(metadata={"internal": True})
    para: tuple[int, ...] = field(metadata={"scalar_ok": True, "min": 1})
    evidence: tuple[Span, ...] = ()
    earliest_date: PartialDate | None = field(default=None, metadata={
        "doc": "when the text bounds the fact's date instead of giving it: the earliest it allows (P1319)"})
    latest_date: PartialDate | None = field(default=None, metadata={
        "doc": "the latest date the text allows (P1326)"})


R = TypeVar("R", bound=Record)


@dataclass(frozen=True, slots=True)
class Project:
    """Every record of a project, checked and cross-referenced, in a stable order. ``others`` holds the
    facts of files that were not loaded as records (an incremental build's unchanged files) by id, with
    their kind, so references to them resolve."""

    actors: Mapping[str, ActorRecord]
    sources: Mapping[str, SourceRecord]
    facts: Mapping[str, FactRecord]
    others: Mapping[str, str] = field(default_factory=dict)

    def facts_of(self, source_id: str) -> list[FactRecord]:
        return [f for f in self.facts.values() if f.source == source_id]

    def has_fact(self, fact_id: str) -> bool:
        return fact_id in self.facts or fact_id in self.others

    def fact_kind(self, fact_id: str) -> str:
        rec = self.facts.get(fact_id)
        return type(rec).KIND if rec is not None else self.others[fact_id]  # type: ignore[attr-defined]

    def fact_ids(self) -> list[str]:
        return [*self.facts, *self.others]
