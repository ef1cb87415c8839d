"""Cooperation programmes, projects, initiatives, funds and loan facilities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from lacrdf.records.kinds import Kind
from lacrdf.records.model import ActorRef, FactRecord, Ref
from lacrdf.values import PartialDate


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgrammeRecord(FactRecord):
    KIND: ClassVar[str] = "programme"
    SEGMENT: ClassVar[str] = "programme"
    programme_type: Literal["programme", "project", "initiative", "fund", "loan", "exchange-programme",
                            "policy-dialogue", "centre", "cooperation-framework"]
    name: str
    acronym: str | None = None
    parties: tuple[ActorRef, ...] = ()
    funder: ActorRef | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None
    topic: str | None = None
    part_of: Ref | None = None


def check(rec: ProgrammeRecord) -> tuple[str, str] | None:
    if rec.start and rec.end and rec.end < rec.start:
        return "end", "end is before start"
    return None


KIND = Kind("programme", ProgrammeRecord, lambda r: "Programme",
            "a cooperation programme, project, initiative, fund or loan facility", check)  # type: ignore[arg-type]
