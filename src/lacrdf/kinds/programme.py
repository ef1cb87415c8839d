"""Cooperation programmes, projects, initiatives, funds and loan facilities."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar, Literal

from ..records import ActorRef, FactRecord, Ref
from ..values import PartialDate
from . import Kind
from .base import Context, Emit, Out, string


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


def convert(rec: ProgrammeRecord, ctx: Context) -> Iterable[Emit]:
    out = Out(ctx, ctx.fact(rec.id))
    lac = ctx.lac
    out.label(rec.name, "name")
    out.concept(lac.programmeType, "programme-type", rec.programme_type, "programme_type")
    if rec.acronym:
        out.add(lac.acronym, string(rec.acronym), "acronym")
    out.refs(lac.party, rec.parties, "parties")
    out.refs(lac.funder, rec.funder, "funder")
    out.date(lac.startDate, rec.start, "start")
    out.date(lac.endDate, rec.end, "end")
    out.text(lac.topic, rec.topic, "topic")
    out.refs(lac.partOf, rec.part_of, "part_of")
    return out.items


def check(rec: ProgrammeRecord) -> tuple[str, str] | None:
    if rec.start and rec.end and rec.end < rec.start:
        return "end", "end is before start"
    return None


KIND = Kind("programme", ProgrammeRecord, convert, lambda r: "Programme",
            "a cooperation programme, project, initiative, fund or loan facility", check)  # type: ignore[arg-type]
