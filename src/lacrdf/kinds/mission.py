"""Diplomatic missions: embassies, consulates general and honorary consulates, in either direction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from ..records import ActorRef, FactRecord
from ..values import PartialDate
from . import Kind
from .base import Context, Emit, Out

MissionType = Literal["embassy", "consulate-general", "honorary-consulate"]
_CLASS = {"embassy": "Embassy", "consulate-general": "ConsulateGeneral", "honorary-consulate": "HonoraryConsulate"}
_NAME = {"embassy": "Embassy", "consulate-general": "Consulate General", "honorary-consulate": "Honorary Consulate"}


@dataclass(frozen=True, slots=True, kw_only=True)
class MissionRecord(FactRecord):
    """A mission kept by ``sending`` in ``host`` (and/or at ``seat``); ``jurisdiction`` lists further
    states it is accredited to."""

    KIND: ClassVar[str] = "mission"
    SEGMENT: ClassVar[str] = "mission"
    mission_type: MissionType
    sending: ActorRef = field(metadata={"actor_types": ("state",)})
    host: ActorRef | None = field(default=None, metadata={"actor_types": ("state",)})
    seat: ActorRef | None = field(default=None, metadata={"actor_types": ("city",)})
    jurisdiction: tuple[ActorRef, ...] = field(default=(), metadata={"actor_types": ("state",)})
    since: PartialDate | None = None


def convert(rec: MissionRecord, ctx: Context) -> Iterable[Emit]:
    out = Out(ctx, ctx.fact(rec.id))
    lac = ctx.lac
    where = ctx.label(rec.seat or rec.host or "")
    out.label(f"{_NAME[rec.mission_type]} of {ctx.label(rec.sending)} in {where}", "mission_type")
    out.refs(lac.sendingState, rec.sending, "sending")
    out.refs(lac.hostState, rec.host, "host")
    out.refs(lac.seat, rec.seat, "seat")
    out.refs(lac.jurisdiction, rec.jurisdiction, "jurisdiction")
    out.date(lac.startDate, rec.since, "since")
    return out.items


def check(rec: MissionRecord) -> tuple[str, str] | None:
    if rec.host is None and rec.seat is None:
        return "host", "a mission needs 'host' (the host state) or 'seat' (its city)"
    return None


KIND = Kind("mission", MissionRecord, convert, lambda r: _CLASS[r.mission_type],  # type: ignore[attr-defined]
            "an embassy, consulate general or honorary consulate of one state in another", check)
