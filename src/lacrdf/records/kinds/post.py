"""Offices held by persons at the time a text describes (W3C ORG's org:Post, org:heldBy, org:postIn)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from lacrdf.records.kinds import Kind
from lacrdf.records.model import ActorRef, FactRecord
from lacrdf.values import PartialDate


@dataclass(frozen=True, slots=True, kw_only=True)
class PostRecord(FactRecord):
    KIND: ClassVar[str] = "post"
    SEGMENT: ClassVar[str] = "post"
    holder: ActorRef = field(metadata={"actor_types": ("person",)})
    title: str
    organization: ActorRef | None = None
    as_of: PartialDate | None = None


KIND = Kind("post", PostRecord, lambda r: "Post",
            "an office held by a person at the time the text describes")  # type: ignore[arg-type]
