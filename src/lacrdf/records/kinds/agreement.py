"""Agreements and outcome documents: FTAs, memoranda, treaties, road maps, visa and swap agreements,
declarations and action plans, with parties, dates and status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from lacrdf.records.kinds import Kind
from lacrdf.records.model import ActorRef, FactRecord
from lacrdf.values import PartialDate

AgreementType = Literal[
    "free-trade-agreement", "memorandum-of-understanding", "treaty", "road-map", "visa-agreement",
    "currency-swap", "intergovernmental-agreement", "cooperation-agreement", "cooperation-document",
    "declaration", "action-plan", "joint-statement", "plan",
]
Status = Literal["signed", "concluded", "in-force", "renewed", "in-operation", "adopted", "issued",
                 "under-discussion"]


@dataclass(frozen=True, slots=True, kw_only=True)
class AgreementRecord(FactRecord):
    KIND: ClassVar[str] = "agreement"
    SEGMENT: ClassVar[str] = "agreement"
    agreement_type: AgreementType
    title: str
    parties: tuple[ActorRef, ...] = ()
    date: PartialDate | None = None
    status: Status | None = None
    topic: str | None = None
    period_start: PartialDate | None = None
    period_end: PartialDate | None = None


def check(rec: AgreementRecord) -> tuple[str, str] | None:
    if rec.period_start and rec.period_end and rec.period_end < rec.period_start:
        return "period_end", "period_end is before period_start"
    return None


KIND = Kind("agreement", AgreementRecord, lambda r: "Agreement",
            "an agreement, treaty, memorandum or outcome document", check)  # type: ignore[arg-type]
