"""Memberships, accessions and observer status in organisations (W3C ORG's org:Membership)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar, Literal

from ..records import ActorRef, FactRecord
from ..values import PartialDate
from ..vocab import W3C
from . import Kind
from .base import Context, Emit, Out


@dataclass(frozen=True, slots=True, kw_only=True)
class MembershipRecord(FactRecord):
    KIND: ClassVar[str] = "membership"
    SEGMENT: ClassVar[str] = "membership"
    member: ActorRef
    organization: ActorRef
    role: Literal["member", "observer", "associate-member", "participant"]
    since: PartialDate | None = None


def convert(rec: MembershipRecord, ctx: Context) -> Iterable[Emit]:
    out = Out(ctx, ctx.fact(rec.id))
    out.label(f"{ctx.label(rec.member)}: {rec.role.replace('-', ' ')} of {ctx.label(rec.organization)}", "role")
    out.refs(W3C.ORG_MEMBER, rec.member, "member")
    out.refs(W3C.ORG_ORGANIZATION, rec.organization, "organization")
    out.concept(W3C.ORG_ROLE, "role", rec.role, "role")
    out.date(ctx.lac.startDate, rec.since, "since")
    return out.items


KIND = Kind("membership", MembershipRecord, convert, lambda r: "Membership",
            "membership, accession or observer status of an actor in an organisation")  # type: ignore[arg-type]
