"""lacrdf: a linked-data toolkit and knowledge graph of diplomatic relations between Latin America & the
Caribbean and their partners. The library API: load records, build the graph into its store, open the
built graph, validate, export, query. Names are imported on first use, so a command that only reads the
built store does not pay for the converters, SHACL or rdflib."""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_API = {
    "DEFAULT_BASE": "lacrdf.config", "Namespaces": "lacrdf.config", "ProjectPaths": "lacrdf.config",
    "find_project": "lacrdf.config",
    "Dataset": "lacrdf.graph.dataset", "build_dataset": "lacrdf.graph.dataset",
    "BuiltGraph": "lacrdf.graph.store", "Target": "lacrdf.graph.store",
    "InputError": "lacrdf.errors", "LacrdfError": "lacrdf.errors", "QueryError": "lacrdf.errors",
    "RecordError": "lacrdf.errors", "RecordErrors": "lacrdf.errors", "RemoteError": "lacrdf.errors",
    "BuildResult": "lacrdf.pipeline", "build": "lacrdf.pipeline", "load_records": "lacrdf.pipeline",
    "make_dataset": "lacrdf.pipeline", "open_graph": "lacrdf.pipeline", "validate": "lacrdf.pipeline",
    "Project": "lacrdf.records.model", "load_project": "lacrdf.records.loader",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'lacrdf' has no attribute {name!r}")
    return getattr(import_module(module), name)
