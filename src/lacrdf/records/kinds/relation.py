"""Diplomatic relations between two parties: established, resumed or maintained, with a date."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal

from lacrdf.records.kinds import Kind
from lacrdf.records.model import ActorRef, FactRecord
from lacrdf.values import PartialDate


@dataclass(frozen=True, slots=True, kw_only=True)
class RelationRecord(FactRecord):
    KIND: ClassVar[str] = "relation"
    SEGMENT: ClassVar[str] = "relation"
    parties: tuple[ActorRef, ...]
    status: Literal["established", "resumed", "maintained"]
    date: PartialDate | None = None
    assessment: str | None = field(default=None, metadata={"doc": "the source's own word for the relations"})


def check(rec: RelationRecord) -> tuple[str, str] | None:
    if len(rec.parties) != 2:
        return "parties", f"a relation has exactly 2 parties, found {len(rec.parties)}"
    return None


KIND = Kind("relation", RelationRecord, lambda r: "DiplomaticRelation",
            "diplomatic relations between two parties", check)  # type: ignore[arg-type]
