"""Stage 1 of the pipeline: the YAML reader (located values), the record types and fact kinds, the
loader that checks records against each other, and the checks of records against their source texts."""

from __future__ import annotations

from importlib import import_module
from typing import Any

_API = {"load_project": "lacrdf.records.loader", **{name: "lacrdf.records.model" for name in (
    "ActorRecord", "FactRecord", "Origin", "Project", "Record", "SourceRecord", "Span")}}
__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name not in _API:
        raise AttributeError(f"module 'lacrdf.records' has no attribute {name!r}")
    return getattr(import_module(_API[name]), name)
