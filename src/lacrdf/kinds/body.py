"""Joint bodies set up by two or more parties: joint and intergovernmental commissions, secretariats."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar, Literal

from ..records import ActorRef, FactRecord
from ..values import PartialDate
from . import Kind
from .base import Context, Emit, Out


@dataclass(frozen=True, slots=True, kw_only=True)
class BodyRecord(FactRecord):
    KIND: ClassVar[str] = "body"
    SEGMENT: ClassVar[str] = "joint-body"
    body_type: Literal["joint-commission", "intergovernmental-commission", "high-level-commission", "forum",
                       "secretariat", "mechanism"]
    name: str
    parties: tuple[ActorRef, ...] = ()
    established: PartialDate | None = None
    part_of: ActorRef | None = None


def convert(rec: BodyRecord, ctx: Context) -> Iterable[Emit]:
    out = Out(ctx, ctx.fact(rec.id))
    out.label(rec.name, "name")
    out.concept(ctx.lac.bodyType, "body-type", rec.body_type, "body_type")
    out.refs(ctx.lac.party, rec.parties, "parties")
    out.date(ctx.lac.startDate, rec.established, "established")
    out.refs(ctx.lac.partOf, rec.part_of, "part_of")
    return out.items


KIND = Kind("body", BodyRecord, convert, lambda r: "JointBody",
            "a joint commission or other body set up by two or more parties")  # type: ignore[arg-type]
