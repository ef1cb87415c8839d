"""Diplomatic relations between two parties: established, resumed or maintained, with a date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from ..records import ActorRef, FactRecord
from ..values import PartialDate
from . import Kind
from .base import Context, Emit, Out


@dataclass(frozen=True, slots=True, kw_only=True)
class RelationRecord(FactRecord):
    KIND: ClassVar[str] = "relation"
    SEGMENT: ClassVar[str] = "relation"
    parties: tuple[ActorRef, ...]
    status: Literal["established", "resumed", "maintained"]
    date: PartialDate | None = None
    assessment: str | None = field(default=None, metadata={"doc": "the source's own word for the relations"})


def convert(rec: RelationRecord, ctx: Context) -> Iterable[Emit]:
    out = Out(ctx, ctx.fact(rec.id))
    names = " – ".join(ctx.label(p) for p in rec.parties)
    out.label(f"Diplomatic relations {names} ({rec.status})", "parties")
    out.refs(ctx.lac.party, rec.parties, "parties")
    out.concept(ctx.lac.relationStatus, "relation-status", rec.status, "status")
    out.date(ctx.lac.date, rec.date, "date")
    out.text(ctx.lac.assessment, rec.assessment, "assessment")
    return out.items


def check(rec: RelationRecord) -> tuple[str, str] | None:
    if len(rec.parties) != 2:
        return "parties", f"a relation has exactly 2 parties, found {len(rec.parties)}"
    return None


KIND = Kind("relation", RelationRecord, convert, lambda r: "DiplomaticRelation",
            "diplomatic relations between two parties", check)  # type: ignore[arg-type]
