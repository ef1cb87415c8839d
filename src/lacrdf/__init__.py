"""lacrdf: a linked-data toolkit and knowledge graph of diplomatic relations between Latin America & the
Caribbean and their partners. The library API: load records, build the dataset, validate, export, query."""

from .config import DEFAULT_BASE, Namespaces, ProjectPaths, find_project
from .dataset import Dataset, build_dataset
from .errors import InputError, LacrdfError, QueryError, RecordError, RecordErrors, RemoteError
from .pipeline import BuildResult, build, load_records, make_dataset, validate
from .records import Project, load_project

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_BASE", "BuildResult", "Dataset", "InputError", "LacrdfError", "Namespaces", "Project",
    "ProjectPaths", "QueryError", "RecordError", "RecordErrors", "RemoteError", "build", "build_dataset",
    "find_project", "load_project", "load_records", "make_dataset", "validate",
]
