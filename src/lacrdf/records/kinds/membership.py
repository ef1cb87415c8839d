"""Memberships, accessions and observer status in organisations (W3C ORG's org:Membership)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from lacrdf.records.kinds import Kind
from lacrdf.records.model import ActorRef, FactRecord
from lacrdf.values import PartialDate


@dataclass(frozen=True, slots=True, kw_only=True)
class MembershipRecord(FactRecord):
    KIND: ClassVar[str] = "membership"
    SEGMENT: ClassVar[str] = "membership"
    member: ActorRef
    organization: ActorRef
    role: Literal["member", "observer", "associate-member", "participant"]
    since: PartialDate | None = None


KIND = Kind("membership", MembershipRecord, lambda r: "Membership",
            "membership, accession or observer status of an actor in an organisation")  # type: ignore[arg-type]
