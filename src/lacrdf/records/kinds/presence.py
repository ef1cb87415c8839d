"""Companies' presence in a country: branches, representative offices, joint ventures, trading houses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal

from lacrdf.records.kinds import Kind
from lacrdf.records.model import ActorRef, FactRecord
from lacrdf.values import PartialDate


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


KIND = Kind("presence", PresenceRecord, lambda r: "CompanyPresence",
            "a company's branch, office or joint venture in a country")  # type: ignore[arg-type]
