"""Diplomatic missions: embassies, consulates general and honorary consulates, in either direction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal

from lacrdf.records.kinds import Kind
from lacrdf.records.model import ActorRef, FactRecord
from lacrdf.values import PartialDate

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


def check(rec: MissionRecord) -> tuple[str, str] | None:
    if rec.host is None and rec.seat is None:
        return "host", "a mission needs 'host' (the host state) or 'seat' (its city)"
    return None


KIND = Kind("mission", MissionRecord, lambda r: _CLASS[r.mission_type],  # type: ignore[attr-defined]
            "an embassy, consulate general or honorary consulate of one state in another", check)
