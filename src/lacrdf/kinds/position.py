"""Positions a source states as its own or another actor's view ("X supports...", "X condemns...").
The provenance says who said it; the topic is our own short wording, never the source's sentence."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from ..records import ActorRef, FactRecord
from ..values import PartialDate
from . import Kind
from .base import Context, Emit, Out


@dataclass(frozen=True, slots=True, kw_only=True)
class PositionRecord(FactRecord):
    KIND: ClassVar[str] = "position"
    SEGMENT: ClassVar[str] = "position"
    holder: ActorRef | None = field(default=None, metadata={
        "doc": "who holds the view; leave out when it is the source's own view (its publisher or author)"})
    stance: Literal["supports", "opposes", "condemns", "welcomes", "recognises", "congratulates", "estimates",
                    "assesses", "raises-concern"]
    topic: str
    about: tuple[ActorRef, ...] = ()
    date: PartialDate | None = None


def convert(rec: PositionRecord, ctx: Context) -> Iterable[Emit]:
    out = Out(ctx, ctx.fact(rec.id))
    source = ctx.sources.get(rec.source)
    holder = rec.holder or (source.author or source.publisher if source else None)
    who = ctx.label(holder) if holder else "the source"
    out.label(f"{who} {rec.stance.replace('-', ' ')}: {rec.topic}", "topic")
    out.refs(ctx.lac.holder, holder, "holder")
    out.concept(ctx.lac.stance, "stance", rec.stance, "stance")
    out.text(ctx.lac.topic, rec.topic, "topic")
    out.refs(ctx.lac.about, rec.about, "about")
    out.date(ctx.lac.date, rec.date, "date")
    return out.items


KIND = Kind("position", PositionRecord, convert, lambda r: "Position",
            "a position or claim a source attributes to an actor")  # type: ignore[arg-type]
