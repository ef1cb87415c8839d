"""Companies' presence in a country: branches, representative offices, joint ventures, trading houses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from ..records import ActorRef, FactRecord
from ..values import PartialDate
from . import Kind
from .base import Context, Emit, Out


@dataclass(frozen=True, slots=True, kw_only=True)
class PresenceRecord(FactRecord):
    KIND: ClassVar[str] = "presence"
    SEGMENT: ClassVar[str] = "presence"
    company: ActorRef = field(metadata={"actor_types": ("company",)})
    presence_type: Literal["branch", "representative-office", "joint-venture", "distribution-network",
                           "trading-house", "plant", "operations", "service-launch"]
    country: ActorRef = field(metadata={"actor_types": ("state", "region")})
    since: PartialDate | None = None
    partners: tuple[ActorRef, ...] = ()
    activity: str | None = None


def convert(rec: PresenceRecord, ctx: Context) -> Iterable[Emit]:
    out = Out(ctx, ctx.fact(rec.id))
    lac = ctx.lac
    out.label(f"{ctx.label(rec.company)}: {rec.presence_type.replace('-', ' ')} in {ctx.label(rec.country)}",
              "presence_type")
    out.refs(lac.company, rec.company, "company")
    out.concept(lac.presenceType, "presence-type", rec.presence_type, "presence_type")
    out.refs(lac.operatesIn, rec.country, "country")
    out.date(lac.startDate, rec.since, "since")
    out.refs(lac.party, rec.partners, "partners")
    out.text(lac.activity, rec.activity, "activity")
    return out.items


KIND = Kind("presence", PresenceRecord, convert, lambda r: "CompanyPresence",
            "a company's branch, office or joint venture in a country")  # type: ignore[arg-type]
