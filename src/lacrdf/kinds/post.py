"""Offices held by persons at the time a text describes (W3C ORG's org:Post, org:heldBy, org:postIn)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from ..records import ActorRef, FactRecord
from ..values import PartialDate
from ..vocab import W3C
from . import Kind
from .base import Context, Emit, Out


@dataclass(frozen=True, slots=True, kw_only=True)
class PostRecord(FactRecord):
    KIND: ClassVar[str] = "post"
    SEGMENT: ClassVar[str] = "post"
    holder: ActorRef = field(metadata={"actor_types": ("person",)})
    title: str
    organization: ActorRef | None = None
    as_of: PartialDate | None = None


def convert(rec: PostRecord, ctx: Context) -> Iterable[Emit]:
    out = Out(ctx, ctx.fact(rec.id))
    out.label(f"{rec.title} ({ctx.label(rec.holder)})", "title")
    out.refs(W3C.ORG_HELD_BY, rec.holder, "holder")
    out.refs(W3C.ORG_POST_IN, rec.organization, "organization")
    out.text(W3C.RDFS_COMMENT, rec.title, "title")
    out.date(ctx.lac.asOf, rec.as_of, "as_of")
    return out.items


KIND = Kind("post", PostRecord, convert, lambda r: "Post",
            "an office held by a person at the time the text describes")  # type: ignore[arg-type]
