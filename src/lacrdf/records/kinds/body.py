"""Joint bodies set up by two or more parties: joint and intergovernmental commissions, secretariats."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from lacrdf.records.kinds import Kind
from lacrdf.records.model import ActorRef, FactRecord
from lacrdf.values import PartialDate


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


KIND = Kind("body", BodyRecord, lambda r: "JointBody",
            "a joint commission or other body set up by two or more parties")  # type: ignore[arg-type]
