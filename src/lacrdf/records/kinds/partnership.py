"""Partnerships between parties (strategic, comprehensive cooperative), with a start date."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from lacrdf.records.kinds import Kind
from lacrdf.records.model import ActorRef, FactRecord
from lacrdf.values import PartialDate


@dataclass(frozen=True, slots=True, kw_only=True)
class PartnershipRecord(FactRecord):
    KIND: ClassVar[str] = "partnership"
    SEGMENT: ClassVar[str] = "partnership"
    parties: tuple[ActorRef, ...]
    partnership_type: Literal["strategic", "comprehensive-cooperative"]
    since: PartialDate | None = None


def check(rec: PartnershipRecord) -> tuple[str, str] | None:
    if len(rec.parties) < 2:
        return "parties", "a partnership has at least 2 parties"
    return None


KIND = Kind("partnership", PartnershipRecord, lambda r: "Partnership",
            "a strategic or comprehensive partnership", check)  # type: ignore[arg-type]
