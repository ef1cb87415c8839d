"""Partnerships between parties (strategic, comprehensive cooperative), with a start date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar, Literal

from ..records import ActorRef, FactRecord
from ..values import PartialDate
from . import Kind
from .base import Context, Emit, Out


@dataclass(frozen=True, slots=True, kw_only=True)
class PartnershipRecord(FactRecord):
    KIND: ClassVar[str] = "partnership"
    SEGMENT: ClassVar[str] = "partnership"
    parties: tuple[ActorRef, ...]
    partnership_type: Literal["strategic", "comprehensive-cooperative"]
    since: PartialDate | None = None


def convert(rec: PartnershipRecord, ctx: Context) -> Iterable[Emit]:
    out = Out(ctx, ctx.fact(rec.id))
    kind = rec.partnership_type.replace("-", " ")
    out.label(f"{kind.capitalize()} partnership: {' – '.join(ctx.label(p) for p in rec.parties)}", "parties")
    out.refs(ctx.lac.party, rec.parties, "parties")
    out.concept(ctx.lac.partnershipType, "partnership-type", rec.partnership_type, "partnership_type")
    out.date(ctx.lac.startDate, rec.since, "since")
    return out.items


def check(rec: PartnershipRecord) -> tuple[str, str] | None:
    if len(rec.parties) < 2:
        return "parties", "a partnership has at least 2 parties"
    return None


KIND = Kind("partnership", PartnershipRecord, convert, lambda r: "Partnership",
            "a strategic or comprehensive partnership", check)  # type: ignore[arg-type]
