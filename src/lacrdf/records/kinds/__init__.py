"""The registry of fact kinds: one module per kind, each defining its record dataclass and its cross-field
rule. Adding a kind is adding a module here, its converter in lacrdf.graph.convert, its class to the
ontology and a shape."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from lacrdf.records.model import FactRecord

ClassOf = Callable[[FactRecord], str]


@dataclass(frozen=True, slots=True)
class Kind:
    """A record kind: its YAML name, record class and ontology class (maybe per record)."""

    name: str
    record: type[FactRecord]
    class_of: ClassOf
    summary: str
    check: Callable[[FactRecord], tuple[str, str] | None] | None = None
    """A cross-field rule the field types cannot say: returns (field, problem) or None."""


def _load() -> dict[str, Kind]:
    from lacrdf.records.kinds import (
        agreement,
        body,
        count,
        event,
        figure,
        membership,
        mission,
        partnership,
        position,
        post,
        presence,
        programme,
        relation,
    )

    modules = (mission, relation, count, partnership, agreement, membership, event, body, programme, figure,
               presence, post, position)
    return {m.KIND.name: m.KIND for m in modules}


KINDS: Mapping[str, Kind] = _load()


def type_module(record: type[FactRecord]) -> str:
    """The module of the kinds package that defines a record class (the converter's module has the same
    name under lacrdf.graph.convert)."""
    return record.__module__.rsplit(".", 1)[1]


def kind_of(rec: FactRecord) -> Kind:
    return KINDS[type(rec).KIND]  # type: ignore[attr-defined]
